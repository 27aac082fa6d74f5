"""ORDERS (purchase order) and ORDRSP (order response): structure, decoding, encoding.

An order line may be split between stores (a cross-dock order): under the LIN group, one
LOC+7 (place of delivery, the store's GLN) with QTY+11 (split quantity) per store — the
EANCOM 97 SG33 and EANCOM 2002 SG37 ``LOC-QTY-DTM`` groups. The split quantities must add up
to the line's ordered quantity (QTY+21).
"""

from __future__ import annotations

from crossdock.edi._common import (
    Writer,
    read_bgm,
    read_cnt,
    read_currency,
    read_dates,
    read_lin,
    read_notes,
    read_parties,
    read_price,
    read_qty,
    read_refs,
)
from crossdock.edi._elements import read_code, read_id
from crossdock.edi._errors import Reporter, _Stop
from crossdock.edi._model import (
    Edition,
    LineStatus,
    Order,
    OrderLine,
    OrderResponse,
    ResponseLine,
    ResponseType,
    StoreSplit,
)
from crossdock.edi._structure import C, G, Group, M, Node

__all__ = ["ORDERS", "ORDRSP", "decode_order", "decode_response", "encode_order", "encode_response"]


def _header(name: str, *detail: object) -> Group:
    return G(
        name,
        True,
        1,
        M("BGM"),
        M("DTM", 35),
        C("FTX", 99),
        G("references", False, 10, M("RFF"), C("DTM", 5)),
        G(
            "parties",
            False,
            99,
            M("NAD"),
            G("party_refs", False, 10, M("RFF"), C("DTM", 5)),
            G("contacts", False, 10, M("CTA"), C("COM", 5)),
        ),
        G("currencies", False, 5, M("CUX"), C("DTM", 5)),
        G("transport", False, 10, M("TDT")),
        G("terms", False, 5, M("TOD"), C("LOC", 2)),
        *detail,  # type: ignore[arg-type]
        M("UNS"),
        C("CNT", 10),
    )


def _lines(split_max: int) -> Group:
    return G(
        "lines",
        False,
        200000,
        M("LIN"),
        C("PIA", 25),
        C("IMD", 99),
        C("MEA", 99),
        C("QTY", 99),
        C("ALI", 5),
        C("DTM", 35),
        C("MOA", 10),
        C("GIN", 1000),
        C("QVR", 1),
        C("FTX", 99),
        G("prices", False, 25, M("PRI"), C("CUX"), C("DTM", 5)),
        G("line_refs", False, 10, M("RFF"), C("DTM", 5)),
        G("packages", False, 99, M("PAC"), C("MEA", 10)),
        G("splits", False, split_max, M("LOC"), C("QTY", 1), C("DTM", 5)),
    )


# EANCOM 97 ORDERS: SG25 LIN, SG28 PRI, SG33 LOC-QTY-DTM; EANCOM 2002: SG28 LIN, SG32 PRI,
# SG37 LOC-QTY-DTM. The segments used are the same in both; only group numbers differ.
_ORDERS = _header("ORDERS", _lines(9999))
ORDERS: dict[Edition, Group] = {Edition.EANCOM_97: _ORDERS, Edition.EANCOM_2002: _ORDERS}
_ORDRSP = _header("ORDRSP", _lines(9999))
ORDRSP: dict[Edition, Group] = {Edition.EANCOM_97: _ORDRSP, Edition.EANCOM_2002: _ORDRSP}


def decode_order(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> Order:
    """Build an :class:`Order` from a parsed ORDERS body."""
    _, number, _ = read_bgm(rep, node, ("220",))
    dates = read_dates(rep, node["DTM"], ("137", "2"), end=end)
    parties = read_parties(rep, node.get("parties", ()), ("BY", "SU"), ("DP",), end=end)
    currency = read_currency(rep, node.get("currencies", ()))
    notes = read_notes(rep, node.get("FTX", ()))
    lines = []
    for item in node.get("lines", ()):
        gtin, _ = read_lin(rep, item["LIN"][0], edition.item_type)
        quantity = read_qty(rep, item.get("QTY", ()), "21", item["LIN"][0])
        prices = item.get("prices", ())
        price = read_price(rep, prices[0]["PRI"][0]) if prices else None
        splits = []
        for split in item.get("splits", ()):
            number_loc, segment = split["LOC"][0]
            read_code(rep, number_loc, segment, 1, 1, ("7",), "location qualifier")
            store = read_id(rep, number_loc, segment, 2, 1, "GLN")
            read_code(rep, number_loc, segment, 2, 3, ("9",), "code list agency for a GLN")
            split_quantity = read_qty(rep, split.get("QTY", ()), "11", split["LOC"][0])
            splits.append(StoreSplit(store=store, quantity=split_quantity))
        if splits and sum(s.quantity for s in splits) != quantity:
            total = sum(s.quantity for s in splits)
            rep.error(
                f"store splits add up to {total}, the line orders {quantity}",
                item["LIN"][0][0],
                "LIN",
            )
            raise _Stop
        lines.append(OrderLine(gtin=gtin, quantity=quantity, price=price, splits=tuple(splits)))
    read_cnt(rep, node.get("CNT", ()), len(lines))
    return Order(
        message_ref=message_ref,
        number=number,
        issued=dates["137"],
        delivery_date=dates["2"],
        buyer=parties["BY"],
        supplier=parties["SU"],
        lines=tuple(lines),
        delivery_party=parties.get("DP"),
        currency=currency,
        notes=notes,
    )


def encode_order(w: Writer, order: Order) -> None:
    """Write the body of an ORDERS message."""
    w.bgm("220", order.number)
    w.dtm("137", order.issued, ".issued")
    w.dtm("2", order.delivery_date, ".delivery_date")
    w.notes(order.notes)
    w.nad("BY", order.buyer, ".buyer")
    w.nad("SU", order.supplier, ".supplier")
    if order.delivery_party is not None:
        w.nad("DP", order.delivery_party, ".delivery_party")
    w.currency(order.currency)
    for k, line in enumerate(order.lines):
        where = f".lines[{k}]"
        w.lin(k + 1, line.gtin, where + ".gtin")
        w.qty("21", line.quantity, where + ".quantity")
        if line.price is not None:
            w.seg("PRI", ("AAA", w.number(line.price, where + ".price")))
        if line.splits:
            if sum(s.quantity for s in line.splits) != line.quantity:
                raise w.fail("store splits must add up to the line quantity", where + ".splits")
        for j, split in enumerate(line.splits):
            store = w.id(split.store, "GLN", f"{where}.splits[{j}].store")
            w.seg("LOC", "7", (store, "", "9"))
            w.qty("11", split.quantity, f"{where}.splits[{j}].quantity")
    w.seg("UNS", "S")
    w.seg("CNT", ("2", str(len(order.lines))))


_STATUSES = {status.value: status for status in LineStatus}
_RESPONSES = {response.value: response for response in ResponseType}


def decode_response(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> OrderResponse:
    """Build an :class:`OrderResponse` from a parsed ORDRSP body."""
    number_bgm, bgm = node["BGM"][0]
    _, number, _ = read_bgm(rep, node, ("231",))
    response = read_code(rep, number_bgm, bgm, 3, 1, _RESPONSES, "message function code")
    dates = read_dates(rep, node["DTM"], ("137",), end=end)
    refs = read_refs(rep, node.get("references", ()), ("ON",))
    if "ON" not in refs:
        rep.error("the order answered (RFF+ON) is missing", *end)
        raise _Stop
    parties = read_parties(rep, node.get("parties", ()), ("BY", "SU"), end=end)
    notes = read_notes(rep, node.get("FTX", ()))
    lines = []
    for item in node.get("lines", ()):
        gtin, action = read_lin(rep, item["LIN"][0], edition.item_type, _STATUSES)
        quantities = item.get("QTY", ())
        if not quantities and action == LineStatus.CHANGED.value:
            rep.error("a changed line needs its new quantity (QTY+21)", item["LIN"][0][0], "LIN")
            raise _Stop
        quantity = read_qty(rep, quantities, "21") if quantities else None
        lines.append(ResponseLine(gtin=gtin, status=_STATUSES[action], quantity=quantity))
    read_cnt(rep, node.get("CNT", ()), len(lines))
    return OrderResponse(
        message_ref=message_ref,
        number=number,
        response=_RESPONSES[response],
        issued=dates["137"],
        order_number=refs["ON"],
        buyer=parties["BY"],
        supplier=parties["SU"],
        lines=tuple(lines),
        notes=notes,
    )


def encode_response(w: Writer, response: OrderResponse) -> None:
    """Write the body of an ORDRSP message."""
    if not isinstance(response.response, ResponseType):
        raise w.fail(f"must be a ResponseType, got {response.response!r}", ".response")
    w.bgm("231", response.number, response.response.value)
    w.dtm("137", response.issued, ".issued")
    w.notes(response.notes)
    w.seg("RFF", ("ON", w.text(response.order_number, ".order_number")))
    w.nad("BY", response.buyer, ".buyer")
    w.nad("SU", response.supplier, ".supplier")
    for k, line in enumerate(response.lines):
        where = f".lines[{k}]"
        if not isinstance(line.status, LineStatus):
            raise w.fail(f"must be a LineStatus, got {line.status!r}", where + ".status")
        w.lin(k + 1, line.gtin, where + ".gtin", line.status.value)
        if line.quantity is not None:
            w.qty("21", line.quantity, where + ".quantity")
        elif line.status is LineStatus.CHANGED:
            raise w.fail("a changed line needs its new quantity", where + ".quantity")
    w.seg("UNS", "S")
    w.seg("CNT", ("2", str(len(response.lines))))
