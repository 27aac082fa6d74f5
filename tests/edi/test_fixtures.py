"""The fixtures (one per message type and edition, written after the EANCOM guidelines) decode
to the content they were written with; the SLSRPT fast lane agrees with the general decoder."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings

import crossdock.edi._interchange as interchange_module
from crossdock.edi import (
    ContrlReport,
    DespatchAdvice,
    EdiDecodeError,
    Edition,
    InventoryReport,
    LineStatus,
    Order,
    OrderResponse,
    ReceivingAdvice,
    ResponseType,
    SalesReport,
    SyntaxAction,
    decode,
    encode,
    read,
)

from .samples import DATA, FIXTURES, small_interchange
from .test_roundtrip import interchanges

BY, SU, DP = "5412345000013", "4012345000016", "5412345000020"
S1, S2, S3 = "5412345000037", "5412345000044", "5412345000051"
G = ["4012345001006", "4012345001013", "4012345001020", "4012345001037"]
G8, G14 = "96385074", "14012345001003"
P1, P2 = "340123450000000017", "340123450000000024"
EDITIONS = {"97": Edition.EANCOM_97, "2002": Edition.EANCOM_2002}


def fixture(kind: str, edition: str):
    interchange = read(DATA / f"{kind}_{edition}.edi")
    assert interchange.edition is EDITIONS[edition]
    (message,) = interchange.messages
    return interchange, message


def test_there_is_a_fixture_per_message_type_and_edition():
    names = {path.stem for path in FIXTURES}
    kinds = ("slsrpt", "invrpt", "orders", "ordrsp", "desadv", "recadv", "contrl")
    assert names == {f"{k}_{e}" for k in kinds for e in EDITIONS}


@pytest.mark.parametrize("edition", EDITIONS)
def test_sales_report(edition):
    interchange, report = fixture("slsrpt", edition)
    assert isinstance(report, SalesReport)
    assert (interchange.sender, interchange.recipient) == (BY, SU)
    assert interchange.application_ref == "SLSRPT"
    assert (report.seller, report.supplier, report.currency) == (BY, SU, "EUR")
    assert report.period_start == report.period_end == dt.date(2026, 11, 23)
    assert [loc.gln for loc in report.locations] == [S1, S2]
    lines = [
        (line.gtin, line.quantity, line.price) for loc in report.locations for line in loc.lines
    ]
    assert lines == [
        (G[0], 24, Decimal("0.59")),
        (G8, 3, None),
        (G[1], 7, None),  # sold on two days: 5 + 2
        (G[2], Decimal("1.5"), None),
    ]


@pytest.mark.parametrize("edition", EDITIONS)
def test_inventory_report(edition):
    _, report = fixture("invrpt", edition)
    assert isinstance(report, InventoryReport)
    stock = {(loc.gln, line.gtin): line.quantity for loc in report.locations for line in loc.lines}
    # the first item is stocked at the platform (LOC+18, warehouse) and a store (LOC+14)
    assert stock == {(DP, G[0]): 240, (S1, G[0]): 12, (S1, G[1]): 0}
    assert [loc.gln for loc in report.locations] == [DP, S1]


@pytest.mark.parametrize("edition", EDITIONS)
def test_cross_dock_order(edition):
    _, order = fixture("orders", edition)
    assert isinstance(order, Order)
    assert (order.number, order.delivery_party, order.delivery_date) == (
        "PO-4711",
        DP,
        dt.date(2026, 11, 26),
    )
    assert order.notes == ("Deliver to dock 3: rear entrance, ring twice'",)
    first, second = order.lines
    assert (first.gtin, first.quantity, first.price) == (G[0], 96, Decimal("0.42"))
    assert [(s.store, s.quantity) for s in first.splits] == [(S1, 48), (S2, 24), (S3, 24)]
    assert (second.gtin, second.quantity, second.splits) == (G14, 10, ())


@pytest.mark.parametrize("edition", EDITIONS)
def test_order_response(edition):
    _, response = fixture("ordrsp", edition)
    assert isinstance(response, OrderResponse)
    assert response.response is ResponseType.CHANGED
    assert response.order_number == "PO-4711"
    assert [(line.gtin, line.status, line.quantity) for line in response.lines] == [
        (G[0], LineStatus.ACCEPTED, None),  # accepted as ordered: no QTY
        (G14, LineStatus.CHANGED, 8),
        (G[3], LineStatus.REFUSED, 0),
    ]


@pytest.mark.parametrize("edition", EDITIONS)
def test_despatch_advice(edition):
    _, advice = fixture("desadv", edition)
    assert isinstance(advice, DespatchAdvice)
    assert (advice.order_number, advice.delivery_date) == ("PO-4711", dt.date(2026, 11, 26))
    assert [(p.sscc, p.package_type) for p in advice.pallets] == [(P1, "201"), (P2, "201")]
    assert [(line.gtin, line.quantity) for line in advice.pallets[1].lines] == [
        (G14, 8),
        (G[1], 40),
    ]


@pytest.mark.parametrize("edition", EDITIONS)
def test_receiving_advice(edition):
    _, advice = fixture("recadv", edition)
    assert isinstance(advice, ReceivingAdvice)
    assert (advice.despatch_number, advice.delivery_party) == ("DES-0815", DP)
    received = {(p.sscc, line.gtin): line.quantity for p in advice.pallets for line in p.lines}
    assert received == {(P1, G[0]): 96, (P2, G14): 8, (P2, G[1]): 38}


@pytest.mark.parametrize("edition", EDITIONS)
def test_contrl(edition):
    interchange, report = fixture("contrl", edition)
    assert isinstance(report, ContrlReport)
    received = edition == "97"  # written like the EANCOM 97 example: CONTRL:2:2, UNOA:2
    assert interchange.charset == ("UNOA" if received else "UNOC")
    assert (report.interchange_ref, report.sender, report.action) == (
        "ORD001",
        BY,
        SyntaxAction.RECEIVED if received else SyntaxAction.ACCEPTED,
    )
    assert [(m.message_ref, m.action, m.error) for m in report.messages] == [
        ("ORD1", SyntaxAction.REJECTED, "16"),
        ("ORD2", SyntaxAction.ACCEPTED, None),
    ]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_survive_our_round_trip(path):
    interchange = read(path)
    assert decode(encode(interchange)) == interchange


def canonical(edition: Edition = Edition.EANCOM_2002):
    """``small_interchange`` with whole quantities and no notes: what the fast lanes read."""
    interchange = small_interchange(edition)
    report, stock, order, *rest = interchange.messages
    first = report.locations[0]
    whole = dataclasses.replace(first.lines[1], quantity=2)
    location = dataclasses.replace(first, lines=(first.lines[0], whole))
    report = dataclasses.replace(report, locations=(location, *report.locations[1:]))
    order = dataclasses.replace(order, notes=())
    return dataclasses.replace(interchange, messages=(report, stock, order, *rest))


@contextlib.contextmanager
def general_decoder_only():
    """Decode without any fast lane."""
    kinds = {
        name: dataclasses.replace(kind, fast=None)
        for name, kind in interchange_module._KINDS.items()
    }
    with mock.patch.object(interchange_module, "_KINDS", kinds):
        yield


@contextlib.contextmanager
def fast_lane_spy():
    """Record, per message type, whether its fast lane accepted each message."""
    taken: list[tuple[str, bool]] = []

    def spy(name, fast):
        def wrapped(*args):
            result = fast(*args)
            taken.append((name, result is not None))
            return result

        return wrapped

    kinds = {
        name: dataclasses.replace(kind, fast=spy(name, kind.fast)) if kind.fast else kind
        for name, kind in interchange_module._KINDS.items()
    }
    with mock.patch.object(interchange_module, "_KINDS", kinds):
        yield taken


def test_fast_lanes_are_taken_for_canonical_messages():
    with fast_lane_spy() as taken:
        decode(encode(canonical()))
    assert taken == [
        ("SLSRPT", True),
        ("INVRPT", True),
        ("ORDERS", True),
        ("ORDRSP", True),
        ("DESADV", True),
        ("RECADV", True),
        ("CONTRL", True),
    ]
    with fast_lane_spy() as taken:
        # (the general reader: the express lane would try the first message's lane too)
        read(io.StringIO(encode(small_interchange())))  # a decimal quantity; escaped notes
        read(DATA / "slsrpt_97.edi")  # optional segments
    assert [kind for kind, fast in taken if not fast] == ["SLSRPT", "ORDERS", "SLSRPT"]


@pytest.mark.parametrize("edition", list(Edition))
def test_fast_lanes_and_general_decoder_agree(edition):
    text = encode(canonical(edition))
    fast = decode(text)
    with general_decoder_only():
        assert decode(text) == fast


@settings(
    derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(interchanges())
def test_fast_lanes_never_change_a_result(interchange):
    text = encode(interchange)
    fast = decode(text)
    with general_decoder_only():
        assert decode(text) == fast == interchange


@pytest.mark.parametrize(
    ("old", "new", "at"),
    [
        ("LIN+1++4012345001006:SRV'", "LIN+1++4012345001007:SRV'", "LIN+1++"),
        ("LOC+18+5412345000037::9'", "LOC+18+5412345000038::9'", "LOC+18+"),
        ("QTY+11:5'", "QTY+11:6'", "LIN+1++4012345001006:SRV'QTY+21:12'"),  # splits != 12
        ("CNT+2:2'", "CNT+2:3'", "CNT+"),
        ("DTM+366:20261124:102'", "DTM+366:20261131:102'", "DTM+366"),
    ],
)
def test_fast_lanes_leave_errors_to_the_general_decoder(old, new, at):
    text = encode(canonical())
    assert old in text and "?" not in text[9:]  # no escapes: terminators count segments
    number = text[: text.index(at)].count("'") + 1
    with pytest.raises(EdiDecodeError) as caught:
        decode(text.replace(old, new))
    assert caught.value.where == f"segment {number} ({at[:3]})"
