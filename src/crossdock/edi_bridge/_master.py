"""Master data the bridge translates with: GLNs and GTINs to scenario indices, days to dates.

A simulation message names parties and items by integer index into the scenario; an EANCOM
message names them by GLN and GTIN and dates its content. :class:`MasterData` holds both
directions for one scenario, so every translation is a dictionary lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import numpy as np

from crossdock.errors import EdiError
from crossdock.scenario import Scenario

__all__ = ["BridgeError", "MasterData", "add_lines", "shared_lines"]

_MAX_SHARED = 100_000
_SHARED: dict[type, dict[tuple[str, int], Any]] = {}


def shared_lines(
    kind: type[L], pairs: Iterable[tuple[str, int]], field: str = "gtin"
) -> tuple[L, ...]:
    """EANCOM lines ``kind(gtin=, quantity=)`` for (GTIN, quantity) pairs, each built once.

    ``field`` names the identifier's field (``store`` for a :class:`~crossdock.edi.StoreSplit`).

    Line objects are frozen values, so the bridge hands out the same object for the same item
    and quantity every time: a dictionary lookup instead of a dataclass built per line, per
    store, per day. Whole-number quantities only (others are built each time).
    """
    cache = _SHARED.get(kind)
    if cache is None or len(cache) > _MAX_SHARED:
        cache = _SHARED[kind] = {}
    keys = pairs if isinstance(pairs, list) else list(pairs)
    out: list[Any] = list(map(cache.get, keys))  # C-level: only new lines are built below
    if None in out:
        for k, line in enumerate(out):
            if line is None:
                pair = keys[k]
                line = cache.get(pair)
                if line is None:
                    identifier, quantity = pair
                    line = kind(**{field: identifier, "quantity": quantity})
                    if type(quantity) is int:
                        cache[pair] = line
                out[k] = line
    return tuple(out)


L = TypeVar("L")

#: Party tables of a scenario, by the kind a simulation message uses for them.
KINDS = ("store", "platform", "dc", "supplier", "factory")


class BridgeError(EdiError):
    """An EANCOM message that has no simulation counterpart, or the other way round.

    Raised for an unknown GLN or GTIN, a date before the scenario's start, or a message that
    does not follow the bridge's conventions (see ``docs/edi-channel.md``).
    """


class MasterData:
    """GLN and GTIN tables of one scenario, both ways, and its calendar."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.start = scenario.spec.start_date
        self.retailer = scenario.spec.retailer.gln
        self.gtins: list[str] = [str(g) for g in scenario.gtin]
        self.item_of: dict[str, int] = {g: k for k, g in enumerate(self.gtins)}
        self.glns: dict[str, list[str]] = {
            "store": [str(g) for g in scenario.store_gln],
            "platform": [str(g) for g in scenario.platform_gln],
            "dc": [str(g) for g in scenario.dc_gln],
            "supplier": [str(g) for g in scenario.supplier_gln],
            "factory": [str(g) for g in scenario.factory_gln],
        }
        self.party_of: dict[str, tuple[str, int]] = {self.retailer: ("retailer", 0)}
        for kind in KINDS:
            for index, gln in enumerate(self.glns[kind]):
                self.party_of.setdefault(gln, (kind, index))
        self.units_per_pallet = np.asarray(scenario.units_per_pallet, dtype=np.float64)
        self._dates: dict[int, dt.date] = {}
        self._numbered: tuple[np.ndarray, np.ndarray] | None = None
        self._gtin_tuples: dict[tuple[str, bytes], tuple[str, ...]] = {}

    # -- calendar ----------------------------------------------------------------------------
    def date(self, day: int) -> dt.date:
        """The calendar date of simulation day ``day``."""
        found = self._dates.get(day)
        if found is None:
            found = self._dates[day] = self.start + dt.timedelta(days=int(day))
        return found

    def day(self, date: dt.date, field: str) -> int:
        """The simulation day of ``date``."""
        if not isinstance(date, dt.date):
            raise BridgeError(f"must be a date, got {date!r}", field=field)
        return (date - self.start).days

    # -- parties -----------------------------------------------------------------------------
    def kind(self, gln: str) -> str:
        """The kind of party with this GLN (``store``, ``platform``, ``dc``, ``retailer``...)."""
        return self.locate(gln, "gln")[0]

    def locate(self, gln: str, field: str) -> tuple[str, int]:
        """Kind and index of the party with GLN ``gln``."""
        found = self.party_of.get(gln)
        if found is None:
            raise BridgeError(f"GLN {gln} is not a party of the scenario", field=field)
        return found

    def index(self, gln: str, kind: str, field: str) -> int:
        """Index of ``gln`` in the ``kind`` table."""
        found_kind, index = self.locate(gln, field)
        if found_kind != kind:
            raise BridgeError(f"GLN {gln} is a {found_kind}, expected a {kind}", field=field)
        return index

    def gln(self, kind: str, index: int, field: str) -> str:
        """GLN of party ``index`` of the ``kind`` table."""
        table = self.glns.get(kind)
        if table is None:
            raise BridgeError(f"unknown party kind {kind!r}", field=field)
        if not 0 <= index < len(table):
            raise BridgeError(f"no {kind} with index {index}", field=field)
        return table[index]

    def location_glns(self, kind: str, indices: np.ndarray, field: str) -> list[str]:
        """GLNs of many parties of one kind."""
        return [self.gln(kind, int(i), field) for i in indices]

    # -- items -------------------------------------------------------------------------------
    def item_gtins(self, items: np.ndarray) -> list[str]:
        """GTINs of scenario items."""
        gtins = self.gtins
        return [gtins[k] for k in items.tolist()]

    def gtin_tuple(self, items: np.ndarray) -> tuple[str, ...]:
        """GTINs of scenario items as a tuple, remembered per item list.

        The array writers name the same few item lists again and again.
        """
        key = (items.dtype.str, items.tobytes())
        found = self._gtin_tuples.get(key)
        if found is None:
            if len(self._gtin_tuples) >= 64:
                self._gtin_tuples.clear()
            found = self._gtin_tuples[key] = tuple(self.item_gtins(items))
        return found

    def numbered_items(self, numbers: np.ndarray, field: str) -> np.ndarray:
        """Scenario indices of 13-digit GTINs given as numbers (``f"{n:013d}"`` their text)."""
        if self._numbered is None:  # the 13-digit GTINs as sorted numbers, and their items
            keys = [k for k, g in enumerate(self.gtins) if len(g) == 13 and g.isdigit()]
            values = np.array([int(self.gtins[k]) for k in keys], dtype=np.int64)
            order = np.argsort(values)
            self._numbered = values[order], np.array(keys, dtype=np.int64)[order]
        ordered, items = self._numbered
        found = np.searchsorted(ordered, numbers)
        missing = found == len(ordered)
        missing[~missing] = ordered[found[~missing]] != numbers[~missing]
        if missing.any():
            gtin = f"{int(numbers[missing][0]):013d}"
            raise BridgeError(f"GTIN {gtin} is not an item of the scenario", field=field)
        return items[found]

    def items(self, gtins: Iterable[str], field: str) -> np.ndarray:
        """Scenario indices of ``gtins``."""
        item_of = self.item_of
        keys = gtins if isinstance(gtins, list) else list(gtins)
        found = list(map(item_of.get, keys))  # C-level; the loop below names an unknown one
        if None not in found:
            return np.array(found, dtype=np.int64)
        out = []
        for gtin in keys:
            k = item_of.get(gtin)
            if k is None:
                raise BridgeError(f"GTIN {gtin} is not an item of the scenario", field=field)
            out.append(k)
        return np.array(out, dtype=np.int64)


def column_of(gtins: Sequence[str]) -> dict[str, int]:
    """Position of each GTIN in a message's item list."""
    return {g: j for j, g in enumerate(gtins)}


def add_lines(row: np.ndarray, lines: Sequence[Any], column: dict[str, int]) -> bool:
    """Add each line's quantity to ``row`` at its GTIN's column, in one NumPy call.

    Return ``False`` (``row`` untouched) when a GTIN is not in ``column`` or a quantity is
    not a whole number: the caller then goes line by line to name the bad one.
    """
    try:
        columns = [column[line.gtin] for line in lines]
    except KeyError:
        return False
    quantities = [line.quantity for line in lines]
    if not quantities:
        return True
    if not set(map(type, quantities)) <= {int}:
        return False
    np.add.at(row, columns, quantities)  # a GTIN given twice adds up, as line by line
    return True


def whole(quantity: object, field: str) -> int:
    """A quantity from the wire as an ``int`` (the simulation counts whole units)."""
    if type(quantity) is int:
        return quantity
    raise BridgeError(f"must be a whole number of units, got {quantity!r}", field=field)
