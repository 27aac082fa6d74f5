"""Master data from CSV files: a retailer's products and locations over a scenario.

``products.csv`` is the product list: one row per GTIN. A GTIN the scenario already has keeps
its values for the columns left empty or absent; a new GTIN needs every required column.

========================  ========  ==================================================
column                    required  meaning
========================  ========  ==================================================
``gtin``                  yes       GTIN-13 of the consumer unit
``supplier``              new       supplier id or GLN (one of the scenario's)
``case_pack``             new       units per case (orders are whole cases)
``units_per_pallet``      new       units per pallet (pallet rounding, transport)
``unit_cost``             new       purchase price per unit
``shelf_price``           new       selling price per unit
``base_rate``             new       mean units sold per store-day (first forecast)
``name``                  no        default: the GTIN
``category``              no        default: the supplier's first category
========================  ========  ==================================================

``locations.csv`` lists parties by GLN with a ``kind``: ``store`` rows are the store list
(``name``, ``lat``, ``lon``, ``platform`` id or GLN, ``dc`` id or GLN; a known store keeps
what is left empty); ``supplier`` rows set ``lead_time_days``; ``platform`` rows set
``delivery_days``. Suppliers and platforms must be the scenario's own (the network is the
scenario's). Every problem is one located line (``products.csv:7 base_rate: ...``), exit 2.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from crossdock.errors import ScenarioError
from crossdock.scenario import ScenarioSpec, spec_from_data

__all__ = ["apply_master_data"]

PRODUCT_REQUIRED = (
    "supplier",
    "case_pack",
    "units_per_pallet",
    "unit_cost",
    "shelf_price",
    "base_rate",
)
PRODUCT_COLUMNS = ("gtin", "name", "category", *PRODUCT_REQUIRED)
LOCATION_COLUMNS = (
    "gln", "kind", "name", "lat", "lon", "platform", "dc", "lead_time_days", "delivery_days",
)  # fmt: skip
_NUMBERS = {
    "case_pack": int,
    "units_per_pallet": int,
    "unit_cost": float,
    "shelf_price": float,
    "base_rate": float,
    "lat": float,
    "lon": float,
    "lead_time_days": int,
    "delivery_days": int,
}


def _rows(path: Path, columns: tuple[str, ...], key: str) -> list[tuple[int, dict[str, str]]]:
    """The CSV's rows with their line numbers, its header checked."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            unknown = [c for c in header if c not in columns]
            if key not in header:
                raise ScenarioError(f"no {key!r} column", file=path, where="line 1")
            if unknown:
                raise ScenarioError(
                    f"unknown column(s) {', '.join(unknown)}; expected some of {', '.join(columns)}",
                    file=path,
                    where="line 1",
                )
            return [
                (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k})
                for row in reader
            ]
    except (UnicodeDecodeError, csv.Error) as error:
        raise ScenarioError(f"cannot read: {error}", file=path) from None


def _value(path: Path, line: int, column: str, text: str) -> Any:
    kind = _NUMBERS.get(column)
    if kind is None:
        return text
    try:
        return kind(text)
    except ValueError:
        raise ScenarioError(
            f"must be {'a whole number' if kind is int else 'a number'}, got {text!r}",
            file=path,
            where=f"line {line}",
            field=column,
        ) from None


def _party_id(data: dict[str, Any], table: str, text: str) -> str | None:
    """The id of the ``table`` party named by id or GLN."""
    for party in data[table]:
        if text in (party["id"], party["gln"]):
            return str(party["id"])
    return None


def _products(data: dict[str, Any], path: Path) -> None:
    old = {p["gtin"]: p for p in data["products"]}
    products: list[dict[str, Any]] = []
    for line, row in _rows(path, PRODUCT_COLUMNS, "gtin"):
        gtin = row.get("gtin", "")
        where = f"line {line}"
        product: dict[str, Any] = dict(old.get(gtin, {"gtin": gtin, "name": gtin}))
        for column in PRODUCT_COLUMNS[1:]:
            text = row.get(column, "")
            if text:
                product[column] = _value(path, line, column, text)
            elif column in PRODUCT_REQUIRED and column not in product:
                raise ScenarioError(
                    "required for a GTIN not in the scenario", file=path, where=where, field=column
                )
        if row.get("supplier"):
            supplier = _party_id(data, "suppliers", row["supplier"])
            if supplier is None:
                raise ScenarioError(
                    f"{row['supplier']!r} is not a supplier of the scenario",
                    file=path,
                    where=where,
                    field="supplier",
                )
            product["supplier"] = supplier
            if not row.get("category") and gtin not in old:
                spec = next(s for s in data["suppliers"] if s["id"] == supplier)
                product["category"] = spec["categories"][0]
        products.append(product)
    data["products"] = products


def _locations(data: dict[str, Any], path: Path) -> None:
    old = {s["gln"]: s for s in data["stores"]}
    stores: list[dict[str, Any]] = []
    for line, row in _rows(path, LOCATION_COLUMNS, "gln"):
        gln, kind, where = row.get("gln", ""), row.get("kind", ""), f"line {line}"
        if kind == "store":
            store: dict[str, Any] = dict(old.get(gln, {"gln": gln, "id": f"s{gln}", "name": gln}))
            for column in ("name", "lat", "lon"):
                if row.get(column):
                    store[column] = _value(path, line, column, row[column])
            for column, table in (("platform", "platforms"), ("dc", "distribution_centres")):
                if row.get(column):
                    found = _party_id(data, table, row[column])
                    if found is None:
                        raise ScenarioError(
                            f"{row[column]!r} is not one of the scenario's {table}",
                            file=path, where=where, field=column,
                        )  # fmt: skip
                    store[column] = found
                elif column not in store:
                    if column == "dc":
                        store["dc"] = data["distribution_centres"][0]["id"]
                    else:
                        raise ScenarioError(
                            "required for a store not in the scenario",
                            file=path, where=where, field=column,
                        )  # fmt: skip
            for column in ("lat", "lon"):
                if column not in store:
                    raise ScenarioError(
                        "required for a store not in the scenario",
                        file=path, where=where, field=column,
                    )  # fmt: skip
            stores.append(store)
            continue
        table, column = {
            "supplier": ("suppliers", "lead_time_days"),
            "platform": ("platforms", "delivery_days"),
        }.get(kind, ("", ""))
        if not table:
            raise ScenarioError(
                f"kind must be store, supplier or platform, got {kind!r}",
                file=path, where=where, field="kind",
            )  # fmt: skip
        party = next((p for p in data[table] if p["gln"] == gln), None)
        if party is None:
            raise ScenarioError(
                f"GLN {gln} is not one of the scenario's {table}",
                file=path, where=where, field="gln",
            )  # fmt: skip
        if row.get(column):
            party[column] = _value(path, line, column, row[column])
    if stores:
        data["stores"] = stores


def apply_master_data(
    spec: ScenarioSpec, *, products: Path | None = None, locations: Path | None = None
) -> ScenarioSpec:
    """``spec`` with the products and locations of the CSV files, validated again."""
    if products is None and locations is None:
        return spec
    data = spec.model_dump(mode="json", exclude_none=True)
    if products is not None:
        _products(data, products)
    if locations is not None:
        _locations(data, locations)
    files = ", ".join(str(p) for p in (products, locations) if p is not None)
    return spec_from_data(data, file=f"scenario with {files}")
