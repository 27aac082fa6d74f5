"""Segments every message shares: BGM, DTM, FTX, RFF, NAD, CUX, LIN, QTY, CNT; and the writer.

Decoding helpers read one kind of segment from a parsed group occurrence
(:data:`~crossdock.edi._structure.Node`) and check its qualifiers; the :class:`Writer` builds
segments as text, escaping free text and never writing trailing empty elements or components.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal

from crossdock.edi._codes import DATES, FREE_TEXT, PARTIES, QUANTITIES, REFERENCES
from crossdock.edi._elements import (
    component,
    format_date,
    format_number,
    read_code,
    read_date,
    read_id,
    read_number,
    read_text,
    valid_id,
)
from crossdock.edi._errors import Reporter, _Stop
from crossdock.edi._model import Edition, Quantity
from crossdock.edi._structure import Node
from crossdock.edi._syntax import RawSegment, Syntax
from crossdock.errors import EdiError

__all__ = [
    "LIMIT",
    "NUMBERS",
    "LineHeads",
    "Writer",
    "date_of",
    "header_dates",
    "line_numbers",
    "read_bgm",
    "read_cnt",
    "read_currency",
    "read_lin",
    "read_notes",
    "read_parties",
    "read_price",
    "read_qty",
    "read_refs",
    "require_parties",
]

Located = tuple[int, RawSegment]
Located0 = tuple[int | None, str | None]
"""Where to report something missing: a segment number and tag (or ``None``)."""
LIMIT = 10**15
"""Whole quantities written without a check in the hot loops lie strictly within ±LIMIT
(n..15); anything else goes through :meth:`Writer.number`, which names the bad field."""
NUMBERS = tuple(str(n) for n in range(10_000))
"""``str(n)`` for small ``n``: line numbers and most quantities, looked up instead of
formatted in the hot loops."""


class LineHeads(dict[str, str]):
    """Identifier -> a text around it, e.g. a line from its GTIN on (:meth:`Writer.line_heads`)."""

    __slots__ = ("after", "before", "kind")

    def __init__(self, kind: str, before: str, after: str) -> None:
        super().__init__()
        self.kind = kind
        self.before = before
        self.after = after


_TERMINATED: dict[str, tuple[str, ...]] = {}
"""``str(n) + terminator`` for small ``n``, per segment terminator: see
:meth:`Writer.terminated_numbers`."""
_HEADS: dict[tuple[str, str, str], LineHeads] = {}
"""The line texts per text around the GTIN: see :meth:`Writer.line_heads`."""
_MAX_HEADS = 100_000
_MAX_TEXTS = 50_000
_DAYS: dict[dt.date, str] = {}
"""``CCYYMMDD`` per date already written (dates repeat from message to message)."""


class _Caches:
    """What the writers of one :class:`Syntax` remember from message to message."""

    __slots__ = ("nads", "texts")

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        """Free values already checked, escaped: see :meth:`Writer.text`."""
        self.nads: dict[str, LineHeads] = {}
        """NAD segments by party qualifier, then GLN: see :meth:`Writer.nad`."""


_CACHES: dict[Syntax, _Caches] = {}
_PRICES = ("AAA", "AAB", "AAE", "AAF", "AAH", "AAQ", "CAL", "INF", "NTP")
FTX_CHUNK = {Edition.EANCOM_97: 70, Edition.EANCOM_2002: 512}
"""Length of one free-text component (data element 4440) in each edition; FTX has five."""


# --- reading ---------------------------------------------------------------------------


def read_bgm(rep: Reporter, node: Node, codes: Collection[str]) -> tuple[str, str, str]:
    """Document name code, document number and message function code of BGM."""
    number, segment = node["BGM"][0]
    name = read_code(rep, number, segment, 1, 1, codes, "document name code")
    doc = read_text(rep, number, segment, 2, 1, "document number")
    function = component(segment, 3, 1)
    return name, doc, function


def header_dates(rep: Reporter, located: Sequence[Located], kind: str) -> dict[str, Located]:
    """The header DTM segments by qualifier, each checked against the message's code list.

    DTM+137 (document date) is mandatory in every EANCOM message and is checked here; the
    other dates are read by the message's mapping with :func:`date_of`.
    """
    dates: dict[str, Located] = {}
    allowed = DATES[kind]
    for number, segment in located:
        qualifier = read_code(rep, number, segment, 1, 1, allowed, "date qualifier")
        if qualifier in dates:
            rep.error(f"DTM+{qualifier} is given twice", number, "DTM", 1, 1)
            raise _Stop
        dates[qualifier] = (number, segment)
    if "137" not in dates:
        at = located[-1][0] if located else None
        rep.error("mandatory date DTM+137 (document date) is missing", at, "DTM")
        raise _Stop
    return dates


def date_of(rep: Reporter, dates: dict[str, Located], *qualifiers: str) -> dt.date | None:
    """The date of the first of ``qualifiers`` given (format 102 or 203), or ``None``."""
    for qualifier in qualifiers:
        found = dates.get(qualifier)
        if found is not None:
            return read_date(rep, *found)
    return None


def read_parties(
    rep: Reporter,
    groups: Sequence[Node],
    kind: str,
    mapped: Collection[str],
) -> dict[str, tuple[str, int]]:
    """The NAD parties the mapping uses: qualifier -> (GLN, segment number).

    Every qualifier is checked against the message's code list. A party the mapping uses must
    be identified by a GLN (code list agency 9) and be given once; any other party is kept
    as it is (name and address alone are fine), its GLN checked when it gives one.
    """
    parties: dict[str, tuple[str, int]] = {}
    allowed = PARTIES[kind]
    for group in groups:
        number, segment = group["NAD"][0]
        qualifier = read_code(rep, number, segment, 1, 1, allowed, "party qualifier")
        if qualifier not in mapped:
            if component(segment, 2, 3) == "9" and component(segment, 2, 1):
                read_id(rep, number, segment, 2, 1, "GLN")
            continue
        if qualifier in parties:
            rep.error(f"NAD+{qualifier} is given twice", number, "NAD", 1, 1)
            raise _Stop
        gln = read_id(rep, number, segment, 2, 1, "GLN")
        read_code(rep, number, segment, 2, 3, ("9",), "code list agency for a GLN")
        parties[qualifier] = (gln, number)
    return parties


def require_parties(
    rep: Reporter, parties: dict[str, tuple[str, int]], required: Sequence[str], end: Located0
) -> None:
    """Report the first of ``required`` parties that is missing (an EANCOM error)."""
    for qualifier in required:
        if qualifier not in parties:
            rep.error(f"mandatory party NAD+{qualifier} is missing", *end)
            raise _Stop


def read_refs(rep: Reporter, groups: Sequence[Node], kind: str) -> dict[str, str]:
    """Read the RFF references of the header (qualifier -> first reference number)."""
    refs: dict[str, str] = {}
    allowed = REFERENCES[kind]
    for group in groups:
        number, segment = group["RFF"][0]
        qualifier = read_code(rep, number, segment, 1, 1, allowed, "reference qualifier")
        value = read_text(rep, number, segment, 1, 2, "reference number", 70)
        refs.setdefault(qualifier, value)
    return refs


def read_currency(rep: Reporter, groups: Sequence[Node]) -> str | None:
    """Read the currency of CUX+2 (reference currency), if given."""
    for group in groups:
        number, segment = group["CUX"][0]
        usage = read_code(rep, number, segment, 1, 1, ("2", "3", "9", "10", "11"), "currency usage")
        if usage != "2":
            continue
        currency = read_text(rep, number, segment, 1, 2, "currency", 3)
        if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            rep.error(f"currency {currency!r} is not an ISO 4217 code", number, "CUX", 1, 2)
            raise _Stop
        return currency
    return None


def read_notes(rep: Reporter, located: Sequence[Located]) -> tuple[str, ...]:
    """Read the FTX free texts; those with subject AAI (general information) are the notes."""
    notes = []
    for number, segment in located:
        subject = read_code(rep, number, segment, 1, 1, FREE_TEXT, "text subject qualifier")
        parts = segment[4] if len(segment) > 4 else []
        text = "".join(parts)
        if not text and not component(segment, 3, 1):
            rep.error("free text is missing (neither text nor coded text)", number, "FTX", 4, 1)
            raise _Stop
        if subject == "AAI" and text:
            notes.append(text)
    return tuple(notes)


def read_lin(
    rep: Reporter, located: Located, item_type: str, actions: Collection[str] = ("",)
) -> tuple[str, str]:
    """Read the GTIN and action code of a LIN segment, checking the item number type."""
    number, segment = located
    line = component(segment, 1, 1)
    if not (line.isascii() and line.isdigit()):
        rep.error(f"line number {line!r} is not a number", number, "LIN", 1, 1)
        raise _Stop
    action = read_code(rep, number, segment, 2, 1, actions, "action code") if actions else ""
    gtin = read_id(rep, number, segment, 3, 1, "GTIN")
    found = component(segment, 3, 2)
    if found != item_type:
        rep.error(
            f"item number type {found!r} is not {item_type!r} (GTIN in this edition)",
            number,
            "LIN",
            3,
            2,
        )
        raise _Stop
    return gtin, action


def read_qty(
    rep: Reporter, located: Sequence[Located], qualifier: str, owner: Located | None = None
) -> Quantity:
    """Read the quantity of the one QTY segment with ``qualifier`` among ``located``.

    ``owner`` is the group's trigger segment, where a missing quantity is reported.
    """
    found: Quantity | None = None
    for number, segment in located:
        seen = component(segment, 1, 1)
        if seen not in QUANTITIES:
            shown = repr(seen) if seen else "nothing"
            rep.error(
                f"unknown quantity qualifier {shown} (not an EANCOM code)", number, "QTY", 1, 1
            )
            raise _Stop
        if seen == qualifier:
            if found is not None:
                rep.error(f"QTY+{qualifier} is given twice", number, "QTY", 1, 1)
                raise _Stop
            found = read_number(rep, number, segment, 1, 2)
    if found is None:
        at, tag = (owner[0], owner[1][0][0]) if owner else (None, None)
        rep.error(f"mandatory quantity QTY+{qualifier} is missing", at, tag)
        raise _Stop
    return found


def read_cnt(rep: Reporter, located: Sequence[Located], lines: int) -> None:
    """Check CNT+2 (number of line items), when present, against the lines read."""
    for number, segment in located:
        if component(segment, 1, 1) != "2":
            continue  # other control totals (1 quantities, 11 packages...) are not checked
        said = read_number(rep, number, segment, 1, 2)
        if said != lines:
            rep.error(f"CNT+2 says {said} line items, the message has {lines}", number, "CNT", 1, 2)
            raise _Stop


def read_price(rep: Reporter, located: Sequence[Located]) -> Decimal | None:
    """Read the net price of the PRI+AAA among ``located`` (other prices are not mapped)."""
    for number, segment in located:
        qualifier = read_code(rep, number, segment, 1, 1, _PRICES, "price qualifier")
        if qualifier == "AAA" and component(segment, 1, 2):
            return Decimal(read_number(rep, number, segment, 1, 2))
    return None


# --- writing ---------------------------------------------------------------------------


def line_numbers(first: int, count: int) -> Sequence[str]:
    """The texts of the ``count`` line numbers from ``first`` on."""
    if first + count <= len(NUMBERS):
        return NUMBERS[first : first + count]
    return [str(n) for n in range(first, first + count)]


class Writer:
    """Builds the segments of one message as text, with the interchange's separators."""

    def __init__(self, syntax: Syntax, edition: Edition, path: str, newline: str = "") -> None:
        s = syntax.separators
        self.syntax = syntax
        self.edition = edition
        self.item_type = edition.item_type
        self.path = path
        self.index: int | None = None
        """The message being written (:meth:`begin`), named in the path of its errors."""
        self.element = s.element
        self.component = s.component
        self.terminator = s.terminator
        self.decimal = s.decimal
        self.out: list[str] = []
        self.newline = newline
        """Written after each segment terminator (``"\\n"`` for one segment per line)."""
        self.extra_segments = 0
        """Segments written several to an item of :attr:`out` (counted for UNT)."""
        self._bad = syntax.bad_in_text
        caches = _CACHES.get(syntax)
        if caches is None:
            if len(_CACHES) > 64:  # as many as syntax_for keeps: never grows without bound
                _CACHES.clear()
            caches = _CACHES[syntax] = _Caches()
        if len(caches.texts) > _MAX_TEXTS:
            caches.texts.clear()
        self._texts = caches.texts
        self._nads = caches.nads

    def reset(self, path: str) -> None:
        """Start the next message, at field path ``path``: :attr:`out` is a new list."""
        self.path = path
        self.index = None
        self.out = []
        self.extra_segments = 0

    def begin(self, index: int) -> None:
        """Start writing ``messages[index]`` on :attr:`out` (its segments counted afresh).

        The field path of its errors is made only when one is raised: most messages are
        small, and formatting it for each would be a noticeable share of their cost.
        """
        self.index = index
        self.extra_segments = 0

    def fail(self, message: str, field: str = "") -> EdiError:
        """Make an encoding error located by the field path of the bad value."""
        path = self.path if self.index is None else f"messages[{self.index}]"
        return EdiError(message, file="<builder>", field=path + field)

    def text(self, value: str, field: str, longest: int = 35) -> str:
        """Check and escape a mandatory free value (document number, reference...).

        Values already checked in this syntax are remembered (message types, references a
        CONTRL echoes, party codes): a dictionary lookup instead of a search and a translation.
        """
        if type(value) is str:
            if len(value) <= longest:
                if value.isdigit() and value.isascii():
                    return value  # digits: in every character set, never a service character
                known = self._texts.get(value)
                if known is not None:
                    return known
        if not isinstance(value, str) or not value:
            raise self.fail(f"must be a non-empty string, got {value!r}", field)
        if len(value) > longest:
            raise self.fail(f"{value!r} is longer than {longest} characters", field)
        bad = self._bad.search(value)
        if bad:
            raise self.fail(f"{bad.group()!r} is not in character set {self.syntax.charset}", field)
        escaped = self._texts[value] = self.syntax.escape(value)
        return escaped

    def line_heads(self, before: str, after: str) -> LineHeads:
        """The texts ``before + GTIN + ":" + item type + terminator + after``, by GTIN.

        The hot loops write each line as ``LIN+<number>`` + this text + the quantity: the
        part that depends on the item alone is built (and its GTIN checked) once per item,
        not once per line. Kept per pair of surrounding texts (which hold the separators,
        the edition's item type and the line's fixed segments); fill it with :meth:`head`.
        """
        after = f"{self.component}{self.item_type}{self.terminator}{after}"
        return self.id_texts("GTIN", before, after)

    def id_texts(self, kind: str, before: str, after: str) -> LineHeads:
        """The texts ``before + identifier + after`` by GTIN, GLN or SSCC (``kind``)."""
        key = (kind, before, after)
        heads = _HEADS.get(key)
        if heads is None:
            heads = _HEADS[key] = LineHeads(*key)
        elif len(heads) > _MAX_HEADS:
            heads.clear()
        return heads

    def head(self, heads: LineHeads, value: str, field: str) -> str:
        """Check an identifier not yet in ``heads`` and add its text; return the text."""
        self.id(value, heads.kind, field)
        heads[value] = text = heads.before + value + heads.after
        return text

    def terminated_numbers(self) -> tuple[str, ...]:
        """``str(n)`` and the segment terminator for small ``n`` (as :data:`NUMBERS`).

        The hot loops end most lines with a small whole quantity: one lookup gives the
        quantity and the end of the segment, one piece fewer to put together per line.
        """
        texts = _TERMINATED.get(self.terminator)
        if texts is None:
            if len(_TERMINATED) > 64:
                _TERMINATED.clear()
            texts = _TERMINATED[self.terminator] = tuple(n + self.terminator for n in NUMBERS)
        return texts

    def quantity(self, value: Quantity, field: str) -> str:
        """Format a quantity of a hot loop that is not a small whole number."""
        if type(value) is int and -LIMIT < value < LIMIT:
            return str(value)
        return self.number(value, field)

    def id(self, value: str, kind: str, field: str) -> str:
        """Check a GTIN, GLN or SSCC."""
        if not isinstance(value, str):
            raise self.fail(f"{kind} must be a string of digits, got {value!r}", field)
        problem = valid_id(value, kind)
        if problem:
            raise self.fail(problem, field)
        return value

    def number(self, value: Quantity, field: str) -> str:
        """Format a quantity or price."""
        try:
            return format_number(value, self.decimal)
        except EdiError as error:
            raise self.fail(error.message, field) from None

    def seg(self, tag: str, *elements: str | tuple[str, ...]) -> None:
        """Write one segment; values must already be checked and escaped."""
        parts = [tag]
        join = self.component.join
        for element in elements:
            if type(element) is tuple:
                if element and element[-1] == "":  # trailing empty components are left out
                    n = len(element) - 1
                    while n and element[n - 1] == "":
                        n -= 1
                    element = element[:n]
                parts.append(join(element))
            else:
                parts.append(element)  # type: ignore[arg-type]
        while parts[-1] == "":
            parts.pop()
        self.out.append(self.element.join(parts) + self.terminator)

    def bgm(self, code: str | tuple[str, ...], number: str, function: str = "9") -> None:
        """BGM: document name code, number, message function (9 = original)."""
        if type(code) is str and function:
            e = self.element
            self.out.append(
                f"BGM{e}{code}{e}{self.text(number, '.number')}{e}{function}{self.terminator}"
            )
            return
        self.seg("BGM", code, self.text(number, ".number"), function)

    def rff(self, qualifier: str, reference: str, field: str) -> None:
        """RFF with a qualifier and a reference number (checked, escaped)."""
        e, c = self.element, self.component
        self.out.append(f"RFF{e}{qualifier}{c}{self.text(reference, field)}{self.terminator}")

    def end_lines(self, lines: int) -> None:
        """UNS+S (end of the detail section) and CNT+2 (number of line items)."""
        e, t = self.element, self.terminator
        self.out.append(f"UNS{e}S{t}{self.newline}CNT{e}2{self.component}{lines}{t}")
        self.extra_segments += 1

    def dtm(self, qualifier: str, day: dt.date, field: str) -> None:
        """DTM in format 102."""
        text = _DAYS.get(day) if type(day) is dt.date else None
        if text is None:
            if not isinstance(day, dt.date):
                raise self.fail(f"must be a date, got {day!r}", field)
            text = f"{day.year:04d}{day.month:02d}{day.day:02d}"
            if type(day) is dt.date:
                if len(_DAYS) > _MAX_TEXTS:
                    _DAYS.clear()
                _DAYS[day] = text
        c = self.component
        self.out.append(f"DTM{self.element}{qualifier}{c}{text}{c}102{self.terminator}")

    def period(self, qualifier: str, first: dt.date, last: dt.date, field: str) -> None:
        """DTM in format 718, ``CCYYMMDDCCYYMMDD``."""
        for day in (first, last):
            if not isinstance(day, dt.date):
                raise self.fail(f"must be a date, got {day!r}", field)
        if last < first:
            raise self.fail(f"the period ends ({last}) before it starts ({first})", field)
        self.seg("DTM", (qualifier, format_date(first) + format_date(last), "718"))

    def nad(self, qualifier: str, gln: str, field: str) -> None:
        """NAD with a GLN (code list agency 9, GS1); each segment built once per party."""
        heads = self._nads.get(qualifier)
        if heads is None:
            e, c = self.element, self.component
            heads = self.id_texts("GLN", f"NAD{e}{qualifier}{e}", f"{c}{c}9{self.terminator}")
            self._nads[qualifier] = heads
        text = heads.get(gln) if type(gln) is str else None
        self.out.append(text if text is not None else self.head(heads, gln, field))

    def notes(self, notes: tuple[str, ...]) -> None:
        """FTX+AAI, long texts cut into the segment's five text components."""
        if not notes:
            return
        size = FTX_CHUNK[self.edition]
        for index, note in enumerate(notes):
            field = f".notes[{index}]"
            if not isinstance(note, str) or not note:
                raise self.fail(f"must be a non-empty string, got {note!r}", field)
            if len(note) > 5 * size:
                raise self.fail(f"is longer than {5 * size} characters", field)
            bad = self._bad.search(note)
            if bad:
                raise self.fail(
                    f"{bad.group()!r} is not in character set {self.syntax.charset}", field
                )
            chunks = tuple(
                self.syntax.escape(note[i : i + size]) for i in range(0, len(note), size)
            )
            self.seg("FTX", "AAI", "", "", chunks)

    def currency(self, currency: str | None) -> None:
        """CUX+2 (reference currency) when a currency is given."""
        if currency is None:
            return
        if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
            raise self.fail(f"{currency!r} is not an ISO 4217 code", ".currency")
        if not currency.isupper():
            raise self.fail(f"{currency!r} is not an ISO 4217 code", ".currency")
        self.seg("CUX", ("2", currency, "9"))

    def lin(self, line: int, gtin: str, field: str, action: str = "") -> None:
        """LIN with the GTIN numbered as the edition requires (``EN`` or ``SRV``)."""
        self.seg("LIN", str(line), action, (self.id(gtin, "GTIN", field), self.item_type))

    def qty(self, qualifier: str, quantity: Quantity, field: str) -> None:
        """QTY with a qualifier."""
        self.seg("QTY", (qualifier, self.number(quantity, field)))
