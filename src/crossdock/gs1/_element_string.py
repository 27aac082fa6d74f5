"""Parse GS1-128 element strings for the application identifiers crossdock uses.

A GS1-128 barcode carries *element strings*: an application identifier (AI) followed by its
value. crossdock reads five of them, the ones printed on a pallet label or a case:

====  ======================  ==========================================
AI    field                   format
====  ======================  ==========================================
00    SSCC                    18 digits, GS1 check digit
01    GTIN                    14 digits, GS1 check digit
10    batch or lot number     up to 20 characters, ends with FNC1
17    expiry date             YYMMDD; day ``00`` means the month's last day
37    count of trade items    up to 8 digits, ends with FNC1
====  ======================  ==========================================

Two spellings are accepted: the human-readable one with parentheses,
``(00)354123450000000014(37)12``, and the scanned one where variable-length values end
with the FNC1 character
(ASCII 29, the group separator). python-stdnum's ``gs1_128`` knows every AI but does not
check an SSCC's check digit, returns untyped dictionaries and raises one generic error; this
module adds a typed result and errors that name the AI and the problem, and is tested against
stdnum on the values both accept.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from crossdock.errors import IdentifierError
from crossdock.gs1._identifiers import validate_gtin, validate_sscc

__all__ = ["FNC1", "ElementString", "parse_element_string"]

FNC1 = "\x1d"
"""The function code 1 separator as a scanner transmits it (ASCII 29, group separator)."""

# AI -> (field name, fixed length or None, maximum length)
_AIS: dict[str, tuple[str, int | None, int]] = {
    "00": ("sscc", 18, 18),
    "01": ("gtin", 14, 14),
    "10": ("batch", None, 20),
    "17": ("expiry", 6, 6),
    "37": ("count", None, 8),
}

# GS1 General Specifications, figure 7.11-1 ("invariant" subset of ISO 646 used by AI 10).
_CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)


@dataclass(frozen=True, slots=True)
class ElementString:
    """The values read from one GS1-128 barcode; absent AIs are ``None``."""

    sscc: str | None = None
    """AI 00: serial shipping container code of a pallet or roll cage (18 digits)."""
    gtin: str | None = None
    """AI 01: GTIN of the trade item, as the 14 digits printed (leading zeros kept)."""
    batch: str | None = None
    """AI 10: batch or lot number."""
    expiry: dt.date | None = None
    """AI 17: expiry date."""
    count: int | None = None
    """AI 37: number of trade items contained in a logistic unit."""


def _expiry(value: str) -> dt.date:
    if len(value) != 6 or not value.isdigit():
        raise IdentifierError(f"AI 17 (expiry) '{value}' must be 6 digits YYMMDD")
    year, month, day = 2000 + int(value[:2]), int(value[2:4]), int(value[4:])
    # GS1 General Specifications 7.12: a two-digit year more than 49 years ahead is last century.
    if year - dt.date.today().year > 49:
        year -= 100
    if not 1 <= month <= 12:
        raise IdentifierError(f"AI 17 (expiry) '{value}' has month {month:02d}, not 01-12")
    if day == 0:
        day = calendar.monthrange(year, month)[1]
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise IdentifierError(f"AI 17 (expiry) '{value}' is not a calendar date") from None


def _split(text: str) -> list[tuple[str, str]]:
    """Split an element string into (AI, value) pairs, in either spelling."""
    pairs: list[tuple[str, str]] = []
    if text.startswith("("):
        for chunk in text[1:].split("("):
            ai, sep, value = chunk.partition(")")
            if not sep:
                raise IdentifierError(f"element string '{text}' has '(' without ')'")
            pairs.append((ai, value))
        return pairs
    rest = text.removeprefix(FNC1)
    while rest:
        ai = rest[:2]
        if ai not in _AIS:
            raise IdentifierError(f"element string '{text}' has unsupported AI '{ai}'")
        _, fixed, longest = _AIS[ai]
        rest = rest[2:]
        if fixed is not None:
            value, rest = rest[:fixed], rest[fixed:]
        else:
            end = rest.find(FNC1)
            end = len(rest) if end < 0 else end
            if end > longest:
                raise IdentifierError(
                    f"AI {ai} value '{rest[:end]}' is longer than {longest} characters "
                    "(missing FNC1 separator?)"
                )
            value, rest = rest[:end], rest[end:]
        pairs.append((ai, value))
        rest = rest.removeprefix(FNC1)
    return pairs


def parse_element_string(text: str) -> ElementString:
    """Parse a GS1-128 element string for AIs 00, 01, 10, 17 and 37.

    >>> parse_element_string("(00)354123450000000014(37)12").count
    12
    """
    if not text:
        raise IdentifierError("element string is empty")
    found: dict[str, object] = {}
    for ai, value in _split(text):
        if ai not in _AIS:
            raise IdentifierError(f"element string '{text}' has unsupported AI '{ai}'")
        name, fixed, longest = _AIS[ai]
        if name in found:
            raise IdentifierError(f"element string '{text}' repeats AI {ai}")
        if fixed is not None and len(value) != fixed:
            raise IdentifierError(f"AI {ai} ({name}) '{value}' must have {fixed} characters")
        if not value or len(value) > longest:
            raise IdentifierError(f"AI {ai} ({name}) '{value}' must have 1-{longest} characters")
        if ai == "00":
            found[name] = validate_sscc(value)
        elif ai == "01":
            found[name] = validate_gtin(value)
        elif ai == "10":
            bad = sorted(set(value) - _CSET82)
            if bad:
                raise IdentifierError(f"AI 10 (batch) '{value}' has invalid characters {bad}")
            found[name] = value
        elif ai == "17":
            found[name] = _expiry(value)
        else:
            if not value.isdigit():
                raise IdentifierError(f"AI 37 (count) '{value}' must contain digits only")
            found[name] = int(value)
    return ElementString(**found)  # type: ignore[arg-type]
