"""The goods channel: the only way goods pass from one party to another.

Goods travel as :class:`Consignment` objects, as messages travel on the message channel
(:mod:`crossdock.channel`): a shipper hands one over with :meth:`GoodsChannel.ship`, and the
receiving party takes it in with :meth:`GoodsChannel.arrivals` on its arrival day. A
consignment names its sender and receiver by GLN and its carrier (``None`` for a handover on
one site, such as a factory's output into its supplier's warehouse). The carrier takes the
day's consignments for it with :meth:`GoodsChannel.loads`: it routes and loads them, counts
trucks and km, and holds them as its stock on the road, but never touches a party.

Quantities are per delivery location and item, as in messages: ``quantity[len(locations),
len(items)]``, with ``locations`` indices of the receiver's locations (the stores a platform's
pallets are for, or the one DC) and ``items`` indices of the scenario's SKUs. A consignment's
arrays are never changed after it is shipped, so they may be shared with the despatch advice
that announces it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from crossdock._kernels import column_sums
from crossdock.messages import QUANTITY, quantities

__all__ = ["Consignment", "DirectGoodsChannel", "GoodsChannel"]


@dataclass(frozen=True, slots=True, eq=False)
class Consignment:
    """Goods on their way from one party to another (the physical side of a DESADV).

    ``receiver_kind`` says which kind of location ``locations`` index (``"store"``,
    ``"platform"``, ``"dc"``, ``"supplier"``, or a kind a user's party adds); ``sender_kind``
    and ``origin`` say which location sent it (its index among the locations of its kind),
    ``destination`` which one receives it (``-1`` where ``locations`` lists several, as for a
    depot's store deliveries); ``locations`` are the rows of the receiver's stock the goods
    go to (stores for a platform's pre-allocated pallets or for store deliveries); ``sscc_first`` and ``pallets`` are
    the SSCC serials on it (``0`` for goods that move without pallets); ``row_pallets``, where
    the sender counted them apart, the pallets of each row (``None``: not given; they sum to
    ``pallets``), so that the carrier plans a depot's stops without counting them again.
    ``collection`` is the
    GLN of the party that booked a collection run for it (the planner of its items): the
    carrier picks up every consignment of one collection for one destination shipped on one
    day on shared milk runs (``""``: a direct truckload of its own).
    """

    sender: str
    receiver: str
    carrier: str | None
    ship_day: int
    arrival_day: int
    receiver_kind: str
    sender_kind: str = ""
    origin: int = 0
    destination: int = -1
    locations: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64), repr=False)
    items: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    quantity: np.ndarray = field(default_factory=lambda: np.zeros((1, 0), QUANTITY), repr=False)
    pallets: int = 0
    sscc_first: int = 0
    collection: str = ""
    row_pallets: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # int32, as the DESADV that announces it (crossdock.messages.quantities): one array
        # for both, not an int64 consignment beside an int32 advice
        object.__setattr__(self, "quantity", quantities(self.quantity, "Consignment.quantity"))

    @property
    def total(self) -> np.ndarray:
        """Units per item over all locations."""
        return column_sums(self.quantity)


class GoodsChannel(Protocol):
    """Carries consignments between parties."""

    def ship(self, consignment: Consignment) -> None:
        """Accept goods for delivery to ``consignment.receiver`` on its arrival day."""
        ...

    def arrivals(self, receiver: str, day: int) -> list[Consignment]:
        """Hand over every consignment for ``receiver`` due by ``day``, in the order shipped."""
        ...

    def loads(self, carrier: str, day: int) -> list[Consignment]:
        """The consignments shipped on ``day`` for ``carrier`` to move, in the order shipped."""
        ...

    def in_transit(self) -> list[Consignment]:
        """Consignments shipped and not yet taken in."""
        ...


class DirectGoodsChannel:
    """Keeps consignments by receiver until their arrival day; transit takes no work here."""

    def __init__(self) -> None:
        self._boxes: dict[str, list[Consignment]] = defaultdict(list)
        self._loads: dict[tuple[str, int], list[Consignment]] = defaultdict(list)

    def ship(self, consignment: Consignment) -> None:
        """Queue ``consignment`` for its receiver (and its carrier's loads of the day)."""
        if consignment.arrival_day < consignment.ship_day:
            raise ValueError(
                f"consignment from {consignment.sender} arrives (day {consignment.arrival_day}) "
                f"before it ships (day {consignment.ship_day})"
            )
        self._boxes[consignment.receiver].append(consignment)
        if consignment.carrier is not None:
            self._loads[(consignment.carrier, consignment.ship_day)].append(consignment)

    def deliver(self, consignment: Consignment) -> None:
        """Queue a consignment whose carrier has already taken it, for its receiver only.

        A sharded run's shards get their stores' deliveries this way from the driver, where
        the carrier runs: queued for the carrier too, as :meth:`ship` does, they would stay
        in the shard to the end of the run, since no carrier takes loads there.
        """
        self._boxes[consignment.receiver].append(consignment)

    def arrivals(self, receiver: str, day: int) -> list[Consignment]:
        """Take every consignment for ``receiver`` arriving on or before ``day``."""
        box = self._boxes.get(receiver)
        if not box:
            return []
        due = [c for c in box if c.arrival_day <= day]
        if due:
            self._boxes[receiver] = [c for c in box if c.arrival_day > day]
        return due

    def loads(self, carrier: str, day: int) -> list[Consignment]:
        """Take the consignments shipped on ``day`` for ``carrier``."""
        return self._loads.pop((carrier, day), [])

    def in_transit(self) -> list[Consignment]:
        """Consignments not yet taken in by their receivers."""
        return [c for box in self._boxes.values() for c in box]
