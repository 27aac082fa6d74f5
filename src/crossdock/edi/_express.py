"""Express lane: read a whole interchange written the canonical way without the state machine.

:func:`~crossdock.edi.decode` first tries :func:`read_express`. It accepts only an
interchange as crossdock's encoder writes it with the default service characters: ``UNA``,
``UNB`` (UNOC, syntax version 3, no password, acknowledgement request or test indicator),
messages ``UNH ... UNT`` outside functional groups, each accepted by its message type's fast
lane (see ``_fastlane``), and ``UNZ`` ending the text; no release character after the UNA,
no line break but after a segment terminator (one segment a line), every character in UNOC. It locates the envelope segments with ``str.find``,
checks them with one regular expression each, and hands each message body to the fast lane,
so a small interchange (a CONTRL) is read without tokenizing it segment by segment and a
large one without the tokenizer's per-chunk passes.

Anything else, every interchange with an error included, returns ``None`` and is read by the
general reader, which accepts every valid variant and locates problems: so the express lane
changes speed, never results. The tests read the same interchanges both ways and compare.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from crossdock.edi._elements import valid_glns
from crossdock.edi._model import Edition, Interchange
from crossdock.edi._syntax import Separators, syntax_for

__all__ = ["Envelope", "read_envelope", "read_express"]

_SEPARATORS = Separators()
_UNA = _SEPARATORS.una()
_SYNTAX = syntax_for(_SEPARATORS, "UNOC")
assert _SYNTAX._allowed_bytes is not None
_PLAIN_BYTES = bytes(b for b in _SYNTAX._allowed_bytes if b not in b"?\r\n")
"""The bytes of UNOC text with the default separators, but the release character and line
breaks (which the express lane leaves to the general reader)."""
_VALUE = r"[0-9A-Za-z \-./]{1,14}"
_UNB = re.compile(
    rf"UNB\+UNOC:3\+([0-9]{{13}}):14\+([0-9]{{13}}):14\+([0-9]{{6}}):([0-9]{{4}})"
    rf"\+({_VALUE})(?:\+\+({_VALUE}))?'",
    re.ASCII,
)
_UNH = re.compile(
    rf"UNH\+({_VALUE})\+([A-Z]{{6}}):D:([0-9A-Z]{{1,3}}):UN:(EAN[0-9]{{3}})'", re.ASCII
)
_UNT = re.compile(rf"UNT\+([1-9][0-9]{{0,5}})\+({_VALUE})'", re.ASCII)
_UNZ = re.compile(rf"UNZ\+([1-9][0-9]{{0,5}})\+({_VALUE})'", re.ASCII)

Lane = Callable[[list[str] | str, Edition, str, Separators], Any]


_PREPARED: dict[tuple[str, str], dt.datetime | None] = {}
"""UNB dates and times already read (a few per run)."""


def _prepared(day: str, time: str) -> dt.datetime | None:
    key = (day, time)
    if key in _PREPARED:
        return _PREPARED[key]
    if len(_PREPARED) > 10_000:
        _PREPARED.clear()
    try:
        found: dt.datetime | None = dt.datetime(
            2000 + int(day[:2]), int(day[2:4]), int(day[4:]), int(time[:2]), int(time[2:])
        )
    except ValueError:
        found = None
    _PREPARED[key] = found
    return found


@dataclass(slots=True)
class Envelope:
    """A canonical interchange as the express lane read it, each message as its lane gave it.

    ``messages`` holds, per message: reference, type, what the lane returned, the UNH text and
    the body's segment texts.
    """

    sender: str
    recipient: str
    control_ref: str
    prepared: dt.datetime
    edition: Edition
    application_ref: str | None
    unb_text: str
    """The UNB segment, without its terminator."""
    messages: list[tuple[str, str, Any, str, list[str] | str]]

    @property
    def unb(self) -> list[list[str]]:
        """The UNB segment's elements, each a list of its components."""
        return [element.split(":") for element in self.unb_text.split("+")]


def read_envelope(
    text: str,
    lanes: Mapping[str, Lane | None],
    releases: Mapping[str, Edition],
    contrl_editions: Mapping[str, Edition],
    *,
    split: bool = True,
    data: bytes | None = None,
) -> Envelope | None:
    """The envelope of ``text`` if it is canonical (module docstring), else ``None``.

    ``lanes`` maps a message type to the function reading a canonical body (a fast lane, or
    a reader into columns), ``releases`` a directory release (``01B``) to its edition and
    ``contrl_editions`` a CONTRL association code to its edition, as the general reader has
    them. A lane returning ``None`` declines the whole interchange. Each lane gets the body's
    segment texts, or with ``split=False`` its text (every segment terminated), which saves
    splitting and joining again when the caller keeps no raw segments. ``data`` is the text
    encoded in Latin-1, when the caller has it.
    """
    if "\n" in text and "\r" not in text:
        text = text.replace("'\n", "'")  # one segment a line: a layout the reader ignores
        data = None
    if not text.startswith(_UNA) or not text.endswith("'"):
        return None
    if data is None:
        try:
            data = text.encode("latin-1")
        except UnicodeEncodeError:
            return None
    # One C pass: deleting every UNOC character but the release character and line breaks
    # leaves only the UNA's release character when the text has no other.
    if data.translate(None, _PLAIN_BYTES) != b"?":
        return None
    unb = _UNB.match(text, 9)
    if unb is None:
        return None
    sender, recipient, day, time, control_ref, application = unb.groups()
    prepared = _prepared(day, time)
    if prepared is None or not valid_glns(sender, recipient):
        return None
    messages: list[tuple[str, str, Any, str, list[str] | str]] = []
    refs: set[str] = set()
    edition: Edition | None = None
    position = unb.end()
    end = len(text)
    while text.startswith("UNH+", position):
        unh = _UNH.match(text, position)
        if unh is None:
            return None
        ref, kind, release, association = unh.groups()
        lane = lanes.get(kind)
        if lane is None or ref in refs:
            return None
        refs.add(ref)
        if kind == "CONTRL":
            if release != "3":
                return None
            found = edition or contrl_editions.get(association, Edition.EANCOM_2002)
        else:
            found = releases.get(release)  # type: ignore[assignment]
            if found is None:
                return None
        if edition is None:
            edition = found
        elif found is not edition:
            return None
        start = unh.end()
        stop = text.find("'UNT+", start - 1, end)
        if stop < 0:
            return None
        unt = _UNT.match(text, stop + 1)
        if unt is None or unt.group(2) != ref:
            return None
        if int(unt.group(1)) != text.count("'", start, stop + 1) + 2:
            return None
        body: list[str] | str = text[start : stop + 1]
        if split:
            body = text[start : stop + 1].split("'")
            body.pop()  # the empty text after the last terminator
        value = lane(body, edition, ref, _SEPARATORS)
        if value is None:
            return None
        messages.append((ref, kind, value, text[position : start - 1], body))
        position = unt.end()
    unz = _UNZ.match(text, position)
    if unz is None or unz.end() != end or not messages:
        return None
    if int(unz.group(1)) != len(messages) or unz.group(2) != control_ref:
        return None
    return Envelope(
        sender=sender,
        recipient=recipient,
        control_ref=control_ref,
        prepared=prepared,
        edition=edition or Edition.EANCOM_2002,
        application_ref=application,
        unb_text=text[unb.start() : unb.end() - 1],
        messages=messages,
    )


def read_express(
    text: str,
    fast: Mapping[str, Lane | None],
    releases: Mapping[str, Edition],
    contrl_editions: Mapping[str, Edition],
) -> Interchange | None:
    """The interchange of ``text`` if it is canonical, else ``None`` (see the module docstring).

    ``fast`` maps a message type to its fast lane; see :func:`read_envelope`.
    """
    envelope = read_envelope(text, fast, releases, contrl_editions)
    if envelope is None:
        return None
    messages = []
    for _, _, message, unh_text, body in envelope.messages:
        object.__setattr__(message, "raw", (_SEPARATORS, unh_text, body))
        messages.append(message)
    interchange = Interchange(
        sender=envelope.sender,
        recipient=envelope.recipient,
        control_ref=envelope.control_ref,
        prepared=envelope.prepared,
        messages=tuple(messages),
        edition=envelope.edition,
        charset="UNOC",
        application_ref=envelope.application_ref,
    )
    object.__setattr__(interchange, "raw", envelope.unb)
    return interchange
