"""decode(encode(x)) == x, for every message type, both editions, any free text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossdock.edi import (
    ContrlReport,
    DespatchAdvice,
    DespatchLine,
    Edition,
    Interchange,
    InventoryLine,
    InventoryReport,
    LineStatus,
    MessageAck,
    Order,
    OrderLine,
    OrderResponse,
    Pallet,
    ReceivedLine,
    ReceivedPallet,
    ReceivingAdvice,
    ResponseLine,
    ResponseType,
    SalesLine,
    SalesLocation,
    SalesReport,
    Separators,
    StockLocation,
    StoreSplit,
    SyntaxAction,
    decode,
    encode,
    from_json,
    to_json,
)
from crossdock.edi._syntax import Syntax, Tokenizer
from crossdock.gs1 import make_gln, make_gtin13, make_sscc

from .samples import small_interchange

DETERMINISTIC = settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

LATIN1 = st.characters(min_codepoint=0x20, max_codepoint=0xFF).filter(
    lambda c: not 0x7F <= ord(c) < 0xA0
)
UNOA = st.sampled_from(string.ascii_uppercase + string.digits + " .,-()/='+:?!\"%&*;<>")
glns = st.integers(0, 99999).map(lambda n: make_gln("5412345", n))
gtins = st.integers(0, 99999).map(lambda n: make_gtin13("4012345", n))
ssccs = st.integers(0, 10**9 - 1).map(lambda n: make_sscc("4012345", n))
days = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
quantities = st.one_of(
    st.integers(0, 10**9),
    st.decimals(min_value=-1000, max_value=10**6, places=3, allow_nan=False),
)
prices = st.none() | st.decimals(min_value=0, max_value=10**4, places=2, allow_nan=False)


def texts(alphabet, max_size):
    return st.text(alphabet, min_size=1, max_size=max_size)


@st.composite
def orders(draw, alphabet, edition):
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        splits = tuple(
            StoreSplit(store=draw(glns), quantity=draw(st.integers(0, 500)))
            for _ in range(draw(st.integers(0, 3)))
        )
        total = sum(s.quantity for s in splits) if splits else draw(quantities)
        lines.append(OrderLine(gtin=draw(gtins), quantity=total, price=draw(prices), splits=splits))
    longest = 350 if edition is Edition.EANCOM_97 else 2560
    return Order(
        message_ref=draw(texts(alphabet, 14)),
        number=draw(texts(alphabet, 35)),
        issued=draw(days),
        delivery_date=draw(days),
        buyer=draw(glns),
        supplier=draw(glns),
        lines=tuple(lines),
        delivery_party=draw(st.none() | glns),
        currency=draw(st.none() | st.sampled_from(["EUR", "USD", "GBP"])),
        notes=tuple(draw(st.lists(texts(alphabet, longest), max_size=3))),
    )


@st.composite
def sales_reports(draw, alphabet):
    locations = tuple(
        SalesLocation(
            gln=draw(glns),
            lines=tuple(
                SalesLine(gtin=draw(gtins), quantity=draw(quantities), price=draw(prices))
                for _ in range(draw(st.integers(0, 4)))
            ),
        )
        for _ in range(draw(st.integers(1, 3)))
    )
    start = draw(st.dates(dt.date(2000, 1, 1), dt.date(2098, 12, 31)))
    return SalesReport(
        message_ref=draw(texts(alphabet, 14)),
        number=draw(texts(alphabet, 35)),
        issued=draw(days),
        period_start=start,
        period_end=start + dt.timedelta(days=draw(st.integers(0, 366))),
        seller=draw(glns),
        supplier=draw(glns),
        locations=locations,
        currency=draw(st.none() | st.just("EUR")),
    )


@st.composite
def despatch_advices(draw, alphabet):
    pallets = tuple(
        Pallet(
            sscc=draw(ssccs),
            lines=tuple(
                DespatchLine(gtin=draw(gtins), quantity=draw(quantities))
                for _ in range(draw(st.integers(0, 3)))
            ),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return DespatchAdvice(
        message_ref=draw(texts(alphabet, 14)),
        number=draw(texts(alphabet, 35)),
        issued=draw(days),
        despatch_date=draw(days),
        supplier=draw(glns),
        buyer=draw(glns),
        delivery_party=draw(glns),
        pallets=pallets,
        order_number=draw(st.none() | texts(alphabet, 35)),
        delivery_date=draw(st.none() | days),
    )


@st.composite
def inventory_reports(draw, alphabet):
    stores = draw(st.lists(glns, min_size=0, max_size=3, unique=True))
    return InventoryReport(
        message_ref=draw(texts(alphabet, 14)),
        number=draw(texts(alphabet, 35)),
        issued=draw(days),
        stock_date=draw(days),
        buyer=draw(glns),
        supplier=draw(glns),
        locations=tuple(
            StockLocation(
                gln=store,
                lines=tuple(
                    InventoryLine(gtin=draw(gtins), quantity=draw(quantities))
                    for _ in range(draw(st.integers(1, 3)))
                ),
            )
            for store in stores
        ),
    )


@st.composite
def order_responses(draw, alphabet, edition):
    longest = 350 if edition is Edition.EANCOM_97 else 2560
    return OrderResponse(
        message_ref=draw(texts(alphabet, 14)),
        number=draw(texts(alphabet, 35)),
        response=draw(st.sampled_from(list(ResponseType))),
        issued=draw(days),
        order_number=draw(texts(alphabet, 35)),
        buyer=draw(glns),
        supplier=draw(glns),
        lines=tuple(
            ResponseLine(
                gtin=draw(gtins),
                status=status,
                quantity=draw(
                    quantities if status is LineStatus.CHANGED else st.none() | quantities
                ),
            )
            for status in draw(st.lists(st.sampled_from(list(LineStatus)), max_size=3))
        ),
        notes=tuple(draw(st.lists(texts(alphabet, longest), max_size=2))),
    )


@st.composite
def receiving_advices(draw, alphabet):
    return ReceivingAdvice(
        message_ref=draw(texts(alphabet, 14)),
        number=draw(texts(alphabet, 35)),
        issued=draw(days),
        received=draw(days),
        despatch_number=draw(texts(alphabet, 35)),
        buyer=draw(glns),
        supplier=draw(glns),
        delivery_party=draw(glns),
        pallets=tuple(
            ReceivedPallet(
                sscc=draw(ssccs),
                lines=tuple(
                    ReceivedLine(gtin=draw(gtins), quantity=draw(quantities))
                    for _ in range(draw(st.integers(0, 3)))
                ),
            )
            for _ in range(draw(st.integers(0, 3)))
        ),
    )


@st.composite
def contrl_reports(draw, alphabet):
    errors = st.none() | st.integers(0, 999).map(str)
    return ContrlReport(
        message_ref=draw(texts(alphabet, 14)),
        interchange_ref=draw(texts(alphabet, 14)),
        sender=draw(glns),
        recipient=draw(glns),
        action=draw(st.sampled_from(list(SyntaxAction))),
        error=draw(errors),
        messages=tuple(
            MessageAck(
                message_ref=draw(texts(alphabet, 14)),
                message_type=draw(st.sampled_from(["ORDERS", "DESADV", "SLSRPT"])),
                action=draw(st.sampled_from([SyntaxAction.ACCEPTED, SyntaxAction.REJECTED])),
                error=draw(errors),
            )
            for _ in range(draw(st.integers(0, 3)))
        ),
    )


@st.composite
def interchanges(draw):
    edition = draw(st.sampled_from(list(Edition)))
    charset = draw(st.sampled_from(["UNOA", "UNOC"]))
    alphabet = UNOA if charset == "UNOA" else LATIN1
    kinds = st.one_of(
        orders(alphabet, edition),
        sales_reports(alphabet),
        inventory_reports(alphabet),
        order_responses(alphabet, edition),
        despatch_advices(alphabet),
        receiving_advices(alphabet),
        contrl_reports(alphabet),
    )
    messages = draw(st.lists(kinds, min_size=1, max_size=4, unique_by=lambda m: m.message_ref))
    return Interchange(
        sender=draw(glns),
        recipient=draw(glns),
        control_ref=draw(texts(alphabet, 14)),
        prepared=draw(
            st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2099, 12, 31)).map(
                lambda d: d.replace(second=0, microsecond=0)
            )
        ),
        messages=tuple(messages),
        edition=edition,
        charset=charset,
        application_ref=draw(st.none() | texts(alphabet, 14)),
        test=draw(st.booleans()),
    )


separator_sets = st.sampled_from(
    [
        Separators(),
        Separators("*", "|", ",", "!", " ", "~"),
        Separators(":", "+", ",", "?", " ", "'"),
    ]
)


@DETERMINISTIC
@given(interchanges(), separator_sets, st.booleans())
def test_decode_of_encode_is_identity(interchange, separators, newlines):
    text = encode(interchange, separators=separators, newlines=newlines)
    assert decode(text) == interchange


@DETERMINISTIC
@given(interchanges())
def test_json_round_trip(interchange):
    assert from_json(to_json(interchange)) == interchange


@DETERMINISTIC
@given(interchanges())
def test_encoder_never_writes_trailing_empty_values(interchange):
    text = encode(interchange, una=False)
    tokenizer = Tokenizer(Syntax(Separators(), interchange.charset))
    parts, flagged = tokenizer.feed(text)
    assert flagged == {}
    for part in parts:
        segment = tokenizer.split(part)
        assert segment[-1] != [""], part
        assert all(len(element) == 1 or element[-1] != "" for element in segment), part


def test_every_message_type_round_trips_in_both_editions(edition):
    interchange = small_interchange(edition)
    assert decode(encode(interchange)) == interchange
    assert decode(encode(interchange, newlines=True, una=False)) == interchange


def test_editions_write_their_own_item_numbers_and_directories():
    old = encode(small_interchange(Edition.EANCOM_97))
    new = encode(small_interchange(Edition.EANCOM_2002))
    assert "ORDERS:D:96A:UN:EAN008" in old and ":EN'" in old and ":SRV'" not in old
    assert "ORDERS:D:01B:UN:EAN010" in new and ":SRV'" in new and ":EN'" not in new
    assert "DESADV:D:96A:UN:EAN005" in old and "DESADV:D:01B:UN:EAN007" in new


def test_free_text_is_escaped():
    text = encode(small_interchange())
    assert "FTX+AAI+++Ring twice?: it?'s the rear door??'" in text


def test_decimal_mark_follows_una():
    separators = Separators(decimal=",")
    text = encode(small_interchange(), separators=separators)
    assert "QTY+153:2,5'" in text and text.startswith("UNA:+,? '")
    assert decode(text) == small_interchange()


def test_large_notes_are_cut_into_text_components():
    note = "x" * 300
    interchange = small_interchange(Edition.EANCOM_97)
    order = interchange.messages[2]
    changed = dataclasses.replace(order, notes=(note,))
    text = encode(dataclasses.replace(interchange, messages=(changed,)))
    assert "FTX+AAI+++" + ":".join(["x" * 70] * 4 + ["x" * 20]) + "'" in text
    assert decode(text).messages[0].notes == (note,)


def test_decimal_quantities_keep_their_digits():
    interchange = small_interchange()
    report = interchange.messages[0]
    line = report.locations[0].lines[1]
    assert line.quantity == Decimal("2.5")
    decoded = decode(encode(interchange)).messages[0].locations[0].lines[1]
    assert decoded.quantity == Decimal("2.5") and isinstance(decoded.quantity, Decimal)
