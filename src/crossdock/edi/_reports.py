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
    Writer,
    read_bgm,
    read_currency,
    read_dates,
    read_lin,
    read_parties,
    read_price,
    read_qty,
)
from crossdock.edi._elements import KNOWN_GTINS, read_code, read_date, read_id, read_period
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
from crossdock.edi._structure import C, G, Group, M, Node
from crossdock.edi._syntax import RawSegment

__all__ = [
    "INVRPT",
    "SLSRPT",
    "decode_inventory_report",
    "decode_sales_report",
    "encode_inventory_report",
    "encode_sales_report",
]

_PARTIES = G("parties", True, 5, M("NAD"), G("contacts", False, 5, M("CTA"), C("COM", 5)))
_REFERENCES = G("references", False, 5, M("RFF"), C("DTM", 5))
_CURRENCIES = G("currencies", False, 5, M("CUX"), C("DTM", 5))
_QUANTITIES = G("quantities", False, 200000, M("QTY"), C("DTM", 5))

SLSRPT: dict[Edition, Group] = {
    # EANCOM 97 SLSRPT: SG1 NAD, SG3 RFF, SG4 CUX, SG5 LOC, SG7 LIN (PRI inside), SG8 QTY.
    Edition.EANCOM_97: G(
        "SLSRPT",
        True,
        1,
        M("BGM"),
        M("DTM", 5),
        _PARTIES,
        _REFERENCES,
        _CURRENCIES,
        G(
            "locations",
            True,
            200000,
            M("LOC"),
            C("DTM", 5),
            G(
                "lines",
                False,
                200000,
                M("LIN"),
                C("PIA", 5),
                C("IMD", 5),
                C("RFF", 5),
                C("ALI", 5),
                C("MOA", 5),
                C("PRI"),
                _QUANTITIES,
            ),
        ),
    ),
    # EANCOM 2002 SLSRPT: SG1 RFF, SG2 NAD, SG4 CUX, SG6 LOC, SG8 LIN, SG9 PRI, SG10 QTY.
    Edition.EANCOM_2002: G(
        "SLSRPT",
        True,
        1,
        M("BGM"),
        M("DTM", 5),
        _REFERENCES,
        _PARTIES,
        _CURRENCIES,
        G(
            "locations",
            True,
            200000,
            M("LOC"),
            C("DTM", 5),
            G(
                "lines",
                False,
                200000,
                M("LIN"),
                C("PIA", 5),
                C("IMD", 5),
                C("RFF", 5),
                C("ALI", 5),
                C("MOA", 5),
                G("prices", False, 1, M("PRI")),
                _QUANTITIES,
            ),
        ),
    ),
}

_INVRPT = G(
    "INVRPT",
    True,
    1,
    M("BGM"),
    M("DTM", 10),
    C("FTX", 99),
    _REFERENCES,
    G("parties", True, 99, M("NAD"), G("contacts", False, 5, M("CTA"), C("COM", 5))),
    G(
        "lines",
        False,
        9999999,
        M("LIN"),
        C("PIA", 10),
        C("IMD", 10),
        # SG11 in both editions: the quantity, then where it is.
        G(
            "stock",
            True,
            9999,
            M("QTY"),
            C("INV"),
            C("GIN", 99),
            C("LOC", 5),
            C("DTM", 5),
            C("STS", 5),
        ),
    ),
)
INVRPT: dict[Edition, Group] = {Edition.EANCOM_97: _INVRPT, Edition.EANCOM_2002: _INVRPT}


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
    """DTM+137 (document date, format 102) and DTM+356 (sales period, format 718)."""
    issued: dt.date | None = None
    period: tuple[dt.date, dt.date] | None = None
    for number, segment in located:
        qualifier = read_code(rep, number, segment, 1, 1, ("137", "356"), "date qualifier")
        if (qualifier == "137" and issued) or (qualifier == "356" and period):
            rep.error(f"DTM+{qualifier} is given twice", number, "DTM", 1, 1)
            raise _Stop
        if qualifier == "137":
            issued = read_date(rep, number, segment)
        else:
            period = read_period(rep, number, segment)
    if issued is None or period is None:
        missing = "DTM+137 (document date)" if issued is None else "DTM+356 (sales period)"
        rep.error(f"mandatory date {missing} is missing", *end)
        raise _Stop
    return issued, period


def decode_sales_report(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> SalesReport:
    """Build a :class:`SalesReport` from a parsed SLSRPT body.

    Several QTY+153 groups under one line (sales by day, say) are added up.
    """
    _, number, _ = read_bgm(rep, node, ("73E",))
    issued, period = _report_dates(rep, node["DTM"], end)
    parties = read_parties(rep, node["parties"], ("SE", "SU"), end=end)
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
            price = read_price(rep, pri[0]) if pri else None
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
        seller=parties["SE"],
        supplier=parties["SU"],
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
    e, c = w.element, w.component
    t, tn = w.terminator, w.terminator + w.newline
    item_type = w.edition.item_type
    known = KNOWN_GTINS
    out = w.out
    line_number = 0
    for i, location in enumerate(report.locations):
        where = f".locations[{i}]"
        w.seg("LOC", "162", (w.id(location.gln, "GLN", where + ".gln"), "", "9"))
        for k, line in enumerate(location.lines):
            # The hot loop: one string per line (LIN and QTY, PRI if priced); the GTIN check
            # is a set lookup for items already validated, field paths are built on error only.
            line_number += 1
            gtin = line.gtin
            if gtin not in known:
                w.id(gtin, "GTIN", f"{where}.lines[{k}].gtin")
            quantity = line.quantity
            if type(quantity) is not int:
                quantity = w.number(quantity, f"{where}.lines[{k}].quantity")  # type: ignore[assignment]
            if line.price is None:
                out.append(
                    f"LIN{e}{line_number}{e}{e}{gtin}{c}{item_type}{tn}QTY{e}153{c}{quantity}{t}"
                )
                w.extra_segments += 1
            else:
                price = w.number(line.price, f"{where}.lines[{k}].price")
                out.append(
                    f"LIN{e}{line_number}{e}{e}{gtin}{c}{item_type}{tn}"
                    f"PRI{e}AAA{c}{price}{tn}QTY{e}153{c}{quantity}{t}"
                )
                w.extra_segments += 2


def decode_inventory_report(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> InventoryReport:
    """Build an :class:`InventoryReport` from a parsed INVRPT body."""
    _, number, _ = read_bgm(rep, node, ("35",))
    dates = read_dates(rep, node["DTM"], ("137", "366"), end=end)
    parties = read_parties(rep, node["parties"], ("BY", "SU"), end=end)
    item_type = edition.item_type
    by_location: dict[str, list[InventoryLine]] = {}
    for item in node.get("lines", ()):
        gtin, _ = read_lin(rep, item["LIN"][0], item_type)
        for stock in item["stock"]:
            quantity = read_qty(rep, stock["QTY"], "145")
            places = stock.get("LOC", ())
            if len(places) != 1:
                number, _ = stock["QTY"][0]
                rep.error(f"QTY+145 needs one LOC (stock location), found {len(places)}", number)
                raise _Stop
            gln = _location(rep, stock, ("14", "18", "19"))
            by_location.setdefault(gln, []).append(InventoryLine(gtin=gtin, quantity=quantity))
    return InventoryReport(
        message_ref=message_ref,
        number=number,
        issued=dates["137"],
        stock_date=dates["366"],
        buyer=parties["BY"],
        supplier=parties["SU"],
        locations=tuple(
            StockLocation(gln=gln, lines=tuple(lines)) for gln, lines in by_location.items()
        ),
    )


def encode_inventory_report(w: Writer, report: InventoryReport) -> None:
    """Write the body of an INVRPT message (one LIN group per location and item)."""
    w.bgm("35", report.number)
    w.dtm("137", report.issued, ".issued")
    w.dtm("366", report.stock_date, ".stock_date")
    w.nad("BY", report.buyer, ".buyer")
    w.nad("SU", report.supplier, ".supplier")
    seen: set[str] = set()
    line_number = 0
    for i, location in enumerate(report.locations):
        where = f".locations[{i}]"
        gln = w.id(location.gln, "GLN", where + ".gln")
        if gln in seen:
            raise w.fail(f"location {gln} is listed twice", where + ".gln")
        seen.add(gln)
        if not location.lines:
            raise w.fail("a stock location needs at least one line", where + ".lines")
        for k, line in enumerate(location.lines):
            line_number += 1
            w.lin(line_number, line.gtin, f"{where}.lines[{k}].gtin")
            w.qty("145", line.quantity, f"{where}.lines[{k}].quantity")
            w.seg("LOC", "18", (gln, "", "9"))
