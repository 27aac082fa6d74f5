"""The fixtures (one per message type and edition, written after the EANCOM guidelines) decode
to the content they were written with; the SLSRPT fast lane agrees with the general decoder."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from tests.edi.samples import DATA, FIXTURES, ok_small

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
    assert (report.buyer, report.supplier, report.currency) == (BY, SU, "EUR")
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
        (G[0], LineStatus.ACCEPTED, 96),
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
    _, report = fixture("contrl", edition)
    assert isinstance(report, ContrlReport)
    assert (report.interchange_ref, report.sender, report.action) == (
        "ORD001",
        BY,
        SyntaxAction.ACCEPTED,
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
    """``ok_small`` with whole quantities, so its SLSRPT is what the fast lane reads."""
    interchange = ok_small(edition)
    report = interchange.messages[0]
    first = report.locations[0]
    whole = dataclasses.replace(first.lines[1], quantity=2)
    location = dataclasses.replace(first, lines=(first.lines[0], whole))
    report = dataclasses.replace(report, locations=(location, *report.locations[1:]))
    return dataclasses.replace(interchange, messages=(report, *interchange.messages[1:]))


@pytest.fixture
def general_decoder_only(monkeypatch):
    kinds = dict(interchange_module._KINDS)
    kinds["SLSRPT"] = dataclasses.replace(kinds["SLSRPT"], fast=None)
    monkeypatch.setattr(interchange_module, "_KINDS", kinds)


def test_fast_lane_is_taken_for_canonical_reports(monkeypatch):
    taken = []
    original = interchange_module._KINDS["SLSRPT"].fast

    def spy(*args):
        result = original(*args)
        taken.append(result is not None)
        return result

    kinds = dict(interchange_module._KINDS)
    kinds["SLSRPT"] = dataclasses.replace(kinds["SLSRPT"], fast=spy)
    monkeypatch.setattr(interchange_module, "_KINDS", kinds)
    decode(encode(canonical()))
    decode(encode(ok_small()))  # a decimal quantity: not for the fast lane
    read(DATA / "slsrpt_97.edi")  # optional segments too
    assert taken == [True, False, False]


@pytest.mark.parametrize("edition", list(Edition))
def test_fast_lane_and_general_decoder_agree(edition, request):
    text = encode(canonical(edition))
    fast = decode(text)
    request.getfixturevalue("general_decoder_only")
    assert decode(text) == fast


def test_fast_lane_leaves_errors_to_the_general_decoder():
    text = encode(canonical()).replace("LIN+1++4012345001006:SRV'", "LIN+1++4012345001007:SRV'")
    with pytest.raises(EdiDecodeError) as caught:
        decode(text)
    assert caught.value.where == "segment 12 (LIN)"
    assert "check digit 7, expected 6" in caught.value.message
    assert caught.value.field == "element 3.1"
