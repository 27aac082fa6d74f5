"""The frozen, integer-indexed scenario: a struct of NumPy arrays built once from a spec."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

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
    dc_gln: np.ndarray
    dc_name: np.ndarray
    dc_lat: np.ndarray
    dc_lon: np.ndarray
    dc_capacity: np.ndarray
    dc_delivery_days: np.ndarray
    weekday_profile: np.ndarray  # [7] Monday..Sunday, mean 1

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

    @property
    def factory_of_sku(self) -> np.ndarray:
        """``[k]`` the factory making each SKU."""
        return self.factory_of_supplier[self.supplier_of]

    def expected_demand(self) -> np.ndarray:
        """``[s, k]`` mean units per day (before the weekday profile)."""
        return self.size_factor[:, None] * self.base_rate[None, :]

    def replace(self, **changes: object) -> Scenario:
        """A copy with some settings changed (e.g. ``horizon_days``); arrays are shared."""
        spec_changes = {k: v for k, v in changes.items() if k in ScenarioSpec.model_fields}
        spec = self.spec.model_copy(update=spec_changes) if spec_changes else self.spec
        return dataclasses.replace(self, spec=spec, **changes)  # type: ignore[arg-type]


def compile_scenario(spec: ScenarioSpec) -> Scenario:
    """Turn a validated spec into a frozen :class:`Scenario` (references already checked)."""
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
    shelf = np.maximum(by_days, rule.min_case_packs * case_pack[None, :]).astype(np.int64)
    windows = np.array([s.delivery_window.minutes() for s in stores], dtype=np.int64)
    profile = np.array(spec.demand.weekday_profile, dtype=np.float64)
    profile = profile / profile.mean() if profile.sum() > 0 else np.ones(7)

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
        factory_capacity=ints([f.capacity_units_per_day for f in spec.factories]),
        factory_ramp_days=ints([f.warm_up_ramp_days for f in spec.factories]),
        platform_gln=strings([p.gln for p in spec.platforms]),
        platform_name=strings([p.name for p in spec.platforms]),
        platform_lat=floats([p.lat for p in spec.platforms]),
        platform_lon=floats([p.lon for p in spec.platforms]),
        platform_capacity=ints([p.capacity_units_per_day for p in spec.platforms]),
        platform_delivery_days=ints([p.delivery_days for p in spec.platforms]),
        dc_gln=strings([d.gln for d in spec.distribution_centres]),
        dc_name=strings([d.name for d in spec.distribution_centres]),
        dc_lat=floats([d.lat for d in spec.distribution_centres]),
        dc_lon=floats([d.lon for d in spec.distribution_centres]),
        dc_capacity=ints([d.capacity_units for d in spec.distribution_centres]),
        dc_delivery_days=ints([d.delivery_days for d in spec.distribution_centres]),
        weekday_profile=_frozen(profile),
    )
