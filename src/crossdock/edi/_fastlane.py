"""Fast lane: decode large messages written the canonical way with a few regular expressions.

Daily sales and inventory reports and cross-dock orders are the largest messages (one line per
store and item); CONTRLs are the most numerous (one per interchange). When such a message body (segment texts, or
the text itself) is exactly in the canonical form crossdock's encoder
writes — the segments and qualifiers of the general decoder's happy path, without escapes,
optional extras or decimal quantities — one ``fullmatch`` checks its whole structure and
``findall`` pulls out its lines, in C. Identifiers are still checked (check digits, cached per
value), dates, line counts and store splits still validated. Anything else, including every
message with an error, returns ``None`` and goes through the general decoder, which accepts all
valid variants and locates problems; so the fast lane changes speed, never results. The tests
decode the same interchanges both ways and compare.

Line objects are frozen values, so one is shared by every line read with the same text (the
same item and quantity): a dictionary lookup on the ``findall`` tuple replaces building the
object, converting the quantity and checking the GTIN.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from crossdock.edi._elements import KNOWN_GTINS, valid_id
from crossdock.edi._model import (
    ContrlReport,
    DespatchAdvice,
    DespatchLine,
    Edition,
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
    StockLocation,
    StoreSplit,
    SyntaxAction,
)
from crossdock.edi._syntax import Separators

__all__ = [
    "fast_contrl",
    "fast_despatch_advice",
    "fast_inventory_report",
    "fast_order",
    "fast_receiving_advice",
    "fast_response",
    "fast_sales_report",
]

_Patterns = dict[str, re.Pattern[str]]
Body = list[str] | str
"""A message body: its segment texts, or its text with every segment terminated."""
_MAX_SHARED = 100_000
_SHARED: dict[str, dict[tuple[str, ...], Any]] = {
    "sales": {},
    "stock": {},
    "response": {},
    "split": {},
    "despatch": {},
    "received": {},
}
"""The line objects already read, by the text that gave them (see the module docstring)."""


def _shared(kind: str) -> dict[tuple[str, ...], Any]:
    """The line objects of one kind already read (emptied when it grows too large)."""
    cache = _SHARED[kind]
    if len(cache) > _MAX_SHARED:
        cache.clear()
    return cache


@lru_cache(maxsize=16)
def _patterns(separators: Separators, item_type: str) -> _Patterns:
    """The canonical message patterns for one set of separators and one edition."""
    e = re.escape(separators.element)
    c = re.escape(separators.component)
    t = re.escape(separators.terminator)
    free = f"[^{e}{c}{t}{re.escape(separators.release)}]"
    gln = rf"([0-9]{{13}}){c}{c}9{t}"
    day = rf"([0-9]{{8}}){c}102{t}"
    number = rf"{e}({free}{{1,35}}){e}9{t}"
    lin = rf"LIN{e}[0-9]{{1,6}}{e}{e}([0-9]{{8,14}}){c}{item_type}{t}"
    price = rf"PRI{e}AAA{c}(-?[0-9]{{1,15}}(?:[.,][0-9]{{1,15}})?){t}"
    currency = rf"(?:CUX{e}2{c}([A-Z]{{3}}){c}9{t})?"
    parties = rf"NAD{e}BY{e}{gln}NAD{e}SU{e}{gln}"
    sales_line = rf"{lin}(?:{price})?QTY{e}153{c}([0-9]{{1,15}}){t}"
    sales_location = rf"LOC{e}162{e}{gln}"
    inv = rf"INV{e}{e}{e}{e}1{t}" if item_type == Edition.EANCOM_2002.item_type else ""
    stock_line = rf"{lin}{inv}QTY{e}145{c}([0-9]{{1,15}}){t}LOC{e}18{e}{gln}"
    split = rf"LOC{e}7{e}{gln}QTY{e}11{c}([0-9]{{1,15}}){t}"
    order_line = rf"{lin}QTY{e}21{c}([0-9]{{1,15}}){t}(?:{price})?"
    response_line = (
        rf"LIN{e}[0-9]{{1,6}}{e}(5|3|7){e}([0-9]{{8,14}}){c}{item_type}{t}"
        rf"(?:QTY{e}21{c}([0-9]{{1,15}}){t})?"
    )
    sscc = rf"GIN{e}BJ{e}([0-9]{{18}}){t}"
    pallet = rf"CPS{e}([0-9]{{1,6}}){e}1{t}PAC{e}1(?:{e}{e}({free}{{1,17}}))?{t}PCI{e}33E{t}{sscc}"
    bare_pallet = rf"CPS{e}([0-9]{{1,6}}){e}1{t}PAC{e}1{t}PCI{e}33E{t}{sscc}"
    code = rf"(?:{e}([0-9]{{1,3}}))?"
    junk = rf"([^{t}]*{t})"  # any other segment: a line pattern failed there
    slsrpt_head = (
        rf"(BGM{e}73E{number}DTM{e}137{c}{day}DTM{e}356{c}([0-9]{{8}})([0-9]{{8}}){c}718{t}"
        rf"NAD{e}SE{e}{gln}NAD{e}SU{e}{gln}{currency})"
    )
    orders_head = (
        rf"(BGM{e}220{number}DTM{e}137{c}{day}DTM{e}2{c}{day}{parties}"
        rf"(?:NAD{e}DP{e}{gln})?{currency})"
    )
    ordrsp_head = (
        rf"BGM{e}231{e}({free}{{1,35}}){e}(29|4|27){t}DTM{e}137{c}{day}"
        rf"((?:FTX{e}AAI{e}{e}{e}{free}{{1,512}}(?:{c}{free}{{1,512}}){{0,4}}{t})*)"
        rf"RFF{e}ON{c}({free}{{1,35}}){t}{parties}"
    )
    desadv_head = (
        rf"BGM{e}351{number}DTM{e}137{c}{day}DTM{e}11{c}{day}(?:DTM{e}17{c}{day})?"
        rf"(?:RFF{e}ON{c}({free}{{1,35}}){t})?NAD{e}SU{e}{gln}NAD{e}BY{e}{gln}"
        rf"NAD{e}DP{e}{gln}CPS{e}1{t}"
    )
    recadv_head = (
        rf"BGM{e}(?:352{c}{c}9|632){number}DTM{e}137{c}{day}DTM{e}50{c}{day}"
        rf"RFF{e}AAK{c}({free}{{1,35}}){t}(?:RFF{e}ON{c}({free}{{1,35}}){t})?"
        rf"{parties}NAD{e}DP{e}{gln}CPS{e}1{t}"
    )
    return {
        # One pass per body: the header is matched at the start, the trailer (UNS, CNT) at the
        # end, and the lines between by ``findall`` with a last alternative catching any other
        # segment ("junk"): the body is canonical exactly when no junk is found.
        "SLSRPT head": re.compile(slsrpt_head, re.ASCII),
        "SLSRPT body": re.compile(rf"{sales_location}|{sales_line}|{junk}", re.ASCII),
        "ORDERS head": re.compile(orders_head, re.ASCII),
        "ORDERS body": re.compile(rf"{order_line}|{split}|{junk}", re.ASCII),
        "ORDRSP head": re.compile(ordrsp_head, re.ASCII),
        "ORDRSP body": re.compile(rf"{response_line}|{junk}", re.ASCII),
        "DESADV head": re.compile(desadv_head, re.ASCII),
        "DESADV body": re.compile(rf"{pallet}|{lin}QTY{e}12{c}([0-9]{{1,15}}){t}|{junk}", re.ASCII),
        "RECADV head": re.compile(recadv_head, re.ASCII),
        "RECADV body": re.compile(
            rf"{bare_pallet}|{lin}QTY{e}48{c}([0-9]{{1,15}}){t}|{junk}", re.ASCII
        ),
        "UNS CNT": re.compile(rf"UNS{e}S{t}CNT{e}2{c}([0-9]{{1,15}}){t}", re.ASCII),
        "CNT": re.compile(rf"CNT{e}2{c}([0-9]{{1,15}}){t}", re.ASCII),
        "CONTRL": re.compile(
            rf"UCI{e}({free}{{1,14}}){e}([0-9]{{13}}){c}14{e}([0-9]{{13}}){c}14{e}([478]){code}{t}"
            rf"(?P<messages>(?:UCM{e}{free}{{1,14}}{e}[A-Z]{{6}}{c}[DS1-4]{c}[0-9A-Za-z]{{1,3}}"
            rf"{c}UN(?:{c}EAN[0-9]{{3}})?{e}[47](?:{e}[0-9]{{1,3}})?{t})*)",
            re.ASCII,
        ),
        "CONTRL messages": re.compile(
            rf"UCM{e}({free}{{1,14}}){e}([A-Z]{{6}}){c}[DS1-4]{c}[0-9A-Za-z]{{1,3}}"
            rf"{c}UN(?:{c}EAN[0-9]{{3}})?{e}([47]){code}{t}",
            re.ASCII,
        ),
        "INVRPT": re.compile(
            rf"(BGM{e}35{number}DTM{e}137{c}{day}DTM{e}366{c}{day}{parties})(?:{stock_line})*",
            re.ASCII,
        ),
        "INVRPT lines": re.compile(stock_line, re.ASCII),
        "INVRPT head": re.compile(
            rf"BGM{e}35{number}DTM{e}137{c}{day}DTM{e}366{c}{day}{parties}", re.ASCII
        ),
    }


_DATES: dict[str, dt.date | None] = {}
"""The dates already read (the same few days fill every message of a run)."""


def _date(text: str) -> dt.date | None:
    if text in _DATES:
        return _DATES[text]
    if len(_DATES) > 10_000:
        _DATES.clear()
    try:
        day: dt.date | None = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        day = None
    _DATES[text] = day
    return day


def _dates(*texts: str) -> list[dt.date] | None:
    days = [_date(text) for text in texts]
    return None if None in days else days  # type: ignore[return-value]


def _bad_glns(*glns: str) -> bool:
    return any(valid_id(gln, "GLN") for gln in glns)


_JUNK = itemgetter(-1)


def _body(
    text: str, head: re.Pattern[str], tail: re.Pattern[str] | None, mark: str
) -> tuple[re.Match[str], int, re.Match[str] | None] | None:
    """The header's match, where the lines end, and the trailer's match (``mark`` starts it).

    ``None`` when the header or trailer is not there; the lines between are checked by the
    caller's ``findall`` (no junk).
    """
    found = head.match(text)
    if found is None:
        return None
    if tail is None:
        return found, len(text), None
    end = text.rfind(mark)
    if end < found.end():
        return None
    trailer = tail.fullmatch(text, end)
    if trailer is None:
        return None
    return found, end, trailer


def _no_junk(found: list[tuple[str, ...]]) -> bool:
    """Whether every segment between header and trailer was a line (see ``_patterns``)."""
    return not any(map(_JUNK, found))


def _text(body: Body, separators: Separators) -> str:
    """The body's text, each segment terminated (a text is taken as it is)."""
    if isinstance(body, str):
        return body
    term = separators.terminator
    return term.join(body) + term


def fast_sales_report(
    body: Body, edition: Edition, message_ref: str, separators: Separators
) -> SalesReport | None:
    """Decode a canonical SLSRPT body (segment texts), or return ``None`` to decline."""
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    parts = _body(text, patterns["SLSRPT head"], None, "")
    if parts is None:
        return None
    match, stop, _ = parts
    number, issued, start, end, seller, supplier, currency = match.groups()[1:8]
    days = _dates(issued, start, end)
    if days is None or days[2] < days[1] or _bad_glns(seller, supplier):
        return None
    known, shared = KNOWN_GTINS, _shared("sales")
    locations: list[SalesLocation] = []
    lines: list[SalesLine] = []
    gln: str | None = None
    entries = patterns["SLSRPT body"].findall(text, match.end(), stop)
    if not entries or not entries[0][0] or not _no_junk(entries):
        return None  # at least one location, first; nothing but locations and lines
    for found in entries:
        line = shared.get(found)
        if line is not None:
            lines.append(line)
            continue
        gln_next, gtin, price, quantity, _ = found
        if gln_next:
            if gln is not None:
                locations.append(SalesLocation(gln=gln, lines=tuple(lines)))
            if valid_id(gln_next, "GLN"):
                return None
            gln, lines = gln_next, []
            continue
        if gtin not in known and valid_id(gtin, "GTIN"):
            return None
        line = shared[found] = SalesLine(
            gtin=gtin,
            quantity=int(quantity),
            price=Decimal(price.replace(",", ".")) if price else None,
        )
        lines.append(line)
    if gln is None:
        return None
    locations.append(SalesLocation(gln=gln, lines=tuple(lines)))
    return SalesReport(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        period_start=days[1],
        period_end=days[2],
        seller=seller,
        supplier=supplier,
        locations=tuple(locations),
        currency=currency,
    )


def fast_inventory_report(
    body: Body, edition: Edition, message_ref: str, separators: Separators
) -> InventoryReport | None:
    """Decode a canonical INVRPT body (segment texts), or return ``None`` to decline."""
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    match = patterns["INVRPT"].fullmatch(text)
    if match is None:
        return None
    number, issued, stock_date, buyer, supplier = match.groups()[1:6]
    days = _dates(issued, stock_date)
    if days is None or _bad_glns(buyer, supplier):
        return None
    known, shared = KNOWN_GTINS, _shared("stock")
    by_location: dict[str, list[InventoryLine]] = {}
    for gtin, quantity, gln in patterns["INVRPT lines"].findall(text, match.end(1)):
        key = (gtin, quantity)
        line = shared.get(key)
        if line is None:
            if gtin not in known and valid_id(gtin, "GTIN"):
                return None
            line = shared[key] = InventoryLine(gtin=gtin, quantity=int(quantity))
        lines = by_location.get(gln)
        if lines is None:
            if valid_id(gln, "GLN"):
                return None
            lines = by_location[gln] = []
        lines.append(line)
    return InventoryReport(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        stock_date=days[1],
        buyer=buyer,
        supplier=supplier,
        locations=tuple(
            StockLocation(gln=gln, lines=tuple(lines)) for gln, lines in by_location.items()
        ),
    )


def fast_order(
    body: Body, edition: Edition, message_ref: str, separators: Separators
) -> Order | None:
    """Decode a canonical ORDERS body (segment texts, no notes), or return ``None``."""
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    e, c, t = separators.element, separators.component, separators.terminator
    parts = _body(text, patterns["ORDERS head"], patterns["UNS CNT"], f"UNS{e}S{t}CNT{e}2{c}")
    if parts is None:
        return None
    match, stop, trailer = parts
    assert trailer is not None
    number, issued, delivery, buyer, supplier, platform, currency = match.groups()[1:8]
    days = _dates(issued, delivery)
    if days is None or _bad_glns(buyer, supplier, *([platform] if platform else [])):
        return None
    known, shared = KNOWN_GTINS, _shared("split")
    lines: list[OrderLine] = []
    gtin = price = ""
    quantity = 0
    splits: list[StoreSplit] = []

    def close() -> bool:
        if splits and sum(split.quantity for split in splits) != quantity:
            return False
        lines.append(
            OrderLine(
                gtin=gtin,
                quantity=quantity,
                price=Decimal(price.replace(",", ".")) if price else None,
                splits=tuple(splits),
            )
        )
        return True

    found = patterns["ORDERS body"].findall(text, match.end(), stop)
    if not _no_junk(found) or (found and not found[0][0]):
        return None  # nothing but lines and their splits, a line first
    for gtin_next, ordered, price_next, store, split_quantity, _ in found:
        if gtin_next:
            if gtin and not close():
                return None
            if gtin_next not in known and valid_id(gtin_next, "GTIN"):
                return None
            gtin, quantity, price, splits = gtin_next, int(ordered), price_next, []
            continue
        key = (store, split_quantity)
        split = shared.get(key)
        if split is None:
            if valid_id(store, "GLN"):
                return None
            split = shared[key] = StoreSplit(store=store, quantity=int(split_quantity))
        splits.append(split)
    if gtin and not close():
        return None
    if int(trailer.group(1)) != len(lines):
        return None
    return Order(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        delivery_date=days[1],
        buyer=buyer,
        supplier=supplier,
        lines=tuple(lines),
        delivery_party=platform,
        currency=currency,
    )


_STATUSES = {status.value: status for status in LineStatus}
_RESPONSES = {response.value: response for response in ResponseType}


def fast_response(
    body: Body, edition: Edition, message_ref: str, separators: Separators
) -> OrderResponse | None:
    """Decode a canonical ORDRSP body (FTX+AAI notes allowed), or ``None`` to decline."""
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    e, c, t = separators.element, separators.component, separators.terminator
    parts = _body(text, patterns["ORDRSP head"], patterns["UNS CNT"], f"UNS{e}S{t}CNT{e}2{c}")
    if parts is None:
        return None
    match, stop, trailer = parts
    assert trailer is not None
    number, response, issued, texts, order_number, buyer, supplier = match.groups()[:7]
    day = _date(issued)
    if day is None or _bad_glns(buyer, supplier):
        return None
    known, shared = KNOWN_GTINS, _shared("response")
    lines = []
    found = patterns["ORDRSP body"].findall(text, match.end(), stop)
    if not _no_junk(found):
        return None
    for key in found:
        line = shared.get(key)
        if line is None:
            status, gtin, quantity, _ = key
            if gtin not in known and valid_id(gtin, "GTIN"):
                return None
            if status == "3" and not quantity:
                return None  # a changed line without its quantity: the general decoder says so
            line = shared[key] = ResponseLine(
                gtin=gtin, status=_STATUSES[status], quantity=int(quantity) if quantity else None
            )
        lines.append(line)
    if int(trailer.group(1)) != len(lines):
        return None
    return OrderResponse(
        message_ref=message_ref,
        number=number,
        response=_RESPONSES[response],
        issued=day,
        order_number=order_number,
        buyer=buyer,
        supplier=supplier,
        lines=tuple(lines),
        notes=_notes(texts, separators) if texts else (),
    )


def _notes(texts: str, separators: Separators) -> tuple[str, ...]:
    """The FTX+AAI notes of a canonical header (its text components joined)."""
    e, c, t = separators.element, separators.component, separators.terminator
    start = f"FTX{e}AAI{e}{e}{e}"
    return tuple(segment[len(start) :].replace(c, "") for segment in texts.split(t)[:-1])


def _pallets(
    text: str, pattern: re.Pattern[str], start: int, end: int, typed: bool
) -> list[tuple[str, str, list[Any]]] | None:
    """The pallets of a canonical DESADV / RECADV: (SSCC, package type, lines), or None."""
    known = KNOWN_GTINS
    shared = _shared("despatch" if typed else "received")
    make = DespatchLine if typed else ReceivedLine
    pallets: list[tuple[str, str, list[Any]]] = []
    level = 1
    entries = pattern.findall(text, start, end)
    if not _no_junk(entries):
        return None
    for found in entries:
        if found[0]:
            level += 1
            if int(found[0]) != level:
                return None  # levels as the encoder numbers them, or the general decoder
            sscc = found[2] if typed else found[1]
            if valid_id(sscc, "SSCC"):
                return None
            pallets.append((sscc, (found[1] or "201") if typed else "201", []))
            continue
        if not pallets:
            return None
        line = shared.get(found)
        if line is None:
            gtin, quantity = found[-3], found[-2]
            if gtin not in known and valid_id(gtin, "GTIN"):
                return None
            line = shared[found] = make(gtin=gtin, quantity=int(quantity))
        pallets[-1][2].append(line)
    return pallets


def fast_despatch_advice(
    body: Body, edition: Edition, message_ref: str, separators: Separators
) -> DespatchAdvice | None:
    """Decode a canonical DESADV body, or return ``None`` to decline."""
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    e, c = separators.element, separators.component
    parts = _body(text, patterns["DESADV head"], patterns["CNT"], f"CNT{e}2{c}")
    if parts is None:
        return None
    match, stop, trailer = parts
    assert trailer is not None
    number, issued, despatched, arrival, order, supplier, buyer, platform = match.groups()[:8]
    days = _dates(issued, despatched, *([arrival] if arrival else []))
    if days is None or _bad_glns(supplier, buyer, platform):
        return None
    pallets = _pallets(text, patterns["DESADV body"], match.end(), stop, True)
    if pallets is None or int(trailer.group(1)) != sum(len(p[2]) for p in pallets):
        return None
    return DespatchAdvice(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        despatch_date=days[1],
        supplier=supplier,
        buyer=buyer,
        delivery_party=platform,
        pallets=tuple(
            Pallet(
                sscc=sscc,
                package_type=package_type,
                lines=tuple(content),
            )
            for sscc, package_type, content in pallets
        ),
        order_number=order or None,
        delivery_date=days[2] if arrival else None,
    )


def fast_receiving_advice(
    body: Body, edition: Edition, message_ref: str, separators: Separators
) -> ReceivingAdvice | None:
    """Decode a canonical RECADV body, or return ``None`` to decline."""
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    e, c = separators.element, separators.component
    parts = _body(text, patterns["RECADV head"], patterns["CNT"], f"CNT{e}2{c}")
    if parts is None:
        return None
    match, stop, trailer = parts
    assert trailer is not None
    number, issued, received, despatch, order, buyer, supplier, platform = match.groups()[:8]
    days = _dates(issued, received)
    if days is None or _bad_glns(buyer, supplier, platform):
        return None
    pallets = _pallets(text, patterns["RECADV body"], match.end(), stop, False)
    if pallets is None or int(trailer.group(1)) != sum(len(p[2]) for p in pallets):
        return None
    return ReceivingAdvice(
        message_ref=message_ref,
        number=number,
        issued=days[0],
        received=days[1],
        despatch_number=despatch,
        buyer=buyer,
        supplier=supplier,
        delivery_party=platform,
        pallets=tuple(
            ReceivedPallet(sscc=sscc, lines=tuple(content)) for sscc, _, content in pallets
        ),
        order_number=order or None,
    )


_ACTIONS = {action.value: action for action in SyntaxAction}


def fast_contrl(
    body: Body, edition: Edition, message_ref: str, separators: Separators
) -> ContrlReport | None:
    """Decode a canonical CONTRL body (UCI, then UCM per message answered), or ``None``."""
    patterns = _patterns(separators, edition.item_type)
    text = _text(body, separators)
    match = patterns["CONTRL"].fullmatch(text)
    if match is None:
        return None
    interchange_ref, sender, recipient, action, error = match.groups()[:5]
    if _bad_glns(sender, recipient):
        return None
    found = patterns["CONTRL messages"].findall(text, match.start("messages"))
    return ContrlReport(
        message_ref=message_ref,
        interchange_ref=interchange_ref,
        sender=sender,
        recipient=recipient,
        action=_ACTIONS[action],
        error=error or None,
        messages=tuple(
            MessageAck(
                message_ref=ref,
                message_type=kind,
                action=_ACTIONS[ack],
                error=code or None,
            )
            for ref, kind, ack, code in found
        ),
    )
