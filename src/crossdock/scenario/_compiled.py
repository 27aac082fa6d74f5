"""The frozen, integer-indexed scenario: a struct of NumPy arrays built once from a spec."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from crossdock.scenario._distances import road_km
from crossdock.scenario._schema import ScenarioSpec

__all__ = ["Scenario", "compile_scenario"]


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class Scenario:
    """Everything a run needs, as read-only arrays indexed by integer position.

    SKUs are sorted by category, then supplier (stable: file order within). Index conventions: ``k`` SKU (product), ``s`` store, ``p`` platform, ``d`` distribution
    centre, ``u`` supplier, ``f`` factory, ``c`` category. ``*_of`` arrays map one index to
    another (``supplier_of[k]`` is the supplier making SKU ``k``). Each run builds fresh
    mutable state from this; nothing here changes during a run.
    """

    spec: ScenarioSpec = field(repr=False)
    name: str
    horizon_days: int
    warm_up_days: int
    seed: int
    # products
    gtin: np.ndarray
    product_name: np.ndarray
    category_of: np.ndarray
    supplier_of: np.ndarray
    case_pack: np.ndarray
    units_per_pallet: np.ndarray
    unit_cost: np.ndarray
    shelf_price: np.ndarray
    base_rate: np.ndarray
    shelf_life_days: np.ndarray  # 0 where the product does not perish
    # stores
    store_gln: np.ndarray
    store_name: np.ndarray
    store_lat: np.ndarray
    store_lon: np.ndarray
    size_factor: np.ndarray
    platform_of_store: np.ndarray
    dc_of_store: np.ndarray
    window_open_min: np.ndarray
    window_close_min: np.ndarray
    shelf_capacity: np.ndarray  # [s, k] units
    # other parties
    category_id: np.ndarray
    captain_of_category: np.ndarray  # [c] supplier index
    supplier_gln: np.ndarray
    supplier_name: np.ndarray
    supplier_lat: np.ndarray
    supplier_lon: np.ndarray
    supplier_lead_time_days: np.ndarray
    factory_of_supplier: np.ndarray
    factory_gln: np.ndarray
    factory_name: np.ndarray
    factory_capacity: np.ndarray
    factory_ramp_days: np.ndarray
    platform_gln: np.ndarray
    platform_name: np.ndarray
    platform_lat: np.ndarray
    platform_lon: np.ndarray
    platform_capacity: np.ndarray
    platform_delivery_days: np.ndarray
    platform_pallet_capacity: np.ndarray  # pallets handled per day (doors and labour)
    platform_door_capacity: np.ndarray  # pallet moves per day through the doors
    platform_labour_hours: np.ndarray  # labour hours per day
    dc_gln: np.ndarray
    dc_name: np.ndarray
    dc_lat: np.ndarray
    dc_lon: np.ndarray
    dc_capacity: np.ndarray
    dc_delivery_days: np.ndarray
    weekday_profile: np.ndarray  # [7] Monday..Sunday, mean 1
    # production lines (``l``): each SKU is made on one line of its supplier's factory
    family_of: np.ndarray  # [k] production family index
    family_name: np.ndarray
    line_of_sku: np.ndarray  # [k]
    line_factory: np.ndarray  # [l]
    line_id: np.ndarray
    line_rate: np.ndarray  # units per hour at full rate
    line_hours: np.ndarray  # shift hours per working day
    line_working: np.ndarray  # [l, 7] bool, Monday first
    line_changeover_hours: np.ndarray
    ramp_hours: np.ndarray
    ramp_stepwise: np.ndarray  # bool
    ramp_start_rate: np.ndarray
    ramp_steps: np.ndarray
    ramp_scrap: np.ndarray
    line_mtbf_hours: np.ndarray  # inf: no breakdowns
    line_mttr_hours: np.ndarray
    maintenance_every_days: np.ndarray  # 0: none
    maintenance_hours: np.ndarray
    maintenance_offset_days: np.ndarray
    road_km: np.ndarray  # [place, place]: stores, then platforms, then DCs

    @property
    def n_lines(self) -> int:
        """Number of production lines."""
        return len(self.line_id)

    @property
    def n_stores(self) -> int:
        """Number of stores."""
        return len(self.store_gln)

    @property
    def n_skus(self) -> int:
        """Number of SKUs."""
        return len(self.gtin)

    @property
    def n_suppliers(self) -> int:
        """Number of suppliers."""
        return len(self.supplier_gln)

    @property
    def n_factories(self) -> int:
        """Number of factories."""
        return len(self.factory_gln)

    @property
    def n_platforms(self) -> int:
        """Number of cross-dock platforms."""
        return len(self.platform_gln)

    @property
    def n_dcs(self) -> int:
        """Number of distribution centres."""
        return len(self.dc_gln)

    @property
    def n_categories(self) -> int:
        """Number of categories."""
        return len(self.category_id)

    @cached_property
    def stores_of_platform(self) -> list[np.ndarray]:
        """Per platform, the indices of the stores it serves."""
        return [np.flatnonzero(self.platform_of_store == p) for p in range(self.n_platforms)]

    @cached_property
    def stores_of_dc(self) -> list[np.ndarray]:
        """Per DC, the indices of the stores it serves."""
        return [np.flatnonzero(self.dc_of_store == d) for d in range(self.n_dcs)]

    @cached_property
    def items_of_supplier(self) -> list[np.ndarray]:
        """Per supplier, the indices of its SKUs (contiguous within each category)."""
        return [np.flatnonzero(self.supplier_of == u) for u in range(self.n_suppliers)]

    @property
    def factory_of_sku(self) -> np.ndarray:
        """``[k]`` the factory making each SKU."""
        return self.factory_of_supplier[self.supplier_of]

    def expected_demand(self) -> np.ndarray:
        """``[s, k]`` mean units per day (before the weekday profile)."""
        return self.size_factor[:, None] * self.base_rate[None, :]

    def replace(self, **changes: object) -> Scenario:
        """A copy with some settings changed (e.g. ``horizon_days``); arrays are shared."""
        base = changes.pop("spec", self.spec)
        assert isinstance(base, ScenarioSpec)
        spec_changes = {k: v for k, v in changes.items() if k in ScenarioSpec.model_fields}
        spec = base.model_copy(update=spec_changes) if spec_changes else base
        return dataclasses.replace(self, spec=spec, **changes)  # type: ignore[arg-type]


def compile_scenario(spec: ScenarioSpec, *, base_dir: Path | None = None) -> Scenario:
    """Turn a validated spec into a frozen :class:`Scenario` (references already checked).

    ``base_dir`` resolves relative file names in the spec (the carrier's distance matrix);
    ``load_scenario`` passes the scenario file's folder.
    """
    categories = [c.id for c in spec.categories]
    cat_index = {c: i for i, c in enumerate(categories)}
    sup_index = {s.id: i for i, s in enumerate(spec.suppliers)}
    fac_of_sup = np.zeros(len(spec.suppliers), dtype=np.int64)
    for f, factory in enumerate(spec.factories):
        for supplier_id in factory.suppliers:
            fac_of_sup[sup_index[supplier_id]] = f
    captain = np.zeros(len(categories), dtype=np.int64)
    for u, supplier in enumerate(spec.suppliers):
        for category in supplier.captain_of:
            captain[cat_index[category]] = u
    plat_index = {p.id: i for i, p in enumerate(spec.platforms)}
    dc_index = {d.id: i for i, d in enumerate(spec.distribution_centres)}

    # SKUs are ordered by category, then supplier, so each planner's and each supplier's items
    # are contiguous column ranges (views, not copies, on the hot path).
    products = sorted(spec.products, key=lambda p: (cat_index[p.category], sup_index[p.supplier]))
    stores = spec.stores
    case_pack = np.array([p.case_pack for p in products], dtype=np.int64)
    base_rate = np.array([p.base_rate for p in products], dtype=np.float64)
    size = np.array([s.size_factor for s in stores], dtype=np.float64)
    rule = spec.shelf_capacity
    mean = size[:, None] * base_rate[None, :]
    by_days = np.ceil(mean * rule.days_of_demand / case_pack) * case_pack
    shelf = np.maximum(by_days, rule.min_case_packs * case_pack[None, :])
    # int32 (4 bytes a store × SKU cell) where every capacity fits, as it does in any
    # realistic scenario; int64 otherwise, so no capacity is ever cut
    fits = shelf.size == 0 or float(shelf.max()) <= np.iinfo(np.int32).max
    shelf = shelf.astype(np.int32 if fits else np.int64)
    windows = np.array([s.delivery_window.minutes() for s in stores], dtype=np.int64)
    profile = np.array(spec.demand.weekday_profile, dtype=np.float64)
    profile = profile / profile.mean() if profile.sum() > 0 else np.ones(7)

    lines = _lines(spec, products, sup_index)

    def strings(values: list[str]) -> np.ndarray:
        return _frozen(np.array(values, dtype=object))

    def floats(values: list[float]) -> np.ndarray:
        return _frozen(np.array(values, dtype=np.float64))

    def ints(values: list[int]) -> np.ndarray:
        return _frozen(np.array(values, dtype=np.int64))

    return Scenario(
        spec=spec,
        name=spec.name,
        horizon_days=spec.horizon_days,
        warm_up_days=spec.warm_up_days,
        seed=spec.seed,
        gtin=strings([p.gtin for p in products]),
        product_name=strings([p.name for p in products]),
        category_of=ints([cat_index[p.category] for p in products]),
        supplier_of=ints([sup_index[p.supplier] for p in products]),
        case_pack=_frozen(case_pack),
        units_per_pallet=ints([p.units_per_pallet for p in products]),
        unit_cost=floats([p.unit_cost for p in products]),
        shelf_price=floats([p.shelf_price for p in products]),
        base_rate=_frozen(base_rate),
        shelf_life_days=ints([p.shelf_life_days or 0 for p in products]),
        store_gln=strings([s.gln for s in stores]),
        store_name=strings([s.name for s in stores]),
        store_lat=floats([s.lat for s in stores]),
        store_lon=floats([s.lon for s in stores]),
        size_factor=_frozen(size),
        platform_of_store=ints([plat_index[s.platform] for s in stores]),
        dc_of_store=ints([dc_index[s.dc] for s in stores]),
        window_open_min=_frozen(windows[:, 0]),
        window_close_min=_frozen(windows[:, 1]),
        shelf_capacity=_frozen(shelf),
        category_id=strings(categories),
        captain_of_category=_frozen(captain),
        supplier_gln=strings([s.gln for s in spec.suppliers]),
        supplier_name=strings([s.name for s in spec.suppliers]),
        supplier_lat=floats([s.lat for s in spec.suppliers]),
        supplier_lon=floats([s.lon for s in spec.suppliers]),
        supplier_lead_time_days=ints([s.lead_time_days for s in spec.suppliers]),
        factory_of_supplier=_frozen(fac_of_sup),
        factory_gln=strings([f.gln for f in spec.factories]),
        factory_name=strings([f.name for f in spec.factories]),
        factory_capacity=_frozen(lines.pop("factory_capacity")),
        factory_ramp_days=ints([f.warm_up_ramp_days for f in spec.factories]),
        platform_gln=strings([p.gln for p in spec.platforms]),
        platform_name=strings([p.name for p in spec.platforms]),
        platform_lat=floats([p.lat for p in spec.platforms]),
        platform_lon=floats([p.lon for p in spec.platforms]),
        platform_capacity=ints([p.capacity_units_per_day for p in spec.platforms]),
        platform_delivery_days=ints([p.delivery_days for p in spec.platforms]),
        platform_door_capacity=floats(
            [p.dock_doors * p.pallets_per_door_hour * p.shift_hours for p in spec.platforms]
        ),
        platform_labour_hours=floats([p.workers * p.shift_hours / 2 for p in spec.platforms]),
        platform_pallet_capacity=floats(
            [
                min(
                    p.dock_doors * p.pallets_per_door_hour * p.shift_hours,
                    p.workers * p.shift_hours / 2 / p.labour_hours_per_pallet,
                )
                / 2
                for p in spec.platforms
            ]
        ),
        dc_gln=strings([d.gln for d in spec.distribution_centres]),
        dc_name=strings([d.name for d in spec.distribution_centres]),
        dc_lat=floats([d.lat for d in spec.distribution_centres]),
        dc_lon=floats([d.lon for d in spec.distribution_centres]),
        dc_capacity=ints([d.capacity_units for d in spec.distribution_centres]),
        dc_delivery_days=ints([d.delivery_days for d in spec.distribution_centres]),
        weekday_profile=_frozen(profile),
        **{name: _frozen(value) for name, value in lines.items()},
        road_km=_frozen(road_km(spec, base_dir)),
    )


def _lines(spec: ScenarioSpec, products: list, sup_index: dict[str, int]) -> dict[str, np.ndarray]:
    """Line arrays, one row per production line.

    A factory given only ``capacity_units_per_day`` gets one 24-hour line whose ramp rises in
    daily steps (day i of a run at i/(ramp days + 1) of capacity).
    """
    rows: list[dict] = []
    for f, factory in enumerate(spec.factories):
        if factory.lines:
            for line in factory.lines:
                maintenance = line.maintenance
                rows.append(
                    {
                        "factory": f,
                        "id": line.id,
                        "families": set(line.families),
                        "rate": line.rate_units_per_hour,
                        "hours": line.hours_per_day,
                        "working": [d in line.working_days for d in range(7)],
                        "changeover": line.changeover_hours,
                        "ramp_hours": line.ramp.hours,
                        "stepwise": line.ramp.shape == "stepwise",
                        "start": line.ramp.start_rate,
                        "steps": line.ramp.steps,
                        "scrap": line.ramp.scrap_fraction,
                        "mtbf": line.breakdowns.mtbf_hours if line.breakdowns else np.inf,
                        "mttr": line.breakdowns.mttr_hours if line.breakdowns else 0.0,
                        "every": maintenance.every_days if maintenance else 0,
                        "maint_hours": maintenance.hours if maintenance else 0.0,
                        "offset": maintenance.offset_days if maintenance else 0,
                    }
                )
        else:
            ramp = factory.warm_up_ramp_days
            rows.append(
                {
                    "factory": f,
                    "id": f"{factory.id}-line",
                    "families": set(),
                    "rate": float(factory.capacity_units_per_day or 0) / 24.0,
                    "hours": 24.0,
                    "working": [True] * 7,
                    "changeover": 0.0,
                    "ramp_hours": 24.0 * ramp,
                    "stepwise": True,
                    "start": 1.0 / (ramp + 1),
                    "steps": max(ramp, 1),
                    "scrap": 0.0,
                    "mtbf": np.inf,
                    "mttr": 0.0,
                    "every": 0,
                    "maint_hours": 0.0,
                    "offset": 0,
                }
            )
    families = sorted({p.family or p.category for p in products})
    family_index = {name: i for i, name in enumerate(families)}
    fac_of_sup = {sid: f for f, factory in enumerate(spec.factories) for sid in factory.suppliers}
    line_of_sku = np.zeros(len(products), dtype=np.int64)
    for k, product in enumerate(products):
        family = product.family or product.category
        maker = fac_of_sup[product.supplier]
        line_of_sku[k] = next(
            i
            for i, row in enumerate(rows)
            if row["factory"] == maker and (not row["families"] or family in row["families"])
        )
    working = np.array([row["working"] for row in rows], dtype=bool)
    rate = np.array([row["rate"] for row in rows])
    hours = np.array([row["hours"] for row in rows])
    per_day = rate * hours * working.sum(axis=1) / 7.0
    capacity = np.bincount(
        [row["factory"] for row in rows], weights=per_day, minlength=len(spec.factories)
    )
    return {
        "factory_capacity": np.round(capacity).astype(np.int64),
        "family_of": np.array(
            [family_index[p.family or p.category] for p in products], dtype=np.int64
        ),
        "family_name": np.array(families, dtype=object),
        "line_of_sku": line_of_sku,
        "line_factory": np.array([row["factory"] for row in rows], dtype=np.int64),
        "line_id": np.array([row["id"] for row in rows], dtype=object),
        "line_rate": rate,
        "line_hours": hours,
        "line_working": working,
        "line_changeover_hours": np.array([row["changeover"] for row in rows]),
        "ramp_hours": np.array([row["ramp_hours"] for row in rows]),
        "ramp_stepwise": np.array([row["stepwise"] for row in rows], dtype=bool),
        "ramp_start_rate": np.array([row["start"] for row in rows]),
        "ramp_steps": np.array([row["steps"] for row in rows], dtype=np.int64),
        "ramp_scrap": np.array([row["scrap"] for row in rows]),
        "line_mtbf_hours": np.array([row["mtbf"] for row in rows]),
        "line_mttr_hours": np.array([row["mttr"] for row in rows]),
        "maintenance_every_days": np.array([row["every"] for row in rows], dtype=np.int64),
        "maintenance_hours": np.array([row["maint_hours"] for row in rows]),
        "maintenance_offset_days": np.array([row["offset"] for row in rows], dtype=np.int64),
    }
