"""PRICAT (price/sales catalogue): structure, decoding, encoding.

What crossdock reads of a catalogue is what a planner's master data needs: the supplier
(NAD+SU), and per item (LIN with its GTIN) the pack an order is counted in (QTY+59 consumer
units in the traded unit, else QTY+52 quantity per pack), the units on a pallet (QTY+52 of a
packaging group whose PAC names a pallet), the net unit price (PRI+AAA), the suggested retail
price (PRI+AAE), a description (IMD+F) and lead times (DTM+169 in days, format 804, or weeks,
803) for the whole catalogue or an item. The line group sits in a product group (PGI), as
the standard's structure wants. Every other segment of the table is checked and kept (it
round-trips through the raw segments) and otherwise ignored. See ``docs/edi.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from crossdock.edi._codes import QUANTITIES
from crossdock.edi._common import (
    Writer,
    date_of,
    header_dates,
    read_bgm,
    read_currency,
    read_lin,
    read_parties,
)
from crossdock.edi._elements import component, read_code, read_number
from crossdock.edi._errors import Reporter, _Stop
from crossdock.edi._model import CatalogueLine, Edition, PriceCatalogue, Quantity
from crossdock.edi._structure import Node
from crossdock.edi._syntax import RawSegment
from crossdock.edi._tables import TABLES

__all__ = ["PRICAT", "decode_price_catalogue", "encode_price_catalogue"]

PRICAT = TABLES["PRICAT"]
ACTIONS = ("", "1", "2", "3", "4", "10", "23", "38", "74", "96", "115")
"""LIN action codes EANCOM allows in PRICAT (data element 1229)."""
PALLETS = ("200", "201", "202", "PX")
"""PAC package types that are pallets (UN/ECE Recommendation 21 and EANCOM codes)."""
PRICES = ("AAA", "AAB", "AAE", "AAF", "INF")
"""PRI price qualifiers EANCOM allows in PRICAT: AAA net, AAB gross, AAE and AAF
information prices (excluding / including allowances), INF information."""
_DAYS_PER = {"804": 1, "803": 7}
"""Lead time formats read (data element 2379): days and weeks."""

Located = tuple[int, RawSegment]


def _lead_time(rep: Reporter, found: Located | None) -> int | None:
    """A lead time in days from DTM+169 (format 804 days or 803 weeks), or ``None``."""
    if found is None:
        return None
    number, segment = found
    form = component(segment, 1, 3)
    if form not in _DAYS_PER:
        rep.warn(
            f"lead time in format {form or 'nothing'!r} (not 804 days or 803 weeks) not read",
            number,
            "DTM",
            1,
            3,
        )
        return None
    value = read_number(rep, number, segment, 1, 2)
    if not isinstance(value, int) or value < 0:
        rep.error(f"lead time {value} is not a whole number of days", number, "DTM", 1, 2)
        raise _Stop
    return value * _DAYS_PER[form]


def _quantities(rep: Reporter, located: Sequence[Located]) -> dict[str, Quantity]:
    """The QTY segments by qualifier (checked against EANCOM's code list; first kept)."""
    out: dict[str, Quantity] = {}
    for number, segment in located:
        qualifier = component(segment, 1, 1)
        if qualifier not in QUANTITIES:
            shown = repr(qualifier) if qualifier else "nothing"
            rep.error(
                f"unknown quantity qualifier {shown} (not an EANCOM code)", number, "QTY", 1, 1
            )
            raise _Stop
        out.setdefault(qualifier, read_number(rep, number, segment, 1, 2))
    return out


def _name(located: Sequence[Located]) -> str | None:
    """The first free-form description (IMD+F ... text), if any."""
    for _, segment in located:
        if component(segment, 1, 1) == "F":
            text = component(segment, 3, 4)
            if text:
                return text
    return None


def _prices(rep: Reporter, groups: Sequence[Node]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for group in groups:
        number, segment = group["PRI"][0]
        qualifier = read_code(rep, number, segment, 1, 1, PRICES, "price qualifier")
        if component(segment, 1, 2):
            out.setdefault(qualifier, Decimal(read_number(rep, number, segment, 1, 2)))
    return out


def _per_pallet(rep: Reporter, groups: Sequence[Node]) -> Quantity | None:
    for group in groups:
        _, pac = group["PAC"][0]
        if component(pac, 3, 1) in PALLETS:
            found = _quantities(rep, group.get("QTY", ()))
            if "52" in found:
                return found["52"]
    return None


def _line(rep: Reporter, item: Node, item_type: str) -> CatalogueLine:
    gtin, action = read_lin(rep, item["LIN"][0], item_type, ACTIONS)
    quantities = _quantities(rep, item.get("QTY", ()))
    prices = _prices(rep, item.get("prices", ()))
    lead: Located | None = None
    for number, segment in item.get("DTM", ()):
        if component(segment, 1, 1) == "169":
            lead = (number, segment)
    return CatalogueLine(
        gtin=gtin,
        action=action,
        name=_name(item.get("IMD", ())),
        pack_size=quantities.get("59", quantities.get("52")),
        units_per_pallet=_per_pallet(rep, item.get("packages", ())),
        net_price=prices.get("AAA"),
        retail_price=prices.get("AAE"),
        lead_time_days=_lead_time(rep, lead),
    )


def decode_price_catalogue(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> PriceCatalogue:
    """Build a :class:`PriceCatalogue` from a parsed PRICAT body.

    Without NAD+SU the supplier is the interchange's sender (a warning; the caller knows it).
    """
    _, number, _ = read_bgm(rep, node, ("9",))
    dates = header_dates(rep, node["DTM"], "PRICAT")
    issued = date_of(rep, dates, "137")
    assert issued is not None
    parties = read_parties(rep, node.get("parties", ()), "PRICAT", ("SU", "BY"))
    if "SU" not in parties:
        rep.warn("no supplier (NAD+SU): the interchange's sender is taken as the supplier", *end)
    lines = [
        _line(rep, item, edition.item_type)
        for group in node.get("groups", ())
        for item in group.get("lines", ())
    ]
    return PriceCatalogue(
        message_ref=message_ref,
        number=number,
        issued=issued,
        lines=tuple(lines),
        supplier=parties["SU"][0] if "SU" in parties else None,
        buyer=parties["BY"][0] if "BY" in parties else None,
        valid_from=date_of(rep, dates, "194"),
        lead_time_days=_lead_time(rep, dates.get("169")),
        currency=read_currency(rep, node.get("currencies", ())),
    )


def _write_lead_time(w: Writer, days: int | None, field: str) -> None:
    if days is None:
        return
    if type(days) is not int or days < 0:
        raise w.fail(f"must be a whole number of days, got {days!r}", field)
    w.seg("DTM", ("169", str(days), "804"))


def encode_price_catalogue(w: Writer, catalogue: PriceCatalogue) -> None:
    """Write the body of a PRICAT message: one product group (PGI+2) holding every line."""
    w.bgm("9", catalogue.number)
    w.dtm("137", catalogue.issued, ".issued")
    if catalogue.valid_from is not None:
        w.dtm("194", catalogue.valid_from, ".valid_from")
    _write_lead_time(w, catalogue.lead_time_days, ".lead_time_days")
    if catalogue.buyer is not None:
        w.nad("BY", catalogue.buyer, ".buyer")
    if catalogue.supplier is not None:
        w.nad("SU", catalogue.supplier, ".supplier")
    w.currency(catalogue.currency)
    if not catalogue.lines:
        return
    w.seg("PGI", "2")
    for k, line in enumerate(catalogue.lines):
        where = f".lines[{k}]"
        if line.action not in ACTIONS:
            raise w.fail(f"must be one of {', '.join(ACTIONS[1:])}", where + ".action")
        w.lin(k + 1, line.gtin, where + ".gtin", line.action)
        if line.name is not None:
            w.seg("IMD", "F", "", ("", "", "", w.text(line.name, where + ".name", 256)))
        if line.pack_size is not None:
            w.qty("59", line.pack_size, where + ".pack_size")
        _write_lead_time(w, line.lead_time_days, where + ".lead_time_days")
        for qualifier, price, name in (
            ("AAA", line.net_price, "net_price"),
            ("AAE", line.retail_price, "retail_price"),
        ):
            if price is not None:
                w.seg("PRI", (qualifier, w.number(price, f"{where}.{name}")))
        if line.units_per_pallet is not None:
            w.seg("PAC", "1", "", "201")
            w.qty("52", line.units_per_pallet, where + ".units_per_pallet")
