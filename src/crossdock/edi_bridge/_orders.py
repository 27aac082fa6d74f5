"""Order ⇄ ORDERS and OrderResponse ⇄ ORDRSP.

ORDERS: one line per item (QTY+21, the total over the order's locations, zero included); a
cross-dock order splits each line by store with LOC+7 / QTY+11, the first line listing every
store (zero splits included) so that the order's locations come back in order. NAD+BY is the
sender, NAD+SU the receiver, NAD+DP where the goods go (the platform, the DC or, for a
production order, the supplier's warehouse; none for a store order to the DC).

ORDRSP: the codec models one quantity per line and no line dates, so the bridge writes one
ORDRSP per location of the response (NAD+BY names it: the store, or for a factory's answer
the supplier), each with every line (action code and QTY+21), and carries the promised delivery
dates as FTX+AAI notes ``DELIVERY CCYYMMDD LINES 1-12,15``; see ``docs/edi-channel.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from operator import attrgetter

import numpy as np

from crossdock import edi
from crossdock import messages as sim
from crossdock.edi_bridge._master import BridgeError, MasterData, column_of, shared_lines, whole
from crossdock.edi_bridge._reports import part_ref

__all__ = [
    "order_from_edi",
    "order_to_edi",
    "response_from_edi",
    "response_to_edi",
]

#: Which party table an order's locations index, by ``ship_to_kind``.
LOCATION_KIND = {"platform": "store", "store": "store", "dc": "dc", "supplier": "supplier"}
_STATUS_TO_EDI = {
    int(sim.LineStatus.ACCEPTED): edi.LineStatus.ACCEPTED,
    int(sim.LineStatus.CHANGED): edi.LineStatus.CHANGED,
    int(sim.LineStatus.REFUSED): edi.LineStatus.REFUSED,
}
_STATUS_FROM_EDI = {v: k for k, v in _STATUS_TO_EDI.items()}
_DELIVERY = re.compile(r"DELIVERY (\d{8}) LINES ([\d,\-]+)")
#: Characters of one FTX+AAI note: five components of 70 characters in EANCOM 97.
_NOTE_LIMIT = 350


def _ship_to_gln(kind: str, ship_to: int, md: MasterData) -> str | None:
    if kind not in LOCATION_KIND:
        raise BridgeError(f"unknown ship_to_kind {kind!r}", field="ship_to_kind")
    if kind == "store" and ship_to < 0:
        return None
    return md.gln(kind, ship_to, "ship_to")


def _ship_to(gln: str | None, md: MasterData) -> tuple[str, int]:
    if gln is None:
        return "store", -1
    kind, index = md.locate(gln, "delivery_party")
    if kind not in LOCATION_KIND:
        raise BridgeError(f"GLN {gln} is a {kind}, not a place of delivery", field="delivery_party")
    return kind, index


def order_to_edi(message: sim.Order, md: MasterData) -> tuple[edi.Order, ...]:
    """ORDERS, with store splits unless the order is for its place of delivery alone."""
    kind = message.ship_to_kind
    delivery_party = _ship_to_gln(kind, message.ship_to, md)
    loc_kind = LOCATION_KIND[kind]
    gtins = md.item_gtins(message.items)
    quantity = message.quantity
    if quantity.shape != (message.locations.size, len(gtins)):
        raise BridgeError(
            f"quantities have shape {quantity.shape}, expected "
            f"({message.locations.size}, {len(gtins)})",
            field="quantity",
        )
    single = (
        kind in ("dc", "supplier")
        and message.locations.size == 1
        and int(message.locations[0]) == message.ship_to
    )
    totals = quantity.sum(axis=0).tolist()
    if single:
        lines = tuple(edi.OrderLine(gtin=g, quantity=q) for g, q in zip(gtins, totals, strict=True))
    else:
        if not gtins:
            raise BridgeError("a split order needs at least one item", field="items")
        stores = md.location_glns(loc_kind, message.locations, "locations")
        columns = quantity.T.tolist()
        split = edi.StoreSplit
        out = []
        for j, (gtin, total) in enumerate(zip(gtins, totals, strict=True)):
            column = columns[j]
            if j == 0:
                splits = shared_lines(split, zip(stores, column, strict=True), "store")
            else:
                pairs = [(stores[r], q) for r, q in enumerate(column) if q]
                splits = shared_lines(split, pairs, "store")
            out.append(edi.OrderLine(gtin=gtin, quantity=total, splits=splits))
        lines = tuple(out)
    date = md.date(message.day)
    return (
        edi.Order(
            message_ref=message.reference,
            number=message.order_number,
            issued=date,
            delivery_date=date + dt.timedelta(days=1),
            buyer=message.sender,
            supplier=message.receiver,
            lines=lines,
            delivery_party=delivery_party,
        ),
    )


def order_from_edi(
    parts: tuple[edi.Message, ...], md: MasterData, sender: str, receiver: str
) -> sim.Order:
    """The simulation order of an ORDERS message."""
    (order,) = parts
    assert isinstance(order, edi.Order)
    kind, ship_to = _ship_to(order.delivery_party, md)
    gtins = [line.gtin for line in order.lines]
    items = md.items(gtins, "lines")
    if order.lines and order.lines[0].splits:
        loc_kind = LOCATION_KIND[kind]
        stores = [s.store for s in order.lines[0].splits]
        row_of = {gln: r for r, gln in enumerate(stores)}
        locations = np.array(
            [md.index(g, loc_kind, f"lines[0].splits[{r}].store") for r, g in enumerate(stores)],
            dtype=np.int64,
        )
        quantity = np.zeros((len(stores), len(gtins)), dtype=np.int64)
        for j, line in enumerate(order.lines):
            for k, s in enumerate(line.splits):
                r = row_of.get(s.store)
                where = f"lines[{j}].splits[{k}]"
                if r is None:
                    raise BridgeError(
                        f"store {s.store} is not split on the first line", field=where
                    )
                quantity[r, j] += whole(s.quantity, where + ".quantity")
            if not line.splits and line.quantity:
                raise BridgeError("a line of a split order has no splits", field=f"lines[{j}]")
    else:
        if kind not in ("dc", "supplier"):
            raise BridgeError(
                "an order for stores needs store splits (LOC+7 / QTY+11)", field="lines"
            )
        locations = np.array([ship_to], dtype=np.int64)
        quantity = np.array(
            [[whole(line.quantity, f"lines[{j}].quantity") for j, line in enumerate(order.lines)]],
            dtype=np.int64,
        ).reshape(1, len(gtins))
    return sim.Order(
        sender=sender,
        receiver=receiver,
        day=md.day(order.issued, "issued"),
        reference=order.message_ref,
        order_number=order.number,
        ship_to_kind=kind,
        ship_to=ship_to,
        locations=locations,
        items=items,
        quantity=quantity,
    )


# --- order responses -------------------------------------------------------------------


def _response_location_kind(sender: str, md: MasterData) -> str:
    """A factory answers its supplier's production order; every other answer is per store."""
    return "supplier" if md.party_of.get(sender, ("", 0))[0] == "factory" else "store"


def _ranges(lines: list[int]) -> list[str]:
    """``[1, 2, 3, 5]`` -> ``["1-3", "5"]`` (line numbers from 1)."""
    out: list[str] = []
    start = prev = lines[0]
    for n in [*lines[1:], -1]:
        if n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    return out


def _delivery_notes(delivery_day: np.ndarray, md: MasterData) -> tuple[str, ...]:
    """FTX notes giving each line's promised delivery date, grouped by date."""
    notes: list[str] = []
    days = delivery_day.tolist()
    for day in sorted(set(days)):
        head = f"DELIVERY {md.date(day):%Y%m%d} LINES "
        chunk: list[str] = []
        for part in _ranges([j + 1 for j, d in enumerate(days) if d == day]):
            if chunk and len(head) + len(",".join([*chunk, part])) > _NOTE_LIMIT:
                notes.append(head + ",".join(chunk))
                chunk = []
            chunk.append(part)
        notes.append(head + ",".join(chunk))
    return tuple(notes)


def _read_delivery_notes(notes: tuple[str, ...], n_lines: int, md: MasterData) -> np.ndarray:
    promised = [m for note in notes if (m := _DELIVERY.fullmatch(note))]
    if not promised:
        return np.zeros(0, dtype=np.int64)
    out = np.full(n_lines, np.iinfo(np.int64).min, dtype=np.int64)
    for match in promised:
        date = dt.datetime.strptime(match.group(1), "%Y%m%d").date()
        day = md.day(date, "notes")
        for part in match.group(2).split(","):
            first, _, last = part.partition("-")
            out[int(first) - 1 : int(last or first)] = day
    if (out == np.iinfo(np.int64).min).any():
        raise BridgeError("some lines have no promised delivery date", field="notes")
    return out


_MAX_SHARED = 100_000
_SHARED_RESPONSES: dict[tuple[str, str, int], edi.ResponseLine] = {}


def _response_lines(
    gtins: list[str], statuses: list[edi.LineStatus], quantities: list[int]
) -> tuple[edi.ResponseLine, ...]:
    """ORDRSP lines, each (item, status, quantity) built once (frozen values, shared)."""
    cache = _SHARED_RESPONSES
    if len(cache) > _MAX_SHARED:
        cache.clear()
    values = [status._value_ for status in statuses]
    out = []
    for gtin, value, status, quantity in zip(gtins, values, statuses, quantities, strict=True):
        key = (gtin, value, quantity)
        line = cache.get(key)
        if line is None:
            line = edi.ResponseLine(gtin=gtin, status=status, quantity=quantity)
            if type(quantity) is int:
                cache[key] = line
        out.append(line)
    return tuple(out)


def response_to_edi(message: sim.OrderResponse, md: MasterData) -> tuple[edi.OrderResponse, ...]:
    """One ORDRSP per location of the response (NAD+BY), every line with its quantity."""
    gtins = md.item_gtins(message.items)
    n = len(gtins)
    if message.quantity.shape != (message.locations.size, n) or message.status.shape != (n,):
        raise BridgeError("quantity or status does not match the items", field="quantity")
    if message.delivery_day.size not in (0, n):
        raise BridgeError("delivery_day must be empty or one per item", field="delivery_day")
    buyers = md.location_glns(
        _response_location_kind(message.sender, md), message.locations, "locations"
    )
    if not buyers:
        raise BridgeError("an order response needs at least one location", field="locations")
    statuses = [_STATUS_TO_EDI.get(s) for s in message.status.tolist()]
    if None in statuses:
        raise BridgeError(f"unknown line status in {message.status.tolist()}", field="status")
    if statuses and all(s is edi.LineStatus.ACCEPTED for s in statuses):
        overall = edi.ResponseType.ACCEPTED
    elif statuses and all(s is edi.LineStatus.REFUSED for s in statuses):
        overall = edi.ResponseType.REFUSED
    else:
        overall = edi.ResponseType.CHANGED if statuses else edi.ResponseType.ACCEPTED
    notes = _delivery_notes(message.delivery_day, md) if message.delivery_day.size else ()
    date = md.date(message.day)
    rows = message.quantity.tolist()
    parts = []
    for r, buyer in enumerate(buyers):
        ref = part_ref(message.reference, r)
        parts.append(
            edi.OrderResponse(
                message_ref=ref,
                number=ref,
                response=overall,
                issued=date,
                order_number=message.order_number,
                buyer=buyer,
                supplier=message.sender,
                lines=_response_lines(gtins, statuses, rows[r]),  # type: ignore[arg-type]
                notes=notes,
            )
        )
    return tuple(parts)


def _set_quantities(
    row: np.ndarray, lines: tuple[edi.ResponseLine, ...], column: dict[str, int]
) -> bool:
    """Set ``row`` from the lines' quantities (those given) in C-level maps and one NumPy call.

    Return ``False`` (``row`` untouched) when a GTIN is unknown or given twice or a quantity
    is not a whole number: the caller then goes line by line, naming the bad one.
    """
    columns = list(map(column.get, map(_GTIN, lines)))
    quantities = list(map(_QUANTITY, lines))
    if None in columns or len(set(columns)) != len(columns):
        return False
    if None in quantities:
        given = [k for k, q in enumerate(quantities) if q is not None]
        columns = [columns[k] for k in given]
        quantities = [quantities[k] for k in given]
    if not set(map(type, quantities)) <= {int}:
        return False
    row[np.array(columns, dtype=np.int64)] = quantities
    return True


_GTIN = attrgetter("gtin")
_QUANTITY = attrgetter("quantity")


def response_from_edi(
    parts: tuple[edi.Message, ...], md: MasterData, sender: str, receiver: str
) -> sim.OrderResponse:
    """The simulation order response of its ORDRSP messages."""
    first = parts[0]
    assert isinstance(first, edi.OrderResponse)
    gtins = [line.gtin for line in first.lines]
    items = md.items(gtins, "lines")
    column = column_of(gtins)
    loc_kind = _response_location_kind(sender, md)
    locations = np.empty(len(parts), dtype=np.int64)
    quantity = np.zeros((len(parts), len(gtins)), dtype=np.int64)
    for r, part in enumerate(parts):
        assert isinstance(part, edi.OrderResponse)
        locations[r] = md.index(part.buyer, loc_kind, f"[{r}].buyer")
        if _set_quantities(quantity[r], part.lines, column):
            continue
        for k, line in enumerate(part.lines):
            j = column.get(line.gtin)
            if j is None:
                raise BridgeError(f"GTIN {line.gtin} is not in the first part", field=f"lines[{k}]")
            if line.quantity is not None:
                quantity[r, j] = whole(line.quantity, f"[{r}].lines[{k}].quantity")
    status = np.array([_STATUS_FROM_EDI[line.status] for line in first.lines], dtype=np.int64)
    return sim.OrderResponse(
        sender=sender,
        receiver=receiver,
        day=md.day(first.issued, "issued"),
        reference=first.message_ref,
        order_number=first.order_number,
        locations=locations,
        items=items,
        quantity=quantity,
        status=status,
        delivery_day=_read_delivery_notes(first.notes, len(gtins), md),
    )
