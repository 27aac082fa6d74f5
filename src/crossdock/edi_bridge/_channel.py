"""The EDI channel: every message between parties travels as an EANCOM interchange.

The sender's message is translated (:class:`~crossdock.edi_bridge.EdiBridge`) and encoded into
an interchange from its GLN to the receiver's; the bytes cross a link that may lose,
duplicate, delay or garble them; the receiver's side decodes them, answers with a CONTRL
(accepted, or rejected with the syntax error code), drops what it has seen before (same
interchange reference, or same message reference from the same sender) and hands the
simulation message over. A sender retransmits every interchange not acknowledged within
``ack_timeout_days``. CONTRLs cross the same faulty link and are never acknowledged themselves.

Time: the channel keeps the day of the latest call. An interchange due on a later day is
delivered when the first party calls the channel on that day, before anything else happens on
it, and the retransmission timers run right after; an interchange due on the day it is sent is
delivered at once, so a message sent in one phase is read in a later phase of the same day, as
with :class:`~crossdock.channel.DirectChannel`.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from crossdock import edi
from crossdock._files import write_file
from crossdock.channel import DirectChannel, M
from crossdock.edi_bridge._bridge import EANCOM_TYPES, EdiBridge
from crossdock.edi_bridge._wire import contrl_text, read_acceptance, read_wire, wire_message
from crossdock.edi_bridge._wire_pallets import despatch_text, receipt_text
from crossdock.edi_bridge._wire_text import inventory_text, order_text, response_text, sales_text
from crossdock.errors import EdiError
from crossdock.messages import (
    DespatchAdvice,
    InventoryReport,
    Message,
    Order,
    OrderResponse,
    ReceivingAdvice,
    SalesReport,
)
from crossdock.scenario import Scenario
from crossdock.scenario._edi_spec import EdiSpec
from crossdock.tables import EDI_COLUMNS

__all__ = ["EDI_COUNTERS", "EdiChannel", "Rejection", "syntax_error_code"]

#: What the channel counts per day (the ``edi_daily`` table's columns).
EDI_COUNTERS = EDI_COLUMNS
# Control characters a garbled byte becomes (no CR or LF: line breaks between segments are
# legal); every one is outside UNOA and UNOC, so a garbled interchange is always rejected.
_GARBLE = [c for c in range(1, 32) if c not in (10, 13)]
_UNB = re.compile(rb"UNB\+[^']*?\+([0-9]{13}):14\+([0-9]{13}):14\+[^']*?\+((?:[^'?+]|\?.)+)")
_FROM_ARRAYS: dict[type, Any] = {
    InventoryReport: inventory_text,
    SalesReport: sales_text,
    Order: order_text,
    DespatchAdvice: despatch_text,
    OrderResponse: response_text,
}
"""Messages written straight from their arrays (see ``_wire_text``)."""
_ERROR_CODES = (
    ("character set", "21"),  # invalid character(s)
    ("not a number", "12"),  # invalid value
    ("counts", "29"),  # control count does not match
    ("missing", "13"),  # missing
    ("truncated", "13"),
    ("end of", "13"),
    ("unknown segment", "14"),  # value not supported in this position
)


def syntax_error_code(error: EdiError) -> str:
    """The UN/EDIFACT syntax error code (data element 0085) a CONTRL gives for ``error``."""
    text = error.message.lower()
    for words, code in _ERROR_CODES:
        if words in text:
            return code
    return "18"  # unspecified error


@dataclass(frozen=True, slots=True)
class Rejection:
    """An interchange a receiver rejected: when, whose, and the error its CONTRL names."""

    day: int
    sender: str
    receiver: str
    control_ref: str
    code: str
    error: str


@dataclass(slots=True)
class _Outgoing:
    """An interchange its sender has not seen acknowledged yet."""

    message: Message
    sender: str
    receiver: str
    control_ref: str
    data: bytes
    sent_day: int


@dataclass(order=True, slots=True)
class _Transit:
    """One copy of an interchange on the link."""

    arrival: int
    seq: int
    sender: str = field(compare=False)
    receiver: str = field(compare=False)
    data: bytes = field(compare=False)
    contrl: bool = field(compare=False)


class EdiChannel(DirectChannel):
    """Carries messages as EANCOM interchanges (see the module docstring).

    ``settings`` (default: the scenario's ``edi:`` section) gives the editions and fault rates;
    the faults draw from their own random stream of ``seed``. ``archive`` is a folder that
    receives every interchange sent, CONTRLs and retransmissions included, as
    ``<sender GLN>/<receiver GLN>/<day>-<interchange reference>.edi`` (day zero-padded to 4).

    Counters: ``sent`` and ``sent_by_day`` count the parties' messages as
    :class:`DirectChannel` does; ``daily[(day, counter)]`` counts the link's work
    (:data:`EDI_COUNTERS`); ``rejections`` lists each rejected interchange with its error;
    ``deliveries[(sender, reference)]`` how many times each message reached its receiver.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int = 0,
        settings: EdiSpec | None = None,
        archive: str | Path | None = None,
    ) -> None:
        super().__init__()
        self.bridge = EdiBridge(scenario)
        self.settings = settings if settings is not None else scenario.spec.edi
        self.archive = Path(archive) if archive is not None else None
        self._newlines = self.archive is not None  # one segment a line, for people to read
        s = self.settings
        self._faulty = bool(s.loss_rate or s.duplication_rate or s.delay_rate or s.corruption_rate)
        self._rng = np.random.default_rng(np.random.SeedSequence([seed, 0xED1]))
        self._default = edi.Edition[s.edition]
        self._editions = {gln: edi.Edition[e] for gln, e in s.partner_editions.items()}
        self._today = 0
        self._seq = 0
        self._link: list[_Transit] = []
        self._unacked: dict[tuple[str, str], _Outgoing] = {}
        self._seen: set[tuple[str, str]] = set()
        self._seen_messages: set[tuple[str, str]] = set()
        self._control_refs: Counter[str] = Counter()
        self.daily: Counter[tuple[int, str]] = Counter()
        self.rejections: list[Rejection] = []
        self.deliveries: Counter[tuple[str, str]] = Counter()

    # -- the parties' side -------------------------------------------------------------------
    def send(self, message: Message) -> None:
        """Encode ``message`` into an interchange and put it on the link."""
        if message.internal:  # a company's own figures: never EDI, never counted
            self._boxes[(message.receiver, type(message))].append(message)
            return
        day = message.day
        self._advance(day)
        name = type(message).__name__
        self.sent[name] += 1
        self.sent_by_day[(day, name)] += 1
        if type(message) not in EANCOM_TYPES:  # no EANCOM counterpart in the codec yet
            self._count(day, "unencoded")
            self._hand_over(message)
            return
        sender, receiver = message.sender, message.receiver
        control_ref = self._next_ref(sender)
        edition = self._edition(sender, receiver)
        text = None
        write = _FROM_ARRAYS.get(type(message)) if not self._newlines else None
        if write is not None:
            text = write(  # the commonest messages, written straight from their arrays
                message,
                self.bridge.master,
                control_ref=control_ref,
                edition=edition,
                prepared=self.bridge.interchange_time(day),
            )
            if text is not None and isinstance(message, DespatchAdvice):
                self.bridge.note_despatch(message)  # for the receiving advice's SSCCs
        elif isinstance(message, ReceivingAdvice) and not self._newlines:
            first = self.bridge.despatch_sscc_first(message.receiver, message.despatch_number)
            if first is not None:  # else the bridge names the missing despatch advice
                text = receipt_text(
                    message,
                    self.bridge.master,
                    first,
                    control_ref=control_ref,
                    edition=edition,
                    prepared=self.bridge.interchange_time(day),
                )
        if text is None:
            interchange = self.bridge.interchange(message, control_ref=control_ref, edition=edition)
            text = edi.encode(interchange, newlines=self._newlines)
        data = text.encode("latin-1")
        out = _Outgoing(message, sender, receiver, control_ref, data, day)
        self._unacked[(sender, control_ref)] = out
        self._count(day, "interchanges")
        self._transmit(out.sender, out.receiver, control_ref, data, day, contrl=False)

    def receive(self, receiver: str, kind: type[M], day: int) -> list[M]:
        """Every ``kind`` message for ``receiver`` delivered by ``day``."""
        self._advance(day)
        return super().receive(receiver, kind, day)

    def pending(self) -> list[Message]:
        """Messages not yet taken by their receiver, those still on the link included."""
        waiting = [out.message for key, out in self._unacked.items() if key not in self._seen]
        return super().pending() + waiting

    # -- totals ------------------------------------------------------------------------------
    def total(self, counter: str) -> int:
        """Sum of one of :data:`EDI_COUNTERS` over the run."""
        return sum(v for (_, name), v in self.daily.items() if name == counter)

    # -- the link ----------------------------------------------------------------------------
    def _count(self, day: int, counter: str, n: int = 1) -> None:
        self.daily[(day, counter)] += n

    def _next_ref(self, sender: str) -> str:
        self._control_refs[sender] += 1
        return f"{self._control_refs[sender]:09d}"

    def _edition(self, sender: str, receiver: str) -> edi.Edition:
        editions = self._editions
        if not editions:
            return self._default
        return editions.get(receiver) or editions.get(sender) or self._default

    def _transmit(
        self, sender: str, receiver: str, control_ref: str, data: bytes, day: int, *, contrl: bool
    ) -> None:
        """Archive the interchange and put its copies on the link."""
        self._count(day, "bytes", len(data))
        if self.archive is not None:
            # whole or not at all; a full disk is named (crossdock._files)
            write_file(self.archive / sender / receiver / f"{day:04d}-{control_ref}.edi", data)
        if not self._faulty:
            self._arrive(_Transit(day, self._tick(), sender, receiver, data, contrl), day)
            return
        s, rng = self.settings, self._rng
        lost, twice = rng.random(2) < (s.loss_rate, s.duplication_rate)
        if lost:
            self._count(day, "lost")
            return
        if twice:
            self._count(day, "duplicated")
        for _ in range(2 if twice else 1):
            delayed, garbled = rng.random(2) < (s.delay_rate, s.corruption_rate)
            arrival = day
            if delayed:
                self._count(day, "delayed")
                arrival += int(rng.integers(1, s.max_delay_days + 1))
            copy = data
            if garbled:
                self._count(day, "corrupted")
                copy = self._garble(data)
            self._arrive(_Transit(arrival, self._tick(), sender, receiver, copy, contrl), day)

    def _tick(self) -> int:
        self._seq += 1
        return self._seq

    def _garble(self, data: bytes) -> bytes:
        """A bad byte, or the end cut off, somewhere after the UNB segment."""
        start = data.index(b"'", data.index(b"UNB")) + 1
        rng = self._rng
        position = int(rng.integers(start, len(data)))
        if rng.random() < 0.5:
            return data[:position]
        bad = _GARBLE[int(rng.integers(len(_GARBLE)))]
        return data[:position] + bytes([bad]) + data[position + 1 :]

    def _arrive(self, transit: _Transit, day: int) -> None:
        if transit.arrival <= day:
            self._deliver(transit, day)
        else:
            heapq.heappush(self._link, transit)

    def _advance(self, day: int) -> None:
        """Move the clock to ``day``: deliver what is due each day, then retransmit."""
        while self._today < day:
            self._today += 1
            today = self._today
            link = self._link
            while link and link[0].arrival <= today:
                self._deliver(heapq.heappop(link), today)
            timeout = self.settings.ack_timeout_days
            for out in list(self._unacked.values()):
                if out.sent_day + timeout <= today:
                    out.sent_day = today
                    self._count(today, "retransmissions")
                    self._transmit(
                        out.sender, out.receiver, out.control_ref, out.data, today, contrl=False
                    )

    # -- the receiving side ------------------------------------------------------------------
    def _deliver(self, transit: _Transit, day: int) -> None:
        if transit.contrl:
            self._acknowledged(transit)
            return
        text = transit.data.decode("latin-1")
        envelope = read_wire(text, transit.data)  # canonical text: the express lane (see _wire)
        if envelope is not None:
            sender, recipient = envelope.sender, envelope.recipient
            control_ref = envelope.control_ref
            refs = [(ref, kind) for ref, kind, _, _, _ in envelope.messages]
        else:
            try:
                interchange = edi.decode(text)
            except EdiError as error:
                self._reject(transit, day, error)
                return
            sender, recipient = interchange.sender, interchange.recipient
            control_ref = interchange.control_ref
            refs = [(m.message_ref, m.MESSAGE_TYPE) for m in interchange.messages]
        key = (sender, control_ref)
        if key in self._seen or (sender, refs[0][0]) in self._seen_messages:
            self._count(day, "duplicates_dropped")
            self._answer(recipient, sender, control_ref, refs, day)
            return
        message = wire_message(self.bridge, envelope) if envelope is not None else None
        if message is None:
            try:
                if envelope is not None:
                    interchange = edi.decode(text)  # the general way, to name the error
                message = self.bridge.message(interchange)
            except EdiError as error:
                self._reject(transit, day, error)
                return
        self._seen.add(key)
        self._seen_messages.update((sender, ref) for ref, _ in refs)
        self._hand_over(message)
        self._answer(recipient, sender, control_ref, refs, day)

    def _hand_over(self, message: Message) -> None:
        self._boxes[(message.receiver, type(message))].append(message)
        self.deliveries[(message.sender, message.reference)] += 1

    def _reject(self, transit: _Transit, day: int, error: EdiError) -> None:
        """CONTRL rejecting a garbled interchange, if its UNB can still be read."""
        self._count(day, "rejected")
        code = syntax_error_code(error)
        match = _UNB.match(transit.data, transit.data.index(b"UNB"))
        control_ref = re.sub(rb"\?(.)", rb"\1", match.group(3)).decode("latin-1") if match else "?"
        self.rejections.append(
            Rejection(day, transit.sender, transit.receiver, control_ref, code, str(error))
        )
        if match is None:
            return  # nothing to answer: the sender will time out and send again
        report = edi.ContrlReport(
            message_ref="1",
            interchange_ref=control_ref,
            sender=transit.sender,
            recipient=transit.receiver,
            action=edi.SyntaxAction.REJECTED,
            error=code,
        )
        self._send_contrl(transit.receiver, transit.sender, report, day)

    def _answer(
        self,
        sender: str,
        receiver: str,
        control_ref: str,
        refs: list[tuple[str, str]],
        day: int,
    ) -> None:
        """CONTRL accepting interchange ``control_ref`` and each of its messages ``refs``."""
        ref = self._next_ref(sender)
        prepared = self.bridge.interchange_time(day)
        edition = self._edition(sender, receiver)
        answered = (control_ref, receiver, sender)
        text = (
            None
            if self._newlines
            else contrl_text(sender, receiver, ref, prepared, edition, answered, refs)
        )
        if text is None:  # not the common case the template writes: the encoder
            report = edi.ContrlReport(
                message_ref="1",
                interchange_ref=control_ref,
                sender=receiver,
                recipient=sender,
                action=edi.SyntaxAction.ACCEPTED,
                messages=tuple(
                    edi.MessageAck(
                        message_ref=message_ref, message_type=kind, action=edi.SyntaxAction.ACCEPTED
                    )
                    for message_ref, kind in refs
                ),
            )
            self._send_contrl(sender, receiver, report, day, ref)
            return
        self._count(day, "contrl")
        self._transmit(sender, receiver, ref, text.encode("latin-1"), day, contrl=True)

    def _send_contrl(
        self,
        sender: str,
        receiver: str,
        report: edi.ContrlReport,
        day: int,
        control_ref: str | None = None,
    ) -> None:
        control_ref = control_ref or self._next_ref(sender)
        interchange = edi.Interchange(
            sender=sender,
            recipient=receiver,
            control_ref=control_ref,
            prepared=self.bridge.interchange_time(day),
            messages=(report,),
            edition=self._edition(sender, receiver),
            application_ref="CONTRL",
        )
        data = edi.encode(interchange, newlines=self._newlines).encode("latin-1")
        self._count(day, "contrl")
        self._transmit(sender, receiver, control_ref, data, day, contrl=True)

    def _acknowledged(self, transit: _Transit) -> None:
        """A CONTRL reaches the original sender: an acceptance settles the interchange."""
        accepted = read_acceptance(transit.data)  # the receiver's template: one regex
        if accepted is not None:
            self._unacked.pop(accepted, None)
            return
        text = transit.data.decode("latin-1")
        envelope = read_wire(text)
        if envelope is not None and envelope.messages[0][1] == "CONTRL":
            interchange_ref, sender, action = envelope.messages[0][2]
            if action == edi.SyntaxAction.ACCEPTED.value:
                self._unacked.pop((sender, interchange_ref), None)
            return
        try:
            interchange = edi.decode(text)
        except EdiError:
            return  # a garbled CONTRL is dropped; the timeout covers it
        report = interchange.messages[0]
        if isinstance(report, edi.ContrlReport) and report.action is edi.SyntaxAction.ACCEPTED:
            self._unacked.pop((report.sender, report.interchange_ref), None)
