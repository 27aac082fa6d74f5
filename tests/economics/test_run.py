"""The money tables of real (tiny) runs: revenue at the price paid, balance, KPIs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tests.conftest import small_spec

from crossdock.economics import COMPONENTS, ECONOMICS_KPI_DOCS
from crossdock.ledger import KINDS
from crossdock.scenario import PromotionSpec, compile_scenario
from crossdock.simulate import compare, simulate

_SOLD = KINDS.index("sold")
_RECEIVED = KINDS.index("received")


@pytest.fixture(scope="module")
def promoted():
    """``ok_small`` with SKU 0 at 25% off in store 0 over days 3-9."""
    spec = small_spec()
    promo = PromotionSpec(
        gtins=[spec.products[0].gtin],
        stores=[spec.stores[0].id],
        start=spec.start_date + __import__("datetime").timedelta(days=3),
        days=7,
        price_cut=0.25,
    )
    demand = spec.demand.model_copy(update={"promotions": [promo]})
    return compile_scenario(spec.model_copy(update={"demand": demand}))


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_revenue_is_sales_at_the_price_paid(promoted, mode) -> None:
    run = simulate(promoted, mode=mode, days=14, detail=True, seed=3)
    ledger = run.ledger
    stores = ledger.blocks["store"]
    sold = ledger.flows_sku[:, stores, _SOLD, :].astype(np.float64)  # [day, store, sku]
    price = np.broadcast_to(promoted.shelf_price, sold.shape).copy()
    price[3:10, 0, 0] = np.round(promoted.shelf_price[0] * 0.75, 2)
    expected = (sold * price).sum(axis=2).ravel()
    got = run.tables["store_daily"].column("revenue").to_numpy()
    assert got == pytest.approx(expected)
    assert sold[3:10, 0, 0].sum() > 0  # the promotion's price was charged on some sales
    received = ledger.flows_sku[:, stores, _RECEIVED, :] / promoted.case_pack
    cases = run.tables["store_daily"].column("cases_received").to_numpy()
    assert cases == pytest.approx(received.sum(axis=2).ravel())


@pytest.mark.parametrize("mode", ["traditional", "shared", "shared_own_items"])
def test_pnl_of_a_run_balances_and_gives_the_kpis(ok_small, mode) -> None:
    run = simulate(ok_small, mode=mode, days=20, warm_up=5, seed=1)
    frame = run.tables["pnl"].to_pandas()
    wide = frame.pivot_table(index=["day", "party"], columns="line", values="eur")
    assert np.allclose(wide[list(COMPONENTS)].sum(axis=1), wide["operating_profit"])
    measured = frame[(frame.day >= 5) & (frame.line == "operating_profit")]
    k = run.kpis
    assert k["operating_profit_chain"] == pytest.approx(measured.eur.sum())
    parts = k["operating_profit_retailer"] + k["operating_profit_suppliers"]
    assert k["operating_profit_chain"] == pytest.approx(parts + k["operating_profit_carrier"])
    labour = run.tables["store_labour"].to_pandas()
    assert k["store_payroll"] == pytest.approx(labour[labour.day >= 5].eur.sum())
    assert k["store_payroll"] > 0
    assert k["revenue_retailer"] > 0
    assert set(ECONOMICS_KPI_DOCS) <= set(k)
    assert next(iter(k)) == "operating_profit_chain"  # money first


def test_compare_leads_with_money(ok_small, tmp_path) -> None:
    runs = compare(ok_small, days=12, warm_up=2, seed=1, captain=False)
    text = runs.summary()
    assert text.startswith("Operating profit (EUR, measured days)")
    chain = (
        runs.shared.kpis["operating_profit_chain"] - runs.traditional.kpis["operating_profit_chain"]
    )
    assert f"{chain:+,.0f}" in text.splitlines()[2]
    assert "Store payroll:" in text.split("KPI")[0]
    runs.write(tmp_path)
    rows = json.loads((tmp_path / "comparison.json").read_text(encoding="utf-8"))
    assert next(iter(rows)) == "operating_profit_chain"
    assert rows["operating_profit_chain"]["difference"] == pytest.approx(chain)
    assert (tmp_path / "shared" / "pnl.parquet").exists()
