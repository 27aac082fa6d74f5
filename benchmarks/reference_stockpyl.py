"""Reference for bench_engine: stockpyl simulating a 3-node serial base-stock system.

Run in its own virtual environment (.venv-ref, made by `make bench`); prints JSON.
"""

import json
import time

from stockpyl.sim import simulation
from stockpyl.supply_chain_network import serial_system

net = serial_system(
    num_nodes=3,
    node_order_in_system=[3, 2, 1],
    echelon_holding_cost=[1, 1, 1],
    local_holding_cost=[1, 2, 3],
    stockout_cost=[10, 0, 0],
    shipment_lead_time=[1, 1, 1],
    demand_type="P",
    mean=5,
    policy_type="BS",
    base_stock_level=[10, 10, 10],
)
periods = 2000
t = time.perf_counter()
simulation(net, periods, rand_seed=1, progress_bar=False)
dt = time.perf_counter() - t
print(json.dumps({"node_periods_per_s": 3 * periods / dt, "seconds": dt}))
