"""Numeric lanes: large canonical bodies read into NumPy columns, every number parsed in C.

The columnar lanes (``_columns``) still make a string per line and field. When a large body
is in the canonical layout with identifiers of fixed width (GTINs and GLNs of 13 digits, so
that a number gives back its text: ``f"{n:013d}"``), a numeric lane reads it without any:
one ``fullmatch`` without capturing groups proves the lines' layout, then the body's
non-digits become spaces (``bytes.translate``) and ``np.fromstring`` parses every run of
digits. Every line has the same runs (its number, GTIN, qualifiers, quantity...), so each
column is a slice of one reshaped array. Identifiers are checked once per distinct value.

A numeric lane accepts a subset of what the columnar lane accepts, and gives the same
values; it returns ``None`` for anything else, and the caller (``edi_bridge._wire``) then
reads the body with the columnar lane. The tests compare both on real and garbled texts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from crossdock.edi._elements import valid_glns, valid_id
from crossdock.edi._fastlane import Body, _body, _date, _dates, _notes, _patterns
from crossdock.edi._model import Edition
from crossdock.edi._syntax import Separators

__all__ = [
    "InventoryNumbers",
    "ResponseNumbers",
    "SalesNumbers",
    "inventory_numbers",
    "response_numbers",
    "sales_numbers",
]

_DEFAULT = Separators()
_DIGITS = bytes(b if 48 <= b <= 57 else 32 for b in range(256))
"""``bytes.translate`` table: digits kept, every other byte a space."""


def _numbers(text: str) -> np.ndarray:
    """Every run of digits in ``text`` (ASCII, at least one run), as int64."""
    return np.fromstring(text.encode("ascii").translate(_DIGITS), dtype=np.int64, sep=" ")


def _texts(numbers: np.ndarray) -> list[str]:
    """13-digit identifiers back to their texts."""
    return [f"{n:013d}" for n in numbers.tolist()]


_GOOD: dict[str, set[int]] = {"GTIN": set(), "GLN": set()}
"""13-digit identifiers found valid, as numbers (a set lookup for those seen before)."""
_MAX_GOOD = 250_000


_GOOD_LISTS: set[bytes] = set()
"""GTIN columns found valid, by their bytes: an order response's parts list the same items in
the same order. Only columns of up to :data:`_LIST_SIZE` lines, and :data:`_LISTS` of them."""
_LIST_SIZE = 2048
_LISTS = 256


def _valid(numbers: np.ndarray, kind: str) -> bool:
    """Whether each distinct 13-digit identifier is a valid ``kind`` (GTIN, GLN)."""
    if kind != "GTIN" or len(numbers) > _LIST_SIZE:
        return _valid_values(numbers, kind)
    key = numbers.tobytes()
    if key in _GOOD_LISTS:
        return True
    if not _valid_values(numbers, kind):
        return False
    if len(_GOOD_LISTS) >= _LISTS:
        _GOOD_LISTS.clear()
    _GOOD_LISTS.add(key)
    return True


def _valid_values(numbers: np.ndarray, kind: str) -> bool:
    """:func:`_valid`, value by value (a set lookup for those seen before)."""
    good = _GOOD[kind]
    new = set(numbers.tolist()) - good
    if any(valid_id(text, kind) for text in _texts(np.array(sorted(new), dtype=np.int64))):
        return False
    if len(good) < _MAX_GOOD:
        good |= new
    return True


@lru_cache(maxsize=4)
def _stock_lines(item_type: str) -> tuple[re.Pattern[str], int]:
    """The INVRPT lines with 13-digit GTINs, and how many runs of digits each has."""
    inv = "INV++++1'" if item_type == Edition.EANCOM_2002.item_type else ""
    line = f"LIN+1++3012340000012:{item_type}'{inv}QTY+145:1'LOC+18+3014567000011::9'"
    pattern = (  # possessive: each line parses one way only, and this runs faster
        rf"(?:LIN\+[0-9]{{1,6}}+\+\+[0-9]{{13}}:{item_type}'{re.escape(inv)}"
        rf"QTY\+145:[0-9]{{1,15}}+'LOC\+18\+[0-9]{{13}}::9')*+"
    )
    return re.compile(pattern, re.ASCII), len(re.findall("[0-9]+", line))


@dataclass(slots=True)
class InventoryNumbers:
    """A canonical INVRPT as NumPy columns: one entry per line (LIN group) in each array."""

    message_ref: str
    number: str
    issued: dt.date
    stock_date: dt.date
    buyer: str
    supplier: str
    gtin_numbers: np.ndarray
    """GTIN of each line, as a number (13 digits), int64."""
    quantities: np.ndarray
    """Stock on hand (QTY+145) per line, int64."""
    place_numbers: np.ndarray
    """GLN of each line's location (LOC+18), as a number, int64."""

    @property
    def gtins(self) -> list[str]:
        """The GTIN of each line."""
        return _texts(self.gtin_numbers)

    @property
    def places(self) -> list[str]:
        """The GLN of each line's location."""
        return _texts(self.place_numbers)


def inventory_numbers(
    body: Body, edition: Edition, message_ref: str, separators: Separators
) -> InventoryNumbers | None:
    """Read a canonical INVRPT body (its text) with 13-digit GTINs into numbers, or ``None``."""
    if separators != _DEFAULT or not isinstance(body, str):
        return None
    head = _patterns(separators, edition.item_type)["INVRPT head"].match(body)
    if head is None:
        return None
    lines, width = _stock_lines(edition.item_type)
    start = head.end()
    if start == len(body) or lines.fullmatch(body, start) is None:
        return None  # no lines (the columnar lane reads that), or not in this layout
    number, issued, stock_date, buyer, supplier = head.groups()
    days = _dates(issued, stock_date)
    if days is None or not valid_glns(buyer, supplier):
        return None
    table = _numbers(body[start:]).reshape(-1, width)
    gtins, places = table[:, 1].copy(), table[:, -2].copy()
    if not _valid(gtins, "GTIN") or not _valid(places, "GLN"):
        return None
    return InventoryNumbers(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        stock_date=days[1],
        buyer=buyer,
        supplier=supplier,
        gtin_numbers=gtins,
        quantities=table[:, -4].copy(),
        place_numbers=places,
    )


@lru_cache(maxsize=4)
def _sales_lines(item_type: str) -> re.Pattern[str]:
    """The SLSRPT locations and lines without prices, with 13-digit GTINs."""
    line = rf"LIN\+[0-9]{{1,6}}\+\+[0-9]{{13}}:{item_type}'QTY\+153:[0-9]{{1,15}}'"
    return re.compile(rf"(?:LOC\+162\+[0-9]{{13}}::9'(?:{line})*)+", re.ASCII)


@dataclass(slots=True)
class SalesNumbers:
    """A canonical SLSRPT without prices as NumPy columns: per location (LOC+162), its lines."""

    message_ref: str
    number: str
    issued: dt.date
    period_start: dt.date
    period_end: dt.date
    seller: str
    supplier: str
    locations: list[tuple[str, np.ndarray, np.ndarray]]
    """Per location: its GLN, the GTIN of each line as a number, and the units sold (QTY+153),
    both int64."""


def sales_numbers(
    body: Body, edition: Edition, message_ref: str, separators: Separators
) -> SalesNumbers | None:
    """Read a canonical SLSRPT body (its text) without prices, 13-digit GTINs, or ``None``."""
    if separators != _DEFAULT or not isinstance(body, str):
        return None
    head = _patterns(separators, edition.item_type)["SLSRPT head"].match(body)
    if head is None:
        return None
    start = head.end()
    if _sales_lines(edition.item_type).fullmatch(body, start) is None:
        return None
    number, issued, begin, end, seller, supplier, currency = head.groups()[1:8]
    days = _dates(issued, begin, end)
    if days is None or days[2] < days[1] or currency or not valid_glns(seller, supplier):
        return None
    locations = []
    for chunk in body[start + 8 :].split("LOC+162+"):  # each: "<GLN>::9'" and its lines
        lines = _numbers(chunk)[2:].reshape(-1, 4)  # after the GLN and its code 9
        locations.append((chunk[:13], lines[:, 1].copy(), lines[:, 3].copy()))
    if not valid_glns(*{gln for gln, _, _ in locations}):
        return None
    if not _valid(np.concatenate([gtins for _, gtins, _ in locations]), "GTIN"):
        return None
    return SalesNumbers(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        period_start=days[1],
        period_end=days[2],
        seller=seller,
        supplier=supplier,
        locations=locations,
    )


@lru_cache(maxsize=4)
def _response_lines(item_type: str) -> re.Pattern[str]:
    """The ORDRSP lines with a status, a 13-digit GTIN and a quantity each."""
    line = rf"LIN\+[0-9]{{1,6}}\+[537]\+[0-9]{{13}}:{item_type}'QTY\+21:[0-9]{{1,15}}'"
    return re.compile(rf"(?:{line})*", re.ASCII)


@dataclass(slots=True)
class ResponseNumbers:
    """A canonical ORDRSP with a quantity on every line, as NumPy columns (one entry a line)."""

    message_ref: str
    number: str
    response: str
    """BGM message function: 29 accepted, 4 changed, 27 refused."""
    issued: dt.date
    order_number: str
    buyer: str
    supplier: str
    notes: tuple[str, ...]
    statuses: np.ndarray
    """LIN action per line: 5 accepted, 3 changed, 7 refused (int64)."""
    gtin_numbers: np.ndarray
    """GTIN of each line, as a number (13 digits), int64."""
    quantities: np.ndarray
    """QTY+21 per line, int64."""


def response_numbers(
    body: Body, edition: Edition, message_ref: str, separators: Separators
) -> ResponseNumbers | None:
    """Read a canonical ORDRSP body (its text), a quantity on every line, or ``None``."""
    if separators != _DEFAULT or not isinstance(body, str):
        return None
    patterns = _patterns(separators, edition.item_type)
    parts = _body(body, patterns["ORDRSP head"], patterns["UNS CNT"], "UNS+S'CNT+2:")
    if parts is None:
        return None
    match, stop, trailer = parts
    assert trailer is not None
    start = match.end()
    if start == stop or _response_lines(edition.item_type).fullmatch(body, start, stop) is None:
        return None  # no lines (the columnar lane reads that), or not in this layout
    number, response, issued, texts, order_number, buyer, supplier = match.groups()[:7]
    day = _date(issued)
    if day is None or not valid_glns(buyer, supplier):
        return None
    table = _numbers(body[start:stop]).reshape(-1, 5)  # number, status, GTIN, 21, quantity
    if int(trailer.group(1)) != len(table):
        return None
    gtins = table[:, 2].copy()
    if not _valid(gtins, "GTIN"):
        return None
    return ResponseNumbers(
        message_ref=message_ref,
        number=number,
        response=response,
        issued=day,
        order_number=order_number,
        buyer=buyer,
        supplier=supplier,
        notes=_notes(texts, separators) if texts else (),
        statuses=table[:, 1].copy(),
        gtin_numbers=gtins,
        quantities=table[:, 4].copy(),
    )
