"""Every simulation message maps to its EANCOM message and back, equal array for array."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock import edi
from crossdock import messages as sim
from crossdock.chain import build_chain
from crossdock.edi_bridge import BridgeError, EdiBridge
from crossdock.engine import Engine
from crossdock.gs1 import make_ssccs, validate_sscc
from crossdock.scenario import Scenario

from .helpers import differences


def round_trip(
    bridge: EdiBridge, message: sim.Message, edition: edi.Edition = edi.Edition.EANCOM_2002
) -> tuple[sim.Message, str]:
    """Through the bridge, encoded, decoded and back; returns the message and the text."""
    interchange = bridge.interchange(message, control_ref="1", edition=edition)
    text = edi.encode(interchange, newlines=True)
    return bridge.message(edi.decode(text)), text


def sent_messages(scenario: Scenario, mode: str, days: int) -> list[sim.Message]:
    """Every message the parties send each other in a short direct run (none internal)."""
    chain = build_chain(scenario, mode, days=days, seed=3)
    sent: list[sim.Message] = []
    send = chain.channel.send

    def record(message: sim.Message) -> None:
        if not message.internal:
            sent.append(message)
        send(message)

    chain.channel.send = record  # type: ignore[method-assign]
    Engine(chain.parties).run(days)
    return sent


@pytest.mark.parametrize("mode", ["traditional", "shared"])
@pytest.mark.parametrize("edition", list(edi.Edition))
def test_every_message_of_a_run_comes_back_equal(
    two_platforms: Scenario, mode: str, edition: edi.Edition
) -> None:
    bridge = EdiBridge(two_platforms)
    sent = sent_messages(two_platforms, mode, 20)
    kinds = {type(m) for m in sent}
    expected = {sim.Order, sim.DespatchAdvice}
    expected |= {sim.OrderResponse} if mode == "traditional" else {sim.SalesReport}
    assert expected <= kinds
    for message in sent:
        back, _ = round_trip(bridge, message, edition)
        assert differences(message, back) == [], type(message).__name__


def test_built_in_scenario_messages_come_back_equal(default_scenario: Scenario) -> None:
    """The built-in scenario's messages (12 stores, 240 SKUs) over a short run, both modes."""
    bridge = EdiBridge(default_scenario)
    for mode in ("traditional", "shared"):
        kinds = set()
        for message in sent_messages(default_scenario, mode, 6):
            back, _ = round_trip(bridge, message)
            assert differences(message, back) == []
            kinds.add(type(message).__name__)
        assert len(kinds) >= 3


@pytest.fixture(scope="module")
def default_scenario() -> Scenario:
    from crossdock import load_scenario

    return load_scenario()


# --- hand-made messages: zero lines, and what the wire says -------------------------------


def header(scenario: Scenario, sender: str, receiver: str) -> dict:
    return {"sender": sender, "receiver": receiver, "day": 4, "reference": "00000042"}


def test_sales_report_drops_zero_lines_but_the_first_store(ok_small: Scenario) -> None:
    sc = ok_small
    report = sim.SalesReport(
        **header(sc, sc.spec.retailer.gln, sc.supplier_gln[0]),
        locations=np.array([1, 0]),
        items=np.array([4, 0, 2]),
        quantity=np.array([[0, 3, 0], [0, 0, 0]]),
    )
    back, text = round_trip(EdiBridge(sc), report)
    assert differences(report, back) == []
    assert text.count("QTY+153:") == 3  # the first store's three lines, none for the second
    assert f"LOC+162+{sc.store_gln[0]}::9'" in text  # the second store is still there
    assert "DTM+356:2026010920260109:718'" in text.replace("\n", "")


def test_inventory_report_carries_received_and_backorders(ok_small: Scenario) -> None:
    sc = ok_small
    report = sim.InventoryReport(
        **header(sc, sc.spec.retailer.gln, sc.supplier_gln[2]),
        locations=np.array([0, 1]),
        items=np.array([2, 3]),
        on_hand=np.array([[5, 0], [0, 0]]),
        received=np.array([[0, 6], [0, 0]]),
        backorders=np.array([[0, 0], [1, 0]]),
    )
    back, text = round_trip(EdiBridge(sc), report)
    assert differences(report, back) == []
    assert text.count("UNH+") == 3
    assert "BGM+35+00000042-RECEIVED" in text and "BGM+35+00000042-BACKORDERS" in text
    quiet = sim.InventoryReport(
        **header(sc, sc.spec.retailer.gln, sc.supplier_gln[2]),
        locations=np.array([0]),
        items=np.array([2]),
        on_hand=np.array([[5]]),
        received=np.zeros((1, 1), np.int64),
        backorders=np.zeros((1, 1), np.int64),
    )
    back, text = round_trip(EdiBridge(sc), quiet)
    assert differences(quiet, back) == [] and text.count("UNH+") == 1


def test_cross_dock_order_splits_by_store(two_platforms: Scenario) -> None:
    sc = two_platforms
    order = sim.Order(
        **header(sc, sc.supplier_gln[0], sc.supplier_gln[1]),
        order_number="C0004-1-0",
        ship_to_kind="platform",
        ship_to=0,
        locations=np.array([0, 2]),
        items=np.array([1, 3]),
        quantity=np.array([[0, 12], [0, 6]]),
    )
    back, text = round_trip(EdiBridge(sc), order)
    assert differences(order, back) == []
    lines = text.splitlines()
    assert f"NAD+DP+{sc.platform_gln[0]}::9'" in lines
    # the first line lists both stores (zero splits), the second only its non-zero splits
    assert lines.count("QTY+11:0'") == 2
    assert f"LOC+7+{sc.store_gln[2]}::9'" in lines and "QTY+11:6'" in lines
    assert "QTY+21:18'" in lines


def test_production_order_has_no_splits(ok_small: Scenario) -> None:
    sc = ok_small
    order = sim.Order(
        **header(sc, sc.supplier_gln[1], sc.factory_gln[0]),
        order_number="P0004-1",
        ship_to_kind="supplier",
        ship_to=1,
        locations=np.array([1]),
        items=np.array([1]),
        quantity=np.array([[42]]),
    )
    back, text = round_trip(EdiBridge(sc), order)
    assert differences(order, back) == []
    assert "LOC+7" not in text and f"NAD+DP+{sc.supplier_gln[1]}::9'" in text


def test_order_response_statuses_and_promised_dates(ok_small: Scenario) -> None:
    sc = ok_small
    response = sim.OrderResponse(
        **header(sc, sc.factory_gln[0], sc.supplier_gln[0]),
        order_number="P0004-0",
        locations=np.array([0]),
        items=np.array([0, 1, 2]),
        quantity=np.zeros((1, 3), np.int64),
        status=np.array([sim.LineStatus.CHANGED, sim.LineStatus.ACCEPTED, sim.LineStatus.CHANGED]),
        delivery_day=np.array([7, 4, 7]),
    )
    back, text = round_trip(EdiBridge(sc), response)
    assert differences(response, back) == []
    assert "BGM+231+00000042+4'" in text  # changed
    assert "FTX+AAI+++DELIVERY 20260112 LINES 1,3'" in text
    assert "FTX+AAI+++DELIVERY 20260109 LINES 2'" in text
    assert "LIN+2+5+" in text and "LIN+1+3+" in text


def test_order_response_per_store(ok_small: Scenario) -> None:
    sc = ok_small
    response = sim.OrderResponse(
        **header(sc, sc.dc_gln[0], sc.spec.retailer.gln),
        order_number="S0004-0",
        locations=np.array([0, 1]),
        items=np.array([3, 5]),
        quantity=np.array([[6, 0], [12, 0]]),
        status=np.array([sim.LineStatus.CHANGED, sim.LineStatus.REFUSED]),
    )
    back, text = round_trip(EdiBridge(sc), response)
    assert differences(response, back) == []
    assert text.count("UNH+") == 2 and "RFF+ON:S0004-0'" in text
    assert f"NAD+BY+{sc.store_gln[1]}::9'" in text


def test_despatch_advice_pallets_and_ssccs(two_platforms: Scenario) -> None:
    sc = two_platforms  # 60 units a pallet
    advice = sim.DespatchAdvice(
        **header(sc, sc.supplier_gln[3], sc.platform_gln[1]),
        despatch_number="U0004-3-1",
        arrival_day=5,
        ship_to_kind="platform",
        ship_to=1,
        locations=np.array([1, 3]),
        items=np.array([3, 4]),
        quantity=np.array([[100, 30], [0, 0]]),
        pallets=3,
        sscc_first=17,
    )
    bridge = EdiBridge(sc)
    back, text = round_trip(bridge, advice)
    assert differences(advice, back) == []
    expected = make_ssccs(sc.supplier_gln[3][:7], 17, 3).tolist()
    written = [line[7:-1] for line in text.splitlines() if line.startswith("GIN+BJ+")]
    assert written == expected
    assert all(validate_sscc(s) for s in written)
    assert text.count("UNH+") == 2  # one DESADV per store, the second without pallets
    assert f"NAD+BY+{sc.store_gln[3]}::9'" in text
    assert f"NAD+DP+{sc.platform_gln[1]}::9'" in text
    assert "DTM+17:20260110:102'" in text
    # the receiving advice answering it names the same pallets
    receipt = sim.ReceivingAdvice(
        **header(sc, sc.platform_gln[1], sc.supplier_gln[3]),
        despatch_number="U0004-3-1",
        locations=advice.locations,
        items=advice.items,
        quantity=advice.quantity,
    )
    back, text = round_trip(bridge, receipt)
    assert differences(receipt, back) == []
    assert [line[7:-1] for line in text.splitlines() if line.startswith("GIN+BJ+")] == expected
    assert "RFF+AAK:U0004-3-1'" in text


def test_receiving_advice_needs_its_despatch_advice(ok_small: Scenario) -> None:
    sc = ok_small
    receipt = sim.ReceivingAdvice(
        **header(sc, sc.platform_gln[0], sc.supplier_gln[0]),
        despatch_number="U0001-0-0",
        locations=np.array([0]),
        items=np.array([0]),
        quantity=np.array([[6]]),
    )
    with pytest.raises(BridgeError, match="no despatch advice 'U0001-0-0'"):
        EdiBridge(sc).to_edi(receipt)


def test_unknown_gln_is_named(ok_small: Scenario) -> None:
    sc = ok_small
    interchange = EdiBridge(sc).interchange(
        sim.Order(
            **header(sc, sc.supplier_gln[1], sc.factory_gln[0]),
            order_number="P1",
            ship_to_kind="supplier",
            ship_to=1,
            locations=np.array([1]),
            items=np.array([0]),
            quantity=np.array([[6]]),
        ),
        control_ref="1",
    )
    stranger = edi.Interchange(
        sender="4012345000016",
        recipient=interchange.recipient,
        control_ref="1",
        prepared=interchange.prepared,
        messages=interchange.messages,
    )
    with pytest.raises(BridgeError, match="4012345000016"):
        EdiBridge(sc).message(edi.decode(edi.encode(stranger)))


# --- a property: random arrays of every shape come back ---------------------------------


@st.composite
def despatch_advices(draw: st.DrawFn, scenario: Scenario) -> sim.DespatchAdvice:
    n_loc = draw(st.integers(1, scenario.n_stores))
    n_items = draw(st.integers(1, scenario.n_skus))
    locations = np.array(draw(st.permutations(range(scenario.n_stores)))[:n_loc])
    items = np.array(draw(st.permutations(range(scenario.n_skus)))[:n_items])
    values = draw(st.lists(st.integers(0, 500), min_size=n_loc * n_items, max_size=n_loc * n_items))
    quantity = np.array(values, dtype=np.int64).reshape(n_loc, n_items)
    if not quantity.any():
        quantity[0, 0] = 1
    per_pallet = scenario.units_per_pallet[items]
    pallets = int(np.ceil(quantity @ (1.0 / per_pallet) - 1e-9).sum())
    return sim.DespatchAdvice(
        sender=scenario.platform_gln[0],
        receiver=scenario.spec.retailer.gln,
        day=draw(st.integers(0, 400)),
        reference=draw(st.from_regex(r"[0-9]{1,8}", fullmatch=True)),
        despatch_number="D1",
        arrival_day=draw(st.integers(401, 420)),
        ship_to_kind="store",
        ship_to=-1,
        locations=locations,
        items=items,
        quantity=quantity,
        pallets=pallets,
        sscc_first=draw(st.integers(1, 10**6)),
    )


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data())
def test_random_messages_round_trip(two_platforms: Scenario, data: st.DataObject) -> None:
    sc = two_platforms
    bridge = EdiBridge(sc)
    advice = data.draw(despatch_advices(sc))
    back, _ = round_trip(bridge, advice)
    assert differences(advice, back) == []
    n_items = advice.items.size
    order = sim.Order(
        sender=sc.supplier_gln[0],
        receiver=sc.supplier_gln[1],
        day=advice.day,
        reference=advice.reference,
        order_number="C1",
        ship_to_kind="platform",
        ship_to=1,
        locations=advice.locations,
        items=advice.items,
        quantity=advice.quantity[:, :n_items],
    )
    back, _ = round_trip(bridge, order, edi.Edition.EANCOM_97)
    assert differences(order, back) == []
    report = sim.SalesReport(
        sender=sc.spec.retailer.gln,
        receiver=sc.supplier_gln[0],
        day=advice.day,
        reference=advice.reference,
        locations=advice.locations,
        items=advice.items,
        quantity=advice.quantity,
    )
    back, _ = round_trip(bridge, report)
    assert differences(report, back) == []
