"""DespatchAdvice ⇄ DESADV and ReceivingAdvice ⇄ RECADV, pallet by pallet with real SSCCs.

A simulation despatch advice gives a pallet count and the first serial of the sender's SSCC
range; the quantities are per final location (store) and item. The bridge loads each
location's goods onto as many pallets as the simulation counted for it (``ceil`` of the sum of
``units / units_per_pallet``, SKUs mixed on a pallet, filled in item order) and labels them
with consecutive SSCCs made from the sender's GS1 company prefix (the first 7 digits of its
GLN). EANCOM names the final store of a pallet with NAD+UC, which the codec does not model:
the bridge writes one DESADV per final location instead, NAD+BY naming it and NAD+DP where the
truck unloads (the platform or DC; the store itself for a store delivery). Every location gets
its DESADV (with no pallet when nothing is for it) and the first pallet lists every item of
the advice (zeros included), so the simulation message comes back exactly.

A RECADV answers a DESADV: the goods received at each location, loaded the same way onto the
pallets the DESADV announced (same SSCCs when what came is what was announced).
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import compress

import numpy as np

from crossdock import edi
from crossdock import messages as sim
from crossdock._kernels import pallets as count_pallets
from crossdock.edi_bridge._master import (
    BridgeError,
    MasterData,
    add_lines,
    column_of,
    shared_lines,
    whole,
)
from crossdock.edi_bridge._orders import LOCATION_KIND
from crossdock.edi_bridge._reports import part_ref
from crossdock.gs1 import make_ssccs

__all__ = [
    "PREFIX_DIGITS",
    "despatch_from_edi",
    "despatch_to_edi",
    "load_pallets",
    "make_sscc_list",
    "receipt_from_edi",
    "receipt_to_edi",
]

#: Digits of a GLN taken as its owner's GS1 company prefix for SSCCs.
PREFIX_DIGITS = 7

Load = list[list[tuple[int, int]]]
"""Pallets of one location: per pallet, ``(column, units)`` pairs."""


def load_pallets(row: list[int], per_pallet: list[float], count: int) -> Load:
    """Load one location's goods (``row[j]`` units of column ``j``) onto ``count`` pallets.

    Items go on in column order, each pallet filled up to one pallet's worth of
    ``units / units_per_pallet``; the last pallet takes whatever is left, so there are always
    exactly ``count`` pallets (some possibly empty).
    """
    load: Load = [[] for _ in range(count)]
    if count == 0:
        if any(row):
            raise BridgeError("goods on no pallet", field="pallets")
        return load
    p, used = 0, 0.0
    last = count - 1
    for j, units in compress(enumerate(row), row):  # zeros load nothing: skipped in C
        while units > 0:
            if p == last:
                take = units
            else:
                take = min(units, math.floor((1.0 - used) * per_pallet[j] + 1e-9))
            if take > 0:
                load[p].append((j, take))
                units -= take
                used += take / per_pallet[j]
            if units > 0:
                p, used = p + 1, 0.0
    return load


def _counts(quantity: np.ndarray, per_pallet: np.ndarray, total: int) -> list[int]:
    """Pallets per location, as the simulation counts them, adjusted to add up to ``total``."""
    counts: list[int] = count_pallets(quantity, per_pallet).tolist() if quantity.size else []
    if not counts:
        counts = [0] * quantity.shape[0]
    diff = total - sum(counts)
    if diff > 0:  # extra pallets: empty ones on the last location with goods
        loaded = [r for r, c in enumerate(counts) if c] or [0]
        counts[loaded[-1]] += diff
    while diff < 0:  # fewer pallets: consolidate, never below one pallet per location
        r = max(range(len(counts)), key=lambda i: counts[i])
        if counts[r] <= 1:
            raise BridgeError(
                f"{total} pallets cannot carry goods for {sum(1 for c in counts if c)} locations",
                field="pallets",
            )
        counts[r] -= 1
        diff += 1
    return counts


_FEW_SSCCS = 32


def make_sscc_list(prefix: str, first_serial: int, count: int) -> list[str]:
    """:func:`~crossdock.gs1.make_ssccs` as a list of strings, in plain Python for a few.

    A despatch advice names a handful of pallets: for those, string formatting and a mod-10
    loop are quicker than NumPy's string arrays (same SSCCs: the tests compare).
    """
    width = 17 - 1 - len(prefix)
    if count > _FEW_SSCCS or first_serial < 0 or first_serial + count > 10**width:
        return make_ssccs(prefix, first_serial, count).tolist()  # type: ignore[no-any-return]
    head = f"0{prefix}"
    fixed = _weighted(head, width) - 48 * (3 * ((width + 1) // 2) + width // 2)  # ASCII '0'
    out = []
    for serial in range(first_serial, first_serial + count):
        digits = f"{serial:0{width}d}"
        data = digits.encode("ascii")  # sums of bytes run in C
        total = fixed + 3 * sum(data[-1::-2]) + sum(data[-2::-2])
        out.append(f"{head}{digits}{(10 - total % 10) % 10}")
    return out


@lru_cache(maxsize=256)
def _weighted(head: str, width: int) -> int:
    """The GS1 mod-10 weighted sum of an SSCC body's first digits (``width`` digits follow)."""
    reverse = head[::-1]
    first = 3 if width % 2 == 0 else 1  # the weight of the head's last digit
    second = 4 - first
    return first * sum(map(int, reverse[0::2])) + second * sum(map(int, reverse[1::2]))


def _prefix(gln: str) -> str:
    return gln[:PREFIX_DIGITS]


def _serial(sscc: str, prefix: str, field: str) -> int:
    if sscc[1 : 1 + len(prefix)] != prefix:
        raise BridgeError(
            f"SSCC {sscc} is not in the sender's range (company prefix {prefix})", field=field
        )
    return int(sscc[1 + len(prefix) : 17])


def _palletised(
    quantity: np.ndarray, items: np.ndarray, md: MasterData, total: int
) -> tuple[list[str], list[Load]]:
    """GTINs and, per location, the pallets' loads."""
    gtins = md.item_gtins(items)
    if quantity.shape != (quantity.shape[0], len(gtins)):
        raise BridgeError("quantities do not match the items", field="quantity")
    return gtins, loads(quantity, items, md, total)


def loads(quantity: np.ndarray, items: np.ndarray, md: MasterData, total: int) -> list[Load]:
    """Per location, the pallets' loads (items known, ``quantity`` one column per item)."""
    per_pallet = md.units_per_pallet[items]
    counts = _counts(quantity, per_pallet, total)
    rows = quantity.tolist()
    per = per_pallet.tolist()
    return [load_pallets(rows[r], per, c) for r, c in enumerate(counts)]


def _first_pallet_lines(load: list[tuple[int, int]], n_items: int) -> list[tuple[int, int]]:
    """The first pallet lists every item, 0 for those not on it."""
    on = dict(load)
    return [(j, on.get(j, 0)) for j in range(n_items)]


def despatch_to_edi(message: sim.DespatchAdvice, md: MasterData) -> tuple[edi.DespatchAdvice, ...]:
    """One DESADV per final location, pallets labelled with the sender's SSCCs."""
    kind = message.ship_to_kind
    if kind not in LOCATION_KIND:
        raise BridgeError(f"unknown ship_to_kind {kind!r}", field="ship_to_kind")
    loc_kind = LOCATION_KIND[kind]
    buyers = md.location_glns(loc_kind, message.locations, "locations")
    if not buyers:
        raise BridgeError("a despatch advice needs at least one location", field="locations")
    if message.pallets < 1:
        raise BridgeError("a despatch advice needs at least one pallet", field="pallets")
    gtins, loads = _palletised(message.quantity, message.items, md, message.pallets)
    ssccs = make_sscc_list(_prefix(message.sender), message.sscc_first, message.pallets)
    date = md.date(message.day)
    arrival = md.date(message.arrival_day)
    dp_fixed = (
        None
        if kind == "store" and message.ship_to < 0
        else md.gln(kind, message.ship_to, "ship_to")
    )
    line = edi.DespatchLine
    parts = []
    n = 0
    for r, (buyer, load) in enumerate(zip(buyers, loads, strict=True)):
        pallets = []
        for on_pallet in load:
            content = _first_pallet_lines(on_pallet, len(gtins)) if n == 0 else on_pallet
            pallets.append(
                edi.Pallet(
                    sscc=ssccs[n], lines=shared_lines(line, [(gtins[j], q) for j, q in content])
                )
            )
            n += 1
        parts.append(
            edi.DespatchAdvice(
                message_ref=part_ref(message.reference, r),
                number=message.despatch_number,
                issued=date,
                despatch_date=date,
                supplier=message.sender,
                buyer=buyer,
                delivery_party=dp_fixed or buyer,
                pallets=tuple(pallets),
                delivery_date=arrival,
            )
        )
    return tuple(parts)


def _quantities(
    parts: tuple[edi.Message, ...], md: MasterData, loc_kind: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Locations (from NAD+BY), items (from the first pallet), quantities, SSCCs."""
    first_pallet = next((p for part in parts for p in part.pallets), None)  # type: ignore[union-attr]
    if first_pallet is None:
        raise BridgeError("no pallet lists the items", field="pallets")
    gtins = [line.gtin for line in first_pallet.lines]
    items = md.items(gtins, "pallets[0].lines")
    column = column_of(gtins)
    locations = np.empty(len(parts), dtype=np.int64)
    quantity = np.zeros((len(parts), len(gtins)), dtype=np.int64)
    ssccs: list[str] = []
    for r, part in enumerate(parts):
        locations[r] = md.index(part.buyer, loc_kind, f"[{r}].buyer")  # type: ignore[union-attr,arg-type]
        row = quantity[r]
        for i, pallet in enumerate(part.pallets):  # type: ignore[union-attr]
            ssccs.append(pallet.sscc)
            if add_lines(row, pallet.lines, column):
                continue
            for k, entry in enumerate(pallet.lines):
                j = column.get(entry.gtin)
                where = f"[{r}].pallets[{i}].lines[{k}]"
                if j is None:
                    raise BridgeError(f"GTIN {entry.gtin} is not on the first pallet", field=where)
                row[j] += whole(entry.quantity, where + ".quantity")
    return locations, items, quantity, ssccs


def despatch_from_edi(
    parts: tuple[edi.Message, ...], md: MasterData, sender: str, receiver: str
) -> sim.DespatchAdvice:
    """The simulation despatch advice of its DESADV messages."""
    first = parts[0]
    assert isinstance(first, edi.DespatchAdvice)
    kind, index = md.locate(first.delivery_party, "delivery_party")
    ship_to = -1 if kind == "store" else index
    if kind not in LOCATION_KIND:
        raise BridgeError(f"GLN {first.delivery_party} is a {kind}", field="delivery_party")
    locations, items, quantity, ssccs = _quantities(parts, md, LOCATION_KIND[kind])
    prefix = _prefix(sender)
    serials = [_serial(s, prefix, "pallets") for s in ssccs]
    if serials != list(range(serials[0], serials[0] + len(serials))):
        raise BridgeError("SSCC serials are not consecutive", field="pallets")
    if first.delivery_date is None:
        raise BridgeError("the estimated delivery date (DTM+17) is missing", field="delivery_date")
    return sim.DespatchAdvice(
        sender=sender,
        receiver=receiver,
        day=md.day(first.despatch_date, "despatch_date"),
        reference=first.message_ref,
        despatch_number=first.number,
        arrival_day=md.day(first.delivery_date, "delivery_date"),
        ship_to_kind=kind,
        ship_to=ship_to,
        locations=locations,
        items=items,
        quantity=quantity,
        pallets=len(serials),
        sscc_first=serials[0],
    )


# --- receiving advice ------------------------------------------------------------------


def _receipt_location_kind(sender: str, md: MasterData) -> str:
    """A platform receives goods for stores; a DC or a supplier for itself."""
    kind = md.party_of.get(sender, ("", 0))[0]
    return "store" if kind == "platform" else kind


def receipt_to_edi(
    message: sim.ReceivingAdvice, md: MasterData, sscc_first: int
) -> tuple[edi.ReceivingAdvice, ...]:
    """One RECADV per location; pallets carry the DESADV's SSCCs from ``sscc_first``."""
    loc_kind = _receipt_location_kind(message.sender, md)
    buyers = md.location_glns(loc_kind, message.locations, "locations")
    if not buyers:
        raise BridgeError("a receiving advice needs at least one location", field="locations")
    per_pallet = md.units_per_pallet[message.items]
    total = max(int(count_pallets(message.quantity, per_pallet).sum()), 1)
    gtins, loads = _palletised(message.quantity, message.items, md, total)
    ssccs = make_sscc_list(_prefix(message.receiver), sscc_first, total)
    date = md.date(message.day)
    line = edi.ReceivedLine
    parts = []
    n = 0
    for r, (buyer, load) in enumerate(zip(buyers, loads, strict=True)):
        pallets = []
        for on_pallet in load:
            content = _first_pallet_lines(on_pallet, len(gtins)) if n == 0 else on_pallet
            pallets.append(
                edi.ReceivedPallet(
                    sscc=ssccs[n], lines=shared_lines(line, [(gtins[j], q) for j, q in content])
                )
            )
            n += 1
        ref = part_ref(message.reference, r)
        parts.append(
            edi.ReceivingAdvice(
                message_ref=ref,
                number=ref,
                issued=date,
                received=date,
                despatch_number=message.despatch_number,
                buyer=buyer,
                supplier=message.receiver,
                delivery_party=message.sender,
                pallets=tuple(pallets),
            )
        )
    return tuple(parts)


def receipt_from_edi(
    parts: tuple[edi.Message, ...], md: MasterData, sender: str, receiver: str
) -> sim.ReceivingAdvice:
    """The simulation receiving advice of its RECADV messages."""
    first = parts[0]
    assert isinstance(first, edi.ReceivingAdvice)
    locations, items, quantity, _ = _quantities(parts, md, _receipt_location_kind(sender, md))
    return sim.ReceivingAdvice(
        sender=sender,
        receiver=receiver,
        day=md.day(first.received, "received"),
        reference=first.message_ref,
        despatch_number=first.despatch_number,
        locations=locations,
        items=items,
        quantity=quantity,
    )
