"""What a planning run writes: ORDERS interchanges, the proposals table, a summary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from crossdock import edi
from crossdock import messages as sim
from crossdock._files import written_atomically
from crossdock.twin._twin import PlanResult, Twin

__all__ = ["PROPOSAL_SCHEMA", "proposals_table", "write_outputs"]

#: One row per order line and store: what the planners propose (or order) on a day.
PROPOSAL_SCHEMA = pa.schema(
    [
        ("date", pa.date32()),
        ("planner_gln", pa.string()),
        ("receiver_gln", pa.string()),
        ("kind", pa.string()),  # "proposal" (to the retailer) or "order" (to a supplier)
        ("order_number", pa.string()),
        ("ship_to_gln", pa.string()),  # the platform, or empty for a proposal by store
        ("store_gln", pa.string()),
        ("gtin", pa.string()),
        ("quantity", pa.int64()),
        ("pallets", pa.float64()),
    ]
)


def proposals_table(twin: Twin, orders: list[sim.Order]) -> pa.Table:
    """The non-zero lines of ``orders``, one row per store × item (:data:`PROPOSAL_SCHEMA`)."""
    sc = twin.scenario
    md = twin.bridge.master
    columns: dict[str, list[object]] = {name: [] for name in PROPOSAL_SCHEMA.names}
    for order in orders:
        rows, cols = np.nonzero(order.quantity)
        if not rows.size:
            continue
        n = rows.size
        stores = sc.store_gln[order.locations[rows]]
        items = order.items[cols]
        quantity = order.quantity[rows, cols]
        ship_to = "" if order.ship_to < 0 else md.gln(order.ship_to_kind, order.ship_to, "ship_to")
        columns["date"] += [md.date(order.day)] * n
        columns["planner_gln"] += [order.sender] * n
        columns["receiver_gln"] += [order.receiver] * n
        columns["kind"] += ["proposal" if order.ship_to_kind == "store" else "order"] * n
        columns["order_number"] += [order.order_number] * n
        columns["ship_to_gln"] += [ship_to] * n
        columns["store_gln"] += [str(g) for g in stores]
        columns["gtin"] += [str(g) for g in sc.gtin[items]]
        columns["quantity"] += quantity.tolist()
        columns["pallets"] += (quantity / sc.units_per_pallet[items]).tolist()
    return pa.table(columns, schema=PROPOSAL_SCHEMA)


def write_outputs(twin: Twin, result: PlanResult, out: Path) -> tuple[list[Path], pa.Table]:
    """Write each order as an EANCOM interchange and the proposals as CSV and Parquet.

    Interchanges go to ``out/<date>/ORDERS-<order number>-<receiver GLN>.edi`` (one segment
    a line); the table to ``out/proposals.csv`` and ``out/proposals.parquet`` (left as they
    were when no day was planned).
    """
    out.mkdir(parents=True, exist_ok=True)
    md = twin.bridge.master
    written = []
    for order in result.orders:
        if not order.quantity.any():
            continue
        folder = out / md.date(order.day).isoformat()
        folder.mkdir(exist_ok=True)
        path = folder / f"ORDERS-{order.order_number}-{order.receiver}.edi"
        edi.write(twin.interchange(order), path, newlines=True)
        written.append(path)
    table = proposals_table(twin, result.orders)
    if not result.days:  # nothing planned: yesterday's tables stay as they were
        return written, table
    with written_atomically(out / "proposals.parquet") as handle:
        pq.write_table(table, handle)
    with written_atomically(out / "proposals.csv") as handle:
        pacsv.write_csv(table, handle)
    return written, table
