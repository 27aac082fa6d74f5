"""Fast lane: decode large messages written the canonical way with a few regular expressions.

Daily sales reports are by far the largest messages (one line per store and item). When a
SLSRPT body is exactly in the canonical form crossdock's encoder writes — the segments and
qualifiers of the general decoder's happy path, without escapes, optional extras or decimal
quantities — one ``fullmatch`` checks its whole structure and ``finditer`` pulls out the
locations and lines, in C. Identifiers are still checked (check digits, cached per value) and
dates still validated. Anything else, including every file with an error, returns ``None`` and
goes through the general decoder, which accepts all valid variants and locates problems; so
the fast lane changes speed, never results. Tests decode every fixture both ways and compare.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

from crossdock.edi._elements import KNOWN_GTINS, valid_id
from crossdock.edi._model import Edition, SalesLine, SalesLocation, SalesReport
from crossdock.edi._syntax import Separators

__all__ = ["fast_sales_report"]


@lru_cache(maxsize=16)
def _patterns(separators: Separators, item_type: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    e = re.escape(separators.element)
    c = re.escape(separators.component)
    t = re.escape(separators.terminator)
    free = f"[^{e}{c}{t}{re.escape(separators.release)}]"
    gln = rf"([0-9]{{13}}){c}{c}9{t}"
    day = rf"([0-9]{{8}}){c}102{t}"
    header = (
        rf"BGM{e}73E{e}({free}{{1,35}})(?:{e}9)?{t}"
        rf"DTM{e}137{c}{day}DTM{e}90{c}{day}DTM{e}91{c}{day}"
        rf"NAD{e}BY{e}{gln}NAD{e}SU{e}{gln}"
        rf"(?:CUX{e}2{c}([A-Z]{{3}}){c}9{t})?"
    )
    loc = rf"LOC{e}162{e}{gln}"
    line = (
        rf"LIN{e}[0-9]{{1,6}}{e}{e}([0-9]{{8,14}}){c}{item_type}{t}"
        rf"(?:PRI{e}AAA{c}(-?[0-9]{{1,15}}(?:[.,][0-9]{{1,15}})?){t})?"
        rf"QTY{e}153{c}([0-9]{{1,15}}){t}"
    )
    whole = re.compile(rf"({header})(?:{loc}(?:{line})*)+", re.ASCII)
    detail = re.compile(rf"{loc}|{line}", re.ASCII)
    return whole, detail


def _date(text: str) -> dt.date | None:
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def fast_sales_report(
    body: list[str], edition: Edition, message_ref: str, separators: Separators
) -> SalesReport | None:
    """Decode a canonical SLSRPT body (segment texts), or return ``None`` to decline."""
    term = separators.terminator
    text = term.join(body) + term
    whole, detail = _patterns(separators, edition.item_type)
    match = whole.fullmatch(text)
    if match is None:
        return None
    number, issued, start, end, buyer, supplier, currency = match.groups()[1:8]
    days = [_date(issued), _date(start), _date(end)]
    if None in days or valid_id(buyer, "GLN") or valid_id(supplier, "GLN"):
        return None
    known = KNOWN_GTINS
    locations: list[SalesLocation] = []
    lines: list[SalesLine] = []
    gln: str | None = None
    for gln_next, gtin, price, quantity in detail.findall(text, match.end(1)):
        if gln_next:
            if gln is not None:
                locations.append(SalesLocation(gln=gln, lines=tuple(lines)))
            if valid_id(gln_next, "GLN"):
                return None
            gln, lines = gln_next, []
            continue
        if gtin not in known and valid_id(gtin, "GTIN"):
            return None
        lines.append(
            SalesLine(
                gtin=gtin,
                quantity=int(quantity),
                price=Decimal(price.replace(",", ".")) if price else None,
            )
        )
    if gln is None:
        return None
    locations.append(SalesLocation(gln=gln, lines=tuple(lines)))
    return SalesReport(
        message_ref=message_ref,
        number=number,
        issued=days[0],  # type: ignore[arg-type]
        period_start=days[1],  # type: ignore[arg-type]
        period_end=days[2],  # type: ignore[arg-type]
        buyer=buyer,
        supplier=supplier,
        locations=tuple(locations),
        currency=currency,
    )
