"""The EANCOM messages as typed, frozen Python objects.

Each class holds what one EANCOM message says, in EANCOM's own terms: parties by GLN (the NAD
segments), items by GTIN (LIN), quantities with their EANCOM qualifier named in the field's
docstring (QTY), dates (DTM, format 102 ``CCYYMMDD``), pallets by SSCC (GIN+BJ). The codec
turns them into segments and back; the structure and the qualifiers used are listed in
``docs/edi.md``. Every field that EANCOM leaves optional and crossdock may leave out is
``None`` or an empty tuple by default.

Quantities are ``int`` when whole and :class:`decimal.Decimal` otherwise (weights), so a
quantity survives a round trip through text exactly. Identifiers are ``str`` of digits, kept
as written (leading zeros matter). Free text (FTX notes) is any text of the interchange's
character set; the codec escapes service characters when writing.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from crossdock.edi._syntax import Separators

__all__ = [
    "CatalogueLine",
    "ContrlReport",
    "DespatchAdvice",
    "DespatchLine",
    "Edition",
    "Interchange",
    "InventoryLine",
    "InventoryReport",
    "LineStatus",
    "Message",
    "MessageAck",
    "Order",
    "OrderLine",
    "OrderResponse",
    "Pallet",
    "PriceCatalogue",
    "Quantity",
    "ReceivedLine",
    "ReceivedPallet",
    "ReceivingAdvice",
    "ResponseLine",
    "ResponseType",
    "SalesLine",
    "SalesLocation",
    "SalesReport",
    "StockLocation",
    "StoreSplit",
    "SyntaxAction",
]

RawMessage = tuple[Separators, str, list[str]]
"""A message as read: its service characters, the UNH segment's text and the body's segment
texts (escapes kept, terminators removed)."""

Quantity = int | Decimal
"""A quantity: ``int`` when whole, :class:`~decimal.Decimal` when it has decimals."""


class Edition(enum.Enum):
    """The EANCOM edition a trading partner uses, which fixes the UN/EDIFACT directory."""

    EANCOM_97 = "D96A"
    """EANCOM 1997, directory D.96A; items are numbered ``:EN`` in LIN."""
    EANCOM_2002 = "D01B"
    """EANCOM 2002 (syntax 3), directory D.01B; items are numbered ``:SRV`` in LIN."""

    # Both read ``_value_`` (an instance attribute) rather than ``value`` or the class's
    # members: the writer asks for them for every interchange, and those lookups go through
    # the enum machinery (several times slower).

    @property
    def release(self) -> str:
        """The directory release in UNH (``96A`` or ``01B``)."""
        return self._value_[1:]

    @property
    def item_type(self) -> str:
        """The item number type code for a GTIN in LIN (data element 7143)."""
        return "EN" if self._value_ == "D96A" else "SRV"


class ResponseType(enum.Enum):
    """What an order response says about the whole order (BGM data element 1225)."""

    ACCEPTED = "29"
    """Accepted without amendment."""
    CHANGED = "4"
    """Accepted with changes, given line by line."""
    REFUSED = "27"
    """Not accepted."""


class LineStatus(enum.Enum):
    """What an order response says about one line (LIN data element 1229)."""

    ACCEPTED = "5"
    """Accepted without amendment."""
    CHANGED = "3"
    """Quantity changed: the line carries the quantity the supplier will deliver."""
    REFUSED = "7"
    """Not accepted: nothing of this item will be delivered."""


class SyntaxAction(enum.Enum):
    """A CONTRL verdict on an interchange or a message (data element 0083)."""

    ACCEPTED = "7"
    """This level acknowledged, all lower levels acknowledged if not explicitly rejected."""
    REJECTED = "4"
    """This level and all lower levels rejected."""
    RECEIVED = "8"
    """Interchange received (UCI only): its content is acknowledged later."""


# --- sales and inventory reports -------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesLine:
    """One item's sales at one location over the report's period (SLSRPT line group)."""

    gtin: str
    """The item sold (LIN)."""
    quantity: Quantity
    """Units sold (QTY+153, statistical sales quantity)."""
    price: Decimal | None = None
    """Unit selling price (PRI+AAA, net calculation price), if reported."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesLocation:
    """The sales of one store (SLSRPT location group, LOC+162 place of sale)."""

    gln: str
    """The store's GLN."""
    lines: tuple[SalesLine, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesReport:
    """SLSRPT, sales data report: what each store sold of each item over a period."""

    MESSAGE_TYPE: ClassVar[str] = "SLSRPT"
    message_ref: str
    """Message reference number (UNH), unique within the interchange."""
    number: str
    """Report number (BGM+73E)."""
    issued: dt.date
    """Document date (DTM+137)."""
    period_start: dt.date
    """First day of the sales period (DTM+356, format 718)."""
    period_end: dt.date
    """Last day of the sales period, on or after ``period_start``."""
    seller: str
    """The retailer reporting its stores' sales: the seller to consumers (NAD+SE)."""
    supplier: str
    """The party receiving the report, the supplier or category captain (NAD+SU)."""
    locations: tuple[SalesLocation, ...]
    currency: str | None = None
    """ISO 4217 currency of the prices (CUX+2), if any price is given."""
    raw: RawMessage | None = field(default=None, init=False, repr=False, compare=False)
    """The segments read (set by the decoder only), so that encoding a decoded message
    writes back every segment, mapped or not; a message built, or changed with
    :func:`dataclasses.replace`, has none and is written from its fields."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InventoryLine:
    """Stock of one item at one location (INVRPT: LIN, then QTY+145 and LOC+18)."""

    gtin: str
    quantity: Quantity
    """Actual stock on hand (QTY+145)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StockLocation:
    """The stock held at one store or platform."""

    gln: str
    """The location holding the stock (LOC+18)."""
    lines: tuple[InventoryLine, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class InventoryReport:
    """INVRPT, inventory report: stock on hand per item and location at a date.

    On the wire the detail is item first (one LIN group per item, with a QTY+145 / LOC+18
    sub-group per location); here it is grouped by location, like :class:`SalesReport`.
    Locations keep their order of first appearance, and items their order within a location.
    """

    MESSAGE_TYPE: ClassVar[str] = "INVRPT"
    message_ref: str
    number: str
    """Report number (BGM+35)."""
    issued: dt.date
    """Document date (DTM+137)."""
    stock_date: dt.date
    """Date the stock was counted (DTM+366)."""
    buyer: str
    """The retailer whose stores and platforms hold the stock (NAD+BY)."""
    supplier: str
    """The party the report is for (NAD+SU)."""
    locations: tuple[StockLocation, ...]
    raw: RawMessage | None = field(default=None, init=False, repr=False, compare=False)
    """The segments read (set by the decoder only), so that encoding a decoded message
    writes back every segment, mapped or not; a message built, or changed with
    :func:`dataclasses.replace`, has none and is written from its fields."""


# --- orders ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class StoreSplit:
    """The part of an order line destined for one store (LOC+7 with QTY+11)."""

    store: str
    """The store's GLN (LOC+7, place of delivery)."""
    quantity: Quantity
    """Split quantity (QTY+11)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderLine:
    """One ordered item (ORDERS line group)."""

    gtin: str
    quantity: Quantity
    """Ordered quantity (QTY+21)."""
    price: Decimal | None = None
    """Net unit price (PRI+AAA)."""
    splits: tuple[StoreSplit, ...] = ()
    """For a cross-dock order, how the quantity is split between stores; must add up."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Order:
    """ORDERS, purchase order; with store splits, a cross-dock order for several stores."""

    MESSAGE_TYPE: ClassVar[str] = "ORDERS"
    message_ref: str
    number: str
    """Order number (BGM+220)."""
    issued: dt.date
    """Order date (DTM+137)."""
    delivery_date: dt.date
    """Requested delivery date (DTM+2)."""
    buyer: str
    """NAD+BY."""
    supplier: str
    """NAD+SU."""
    lines: tuple[OrderLine, ...]
    delivery_party: str | None = None
    """Where to deliver (NAD+DP): the cross-dock platform, or the store itself."""
    currency: str | None = None
    """CUX+2, when prices are given."""
    notes: tuple[str, ...] = ()
    """Free text (FTX+AAI, general information), one string per FTX segment."""
    raw: RawMessage | None = field(default=None, init=False, repr=False, compare=False)
    """The segments read (set by the decoder only), so that encoding a decoded message
    writes back every segment, mapped or not; a message built, or changed with
    :func:`dataclasses.replace`, has none and is written from its fields."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseLine:
    """The supplier's answer for one ordered item (ORDRSP line group)."""

    gtin: str
    status: LineStatus
    """LIN data element 1229."""
    quantity: Quantity | None = None
    """Quantity the supplier will deliver (QTY+21); may be left out (``None``) when the line
    is accepted as ordered or refused, as EANCOM allows."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderResponse:
    """ORDRSP, purchase order response: accepted, changed or refused, line by line."""

    MESSAGE_TYPE: ClassVar[str] = "ORDRSP"
    message_ref: str
    number: str
    """Response number (BGM+231)."""
    response: ResponseType
    """BGM data element 1225."""
    issued: dt.date
    """DTM+137."""
    order_number: str
    """The order answered (RFF+ON)."""
    buyer: str
    supplier: str
    lines: tuple[ResponseLine, ...] = ()
    notes: tuple[str, ...] = ()
    raw: RawMessage | None = field(default=None, init=False, repr=False, compare=False)
    """The segments read (set by the decoder only), so that encoding a decoded message
    writes back every segment, mapped or not; a message built, or changed with
    :func:`dataclasses.replace`, has none and is written from its fields."""


# --- despatch and receipt --------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DespatchLine:
    """Units of one item on one pallet (DESADV line group, QTY+12 despatch quantity)."""

    gtin: str
    quantity: Quantity


@dataclass(frozen=True, slots=True, kw_only=True)
class Pallet:
    """A logistic unit: one CPS level with PAC, PCI+33E and GIN+BJ carrying its SSCC."""

    sscc: str
    lines: tuple[DespatchLine, ...]
    package_type: str = "201"
    """Package type code (PAC data element 7065): ``201`` ISO 1 pallet (1200 x 800 mm)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DespatchAdvice:
    """DESADV, despatch advice: the pallets shipped, by SSCC, and what each carries."""

    MESSAGE_TYPE: ClassVar[str] = "DESADV"
    message_ref: str
    number: str
    """Despatch advice number (BGM+351)."""
    issued: dt.date
    """DTM+137."""
    despatch_date: dt.date
    """DTM+11."""
    supplier: str
    """The shipper (NAD+SU)."""
    buyer: str
    """NAD+BY."""
    delivery_party: str
    """Where the pallets go (NAD+DP), e.g. the cross-dock platform."""
    pallets: tuple[Pallet, ...]
    order_number: str | None = None
    """RFF+ON, the order shipped."""
    delivery_date: dt.date | None = None
    """Estimated delivery date (DTM+17; read from 132, 69, 358, 64, 2 or 63 when absent)."""
    loose_lines: tuple[DespatchLine, ...] = ()
    """Lines not on a package identified by an SSCC: directly under a CPS level, or under
    packaging without GIN+BJ (valid EANCOM; the simulation tracks pallets by SSCC only)."""
    raw: RawMessage | None = field(default=None, init=False, repr=False, compare=False)
    """The segments read (set by the decoder only), so that encoding a decoded message
    writes back every segment, mapped or not; a message built, or changed with
    :func:`dataclasses.replace`, has none and is written from its fields."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceivedLine:
    """Units of one item received on one pallet (RECADV, QTY+48 received quantity)."""

    gtin: str
    quantity: Quantity


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceivedPallet:
    """A received pallet, by SSCC."""

    sscc: str
    lines: tuple[ReceivedLine, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceivingAdvice:
    """RECADV, receiving advice: what actually arrived, pallet by pallet."""

    MESSAGE_TYPE: ClassVar[str] = "RECADV"
    message_ref: str
    number: str
    """Receiving advice number (BGM+352 in EANCOM 97, BGM+632 in EANCOM 2002)."""
    issued: dt.date
    received: dt.date
    """Goods receipt date (DTM+50)."""
    despatch_number: str
    """The despatch advice received against (RFF+AAK)."""
    buyer: str
    supplier: str
    delivery_party: str
    """Where the goods were received (NAD+DP)."""
    pallets: tuple[ReceivedPallet, ...]
    order_number: str | None = None
    """RFF+ON, the order the goods were received against, if given."""
    loose_lines: tuple[ReceivedLine, ...] = ()
    """Lines not on a package identified by an SSCC (see :class:`DespatchAdvice`)."""
    raw: RawMessage | None = field(default=None, init=False, repr=False, compare=False)
    """The segments read (set by the decoder only), so that encoding a decoded message
    writes back every segment, mapped or not; a message built, or changed with
    :func:`dataclasses.replace`, has none and is written from its fields."""


# --- syntax and service report ---------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageAck:
    """One message of the acknowledged interchange (UCM)."""

    message_ref: str
    message_type: str
    action: SyntaxAction
    error: str | None = None
    """Syntax error code (data element 0085) when rejected, e.g. ``16`` too many segments."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ContrlReport:
    """CONTRL, syntax and service report: an interchange (and its messages) accepted or not."""

    MESSAGE_TYPE: ClassVar[str] = "CONTRL"
    message_ref: str
    interchange_ref: str
    """Control reference of the interchange acknowledged (UCI)."""
    sender: str
    """Sender GLN of the acknowledged interchange."""
    recipient: str
    action: SyntaxAction
    error: str | None = None
    messages: tuple[MessageAck, ...] = ()
    raw: RawMessage | None = field(default=None, init=False, repr=False, compare=False)
    """The segments read (set by the decoder only), so that encoding a decoded message
    writes back every segment, mapped or not; a message built, or changed with
    :func:`dataclasses.replace`, has none and is written from its fields."""


# --- price/sales catalogue ------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogueLine:
    """One item of a price/sales catalogue (PRICAT line group, LIN)."""

    gtin: str
    action: str = ""
    """LIN action code (data element 1229): ``1`` added, ``2`` deleted, ``3`` changed, ``4``
    no action...; empty when not given."""
    name: str | None = None
    """Item description (IMD+F, free form: the first text component)."""
    pack_size: Quantity | None = None
    """Consumer units in the traded unit, the case an order is counted in (QTY+59, else
    QTY+52 quantity per pack)."""
    units_per_pallet: Quantity | None = None
    """Consumer units on a pallet: QTY+52 of the packaging group whose PAC is a pallet
    (package type 201, PX or 200)."""
    net_price: Decimal | None = None
    """Net calculation price, the unit cost to the buyer (PRI+AAA)."""
    retail_price: Decimal | None = None
    """Suggested retail price, information price including taxes (PRI+AAE)."""
    lead_time_days: int | None = None
    """Lead time of this item in days (DTM+169, format 804)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceCatalogue:
    """PRICAT, price/sales catalogue: a supplier's items with their packs and prices."""

    MESSAGE_TYPE: ClassVar[str] = "PRICAT"
    message_ref: str
    number: str
    """Catalogue number (BGM+9)."""
    issued: dt.date
    """Document date (DTM+137)."""
    lines: tuple[CatalogueLine, ...]
    supplier: str | None = None
    """The supplier whose catalogue it is (NAD+SU); when not named, the interchange's
    sender is (a warning when read)."""
    buyer: str | None = None
    """The buyer it is meant for (NAD+BY), when named."""
    valid_from: dt.date | None = None
    """First day the catalogue applies (DTM+194), when given."""
    lead_time_days: int | None = None
    """Lead time of the whole catalogue in days (DTM+169, format 804), when given."""
    currency: str | None = None
    """Reference currency (CUX+2), when given."""
    raw: RawMessage | None = field(default=None, init=False, repr=False, compare=False)
    """The segments read (set by the decoder only); see :class:`InventoryReport`."""


Message = (
    SalesReport
    | InventoryReport
    | Order
    | OrderResponse
    | DespatchAdvice
    | ReceivingAdvice
    | ContrlReport
    | PriceCatalogue
)
"""Any EANCOM message crossdock reads or writes."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Interchange:
    """An interchange: the UNB/UNZ envelope around messages from one sender to one recipient."""

    sender: str
    """Sender GLN (UNB, identification code qualifier 14)."""
    recipient: str
    """Recipient GLN."""
    control_ref: str
    """Interchange control reference, repeated in UNZ (an..14)."""
    prepared: dt.datetime
    """Date and time of preparation, to the minute."""
    messages: tuple[Message, ...]
    edition: Edition = Edition.EANCOM_2002
    charset: str = "UNOC"
    """Syntax identifier: ``UNOA`` (upper case) or ``UNOC`` (Latin-1)."""
    application_ref: str | None = None
    """Application reference (UNB data element 0026), often the message type."""
    test: bool = False
    """Test indicator (UNB data element 0035)."""
    ack_request: bool = False
    """Acknowledgement request (UNB data element 0031): the sender asks for a CONTRL."""
    raw: list[list[str]] | None = field(default=None, init=False, repr=False, compare=False)
    """The UNB segment read (set by the decoder only): its routing addresses, password,
    priority and agreement are written back when a decoded interchange is encoded."""
    groups: tuple[tuple[list[list[str]], int], ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    """The functional groups read (UNG segment, number of messages), written back likewise."""
