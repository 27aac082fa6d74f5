"""ORDERS (purchase order) and ORDRSP (order response): structure, decoding, encoding.

An order line may be split between stores (a cross-dock order): under the LIN group, one
LOC+7 (place of delivery, the store's GLN) with QTY+11 (split quantity) per store — the
EANCOM 97 SG33 and EANCOM 2002 SG37 ``LOC-QTY-DTM`` groups. The split quantities must add up
to the line's ordered quantity (QTY+21).
"""

from __future__ import annotations

import datetime as dt

from crossdock.edi._common import (
    LIMIT,
    Writer,
    date_of,
    header_dates,
    read_bgm,
    read_cnt,
    read_currency,
    read_lin,
    read_notes,
    read_parties,
    read_price,
    read_qty,
    read_refs,
    require_parties,
)
from crossdock.edi._elements import KNOWN_GTINS, read_code, read_id, valid_id
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
from crossdock.edi._structure import Node
from crossdock.edi._tables import TABLES

__all__ = ["ORDERS", "ORDRSP", "decode_order", "decode_response", "encode_order", "encode_response"]


ORDERS = TABLES["ORDERS"]
ORDRSP = TABLES["ORDRSP"]
_DELIVERY_DATES = ("2", "69", "64", "63", "76", "10")
"""Where the delivery date of an order comes from: requested, else promised, earliest,
latest, scheduled, shipment requested."""


def decode_order(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> Order:
    """Build an :class:`Order` from a parsed ORDERS body."""
    _, number, _ = read_bgm(rep, node, ("220", "221", "224", "226", "227"))
    dates = header_dates(rep, node["DTM"], "ORDERS")
    issued = date_of(rep, dates, "137")
    assert issued is not None
    delivery = date_of(rep, dates, *_DELIVERY_DATES)
    if delivery is None:
        delivery = issued + dt.timedelta(days=1)
        rep.warn(
            f"no delivery date (DTM+2, 69, 64, 63, 76 or 10): taken as the next possible "
            f"delivery day after the order date, {delivery}",
            *end,
        )
    elif "2" not in dates:
        used = next(q for q in _DELIVERY_DATES if q in dates)
        rep.warn(
            f"no requested delivery date (DTM+2): DTM+{used} used, {delivery}",
            dates[used][0],
            "DTM",
        )
    parties = read_parties(rep, node.get("parties", ()), "ORDERS", ("BY", "SU", "DP"))
    require_parties(rep, parties, ("BY", "SU"), end)
    currency = read_currency(rep, node.get("currencies", ()))
    notes = read_notes(rep, node.get("FTX", ()))
    lines = []
    for item in node.get("lines", ()):
        gtin, _ = read_lin(rep, item["LIN"][0], edition.item_type)
        quantity = read_qty(rep, item.get("QTY", ()), "21", item["LIN"][0])
        prices = item.get("prices", ())
        price = read_price(rep, [p["PRI"][0] for p in prices]) if prices else None
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
        issued=issued,
        delivery_date=delivery,
        buyer=parties["BY"][0],
        supplier=parties["SU"][0],
        lines=tuple(lines),
        delivery_party=parties["DP"][0] if "DP" in parties else None,
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
    e, c, t = w.element, w.component, w.terminator
    tn = t + w.newline
    item_type, known, out = w.edition.item_type, KNOWN_GTINS, w.out
    for k, line in enumerate(order.lines):
        where = f".lines[{k}]"
        gtin = line.gtin
        if gtin not in known:
            w.id(gtin, "GTIN", where + ".gtin")
        quantity = line.quantity
        shown = (
            quantity
            if type(quantity) is int and -LIMIT < quantity < LIMIT
            else w.number(quantity, where + ".quantity")
        )
        text = f"LIN{e}{k + 1}{e}{e}{gtin}{c}{item_type}{tn}QTY{e}21{c}{shown}{t}"
        segments = 2
        if line.price is not None:
            text += f"{w.newline}PRI{e}AAA{c}{w.number(line.price, where + '.price')}{t}"
            segments += 1
        splits = line.splits
        if splits:
            if sum(s.quantity for s in splits) != quantity:
                raise w.fail("store splits must add up to the line quantity", where + ".splits")
            pieces = [text]
            for j, split in enumerate(splits):
                store = split.store
                if type(store) is not str or valid_id(store, "GLN"):
                    w.id(store, "GLN", f"{where}.splits[{j}].store")
                part = split.quantity
                shown = (
                    part
                    if type(part) is int and -LIMIT < part < LIMIT
                    else w.number(part, f"{where}.splits[{j}].quantity")
                )
                pieces.append(f"LOC{e}7{e}{store}{c}{c}9{tn}QTY{e}11{c}{shown}{t}")
            text = w.newline.join(pieces)
            segments += 2 * len(splits)
        out.append(text)
        w.extra_segments += segments - 1
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
    issued = date_of(rep, header_dates(rep, node["DTM"], "ORDRSP"), "137")
    assert issued is not None
    refs = read_refs(rep, node.get("references", ()), "ORDRSP")
    if "ON" not in refs:
        rep.error("the order answered (RFF+ON) is missing", *end)
        raise _Stop
    parties = read_parties(rep, node.get("parties", ()), "ORDRSP", ("BY", "SU"))
    require_parties(rep, parties, ("BY", "SU"), end)
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
        issued=issued,
        order_number=refs["ON"],
        buyer=parties["BY"][0],
        supplier=parties["SU"][0],
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
    e, c, t = w.element, w.component, w.terminator
    item_type, known, out, newline, extra = w.edition.item_type, KNOWN_GTINS, w.out, w.newline, 0
    for k, line in enumerate(response.lines):
        status = line.status
        if type(status) is not LineStatus:
            raise w.fail(f"must be a LineStatus, got {status!r}", f".lines[{k}].status")
        gtin = line.gtin
        if gtin not in known:
            w.id(gtin, "GTIN", f".lines[{k}].gtin")
        quantity = line.quantity
        if quantity is None:
            if status is LineStatus.CHANGED:
                raise w.fail("a changed line needs its new quantity", f".lines[{k}].quantity")
            out.append(f"LIN{e}{k + 1}{e}{status._value_}{e}{gtin}{c}{item_type}{t}")
            continue
        shown = (
            quantity
            if type(quantity) is int and -LIMIT < quantity < LIMIT
            else w.number(quantity, f".lines[{k}].quantity")
        )
        out.append(
            f"LIN{e}{k + 1}{e}{status._value_}{e}{gtin}{c}{item_type}{t}"
            f"{newline}QTY{e}21{c}{shown}{t}"
        )
        extra += 1
    w.extra_segments += extra
    w.seg("UNS", "S")
    w.seg("CNT", ("2", str(len(response.lines))))
