"""Master data from PRICAT: suppliers' price/sales catalogues over a scenario's products.

An alternative (or a complement, applied after them) to the CSV files of ``_master``: every
PRICAT message of the files given updates the scenario's products it names — the supplier
(``NAD+SU``, else the interchange's sender), the case an order is counted in (``QTY+59``, else
``QTY+52``), the units on a pallet (``QTY+52`` under a pallet ``PAC``), the unit cost
(``PRI+AAA``), the shelf price (``PRI+AAE``) and the name (``IMD+F``) — and the supplier's
lead time (``DTM+169`` of the catalogue, else the longest of its lines'). What is not given
keeps the scenario's value.

Never fatal: a file the codec rejects, a supplier GLN that is not one of the scenario's
suppliers, a GTIN that is not one of its products (a catalogue carries no demand rate, which
a new product needs), a deletion (the assortment is the scenario's), or a pack that is not
a positive whole number is reported with its file and segment, and left out. Messages other
than PRICAT are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crossdock import edi
from crossdock.errors import EdiError
from crossdock.scenario import ScenarioSpec, spec_from_data
from crossdock.twin._inbox import Finding, _Segments

__all__ = ["apply_pricat", "pricat_files"]


def pricat_files(path: Path) -> list[Path]:
    """The file ``path``, or every file under the folder ``path`` (sorted)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    return [path]


class _Catalogues:
    """Applies catalogues to a scenario's data (``model_dump``), collecting findings."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.products = {p["gtin"]: p for p in data["products"]}
        self.suppliers = {s["gln"]: s for s in data["suppliers"]}
        self.findings: list[Finding] = []
        self.lines = 0
        self.applied = 0

    def read(self, path: Path, name: str) -> None:
        try:
            interchanges = edi.read_all(path, file=name)
        except EdiError as error:
            self.findings.append(Finding(name, None, f"file left out: {error.located()}"))
            return
        segments = _Segments(path)
        k = 0
        for interchange in interchanges:
            for message in interchange.messages:
                if isinstance(message, edi.PriceCatalogue):
                    self._catalogue(message, interchange.sender, name, segments, k)
                k += 1

    def _find(self, file: str, segments: _Segments, k: int, needle: str, text: str) -> None:
        self.findings.append(Finding(file, segments.where(k, needle), text))

    def _catalogue(
        self, catalogue: edi.PriceCatalogue, sender: str, file: str, segments: _Segments, k: int
    ) -> None:
        gln = catalogue.supplier or sender
        supplier = self.suppliers.get(gln)
        if supplier is None:
            n = len(catalogue.lines)
            self._find(
                file, segments, k, gln, f"GLN {gln} is not a supplier of the scenario: "
                f"its catalogue ({n} line{'' if n == 1 else 's'}) left out",
            )  # fmt: skip
            return
        leads: list[int] = []
        for line in catalogue.lines:
            self.lines += 1
            if self._line(line, supplier, file, segments, k) and line.lead_time_days is not None:
                leads.append(line.lead_time_days)
        lead = catalogue.lead_time_days
        if lead is None and leads:
            lead = max(leads)
        if lead is not None:
            supplier["lead_time_days"] = lead

    def _line(
        self,
        line: edi.CatalogueLine,
        supplier: dict[str, Any],
        file: str,
        segments: _Segments,
        k: int,
    ) -> bool:
        gtin = line.gtin
        product = self.products.get(gtin)
        if line.action == "2":
            self._find(
                file, segments, k, gtin,
                f"GTIN {gtin}: deletion not applied (the assortment is the scenario's)",
            )  # fmt: skip
            return False
        if product is None:
            self._find(
                file, segments, k, gtin,
                f"GTIN {gtin} is not a product of the scenario (a catalogue gives no demand "
                "rate to add it): left out",
            )  # fmt: skip
            return False
        changes: dict[str, Any] = {}
        for field, value in (
            ("case_pack", line.pack_size),
            ("units_per_pallet", line.units_per_pallet),
        ):
            if value is None:
                continue
            if type(value) is not int or value < 1:
                self._find(
                    file, segments, k, gtin,
                    f"GTIN {gtin}: {field} {value} is not a positive whole number: line left out",
                )  # fmt: skip
                return False
            changes[field] = value
        if line.net_price is not None:
            changes["unit_cost"] = float(line.net_price)
        if line.retail_price is not None:
            changes["shelf_price"] = float(line.retail_price)
        if line.name:
            changes["name"] = line.name
        if supplier["id"] != product["supplier"]:
            changes["supplier"] = supplier["id"]
            if supplier.get("categories") and product.get("category") not in supplier["categories"]:
                changes["category"] = supplier["categories"][0]
        product.update(changes)
        self.applied += 1
        return True


def apply_pricat(spec: ScenarioSpec, paths: Iterable[Path]) -> tuple[ScenarioSpec, list[Finding]]:
    """``spec`` with the catalogues of the PRICAT files ``paths`` applied, and the findings.

    A folder stands for every file under it. The result is validated as a scenario again (a
    problem there is a :class:`~crossdock.errors.ScenarioError`, exit 2).
    """
    data = spec.model_dump(mode="json", exclude_none=True)
    catalogues = _Catalogues(data)
    names = []
    for path in paths:
        for file in pricat_files(path):
            name = str(file.relative_to(path)) if path.is_dir() else file.name
            catalogues.read(file, name)
            names.append(name)
    if not names:
        return spec, catalogues.findings
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return spec_from_data(data, file=f"scenario with PRICAT {shown}"), catalogues.findings
