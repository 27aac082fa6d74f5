"""Price pass-through: lower prices, demand through the elasticity, the affordable cut."""

from __future__ import annotations

import json

import numpy as np
import pytest

from crossdock.demand import DemandModel
from crossdock.economics import (
    PriceBook,
    affordable_cut_estimate,
    pass_through_cut,
    per_unit_saving,
    with_price_cut,
)
from crossdock.economics._pass_through import _profit_at
from crossdock.scenario import compile_scenario
from crossdock.simulate import compare, simulate


def test_a_cut_lowers_every_price_and_demand_answers_through_the_elasticity(ok_small) -> None:
    cut = with_price_cut(ok_small, 0.1)
    prices = PriceBook(cut).price(0)
    assert prices[0] == pytest.approx(np.round(ok_small.shelf_price * 0.9, 2))
    days = np.arange(5)
    ratio = DemandModel(cut, 1).means(days) / DemandModel(ok_small, 1).means(days)
    paid = np.round(ok_small.shelf_price * 0.9, 2) / ok_small.shelf_price
    elasticity = ok_small.spec.demand.price_elasticity
    assert ratio == pytest.approx(np.broadcast_to(paid**elasticity, ratio.shape))
    assert with_price_cut(ok_small, 0.0) is ok_small


KPIS = {  # traditional: 1,000 units, operating costs 300 (0.30 a unit)
    "traditional": {
        "sales_units": 1000.0,
        "revenue_retailer": 5000.0,
        "gross_margin_retailer": 1500.0,
        "operating_profit_retailer": 1200.0,
    },
    "shared": {  # 1,000 units at 5.00, operating costs 100 (0.10 a unit)
        "sales_units": 1000.0,
        "revenue_retailer": 5000.0,
        "gross_margin_retailer": 1500.0,
        "operating_profit_retailer": 1400.0,
    },
}


def test_pass_through_cut_from_the_per_unit_saving() -> None:
    t, s = KPIS["traditional"], KPIS["shared"]
    assert per_unit_saving(t, s) == pytest.approx(0.2)
    # half of 0.20 a unit on an average price of 5.00 is a 2% cut
    assert pass_through_cut(t, s, 0.5) == pytest.approx(0.02)
    assert pass_through_cut(s, t, 0.5) == 0.0  # no saving, no cut


def test_affordable_cut_keeps_the_retailers_profit_at_the_traditional_level() -> None:
    t, s = KPIS["traditional"], KPIS["shared"]
    cut = affordable_cut_estimate(t, s, -1.5)
    assert 0 < cut < 0.5
    assert _profit_at(s, cut, -1.5) == pytest.approx(1200.0, rel=1e-9)
    # by hand at 1%: volume 0.99^-1.5, (4,950 - 3,500 - 100) x 1.01519 = 1,370.5 >= 1,200
    assert _profit_at(s, 0.01, -1.5) == pytest.approx(1350 * 0.99**-1.5)
    assert affordable_cut_estimate(s, t, -1.5) == 0.0  # shared earns less: nothing to give


def test_compare_simulates_the_affordable_cut(ok_small, tmp_path) -> None:
    runs = compare(ok_small, days=12, warm_up=2, seed=1, captain=False)
    reasons = [c.reason for c in runs.price_cuts]
    assert reasons == ["affordable"]
    cut = runs.price_cuts[0]
    assert 0 <= cut.cut <= 0.5
    assert "Largest price cut the savings pay for" in runs.summary().split("KPI")[0]
    runs.write(tmp_path)
    figures = json.loads((tmp_path / "price_cuts.json").read_text(encoding="utf-8"))
    assert figures["affordable"]["cut"] == cut.cut
    assert figures["affordable"]["operating_profit_retailer_traditional"] == pytest.approx(
        runs.traditional.kpis["operating_profit_retailer"]
    )


def test_compare_passes_the_set_share_of_the_saving_into_prices(ok_small) -> None:
    spec = ok_small.spec
    settings = spec.economics.model_copy(update={"price_pass_through": 0.5})
    scenario = compile_scenario(spec.model_copy(update={"economics": settings}))
    runs = compare(scenario, days=12, warm_up=2, seed=1, captain=False)
    first = runs.price_cuts[0]
    assert first.reason == "pass_through"
    t, s = runs.traditional.kpis, runs.shared.kpis
    saving = per_unit_saving(t, s)
    expected = 0.5 * saving / (s["revenue_retailer"] / s["sales_units"]) if saving > 0 else 0.0
    assert first.cut == pytest.approx(expected)


def test_a_run_at_a_cut_sells_at_the_cut_prices(ok_small) -> None:
    run = simulate(with_price_cut(ok_small, 0.1), mode="shared", days=12, warm_up=2, seed=1)
    sales = run.tables["sku_daily"].to_pandas().groupby("gtin", sort=False).sales.sum()
    paid = np.round(ok_small.shelf_price * 0.9, 2)
    revenue = run.tables["store_daily"].column("revenue").to_numpy().sum()
    assert revenue == pytest.approx(float(sales.to_numpy() @ paid))
