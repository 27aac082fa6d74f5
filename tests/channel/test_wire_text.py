"""The channel's array writers (``_wire_text``) write exactly the encoder's bytes.

Every message of short runs in both modes is written both ways: through the bridge's EANCOM
objects and ``edi.encode``, and straight from the simulation arrays. The texts must be equal,
byte for byte, in both editions; messages out of the common case must be declined (``None``),
so that the general way writes them or names the problem.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from crossdock import edi
from crossdock import messages as sim
from crossdock.edi_bridge import EdiBridge
from crossdock.edi_bridge._wire_pallets import despatch_text, receipt_text
from crossdock.edi_bridge._wire_text import order_text, response_text
from crossdock.scenario import Scenario

from .test_bridge import sent_messages


def _both(
    bridge: EdiBridge, message: sim.Order, edition: edi.Edition, control_ref: str = "000000042"
) -> tuple[str | None, str]:
    expected = edi.encode(bridge.interchange(message, control_ref=control_ref, edition=edition))
    text = order_text(
        message,
        bridge.master,
        control_ref=control_ref,
        edition=edition,
        prepared=bridge.interchange_time(message.day),
    )
    return text, expected


@pytest.mark.parametrize("mode", ["traditional", "shared"])
@pytest.mark.parametrize("edition", list(edi.Edition))
def test_order_text_is_the_encoders_text(
    two_platforms: Scenario, mode: str, edition: edi.Edition
) -> None:
    bridge = EdiBridge(two_platforms)
    orders = [m for m in sent_messages(two_platforms, mode, 20) if isinstance(m, sim.Order)]
    assert len(orders) >= 5
    split = 0
    for order in orders:
        text, expected = _both(bridge, order, edition)
        assert text == expected, order.reference
        split += "LOC+7+" in expected
    assert split or mode == "traditional"  # store splits were written too


def test_order_text_edge_cases(two_platforms: Scenario) -> None:
    """Large quantities, a place of delivery alone, no items: still the encoder's bytes."""
    bridge = EdiBridge(two_platforms)
    orders = [m for m in sent_messages(two_platforms, "shared", 20) if isinstance(m, sim.Order)]
    split = next(m for m in orders if m.ship_to_kind == "platform")
    big = split.quantity.copy()
    big[-1, :] = 123_456_789  # beyond the encoder's table of small numbers
    big[0, 0] = 0
    cases = [
        dataclasses.replace(split, quantity=big),
        dataclasses.replace(split, quantity=np.zeros_like(split.quantity)),
        dataclasses.replace(split, order_number="ORDER 7/B-1.2", reference="R-1"),
        dataclasses.replace(  # a DC's own order: no splits
            split,
            ship_to_kind="dc",
            ship_to=0,
            locations=np.array([0]),
            quantity=split.quantity[:1],
        ),
        dataclasses.replace(  # nothing ordered at all
            split,
            ship_to_kind="dc",
            ship_to=0,
            locations=np.array([0]),
            items=np.zeros(0, dtype=np.int64),
            quantity=np.zeros((1, 0), dtype=np.int64),
        ),
    ]
    for edition in edi.Edition:
        for case in cases:
            text, expected = _both(bridge, case, edition, control_ref="7")
            assert text == expected


def test_order_text_declines_what_is_out_of_the_common_case(two_platforms: Scenario) -> None:
    """What would need escaping, checking or an error: left to the general way."""
    bridge = EdiBridge(two_platforms)
    orders = [m for m in sent_messages(two_platforms, "shared", 20) if isinstance(m, sim.Order)]
    order = next(m for m in orders if m.ship_to_kind == "platform")
    negative = order.quantity.copy()
    negative[0, 0] = -1
    odd = [
        dataclasses.replace(order, reference="A?B"),
        dataclasses.replace(order, order_number="A+B"),
        dataclasses.replace(order, quantity=negative),
        dataclasses.replace(order, quantity=order.quantity.astype(np.float64)),
        dataclasses.replace(order, sender="3000000000000"),
        dataclasses.replace(order, ship_to_kind="moon"),
        dataclasses.replace(order, locations=order.locations + 100),
        dataclasses.replace(order, items=np.zeros(0, dtype=np.int64)),
    ]
    for case in odd:
        text = order_text(
            case,
            bridge.master,
            control_ref="7",
            edition=edi.Edition.EANCOM_2002,
            prepared=dt.datetime(2026, 1, 1),
        )
        assert text is None


def _advice_text(bridge: EdiBridge, message: sim.Message, edition: edi.Edition) -> str | None:
    kw = {
        "control_ref": "000000042",
        "edition": edition,
        "prepared": bridge.interchange_time(message.day),
    }
    if isinstance(message, sim.DespatchAdvice):
        return despatch_text(message, bridge.master, **kw)  # type: ignore[arg-type]
    assert isinstance(message, sim.ReceivingAdvice)
    first = bridge.despatch_sscc_first(message.receiver, message.despatch_number)
    assert first is not None
    return receipt_text(message, bridge.master, first, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["traditional", "shared"])
@pytest.mark.parametrize("edition", list(edi.Edition))
def test_advice_texts_are_the_encoders_text(
    two_platforms: Scenario, mode: str, edition: edi.Edition
) -> None:
    bridge = EdiBridge(two_platforms)
    advices = [
        m
        for m in sent_messages(two_platforms, mode, 20)
        if isinstance(m, sim.DespatchAdvice | sim.ReceivingAdvice)
    ]
    kinds = {type(m) for m in advices}
    assert sim.DespatchAdvice in kinds
    assert sim.ReceivingAdvice in kinds or mode == "traditional"
    pallets = 0
    for advice in advices:
        expected = edi.encode(bridge.interchange(advice, control_ref="000000042", edition=edition))
        assert _advice_text(bridge, advice, edition) == expected, advice.reference
        pallets += expected.count("GIN+BJ+")
    assert pallets  # pallets and their lines were written, not only empty parts


def test_advice_texts_edge_cases(two_platforms: Scenario) -> None:
    """Large quantities, extra pallets, an empty despatch number: the encoder's bytes."""
    bridge = EdiBridge(two_platforms)
    sent = sent_messages(two_platforms, "shared", 20)
    despatch = next(m for m in sent if isinstance(m, sim.DespatchAdvice) and m.quantity.any())
    receipt = next(m for m in sent if isinstance(m, sim.ReceivingAdvice) and m.quantity.any())
    big = despatch.quantity.copy()
    big[-1, -1] = 98_765
    cases: list[sim.Message] = [
        dataclasses.replace(despatch, quantity=big, pallets=despatch.pallets + 3),
        dataclasses.replace(despatch, pallets=despatch.pallets + 2, reference="R-9"),
        dataclasses.replace(receipt, quantity=receipt.quantity * 50),
    ]
    for edition in edi.Edition:
        for case in cases:
            expected = edi.encode(
                bridge.interchange(case, control_ref="000000042", edition=edition)
            )
            assert _advice_text(bridge, case, edition) == expected
    first = bridge.despatch_sscc_first(receipt.receiver, receipt.despatch_number)
    assert first is not None
    blank = dataclasses.replace(receipt, despatch_number="")  # no RFF+AAK
    for edition in edi.Edition:
        text = receipt_text(
            blank,
            bridge.master,
            first,
            control_ref="7",
            edition=edition,
            prepared=bridge.interchange_time(blank.day),
        )
        # the bridge finds no despatch advice "": compare with the encoder given its objects
        bridge.note_despatch(
            dataclasses.replace(
                next(m for m in sent if isinstance(m, sim.DespatchAdvice)),
                sender=receipt.receiver,
                despatch_number="",
                sscc_first=first,
            )
        )
        assert text == edi.encode(bridge.interchange(blank, control_ref="7", edition=edition))
        assert "RFF+AAK" not in (text or "")


def test_advice_texts_decline_what_is_out_of_the_common_case(two_platforms: Scenario) -> None:
    bridge = EdiBridge(two_platforms)
    sent = sent_messages(two_platforms, "shared", 20)
    despatch = next(m for m in sent if isinstance(m, sim.DespatchAdvice) and m.quantity.any())
    receipt = next(m for m in sent if isinstance(m, sim.ReceivingAdvice) and m.quantity.any())
    negative = despatch.quantity.copy()
    negative[0, 0] = -3
    odd_despatches = [
        dataclasses.replace(despatch, despatch_number="A'B"),
        dataclasses.replace(despatch, reference="ABCDEFGHIJKLMN"),  # parts would be too long
        dataclasses.replace(despatch, quantity=negative),
        dataclasses.replace(despatch, pallets=0),
        dataclasses.replace(despatch, sscc_first=-1),
        dataclasses.replace(despatch, ship_to_kind="moon"),
        dataclasses.replace(despatch, receiver="3000000000000"),
    ]
    kw = {"control_ref": "7", "edition": edi.Edition.EANCOM_2002}
    prepared = dt.datetime(2026, 1, 1)
    for case in odd_despatches:
        assert despatch_text(case, bridge.master, prepared=prepared, **kw) is None  # type: ignore[arg-type]
    for case in (
        dataclasses.replace(receipt, despatch_number="A+B"),
        dataclasses.replace(receipt, quantity=receipt.quantity.astype(np.float64)),
    ):
        assert receipt_text(case, bridge.master, 1, prepared=prepared, **kw) is None  # type: ignore[arg-type]


def _response_both(
    bridge: EdiBridge, message: sim.OrderResponse, edition: edi.Edition
) -> tuple[str | None, str]:
    expected = edi.encode(bridge.interchange(message, control_ref="000000042", edition=edition))
    text = response_text(
        message,
        bridge.master,
        control_ref="000000042",
        edition=edition,
        prepared=bridge.interchange_time(message.day),
    )
    return text, expected


@pytest.mark.parametrize("mode", ["traditional", "shared"])
@pytest.mark.parametrize("edition", list(edi.Edition))
def test_response_text_is_the_encoders_text(
    two_platforms: Scenario, mode: str, edition: edi.Edition
) -> None:
    bridge = EdiBridge(two_platforms)
    responses = [
        m for m in sent_messages(two_platforms, mode, 20) if isinstance(m, sim.OrderResponse)
    ]
    assert responses
    for response in responses:
        text, expected = _response_both(bridge, response, edition)
        assert text == expected, response.reference


def test_response_text_edge_cases(two_platforms: Scenario) -> None:
    """Delivery notes (long ones cut into components), every status, large quantities."""
    bridge = EdiBridge(two_platforms)
    sent = sent_messages(two_platforms, "traditional", 20)
    response = next(m for m in sent if isinstance(m, sim.OrderResponse) and m.items.size > 3)
    n = response.items.size
    mixed = np.array([int(sim.LineStatus.CHANGED), int(sim.LineStatus.REFUSED)] * n)[:n]
    spread = response.day + 1 + np.arange(n) % 2  # every other line: long notes
    big = response.quantity.copy()
    big[0, -1] = 12_345_678
    cases = [
        dataclasses.replace(response, delivery_day=spread),
        dataclasses.replace(response, delivery_day=np.full(n, response.day + 2)),
        dataclasses.replace(response, status=mixed, quantity=big),
        dataclasses.replace(response, status=np.full(n, int(sim.LineStatus.REFUSED))),
    ]
    notes = 0
    for edition in edi.Edition:
        for case in cases:
            text, expected = _response_both(bridge, case, edition)
            assert text == expected
            notes += expected.count("FTX+AAI")
    assert notes


def test_response_text_declines_what_is_out_of_the_common_case(two_platforms: Scenario) -> None:
    bridge = EdiBridge(two_platforms)
    sent = sent_messages(two_platforms, "traditional", 20)
    response = next(m for m in sent if isinstance(m, sim.OrderResponse))
    odd = [
        dataclasses.replace(response, order_number="O:1"),
        dataclasses.replace(response, order_number=""),
        dataclasses.replace(response, status=np.full(response.items.size, 9)),
        dataclasses.replace(response, locations=np.zeros(0, dtype=np.int64)),
        dataclasses.replace(response, delivery_day=np.zeros(1, dtype=np.int64)),
    ]
    for case in odd:
        text = response_text(
            case,
            bridge.master,
            control_ref="7",
            edition=edi.Edition.EANCOM_2002,
            prepared=dt.datetime(2026, 1, 1),
        )
        assert text is None


def test_response_text_cuts_long_notes_as_the_encoder() -> None:
    """80 lines, every other one promised a day later: notes longer than one component."""
    from crossdock import load_scenario

    scenario = load_scenario()
    bridge = EdiBridge(scenario)
    md = bridge.master
    m = 80
    response = sim.OrderResponse(
        sender=md.glns["supplier"][0],
        receiver=md.retailer,
        day=3,
        reference="00000017",
        order_number="V0003-000017",
        locations=np.array([0, 2]),
        items=np.arange(m),
        quantity=np.arange(2 * m, dtype=np.int64).reshape(2, m),
        status=np.full(m, int(sim.LineStatus.ACCEPTED)),
        delivery_day=4 + np.arange(m) % 2,
    )
    for edition in edi.Edition:
        text, expected = _response_both(bridge, response, edition)
        assert text == expected
        if edition is edi.Edition.EANCOM_97:
            ftx = [s for s in expected.split("'") if s.startswith("FTX")]
            assert any(":" in s for s in ftx)  # a note cut into components
