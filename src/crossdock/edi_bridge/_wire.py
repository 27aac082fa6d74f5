"""The EDI channel's reading side: interchange text to simulation message, arrays all the way.

:func:`read_wire` reads an interchange with the codec's express lane (canonical text only:
see ``crossdock.edi._express``): INVRPT, SLSRPT and ORDRSP bodies into NumPy numbers when
their GTINs have 13 digits (``crossdock.edi._numbers``), else, like ORDERS, DESADV and RECADV,
into columns (``crossdock.edi._columns``), and CONTRLs into what their sender needs
(:func:`contrl_ack`; :func:`read_acceptance` reads the channel's own acceptances with one
regular expression). :func:`wire_message` then translates it: numbers and columns straight
into the simulation message's arrays (sorted searches and NumPy scatter-adds, no line
objects), the others through :meth:`EdiBridge.from_edi`. Either returns ``None`` for
anything out of the ordinary — text that is not canonical, an unknown GLN or GTIN, parts that
do not fit together — and the channel then decodes the general way, which raises the located
error its CONTRL reports. So this changes speed, never results; the channel tests compare
runs over EDI with direct runs, faults included, and the tests here compare both readings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from crossdock import edi
from crossdock import messages as sim
from crossdock.edi._columns import (
    InventoryColumns,
    OrderColumns,
    PalletColumns,
    ResponseColumns,
    SalesColumns,
    despatch_columns,
    inventory_columns,
    order_columns,
    receipt_columns,
    response_columns,
    sales_columns,
)
from crossdock.edi._elements import valid_glns, valid_id
from crossdock.edi._express import Envelope, _prepared, read_envelope
from crossdock.edi._fastlane import _patterns, _text
from crossdock.edi._interchange import _CONTRL_EDITIONS, _KINDS, _RELEASES
from crossdock.edi._numbers import (
    InventoryNumbers,
    ResponseNumbers,
    SalesNumbers,
    _texts,
    inventory_numbers,
    response_numbers,
    sales_numbers,
)
from crossdock.edi._syntax import Separators
from crossdock.edi_bridge._bridge import EdiBridge
from crossdock.edi_bridge._logistics import _prefix, _receipt_location_kind, _serial
from crossdock.edi_bridge._master import BridgeError, MasterData
from crossdock.edi_bridge._orders import (
    _STATUS_FROM_EDI,
    LOCATION_KIND,
    _read_delivery_notes,
    _response_location_kind,
    _ship_to,
)
from crossdock.edi_bridge._reports import BACKORDERS, RECEIVED
from crossdock.edi_bridge._wire_text import interchange_head

__all__ = ["contrl_ack", "contrl_text", "read_acceptance", "read_wire", "wire_message"]

_PLAIN = re.compile(r"[0-9A-Za-z\-./ ]{1,14}", re.ASCII)


def _lanes() -> dict[str, object]:
    lanes: dict[str, object] = {name: kind.fast for name, kind in _KINDS.items()}
    lanes["INVRPT"] = _either(inventory_numbers, inventory_columns)
    lanes["SLSRPT"] = _either(sales_numbers, sales_columns)
    lanes["ORDRSP"] = _either(response_numbers, response_columns)
    lanes["ORDERS"] = order_columns
    lanes["DESADV"] = despatch_columns
    lanes["RECADV"] = receipt_columns
    lanes["CONTRL"] = contrl_ack
    return lanes


def _either(first: Callable[..., Any], then: Callable[..., Any]) -> Callable[..., Any]:
    """A lane trying ``first``, then ``then`` where ``first`` declines."""

    def lane(*args: Any) -> Any:
        found = first(*args)
        return then(*args) if found is None else found

    return lane


def read_wire(text: str, data: bytes | None = None) -> Envelope | None:
    """The envelope of a canonical interchange, bodies in columns; ``None`` otherwise.

    ``data`` is the text's Latin-1 bytes, when the caller has them.
    """
    return read_envelope(text, _LANES, _RELEASES, _CONTRL_EDITIONS, split=False, data=data)  # type: ignore[arg-type]


def wire_message(bridge: EdiBridge, envelope: Envelope) -> sim.Message | None:
    """The simulation message of an envelope from :func:`read_wire`, or ``None`` (see above)."""
    values = [value for _, _, value, _, _ in envelope.messages]
    kind = type(values[0])
    mapper = _MAPPERS.get(kind)
    sender, receiver = envelope.sender, envelope.recipient
    try:
        if mapper is None:
            if any(not isinstance(v, edi.Message) for v in values):
                return None
            return bridge.from_edi(tuple(values), sender=sender, receiver=receiver)
        if any(type(v) is not kind for v in values):
            return None
        md = bridge.master
        md.locate(sender, "sender")
        md.locate(receiver, "receiver")
        message = mapper(values, md, sender, receiver)
        if isinstance(message, sim.DespatchAdvice):  # as EdiBridge.from_edi does
            bridge._sscc_first[(message.sender, message.despatch_number)] = message.sscc_first
        return message
    except BridgeError:
        return None


def _one(mapper: Callable[..., sim.Message | None]) -> Callable[..., sim.Message | None]:
    """A mapper of a message that travels as one EANCOM message (``None`` for several)."""

    def one(values: list[Any], *args: Any) -> sim.Message | None:
        return mapper(values[0], *args) if len(values) == 1 else None

    return one


def _pallet_quantities(
    parts: list[PalletColumns], md: MasterData, loc_kind: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]] | None:
    """:func:`~crossdock.edi_bridge._logistics._quantities`, from columns."""
    first = next((part for part in parts if part.ssccs), None)
    if first is None:
        return None
    gtins = first.gtins[: first.counts[0]]  # the first pallet's, which lists every item
    if len(set(gtins)) != len(gtins):
        return None  # an item listed twice: the general path adds the lines up
    items = md.items(gtins, "pallets[0].lines")
    column = {g: j for j, g in enumerate(gtins)}
    locations = np.array(
        [md.index(part.buyer, loc_kind, f"[{r}].buyer") for r, part in enumerate(parts)],
        dtype=np.int64,
    )
    quantity = np.zeros((len(parts), len(gtins)), dtype=np.int64)
    ssccs: list[str] = []
    columns: list[int | None] = []
    for part in parts:
        ssccs += part.ssccs
        columns += map(column.get, part.gtins)
    if None in columns:
        return None
    if columns:  # every line of every part added in one call (an item may repeat)
        counts = [len(part.gtins) for part in parts]
        where = np.repeat(np.arange(len(parts), dtype=np.int64) * len(gtins), counts)
        where += np.array(columns, dtype=np.int64)
        np.add.at(quantity.reshape(-1), where, np.concatenate([p.quantities for p in parts]))
    return locations, items, quantity, ssccs


def _despatch(
    parts: list[PalletColumns], md: MasterData, sender: str, receiver: str
) -> sim.DespatchAdvice | None:
    """:func:`~crossdock.edi_bridge._logistics.despatch_from_edi`, from columns."""
    first = parts[0]
    if any(part.despatch_number is not None for part in parts):
        return None  # a RECADV among the parts: the general path says so
    kind, index = md.locate(first.delivery_party, "delivery_party")
    if kind not in LOCATION_KIND or first.delivery_date is None:
        return None
    found = _pallet_quantities(parts, md, LOCATION_KIND[kind])
    if found is None:
        return None
    locations, items, quantity, ssccs = found
    prefix = _prefix(sender)
    serials = [_serial(s, prefix, "pallets") for s in ssccs]
    if serials != list(range(serials[0], serials[0] + len(serials))):
        return None
    return sim.DespatchAdvice(
        sender=sender,
        receiver=receiver,
        day=md.day(first.date, "despatch_date"),
        reference=first.message_ref,
        despatch_number=first.number,
        arrival_day=md.day(first.delivery_date, "delivery_date"),
        ship_to_kind=kind,
        ship_to=-1 if kind == "store" else index,
        locations=locations,
        items=items,
        quantity=quantity,
        pallets=len(serials),
        sscc_first=serials[0],
    )


def _receipt(
    parts: list[PalletColumns], md: MasterData, sender: str, receiver: str
) -> sim.ReceivingAdvice | None:
    """:func:`~crossdock.edi_bridge._logistics.receipt_from_edi`, from columns."""
    first = parts[0]
    if any(part.despatch_number is None for part in parts):
        return None  # a DESADV among the parts: the general path says so
    found = _pallet_quantities(parts, md, _receipt_location_kind(sender, md))
    if found is None or first.despatch_number is None:
        return None
    locations, items, quantity, _ = found
    return sim.ReceivingAdvice(
        sender=sender,
        receiver=receiver,
        day=md.day(first.date, "received"),
        reference=first.message_ref,
        despatch_number=first.despatch_number,
        locations=locations,
        items=items,
        quantity=quantity,
    )


def _order(order: OrderColumns, md: MasterData, sender: str, receiver: str) -> sim.Order | None:
    """:func:`~crossdock.edi_bridge._orders.order_from_edi`, from columns."""
    kind, ship_to = _ship_to(order.delivery_party, md)
    gtins = order.gtins
    items = md.items(gtins, "lines")
    counts = order.split_counts
    if gtins and counts[0]:
        stores = order.stores[: counts[0]]
        if len(set(stores)) != len(stores):
            return None  # a store split twice on the first line: the general path decides
        if 0 in counts and any(q and not k for q, k in zip(order.quantities, counts, strict=True)):
            return None  # a line of a split order without splits: the general path says so
        loc_kind = LOCATION_KIND[kind]
        row_of = {gln: r for r, gln in enumerate(stores)}
        locations = np.array(
            [md.index(g, loc_kind, f"lines[0].splits[{r}].store") for r, g in enumerate(stores)],
            dtype=np.int64,
        )
        rows = list(map(row_of.get, order.stores))
        if None in rows:
            return None
        quantity = np.zeros((len(stores), len(gtins)), dtype=np.int64)
        columns = np.repeat(np.arange(len(gtins), dtype=np.int64), counts)
        np.add.at(quantity, (np.array(rows, dtype=np.int64), columns), order.split_quantities)
    else:
        if kind not in ("dc", "supplier"):
            return None
        locations = np.array([ship_to], dtype=np.int64)
        quantity = np.array([order.quantities], dtype=np.int64).reshape(1, len(gtins))
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


_STATUS = {status.value: code for status, code in _STATUS_FROM_EDI.items()}
_STATUS_NUMBER = {int(value): code for value, code in _STATUS.items()}


def _response(
    parts: list[ResponseColumns], md: MasterData, sender: str, receiver: str
) -> sim.OrderResponse | None:
    """:func:`~crossdock.edi_bridge._orders.response_from_edi`, from columns."""
    first = parts[0]
    gtins = first.gtins
    if len(set(gtins)) != len(gtins):
        return None  # an item listed twice: the general path decides which quantity counts
    items = md.items(gtins, "lines")
    column = {g: j for j, g in enumerate(gtins)}
    kind = _response_location_kind(sender, md)
    locations = np.array(
        [md.index(part.buyer, kind, f"[{r}].buyer") for r, part in enumerate(parts)],
        dtype=np.int64,
    )
    quantity: np.ndarray | None
    if all(part.gtins == gtins and "" not in part.quantities for part in parts):
        quantity = np.array([part.quantities for part in parts], dtype=np.int64)  # every line
    else:
        quantity = _response_quantities(parts, column)
    if quantity is None:
        return None
    return sim.OrderResponse(
        sender=sender,
        receiver=receiver,
        day=md.day(first.issued, "issued"),
        reference=first.message_ref,
        order_number=first.order_number,
        locations=locations,
        items=items,
        quantity=quantity,
        status=np.array([_STATUS[s] for s in first.statuses], dtype=np.int64),
        delivery_day=_read_delivery_notes(first.notes, len(gtins), md),
    )


def _response_quantities(parts: list[ResponseColumns], column: dict[str, int]) -> np.ndarray | None:
    """The quantities of an order response's parts, lines in any order or without quantity."""
    quantity = np.zeros((len(parts), len(column)), dtype=np.int64)
    for r, part in enumerate(parts):
        columns = list(map(column.get, part.gtins))
        if None in columns or len(set(columns)) != len(columns):
            return None
        given = [k for k, q in enumerate(part.quantities) if q] if "" in part.quantities else None
        if given is None:
            quantity[r, np.array(columns, dtype=np.int64)] = np.array(
                part.quantities, dtype=np.int64
            )
        elif given:
            quantity[r, np.array([columns[k] for k in given], dtype=np.int64)] = np.array(
                [part.quantities[k] for k in given], dtype=np.int64
            )
    return quantity


def _sales(
    report: SalesColumns, md: MasterData, sender: str, receiver: str
) -> sim.SalesReport | None:
    """:func:`~crossdock.edi_bridge._reports.sales_from_edi`, from columns."""
    gtins = report.locations[0][1]
    if len(set(gtins)) != len(gtins):
        return None  # an item listed twice: the general path adds the lines up
    items = md.items(gtins, "locations[0].lines")
    column = {g: j for j, g in enumerate(gtins)}
    quantity = np.zeros((len(report.locations), len(gtins)), dtype=np.int64)
    locations = np.empty(len(report.locations), dtype=np.int64)
    for r, (gln, line_gtins, sold) in enumerate(report.locations):
        locations[r] = md.index(gln, "store", f"locations[{r}].gln")
        columns = list(map(column.get, line_gtins))
        if None in columns:
            return None
        np.add.at(quantity[r], np.array(columns, dtype=np.int64), sold)
    return sim.SalesReport(
        sender=sender,
        receiver=receiver,
        day=md.day(report.issued, "issued"),
        reference=report.message_ref,
        locations=locations,
        items=items,
        quantity=quantity,
    )


def _inventory(
    parts: list[InventoryColumns], md: MasterData, sender: str, receiver: str
) -> sim.InventoryReport | None:
    """:func:`~crossdock.edi_bridge._reports.inventory_from_edi`, from columns."""
    first = parts[0]
    if not first.gtins:
        return None
    glns = list(dict.fromkeys(first.places))  # in order of first appearance
    k = first.places.count(glns[0])
    if first.places[:k].count(glns[0]) == k:  # the first location's lines come first
        gtins = first.gtins[:k]
    else:
        places = np.array(first.places)
        gtins = np.array(first.gtins)[places == glns[0]].tolist()
    if len(set(gtins)) != len(gtins):
        return None  # an item listed twice: the general path adds the lines up
    items = md.items(gtins, "locations[0].lines")
    column = {g: j for j, g in enumerate(gtins)}
    row_of = {gln: r for r, gln in enumerate(glns)}
    locations = np.array(
        [md.index(g, "store", f"locations[{r}].gln") for r, g in enumerate(glns)], dtype=np.int64
    )
    arrays = {
        suffix: np.zeros((len(glns), len(gtins)), dtype=np.int64)
        for suffix in ("", RECEIVED, BACKORDERS)
    }
    for part in parts:
        suffix = part.number[len(first.number) :]
        target = arrays.get(suffix) if part.number.startswith(first.number) else None
        if target is None:
            return None
        rows = list(map(row_of.get, part.places))
        columns = list(map(column.get, part.gtins))
        if None in rows or None in columns:
            return None
        np.add.at(target, (np.array(rows), np.array(columns)), part.quantities)
    return sim.InventoryReport(
        sender=sender,
        receiver=receiver,
        day=md.day(first.stock_date, "stock_date"),
        reference=first.message_ref,
        locations=locations,
        items=items,
        on_hand=arrays[""],
        received=arrays[RECEIVED],
        backorders=arrays[BACKORDERS],
    )


def _positions(ordered: np.ndarray, values: np.ndarray) -> np.ndarray | None:
    """Where each of ``values`` is in ``ordered`` (sorted), or ``None`` if one is not there."""
    if not len(ordered):
        return None if len(values) else np.zeros(0, dtype=np.int64)
    found = np.searchsorted(ordered, values)
    np.minimum(found, len(ordered) - 1, out=found)
    return found if np.array_equal(ordered[found], values) else None


def _response_numbers(
    parts: list[ResponseNumbers], md: MasterData, sender: str, receiver: str
) -> sim.OrderResponse | None:
    """:func:`_response` from numbers: the same message, found with sorted searches."""
    first = parts[0]
    gtins = first.gtin_numbers
    ordered = np.unique(gtins)
    if len(ordered) != len(gtins):
        return None  # an item listed twice: the general path decides which quantity counts
    items = md.numbered_items(gtins, "lines")
    kind = _response_location_kind(sender, md)
    locations = np.array(
        [md.index(part.buyer, kind, f"[{r}].buyer") for r, part in enumerate(parts)],
        dtype=np.int64,
    )
    if all(np.array_equal(part.gtin_numbers, gtins) for part in parts):
        quantity = np.stack([part.quantities for part in parts])  # every line, in order
    else:
        column_of = np.argsort(gtins)  # column of ordered[k]
        quantity = np.zeros((len(parts), len(gtins)), dtype=np.int64)
        for r, part in enumerate(parts):
            found = _positions(ordered, part.gtin_numbers)
            if found is None or len(np.unique(found)) != len(found):
                return None
            quantity[r, column_of[found]] = part.quantities
    return sim.OrderResponse(
        sender=sender,
        receiver=receiver,
        day=md.day(first.issued, "issued"),
        reference=first.message_ref,
        order_number=first.order_number,
        locations=locations,
        items=items,
        quantity=quantity,
        status=np.array([_STATUS_NUMBER[s] for s in first.statuses.tolist()], dtype=np.int64),
        delivery_day=_read_delivery_notes(first.notes, len(gtins), md),
    )


def _sales_numbers(
    report: SalesNumbers, md: MasterData, sender: str, receiver: str
) -> sim.SalesReport | None:
    """:func:`_sales` from numbers: the same message, found with sorted searches."""
    gtins = report.locations[0][1]
    ordered = np.unique(gtins)
    if len(ordered) != len(gtins):
        return None  # an item listed twice: the general path adds the lines up
    items = md.numbered_items(gtins, "locations[0].lines")
    column_of = np.argsort(gtins)  # column of ordered[k]
    places = report.locations
    locations = np.array(
        [md.index(gln, "store", f"locations[{r}].gln") for r, (gln, _, _) in enumerate(places)],
        dtype=np.int64,
    )
    columns = _positions(ordered, np.concatenate([line_gtins for _, line_gtins, _ in places]))
    if columns is None:
        return None
    rows = np.repeat(np.arange(len(places)), [len(line_gtins) for _, line_gtins, _ in places])
    quantity = np.zeros((len(places), len(gtins)), dtype=np.int64)
    np.add.at(quantity, (rows, column_of[columns]), np.concatenate([q for _, _, q in places]))
    return sim.SalesReport(
        sender=sender,
        receiver=receiver,
        day=md.day(report.issued, "issued"),
        reference=report.message_ref,
        locations=locations,
        items=items,
        quantity=quantity,
    )


def _inventory_numbers(
    parts: list[InventoryNumbers], md: MasterData, sender: str, receiver: str
) -> sim.InventoryReport | None:
    """:func:`_inventory` from numbers: the same message, found with sorted searches."""
    first = parts[0]
    places = first.place_numbers
    # The locations in order of first appearance, and their rows by sorted GLN.
    glns, seen_at = np.unique(places, return_index=True)
    order = np.argsort(seen_at)
    row_of = np.empty(len(glns), dtype=np.int64)
    row_of[order] = np.arange(len(glns))
    gtins = first.gtin_numbers[places == places[0]]  # the first location's lines
    ordered = np.unique(gtins)
    if len(ordered) != len(gtins):
        return None  # an item listed twice: the general path adds the lines up
    items = md.numbered_items(gtins, "locations[0].lines")
    column_of = np.argsort(gtins)  # column of ordered[k]
    locations = np.array(
        [
            md.index(gln, "store", f"locations[{r}].gln")
            for r, gln in enumerate(_texts(glns[order]))
        ],
        dtype=np.int64,
    )
    arrays = {
        suffix: np.zeros((len(glns), len(gtins)), dtype=np.int64)
        for suffix in ("", RECEIVED, BACKORDERS)
    }
    for part in parts:
        suffix = part.number[len(first.number) :]
        target = arrays.get(suffix) if part.number.startswith(first.number) else None
        if target is None:
            return None
        rows = _positions(glns, part.place_numbers)
        columns = _positions(ordered, part.gtin_numbers)
        if rows is None or columns is None:
            return None
        np.add.at(target, (row_of[rows], column_of[columns]), part.quantities)
    return sim.InventoryReport(
        sender=sender,
        receiver=receiver,
        day=md.day(first.stock_date, "stock_date"),
        reference=first.message_ref,
        locations=locations,
        items=items,
        on_hand=arrays[""],
        received=arrays[RECEIVED],
        backorders=arrays[BACKORDERS],
    )


def contrl_text(
    sender: str,
    recipient: str,
    control_ref: str,
    prepared: dt.datetime,
    edition: edi.Edition,
    answered: tuple[str, str, str],
    refs: list[tuple[str, str]],
) -> str | None:
    """The text ``edi.encode`` writes for a CONTRL accepting an interchange, from a template.

    ``answered`` is the accepted interchange's (control reference, sender, recipient) and
    ``refs`` its messages' (reference, type). Only for an interchange the channel writes on
    one line, with plain references (nothing to escape, at most 14 characters) and GLNs with
    their check digits; ``None`` otherwise, and the caller encodes the general way (which
    writes the same text or names the problem). The tests compare both texts.
    """
    interchange_ref, original_sender, original_recipient = answered
    codes = edi.ASSOCIATION_CODES[edition]
    plain = _PLAIN.fullmatch
    if not (plain(control_ref) and plain(interchange_ref) and all(plain(r) for r, _ in refs)):
        return None
    if not 2000 <= prepared.year <= 2099:
        return None
    glns = (sender, recipient, original_sender, original_recipient)
    if any(type(gln) is not str or valid_id(gln, "GLN") for gln in glns):
        return None
    release = edition.release
    acks = []
    for ref, kind in refs:
        code = codes.get(kind)
        if code is None:
            return None
        acks.append(f"UCM+{ref}+{kind}:D:{release}:UN:{code}+7'")
    return (
        interchange_head(sender, recipient, prepared, control_ref, "CONTRL")
        + f"UNH+1+CONTRL:D:3:UN:{codes['CONTRL']}'"
        f"UCI+{interchange_ref}+{original_sender}:14+{original_recipient}:14+7'"
        f"{''.join(acks)}UNT+{len(acks) + 3}+1'UNZ+1+{control_ref}'"
    )


_VALUE = rb"[0-9A-Za-z \-./]{1,14}"
_CONTRL = re.compile(
    rb"UNA:\+\.\? 'UNB\+UNOC:3\+([0-9]{13}):14\+([0-9]{13}):14\+([0-9]{6}):([0-9]{4})"
    rb"\+(" + _VALUE + rb")\+\+CONTRL'UNH\+1\+CONTRL:D:3:UN:EAN[0-9]{3}'"
    rb"UCI\+(" + _VALUE + rb")\+([0-9]{13}):14\+([0-9]{13}):14\+7'"
    rb"((?:UCM\+" + _VALUE + rb"\+[A-Z]{6}:D:[0-9A-Z]{1,3}:UN:EAN[0-9]{3}\+7')*)"
    rb"UNT\+([1-9][0-9]{0,5})\+1'UNZ\+1\+(" + _VALUE + rb")'"
)
"""A CONTRL accepting an interchange and each of its messages, as :func:`contrl_text` writes
it: every character plain UNOC, so nothing else for the express lane to check."""


def read_acceptance(data: bytes) -> tuple[str, str] | None:
    """The (sender, interchange reference) a CONTRL as :func:`contrl_text` writes it accepts.

    ``None`` for any other text, which :func:`read_wire` (or the general reader) then reads:
    what this accepts, they accept too, with the same meaning (the tests compare).
    """
    match = _CONTRL.fullmatch(data)
    if match is None:
        return None
    sender, recipient, day, time, control_ref, interchange_ref, original, _, acks, count, end = (
        group.decode("ascii") for group in match.groups()
    )
    if end != control_ref or int(count) != acks.count("'") + 3:
        return None
    if _prepared(day, time) is None:
        return None
    if not valid_glns(sender, recipient, original, match.group(8).decode("ascii")):
        return None
    return original, interchange_ref


def contrl_ack(
    body: list[str] | str, edition: edi.Edition, message_ref: str, separators: Separators
) -> tuple[str, str, str] | None:
    """A canonical CONTRL's (interchange reference, sender, action), or ``None``.

    Accepts exactly what the CONTRL fast lane accepts, without building a ``MessageAck`` per
    message answered: the sending side only needs to know what was acknowledged.
    """
    text = _text(body, separators)
    match = _patterns(separators, edition.item_type)["CONTRL"].fullmatch(text)
    if match is None:
        return None
    interchange_ref, sender, recipient, action = match.groups()[:4]
    if valid_id(sender, "GLN") or valid_id(recipient, "GLN"):
        return None
    return interchange_ref, sender, action


_LANES = _lanes()


_MAPPERS: dict[type, Callable[..., sim.Message | None]] = {
    InventoryColumns: _inventory,
    InventoryNumbers: _inventory_numbers,
    ResponseNumbers: _response_numbers,
    SalesNumbers: _one(_sales_numbers),
    SalesColumns: _one(_sales),
    ResponseColumns: _response,
    OrderColumns: _one(_order),
    PalletColumns: lambda values, md, sender, receiver: (
        _despatch if values[0].despatch_number is None else _receipt
    )(values, md, sender, receiver),
}
"""Per columnar lane's result, the mapper to the simulation message (several parts or one)."""
