"""The built-in scenario's demand looks like a hypermarket's."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock.demand import DemandModel
from crossdock.scenario import load_scenario


@pytest.fixture(scope="module")
def year() -> tuple:
    sc = load_scenario()
    model = DemandModel(sc, sc.seed)
    return sc, np.stack([model.daily(d) for d in range(sc.horizon_days)])


def test_a_fifth_of_skus_make_four_fifths_of_sales(year) -> None:
    _, demand = year
    per_sku = np.sort(demand.sum(axis=(0, 1)))[::-1]
    share = per_sku[: len(per_sku) // 5].sum() / per_sku.sum()
    assert 0.72 < share < 0.88


def test_the_calendar_shows(year) -> None:
    sc, demand = year
    per_day = demand.sum(axis=(1, 2))
    # shut on 1 May (day 116 from Monday 5 January) and Christmas
    assert per_day[116] == 0 and per_day[354] == 0
    weekday = np.array([per_day[w::7].mean() for w in range(7)])
    assert weekday.argmax() == 5  # Saturday
    assert weekday[6] < 0.5 * weekday[:6].mean()  # Sunday morning only
    drinks = sc.category_of == list(sc.category_id).index("boissons")
    by_day = demand[:, :, drinks].sum(axis=(1, 2))
    assert by_day[180:220].mean() > 1.3 * by_day[14:54].mean()  # summer drinks


def test_slow_movers_and_dead_stock_arise(year) -> None:
    _, demand = year
    # intermittent slow movers: many store × SKUs sell on fewer than a fifth of days
    sale_days = (demand > 0).mean(axis=0)
    assert (sale_days < 0.2).mean() > 0.1
    # declining items: some SKUs selling in the first quarter almost stop in the last
    early, late = demand[:91].sum(axis=(0, 1)), demand[-91:].sum(axis=(0, 1))
    assert ((early > 50) & (late < 0.1 * early)).sum() >= 3
