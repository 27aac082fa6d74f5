"""The twin on files another tool wrote (pydifact's serialiser), and master data from CSV."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pytest

from crossdock.cli import invoke
from crossdock.errors import ScenarioError
from crossdock.parties.planners import Planners
from crossdock.scenario import Scenario, compile_scenario, read_spec
from crossdock.twin import apply_master_data, apply_pricat, plan

DAYS = 4


def _interchange(sender: str, recipient: str, ref: str, kind: str, body: list[list]) -> str:
    """An EANCOM 2002 interchange written by pydifact (its own UNA, UNB, UNH/UNT and UNZ)."""
    from pydifact.segmentcollection import Interchange, Message
    from pydifact.segments import Segment

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydifact warns about its missing directory files
        interchange = Interchange(
            sender=[sender, "14"],
            recipient=[recipient, "14"],
            control_reference=ref,
            syntax_identifier=("UNOC", 3),
            timestamp=dt.datetime(2026, 1, 5),
        )
        message = Message(ref, [kind, "D", "01B", "UN", "EAN008"])
        for tag, *elements in body:
            message.add_segment(Segment(tag, *elements))
        interchange.add_message(message)
        return interchange.serialize(break_lines=True)


def _write_day(
    folder: Path, sc: Scenario, planner: str, items: np.ndarray, day: int, sales, stock
) -> None:
    """Day ``day``'s SLSRPT and INVRPT for ``items`` at every store, zero lines left out."""
    retailer = sc.spec.retailer.gln
    date = (sc.spec.start_date + dt.timedelta(days=day)).strftime("%Y%m%d")
    head = [["DTM", ["137", date, "102"]]]
    body = [["BGM", "73E", f"S{day}", "9"], *head, ["DTM", ["356", date + date, "718"]]]
    body += [["NAD", "SE", [retailer, "", "9"]], ["NAD", "SU", [planner, "", "9"]]]
    for s, store in enumerate(sc.store_gln):
        body.append(["LOC", "162", [str(store), "", "9"]])
        for j, k in enumerate(items):
            if sales[s, j]:
                body += [
                    ["LIN", str(j + 1), "", [str(sc.gtin[k]), "SRV"]],
                    ["QTY", ["153", str(sales[s, j])]],
                ]
    (folder / f"slsrpt-{day}.edi").write_text(
        _interchange(retailer, planner, f"S{day}", "SLSRPT", body)
    )
    body = [["BGM", "35", f"I{day}", "9"], *head, ["DTM", ["366", date, "102"]]]
    body += [["NAD", "BY", [retailer, "", "9"]], ["NAD", "SU", [planner, "", "9"]]]
    for j, k in enumerate(items):
        for s, store in enumerate(sc.store_gln):
            if stock[s, j]:
                body += [
                    ["LIN", str(j + 1), "", [str(sc.gtin[k]), "SRV"]],
                    ["INV", "", "", "", "1"],
                    ["QTY", ["145", str(stock[s, j])]],
                    ["LOC", "18", [str(store), "", "9"]],
                ]
    (folder / f"invrpt-{day}.edi").write_text(
        _interchange(retailer, planner, f"I{day}", "INVRPT", body)
    )


@pytest.fixture(scope="module")
def other_tool(tmp_path_factory, scenario):
    """Four days of one captain's reports written by pydifact; what was reported."""
    folder = tmp_path_factory.mktemp("pydifact")
    planner, items = Planners.groups(scenario, True)[0]
    rng = np.random.default_rng(7)
    mean = scenario.expected_demand()[:, items]
    stock = np.round(mean * 10).astype(np.int64)
    stock[:, 0] = 0  # the first item is out of stock everywhere
    stock[:, 1] = np.round(mean[:, 1] * 200).astype(np.int64) + 50  # the second, overstocked
    days = []
    for day in range(DAYS):
        sold = np.minimum(rng.poisson(mean), stock)
        stock = stock - sold
        if day == 2:
            stock[:, 0] += 30  # a delivery of the empty item (the files say nothing of it)
        _write_day(folder, scenario, planner, items, day, sold, stock)
        days.append((sold, stock.copy()))
    return folder, planner, items, days


def test_pydifact_files_are_planned(scenario, other_tool, tmp_path):
    """Read without findings; orders for the empty item, none for the overstocked one."""
    folder, planner, items, _ = other_tool
    report = plan(scenario, folder, receipts="balance", out=tmp_path)
    assert report.inbox.rejected == 0 and report.inbox.messages["SalesReport"] == DAYS
    assert report.result.findings == []
    assert report.result.days == list(range(DAYS))
    orders = [o for o in report.result.orders if o.quantity.any()]
    assert orders and {o.sender for o in orders} == {planner}  # only the reported items' planner
    ordered = sum(o.quantity for o in orders if o.ship_to_kind == "store")
    assert (ordered[:, 0] > 0).all()  # nothing on the shelf anywhere: every store gets some
    assert (ordered[:, 1] == 0).all()
    assert (ordered % scenario.case_pack[items] == 0).all()  # whole cases
    assert len(report.files) == len(orders)


def test_balance_receipts_come_off_the_stock_on_order(scenario, other_tool):
    """With ``balance``, a stock rise beyond sales counts as received and leaves ``on_order``."""
    folder, planner, items, days = other_tool
    retailer = scenario.spec.retailer.model_copy(update={"confirms_proposals": False})
    sc = compile_scenario(scenario.spec.model_copy(update={"retailer": retailer}))
    report = plan(sc, folder, receipts="balance", through=2)
    (captain,) = [p for p in report.twin.planners if p.gln == planner]
    ordered = np.zeros((sc.n_stores, items.size), dtype=np.int64)
    for order in report.result.orders:
        assert order.ship_to_kind == "platform"
        ordered[np.ix_(order.locations, np.searchsorted(items, order.items))] += order.quantity
    received = np.zeros_like(ordered)
    for day in (1, 2):
        (sold, stock), (_, before) = days[day], days[day - 1]
        received += np.maximum(stock - before + sold, 0)
    assert received[:, 0].tolist() == [30] * sc.n_stores and not received[:, 1:].any()
    assert ordered[:, 0].all()
    assert np.array_equal(captain.on_order, ordered - received)


def _scenario_with(
    products: str | None = None, locations: str | None = None, tmp: Path | None = None
):
    spec = read_spec(None)
    paths = {}
    for name, text in (("products", products), ("locations", locations)):
        if text is not None:
            assert tmp is not None
            path = tmp / f"{name}.csv"
            path.write_text(text)
            paths[name] = path
    return apply_master_data(spec, **paths)


def test_products_csv_sets_the_packs_the_planner_orders_in(scenario, other_tool, tmp_path):
    folder, _, items, _ = other_tool
    gtin = str(scenario.gtin[items[0]])
    spec = _scenario_with(f"gtin,case_pack\n{gtin},7\n" + "".join(
        f"{g}\n" for g in scenario.gtin if str(g) != gtin
    ).replace("\n", ",\n"), tmp=tmp_path)  # fmt: skip
    sc = compile_scenario(spec)
    assert sc.n_skus == scenario.n_skus and sc.case_pack[items[0]] == 7
    report = plan(sc, folder, receipts="balance")
    ordered = sum(o.quantity for o in report.result.orders if o.ship_to_kind == "store")
    assert ordered[:, 0].any() and (ordered[:, 0] % 7 == 0).all()


def test_products_csv_lists_the_products(scenario, tmp_path):
    """Only the listed GTINs remain; a new one needs every required column."""
    first = scenario.spec.products[0]
    named = scenario.spec.demand.model_dump_json()  # promotions and life cycles name GTINs
    kept = [p.gtin for p in scenario.spec.products]
    dropped = next(g for g in reversed(kept) if g not in named)
    kept.remove(dropped)
    spec = _scenario_with("gtin\n" + "".join(f"{g}\n" for g in kept), tmp=tmp_path)
    assert [p.gtin for p in spec.products] == kept
    with pytest.raises(ScenarioError) as caught:
        _scenario_with("gtin,supplier,case_pack\n4000000000006,riviere,6\n", tmp=tmp_path)
    assert "products.csv:line 2 units_per_pallet: required for a GTIN not in the scenario" in str(
        caught.value
    )
    with pytest.raises(ScenarioError, match="line 2 case_pack: must be a whole number"):
        _scenario_with(f"gtin,case_pack\n{first.gtin},six\n", tmp=tmp_path)


def test_locations_csv_sets_lead_times_and_stores(scenario, tmp_path):
    supplier = scenario.spec.suppliers[0]
    stores = scenario.spec.stores
    other = next(p for p in scenario.spec.platforms if p.id != stores[0].platform)
    text = f"gln,kind,lead_time_days,platform\n{supplier.gln},supplier,5,\n"
    text += f"{stores[0].gln},store,,{other.gln}\n"
    text += "".join(f"{s.gln},store,,\n" for s in stores[1:])
    spec = _scenario_with(locations=text, tmp=tmp_path)
    assert spec.suppliers[0].lead_time_days == 5
    assert [s.gln for s in spec.stores] == [s.gln for s in stores]
    assert spec.stores[0].platform == other.id and spec.stores[1] == stores[1]
    with pytest.raises(ScenarioError, match="line 2 gln: GLN 3010000000013 is not one"):
        _scenario_with(locations="gln,kind,delivery_days\n3010000000013,platform,2\n", tmp=tmp_path)


def test_cli_plan_writes_orders_and_keeps_state(other_tool, tmp_path, capsys):
    folder, *_ = other_tool
    out, state = tmp_path / "out", tmp_path / "state"
    args = ["plan", str(folder), "--out", str(out), "--state", str(state), "--receipts", "balance"]
    assert invoke([*args, "--through", "2026-01-06"]) == 0
    assert "planned 2026-01-05 .. 2026-01-06" in capsys.readouterr().out
    assert (state / "planners.pkl").exists() and list(out.glob("2026-01-0*/ORDERS-*.edi"))
    assert invoke(args) == 0
    assert "planned 2026-01-07 .. 2026-01-08" in capsys.readouterr().out
    assert invoke(["plan", str(tmp_path / "missing")]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("gtin,colour\n")
    assert invoke(["plan", str(folder), "--products", str(bad), "--state", str(state)]) == 2
    assert "unknown column(s) colour" in capsys.readouterr().err
    assert invoke([*args, "--own-items"]) == 2  # the state belongs to the captains' split


# --- master data from a PRICAT written by another tool -------------------------------------


def _pricat(scenario: Scenario, supplier: str, lines: list[list], lead: int | None = None) -> str:
    """A supplier's PRICAT (EANCOM 2002) written by pydifact, one product group."""
    retailer = scenario.spec.retailer.gln
    body: list[list] = [["BGM", "9", "PC-1", "9"], ["DTM", ["137", "20260104", "102"]]]
    if lead is not None:
        body.append(["DTM", ["169", str(lead), "804"]])
    body += [["NAD", "BY", [retailer, "", "9"]], ["NAD", "SU", [supplier, "", "9"]]]
    body += [["PGI", "2"], *lines]
    return _interchange(supplier, retailer, "P1", "PRICAT", body)


def _line(n: int, gtin: str, action: str = "3", pack=None, pallet=None, cost=None) -> list[list]:
    line: list[list] = [["LIN", str(n), action, [gtin, "SRV"]]]
    if pack is not None:
        line.append(["QTY", ["59", str(pack)]])
    if cost is not None:
        line.append(["PRI", ["AAA", cost]])
    if pallet is not None:
        line += [["PAC", "1", "", "201"], ["QTY", ["52", str(pallet)]]]
    return line


@pytest.fixture
def catalogue(scenario, tmp_path):
    """A captain's PRICAT: new packs, pallet and cost for its first item; an unknown GTIN,
    a deletion, a pack of zero; and a second file from a GLN that is no supplier."""
    planner, items = Planners.groups(scenario, True)[0]
    first, second, third = (str(scenario.gtin[k]) for k in items[:3])
    lines = [
        *_line(1, first, pack=7, pallet=700, cost="1.35"),
        *_line(2, "4000000000006", action="1", pack=6),
        *_line(3, second, action="2"),
        *_line(4, third, pack=0),
    ]
    folder = tmp_path / "pricat"
    folder.mkdir()
    (folder / "captain.edi").write_text(_pricat(scenario, planner, lines, lead=4))
    stranger = "4012345000016"
    (folder / "stranger.edi").write_text(_pricat(scenario, stranger, _line(1, first, pack=99)))
    return folder, planner, items


def test_pricat_from_another_tool_sets_packs_costs_and_lead_time(scenario, catalogue):
    folder, planner, items = catalogue
    spec, findings = apply_pricat(read_spec(None), [folder])
    sc = compile_scenario(spec)
    k = items[0]
    assert (sc.case_pack[k], sc.units_per_pallet[k]) == (7, 700)
    assert sc.unit_cost[k] == pytest.approx(1.35)
    s = [str(g) for g in sc.supplier_gln].index(planner)
    assert sc.spec.suppliers[s].lead_time_days == 4
    for j in items[1:3]:  # the deletion and the pack of zero change nothing
        assert sc.case_pack[j] == scenario.case_pack[j]
    found = [f.located() for f in findings]
    assert found == [
        "captain.edi:segment 14 (LIN): GTIN 4000000000006 is not a product of the scenario "
        "(a catalogue gives no demand rate to add it): left out",
        f"captain.edi:segment 16 (LIN): GTIN {scenario.gtin[items[1]]}: deletion not applied "
        "(the assortment is the scenario's)",
        f"captain.edi:segment 17 (LIN): GTIN {scenario.gtin[items[2]]}: case_pack 0 is not a "
        "positive whole number: line left out",
        "stranger.edi:segment 6 (NAD): GLN 4012345000016 is not a supplier of the scenario: "
        "its catalogue (1 line) left out",
    ]


def test_twin_plans_in_the_catalogue_packs(scenario, other_tool, catalogue, tmp_path):
    folder, *_ = other_tool
    spec, _ = apply_pricat(read_spec(None), [catalogue[0]])
    report = plan(compile_scenario(spec), folder, receipts="balance")
    ordered = sum(o.quantity for o in report.result.orders if o.ship_to_kind == "store")
    assert ordered[:, 0].any() and (ordered[:, 0] % 7 == 0).all()


def test_cli_plan_takes_a_pricat(other_tool, catalogue, tmp_path, capsys):
    folder, *_ = other_tool
    args = ["plan", str(folder), "--out", str(tmp_path / "o"), "--state", str(tmp_path / "s")]
    assert invoke([*args, "--receipts", "balance", "--pricat", str(catalogue[0])]) == 0
    err = capsys.readouterr().err
    assert "warning: master data: captain.edi:segment 14 (LIN): GTIN 4000000000006" in err
    bad = tmp_path / "bad.edi"
    bad.write_text("UNA:+.? 'UNB+UNOC:3+4012345000016:14'")
    fresh = [*args[:-1], str(tmp_path / "s2"), "--receipts", "balance"]
    assert invoke([*fresh, "--pricat", str(bad)]) == 0  # a rejected file: reported, left out
    assert "master data: bad.edi: file left out: " in capsys.readouterr().err
    assert invoke([*args, "--pricat", str(tmp_path / "missing.edi")]) == 2
    assert invoke([*args, "--receipts", "balance"]) == 2  # the state was planned with the PRICAT
