"""The EDI channel's writing side for the commonest messages: INVRPT, SLSRPT, ORDERS from arrays.

:func:`inventory_text` (and :func:`sales_text`) write the interchange that
``edi.encode(bridge.interchange(...))`` writes for a simulation inventory (sales) report — the same bytes, the tests compare them on every
report of short runs — without building the EANCOM objects in between: per store, the
non-zero items come from one ``np.nonzero``, and each line is one f-string from texts built
once per item (``++<GTIN>:SRV'INV++++1'QTY+145:``) and per store (``'LOC+18+<GLN>::9'``).
It returns ``None`` for anything out of the common case (a reference to escape, a location
given twice, quantities that are not integers...), and the caller takes the general way, which
writes the same text or names the problem. :func:`order_text` does the same for an order
(ORDERS, with its store splits) and :func:`response_text` for an order response (ORDRSP, one
per location), as ``_orders`` and the encoder write them.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from itertools import compress

import numpy as np

from crossdock import edi
from crossdock import messages as sim
from crossdock.edi._common import FTX_CHUNK, LIMIT
from crossdock.edi_bridge._master import MasterData
from crossdock.edi_bridge._orders import (
    _STATUS_TO_EDI,
    LOCATION_KIND,
    _delivery_notes,
    _response_location_kind,
)
from crossdock.edi_bridge._reports import BACKORDERS, RECEIVED, part_ref

__all__ = [
    "inventory_text",
    "lin_numbers",
    "numbered_lines",
    "order_text",
    "response_text",
    "sales_text",
]

_PLAIN = re.compile(r"[0-9A-Za-z\-./ ]{1,14}", re.ASCII)
_DOCUMENT = re.compile(r"[0-9A-Za-z\-./ ]{1,35}", re.ASCII)
"""A document number (BGM 1004, an..35) written as it is: nothing to escape."""


def _outside(indices: list[int], size: int) -> bool:
    """Whether any of ``indices`` is not an index of a table of ``size`` entries (in C)."""
    return bool(indices) and (min(indices) < 0 or max(indices) >= size)


_LIN: list[str] = []
"""``LIN+<n>`` for n from 0: line numbers formatted once (up to :data:`_MAX_LIN`)."""
_MAX_LIN = 1 << 14


def lin_numbers(start: int, count: int) -> list[str]:
    """``LIN+<n>`` for the ``count`` line numbers from ``start``."""
    stop = start + count
    if stop > len(_LIN) and stop <= _MAX_LIN:
        _LIN.extend(f"LIN+{n}" for n in range(len(_LIN), stop))
    if stop <= len(_LIN):
        return _LIN[start:stop]
    return [f"LIN+{n}" for n in range(start, stop)]


@lru_cache(maxsize=64)  # per item list, edition and message type (and ORDRSP statuses)
def _zero_lines(heads: tuple[str, ...]) -> tuple[str, ...]:
    """Per item, its line numbered from 1 with quantity 0: ``LIN+<j + 1><head>0'``."""
    return tuple(f"LIN+{j}{head}0'" for j, head in enumerate(heads, 1))


def numbered_lines(heads: tuple[str, ...], quantities: list[int]) -> list[str]:
    """Every item's line numbered from 1, ``LIN+<j + 1><head><quantity>'``.

    A listing of every item is mostly zeros: those lines are copied from a cache, and only
    the others are formatted.
    """
    lines = list(_zero_lines(heads))
    for j in compress(range(len(quantities)), quantities):
        lines[j] = f"LIN+{j + 1}{heads[j]}{quantities[j]}'"
    return lines


@lru_cache(maxsize=8)
def _heads(gtins: tuple[str, ...], edition: edi.Edition) -> tuple[str, ...]:
    """Per item, the text of an INVRPT line from its GTIN to the quantity."""
    inv = "INV++++1'" if edition is edi.Edition.EANCOM_2002 else ""
    return tuple(f"++{gtin}:{edition.item_type}'{inv}QTY+145:" for gtin in gtins)


def _lines(
    heads: tuple[str, ...], places: list[str], values: np.ndarray, universe: bool
) -> list[str] | None:
    """The line texts of one INVRPT part (see ``_reports._stock`` for which lines)."""
    rows, columns = np.nonzero(values)
    quantities = values[rows, columns].tolist()
    bounds = np.searchsorted(rows, np.arange(values.shape[0] + 1)).tolist()
    columns_list = columns.tolist()
    out: list[str] = []
    number = 0
    for r, place in enumerate(places):
        if universe and r == 0:
            pairs = list(enumerate(values[0].tolist()))
        else:
            a, b = bounds[r], bounds[r + 1]
            pairs = list(zip(columns_list[a:b], quantities[a:b], strict=True))
            if not pairs:
                if not universe:
                    continue
                pairs = [(0, 0)]
        out.extend(
            f"{lin}{heads[j]}{q}{place}"
            for lin, (j, q) in zip(lin_numbers(number + 1, len(pairs)), pairs, strict=True)
        )
        number += len(pairs)
    return out


def _checked(
    message: sim.InventoryReport | sim.SalesReport,
    md: MasterData,
    control_ref: str,
    prepared: dt.datetime,
    arrays: tuple[np.ndarray, ...],
) -> tuple[list[int], list[str]] | None:
    """Items and store GLNs when the message is in the common case the templates write."""
    reference = message.reference
    if not _PLAIN.fullmatch(control_ref) or not _PLAIN.fullmatch(reference):
        return None
    if len(reference) > 12:
        return None  # a part's reference (``reference-2``) must stay within an..14
    if not 2000 <= prepared.year <= 2099:
        return None
    if any(a.dtype.kind not in "iu" or a.ndim != 2 for a in arrays):
        return None
    if any(a.size and int(np.abs(a).max()) >= LIMIT for a in arrays):
        return None  # the encoder writes (or refuses) such numbers itself
    items = message.items.tolist()
    if not items or message.locations.size == 0 or _outside(items, len(md.gtins)):
        return None
    if any(a.shape != (message.locations.size, len(items)) for a in arrays):
        return None
    table = md.glns["store"]
    locations = message.locations.tolist()
    if len(set(locations)) != len(locations) or _outside(locations, len(table)):
        return None
    if md.party_of.get(message.sender) is None or md.party_of.get(message.receiver) is None:
        return None  # GLNs the scenario vouches for; any other: the general way checks
    return items, [table[s] for s in locations]


@lru_cache(maxsize=8)
def _sales_heads(gtins: tuple[str, ...], item_type: str) -> tuple[str, ...]:
    return tuple(f"++{gtin}:{item_type}'QTY+153:" for gtin in gtins)


def sales_text(
    message: sim.SalesReport,
    md: MasterData,
    *,
    control_ref: str,
    edition: edi.Edition,
    prepared: dt.datetime,
) -> str | None:
    """The interchange text of a sales report, or ``None`` (see the module docstring)."""
    checked = _checked(message, md, control_ref, prepared, (message.quantity,))
    if checked is None:
        return None
    _, glns = checked
    heads = _sales_heads(md.gtin_tuple(message.items), edition.item_type)
    values = message.quantity
    rows, columns = np.nonzero(values)
    quantities = values[rows, columns].tolist()
    bounds = np.searchsorted(rows, np.arange(values.shape[0] + 1)).tolist()
    columns_list = columns.tolist()
    lines: list[str] = []
    number = 0
    for r, gln in enumerate(glns):
        lines.append(f"LOC+162+{gln}::9'")
        if r == 0:  # the first location lists every item
            lines.extend(numbered_lines(heads, values[0].tolist()))
            number += len(heads)
            continue
        a, b = bounds[r], bounds[r + 1]
        lines.extend(
            f"{lin}{heads[j]}{q}'"
            for lin, j, q in zip(
                lin_numbers(number + 1, b - a), columns_list[a:b], quantities[a:b], strict=True
            )
        )
        number += b - a
    reference, sender, receiver = message.reference, message.sender, message.receiver
    code = edi.ASSOCIATION_CODES[edition]["SLSRPT"]
    date = md.date(message.day).strftime("%Y%m%d")
    return (
        interchange_head(sender, receiver, prepared, control_ref, "SLSRPT")
        + f"UNH+{reference}+SLSRPT:D:{edition.release}:UN:{code}'"
        f"BGM+73E+{reference}+9'DTM+137:{date}:102'DTM+356:{date}{date}:718'"
        f"NAD+SE+{sender}::9'NAD+SU+{receiver}::9'{''.join(lines)}"
        f"UNT+{7 + len(glns) + 2 * number}+{reference}'UNZ+1+{control_ref}'"
    )


def inventory_text(
    message: sim.InventoryReport,
    md: MasterData,
    *,
    control_ref: str,
    edition: edi.Edition,
    prepared: dt.datetime,
) -> str | None:
    """The interchange text of an inventory report, or ``None`` (see the module docstring)."""
    reference = message.reference
    arrays = (message.on_hand, message.received, message.backorders)
    checked = _checked(message, md, control_ref, prepared, arrays)
    if checked is None:
        return None
    _, glns = checked
    sender, receiver = message.sender, message.receiver
    heads = _heads(md.gtin_tuple(message.items), edition)
    places = [f"'LOC+18+{gln}::9'" for gln in glns]
    code = edi.ASSOCIATION_CODES[edition]["INVRPT"]
    date = md.date(message.day).strftime("%Y%m%d")
    head = f"DTM+137:{date}:102'DTM+366:{date}:102'NAD+BY+{sender}::9'NAD+SU+{receiver}::9'"
    per_line = 4 if edition is edi.Edition.EANCOM_2002 else 3
    out = [interchange_head(sender, receiver, prepared, control_ref, "INVRPT")]
    parts = 0
    for suffix, values in (
        ("", message.on_hand),
        (RECEIVED, message.received),
        (BACKORDERS, message.backorders),
    ):
        if suffix and not values.any():
            continue
        lines = _lines(heads, places, values, universe=not suffix)
        if lines is None:
            return None
        ref = part_ref(reference, parts)
        out.append(f"UNH+{ref}+INVRPT:D:{edition.release}:UN:{code}'BGM+35+{reference}{suffix}+9'")
        out.append(head)
        out.extend(lines)
        out.append(f"UNT+{len(lines) * per_line + 7}+{ref}'")
        parts += 1
    out.append(f"UNZ+{parts}+{control_ref}'")
    return "".join(out)


def interchange_head(
    sender: str, receiver: str, prepared: dt.datetime, control_ref: str, kind: str
) -> str:
    """The UNA and UNB segments every interchange the channel writes starts with (UNOC:3)."""
    return (
        f"UNA:+.? 'UNB+UNOC:3+{sender}:14+{receiver}:14+{_stamp(prepared)}+{control_ref}++{kind}'"
    )


@lru_cache(maxsize=64)  # an interchange's time is the day's midnight: a few per run
def _stamp(prepared: dt.datetime) -> str:
    """UNB's date and time of preparation (``YYMMDD:HHMM``)."""
    return f"{prepared:%y%m%d}:{prepared:%H%M}"


def _day(date: dt.date) -> str:
    """A date as DTM format 102 writes it (``CCYYMMDD``), as the encoder formats it."""
    return f"{date.year:04d}{date.month:02d}{date.day:02d}"


@lru_cache(maxsize=256)  # orders name many item lists (a supplier's, a production order's...)
def _order_heads(gtins: tuple[str, ...], item_type: str) -> tuple[str, ...]:
    """Per item, the text of an ORDERS line from its GTIN to the ordered quantity."""
    return tuple(f"++{gtin}:{item_type}'QTY+21:" for gtin in gtins)


def order_text(
    message: sim.Order,
    md: MasterData,
    *,
    control_ref: str,
    edition: edi.Edition,
    prepared: dt.datetime,
) -> str | None:
    """The interchange text of an order, or ``None`` (see the module docstring).

    One line per item with the order's total (QTY+21); unless the order is for its place of
    delivery alone, store splits (LOC+7, QTY+11) under each line: every store under the first
    line, the stores with a non-zero quantity under the others (``_orders.order_to_edi``).
    """
    reference, number = message.reference, message.order_number
    if not _PLAIN.fullmatch(control_ref) or not _PLAIN.fullmatch(reference):
        return None
    if not _DOCUMENT.fullmatch(number) or not 2000 <= prepared.year <= 2099:
        return None
    sender, receiver = message.sender, message.receiver
    if md.party_of.get(sender) is None or md.party_of.get(receiver) is None:
        return None  # GLNs the scenario vouches for; any other: the general way checks
    kind, ship_to = message.ship_to_kind, int(message.ship_to)
    if kind not in LOCATION_KIND:
        return None
    delivery_party = None
    if kind != "store" or ship_to >= 0:
        parties = md.glns[kind]
        if not 0 <= ship_to < len(parties):
            return None
        delivery_party = parties[ship_to]
    quantity, items = message.quantity, message.items.tolist()
    locations = message.locations.tolist()
    if quantity.dtype.kind not in "iu" or quantity.shape != (len(locations), len(items)):
        return None
    if _outside(items, len(md.gtins)):
        return None
    if quantity.size and (
        int(quantity.min()) < 0 or int(quantity.max()) >= LIMIT // max(1, len(locations))
    ):
        return None  # negative or huge quantities: the encoder writes (or refuses) them
    heads = _order_heads(md.gtin_tuple(message.items), edition.item_type)
    totals = quantity.sum(axis=0).tolist()
    single = kind in ("dc", "supplier") and locations == [ship_to]
    if single:
        lines = numbered_lines(heads, totals)
        splits = 0
    else:
        stores = md.glns[LOCATION_KIND[kind]]
        if not items or _outside(locations, len(stores)):
            return None
        places = [f"LOC+7+{stores[s]}::9'QTY+11:" for s in locations]
        columns = quantity.T
        lines = numbered_lines(heads, totals)
        first = "".join(f"{p}{q}'" for p, q in zip(places, columns[0].tolist(), strict=True))
        lines[0] += first  # the first line lists every store, zeros included
        item_of, row_of = np.nonzero(columns[1:])
        values = columns[1:][item_of, row_of].tolist()
        for j, r, q in zip((item_of + 1).tolist(), row_of.tolist(), values, strict=True):
            lines[j] += f"{places[r]}{q}'"  # the other lines: the stores with something
        splits = len(locations) + len(values)
    date = md.date(message.day)
    dp = f"NAD+DP+{delivery_party}::9'" if delivery_party is not None else ""
    code = edi.ASSOCIATION_CODES[edition]["ORDERS"]
    segments = 7 + bool(dp) + 2 * len(items) + 2 * splits + 2
    return (
        interchange_head(sender, receiver, prepared, control_ref, "ORDERS")
        + f"UNH+{reference}+ORDERS:D:{edition.release}:UN:{code}'"
        f"BGM+220+{number}+9'DTM+137:{_day(date)}:102'"
        f"DTM+2:{_day(date + dt.timedelta(days=1))}:102'"
        f"NAD+BY+{sender}::9'NAD+SU+{receiver}::9'{dp}{''.join(lines)}"
        f"UNS+S'CNT+2:{len(items)}'UNT+{segments}+{reference}'UNZ+1+{control_ref}'"
    )


_NOTE = re.compile(r"[0-9A-Z ,\-]+", re.ASCII)
"""A delivery note as the bridge writes it: nothing to escape."""


@lru_cache(maxsize=16)
def _response_heads(gtins: tuple[str, ...], item_type: str, status: str) -> tuple[str, ...]:
    """Per item, the text of an ORDRSP line with ``status`` from the status to the quantity."""
    return tuple(f"+{status}+{gtin}:{item_type}'QTY+21:" for gtin in gtins)


def response_text(
    message: sim.OrderResponse,
    md: MasterData,
    *,
    control_ref: str,
    edition: edi.Edition,
    prepared: dt.datetime,
) -> str | None:
    """The interchange text of an order response, or ``None`` (see the module docstring).

    One ORDRSP per location (NAD+BY), each with every line, its status and quantity, and the
    promised delivery dates as FTX+AAI notes (``_orders.response_to_edi``).
    """
    reference, order_number = message.reference, message.order_number
    if not _PLAIN.fullmatch(control_ref) or not _DOCUMENT.fullmatch(order_number):
        return None
    if not 2000 <= prepared.year <= 2099:
        return None
    sender, receiver = message.sender, message.receiver
    if md.party_of.get(sender) is None or md.party_of.get(receiver) is None:
        return None  # GLNs the scenario vouches for; any other: the general way checks
    quantity, items = message.quantity, message.items.tolist()
    locations, n = message.locations.tolist(), len(items)
    if quantity.dtype.kind not in "iu" or quantity.shape != (len(locations), n):
        return None
    if message.status.shape != (n,) or message.delivery_day.size not in (0, n):
        return None
    if _outside(items, len(md.gtins)):
        return None
    if quantity.size and (int(quantity.min()) < 0 or int(quantity.max()) >= LIMIT):
        return None
    table = md.glns[_response_location_kind(sender, md)]
    if not locations or _outside(locations, len(table)):
        return None
    refs = [part_ref(reference, r) for r in range(len(locations))]
    if any(not _PLAIN.fullmatch(ref) for ref in refs):
        return None
    statuses = [_STATUS_TO_EDI.get(s) for s in message.status.tolist()]
    if None in statuses:
        return None
    values = [s._value_ for s in statuses]  # type: ignore[union-attr]
    if values and all(v == "5" for v in values):
        overall = "29"
    elif values and all(v == "7" for v in values):
        overall = "27"
    else:
        overall = "4" if values else "29"
    notes = _delivery_notes(message.delivery_day, md) if message.delivery_day.size else ()
    if any(not _NOTE.fullmatch(note) for note in notes):
        return None
    size = FTX_CHUNK[edition]
    ftx = "".join(
        "FTX+AAI+++" + ":".join(note[i : i + size] for i in range(0, len(note), size)) + "'"
        for note in notes
    )
    gtins = md.gtin_tuple(message.items)
    by_status = {v: _response_heads(gtins, edition.item_type, v) for v in set(values)}
    heads = tuple(by_status[v][j] for j, v in enumerate(values))
    date = _day(md.date(message.day))
    code = edi.ASSOCIATION_CODES[edition]["ORDRSP"]
    out = [interchange_head(sender, receiver, prepared, control_ref, "ORDRSP")]
    for r, row in enumerate(quantity.tolist()):
        ref = refs[r]
        lines = "".join(numbered_lines(heads, row))
        out.append(
            f"UNH+{ref}+ORDRSP:D:{edition.release}:UN:{code}'BGM+231+{ref}+{overall}'"
            f"DTM+137:{date}:102'{ftx}RFF+ON:{order_number}'NAD+BY+{table[locations[r]]}::9'"
            f"NAD+SU+{sender}::9'{lines}UNS+S'CNT+2:{n}'UNT+{9 + len(notes) + 2 * n}+{ref}'"
        )
    out.append(f"UNZ+{len(locations)}+{control_ref}'")
    return "".join(out)
