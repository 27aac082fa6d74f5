"""EANCOM EDI: typed messages and a fast, strict codec for EANCOM 97 and EANCOM 2002.

crossdock's parties talk only through these messages. Each is a frozen dataclass holding
EANCOM content (parties by GLN, items by GTIN, pallets by SSCC); :func:`encode` and
:func:`write` turn an :class:`Interchange` into UN/EDIFACT text, :func:`decode`, :func:`read`
and the streaming :class:`EdiReader` read it back, checking syntax, envelope counts, segment
order and groups, qualifiers, check digits, numbers, dates and character set, and reporting
each problem as a located :class:`EdiDecodeError`. :func:`validate` collects every error of a
file. :func:`to_json` / :func:`from_json` give a plain JSON form. See ``docs/edi.md``.
"""

from crossdock.edi._errors import EdiDecodeError
from crossdock.edi._interchange import (
    ASSOCIATION_CODES,
    EdiReader,
    InterchangeHeader,
    decode,
    decode_all,
    encode,
    read,
    read_all,
    validate,
    write,
)
from crossdock.edi._json import from_json, to_json
from crossdock.edi._model import (
    CatalogueLine,
    ContrlReport,
    DespatchAdvice,
    DespatchLine,
    Edition,
    Interchange,
    InventoryLine,
    InventoryReport,
    LineStatus,
    Message,
    MessageAck,
    Order,
    OrderLine,
    OrderResponse,
    Pallet,
    PriceCatalogue,
    Quantity,
    ReceivedLine,
    ReceivedPallet,
    ReceivingAdvice,
    ResponseLine,
    ResponseType,
    SalesLine,
    SalesLocation,
    SalesReport,
    StockLocation,
    StoreSplit,
    SyntaxAction,
)
from crossdock.edi._syntax import Separators

__all__ = [
    "ASSOCIATION_CODES",
    "CatalogueLine",
    "ContrlReport",
    "DespatchAdvice",
    "DespatchLine",
    "EdiDecodeError",
    "EdiReader",
    "Edition",
    "Interchange",
    "InterchangeHeader",
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
    "Separators",
    "StockLocation",
    "StoreSplit",
    "SyntaxAction",
    "decode",
    "decode_all",
    "encode",
    "from_json",
    "read",
    "read_all",
    "to_json",
    "validate",
    "write",
]
