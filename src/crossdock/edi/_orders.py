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
    LineHeads,
    Writer,
    date_of,
    header_dates,
    line_numbers,
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
    e, c, t, newline = w.element, w.component, w.terminator, w.newline
    # The hot loop: one string per line, ``LIN+<number>`` + the text from the GTIN to QTY's
    # qualifier (built once per item, see line_heads) + the quantity, then PRI and the
    # store splits when given.
    heads = w.line_heads(f"{e}{e}", f"{newline}QTY{e}21{c}")
    places = _split_places(w)
    lin, ends, get, out, extra = f"LIN{e}", w.terminated_numbers(), heads.get, w.out, 0
    lines = order.lines
    for number, line in zip(line_numbers(1, len(lines)), lines, strict=True):
        gtin = line.gtin
        head = get(gtin)
        if head is None:
            head = w.head(heads, gtin, f".lines[{int(number) - 1}].gtin")
        quantity = line.quantity
        if type(quantity) is int and 0 <= quantity < 10_000:
            text = f"{lin}{number}{head}{ends[quantity]}"
        else:
            shown = w.quantity(quantity, f".lines[{int(number) - 1}].quantity")
            text = f"{lin}{number}{head}{shown}{t}"
        extra += 1
        if line.price is not None or line.splits:
            text, segments = _order_line_tail(w, text, line, int(number) - 1, places)
            extra += segments
        out.append(text)
    w.extra_segments += extra
    w.end_lines(len(order.lines))


def _split_places(w: Writer) -> LineHeads:
    """The texts ``LOC+7+<store GLN>::9'QTY+11:`` of store splits, by GLN (see id_texts).

    Looked up once per message: most lines of a cross-dock order have splits.
    """
    e, c, t, newline = w.element, w.component, w.terminator, w.newline
    return w.id_texts("GLN", f"LOC{e}7{e}", f"{c}{c}9{t}{newline}QTY{e}11{c}")


def _order_line_tail(
    w: Writer, text: str, line: OrderLine, k: int, places: LineHeads
) -> tuple[str, int]:
    """Add an order line's price (PRI) and store splits (LOC+QTY) to ``text``.

    Return the text and the number of segments added; ``places`` is :func:`_split_places`.
    """
    segments = 0
    if line.price is not None:
        e, c, t, newline = w.element, w.component, w.terminator, w.newline
        text += f"{newline}PRI{e}AAA{c}{w.number(line.price, f'.lines[{k}].price')}{t}"
        segments += 1
    splits = line.splits
    if splits:
        pieces = _known_splits(w, text, line, places)
        if pieces is None:
            pieces = _checked_splits(w, text, line, f".lines[{k}]", places)
        elif pieces is _UNBALANCED:
            raise w.fail("store splits must add up to the line quantity", f".lines[{k}].splits")
        text = w.newline.join(pieces)
        segments += 2 * len(splits)
    return text, segments


_UNBALANCED: list[str] = []
"""What :func:`_known_splits` returns when the splits do not add up to the line quantity."""


def _known_splits(w: Writer, text: str, line: OrderLine, places: LineHeads) -> list[str] | None:
    """The store splits after ``text`` when every store is known and every quantity small.

    ``None`` when one is not: :func:`_checked_splits` then checks each value and names the
    bad one. :data:`_UNBALANCED` when they do not add up to the line quantity.
    """
    pieces = [text]
    ends, total = w.terminated_numbers(), 0
    try:
        for split in line.splits:
            place = places.get(split.store)
            part = split.quantity
            if place is None or type(part) is not int or not 0 <= part < 10_000:
                return None
            total += part
            pieces.append(place + ends[part])
    except TypeError:  # an unhashable store
        return None
    if total != line.quantity:
        return _UNBALANCED
    return pieces


def _checked_splits(
    w: Writer, text: str, line: OrderLine, where: str, places: LineHeads
) -> list[str]:
    """The store splits of an order line, each value checked, after ``text``."""
    t = w.terminator
    splits = line.splits
    if sum(s.quantity for s in splits) != line.quantity:
        raise w.fail("store splits must add up to the line quantity", where + ".splits")
    pieces = [text]
    for j, split in enumerate(splits):
        store = split.store
        place = places.get(store) if type(store) is str else None
        if place is None:
            place = w.head(places, store, f"{where}.splits[{j}].store")
        part = split.quantity
        shown = (
            part
            if type(part) is int and -LIMIT < part < LIMIT
            else w.number(part, f"{where}.splits[{j}].quantity")
        )
        pieces.append(f"{place}{shown}{t}")
    return pieces


_STATUSES = {status.value: status for status in LineStatus}
_STATUS_VALUES = tuple(_STATUSES)
_BY_STATUS: dict[tuple[str, ...], dict[str, LineHeads]] = {}
"""The ORDRSP line texts per line status, per separators, line ending and edition (the
tables themselves are cleared, never replaced, when they grow: see ``Writer.id_texts``)."""
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
    w.bgm("231", response.number, response.response._value_)
    w.dtm("137", response.issued, ".issued")
    w.notes(response.notes)
    w.rff("ON", response.order_number, ".order_number")
    w.nad("BY", response.buyer, ".buyer")
    w.nad("SU", response.supplier, ".supplier")
    e, c, t, newline = w.element, w.component, w.terminator, w.newline
    # The hot loop: one string per line, ``LIN+<number>`` + the text from the status to
    # QTY's qualifier (built once per status and item, see line_heads) + the quantity.
    key = (e, c, w.terminator, newline, w.item_type)
    by_status = _BY_STATUS.get(key)
    if by_status is None:
        by_status = _BY_STATUS[key] = {
            value: w.line_heads(f"{e}{value}{e}", f"{newline}QTY{e}21{c}")
            for value in _STATUS_VALUES
        }
    lin, ends, out, bare = f"LIN{e}", w.terminated_numbers(), w.out, 0
    lines = response.lines
    last: object = None  # most lines share their status: its table is looked up on a change
    heads = by_status[LineStatus.ACCEPTED._value_]
    for number, line in zip(line_numbers(1, len(lines)), lines, strict=True):
        status = line.status
        if status is not last:
            if type(status) is not LineStatus:
                where = f".lines[{int(number) - 1}].status"
                raise w.fail(f"must be a LineStatus, got {status!r}", where)
            heads, last = by_status[status._value_], status
        gtin = line.gtin
        head = heads.get(gtin)
        if head is None:
            head = w.head(heads, gtin, f".lines[{int(number) - 1}].gtin")
        quantity = line.quantity
        if type(quantity) is int and 0 <= quantity < 10_000:
            out.append(f"{lin}{number}{head}{ends[quantity]}")
        elif quantity is None:
            if status is LineStatus.CHANGED:
                where = f".lines[{int(number) - 1}].quantity"
                raise w.fail("a changed line needs its new quantity", where)
            out.append(f"LIN{e}{number}{e}{status._value_}{e}{gtin}{c}{w.item_type}{t}")
            bare += 1
        else:
            shown = w.quantity(quantity, f".lines[{int(number) - 1}].quantity")
            out.append(f"LIN{e}{number}{head}{shown}{t}")
    w.extra_segments += len(lines) - bare  # a line with its quantity is LIN and QTY
    w.end_lines(len(response.lines))
