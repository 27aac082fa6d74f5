"""The P&L balances: per party and day, the components add up to the operating profit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from tests.economics.helpers import blank_tables, money_scenario

from crossdock.economics import COMPONENTS, build_pnl

SC = money_scenario()
DAYS = 3
_units = arrays(np.int64, (DAYS, SC.n_skus), elements=st.integers(0, 10_000))
_money = arrays(np.float64, (DAYS,), elements=st.floats(0, 1e6))


@settings(max_examples=40, deadline=None)
@given(
    sales=_units,
    lost=_units,
    shipped=_units,
    produced=_units,
    scrap=_units,
    stock=_units,
    revenue=_money,
    hours=_money,
    labour=_money,
    messages=arrays(np.int64, (DAYS,), elements=st.integers(0, 10_000)),
    cost=st.floats(0, 1e5),
    busy=st.floats(0, 24),
    mode=st.sampled_from(["traditional", "shared"]),
)
def test_components_add_up_to_operating_profit(
    sales, lost, shipped, produced, scrap, stock, revenue, hours, labour, messages, cost, busy, mode
) -> None:
    tables = blank_tables(
        SC,
        DAYS,
        sku_sales=sales,
        sku_lost_sales=lost,
        sku_supplier_shipped=shipped,
        sku_produced=produced,
        sku_ramp_scrap=scrap,
        sku_delisted_scrap=scrap,
        sku_store_stock=stock,
        sku_supplier_stock=stock,
        stock_value={"store": {0: 1000.0}, "supplier": {1: 50.0}, "carrier": {0: 7.0}},
        transport=[(d, "inbound", str(SC.supplier_gln[d]), cost) for d in range(DAYS)]
        + [(1, "outbound", str(SC.platform_gln[0]), cost)],
        revenue=revenue,
        depot_hours=hours,
        store_labour_eur=labour,
        messages=messages,
        busy_hours={0: busy, 2: busy / 2},
    )
    frame = build_pnl(tables, SC, mode).to_pandas()
    wide = frame.pivot_table(index=["day", "party"], columns="line", values="eur", sort=False)
    total = wide[list(COMPONENTS)].sum(axis=1)
    scale = 1.0 + wide[list(COMPONENTS)].abs().sum(axis=1)
    assert (np.abs(total - wide["operating_profit"]) <= 1e-9 * scale).all()
    assert np.allclose(wide["gross_margin"], wide["revenue"] + wide["cogs"])
    # money moves between parties without being made: the carrier's revenue is what the
    # others pay it
    paid = -wide["transport"].drop(index="carrier", level="party").groupby("day").sum()
    carrier = wide.xs("carrier", level="party")["revenue"]
    assert np.allclose(paid.to_numpy(), carrier.to_numpy())
