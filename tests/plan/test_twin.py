"""The digital twin: the simulation's planners, run on files, give the simulation's orders."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from tests.plan.conftest import DAYS

from crossdock import edi
from crossdock import messages as sim
from crossdock.edi_bridge import EdiBridge
from crossdock.gs1 import check_digit
from crossdock.parties.planners import Planners
from crossdock.scenario import Scenario
from crossdock.twin import StateError, plan

Key = tuple[int, str, str, str]
#: A valid GTIN-13 that no scenario here lists.
GTIN = "400000000000" + check_digit("400000000000")


def _archived_orders(
    scenario: Scenario, archive: Path, captain: bool = True
) -> dict[Key, sim.Order]:
    """The planners' orders of the simulation, read back from its archive."""
    bridge = EdiBridge(scenario)
    planners = {gln for gln, _ in Planners.groups(scenario, captain)}
    found = {}
    for path in sorted(archive.rglob("*.edi")):
        if path.parts[-3] not in planners:
            continue
        for interchange in edi.read_all(path):
            if interchange.messages and isinstance(interchange.messages[0], edi.Order):
                order = bridge.message(interchange)
                assert isinstance(order, sim.Order)
                if order.ship_to_kind == "supplier":  # a production order is the supplier's
                    continue
                if order.quantity.any():  # a day off the delivery calendar proposes zeros
                    found[(order.day, order.sender, order.order_number, order.receiver)] = order
    return found


def _keyed(orders: list[sim.Order]) -> dict[Key, sim.Order]:
    return {(o.day, o.sender, o.order_number, o.receiver): o for o in orders if o.quantity.any()}


def _same(a: dict[Key, sim.Order], b: dict[Key, sim.Order]) -> None:
    assert a.keys() == b.keys()
    for key, order in a.items():
        other = b[key]
        assert np.array_equal(order.locations, other.locations), key
        assert np.array_equal(order.items, other.items), key
        assert np.array_equal(order.quantity, other.quantity), key


def test_twin_on_a_simulation_archive_orders_what_the_simulation_ordered(scenario, archive):
    """One planner: fed the archived reports and answers, the twin sends the same ORDERS."""
    expected = _archived_orders(scenario, archive)
    kinds = {o.ship_to_kind for o in expected.values()}
    assert kinds == {"store", "platform"}  # proposals to the retailer and cross-dock orders
    report = plan(scenario, archive)
    assert report.inbox.rejected == 0
    assert report.result.days == list(range(DAYS))
    assert not [f for f in report.result.findings if "GLN" in f.message or "GTIN" in f.message]
    _same(expected, _keyed(report.result.orders))


def test_state_folder_goes_on_where_the_last_run_stopped(scenario, archive, tmp_path):
    """Three daily runs through a state folder give the orders of one run over all days."""
    whole = _keyed(plan(scenario, archive).result.orders)
    state = tmp_path / "state"
    pieces: dict[Key, sim.Order] = {}
    for through in (2, 5, DAYS - 1):
        report = plan(scenario, archive, state=state, through=through)
        assert report.result.days[-1] == through
        pieces |= _keyed(report.result.orders)
    _same(whole, pieces)
    again = plan(scenario, archive, state=state)
    assert again.result.days == [] and again.result.orders == []
    assert any("already planned" in f.message for f in again.result.findings)


def test_a_state_of_another_scenario_is_refused(scenario, archive, tmp_path):
    plan(scenario, archive, state=tmp_path, through=1)
    with pytest.raises(StateError, match="another scenario"):
        plan(scenario, archive, state=tmp_path, captain=False)


def test_outputs_are_eancom_files_and_tables(scenario, archive, tmp_path):
    """Each order is an interchange crossdock reads back to the same order; CSV = Parquet."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    report = plan(scenario, archive, out=tmp_path, through=3)
    orders = _keyed(report.result.orders)
    assert len(report.files) == len(orders) > 0
    bridge = EdiBridge(scenario)
    back = {}
    for path in report.files:
        assert path.parent.name in {"2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08"}
        message = bridge.message(edi.read(path))
        assert isinstance(message, sim.Order)
        back[(message.day, message.sender, message.order_number, message.receiver)] = message
    _same(orders, back)
    table = pq.read_table(tmp_path / "proposals.parquet")
    assert table.num_rows == sum(int(np.count_nonzero(o.quantity)) for o in orders.values())
    assert sum(table["quantity"].to_pylist()) == sum(int(o.quantity.sum()) for o in orders.values())
    csv = pacsv.read_csv(tmp_path / "proposals.csv")
    assert csv["quantity"].to_pylist() == table["quantity"].to_pylist()


def _swap(path: Path, old: str, new: str) -> None:
    path.write_bytes(path.read_bytes().replace(old.encode(), new.encode()))


def test_unknown_gln_and_gtin_are_located_and_left_out(scenario, archive, tmp_path):
    """A store and an item the master data lacks: reported with file and segment, not fatal."""
    inbox = tmp_path / "inbox"
    shutil.copytree(archive, inbox)
    retailer = scenario.spec.retailer.gln
    captain = Planners.groups(scenario, True)[0][0]
    slsrpt = sorted((inbox / retailer / captain).glob("0002-*.edi"))[0]  # day 2's sales report
    assert b"SLSRPT" in slsrpt.read_bytes()[:200]
    store, gtin = str(scenario.store_gln[1]), str(scenario.gtin[0])
    unknown_gln, unknown_gtin = "309999999999" + check_digit("309999999999"), GTIN
    _swap(slsrpt, f"LOC+162+{store}", f"LOC+162+{unknown_gln}")
    _swap(slsrpt, f"LIN+1++{gtin}", f"LIN+1++{unknown_gtin}")
    report = plan(scenario, inbox)
    name = str(slsrpt.relative_to(inbox))
    lines = [f.located() for f in report.result.findings if f.file == name]
    assert any(f"GLN {unknown_gln} is not a store" in line and "(LOC)" in line for line in lines)
    assert any(f"GTIN {unknown_gtin} is not an item" in line and "(LIN)" in line for line in lines)
    assert report.result.days == list(range(DAYS))  # planning went on


def test_a_file_the_codec_rejects_is_reported_and_the_rest_planned(scenario, archive, tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(archive, inbox)
    broken = sorted(inbox.rglob("*.edi"))[0]
    broken.write_bytes(broken.read_bytes()[:-30])
    report = plan(scenario, inbox)
    assert report.inbox.rejected == 1
    assert any("file left out" in f.message for f in report.result.findings)
    assert report.result.orders


def test_own_items_twin_orders_what_shared_own_items_ordered(scenario, tmp_path):
    """With ``captain=False`` each supplier's own planner matches the ``shared_own_items`` run."""
    from crossdock.simulate import simulate

    simulate(scenario, mode="shared_own_items", days=5, warm_up=0, seed=4, edi_archive=tmp_path)
    expected = _archived_orders(scenario, tmp_path, captain=False)
    report = plan(scenario, tmp_path, captain=False)
    assert len({key[1] for key in expected}) == scenario.n_suppliers  # every supplier planned
    _same(expected, _keyed(report.result.orders))


def test_the_captains_assortment_review_delists_what_the_simulation_delisted(tmp_path):
    """A weekly review: the twin's delisting notices name the SKUs the simulation delisted."""
    from crossdock.scenario import compile_scenario, read_spec
    from crossdock.scenario._assortment_spec import AssortmentSpec
    from crossdock.simulate import simulate

    spec = read_spec(None).model_copy(update={"assortment": AssortmentSpec(review_every_weeks=1)})
    weekly = compile_scenario(spec)
    result = simulate(weekly, mode="shared", days=10, warm_up=0, seed=3, edi_archive=tmp_path)
    table = result.tables["assortment"].to_pandas()
    last = table[table.day == table.day.max()]
    expected = {c: n for c, n in zip(last.category, last.skus_delisted, strict=True) if n}
    assert expected  # the review delisted something, or this test checks nothing
    report = plan(weekly, tmp_path)
    latest = {notice.sender: notice for notice in report.result.delistings}  # the whole list
    categories = [c.id for c in spec.categories]
    delisted: dict[str, int] = {}
    for notice in latest.values():
        for item in notice.items:
            name = categories[weekly.category_of[item]]
            delisted[name] = delisted.get(name, 0) + 1
    assert delisted == expected
    _same(_archived_orders(weekly, tmp_path), _keyed(report.result.orders))
