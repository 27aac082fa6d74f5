"""The EDI channel: the only way parties talk to each other.

A :class:`Channel` takes messages from senders and hands them to receivers by GLN. The
:class:`DirectChannel` passes message objects straight through on the day they are sent (the
default, and the fastest); :class:`crossdock.edi_bridge.EdiChannel` carries each message as an
EANCOM interchange — encoded, carried over a link that may lose, duplicate, delay or garble it,
acknowledged with CONTRL, retransmitted, decoded — behind the same methods. A run's channel is
chosen by :func:`crossdock.edi_bridge.make_channel` (``simulate(channel=...)``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Protocol, TypeVar

from crossdock.messages import Message

__all__ = ["Channel", "DirectChannel"]

M = TypeVar("M", bound=Message)


class Channel(Protocol):
    """Carries messages between parties, counting what it carries per day and type."""

    sent_by_day: Counter[tuple[int, str]]

    def send(self, message: Message) -> None:
        """Accept a message for delivery to ``message.receiver``."""
        ...

    def receive(self, receiver: str, kind: type[M], day: int) -> list[M]:
        """Hand over every message of type ``kind`` for ``receiver`` due by ``day``."""
        ...

    def reference(self, sender: str) -> str:
        """A new message reference, unique per sender."""
        ...

    def pending(self) -> list[Message]:
        """Messages sent and not yet received."""
        ...


class DirectChannel:
    """Delivers message objects unchanged, the same day; counts what it carries."""

    def __init__(self) -> None:
        self._boxes: dict[tuple[str, type], list[Message]] = defaultdict(list)
        self.sent: Counter[str] = Counter()
        self.sent_by_day: Counter[tuple[int, str]] = Counter()
        self._references: Counter[str] = Counter()

    def reference(self, sender: str) -> str:
        """A new message reference, unique per sender (UNH 0062)."""
        self._references[sender] += 1
        return f"{self._references[sender]:08d}"

    def send(self, message: Message) -> None:
        """Queue ``message`` for its receiver (counted unless it is internal to a company)."""
        self._boxes[(message.receiver, type(message))].append(message)
        if message.internal:
            return
        self.sent[type(message).__name__] += 1
        self.sent_by_day[(message.day, type(message).__name__)] += 1

    def receive(self, receiver: str, kind: type[M], day: int) -> list[M]:
        """Take every queued ``kind`` message for ``receiver`` sent on or before ``day``."""
        box = self._boxes.get((receiver, kind))
        if not box:
            return []
        due = [m for m in box if m.day <= day and isinstance(m, kind)]
        self._boxes[(receiver, kind)] = [m for m in box if m.day > day]
        return due

    def pending(self) -> list[Message]:
        """Messages sent and not yet received by anyone."""
        return [m for box in self._boxes.values() for m in box]
