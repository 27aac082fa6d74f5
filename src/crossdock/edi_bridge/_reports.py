"""SalesReport ⇄ SLSRPT and InventoryReport ⇄ INVRPT.

Zero lines are left off the wire, except what is needed to give the simulation message back
exactly: every location appears, and the first location lists every item of the report (its
zeros included), which fixes the item order. INVRPT carries only stock on hand (QTY+145), so
the goods received today and the backorders travel as two further INVRPT messages of the same
interchange, whose BGM document numbers end in ``-RECEIVED`` and ``-BACKORDERS`` (left out when
all zero); see ``docs/edi-channel.md``.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from crossdock import edi
from crossdock import messages as sim
from crossdock.edi_bridge._master import (
    BridgeError,
    MasterData,
    add_lines,
    column_of,
    shared_lines,
    whole,
)

__all__ = [
    "inventory_from_edi",
    "inventory_to_edi",
    "part_ref",
    "sales_from_edi",
    "sales_to_edi",
]

RECEIVED = "-RECEIVED"
BACKORDERS = "-BACKORDERS"


def part_ref(reference: str, part: int) -> str:
    """Message reference of part ``part`` of a simulation message (part 0 keeps it)."""
    return reference if part == 0 else f"{reference}-{part}"


def _checked(quantity: np.ndarray, n_items: int) -> np.ndarray:
    if quantity.shape[1:] != (n_items,):
        raise BridgeError(
            f"quantities have shape {quantity.shape}, expected (locations, {n_items})",
            field="quantity",
        )
    return quantity


def _rows(quantity: np.ndarray, n_items: int) -> list[list[int]]:
    rows: list[list[int]] = _checked(quantity, n_items).tolist()
    return rows


def _nonzero_pairs(gtins: list[str], quantity: np.ndarray) -> list[list[tuple[str, int]]]:
    """Per row of ``quantity``, the (GTIN, quantity) pairs of its non-zero entries, in order.

    One ``np.nonzero`` over the whole block and C-level ``map``/``zip`` per row: no Python
    code per store and item.
    """
    rows, columns = np.nonzero(quantity)
    values = quantity[rows, columns].tolist()
    bounds = np.searchsorted(rows, np.arange(quantity.shape[0] + 1)).tolist()
    names = list(map(gtins.__getitem__, columns.tolist()))
    return [list(zip(names[a:b], values[a:b], strict=True)) for a, b in pairwise(bounds)]


def sales_to_edi(message: sim.SalesReport, md: MasterData) -> tuple[edi.SalesReport, ...]:
    """SLSRPT: one LOC+162 group per store; zero lines only for the first store."""
    gtins = md.item_gtins(message.items)
    rows = _rows(message.quantity, len(gtins))
    stores = md.location_glns("store", message.locations, "locations")
    if not stores:
        raise BridgeError("a sales report needs at least one location", field="locations")
    line = edi.SalesLine
    locations = []
    pairs = _nonzero_pairs(gtins, message.quantity)
    for r, gln in enumerate(stores):
        if r == 0:
            lines = shared_lines(line, zip(gtins, rows[0], strict=True))
        else:
            lines = shared_lines(line, pairs[r])
        locations.append(edi.SalesLocation(gln=gln, lines=lines))
    date = md.date(message.day)
    return (
        edi.SalesReport(
            message_ref=message.reference,
            number=message.reference,
            issued=date,
            period_start=date,
            period_end=date,
            seller=message.sender,
            supplier=message.receiver,
            locations=tuple(locations),
        ),
    )


def sales_from_edi(
    parts: tuple[edi.Message, ...], md: MasterData, sender: str, receiver: str
) -> sim.SalesReport:
    """The simulation sales report of a SLSRPT."""
    (report,) = parts
    assert isinstance(report, edi.SalesReport)
    if not report.locations:
        raise BridgeError("a sales report needs at least one location", field="locations")
    gtins = [line.gtin for line in report.locations[0].lines]
    items = md.items(gtins, "locations[0].lines")
    column = column_of(gtins)
    quantity = np.zeros((len(report.locations), len(gtins)), dtype=np.int64)
    locations = np.empty(len(report.locations), dtype=np.int64)
    for r, location in enumerate(report.locations):
        where = f"locations[{r}]"
        locations[r] = md.index(location.gln, "store", where + ".gln")
        row = quantity[r]
        if add_lines(row, location.lines, column):
            continue
        for k, sale in enumerate(location.lines):
            j = column.get(sale.gtin)
            if j is None:
                raise BridgeError(
                    f"GTIN {sale.gtin} is not listed under the first location",
                    field=f"{where}.lines[{k}]",
                )
            row[j] += whole(sale.quantity, f"{where}.lines[{k}].quantity")
    return sim.SalesReport(
        sender=sender,
        receiver=receiver,
        day=md.day(report.issued, "issued"),
        reference=report.message_ref,
        locations=locations,
        items=items,
        quantity=quantity,
    )


def _stock(
    gtins: list[str], glns: list[str], quantity: np.ndarray, *, universe: bool
) -> tuple[edi.StockLocation, ...]:
    """Stock locations with their non-zero lines.

    With ``universe`` the first location lists every item and every location has a line.
    """
    line = edi.InventoryLine
    out = []
    pairs = _nonzero_pairs(gtins, quantity)
    for r, gln in enumerate(glns):
        if universe and r == 0:
            lines = shared_lines(line, zip(gtins, quantity[0].tolist(), strict=True))
        else:
            lines = shared_lines(line, pairs[r])
            if not lines and universe and gtins:
                lines = (line(gtin=gtins[0], quantity=0),)
        if lines:
            out.append(edi.StockLocation(gln=gln, lines=lines))
    return tuple(out)


def inventory_to_edi(
    message: sim.InventoryReport, md: MasterData
) -> tuple[edi.InventoryReport, ...]:
    """INVRPT on hand, then (when not all zero) received today and backorders."""
    gtins = md.item_gtins(message.items)
    if not gtins:
        raise BridgeError("an inventory report needs at least one item", field="items")
    stores = md.location_glns("store", message.locations, "locations")
    if not stores:
        raise BridgeError("an inventory report needs at least one location", field="locations")
    date = md.date(message.day)
    parts: list[edi.InventoryReport] = []
    for suffix, values in (
        ("", message.on_hand),
        (RECEIVED, message.received),
        (BACKORDERS, message.backorders),
    ):
        if suffix and not values.any():
            continue
        parts.append(
            edi.InventoryReport(
                message_ref=part_ref(message.reference, len(parts)),
                number=message.reference + suffix,
                issued=date,
                stock_date=date,
                buyer=message.sender,
                supplier=message.receiver,
                locations=_stock(gtins, stores, _checked(values, len(gtins)), universe=not suffix),
            )
        )
    return tuple(parts)


def inventory_from_edi(
    parts: tuple[edi.Message, ...], md: MasterData, sender: str, receiver: str
) -> sim.InventoryReport:
    """The simulation inventory report of an INVRPT (and its received / backorder parts)."""
    first = parts[0]
    assert isinstance(first, edi.InventoryReport)
    if not first.locations:
        raise BridgeError("an inventory report needs at least one location", field="locations")
    gtins = [line.gtin for line in first.locations[0].lines]
    items = md.items(gtins, "locations[0].lines")
    column = column_of(gtins)
    glns = [location.gln for location in first.locations]
    row_of = {gln: r for r, gln in enumerate(glns)}
    locations = np.array(
        [md.index(g, "store", f"locations[{r}].gln") for r, g in enumerate(glns)], dtype=np.int64
    )
    arrays = {
        suffix: np.zeros((len(glns), len(gtins)), dtype=np.int64)
        for suffix in ("", RECEIVED, BACKORDERS)
    }
    for report in parts:
        assert isinstance(report, edi.InventoryReport)
        suffix = report.number[len(first.number) :]
        target = arrays.get(suffix) if report.number.startswith(first.number) else None
        if target is None:
            raise BridgeError(
                f"document number {report.number!r} is not {first.number!r} with "
                f"{RECEIVED!r} or {BACKORDERS!r}",
                field="number",
            )
        for r, location in enumerate(report.locations):
            row = row_of.get(location.gln)
            if row is None:
                raise BridgeError(
                    f"location {location.gln} is not in the stock on hand",
                    field=f"locations[{r}].gln",
                )
            if add_lines(target[row], location.lines, column):
                continue
            for k, line in enumerate(location.lines):
                j = column.get(line.gtin)
                where = f"locations[{r}].lines[{k}]"
                if j is None:
                    raise BridgeError(f"GTIN {line.gtin} is not listed first", field=where)
                target[row, j] += whole(line.quantity, where + ".quantity")
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
