"""UN/EDIFACT syntax: separators, character sets, escaping, and the streaming tokenizer.

This is the layer below the messages. The :class:`Tokenizer` cuts text into segment texts,
and splits a segment text into a *raw segment* — a list of data elements, each a list of
components, the tag being the single component of element 0: ``QTY+21:48'`` becomes
``[["QTY"], ["21", "48"]]``. :class:`Syntax` escapes values for writing.

The tokenizer is built for speed on large files: it cuts whole chunks with ``str.split`` and
only falls back to a character-by-character scan for the (rare) segments that contain the
release character. Character-set and trailing-empty checks run as one search per chunk; only
a chunk where one found something is searched segment by segment to locate it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

__all__ = [
    "CHARSETS",
    "ENCODINGS",
    "WRITTEN_CHARSETS",
    "RawSegment",
    "Separators",
    "Syntax",
    "Tokenizer",
    "syntax_for",
]

RawSegment = list[list[str]]
"""A segment as lists of components; ``segment[0][0]`` is the tag."""

# ISO 9735 level A (UNOA): upper-case letters, digits, space and a few punctuation marks.
_UNOA = "A-Z0-9 .,\\-()/='+:?!\"%&*;<>"
# ISO 9735 level B (UNOB): level A plus lower-case letters.
_UNOB = "A-Za-z0-9 .,\\-()/='+:?!\"%&*;<>"
# ISO 8859-1 graphic characters (UNOC).
_UNOC = "\\x20-\\x7e\\xa0-\\xff"
# ISO 8859-2 graphic characters (UNOD), as decoded from the file's bytes.
_UNOD = (
    "".join(re.escape(char) for char in bytes(range(0xA0, 0x100)).decode("iso8859-2"))
    + "\\x20-\\x7e"
)

CHARSETS: dict[str, str] = {"UNOA": _UNOA, "UNOB": _UNOB, "UNOC": _UNOC, "UNOD": _UNOD}
"""The syntax identifiers (character repertoires) crossdock reads."""
WRITTEN_CHARSETS = ("UNOA", "UNOB", "UNOC", "UNOD")
"""The syntax identifiers crossdock writes: UNOC for what it makes; an interchange read in
another one is written back in it (always syntax version 3)."""
ENCODINGS: dict[str, str] = {"UNOD": "iso8859-2"}
"""The byte encoding of a syntax identifier, where it is not ISO 8859-1."""


@dataclass(frozen=True, slots=True)
class Separators:
    """The six service characters, as a UNA service string advice declares them."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    reserved: str = " "
    terminator: str = "'"

    @classmethod
    def from_una(cls, una: str) -> Separators:
        """Read the nine characters ``UNA:+.? '``."""
        chars = una[3:9]
        return cls(*chars)

    def una(self) -> str:
        """Return the UNA service string advice that declares these separators."""
        return (
            f"UNA{self.component}{self.element}{self.decimal}"
            f"{self.release}{self.reserved}{self.terminator}"
        )

    def problem(self) -> str | None:
        """Why these separators cannot be used, or ``None`` when they can."""
        chars = (self.component, self.element, self.decimal, self.release, self.terminator)
        if any(len(c) != 1 for c in (*chars, self.reserved)):
            return "every service character must be exactly one character"
        if len(set(chars)) != len(chars):
            return f"service characters {''.join(chars)!r} are not all different"
        if any(c.isalnum() or c in "\r\n" for c in chars):
            return f"service characters {''.join(chars)!r} include a letter, digit or newline"
        if self.decimal not in ".,":
            return f"decimal mark must be '.' or ',', not {self.decimal!r}"
        return None


class Syntax:
    """Precompiled helpers for one set of separators and one character set."""

    def __init__(self, separators: Separators, charset: str) -> None:
        self.separators = separators
        self.charset = charset
        s = separators
        self._specials = (s.release, s.terminator, s.element, s.component)
        self._escape_table = str.maketrans({c: s.release + c for c in self._specials})
        # The service characters a UNA declares are allowed whatever the repertoire.
        allowed = CHARSETS[charset] + "".join(
            re.escape(c) for c in (s.component, s.element, s.decimal, s.release, s.terminator)
        )
        term = re.escape(s.terminator)
        # Any character outside the repertoire; a line break that does not follow a segment
        # terminator or another line break.
        self.bad_in_chunk = re.compile(f"[^{allowed}\r\n]")
        self.stray_break = re.compile(f"(?<![{term}\r\n])[\r\n]")
        self.bad_in_text = re.compile(f"[^{allowed}]")
        # For the one-byte repertoires, the bytes allowed: deleting them from a chunk's
        # ISO 8859-1 bytes leaves nothing when every character is allowed (one C pass).
        self._allowed_bytes: bytes | None = None
        if charset != "UNOD" and all(
            ord(c) < 256 for c in (s.component, s.element, s.decimal, s.release, s.terminator)
        ):
            self._allowed_bytes = _allowed_bytes(allowed)

    def all_allowed(self, text: str) -> bool:
        """Whether every character of ``text`` is in the repertoire (line breaks allowed)."""
        if self._allowed_bytes is None:
            return self.bad_in_chunk.search(text) is None
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError:
            return False
        return not data.translate(None, self._allowed_bytes)

    def escape(self, value: str) -> str:
        """Put the release character before every service character in ``value``."""
        return value.translate(self._escape_table)


@functools.lru_cache(maxsize=64)
def _allowed_bytes(allowed: str) -> bytes:
    """The bytes (as ISO 8859-1 characters) of a regex character class, and line breaks."""
    pattern = re.compile(f"[{allowed}\r\n]")
    return bytes(b for b in range(256) if pattern.fullmatch(chr(b)))


@functools.lru_cache(maxsize=64)
def _mark_pattern(terminator: str, marks: frozenset[str]) -> re.Pattern[str]:
    """A terminator followed by one of the tags ``marks`` (see :attr:`Tokenizer.marks`)."""
    tags = "|".join(re.escape(tag) for tag in sorted(marks))
    return re.compile(f"{re.escape(terminator)}(?:{tags})")


@functools.lru_cache(maxsize=64)
def syntax_for(separators: Separators, charset: str) -> Syntax:
    """A shared :class:`Syntax` per service characters and character set (built once)."""
    return Syntax(separators, charset)


def _split_escaped(text: str, s: Separators) -> RawSegment:
    """Split one segment that contains release characters, character by character."""
    segment: RawSegment = []
    element: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == s.release:
            nxt = next(chars, None)
            if nxt is None:
                current.append(char)  # a dangling release character: kept, reported later
            else:
                current.append(nxt)
        elif char == s.component:
            element.append("".join(current))
            current = []
        elif char == s.element:
            element.append("".join(current))
            segment.append(element)
            element, current = [], []
        else:
            current.append(char)
    element.append("".join(current))
    segment.append(element)
    return segment


def _trailing_empty(segment: RawSegment) -> bool:
    """Whether a segment has a trailing empty data element or component."""
    if len(segment) > 1 and segment[-1] == [""]:
        return True
    return any(len(element) > 1 and element[-1] == "" for element in segment)


def _odd_release_tail(text: str, release: str) -> bool:
    """Whether ``text`` ends with an odd number of release characters (an escaped separator)."""
    stripped = text.rstrip(release)
    return (len(text) - len(stripped)) % 2 == 1


class Tokenizer:
    """Cut a stream of text chunks into segment texts (escapes kept, separators not split).

    Each call to :meth:`feed` returns the complete segments of the text seen so far, as pairs
    ``(parts, bad)``: ``parts`` are the segments' texts without terminator or leading line
    breaks, and ``bad`` maps an index in ``parts`` to the first character outside the
    character set (or a stray line break) found in it, or to ``""`` when the segment ends an
    element or the segment with an empty value (never allowed). Most chunks need no Python
    loop at all: splitting is ``str.split`` and the checks are substring and regex searches
    over the whole chunk, with a per-segment look only where one of them found something.
    """

    def __init__(self, syntax: Syntax, marks: frozenset[str] = frozenset()) -> None:
        self.syntax = syntax
        self._carry = ""
        self._previous = syntax.separators.terminator
        s = syntax.separators
        self._empties = (s.component + s.element, s.component + s.terminator)
        self._ends = (s.element, s.component)
        self._marks = marks
        self._mark = _mark_pattern(s.terminator, marks) if marks else None
        self.marks: list[int] | None = None
        """After :meth:`feed`: the indices of the parts whose first three characters are one
        of ``marks`` (the envelope tags a reader looks for), or ``None`` when the chunk has
        escapes or stray line breaks and the reader must look at each part itself."""

    def split(self, part: str) -> RawSegment:
        """Split one segment text into data elements and components, resolving escapes."""
        s = self.syntax.separators
        if s.release in part:
            return _split_escaped(part, s)
        return [e.split(s.component) for e in part.split(s.element)]

    def feed(self, text: str) -> tuple[list[str], dict[int, str]]:
        """Tokenize one more chunk; an unfinished last segment is kept for the next call."""
        s = self.syntax.separators
        term, rel = s.terminator, s.release
        self.marks = None
        buffer = self._carry + text
        if not buffer:
            return [], {}
        breaks = "\n" in buffer or "\r" in buffer
        if breaks:
            # Line breaks after terminators (the common layout) are removed in two C passes;
            # only a chunk with a break elsewhere needs the per-segment look below.
            cleaned = buffer.replace(term + "\r\n", term).replace(term + "\n", term)
            if self._previous in (term, "\r", "\n"):
                cleaned = cleaned.lstrip("\r\n")
            if "\n" not in cleaned and "\r" not in cleaned:
                buffer, breaks = cleaned, False
                if not buffer:
                    self._previous = term
                    return [], {}
        hit = not self.syntax.all_allowed(buffer) or (
            breaks and self.syntax.stray_break.search(self._previous + buffer, 1)
        )
        self._previous = buffer[-1]
        parts = buffer.split(term)
        carry = parts.pop()
        if rel in buffer:
            parts, carry = self._rejoin(parts, carry)
        if breaks:
            parts = [p.lstrip("\r\n") if p[:1] in "\r\n" else p for p in parts]
        self._carry = carry
        if self._mark is not None and rel not in buffer and not breaks:
            self.marks = self._find_marks(buffer, len(parts))
        bad: dict[int, str] = {}
        e1, e2 = self._empties
        if e1 in buffer or e2 in buffer or (s.element + term) in buffer:
            ends = self._ends
            for position, part in enumerate(parts):
                if rel in part:
                    if _trailing_empty(_split_escaped(part, s)):
                        bad[position] = ""
                elif part[-1:] in ends or e1 in part:
                    bad[position] = ""
        if hit:
            search = self.syntax.bad_in_text.search
            for position, part in enumerate(parts):
                found = search(part)
                if found and position not in bad:
                    bad[position] = found.group()
        return parts, bad

    def _find_marks(self, buffer: str, count: int) -> list[int]:
        """The parts of ``buffer.split(terminator)`` that start with a mark, found in the text.

        One regex scan and one ``str.count`` between two marks, in C: no look at the (many)
        segments between them.
        """
        assert self._mark is not None
        term = self.syntax.separators.terminator
        marks = [0] if count and buffer[:3] in self._marks else []
        seen, last = 0, 0
        for found in self._mark.finditer(buffer):
            end = found.start() + 1
            seen += buffer.count(term, last, end)
            last = end
            if seen < count:
                marks.append(seen)
        return marks

    def _rejoin(self, parts: list[str], carry: str) -> tuple[list[str], str]:
        """Glue back segments split at an escaped terminator (``?'``)."""
        s = self.syntax.separators
        term, rel = s.terminator, s.release
        joined: list[str] = []
        index, count = 0, len(parts)
        while index < count:
            part = parts[index]
            index += 1
            if rel in part:
                while _odd_release_tail(part, rel) and index < count:
                    part = part + term + parts[index]
                    index += 1
                if _odd_release_tail(part, rel):  # the escaped terminator ends this chunk
                    return joined, part + term + carry
            joined.append(part)
        return joined, carry

    def leftover(self) -> str:
        """Text after the last terminator (only line breaks are allowed there at the end)."""
        return self._carry
