"""The messages parties exchange, close to their EANCOM counterparts.

Parties never read each other's state: everything one knows about another arrives as one of
these. Each carries sender and receiver GLNs, the day it was sent and a message reference;
item and location lists are integer indices into the scenario (``scenario.gtin[items]`` gives
the GTINs, ``scenario.store_gln[locations]`` the store GLNs), so a codec can write each as the
EANCOM message named in its docstring. Quantities are in consumer units.

Location × item quantities are int32, as the parties' books (4 bytes a cell: a national
chain's day of store reports is 100 M cells). Each message makes its own from whatever
integers it is given, checking that they fit (:func:`quantities`): that is the one boundary
where an int64 figure (a decoded EANCOM quantity, an upstream party's arithmetic) becomes a
store × item quantity, so an EDI round trip gives back the same arrays, dtype included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, ClassVar

import numpy as np

from crossdock._kernels import column_sums
from crossdock.errors import ScenarioError

__all__ = [
    "QUANTITY",
    "Delisting",
    "DespatchAdvice",
    "InventoryReport",
    "LineStatus",
    "Message",
    "Order",
    "OrderResponse",
    "ReceivingAdvice",
    "SalesReport",
    "ShelfPlan",
    "StorePositions",
    "quantities",
]

#: The dtype of every location × item quantity a message carries.
QUANTITY = np.int32
_LIMIT = int(np.iinfo(QUANTITY).max)


def quantities(values: np.ndarray, what: str = "quantity") -> np.ndarray:
    """``values`` as a message's int32 location × item quantities (the same array if it is).

    Integers outside int32 stop the run with a located error, never a silent wrap-around;
    an all-zero broadcast (no bytes per cell) stays one.
    """
    if not isinstance(values, np.ndarray):  # a shard's packed payload, say: left as it is
        return values
    array = values
    if array.dtype == QUANTITY or array.dtype.kind not in "iu":  # others are left to the codec
        return array
    if array.size:
        top, bottom = int(array.max()), int(array.min())
        if top > _LIMIT or bottom < -_LIMIT:
            raise ScenarioError(
                f"a message's {what} of {top if top > _LIMIT else bottom} units is more than a "
                f"location × item quantity can hold ({_LIMIT}): the scenario's quantities are "
                "too large",
                file="<scenario>",
                field=what,
            )
    if array.size and not any(array.strides):
        return np.broadcast_to(QUANTITY(array.flat[0]), array.shape)
    return array.astype(QUANTITY)


def _cast(message: object, *names: str) -> None:
    """Hold the named payloads of a (frozen) message as :func:`quantities`."""
    kind = type(message).__name__
    for name in names:
        object.__setattr__(message, name, quantities(getattr(message, name), f"{kind}.{name}"))


# weakref_slot: a party that sends views of its books (the stores' reports) keeps weak
# references to the messages, to give the ones still held their own copy before the books change
@dataclass(frozen=True, slots=True, eq=False, weakref_slot=True)
class Message:
    """Common header (UNB/UNH/BGM/DTM/NAD): who sent what to whom, when."""

    sender: str
    receiver: str
    day: int
    reference: str

    #: True for figures one company passes between its own systems (no EDI, not counted).
    internal: ClassVar[bool] = False


@dataclass(frozen=True, slots=True, eq=False)
class SalesReport(Message):
    """SLSRPT: units sold per location and item on ``day`` (several locations per message)."""

    locations: np.ndarray = field(repr=False)
    items: np.ndarray = field(repr=False)
    quantity: np.ndarray = field(repr=False)  # [len(locations), len(items)]

    def __post_init__(self) -> None:
        _cast(self, "quantity")


@dataclass(frozen=True, slots=True, eq=False)
class InventoryReport(Message):
    """INVRPT: stock on hand after trading, goods received today and backorders."""

    locations: np.ndarray = field(repr=False)
    items: np.ndarray = field(repr=False)
    on_hand: np.ndarray = field(repr=False)
    received: np.ndarray = field(repr=False)
    backorders: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        _cast(self, "on_hand", "received", "backorders")


@dataclass(frozen=True, slots=True, eq=False)
class Order(Message):
    """ORDERS: a purchase order for ``items``.

    ``quantity[len(locations), len(items)]`` splits each line by final location (the
    cross-dock pre-allocation, ``LOC+7`` with ``QTY+11`` per line in EANCOM); a plain order
    to one location has one row. ``ship_to`` is the index of the receiving platform or DC,
    ``ship_to_kind`` says which (``"platform"``, ``"dc"``, ``"supplier"``).
    """

    order_number: str = ""
    ship_to_kind: str = ""
    ship_to: int = 0
    locations: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    items: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    quantity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), QUANTITY), repr=False)

    def __post_init__(self) -> None:
        _cast(self, "quantity")

    @property
    def total(self) -> np.ndarray:
        """Units per item over all locations."""
        return column_sums(self.quantity)


class LineStatus(IntEnum):
    """ORDRSP line action codes (EANCOM 1229): accepted, changed, refused."""

    ACCEPTED = 5
    CHANGED = 3
    REFUSED = 7


@dataclass(frozen=True, slots=True, eq=False)
class OrderResponse(Message):
    """ORDRSP: per line, whether an order is accepted, changed (with the new quantity) or refused."""

    order_number: str = ""
    locations: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    items: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    quantity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), QUANTITY), repr=False)
    status: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    delivery_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    """Per line, the day the goods are promised for (empty: as requested)."""

    def __post_init__(self) -> None:
        _cast(self, "quantity")


@dataclass(frozen=True, slots=True, eq=False)
class DespatchAdvice(Message):
    """DESADV: goods despatched today, arriving on ``arrival_day``.

    ``quantity[len(locations), len(items)]`` is per final location (the store each pallet is
    for, ``NAD+UC``); pallets carry SSCCs ``sscc_first`` .. ``sscc_first + pallets - 1``
    (serials of the sender's SSCC range).
    """

    despatch_number: str = ""
    arrival_day: int = 0
    ship_to_kind: str = ""
    ship_to: int = 0
    locations: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    items: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    quantity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), QUANTITY), repr=False)
    pallets: int = 0
    sscc_first: int = 0

    def __post_init__(self) -> None:
        _cast(self, "quantity")


@dataclass(frozen=True, slots=True, eq=False)
class ReceivingAdvice(Message):
    """RECADV: goods received against a despatch advice (shortage or surplus shows here)."""

    despatch_number: str = ""
    locations: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    items: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    quantity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), QUANTITY), repr=False)

    def __post_init__(self) -> None:
        _cast(self, "quantity")


@dataclass(frozen=True, slots=True, eq=False)
class Delisting(Message):
    """The category captain's assortment change (a PRICAT line with a delisting action in EANCOM).

    ``items`` are every SKU the sender has delisted so far (it replaces the sender's previous
    list) at ``locations``, effective from the next day. ``substitutes`` and
    ``shares[len(items), len(substitutes)]`` say where each delisted SKU's shoppers turn
    (rows sum to 1, or 0 where nothing can replace it).
    """

    locations: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    items: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    substitutes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    shares: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)


@dataclass(frozen=True, slots=True, eq=False)
class StorePositions(Message):
    """The retailer's own store figures, from its stores' systems to its head office.

    Store ``s``'s position in item ``k`` is ``on_hand[s, k] + on_order[s, k] −
    backorders[s, k]`` after today's trading (:meth:`positions`; the head office sums it a few
    stores at a time, with no store × SKU array of its own), and ``advices`` are the despatch
    advices the stores read today. This is internal to the retailer: it never travels as EDI
    and is not counted as a message.
    """

    internal: ClassVar[bool] = True
    on_hand: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), QUANTITY), repr=False)
    on_order: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), QUANTITY), repr=False)
    backorders: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), QUANTITY), repr=False)
    advices: tuple[DespatchAdvice, ...] = ()
    #: the positions already summed, in place of the three books (a sharded run's shards
    #: send these: one store × SKU array to join instead of three); empty otherwise
    position: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), QUANTITY), repr=False)

    def __post_init__(self) -> None:
        _cast(self, "on_hand", "on_order", "backorders", "position")

    def positions(self, cells: Any = ...) -> np.ndarray:
        """On hand plus on order less backorders at ``cells`` (all by default), in int64."""
        if self.position.size:
            return self.position[cells].astype(np.int64)
        position = np.add(self.on_hand[cells], self.on_order[cells], dtype=np.int64)
        position -= self.backorders[cells]
        return position

    def books(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Three store × SKU arrays ``a``, ``b``, ``c`` with ``a + b − c`` the positions.

        The books themselves, or the summed positions beside two zero broadcasts.
        """
        if self.position.size:
            zero = np.broadcast_to(np.zeros((), self.position.dtype), self.position.shape)
            return self.position, zero, zero
        return self.on_hand, self.on_order, self.backorders


@dataclass(frozen=True, slots=True, eq=False)
class ShelfPlan(Message):
    """A category captain's shelf allocation (a planogram), or the retailer's confirmation.

    ``capacity[len(locations), len(items)]`` is the shelf capacity in units of each item at
    each store. The captain proposes; the retailer answers with what it confirms (the same
    message back), which caps the captain's orders from then on. No EANCOM counterpart in
    the codec: it travels as is.
    """

    locations: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    items: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)
    capacity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), QUANTITY), repr=False)

    def __post_init__(self) -> None:
        _cast(self, "capacity")
