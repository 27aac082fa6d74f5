"""A folder of a retailer's EANCOM files, read into the planners' inputs day by day.

Every file under the folder is read as one or more interchanges (strictly: a file the codec
rejects is reported with its located error and left out, the others are still read). What
the planners use:

- **SLSRPT**: units sold per store × item on the report's last period day (``DTM+356``/
  ``DTM+90``/``DTM+91``, else the document date);
- **INVRPT**: stock on hand per store × item on the stock date; crossdock's own two further
  parts (document numbers ending in ``-RECEIVED`` and ``-BACKORDERS``, see
  ``docs/edi-channel.md``) give the goods received that day and the backorders;
- **ORDRSP**: the retailer's answers to the planners' proposals (one message per store,
  ``NAD+BY``) and suppliers' promised delivery dates.

A figure is a statement, not an increment: a store × item × day given twice keeps the last
value, so the same report sent to two recipients (or read twice) is not counted twice.
ORDERS, DESADV, RECADV and CONTRL are counted and otherwise left alone. A GLN that is not a
store of the scenario, or a GTIN that is not one of its items, is reported once per file with
the segment where it first appears, and its lines are left out; it is never fatal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from crossdock import edi
from crossdock.edi_bridge import MasterData
from crossdock.edi_bridge._reports import BACKORDERS, RECEIVED
from crossdock.errors import EdiError

__all__ = ["DayInput", "Finding", "Inbox", "Response"]


@dataclass(frozen=True)
class Finding:
    """A problem in the inbox that left something out: ``file:where: message``."""

    file: str
    where: str | None
    message: str

    def located(self) -> str:
        """One line, as the CLI prints it."""
        head = self.file + (f":{self.where}" if self.where else "")
        return f"{head}: {self.message}"


@dataclass(frozen=True)
class Response:
    """The parts of one ORDRSP (one per store or one for the whole order), as read."""

    day: int
    sender: str
    recipient: str
    parts: tuple[edi.OrderResponse, ...]
    file: str


@dataclass
class DayInput:
    """What the files say about one day, over the whole scenario (stores × items)."""

    n_stores: int
    n_skus: int
    sales: np.ndarray | None = None
    sales_stores: np.ndarray | None = None
    on_hand: np.ndarray | None = None
    stock_stores: np.ndarray | None = None
    sales_items: np.ndarray | None = None
    stock_items: np.ndarray | None = None
    received: np.ndarray | None = None
    backorders: np.ndarray | None = None
    responses: list[Response] = field(default_factory=list)

    def table(self, name: str) -> np.ndarray:
        """The ``name`` array of the day, made (zeros) on first use."""
        array = getattr(self, name)
        if array is None:
            array = np.zeros((self.n_stores, self.n_skus), dtype=np.int64)
            setattr(self, name, array)
        return array

    def mark(self, name: str, index: int) -> None:
        """Record that store or item ``index`` was reported (``sales_stores``, ``stock_items``...)."""
        mask = getattr(self, name)
        if mask is None:
            size = self.n_stores if name.endswith("stores") else self.n_skus
            mask = np.zeros(size, dtype=bool)
            setattr(self, name, mask)
        mask[index] = True


_USED = ("SalesReport", "InventoryReport", "OrderResponse")


class _Segments:
    """A file's segment texts, split only when a finding needs a segment number."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._texts: list[str] | None = None
        self._unh: list[int] = []

    def _split(self) -> list[str]:
        if self._texts is None:
            raw = self.path.read_bytes()
            text = (
                raw.decode("utf-8-sig")
                if raw.startswith(b"\xef\xbb\xbf")
                else raw.decode("latin-1")
            )
            terminator, release = "'", "?"
            if text.startswith("UNA") and len(text) >= 9:
                release, terminator = text[7], text[8]
            pattern = f"(?<!{re.escape(release)}){re.escape(terminator)}"
            self._texts = [s.strip("\r\n") for s in re.split(pattern, text)]
            self._unh = [i for i, s in enumerate(self._texts) if s.startswith("UNH")]
        return self._texts

    def where(self, message: int, needle: str) -> str | None:
        """``segment N (TAG)`` of the first segment of message ``message`` holding ``needle``."""
        texts = self._split()
        if message >= len(self._unh):
            return None
        for i in range(self._unh[message], len(texts)):
            if needle in texts[i]:
                return f"segment {i + 1} ({texts[i][:3]})"
            if texts[i].startswith("UNT"):
                break
        return None


class Inbox:
    """The day-by-day inputs of a folder of EANCOM files, for one scenario's master data."""

    def __init__(self, master: MasterData) -> None:
        self.master = master
        sc = master.scenario
        self.n_stores = sc.n_stores
        self.n_skus = sc.n_skus
        self.days: dict[int, DayInput] = {}
        self.findings: list[Finding] = []
        self.messages: Counter[str] = Counter()
        self.files = 0
        self.rejected = 0

    def day(self, day: int) -> DayInput:
        """The inputs of ``day`` (made empty on first use)."""
        found = self.days.get(day)
        if found is None:
            found = self.days[day] = DayInput(self.n_stores, self.n_skus)
        return found

    def read_folder(self, folder: Path) -> None:
        """Read every file under ``folder`` (sorted by path, so the result is reproducible)."""
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            self.read_file(path, name=str(path.relative_to(folder)))

    def read_file(self, path: Path, *, name: str | None = None) -> None:
        """Read one file; a file the codec rejects is reported and left out."""
        name = name or path.name
        self.files += 1
        try:
            interchanges = edi.read_all(path, file=name)
        except EdiError as error:
            self.rejected += 1
            self.findings.append(Finding(name, None, f"file left out: {error.located()}"))
            return
        segments = _Segments(path)
        seen: set[str] = set()
        k = 0
        for interchange in interchanges:
            responses: dict[str, list[edi.OrderResponse]] = {}
            first_of: dict[str, int] = {}
            for message in interchange.messages:
                kind = type(message).__name__
                self.messages[kind] += 1
                if isinstance(message, edi.SalesReport):
                    self._sales(message, name, segments, k, seen)
                elif isinstance(message, edi.InventoryReport):
                    self._stock(message, name, segments, k, seen)
                elif isinstance(message, edi.OrderResponse):
                    responses.setdefault(message.order_number, []).append(message)
                    first_of.setdefault(message.order_number, k)
                k += 1
            for number, parts in responses.items():
                day = self._day(parts[0].issued, name, segments, first_of[number])
                if day is not None:
                    self.day(day).responses.append(
                        Response(day, interchange.sender, interchange.recipient, tuple(parts), name)
                    )

    # -- helpers ------------------------------------------------------------------------------
    def _day(self, date: dt.date, file: str, segments: _Segments, k: int) -> int | None:
        day = (date - self.master.start).days
        if day < 0:
            where = segments.where(k, date.strftime("%Y%m%d"))
            self.findings.append(
                Finding(file, where, f"date {date} is before the scenario's start; left out")
            )
            return None
        return day

    def _store(
        self, gln: str, file: str, segments: _Segments, k: int, seen: set[str]
    ) -> int | None:
        found = self.master.party_of.get(gln)
        if found is not None and found[0] == "store":
            return found[1]
        if gln not in seen:
            seen.add(gln)
            what = "is not a store of the scenario" if found is None else f"is a {found[0]}"
            self.findings.append(
                Finding(file, segments.where(k, gln), f"GLN {gln} {what}: its lines left out")
            )
        return None

    def _item(
        self, gtin: str, file: str, segments: _Segments, k: int, seen: set[str]
    ) -> int | None:
        found = self.master.item_of.get(gtin)
        if found is None and gtin not in seen:
            seen.add(gtin)
            self.findings.append(
                Finding(
                    file,
                    segments.where(k, gtin),
                    f"GTIN {gtin} is not an item of the scenario: its lines left out",
                )
            )
        return found

    def _whole(
        self, quantity: object, gtin: str, file: str, segments: _Segments, k: int
    ) -> int | None:
        if type(quantity) is int:
            return quantity
        self.findings.append(
            Finding(file, segments.where(k, gtin), f"quantity {quantity} is not whole; left out")
        )
        return None

    def _sales(
        self, report: edi.SalesReport, file: str, segments: _Segments, k: int, seen: set[str]
    ) -> None:
        day = self._day(report.period_end, file, segments, k)
        if day is None:
            return
        if report.period_end != report.period_start:
            self.findings.append(
                Finding(
                    file,
                    segments.where(k, "DTM+356") or segments.where(k, "DTM+90"),
                    f"sales over {report.period_start}..{report.period_end} counted on "
                    f"{report.period_end} (the planner learns from daily sales)",
                )
            )
        self._figures(report.locations, self.day(day), "sales", "sales", (file, segments, k, seen))

    def _stock(
        self, report: edi.InventoryReport, file: str, segments: _Segments, k: int, seen: set[str]
    ) -> None:
        day = self._day(report.stock_date, file, segments, k)
        if day is None:
            return
        if report.number.endswith(RECEIVED):
            table, marks = "received", None
        elif report.number.endswith(BACKORDERS):
            table, marks = "backorders", None
        else:
            table, marks = "on_hand", "stock"
        self._figures(report.locations, self.day(day), table, marks, (file, segments, k, seen))

    def _figures(
        self,
        locations: tuple[edi.SalesLocation, ...] | tuple[edi.StockLocation, ...],
        inputs: DayInput,
        table: str,
        marks: str | None,
        place: tuple[str, _Segments, int, set[str]],
    ) -> None:
        """Set the ``table`` figures of the known stores × items.

        With ``marks`` (``sales`` or ``stock``) also record which stores and items were reported.
        """
        file, segments, k, seen = place
        target = inputs.table(table)
        for location in locations:
            store = self._store(location.gln, file, segments, k, seen)
            if store is None:
                continue
            if marks is not None:
                inputs.mark(f"{marks}_stores", store)
            for line in location.lines:
                item = self._item(line.gtin, file, segments, k, seen)
                if item is None:
                    continue
                quantity = self._whole(line.quantity, line.gtin, file, segments, k)
                if quantity is not None:
                    target[store, item] = quantity
                    if marks is not None:
                        inputs.mark(f"{marks}_items", item)

    @property
    def used(self) -> int:
        """Messages the planners read (SLSRPT, INVRPT, ORDRSP)."""
        return sum(self.messages[kind] for kind in _USED)
