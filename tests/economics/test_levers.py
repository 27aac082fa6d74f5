"""The payroll-claim experiment: each lever's figure follows from the runs' tables."""

from __future__ import annotations

import pytest

from crossdock.economics import payroll_levers
from crossdock.simulate import compare


def test_levers_step_from_the_traditional_to_the_shared_payroll(ok_small) -> None:
    runs = compare(ok_small, days=20, warm_up=5, seed=2, captain=False)
    trad, shared = runs.traditional, runs.shared
    rows = payroll_levers(
        ok_small,
        trad.tables["store_daily"],
        shared.tables["store_daily"],
        warm_up_days=5,
        self_checkout_shares=(1.0,),
    )
    assert [r.store_payroll for r in rows[:2]] == pytest.approx(
        [trad.kpis["store_payroll"], shared.kpis["store_payroll"]]
    )
    assert rows[0].reduction == 0.0
    assert rows[1].reduction == pytest.approx(
        1 - shared.kpis["store_payroll"] / trad.kpis["store_payroll"]
    )
    # store-ready cages: shelf filling at 60 instead of 85 cases an hour, nothing else moves
    labour = ok_small.spec.economics.store_labour
    filling = shared.kpis["store_payroll_shelf_filler"]
    saved = filling * (1 - labour.cases_per_hour / labour.store_ready_cases_per_hour)
    assert rows[2].store_payroll == pytest.approx(rows[1].store_payroll - saved)
    cases = shared.tables["store_daily"].to_pandas().query("day >= 5").cases_received.sum()
    warehouse = ok_small.spec.economics.wages.loaded("warehouse")
    assert rows[2].depot_sorting_cost == pytest.approx(
        cases * labour.sort_seconds_per_case / 3600 * warehouse
    )
    # every item through self-checkouts: no cashier left, attendants watch the stations
    cashier = shared.kpis["store_payroll_cashier"]
    attendant = shared.kpis["store_payroll_self_checkout_attendant"]
    share = labour.self_checkout_share
    all_self = attendant / share  # the attendants' cost scales with the share of items
    assert rows[3].store_payroll == pytest.approx(
        rows[2].store_payroll - cashier - attendant + all_self
    )
