"""The channel's reading side (express lane, INVRPT in columns) gives what the general way gives.

Every message of short runs goes through the bridge and the encoder (without line breaks, as
the channel writes), then is read both ways: :func:`read_wire` + :func:`wire_message`, and
``edi.decode`` + :meth:`EdiBridge.message`. Both must give an equal simulation message, and
the wire path must have been taken (else the test would prove nothing). Garbled copies and
unknown parties must be declined by the wire path, so the general way names the error.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from crossdock import edi
from crossdock import messages as sim
from crossdock.edi._columns import inventory_columns
from crossdock.edi._fastlane import fast_inventory_report
from crossdock.edi_bridge import EdiBridge
from crossdock.edi_bridge._logistics import make_sscc_list
from crossdock.edi_bridge._wire import read_wire, wire_message
from crossdock.errors import EdiError
from crossdock.gs1 import make_ssccs
from crossdock.scenario import Scenario

from .helpers import differences
from .test_bridge import sent_messages


def _text(bridge: EdiBridge, message: sim.Message, edition: edi.Edition) -> str:
    return edi.encode(bridge.interchange(message, control_ref="1", edition=edition))


@pytest.mark.parametrize("mode", ["traditional", "shared"])
@pytest.mark.parametrize("edition", list(edi.Edition))
def test_wire_and_general_reading_agree(
    two_platforms: Scenario, mode: str, edition: edi.Edition
) -> None:
    bridge = EdiBridge(two_platforms)
    taken: set[str] = set()
    for message in sent_messages(two_platforms, mode, 20):
        text = _text(bridge, message, edition)
        expected = bridge.message(edi.decode(text))
        envelope = read_wire(text)
        if envelope is None:
            continue
        back = wire_message(bridge, envelope)
        if back is None:
            continue
        assert differences(expected, back) == [], type(message).__name__
        taken.add(type(message).__name__)
    kinds = {"InventoryReport", "SalesReport", "Order", "DespatchAdvice", "ReceivingAdvice"}
    assert kinds <= taken or (
        mode == "traditional" and {"Order", "DespatchAdvice", "OrderResponse"} <= taken
    )


def test_inventory_columns_accept_what_the_fast_lane_accepts(ok_small: Scenario) -> None:
    """Same texts, garbled or not: columns exactly when the fast lane gives a message."""
    bridge = EdiBridge(ok_small)
    reports = [
        m for m in sent_messages(ok_small, "shared", 12) if isinstance(m, sim.InventoryReport)
    ]
    assert reports
    rng = np.random.default_rng(14)
    checked = 0
    for edition in edi.Edition:
        text = _text(bridge, reports[-1], edition)
        for message in edi.decode(text).messages:
            sep, _, body = message.raw
            bodies = [body]
            for _ in range(40):  # one segment changed: a byte replaced or a character cut
                k = int(rng.integers(len(body)))
                segment = body[k]
                if not segment:
                    continue
                at = int(rng.integers(len(segment)))
                changed = segment[:at] + rng.choice(["", "x", "9", "+", ":"]) + segment[at + 1 :]
                bodies.append([*body[:k], changed, *body[k + 1 :]])
            for variant in bodies:
                fast = fast_inventory_report(variant, edition, "1", sep)
                columns = inventory_columns(variant, edition, "1", sep)
                assert (fast is None) == (columns is None)
                if fast is None:
                    continue
                checked += 1
                lines = [
                    (line.gtin, line.quantity, loc.gln)
                    for loc in fast.locations
                    for line in loc.lines
                ]
                got = list(
                    zip(columns.gtins, columns.quantities.tolist(), columns.places, strict=True)
                )
                assert sorted(got) == sorted(lines)
                assert (columns.number, columns.buyer, columns.stock_date) == (
                    fast.number,
                    fast.buyer,
                    fast.stock_date,
                )
    assert checked >= 2


def test_garbled_or_unknown_is_left_to_the_general_way(ok_small: Scenario) -> None:
    bridge = EdiBridge(ok_small)
    report = next(
        m for m in sent_messages(ok_small, "shared", 8) if isinstance(m, sim.InventoryReport)
    )
    text = _text(bridge, report, edi.Edition.EANCOM_2002)
    assert wire_message(bridge, read_wire(text)) is not None
    rng = np.random.default_rng(7)
    start = text.index("'", text.index("UNB")) + 1
    for position in rng.integers(start, len(text), 200).tolist():
        garbled = text[:position] + "\x07" + text[position + 1 :]
        assert read_wire(garbled) is None
        with pytest.raises(EdiError):
            edi.decode(garbled)
    stranger = EdiBridge(ok_small)
    stranger.master.party_of.pop(report.sender)
    assert wire_message(stranger, read_wire(text)) is None


@pytest.mark.parametrize("count", [1, 3, 32, 33])
def test_sscc_list_is_make_ssccs(count: int) -> None:
    for prefix, first in (("3012345", 0), ("3016701", 987_654), ("4000001", 10**9 - count)):
        assert make_sscc_list(prefix, first, count) == make_ssccs(prefix, first, count).tolist()


@pytest.mark.parametrize("edition", list(edi.Edition))
def test_contrl_template_writes_what_the_encoder_writes(edition: edi.Edition) -> None:
    import datetime as dt

    from crossdock.edi_bridge._wire import contrl_ack, contrl_text
    from crossdock.gs1 import make_gln

    a, b = make_gln("3012345", 1), make_gln("3016701", 7)
    kinds = ["ORDERS", "ORDRSP", "INVRPT", "SLSRPT", "DESADV", "RECADV"]
    for n, (prepared, refs) in enumerate(
        [
            (dt.datetime(2026, 1, 5), ["00000001"]),
            (dt.datetime(2031, 12, 31, 23, 59), [f"00000029-{k}" for k in range(12)]),
            (dt.datetime(2026, 7, 1, 6, 30), ["1", "2", "A.B/C-D E"]),
        ]
    ):
        pairs = [(ref, kinds[k % len(kinds)]) for k, ref in enumerate(refs)]
        report = edi.ContrlReport(
            message_ref="1",
            interchange_ref=f"{n:09d}",
            sender=a,
            recipient=b,
            action=edi.SyntaxAction.ACCEPTED,
            messages=tuple(
                edi.MessageAck(message_ref=ref, message_type=kind, action=edi.SyntaxAction.ACCEPTED)
                for ref, kind in pairs
            ),
        )
        expected = edi.encode(
            edi.Interchange(
                sender=b,
                recipient=a,
                control_ref="000000077",
                prepared=prepared,
                messages=(report,),
                edition=edition,
                application_ref="CONTRL",
            )
        )
        answered = (f"{n:09d}", a, b)
        assert contrl_text(b, a, "000000077", prepared, edition, answered, pairs) == expected
        (message,) = edi.decode(expected).messages
        sep, _, body = message.raw
        assert contrl_ack(body, edition, "1", sep) == (f"{n:09d}", a, "7")
    prepared = dt.datetime(2026, 1, 5)
    for answered, pairs in (
        (("A?B", a, b), [("1", "ORDERS")]),  # to escape
        (("1", "3012345000013", b), [("1", "ORDERS")]),  # a bad check digit
        (("1", a, b), [("1", "INVOIC")]),  # no association code
    ):
        assert contrl_text(b, a, "7", prepared, edition, answered, pairs) is None


@pytest.mark.parametrize("edition", list(edi.Edition))
def test_acceptance_reader_agrees_with_the_express_lane(edition: edi.Edition) -> None:
    """``read_acceptance`` reads what ``contrl_text`` writes; garbled, it declines or agrees."""
    import datetime as dt

    from crossdock.edi_bridge._wire import contrl_text, read_acceptance
    from crossdock.gs1 import make_gln

    a, b = make_gln("3012345", 1), make_gln("3016701", 7)
    rng = np.random.default_rng(21)
    taken = 0
    for n, refs in enumerate([["00000001"], [f"00000029-{k}" for k in range(12)], ["A.B/C"]]):
        pairs = [(ref, "ORDERS") for ref in refs]
        answered = (f"{n:09d}", a, b)
        text = contrl_text(b, a, "000000077", dt.datetime(2026, 1, 5), edition, answered, pairs)
        assert text is not None
        assert read_acceptance(text.encode("latin-1")) == (a, f"{n:09d}")
        variants = [text, text.replace("+7'UCM", "+4'UCM", 1), text.replace(":14+7'", ":14+4'")]
        for _ in range(150):  # one character replaced, dropped or doubled
            at = int(rng.integers(len(text)))
            new = str(rng.choice(["", "x", "9", "+", ":", "'", "?", "\x07", text[at] * 2]))
            variants.append(text[:at] + new + text[at + 1 :])
        for variant in variants:
            data = variant.encode("latin-1")
            found = read_acceptance(data)
            if found is None:
                continue
            taken += 1
            envelope = read_wire(variant)  # what the channel read before, and still can
            assert envelope is not None
            ((_, kind, (interchange_ref, sender, action), _, _),) = envelope.messages
            assert (kind, action) == ("CONTRL", "7")
            assert found == (sender, interchange_ref)
            decoded = edi.decode(variant).messages[0]
            assert isinstance(decoded, edi.ContrlReport)
            assert decoded.action is edi.SyntaxAction.ACCEPTED
            assert (decoded.sender, decoded.interchange_ref) == found
    assert taken >= 3


@pytest.mark.parametrize("edition", list(edi.Edition))
def test_inventory_numbers_agree_with_the_columns(ok_small: Scenario, edition) -> None:
    """On the same texts, garbled or not, the numeric lane gives the columns' values or none."""
    from crossdock.edi._numbers import inventory_numbers

    bridge = EdiBridge(ok_small)
    reports = [
        m for m in sent_messages(ok_small, "shared", 12) if isinstance(m, sim.InventoryReport)
    ]
    rng = np.random.default_rng(15)
    taken = 0
    for report in reports[-3:]:
        for message in edi.decode(_text(bridge, report, edition)).messages:
            sep, _, segments = message.raw
            body = "'".join(segments) + "'"
            variants = [body]
            for _ in range(40):  # one character replaced or dropped
                at = int(rng.integers(len(body)))
                changed = str(rng.choice(["", "x", "9", "0", "+", ":", "'"]))
                variants.append(body[:at] + changed + body[at + 1 :])
            for variant in variants:
                numbers = inventory_numbers(variant, edition, "1", sep)
                if numbers is None:
                    continue
                taken += 1
                columns = inventory_columns(variant, edition, "1", sep)
                assert columns is not None
                assert numbers.gtins == columns.gtins
                assert numbers.places == columns.places
                assert numbers.quantities.tolist() == columns.quantities.tolist()
                assert (numbers.number, numbers.buyer, numbers.supplier) == (
                    columns.number,
                    columns.buyer,
                    columns.supplier,
                )
                assert (numbers.issued, numbers.stock_date) == (columns.issued, columns.stock_date)
    assert taken >= 10


@pytest.mark.parametrize("edition", list(edi.Edition))
def test_sales_numbers_agree_with_the_columns(ok_small: Scenario, edition) -> None:
    """On the same texts, garbled or not, the numeric lane gives the columns' values or none."""
    from crossdock.edi._columns import sales_columns
    from crossdock.edi._numbers import sales_numbers

    bridge = EdiBridge(ok_small)
    reports = [m for m in sent_messages(ok_small, "shared", 12) if isinstance(m, sim.SalesReport)]
    rng = np.random.default_rng(16)
    taken = 0
    for report in reports[-3:]:
        ((sep, _, segments),) = [m.raw for m in edi.decode(_text(bridge, report, edition)).messages]
        body = "'".join(segments) + "'"
        variants = [body]
        for _ in range(60):  # one character replaced or dropped
            at = int(rng.integers(len(body)))
            changed = str(rng.choice(["", "x", "9", "0", "+", ":", "'"]))
            variants.append(body[:at] + changed + body[at + 1 :])
        for variant in variants:
            numbers = sales_numbers(variant, edition, "1", sep)
            if numbers is None:
                continue
            taken += 1
            columns = sales_columns(variant, edition, "1", sep)
            assert columns is not None
            assert [
                (gln, [f"{g:013d}" for g in gtins.tolist()], sold.tolist())
                for gln, gtins, sold in numbers.locations
            ] == [(gln, gtins, sold.tolist()) for gln, gtins, sold in columns.locations]
            assert (numbers.number, numbers.seller, numbers.supplier) == (
                columns.number,
                columns.seller,
                columns.supplier,
            )
            assert (numbers.issued, numbers.period_start, numbers.period_end) == (
                columns.issued,
                columns.period_start,
                columns.period_end,
            )
    assert taken >= 10


@pytest.mark.parametrize("edition", list(edi.Edition))
def test_response_numbers_agree_with_the_columns(two_platforms: Scenario, edition) -> None:
    """On the same texts, garbled or not, the numeric lane gives the columns' values or none."""
    from crossdock.edi._columns import response_columns
    from crossdock.edi._numbers import response_numbers

    bridge = EdiBridge(two_platforms)
    responses = [
        m for m in sent_messages(two_platforms, "shared", 12) if isinstance(m, sim.OrderResponse)
    ]
    rng = np.random.default_rng(19)
    taken = 0
    for response in responses[-2:]:
        for message in edi.decode(_text(bridge, response, edition)).messages[:3]:
            sep, _, segments = message.raw
            body = "'".join(segments) + "'"
            variants = [body]
            for _ in range(40):  # one character replaced or dropped
                at = int(rng.integers(len(body)))
                changed = str(rng.choice(["", "x", "9", "0", "3", "+", ":", "'"]))
                variants.append(body[:at] + changed + body[at + 1 :])
            for variant in variants:
                numbers = response_numbers(variant, edition, "1", sep)
                if numbers is None:
                    continue
                taken += 1
                columns = response_columns(variant, edition, "1", sep)
                assert columns is not None
                assert [f"{g:013d}" for g in numbers.gtin_numbers.tolist()] == columns.gtins
                assert numbers.quantities.tolist() == [int(q) for q in columns.quantities]
                assert [str(s) for s in numbers.statuses.tolist()] == columns.statuses
                assert (numbers.number, numbers.response, numbers.order_number) == (
                    columns.number,
                    columns.response,
                    columns.order_number,
                )
                assert (numbers.buyer, numbers.supplier, numbers.issued, numbers.notes) == (
                    columns.buyer,
                    columns.supplier,
                    columns.issued,
                    columns.notes,
                )
    assert taken >= 10


@pytest.mark.parametrize("edition", list(edi.Edition))
def test_inventory_text_is_the_encoders_text(two_platforms: Scenario, edition: edi.Edition) -> None:
    import datetime as dt

    from crossdock.edi_bridge._wire_text import inventory_text

    bridge = EdiBridge(two_platforms)
    reports = [
        m for m in sent_messages(two_platforms, "shared", 20) if isinstance(m, sim.InventoryReport)
    ]
    assert len(reports) >= 5
    received = 0
    for report in reports:
        expected = edi.encode(bridge.interchange(report, control_ref="000000042", edition=edition))
        prepared = bridge.interchange_time(report.day)
        text = inventory_text(
            report, bridge.master, control_ref="000000042", edition=edition, prepared=prepared
        )
        assert text == expected
        received += bool(report.received.any())
    assert received  # the RECEIVED part was written too
    odd = dataclasses.replace(reports[0], reference="A?B")  # to escape: the general way
    assert (
        inventory_text(
            odd, bridge.master, control_ref="1", edition=edition, prepared=dt.datetime(2026, 1, 1)
        )
        is None
    )


@pytest.mark.parametrize("edition", list(edi.Edition))
def test_sales_text_is_the_encoders_text(two_platforms: Scenario, edition: edi.Edition) -> None:
    from crossdock.edi_bridge._wire_text import sales_text

    bridge = EdiBridge(two_platforms)
    reports = [
        m for m in sent_messages(two_platforms, "shared", 20) if isinstance(m, sim.SalesReport)
    ]
    assert len(reports) >= 5
    for report in reports:
        expected = edi.encode(bridge.interchange(report, control_ref="7", edition=edition))
        prepared = bridge.interchange_time(report.day)
        text = sales_text(
            report, bridge.master, control_ref="7", edition=edition, prepared=prepared
        )
        assert text == expected


def test_sales_columns_accept_what_the_fast_lane_accepts(ok_small: Scenario) -> None:
    """Same texts, one segment changed or not: columns exactly when the fast lane reads."""
    from crossdock.edi._columns import sales_columns
    from crossdock.edi._fastlane import fast_sales_report

    bridge = EdiBridge(ok_small)
    reports = [m for m in sent_messages(ok_small, "shared", 12) if isinstance(m, sim.SalesReport)]
    rng = np.random.default_rng(15)
    checked = 0
    for edition in edi.Edition:
        text = _text(bridge, reports[-1], edition)
        (message,) = edi.decode(text).messages
        sep, _, body = message.raw
        bodies = [body]
        for _ in range(60):
            k = int(rng.integers(len(body)))
            segment = body[k]
            at = int(rng.integers(len(segment)))
            changed = segment[:at] + rng.choice(["", "x", "9", "+", ":"]) + segment[at + 1 :]
            bodies.append([*body[:k], changed, *body[k + 1 :]])
        for variant in bodies:
            fast = fast_sales_report(variant, edition, "1", sep)
            columns = sales_columns(variant, edition, "1", sep)
            assert (fast is None) == (columns is None)
            if fast is None:
                continue
            checked += 1
            assert [
                (loc.gln, [line.gtin for line in loc.lines], [line.quantity for line in loc.lines])
                for loc in fast.locations
            ] == [(gln, gtins, sold.tolist()) for gln, gtins, sold in columns.locations]
    assert checked >= 2


def test_response_columns_accept_what_the_fast_lane_accepts(two_platforms: Scenario) -> None:
    from crossdock.edi._columns import response_columns
    from crossdock.edi._fastlane import fast_response

    bridge = EdiBridge(two_platforms)
    responses = [
        m
        for m in sent_messages(two_platforms, "traditional", 12)
        if isinstance(m, sim.OrderResponse)
    ]
    rng = np.random.default_rng(16)
    checked = 0
    for edition in edi.Edition:
        for message in edi.decode(_text(bridge, responses[-1], edition)).messages:
            sep, _, body = message.raw
            bodies = [body]
            for _ in range(30):
                k = int(rng.integers(len(body)))
                segment = body[k]
                at = int(rng.integers(len(segment)))
                changed = segment[:at] + rng.choice(["", "x", "9", "+", ":"]) + segment[at + 1 :]
                bodies.append([*body[:k], changed, *body[k + 1 :]])
            for variant in bodies:
                fast = fast_response(variant, edition, "1", sep)
                columns = response_columns(variant, edition, "1", sep)
                assert (fast is None) == (columns is None)
                if fast is None:
                    continue
                checked += 1
                assert [(li.status.value, li.gtin, li.quantity) for li in fast.lines] == [
                    (s, g, int(q) if q else None)
                    for s, g, q in zip(
                        columns.statuses, columns.gtins, columns.quantities, strict=True
                    )
                ]
                assert (columns.notes, columns.buyer) == (fast.notes, fast.buyer)
    assert checked >= 2


def test_order_columns_accept_what_the_fast_lane_accepts(two_platforms: Scenario) -> None:
    from crossdock.edi._columns import order_columns
    from crossdock.edi._fastlane import fast_order

    bridge = EdiBridge(two_platforms)
    orders = [
        m
        for m in sent_messages(two_platforms, "shared", 12)
        if isinstance(m, sim.Order) and m.ship_to_kind == "platform"
    ]
    rng = np.random.default_rng(17)
    checked = 0
    for edition in edi.Edition:
        (message,) = edi.decode(_text(bridge, orders[-1], edition)).messages
        sep, _, body = message.raw
        bodies = [body]
        for _ in range(60):
            k = int(rng.integers(len(body)))
            segment = body[k]
            at = int(rng.integers(len(segment)))
            changed = segment[:at] + rng.choice(["", "x", "9", "+", ":"]) + segment[at + 1 :]
            bodies.append([*body[:k], changed, *body[k + 1 :]])
        for variant in bodies:
            fast = fast_order(variant, edition, "1", sep)
            columns = order_columns(variant, edition, "1", sep)
            assert (fast is None) == (columns is None)
            if fast is None:
                continue
            checked += 1
            assert [
                (
                    li.gtin,
                    li.quantity,
                    [s.store for s in li.splits],
                    [s.quantity for s in li.splits],
                )
                for li in fast.lines
            ] == [
                (g, q, stores, counts)
                for g, q, (stores, counts) in zip(
                    columns.gtins, columns.quantities, columns.splits, strict=True
                )
            ]
    assert checked >= 2


@pytest.mark.parametrize("kind", [sim.DespatchAdvice, sim.ReceivingAdvice])
def test_pallet_columns_accept_what_the_fast_lane_accepts(two_platforms: Scenario, kind) -> None:
    from crossdock.edi._columns import despatch_columns, receipt_columns
    from crossdock.edi._fastlane import fast_despatch_advice, fast_receiving_advice

    fast_lane, columns_lane = (
        (fast_despatch_advice, despatch_columns)
        if kind is sim.DespatchAdvice
        else (fast_receiving_advice, receipt_columns)
    )
    bridge = EdiBridge(two_platforms)
    sent = sent_messages(two_platforms, "shared", 12)
    messages = [m for m in sent if isinstance(m, kind)]
    for message in sent:  # the bridge learns each despatch advice's SSCCs
        if isinstance(message, sim.DespatchAdvice):
            bridge.to_edi(message)
    rng = np.random.default_rng(18)
    checked = 0
    for edition in edi.Edition:
        for message in edi.decode(_text(bridge, messages[-1], edition)).messages:
            sep, _, body = message.raw
            bodies = [body]
            for _ in range(30):
                k = int(rng.integers(len(body)))
                segment = body[k]
                at = int(rng.integers(len(segment)))
                changed = segment[:at] + rng.choice(["", "x", "9", "+", ":"]) + segment[at + 1 :]
                bodies.append([*body[:k], changed, *body[k + 1 :]])
            for variant in bodies:
                fast = fast_lane(variant, edition, "1", sep)
                columns = columns_lane(variant, edition, "1", sep)
                assert (fast is None) == (columns is None)
                if fast is None:
                    continue
                checked += 1
                assert [
                    (p.sscc, [li.gtin for li in p.lines], [li.quantity for li in p.lines])
                    for p in fast.pallets
                ] == [(s, g, q.tolist()) for s, g, q in columns.pallets]
                assert (columns.number, columns.buyer) == (fast.number, fast.buyer)
    assert checked >= 2
