"""Typed reading and writing of data elements: identifiers, numbers, dates, codes, text.

Readers take the :class:`~crossdock.edi._errors.Reporter`, the segment number and the raw
segment, and the element and component index (both from 1, as in error messages). When a
value is wrong they report a located error and raise ``_Stop`` so the message is abandoned
(lenient mode then goes on with the next message).

GTIN, GLN and SSCC check digits are computed once per distinct value and remembered, so that
validating every line of a large report costs a set lookup for items already seen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from decimal import Decimal

from crossdock.edi._errors import Reporter, _Stop
from crossdock.edi._model import Quantity
from crossdock.edi._syntax import RawSegment
from crossdock.errors import EdiError

__all__ = [
    "component",
    "format_date",
    "format_number",
    "read_code",
    "read_date",
    "read_id",
    "read_number",
    "read_period",
    "read_text",
    "valid_glns",
    "valid_id",
]

_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?|-?[.,][0-9]+", re.ASCII)
_KNOWN_GOOD: dict[int, set[str]] = {8: set(), 12: set(), 13: set(), 14: set(), 18: set()}
_KINDS = {"GTIN": (8, 12, 13, 14), "GLN": (13,), "SSCC": (18,)}
_MAX_CACHE = 250_000
KNOWN_GTINS: set[str] = set()
"""GTINs already found valid (any length): a fast path for the hottest check."""


def _check_digit(body: str) -> int:
    """The GS1 mod-10 check digit of a body of ASCII digits (weights 3, 1, 3... from the right)."""
    digits = body.encode("ascii")
    odd, even = digits[-1::-2], digits[-2::-2]  # sums of bytes run in C
    total = 3 * (sum(odd) - 48 * len(odd)) + sum(even) - 48 * len(even)
    return (10 - total % 10) % 10


def valid_id(value: str, kind: str) -> str | None:
    """Why ``value`` is not a valid GTIN, GLN or SSCC (``kind``), or ``None`` if it is."""
    lengths = _KINDS[kind]
    length = len(value)
    if length in lengths and value in _KNOWN_GOOD[length]:
        return None
    if not value:
        return f"{kind} is missing"
    if not (value.isascii() and value.isdigit()):
        return f"{kind} '{value}' must contain digits only"
    if length not in lengths:
        expected = " or ".join(str(n) for n in lengths)
        return f"{kind} '{value}' must have {expected} digits, not {length}"
    expected_digit = _check_digit(value[:-1])
    if ord(value[-1]) - 48 != expected_digit:
        return f"{kind} '{value}' has check digit {value[-1]}, expected {expected_digit}"
    good = _KNOWN_GOOD[length]
    if len(good) < _MAX_CACHE:
        good.add(value)
        if kind == "GTIN":
            KNOWN_GTINS.add(value)
    return None


def valid_glns(*glns: str) -> bool:
    """Whether each of ``glns`` is a valid GLN (one set lookup when all were seen before)."""
    return _KNOWN_GOOD[13].issuperset(glns) or not any(valid_id(gln, "GLN") for gln in glns)


def component(segment: RawSegment, element: int, position: int = 1) -> str:
    """Return the component at ``element``.``position`` (from 1), or ``""`` if absent."""
    if element < len(segment):
        parts = segment[element]
        if position <= len(parts):
            return parts[position - 1]
    return ""


def read_id(
    rep: Reporter, number: int, segment: RawSegment, element: int, position: int, kind: str
) -> str:
    """Read a GTIN, GLN or SSCC and check its length and check digit."""
    value = component(segment, element, position)
    problem = valid_id(value, kind)
    if problem:
        rep.error(problem, number, segment[0][0], element, position)
        raise _Stop
    return value


def read_number(
    rep: Reporter, number: int, segment: RawSegment, element: int, position: int
) -> Quantity:
    """Read a numeric value: ``int`` when whole, ``Decimal`` otherwise; ``,`` or ``.`` mark."""
    value = component(segment, element, position)
    if len(value) > 40:  # longer than any numeric element (n..35 and a sign and mark)
        rep.error(f"{len(value)} characters is too long for a number", number, segment[0][0],
                  element, position)  # fmt: skip
        raise _Stop
    if value.isascii() and value.isdigit():
        return int(value)
    if not value:
        rep.error("number is missing", number, segment[0][0], element, position)
        raise _Stop
    if _NUMBER.fullmatch(value) is None:
        rep.error(f"{value!r} is not a number", number, segment[0][0], element, position)
        raise _Stop
    if value.lstrip("-").isdigit():
        return int(value)
    return Decimal(value.replace(",", "."))


def read_code(
    rep: Reporter,
    number: int,
    segment: RawSegment,
    element: int,
    position: int,
    allowed: Collection[str],
    what: str,
) -> str:
    """Read a code and check it is one of ``allowed`` (``what`` names it in errors)."""
    value = component(segment, element, position)
    if value not in allowed:
        expected = ", ".join(sorted(code or "nothing" for code in allowed))
        shown = repr(value) if value else "nothing"
        rep.error(
            f"unknown {what} {shown}, expected {expected}",
            number,
            segment[0][0],
            element,
            position,
        )
        raise _Stop
    return value


def read_text(
    rep: Reporter,
    number: int,
    segment: RawSegment,
    element: int,
    position: int,
    what: str,
    longest: int = 35,
) -> str:
    """Read a mandatory alphanumeric value of at most ``longest`` characters."""
    value = component(segment, element, position)
    if not value:
        rep.error(f"{what} is missing", number, segment[0][0], element, position)
        raise _Stop
    if len(value) > longest:
        rep.error(
            f"{what} {value!r} is longer than {longest} characters",
            number,
            segment[0][0],
            element,
            position,
        )
        raise _Stop
    return value


def read_date(rep: Reporter, number: int, segment: RawSegment) -> dt.date:
    """Read the date of a DTM segment, format 102 (``CCYYMMDD``) or 203 (date part kept)."""
    value = component(segment, 1, 2)
    form = component(segment, 1, 3)
    if form not in ("102", "203"):
        rep.error(
            f"unknown date format {form or 'nothing'!r}, expected 102 or 203",
            number,
            "DTM",
            1,
            3,
        )
        raise _Stop
    size = 8 if form == "102" else 12
    if len(value) != size or not (value.isascii() and value.isdigit()):
        rep.error(f"{value!r} is not a date in format {form}", number, "DTM", 1, 2)
        raise _Stop
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        rep.error(f"{value!r} is not a calendar date", number, "DTM", 1, 2)
        raise _Stop from None


def read_period(rep: Reporter, number: int, segment: RawSegment) -> tuple[dt.date, dt.date]:
    """Read the period of a DTM segment in format 718 (``CCYYMMDDCCYYMMDD``), first day first."""
    value = component(segment, 1, 2)
    form = component(segment, 1, 3)
    if form != "718":
        rep.error(f"unknown period format {form or 'nothing'!r}, expected 718", number, "DTM", 1, 3)
        raise _Stop
    try:
        if len(value) != 16 or not (value.isascii() and value.isdigit()):
            raise ValueError
        first = dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        last = dt.date(int(value[8:12]), int(value[12:14]), int(value[14:]))
    except ValueError:
        rep.error(f"{value!r} is not a period CCYYMMDDCCYYMMDD", number, "DTM", 1, 2)
        raise _Stop from None
    if last < first:
        rep.error(f"period {value!r} ends before it starts", number, "DTM", 1, 2)
        raise _Stop
    return first, last


def format_date(day: dt.date) -> str:
    """Format a date as ``CCYYMMDD`` (DTM format 102)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def format_number(value: Quantity, decimal_mark: str) -> str:
    """Format a number as EDIFACT does: no exponent, no thousands separator, ``-`` first."""
    if type(value) is int:
        if not -(10**15) < value < 10**15:
            raise EdiError(f"number {value} has more than 15 digits (n..15)")
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise EdiError(f"number {value} is not finite")
        text = format(value, "f")
        if sum(char.isdigit() for char in text) > 15:
            raise EdiError(f"number {text} has more than 15 digits (n..15)")
        return text.replace(".", decimal_mark) if decimal_mark != "." else text
    raise EdiError(f"{value!r} is not an int or a Decimal")
