"""SLSRPT (sales data report) and INVRPT (inventory report): structure, decoding, encoding.

SLSRPT names the retailer as seller (NAD+SE) and the supplier (NAD+SU), gives the sales period
as DTM+356 in format 718 (``CCYYMMDDCCYYMMDD``), and carries several locations per message
(LOC+162 place of sale), each with its item lines (LIN, optional PRI+AAA price, QTY+153 sold). INVRPT carries one LIN group per item and
location, with a QTY+145 / LOC+18 sub-group (SG11 in both editions) giving the stock at that
location; several locations under one LIN, as some partners send, are read too (LOC
qualifiers 14 location of goods, 18 warehouse, 19 factory).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from crossdock.edi._common import (
    NUMBERS,
    Writer,
    date_of,
    header_dates,
    line_numbers,
    read_bgm,
    read_currency,
    read_lin,
    read_parties,
    read_price,
    read_qty,
    require_parties,
)
from crossdock.edi._elements import KNOWN_GTINS, read_code, read_id, read_period
from crossdock.edi._errors import Reporter, _Stop
from crossdock.edi._model import (
    Edition,
    InventoryLine,
    InventoryReport,
    Quantity,
    SalesLine,
    SalesLocation,
    SalesReport,
    StockLocation,
)
from crossdock.edi._structure import Node
from crossdock.edi._syntax import RawSegment
from crossdock.edi._tables import TABLES

__all__ = [
    "INVRPT",
    "SLSRPT",
    "decode_inventory_report",
    "decode_sales_report",
    "encode_inventory_report",
    "encode_sales_report",
]

SLSRPT = TABLES["SLSRPT"]
INVRPT = TABLES["INVRPT"]


def _location(rep: Reporter, node: Node, qualifiers: tuple[str, ...]) -> str:
    number, segment = node["LOC"][0]
    read_code(rep, number, segment, 1, 1, qualifiers, "location qualifier")
    gln = read_id(rep, number, segment, 2, 1, "GLN")
    read_code(rep, number, segment, 2, 3, ("9",), "code list agency for a GLN")
    return gln


def _sum(quantities: Sequence[Quantity]) -> Quantity:
    total: Quantity = quantities[0]
    for quantity in quantities[1:]:
        total += quantity
    return total


def _report_dates(
    rep: Reporter, located: list[tuple[int, RawSegment]], end: tuple[int, str]
) -> tuple[dt.date, tuple[dt.date, dt.date]]:
    """DTM+137 (document date) and the sales period: DTM+356 (format 718), else 90 to 91.

    Without either, the period is the day before the document date (a warning).
    """
    dates = header_dates(rep, located, "SLSRPT")
    issued = date_of(rep, dates, "137")
    assert issued is not None
    if "356" in dates:
        return issued, read_period(rep, *dates["356"])
    first, last = date_of(rep, dates, "90"), date_of(rep, dates, "91")
    if first is not None and last is not None:
        if last < first:
            rep.error("report end date DTM+91 is before its start DTM+90", dates["91"][0], "DTM")
            raise _Stop
        return issued, (first, last)
    day = issued - dt.timedelta(days=1)
    rep.warn(
        f"no sales period (DTM+356, or DTM+90 and 91): taken as the day before the document "
        f"date, {day}",
        *end,
    )
    return issued, (day, day)


def decode_sales_report(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> SalesReport:
    """Build a :class:`SalesReport` from a parsed SLSRPT body.

    Several QTY+153 groups under one line (sales by day, say) are added up.
    """
    _, number, _ = read_bgm(rep, node, ("73E",))
    issued, period = _report_dates(rep, node["DTM"], end)
    parties = read_parties(rep, node["parties"], "SLSRPT", ("SE", "SU"))
    require_parties(rep, parties, ("SE", "SU"), end)
    currency = read_currency(rep, node.get("currencies", ()))
    item_type = edition.item_type
    known_gtins = KNOWN_GTINS
    locations = []
    for location in node["locations"]:
        gln = _location(rep, location, ("162",))
        lines = []
        for item in location.get("lines", ()):
            lin = item["LIN"][0]
            # Fast path for the common line ``LIN+n++<known GTIN>:<type>'``; anything else
            # goes through the general readers, which locate the problem.
            segment = lin[1]
            if (
                len(segment) == 4
                and segment[2] == [""]
                and len(segment[3]) == 2
                and segment[3][0] in known_gtins
                and segment[3][1] == item_type
                and segment[1][0].isdigit()
                and segment[1][0].isascii()
            ):
                gtin = segment[3][0]
            else:
                gtin, _ = read_lin(rep, lin, item_type)
            pri = item.get("PRI") or [p["PRI"][0] for p in item.get("prices", ())]
            price = read_price(rep, pri) if pri else None
            groups = item.get("quantities")
            if not groups:
                rep.error("QTY+153 (sales quantity) is missing", lin[0], "LIN")
                raise _Stop
            quantity: Quantity | None = None
            if len(groups) == 1 and len(groups[0]["QTY"]) == 1:
                qty = groups[0]["QTY"][0][1]
                if len(qty) == 2 and len(qty[1]) == 2 and qty[1][0] == "153":
                    value = qty[1][1]
                    if value.isdigit() and value.isascii():
                        quantity = int(value)
            if quantity is None:
                quantity = _sum([read_qty(rep, g["QTY"], "153") for g in groups])
            lines.append(SalesLine(gtin=gtin, quantity=quantity, price=price))
        locations.append(SalesLocation(gln=gln, lines=tuple(lines)))
    return SalesReport(
        message_ref=message_ref,
        number=number,
        issued=issued,
        period_start=period[0],
        period_end=period[1],
        seller=parties["SE"][0],
        supplier=parties["SU"][0],
        locations=tuple(locations),
        currency=currency,
    )


def encode_sales_report(w: Writer, report: SalesReport) -> None:
    """Write the body of a SLSRPT message."""
    w.bgm("73E", report.number)
    w.dtm("137", report.issued, ".issued")
    w.period("356", report.period_start, report.period_end, ".period_start")
    w.nad("SE", report.seller, ".seller")
    w.nad("SU", report.supplier, ".supplier")
    w.currency(report.currency)
    if not report.locations:
        raise w.fail("a sales report needs at least one location", ".locations")
    e, c, t, newline = w.element, w.component, w.terminator, w.newline
    # The hot loop: one string per line, ``LIN+<number>`` + the text from the GTIN to QTY's
    # qualifier (built once per item, see line_heads) + the quantity.
    heads = w.line_heads(f"{e}{e}", f"{newline}QTY{e}153{c}")
    priced = w.line_heads(f"{e}{e}", f"{newline}PRI{e}AAA{c}")
    lin, ends, get, line_number = f"LIN{e}", w.terminated_numbers(), heads.get, 0
    out = w.out
    for i, location in enumerate(report.locations):
        where = f".locations[{i}]"
        w.seg("LOC", "162", (w.id(location.gln, "GLN", where + ".gln"), "", "9"))
        lines = location.lines
        extra = len(lines)
        for number, line in zip(line_numbers(line_number + 1, len(lines)), lines, strict=True):
            gtin = line.gtin
            quantity = line.quantity
            if line.price is None:
                head = get(gtin)
                if head is None:
                    k = int(number) - line_number - 1
                    head = w.head(heads, gtin, f"{where}.lines[{k}].gtin")
                if type(quantity) is int and 0 <= quantity < 10_000:
                    out.append(f"{lin}{number}{head}{ends[quantity]}")
                else:
                    k = int(number) - line_number - 1
                    shown = w.quantity(quantity, f"{where}.lines[{k}].quantity")
                    out.append(f"{lin}{number}{head}{shown}{t}")
                continue
            k = int(number) - line_number - 1
            head = priced.get(gtin)
            if head is None:
                head = w.head(priced, gtin, f"{where}.lines[{k}].gtin")
            shown = w.quantity(quantity, f"{where}.lines[{k}].quantity")
            price = w.number(line.price, f"{where}.lines[{k}].price")
            out.append(f"LIN{e}{number}{head}{price}{t}{newline}QTY{e}153{c}{shown}{t}")
            extra += 1
        line_number += len(lines)
        w.extra_segments += extra


def decode_inventory_report(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> InventoryReport:
    """Build an :class:`InventoryReport` from a parsed INVRPT body.

    Without DTM+366 (inventory report date) the stock date is the document date (a warning).
    A stock group without a location (LOC) is the stock at the buyer (NAD+BY), a warning too.
    """
    _, number, _ = read_bgm(rep, node, ("35",))
    dates = header_dates(rep, node["DTM"], "INVRPT")
    issued = date_of(rep, dates, "137")
    assert issued is not None
    stock_date = date_of(rep, dates, "366")
    if stock_date is None:
        stock_date = issued
        rep.warn(f"no inventory report date (DTM+366): taken as the document date, {issued}", *end)
    parties = read_parties(rep, node["parties"], "INVRPT", ("BY", "SU"))
    require_parties(rep, parties, ("BY", "SU"), end)
    item_type = edition.item_type
    by_location: dict[str, list[InventoryLine]] = {}
    for item in node.get("lines", ()):
        gtin, _ = read_lin(rep, item["LIN"][0], item_type)
        for stock in item["stock"]:
            trigger = (stock.get("INV") or stock["QTY"])[0]
            quantity = read_qty(rep, stock.get("QTY", ()), "145", trigger)
            places = stock.get("LOC", ())
            if len(places) > 1:
                rep.error(
                    f"QTY+145 needs one LOC (stock location), found {len(places)}", trigger[0]
                )
                raise _Stop
            if places:
                gln = _location(rep, stock, _STOCK_PLACES)
            else:
                gln = parties["BY"][0]
                rep.warn(
                    f"stock without a location (LOC): taken as the buyer's, {gln}",
                    trigger[0],
                    trigger[1][0][0],
                )
            by_location.setdefault(gln, []).append(InventoryLine(gtin=gtin, quantity=quantity))
    return InventoryReport(
        message_ref=message_ref,
        number=number,
        issued=issued,
        stock_date=stock_date,
        buyer=parties["BY"][0],
        supplier=parties["SU"][0],
        locations=tuple(
            StockLocation(gln=gln, lines=tuple(lines)) for gln, lines in by_location.items()
        ),
    )


_STOCK_PLACES = ("14", "18", "19", "7", "11", "162", "165")
"""LOC qualifiers of a stock location: location of goods, warehouse, factory, place of
delivery, place of discharge, place of sale, and (EANCOM) the platform."""


def encode_inventory_report(w: Writer, report: InventoryReport) -> None:
    """Write the body of an INVRPT message (one LIN group per location and item)."""
    w.bgm("35", report.number)
    w.dtm("137", report.issued, ".issued")
    w.dtm("366", report.stock_date, ".stock_date")
    w.nad("BY", report.buyer, ".buyer")
    w.nad("SU", report.supplier, ".supplier")
    seen: set[str] = set()
    line_number = 0
    e, c, t, newline = w.element, w.component, w.terminator, w.newline
    # EANCOM 2002: the stock group starts with INV (book-keeping inventory balance).
    inv = f"INV{e}{e}{e}{e}1{t}{newline}" if w.edition is Edition.EANCOM_2002 else ""
    extra = 3 if inv else 2
    # The hot loop: one string per line (LIN, INV in 2002, QTY, LOC): ``LIN+<number>`` +
    # the text from the GTIN to QTY's qualifier (built once per item, see line_heads) + the
    # quantity + the location's LOC.
    heads = w.line_heads(f"{e}{e}", f"{newline}{inv}QTY{e}145{c}")
    lin, numbers, get, append = f"LIN{e}", NUMBERS, heads.get, w.out.append
    for i, location in enumerate(report.locations):
        where = f".locations[{i}]"
        gln = w.id(location.gln, "GLN", where + ".gln")
        if gln in seen:
            raise w.fail(f"location {gln} is listed twice", where + ".gln")
        seen.add(gln)
        lines = location.lines
        if not lines:
            raise w.fail("a stock location needs at least one line", where + ".lines")
        place = f"{t}{newline}LOC{e}18{e}{gln}{c}{c}9{t}"
        for number, line in zip(line_numbers(line_number + 1, len(lines)), lines, strict=True):
            gtin = line.gtin
            head = get(gtin)
            if head is None:
                k = int(number) - line_number - 1
                head = w.head(heads, gtin, f"{where}.lines[{k}].gtin")
            quantity = line.quantity
            if type(quantity) is int and 0 <= quantity < 10_000:
                append(f"{lin}{number}{head}{numbers[quantity]}{place}")
            else:
                k = int(number) - line_number - 1
                shown = w.quantity(quantity, f"{where}.lines[{k}].quantity")
                append(f"{lin}{number}{head}{shown}{place}")
        line_number += len(lines)
        w.extra_segments += extra * len(location.lines)
