"""The encoder's remembered texts (line heads, NAD segments, dates, checked values).

The hot loops write each line from a text built once per item and syntax; these tests check
that what is remembered never leaks between separators, character sets, editions or line
endings, and that a bad value met on the way is still named by its field path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from tests.edi.samples import ITEMS, STORES, small_interchange

from crossdock.edi import (
    Edition,
    Separators,
    decode,
    encode,
)
from crossdock.errors import EdiError

ODD = Separators(component="*", element="|", decimal=",", release="!", terminator="~")


def _message(interchange, kind):
    return next(m for m in interchange.messages if type(m).__name__ == kind)


def _with(interchange, message):
    return dataclasses.replace(interchange, messages=(message,))


@pytest.mark.parametrize("edition", list(Edition))
def test_texts_remembered_in_one_syntax_are_not_used_in_another(edition):
    interchange = small_interchange(edition)
    plain = encode(interchange)
    odd = encode(interchange, separators=ODD, newlines=True)
    unoa = encode(dataclasses.replace(interchange, messages=interchange.messages[1:3]))
    assert decode(odd) == decode(plain)
    assert "+" not in odd.split("\n", 1)[1]  # after the UNA line, none of the usual separators
    assert "\n" not in plain
    assert encode(interchange) == plain  # same text whatever was written in between
    assert encode(interchange, separators=ODD, newlines=True) == odd
    assert decode(unoa).messages == interchange.messages[1:3]


def test_quantities_on_both_sides_of_the_looked_up_range():
    interchange = small_interchange()
    report = _message(interchange, "InventoryReport")
    location = report.locations[0]
    quantities = (0, 9_999, 10_000, -1)  # small ones are looked up, the others formatted
    lines = tuple(
        dataclasses.replace(location.lines[0], gtin=gtin, quantity=quantity)
        for gtin, quantity in zip(ITEMS, quantities, strict=True)
    )
    changed = dataclasses.replace(report, locations=(dataclasses.replace(location, lines=lines),))
    back = decode(encode(_with(interchange, changed))).messages[0]
    assert [line.quantity for line in back.locations[0].lines] == list(quantities)


@pytest.mark.parametrize(
    ("kind", "change", "field"),
    [
        (
            "SalesReport",
            lambda m: dataclasses.replace(
                m,
                locations=(
                    m.locations[0],
                    dataclasses.replace(
                        m.locations[1],
                        lines=(
                            *m.locations[1].lines,
                            m.locations[1].lines[0].__class__(gtin="4012345001000", quantity=1),
                        ),
                    ),
                ),
            ),
            "messages[0].locations[1].lines[1].gtin",
        ),
        (
            "SalesReport",
            lambda m: dataclasses.replace(
                m,
                locations=(
                    m.locations[0],
                    dataclasses.replace(
                        m.locations[1],
                        lines=(dataclasses.replace(m.locations[1].lines[0], quantity="7"),),
                    ),
                ),
            ),
            "messages[0].locations[1].lines[0].quantity",
        ),
        (
            "InventoryReport",
            lambda m: dataclasses.replace(
                m,
                locations=(
                    m.locations[0],
                    dataclasses.replace(
                        m.locations[1],
                        lines=(dataclasses.replace(m.locations[1].lines[0], quantity=10**15),),
                    ),
                ),
            ),
            "messages[0].locations[1].lines[0].quantity",
        ),
        (
            "OrderResponse",
            lambda m: dataclasses.replace(
                m, lines=(m.lines[0], dataclasses.replace(m.lines[1], status="5"))
            ),
            "messages[0].lines[1].status",
        ),
        (
            "OrderResponse",
            lambda m: dataclasses.replace(
                m, lines=(m.lines[0], dataclasses.replace(m.lines[1], gtin="123"))
            ),
            "messages[0].lines[1].gtin",
        ),
        (
            "Order",
            lambda m: dataclasses.replace(
                m,
                lines=(
                    dataclasses.replace(
                        m.lines[0],
                        splits=(
                            m.lines[0].splits[0],
                            dataclasses.replace(m.lines[0].splits[1], store=["not", "a", "gln"]),
                        ),
                    ),
                    m.lines[1],
                ),
            ),
            "messages[0].lines[0].splits[1].store",
        ),
        (
            "Order",
            lambda m: dataclasses.replace(
                m,
                lines=(
                    dataclasses.replace(
                        m.lines[0],
                        splits=(
                            m.lines[0].splits[0],
                            dataclasses.replace(m.lines[0].splits[1], quantity=6),
                        ),
                    ),
                ),
            ),
            "messages[0].lines[0].splits",
        ),
        (
            "DespatchAdvice",
            lambda m: dataclasses.replace(
                m,
                pallets=(
                    m.pallets[0],
                    dataclasses.replace(
                        m.pallets[0],
                        lines=(
                            m.pallets[0].lines[0],
                            dataclasses.replace(
                                m.pallets[0].lines[0], quantity=dt.date(2026, 1, 1)
                            ),
                        ),
                    ),
                ),
            ),
            "messages[0].pallets[1].lines[1].quantity",
        ),
    ],
)
def test_a_bad_value_in_a_hot_loop_is_named(kind, change, field):
    interchange = small_interchange()
    encode(interchange)  # every item and party of the sample already remembered
    bad = change(_message(interchange, kind))
    with pytest.raises(EdiError) as caught:
        encode(_with(interchange, bad))
    assert caught.value.field == field


def test_a_bad_date_and_party_are_named_after_good_ones_were_remembered():
    interchange = small_interchange()
    encode(interchange)
    order = _message(interchange, "Order")
    with pytest.raises(EdiError) as caught:
        encode(_with(interchange, dataclasses.replace(order, issued="2026-11-24")))
    assert caught.value.field == "messages[0].issued"
    with pytest.raises(EdiError) as caught:
        encode(_with(interchange, dataclasses.replace(order, supplier=STORES[0][:-1] + "0")))
    assert caught.value.field == "messages[0].supplier"
    assert "check digit" in caught.value.message
    later = dt.datetime(2026, 11, 25, 7, 5)  # a datetime is a date: written as its day
    text = encode(_with(interchange, dataclasses.replace(order, issued=later)))
    assert "DTM+137:20261125:102'" in text
