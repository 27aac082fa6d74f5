"""The interchange envelope (UNA, UNB/UNZ, UNH/UNT) and the public read and write functions.

Reading streams: :class:`EdiReader` reads a file in chunks of about a megabyte and yields one
message at a time, so an interchange of hundreds of megabytes is never held whole (only the
current message is). :func:`read` and :func:`decode` collect the messages into an
:class:`~crossdock.edi.Interchange`; :func:`validate` reads leniently and returns every
error. Writing goes the other way with :func:`encode` (text) and :func:`write` (a file in the
character set's byte encoding, message by message).

Messy real files are accepted: a UTF-8 byte-order mark (the file is then read as UTF-8), line
breaks between segments, a missing UNA (default separators), ``,`` as decimal mark. Without a
byte-order mark the bytes are read as ISO 8859-1 and every character is checked against the
declared character set (UNOA or UNOC).
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import functools
import gc
import io
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from crossdock._files import written_atomically
from crossdock.edi._catalogue import PRICAT, decode_price_catalogue, encode_price_catalogue
from crossdock.edi._common import Writer
from crossdock.edi._contrl import CONTRL, decode_contrl, encode_contrl
from crossdock.edi._elements import component, read_code, read_id, read_text
from crossdock.edi._errors import EdiDecodeError, Reporter, _Stop
from crossdock.edi._express import read_express
from crossdock.edi._fastlane import (
    fast_contrl,
    fast_despatch_advice,
    fast_inventory_report,
    fast_order,
    fast_receiving_advice,
    fast_response,
    fast_sales_report,
)
from crossdock.edi._logistics import (
    DESADV,
    RECADV,
    decode_despatch_advice,
    decode_receiving_advice,
    encode_despatch_advice,
    encode_receiving_advice,
)
from crossdock.edi._model import (
    ContrlReport,
    DespatchAdvice,
    Edition,
    Interchange,
    InventoryReport,
    Message,
    Order,
    OrderResponse,
    PriceCatalogue,
    RawMessage,
    ReceivingAdvice,
    SalesReport,
)
from crossdock.edi._orders import (
    ORDERS,
    ORDRSP,
    decode_order,
    decode_response,
    encode_order,
    encode_response,
)
from crossdock.edi._reports import (
    INVRPT,
    SLSRPT,
    decode_inventory_report,
    decode_sales_report,
    encode_inventory_report,
    encode_sales_report,
)
from crossdock.edi._structure import Group, check_segment, parse_message
from crossdock.edi._syntax import (
    CHARSETS,
    ENCODINGS,
    WRITTEN_CHARSETS,
    RawSegment,
    Separators,
    Syntax,
    Tokenizer,
    syntax_for,
)
from crossdock.errors import EdiError

__all__ = [
    "ASSOCIATION_CODES",
    "EdiReader",
    "InterchangeHeader",
    "decode",
    "decode_all",
    "encode",
    "read",
    "read_all",
    "validate",
    "write",
]

Source = str | Path | IO[bytes] | IO[str]

ASSOCIATION_CODES: dict[Edition, dict[str, str]] = {
    Edition.EANCOM_97: {
        "CONTRL": "EAN002",
        "DESADV": "EAN005",
        "INVRPT": "EAN004",
        "ORDERS": "EAN008",
        "ORDRSP": "EAN005",
        "RECADV": "EAN003",
        "SLSRPT": "EAN004",
        "PRICAT": "EAN006",
    },
    Edition.EANCOM_2002: {
        "CONTRL": "EAN003",
        "DESADV": "EAN007",
        "INVRPT": "EAN007",
        "ORDERS": "EAN010",
        "ORDRSP": "EAN007",
        "RECADV": "EAN008",
        "SLSRPT": "EAN007",
        "PRICAT": "EAN008",
    },
}
"""The association assigned code written in UNH per edition and message type.

Taken from the GS1 EANCOM examples (EANCOM 97; EANCOM 2002 syntax 3 and 4 editions). On reading
any ``EANnnn`` code is accepted: subset versions change between EANCOM releases.
"""

Decoder = Callable[..., Message]


@dataclass(frozen=True, slots=True)
class _Kind:
    structures: dict[Edition, Group]
    decode: Decoder
    encode: Callable[..., None]
    fast: Callable[..., Message | None] | None = None
    """Fast lane for messages written the canonical way (see ``_fastlane``), or None."""


_KINDS: dict[str, _Kind] = {
    "SLSRPT": _Kind(SLSRPT, decode_sales_report, encode_sales_report, fast_sales_report),
    "INVRPT": _Kind(
        INVRPT, decode_inventory_report, encode_inventory_report, fast_inventory_report
    ),
    "ORDERS": _Kind(ORDERS, decode_order, encode_order, fast_order),
    "ORDRSP": _Kind(ORDRSP, decode_response, encode_response, fast_response),
    "DESADV": _Kind(DESADV, decode_despatch_advice, encode_despatch_advice, fast_despatch_advice),
    "RECADV": _Kind(
        RECADV, decode_receiving_advice, encode_receiving_advice, fast_receiving_advice
    ),
    "CONTRL": _Kind(CONTRL, decode_contrl, encode_contrl, fast_contrl),
    "PRICAT": _Kind(PRICAT, decode_price_catalogue, encode_price_catalogue),
}
_TYPES: dict[type, str] = {
    SalesReport: "SLSRPT",
    InventoryReport: "INVRPT",
    Order: "ORDERS",
    OrderResponse: "ORDRSP",
    DespatchAdvice: "DESADV",
    ReceivingAdvice: "RECADV",
    ContrlReport: "CONTRL",
    PriceCatalogue: "PRICAT",
}
_RELEASES = {edition.release: edition for edition in Edition}
_CONTRL_EDITIONS = {
    code: ed
    for ed, codes in ASSOCIATION_CODES.items()
    for t, code in codes.items()
    if t == "CONTRL"
}
_CHUNK = 1 << 20
_ENVELOPE = frozenset(("UNB", "UNH", "UNT", "UNZ", "UNG", "UNE"))
_MARKS = _ENVELOPE | {"UNA"}
_UNOB_DEFAULT = Separators(component="\x1f", element="\x1d", terminator="\x1c")
"""The default service characters of syntax level B (UNOB) when there is no UNA."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InterchangeHeader:
    """What the UNB segment says, available from :attr:`EdiReader.header` once read."""

    sender: str
    recipient: str
    control_ref: str
    prepared: dt.datetime
    charset: str
    syntax_version: int
    application_ref: str | None
    test: bool
    ack_request: bool = False
    segment: int = 0
    """The number of the UNB segment in the file."""


# --- reading ---------------------------------------------------------------------------


def _text_chunks(source: Source, rep: Reporter) -> Iterator[str]:
    """Yield the text of a source; bytes are ISO 8859-1 unless a UTF-8 BOM says UTF-8."""
    if isinstance(source, str | Path):
        with Path(source).open("rb") as handle:
            yield from _text_chunks(handle, rep)
        return
    first = source.read(_CHUNK)
    if isinstance(first, str):
        text_source: Any = source
        yield first.removeprefix("\ufeff")
        while chunk := text_source.read(_CHUNK):
            yield chunk
        return
    encoding = "latin-1"
    if first.startswith(codecs.BOM_UTF8):
        encoding, first = "utf-8", first[len(codecs.BOM_UTF8) :]
    else:
        at = first.find(b"UNB", 0, 64)
        identifier = first[at + 4 : at + 8].decode("latin-1") if at >= 0 else ""
        encoding = ENCODINGS.get(identifier, "latin-1")
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    binary: Any = source
    chunk_bytes: bytes = first
    while chunk_bytes:
        try:
            yield decoder.decode(chunk_bytes)
        except UnicodeDecodeError as error:
            rep.fatal(f"byte {offset + error.start} is not valid UTF-8 (wrong encoding?)")
        offset += len(chunk_bytes)
        chunk_bytes = binary.read(_CHUNK)
    try:
        yield decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        rep.fatal("the file ends inside a UTF-8 character (truncated?)")


class EdiReader:
    """Read an interchange message by message, checking everything on the way.

    >>> reader = EdiReader(Path("orders.edi"))  # doctest: +SKIP
    >>> for message in reader: ...  # doctest: +SKIP

    ``source`` is a path (``str`` or :class:`~pathlib.Path`) or a binary or text file object
    (use :func:`decode` for text in memory). With ``lenient=True`` errors are collected
    in :attr:`errors` and reading goes on with the next message; otherwise the first error is
    raised as an :class:`~crossdock.edi.EdiDecodeError`.
    """

    def __init__(
        self,
        source: Source,
        *,
        lenient: bool = False,
        file: str | None = None,
        relaxed: bool = False,
    ) -> None:
        if file is None and isinstance(source, str | Path):
            file = str(source)
        self._source = source
        self._rep = Reporter(file, lenient=lenient, relaxed=relaxed)
        self.header: InterchangeHeader | None = None
        """The UNB of the interchange being read (the last one, once all is read)."""
        self.edition: Edition | None = None
        self.separators = Separators()
        self.interchanges: list[_Envelope] = []
        """One entry per interchange read so far: its header, edition, raw UNB and groups."""

    @property
    def errors(self) -> list[EdiDecodeError]:
        """The errors found so far (lenient mode)."""
        return self._rep.errors

    @property
    def warnings(self) -> list[EdiDecodeError]:
        """Defaults taken for what the simulation needs and EANCOM leaves optional, located."""
        return self._rep.warnings

    def __iter__(self) -> Iterator[Message]:
        rep = self._rep
        chunks = _text_chunks(self._source, rep)
        head = ""
        for chunk in chunks:
            head += chunk
            if _enough(head):
                break
        head = head.lstrip("\r\n")
        number = 0
        if head.startswith("UNA"):
            self.separators = Separators.from_una(head[:9])
            problem = _separators_problem(self.separators)
            if problem:
                rep.fatal(f"UNA: {problem}", 1, "UNA")
            head = head[9:]
            number = 1
        start = head.lstrip("\r\n")
        if number == 0 and start.startswith("UNB\x1d"):
            self.separators = _UNOB_DEFAULT
        s = self.separators
        if not start.startswith("UNB" + s.element):
            shown = start[:3] or "nothing"
            rep.fatal(
                f"an interchange starts with UNA or UNB, not {shown!r} (wrong encoding?)",
                number + 1,
            )
        charset = start[4:8]
        if charset not in CHARSETS:
            rep.fatal(
                f"syntax identifier {charset!r} is not supported (UNOA, UNOB, UNOC or UNOD)",
                number + 1,
                "UNB",
                1,
                1,
            )
        tokenizer = Tokenizer(syntax_for(s, charset), _MARKS)
        state = _State(self, rep, tokenizer, number, charset)
        # Decoding allocates many small objects that live until their message is built; the
        # cyclic garbage collector would rescan them again and again (they hold no cycles), so
        # it is paused while decoding and resumed whenever a message is handed out.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for text in _prepend(head, chunks):
                parts, bad = tokenizer.feed(text)
                base = state.number
                count = len(parts)
                # Only envelope segments and flagged ones need the state machine; the body
                # segments between two of them are handed over as one slice.
                # The tokenizer finds them in the chunk's text when it can; otherwise
                # (``part[:1]`` is a cached one-character string: no slice is made for the
                # body segments, which do not start with U, save UNS.)
                marks = tokenizer.marks
                if marks is None:
                    marks = [
                        i for i, part in enumerate(parts) if part[:1] == "U" and part[:3] in _MARKS
                    ]
                if bad:
                    marks = sorted({*marks, *bad})
                marks.append(count)
                done = 0
                for index in marks:
                    if index > done:
                        if state.phase == "body":
                            state.body.extend(parts[done:index])
                        else:
                            for k in range(done, index):
                                state.step(base + k + 1, parts[k])
                    if index == count:
                        break
                    done = index + 1
                    part = parts[index]
                    if bad and index in bad and not part.startswith("UNA"):
                        state.bad_character(base + index + 1, part, bad[index])
                    if state.phase == "body" and part[:3] not in _ENVELOPE:
                        state.body.append(part)
                        continue
                    message = state.step(base + index + 1, part)
                    if message is not None:
                        if collecting:
                            gc.enable()
                        yield message
                        gc.disable()
                state.number = base + count
            if tokenizer.leftover().strip("\r\n"):
                rep.error(
                    "the file ends inside a segment, without terminator (truncated?)",
                    state.number + 1,
                )
            state.finish()
            state.close_interchange()
        finally:
            if collecting:
                gc.enable()


def _enough(head: str) -> bool:
    """Whether the start of a file shows its UNA (if any) and UNB's syntax identifier."""
    head = head.lstrip("\r\n")
    if head.startswith("UNA"):
        return len(head) >= 9 and len(head[9:].lstrip("\r\n")) >= 8
    return len(head) >= 8


def _prepend(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


@dataclass(slots=True)
class _Envelope:
    """One interchange of a file as read: its header, edition, raw UNB, groups, messages."""

    header: InterchangeHeader | None
    unb: RawSegment
    edition: Edition | None = None
    groups: list[tuple[RawSegment, int]] | None = None
    messages: int = 0
    """Messages yielded from this interchange (the good ones)."""


class _State:
    """The envelope state machine: UNB, messages (UNH ... UNT, maybe in UNG ... UNE), UNZ.

    After UNZ another interchange may follow (UNA again, with the same service characters,
    or UNB directly); each is checked on its own: references, counts, one edition.
    """

    def __init__(
        self, reader: EdiReader, rep: Reporter, tokenizer: Tokenizer, number: int, charset: str
    ) -> None:
        self.reader = reader
        self.rep = rep
        self.tokenizer = tokenizer
        self.number = number
        self.charset = charset
        self.phase = "UNB"
        self.body: list[str] = []
        self.unh: tuple[int, RawSegment] | None = None
        self.messages = 0
        self.refs: set[str] = set()
        self.group: tuple[int, RawSegment] | None = None
        self.group_messages = 0
        self.group_refs: set[str] = set()
        self.groups = 0
        self.outside_groups = 0
        self.envelope: _Envelope | None = None
        self.last_part = ""
        self.unh_text = ""

    def bad_character(self, number: int, part: str, char: str) -> None:
        segment = self.tokenizer.split(part)
        if char == "":
            if len(segment) > 1 and segment[-1] == [""]:
                self.rep.error(
                    "trailing empty data element", number, segment[0][0], len(segment) - 1
                )
                return
            for e, element in enumerate(segment):
                if len(element) > 1 and element[-1] == "":
                    self.rep.error(
                        "trailing empty component", number, segment[0][0], e, len(element)
                    )
                    return
            return
        for e, element in enumerate(segment):
            for c, text in enumerate(element):
                if char in text:
                    if char in "\r\n":
                        self.rep.error(
                            "a line break inside a segment",
                            number,
                            segment[0][0],
                            e or None,
                            c + 1 if e else None,
                        )
                    else:
                        self.rep.relaxable(
                            f"character {char!r} is not in character set {self.charset}",
                            number,
                            segment[0][0],
                            e or None,
                            c + 1 if e else None,
                        )
                    return
        self.rep.error(f"character {char!r} is not allowed here", number, segment[0][0])

    def step(self, number: int, part: str) -> Message | None:
        if part.startswith("UNA") and self.phase in ("end", "UNB"):
            self._una(number, part)
            return None
        self.last_part = part
        segment = self.tokenizer.split(part)
        tag = segment[0][0]
        if self.phase == "body":
            if tag == "UNT":
                return self._end_message(number, segment)
            if tag == "UNH":
                self.rep.error(
                    f"message {self.rep.message_ref} has no UNT before the next UNH", number, tag
                )
                self._start_message(number, segment)
                return None
            if tag in ("UNZ", "UNB", "UNE", "UNG"):
                self.rep.error(f"message {self.rep.message_ref} has no UNT", number, tag)
                self.phase = "group" if self.group is not None else "between"
        try:
            if len(segment[0]) != 1 or len(tag) != 3 or not tag.isalpha() or not tag.isupper():
                self.rep.error(f"invalid segment tag {tag!r} (unescaped separator?)", number, tag)
                raise _Stop
            if self.phase in ("UNB", "end") and tag == "UNB":
                self.close_interchange()
                self.phase = "between"  # even when UNB is wrong: report each problem once
                self._header(number, segment)
            elif self.phase == "UNB":
                self.phase = "between"
                self.rep.error(f"expected UNB, found {tag}", number, tag)
            elif self.phase in ("between", "group"):
                if tag == "UNH":
                    self._start_message(number, segment)
                elif tag == "UNZ" and self.phase == "between":
                    self._trailer(number, segment)
                    self.phase = "end"
                elif tag == "UNG" and self.phase == "between":
                    self._group_header(number, segment)
                elif tag == "UNE" and self.phase == "group":
                    self._group_trailer(number, segment)
                elif tag == "UNZ":
                    self.rep.error("functional group has no UNE before UNZ", number, tag)
                    self.group = None
                    self._trailer(number, segment)
                    self.phase = "end"
                else:
                    expected = "UNH or UNE" if self.phase == "group" else "UNH, UNG or UNZ"
                    self.rep.error(f"expected {expected}, found {tag}", number, tag)
            else:
                self.rep.error(
                    f"segment {tag} after the end of the interchange (UNZ); another "
                    "interchange starts with UNA or UNB",
                    number,
                    tag,
                )
        except _Stop:
            pass
        return None

    def _una(self, number: int, part: str) -> None:
        """A UNA between interchanges: it must declare the service characters in use."""
        s = self.reader.separators
        if part + s.terminator != s.una():
            self.rep.fatal(
                "a later interchange declares other service characters than the first "
                f"({part + s.terminator!r}, not {s.una()!r}): split the file",
                number,
                "UNA",
            )

    def _header(self, number: int, segment: RawSegment) -> None:
        rep = self.rep
        rep.message_ref = None
        rep.interchange_ref = component(segment, 5) or None  # for locating any error below
        self.envelope = _Envelope(header=None, unb=segment)
        self.reader.edition = None
        self.messages = self.groups = self.outside_groups = 0
        self.refs = set()
        check_segment(rep, number, segment)
        charset = component(segment, 1, 1)
        if charset != self.charset:
            rep.error(
                f"syntax identifier {charset!r} differs from the file's first interchange "
                f"{self.charset!r}: one character set per file",
                number,
                "UNB",
                1,
                1,
            )
            raise _Stop
        version = read_code(rep, number, segment, 1, 2, ("1", "2", "3", "4"), "syntax version")
        sender = read_id(rep, number, segment, 2, 1, "GLN")
        read_code(rep, number, segment, 2, 2, ("14",), "sender identification code qualifier")
        recipient = read_id(rep, number, segment, 3, 1, "GLN")
        read_code(rep, number, segment, 3, 2, ("14",), "recipient identification code qualifier")
        day, time = component(segment, 4, 1), component(segment, 4, 2)
        size = 8 if version == "4" else 6
        shown = "CCYYMMDD:HHMM" if version == "4" else "YYMMDD:HHMM"
        try:
            if len(day) != size or len(time) != 4 or not (day + time).isdigit():
                raise ValueError
            year = int(day[:4]) if size == 8 else 2000 + int(day[:2])
            prepared = dt.datetime(
                year, int(day[-4:-2]), int(day[-2:]), int(time[:2]), int(time[2:])
            )
        except ValueError:
            rep.error(f"'{day}:{time}' is not a date {shown}", number, "UNB", 4)
            raise _Stop from None
        ref = read_text(rep, number, segment, 5, 1, "interchange control reference", 14)
        application = component(segment, 7) or None
        ack = component(segment, 9)
        if ack not in ("", "1"):
            rep.error(f"acknowledgement request must be 1, got {ack!r}", number, "UNB", 9)
            raise _Stop
        test = component(segment, 11)
        if test not in ("", "1"):
            rep.error(f"test indicator must be 1, got {test!r}", number, "UNB", 11)
            raise _Stop
        header = InterchangeHeader(
            sender=sender,
            recipient=recipient,
            control_ref=ref,
            prepared=prepared,
            charset=self.charset,
            syntax_version=int(version),
            application_ref=application,
            test=test == "1",
            ack_request=ack == "1",
            segment=number,
        )
        self.reader.header = header
        self.envelope.header = header

    def _group_header(self, number: int, segment: RawSegment) -> None:
        rep = self.rep
        if self.outside_groups:
            rep.error("messages outside and inside functional groups are mixed", number, "UNG")
        self.group = (number, segment)
        self.group_messages = 0
        self.groups += 1
        self.phase = "group"
        check_segment(rep, number, segment)
        read_text(rep, number, segment, 5, 1, "group reference number", 14)
        if self.envelope is not None:
            if self.envelope.groups is None:
                self.envelope.groups = []
            self.envelope.groups.append((segment, 0))

    def _group_trailer(self, number: int, segment: RawSegment) -> None:
        rep = self.rep
        rep.message_ref = None
        assert self.group is not None
        _, ung = self.group
        self.group = None
        self.phase = "between"
        check_segment(rep, number, segment)
        count = component(segment, 1)
        if count != str(self.group_messages):
            rep.relaxable(
                f"UNE counts {count or 'no'} messages, the group has {self.group_messages}",
                number,
                "UNE",
                1,
            )
        if component(segment, 2) != component(ung, 5):
            rep.error(
                f"UNE reference {component(segment, 2)!r} differs from UNG reference "
                f"{component(ung, 5)!r}",
                number,
                "UNE",
                2,
            )

    def _start_message(self, number: int, segment: RawSegment) -> None:
        self.rep.message_ref = component(segment, 1) or None
        self.rep.failed = False
        self.unh = (number, segment)
        self.unh_text = self.last_part
        self.body = []
        self.phase = "body"
        self.messages += 1
        if self.group is not None:
            self.group_messages += 1
        else:
            if self.groups:
                self.rep.error(
                    "messages outside and inside functional groups are mixed", number, "UNH"
                )
            self.outside_groups += 1

    def _end_message(self, number: int, unt: RawSegment) -> Message | None:
        rep = self.rep
        self.phase = "group" if self.group is not None else "between"
        assert self.unh is not None
        unh_number, unh = self.unh
        unh_text = self.unh_text
        body, self.body = self.body, []
        try:
            check_segment(rep, unh_number, unh)
            check_segment(rep, number, unt)
            ref = read_text(rep, unh_number, unh, 1, 1, "message reference number", 14)
            if ref in self.refs:
                rep.error(f"message reference {ref!r} is used twice", unh_number, "UNH", 1, 1)
            self.refs.add(ref)
            kind_name = read_code(rep, unh_number, unh, 2, 1, _KINDS, "message type")
            version = "2" if kind_name == "CONTRL" and component(unh, 2, 2) == "2" else "D"
            read_code(rep, unh_number, unh, 2, 2, (version,), "message version")
            association = component(unh, 2, 5)
            if not (
                len(association) == 6
                and association.startswith("EAN")
                and association[3:].isdigit()
            ):
                rep.error(
                    f"association assigned code {association or 'nothing'!r} is not EANnnn",
                    unh_number,
                    "UNH",
                    2,
                    5,
                )
                raise _Stop
            read_code(rep, unh_number, unh, 2, 4, ("UN",), "controlling agency")
            if kind_name == "CONTRL":
                read_code(rep, unh_number, unh, 2, 3, ("2", "3"), "CONTRL release")
                edition = self.reader.edition or _CONTRL_EDITIONS.get(
                    association, Edition.EANCOM_2002
                )
            else:
                release = read_code(rep, unh_number, unh, 2, 3, _RELEASES, "directory release")
                edition = _RELEASES[release]
            if self.reader.edition is None:
                self.reader.edition = edition
            elif edition is not self.reader.edition:
                rep.error(
                    f"directory {edition.value} differs from the interchange's "
                    f"{self.reader.edition.value} (one edition per interchange)",
                    unh_number,
                    "UNH",
                    2,
                    3,
                )
                raise _Stop
            kind = _KINDS[kind_name]
            message = None
            try:  # the body first, so that errors come out in segment order
                if kind.fast is not None and not rep.failed:
                    message = kind.fast(body, edition, ref, self.tokenizer.syntax.separators)
                if message is None:
                    split = self.tokenizer.split
                    located = [(unh_number + 1 + i, split(part)) for i, part in enumerate(body)]
                    node = parse_message(rep, kind.structures[edition], located, (number, "UNT"))
                    message = kind.decode(rep, node, edition, ref, (number, "UNT"))
            except _Stop:
                message = None
            count = component(unt, 1)
            if count != str(len(body) + 2):
                rep.relaxable(
                    f"UNT counts {count or 'no'} segments, the message has {len(body) + 2}",
                    number,
                    "UNT",
                    1,
                )
            said_ref = component(unt, 2)
            if said_ref != ref:
                rep.error(
                    f"UNT reference {said_ref!r} differs from UNH reference {ref!r}",
                    number,
                    "UNT",
                    2,
                )
        except _Stop:
            return None
        if rep.failed or message is None:
            return None
        object.__setattr__(message, "raw", (self.tokenizer.syntax.separators, unh_text, body))
        if self.envelope is not None:
            self.envelope.messages += 1
            if self.envelope.edition is None:
                self.envelope.edition = self.reader.edition
            if self.envelope.groups:
                ung, in_group = self.envelope.groups[-1]
                self.envelope.groups[-1] = (ung, in_group + 1)
        return message

    def _trailer(self, number: int, segment: RawSegment) -> None:
        rep = self.rep
        rep.message_ref = None
        check_segment(rep, number, segment)
        count = component(segment, 1)
        expected, what = (
            (self.groups, "functional groups") if self.groups else (self.messages, "messages")
        )
        if count != str(expected):
            rep.relaxable(
                f"UNZ counts {count or 'no'} {what}, the interchange has {expected}",
                number,
                "UNZ",
                1,
            )
        if rep.interchange_ref is not None and component(segment, 2) != rep.interchange_ref:
            rep.error(
                f"UNZ reference {component(segment, 2)!r} differs from UNB reference "
                f"{rep.interchange_ref!r}",
                number,
                "UNZ",
                2,
            )

    def close_interchange(self) -> None:
        """File the interchange read so far in :attr:`EdiReader.interchanges`."""
        if self.envelope is not None:
            self.reader.interchanges.append(self.envelope)
            self.envelope = None

    def finish(self) -> None:
        rep = self.rep
        if self.phase == "body":
            rep.error(f"the file ends inside message {rep.message_ref} (truncated?)", self.number)
        elif self.phase in ("UNB", "between", "group"):
            rep.message_ref = None
            rep.error("the file ends before UNZ (truncated?)", self.number)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a whole file is read (see EdiReader)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def read(source: Source, *, file: str | None = None) -> Interchange:
    """Read and check a whole interchange; raise :class:`EdiDecodeError` at the first error.

    A file holding several interchanges is an error here: read it with :func:`read_all`.
    """
    reader = EdiReader(source, file=file)
    with _no_gc():
        messages = tuple(reader)
    if len(reader.interchanges) > 1:
        second = reader.interchanges[1].header
        raise EdiDecodeError(
            f"the file holds {len(reader.interchanges)} interchanges: read it with read_all()",
            file=reader._rep.file,
            segment=second.segment if second else None,
            tag="UNB",
        )
    return _assemble(reader.interchanges[0], messages)


def read_all(source: Source, *, file: str | None = None) -> list[Interchange]:
    """Read and check every interchange of a file (strict), in order."""
    reader = EdiReader(source, file=file)
    with _no_gc():
        messages = list(reader)
    out = []
    start = 0
    for envelope in reader.interchanges:
        out.append(_assemble(envelope, tuple(messages[start : start + envelope.messages])))
        start += envelope.messages
    return out


def _assemble(envelope: _Envelope, messages: tuple[Message, ...]) -> Interchange:
    header = envelope.header
    assert header is not None
    interchange = Interchange(
        sender=header.sender,
        recipient=header.recipient,
        control_ref=header.control_ref,
        prepared=header.prepared,
        messages=messages,
        edition=envelope.edition or Edition.EANCOM_2002,
        charset=header.charset,
        application_ref=header.application_ref,
        test=header.test,
        ack_request=header.ack_request,
    )
    object.__setattr__(interchange, "raw", envelope.unb)
    if envelope.groups:
        object.__setattr__(interchange, "groups", tuple(envelope.groups))
    return interchange


def decode(text: str, *, file: str | None = None) -> Interchange:
    """Decode interchange text held in memory (strict).

    Canonical text takes the express lane (see ``_express``); the rest, and every error, the
    general reader.
    """
    fast = {name: kind.fast for name, kind in _KINDS.items()}
    found = read_express(text, fast, _RELEASES, _CONTRL_EDITIONS)
    if found is not None:
        return found
    return read(io.StringIO(text), file=file)


def decode_all(text: str, *, file: str | None = None) -> list[Interchange]:
    """Decode every interchange of a text held in memory (strict)."""
    return read_all(io.StringIO(text), file=file)


def validate(
    source: Source, *, file: str | None = None, relaxed: bool = False
) -> list[EdiDecodeError]:
    """Read leniently and return every error found (an empty list when the file is valid).

    ``relaxed=True`` reports counts (UNT, UNE, UNZ) that disagree and characters outside the
    declared character set as warnings instead (``edi validate --lenient``).
    """
    reader = EdiReader(source, lenient=True, file=file, relaxed=relaxed)
    try:
        for _ in reader:
            pass
    except EdiDecodeError as error:  # errors that stop reading (encoding, envelope start)
        if error not in reader.errors:
            reader.errors.append(error)
    return reader.errors


# --- writing ---------------------------------------------------------------------------


_UNB_HEADS: dict[tuple[Syntax, str, str, dt.datetime], str] = {}
"""UNB up to its control reference, per syntax, sender, recipient and time already written.

The same few partners and days recur in every interchange of a run: their identifiers are
checked and the head formatted once, not once per interchange (most interchanges are small
CONTRLs, whose envelope is a large share of their cost).
"""


def _unb_head(w: Writer, interchange: Interchange, charset: str) -> str:
    """``UNB+<charset>:3+<sender>:14+<recipient>:14+<date>:<time>+``, checked once per key."""
    sender, recipient, prepared = interchange.sender, interchange.recipient, interchange.prepared
    key = (w.syntax, sender, recipient, prepared)
    if type(sender) is str and type(recipient) is str and type(prepared) is dt.datetime:
        head = _UNB_HEADS.get(key)
        if head is not None:
            return head
    e, c = w.element, w.component
    sender = w.id(sender, "GLN", "sender")
    recipient = w.id(recipient, "GLN", "recipient")
    p = prepared
    head = (
        f"UNB{e}{charset}{c}3{e}{sender}{c}14{e}{recipient}{c}14"
        f"{e}{p.year % 100:02d}{p.month:02d}{p.day:02d}{c}{p.hour:02d}{p.minute:02d}{e}"
    )
    if type(prepared) is dt.datetime:  # a subclass may format differently: never kept
        if len(_UNB_HEADS) > 10_000:
            _UNB_HEADS.clear()
        _UNB_HEADS[key] = head
    return head


def _unb(w: Writer, interchange: Interchange, charset: str) -> str:
    """Write UNB from the interchange's fields, with the other elements of the UNB read.

    ``charset`` is the syntax identifier written. Return the control reference as written
    (UNZ repeats it).
    """
    prepared = interchange.prepared
    if not isinstance(prepared, dt.datetime) or not 2000 <= prepared.year <= 2099:
        raise w.fail(f"must be a datetime in 2000-2099, got {prepared!r}", "prepared")
    raw = interchange.raw
    if not raw:  # built in Python: nothing read to keep (the common, fast case)
        application = (
            w.text(interchange.application_ref, "application_ref", 14)
            if interchange.application_ref is not None
            else ""
        )
        reference = w.text(interchange.control_ref, "control_ref", 14)
        tail = reference
        if interchange.ack_request or interchange.test:
            parts = [
                reference,
                "",
                application,
                "",
                "1" if interchange.ack_request else "",
                "",
                "1" if interchange.test else "",
            ]
            while parts[-1] == "":
                parts.pop()
            tail = w.element.join(parts)
        elif application:
            tail = f"{reference}{w.element}{w.element}{application}"
        w.out.append(f"{_unb_head(w, interchange, charset)}{tail}{w.terminator}")
        return reference

    def kept(element: int, first: int = 1) -> tuple[str, ...]:
        parts = raw[element][first:] if element < len(raw) else []
        return tuple(w.syntax.escape(part) for part in parts)

    sender = w.id(interchange.sender, "GLN", "sender")
    sender_kept = kept(2, 2)
    recipient = w.id(interchange.recipient, "GLN", "recipient")
    recipient_kept = kept(3, 2)
    reference = w.text(interchange.control_ref, "control_ref", 14)
    w.seg(
        "UNB",
        (charset, "3"),
        (sender, "14", *sender_kept),
        (recipient, "14", *recipient_kept),
        (f"{prepared:%y%m%d}", f"{prepared:%H%M}"),
        reference,
        kept(6, 0),
        w.text(interchange.application_ref, "application_ref", 14)
        if interchange.application_ref is not None
        else "",
        kept(8, 0),
        "1" if interchange.ack_request else "",
        kept(10, 0),
        "1" if interchange.test else "",
    )
    return reference


def _raw_body(w: Writer, raw: RawMessage, ref: str) -> str:
    """The segments of a decoded message as read, in the writer's service characters."""
    separators, unh, body = raw
    texts = [unh, *body]
    if separators != w.syntax.separators:
        split = Tokenizer(syntax_for(separators, "UNOC")).split
        escape = w.syntax.escape
        texts = [
            w.element.join(w.component.join(escape(c) for c in element) for element in split(t))
            for t in texts
        ]
    term = w.terminator + w.newline
    text = term.join(texts) + term
    bad = w.syntax.bad_in_text.search(text.replace(w.terminator, "").replace("\n", ""))
    if bad:
        raise w.fail(f"{bad.group()!r} is not in character set {w.syntax.charset}", "")
    count = len(texts) + 1
    return text + f"UNT{w.element}{count}{w.element}{ref}{w.terminator}"


_UNH: dict[tuple[Syntax, str, str], str] = {}


def _unh_type(syntax: Syntax, edition: Edition, kind: str) -> str:
    """UNH's message identifier (S009) and terminator, once per type, edition and syntax."""
    key = (syntax, edition._value_, kind)
    text = _UNH.get(key)
    if text is None:
        if len(_UNH) > 1024:
            _UNH.clear()
        release = "3" if kind == "CONTRL" else edition.release
        code = ASSOCIATION_CODES[edition][kind]
        c = syntax.separators.component
        text = _UNH[key] = f"{kind}{c}D{c}{release}{c}UN{c}{code}{syntax.separators.terminator}"
    return text


@functools.lru_cache(maxsize=16)
def _separators_problem(separators: Separators) -> str | None:
    """:meth:`Separators.problem`, once per set of separators (they are frozen)."""
    return separators.problem()


_DEFAULT_SEPARATORS = Separators()
_DEFAULT_UNA = _DEFAULT_SEPARATORS.una()
_DEFAULT_SYNTAX = {
    charset: syntax_for(_DEFAULT_SEPARATORS, charset) for charset in WRITTEN_CHARSETS
}
_CODES = {edition._value_: codes for edition, codes in ASSOCIATION_CODES.items()}


def _open(
    interchange: Interchange, separators: Separators, una: bool, newlines: bool
) -> tuple[Writer, str]:
    """Check the interchange's service fields and write UNA and UNB.

    Return the writer of the messages (UNA and UNB in its :attr:`~Writer.out`) and the control
    reference as written, which UNZ repeats.
    """
    default = separators is _DEFAULT_SEPARATORS  # the common case: nothing to check or hash
    problem = None if default else _separators_problem(separators)
    if problem:
        raise EdiError(f"cannot write with these separators: {problem}", file="<builder>")
    charset = interchange.charset
    if charset not in CHARSETS:
        raise EdiError(
            f"must be one of {', '.join(CHARSETS)}, got {charset!r}",
            file="<builder>",
            field="charset",
        )
    written = charset if charset in WRITTEN_CHARSETS else "UNOC"
    syntax = _DEFAULT_SYNTAX[written] if default else syntax_for(separators, written)
    edition = interchange.edition
    if type(edition) is not Edition:
        raise EdiError(
            f"must be an Edition, got {interchange.edition!r}", file="<builder>", field="edition"
        )
    w = Writer(syntax, edition, "", "\n" if newlines else "")
    if una:
        w.out.append(_DEFAULT_UNA if default else separators.una())
    return w, _unb(w, interchange, written)


def _write_message(w: Writer, index: int, message: Message, refs: set[str]) -> None:
    """Append UNH, the body and UNT of ``messages[index]`` to the writer's :attr:`~Writer.out`.

    ``refs`` holds the message references already written (each must be unique).
    """
    kind_name = _TYPES.get(type(message))
    w.begin(index)
    if kind_name is None:
        raise w.fail(f"{type(message).__name__} is not an EANCOM message")
    ref = w.text(message.message_ref, ".message_ref", 14)
    if ref in refs:
        raise w.fail(f"message reference {ref!r} is used twice", ".message_ref")
    refs.add(ref)
    out = w.out
    raw = message.raw
    if raw is not None:
        out.append(_raw_body(w, raw, ref))
        return
    e = w.element
    first = len(out)
    out.append(f"UNH{e}{ref}{e}{_unh_type(w.syntax, w.edition, kind_name)}")
    if kind_name == "CONTRL":
        encode_contrl(w, message, _CODES[w.edition._value_])  # type: ignore[arg-type]
    else:
        _KINDS[kind_name].encode(w, message)
    count = len(out) - first + w.extra_segments + 1
    out.append(f"UNT{e}{count}{e}{ref}{w.terminator}")


def _unz(w: Writer, count: int, reference: str) -> str:
    """UNZ: the number of messages (or functional groups) and the control reference."""
    return f"UNZ{w.element}{count}{w.element}{reference}{w.terminator}"


def _lines(w: Writer) -> list[str]:
    """The writer's segments ready to be joined, each followed by its line break, if any."""
    end = w.newline
    return [end.join(w.out) + end] if end else w.out


def _iter_encode(
    interchange: Interchange, separators: Separators, una: bool, newlines: bool
) -> Iterator[list[str]]:
    """The interchange's text as lists of segment texts: the header, each message, UNZ.

    :func:`write` streams these, so that only one message's text is held at a time;
    :func:`encode` writes interchanges without functional groups in one list instead.
    """
    w, reference = _open(interchange, separators, una, newlines)
    yield _lines(w)
    syntax = w.syntax
    refs: set[str] = set()
    groups = list(interchange.groups or ())
    if groups and sum(count for _, count in groups) != len(interchange.messages):
        groups = []  # messages were added or removed: written without functional groups
    starts: dict[int, RawSegment] = {}
    ends: dict[int, RawSegment] = {}
    first = 0
    for ung, count in groups:
        if count:
            starts[first] = ung
            ends[first + count - 1] = ung
        first += count
    for index, message in enumerate(interchange.messages):
        w.reset("")
        if groups and index in starts:
            ung = starts[index]
            w.seg("UNG", *(tuple(syntax.escape(c) for c in element) for element in ung[1:]))
        _write_message(w, index, message, refs)
        if groups and index in ends:
            ung = ends[index]
            group_reference = syntax.escape(ung[5][0]) if len(ung) > 5 else ""
            w.seg("UNE", str(next(c for u, c in groups if u is ung)), group_reference)
        yield _lines(w)
    count = len([c for _, c in groups if c]) if groups else len(interchange.messages)
    yield [_unz(w, count, reference) + w.newline]


def encode(
    interchange: Interchange,
    *,
    separators: Separators | None = None,
    una: bool = True,
    newlines: bool = False,
) -> str:
    """Write an interchange as EANCOM text, checking every value on the way.

    ``newlines=True`` puts each segment on its own line (readers accept both). A bad value
    raises :class:`~crossdock.errors.EdiError` naming its field path, e.g.
    ``messages[2].lines[5].gtin``.
    """
    separators = separators or _DEFAULT_SEPARATORS
    if interchange.groups:
        pieces = _iter_encode(interchange, separators, una, newlines)
        return "".join(itertools.chain.from_iterable(pieces))
    # Without functional groups (the common case) every segment goes on one list, joined
    # once: most interchanges are small, and per-message lists and joins would cost them
    # a large share of their time.
    w, reference = _open(interchange, separators, una, newlines)
    refs: set[str] = set()
    for index, message in enumerate(interchange.messages):
        _write_message(w, index, message, refs)
    w.out.append(_unz(w, len(interchange.messages), reference))
    end = w.newline
    return end.join(w.out) + end if end else "".join(w.out)


def write(
    interchange: Interchange,
    target: str | Path | IO[bytes],
    *,
    separators: Separators | None = None,
    una: bool = True,
    newlines: bool = False,
) -> None:
    """Write an interchange to a file, message by message, in ISO 8859-1 bytes.

    An interchange read as UNOD is written in ISO 8859-2 bytes, as its syntax identifier says.
    """
    pieces = map(
        "".join, _iter_encode(interchange, separators or _DEFAULT_SEPARATORS, una, newlines)
    )
    encoding = ENCODINGS.get(interchange.charset, "latin-1")
    if isinstance(target, str | Path):  # whole or not at all; a failed write names the file
        with written_atomically(target) as handle:
            for piece in pieces:
                handle.write(piece.encode(encoding))
        return
    for piece in pieces:
        target.write(piece.encode(encoding))
