"""Columnar lanes: canonical message bodies read into columns, without line objects.

A fast lane (``_fastlane``) builds the message's line objects, which a consumer that wants
arrays (the EDI channel's bridge) then reads back one by one. A columnar lane reads the same
canonical body into columns instead — the GTIN of every line, its quantity, its location —
with list slicing, ``str.join``/``split``, ``zip`` and ``findall``, so little or no Python
code runs per line (INVRPT, SLSRPT, ORDRSP; ORDERS per line, not per store split). It accepts exactly what the fast lane
accepts (the tests compare both on the same texts) and returns ``None`` otherwise; the caller
then decodes the general way, which gives the objects or locates the error.

Used through :func:`crossdock.edi._express.read_envelope`, whose lanes these are. The columns
are transient reading results, so not frozen (a frozen dataclass is slower to build).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, pairwise

import numpy as np

from crossdock.edi._elements import KNOWN_GTINS, valid_glns, valid_id
from crossdock.edi._fastlane import _body, _date, _dates, _no_junk, _notes, _patterns, _text
from crossdock.edi._model import Edition
from crossdock.edi._syntax import Separators

__all__ = [
    "InventoryColumns",
    "OrderColumns",
    "PalletColumns",
    "ResponseColumns",
    "SalesColumns",
    "despatch_columns",
    "inventory_columns",
    "order_columns",
    "receipt_columns",
    "response_columns",
    "sales_columns",
]

_DEFAULT = Separators()
_HEADER = 5
"""INVRPT header segments of the canonical form: BGM, DTM+137, DTM+366, NAD+BY, NAD+SU."""
_QTY = re.compile(r"(?:QTY\+145:[0-9]{1,15}')*", re.ASCII)
_LOC = re.compile(r"LOC\+18\+([0-9]{13})::9", re.ASCII)
_GTIN = re.compile(r"\+\+([0-9]{8,14}):", re.ASCII)


def _unknown_gtins(gtins: list[str]) -> bool:
    """Whether one of ``gtins`` is not a valid GTIN (a set difference for those seen before)."""
    unknown = set(gtins) - KNOWN_GTINS
    return bool(unknown) and any(valid_id(gtin, "GTIN") for gtin in unknown)


@lru_cache(maxsize=4)
def _lin(item_type: str) -> re.Pattern[str]:
    return re.compile(rf"(?:LIN\+[0-9]{{1,6}}\+\+[0-9]{{8,14}}:{item_type}')*", re.ASCII)


@dataclass(slots=True)
class InventoryColumns:
    """A canonical INVRPT as columns: one entry per line (LIN group) in each list/array."""

    message_ref: str
    number: str
    issued: dt.date
    stock_date: dt.date
    buyer: str
    supplier: str
    gtins: list[str]
    quantities: np.ndarray
    """Stock on hand (QTY+145) per line, int64."""
    places: list[str]
    """GLN of each line's location (LOC+18)."""


def inventory_columns(
    body: list[str] | str, edition: Edition, message_ref: str, separators: Separators
) -> InventoryColumns | None:
    """Read a canonical INVRPT body (segment texts, or text) into columns, or ``None``."""
    if isinstance(body, str):
        body = body.split("'")
        body.pop()  # after the last terminator
    if separators != _DEFAULT or len(body) < _HEADER:
        return None
    patterns = _patterns(separators, edition.item_type)
    header = patterns["INVRPT"].fullmatch("'".join(body[:_HEADER]) + "'")
    if header is None:
        return None
    number, issued, stock_date, buyer, supplier = header.groups()[1:6]
    days = _dates(issued, stock_date)
    if days is None or not valid_glns(buyer, supplier):
        return None
    lines = body[_HEADER:]
    width = 4 if edition is Edition.EANCOM_2002 else 3
    if len(lines) % width:
        return None
    lins, qtys, locs = lines[0::width], lines[width - 2 :: width], lines[width - 1 :: width]
    if width == 4:
        invs = lines[1::4]
        if invs.count("INV++++1") != len(invs):
            return None
    lin_text = "'".join(lins) + "'"
    qty_text = "'".join(qtys) + "'"
    if lins and (
        _lin(edition.item_type).fullmatch(lin_text) is None or _QTY.fullmatch(qty_text) is None
    ):
        return None
    gtins = _GTIN.findall(lin_text) if lins else []
    if _unknown_gtins(gtins):
        return None
    place_of: dict[str, str] = {}
    for loc in set(locs):
        found = _LOC.fullmatch(loc)
        if found is None or valid_id(found.group(1), "GLN"):
            return None
        place_of[loc] = found.group(1)
    quantities = (
        np.array(qty_text[8:-1].split("'QTY+145:"), dtype=np.int64)
        if lins
        else np.zeros(0, dtype=np.int64)
    )
    return InventoryColumns(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        stock_date=days[1],
        buyer=buyer,
        supplier=supplier,
        gtins=gtins,
        quantities=quantities,
        places=list(map(place_of.__getitem__, locs)),
    )


@dataclass(slots=True)
class SalesColumns:
    """A canonical SLSRPT without prices as columns: per location (LOC+162), its lines."""

    message_ref: str
    number: str
    issued: dt.date
    period_start: dt.date
    period_end: dt.date
    seller: str
    supplier: str
    locations: list[tuple[str, list[str], np.ndarray]]
    """Per location: its GLN, the GTIN of each line, and the units sold (QTY+153), int64."""


def sales_columns(
    body: list[str] | str, edition: Edition, message_ref: str, separators: Separators
) -> SalesColumns | None:
    """Read a canonical SLSRPT body without prices or currency into columns, or ``None``.

    Accepts what the fast lane accepts when no line has a price (PRI) and no CUX is given.
    """
    if separators != _DEFAULT:
        return None
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    head = patterns["SLSRPT head"].match(text)
    if head is None:
        return None
    number, issued, start, end, seller, supplier, currency = head.groups()[1:8]
    days = _dates(issued, start, end)
    if days is None or days[2] < days[1] or currency:
        return None
    if not valid_glns(seller, supplier):
        return None
    found = patterns["SLSRPT body"].findall(text, head.end())
    if not found or not found[0][0] or not _no_junk(found):
        return None
    glns, gtins, prices, quantities, _ = (list(column) for column in zip(*found, strict=True))
    if any(prices):
        return None
    marks = [k for k, gln in enumerate(glns) if gln]
    if not valid_glns(*{glns[k] for k in marks}):
        return None
    if _unknown_gtins(list(filter(None, gtins))):
        return None
    bounds = [*marks, len(found)]
    locations = [
        (
            glns[a],
            gtins[a + 1 : b],
            np.array(quantities[a + 1 : b], dtype=np.int64)
            if b > a + 1
            else np.zeros(0, dtype=np.int64),
        )
        for a, b in pairwise(bounds)
    ]
    return SalesColumns(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        period_start=days[1],
        period_end=days[2],
        seller=seller,
        supplier=supplier,
        locations=locations,
    )


@dataclass(slots=True)
class ResponseColumns:
    """A canonical ORDRSP as columns: one entry per line in each list."""

    message_ref: str
    number: str
    response: str
    """BGM message function: 29 accepted, 4 changed, 27 refused."""
    issued: dt.date
    order_number: str
    buyer: str
    supplier: str
    notes: tuple[str, ...]
    statuses: list[str]
    """LIN action per line: 5 accepted, 3 changed, 7 refused."""
    gtins: list[str]
    quantities: list[str]
    """QTY+21 per line as written, ``""`` where the line has none."""


def response_columns(
    body: list[str] | str, edition: Edition, message_ref: str, separators: Separators
) -> ResponseColumns | None:
    """Read a canonical ORDRSP body into columns, or ``None`` (what the fast lane accepts)."""
    if separators != _DEFAULT:
        return None
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    parts = _body(text, patterns["ORDRSP head"], patterns["UNS CNT"], "UNS+S'CNT+2:")
    if parts is None:
        return None
    match, stop, trailer = parts
    assert trailer is not None
    number, response, issued, texts, order_number, buyer, supplier = match.groups()[:7]
    day = _date(issued)
    if day is None or not valid_glns(buyer, supplier):
        return None
    found = patterns["ORDRSP body"].findall(text, match.end(), stop)
    if not _no_junk(found) or int(trailer.group(1)) != len(found):
        return None
    if found:
        statuses, gtins, quantities, _ = (list(column) for column in zip(*found, strict=True))
    else:
        statuses, gtins, quantities = [], [], []
    if _unknown_gtins(gtins):
        return None
    if "" in quantities and any(
        s == "3" and not q for s, q in zip(statuses, quantities, strict=True)
    ):
        return None  # a changed line without its quantity: the general decoder says so
    return ResponseColumns(
        message_ref=message_ref,
        number=number,
        response=response,
        issued=day,
        order_number=order_number,
        buyer=buyer,
        supplier=supplier,
        notes=_notes(texts, separators) if texts else (),
        statuses=statuses,
        gtins=gtins,
        quantities=quantities,
    )


@dataclass(slots=True)
class OrderColumns:
    """A canonical ORDERS without prices or currency as columns: its lines, and store splits."""

    message_ref: str
    number: str
    issued: dt.date
    delivery_date: dt.date
    buyer: str
    supplier: str
    delivery_party: str | None
    gtins: list[str]
    quantities: list[int]
    """QTY+21 per line."""
    split_counts: list[int]
    """Per line, how many store splits follow it (LOC+7 / QTY+11)."""
    stores: list[str]
    """Every split's store (LOC+7), line after line."""
    split_quantities: list[int]
    """Every split's quantity (QTY+11), line after line."""

    @property
    def splits(self) -> list[tuple[list[str], list[int]]]:
        """Per line, its stores and their quantities (empty lists when none)."""
        bounds = np.cumsum([0, *self.split_counts]).tolist()
        return [(self.stores[a:b], self.split_quantities[a:b]) for a, b in pairwise(bounds)]


def order_columns(
    body: list[str] | str, edition: Edition, message_ref: str, separators: Separators
) -> OrderColumns | None:
    """Read a canonical ORDERS body without prices into columns, or ``None``.

    Accepts what the fast lane accepts when no line has a price and no CUX is given.
    """
    if separators != _DEFAULT:
        return None
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    parts = _body(text, patterns["ORDERS head"], patterns["UNS CNT"], "UNS+S'CNT+2:")
    if parts is None:
        return None
    match, stop, trailer = parts
    assert trailer is not None
    number, issued, delivery, buyer, supplier, platform, currency = match.groups()[1:8]
    days = _dates(issued, delivery)
    if days is None or currency:
        return None
    if not valid_glns(buyer, supplier, *([platform] if platform else [])):
        return None
    found = patterns["ORDERS body"].findall(text, match.end(), stop)
    if found:
        gtins, ordered, prices, places, quantities, junk = zip(*found, strict=True)
        if any(junk) or not gtins[0] or any(prices):
            return None  # another segment, splits before the first line, or a price
    else:
        gtins = ordered = places = quantities = ()
    # A line's GTIN and quantity are never empty, a split's store and quantity neither.
    line_gtins = list(filter(None, gtins))
    if int(trailer.group(1)) != len(line_gtins):
        return None
    if _unknown_gtins(line_gtins):
        return None
    stores = list(filter(None, places))
    if not valid_glns(*set(stores)):
        return None
    line_quantities = list(map(int, filter(None, ordered)))
    split_quantities = list(map(int, filter(None, quantities)))
    marks = list(compress(range(len(gtins)), gtins))
    marks.append(len(gtins))
    counts = [b - a - 1 for a, b in pairwise(marks)]
    at = 0
    for total, count in compress(zip(line_quantities, counts, strict=True), counts):
        if sum(split_quantities[at : at + count]) != total:
            return None  # splits that do not add up: the general decoder says so
        at += count
    return OrderColumns(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        delivery_date=days[1],
        buyer=buyer,
        supplier=supplier,
        delivery_party=platform,
        gtins=line_gtins,
        quantities=line_quantities,
        split_counts=counts,
        stores=stores,
        split_quantities=split_quantities,
    )


@dataclass(slots=True)
class PalletColumns:
    """A canonical DESADV or RECADV as columns: its pallets' SSCCs, and every line in order."""

    message_ref: str
    number: str
    issued: dt.date
    date: dt.date
    """Despatch date (DESADV DTM+11) or receipt date (RECADV DTM+50)."""
    delivery_date: dt.date | None
    """Estimated delivery date (DESADV DTM+17), when given; ``None`` in a RECADV."""
    despatch_number: str | None
    """The despatch advice received (RECADV RFF+AAK); ``None`` in a DESADV."""
    supplier: str
    buyer: str
    delivery_party: str
    ssccs: list[str]
    """Per pallet, its SSCC."""
    counts: list[int]
    """Per pallet, how many lines it has: the first ``counts[0]`` lines are on the first."""
    gtins: list[str]
    """Per line, its GTIN."""
    quantities: np.ndarray
    """Per line, its quantity (QTY+12 / QTY+48), int64."""

    @property
    def pallets(self) -> list[tuple[str, list[str], np.ndarray]]:
        """Per pallet: its SSCC, the GTIN of each line, and the quantities."""
        bounds = np.cumsum([0, *self.counts]).tolist()
        return [
            (sscc, self.gtins[a:b], self.quantities[a:b])
            for sscc, a, b in zip(self.ssccs, bounds[:-1], bounds[1:], strict=True)
        ]


_NO_PALLETS: tuple[list[str], list[int], list[str], np.ndarray] = (
    [],
    [],
    [],
    np.zeros(0, dtype=np.int64),
)


def _pallet_columns(
    text: str, pattern: re.Pattern[str], start: int, end: int, typed: bool
) -> tuple[list[str], list[int], list[str], np.ndarray] | None:
    """``_fastlane._pallets`` as columns: what it accepts, as :class:`PalletColumns` has it.

    That is (SSCCs, lines per pallet, GTINs, quantities), or ``None``.
    """
    found = pattern.findall(text, start, end)
    if not found:
        return _NO_PALLETS
    columns = list(zip(*found, strict=True))
    if any(columns[-1]):
        return None  # a segment that is neither a pallet nor a line (see ``_patterns``)
    levels, gtins, quantities = columns[0], columns[-3], columns[-2]
    marks = list(compress(range(len(levels)), levels))  # the pallets' rows (a level is set)
    if not marks or marks[0] != 0:
        return None  # lines before the first pallet
    if [int(levels[k]) for k in marks] != list(range(2, 2 + len(marks))):
        return None  # levels as the encoder numbers them, or the general decoder
    ssccs = list(map((columns[2] if typed else columns[1]).__getitem__, marks))
    if any(valid_id(sscc, "SSCC") for sscc in ssccs):
        return None
    line_gtins = list(filter(None, gtins))  # a line's GTIN and quantity are never empty,
    if _unknown_gtins(line_gtins):  # a pallet's always
        return None
    marks.append(len(found))
    counts = [b - a - 1 for a, b in pairwise(marks)]
    return ssccs, counts, line_gtins, np.array(list(filter(None, quantities)), dtype=np.int64)


def despatch_columns(
    body: list[str] | str, edition: Edition, message_ref: str, separators: Separators
) -> PalletColumns | None:
    """Read a canonical DESADV body into columns, or ``None`` (what the fast lane accepts)."""
    if separators != _DEFAULT:
        return None
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    parts = _body(text, patterns["DESADV head"], patterns["CNT"], "CNT+2:")
    if parts is None:
        return None
    match, stop, trailer = parts
    assert trailer is not None
    number, issued, despatched, arrival, _, supplier, buyer, platform = match.groups()[:8]
    days = _dates(issued, despatched, *([arrival] if arrival else []))
    if days is None or not valid_glns(supplier, buyer, platform):
        return None
    pallets = _pallet_columns(text, patterns["DESADV body"], match.end(), stop, True)
    if pallets is None or int(trailer.group(1)) != len(pallets[2]):
        return None
    ssccs, counts, gtins, quantities = pallets
    return PalletColumns(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        date=days[1],
        delivery_date=days[2] if arrival else None,
        despatch_number=None,
        supplier=supplier,
        buyer=buyer,
        delivery_party=platform,
        ssccs=ssccs,
        counts=counts,
        gtins=gtins,
        quantities=quantities,
    )


def receipt_columns(
    body: list[str] | str, edition: Edition, message_ref: str, separators: Separators
) -> PalletColumns | None:
    """Read a canonical RECADV body into columns, or ``None`` (what the fast lane accepts)."""
    if separators != _DEFAULT:
        return None
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    parts = _body(text, patterns["RECADV head"], patterns["CNT"], "CNT+2:")
    if parts is None:
        return None
    match, stop, trailer = parts
    assert trailer is not None
    number, issued, received, despatch, _, buyer, supplier, platform = match.groups()[:8]
    days = _dates(issued, received)
    if days is None or not valid_glns(buyer, supplier, platform):
        return None
    pallets = _pallet_columns(text, patterns["RECADV body"], match.end(), stop, False)
    if pallets is None or int(trailer.group(1)) != len(pallets[2]):
        return None
    ssccs, counts, gtins, quantities = pallets
    return PalletColumns(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        date=days[1],
        delivery_date=None,
        despatch_number=despatch,
        supplier=supplier,
        buyer=buyer,
        delivery_party=platform,
        ssccs=ssccs,
        counts=counts,
        gtins=gtins,
        quantities=quantities,
    )
