"""Checks across a scenario's lists: unique keys and references that must resolve.

:func:`check_references` finds what makes a scenario invalid, :func:`check_files` the files
it names that cannot be found, and :func:`scenario_warnings` the settings that can have no
effect or that an import would resolve ambiguously. Each returns ``(field path, message)``
pairs; the loader locates them by line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path as FilePath

from crossdock.scenario._schema import ScenarioSpec

Path = tuple[str | int, ...]
Problem = tuple[Path, str]


def _unique(items: list, attr: str, prefix: str | tuple[str | int, ...]) -> Iterator[Problem]:
    path = (prefix,) if isinstance(prefix, str) else prefix
    name = ".".join(f"{p}" if isinstance(p, str) else f"[{p}]" for p in path).replace(".[", "[")
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        key = getattr(item, attr)
        if key in seen:
            yield (
                (*path, index, attr),
                f"duplicate {attr} '{key}' (first used by {name}[{seen[key]}])",
            )
        else:
            seen[key] = index


def _ref(known: set[str], value: str, what: str, path: Path) -> Iterator[Problem]:
    if value not in known:
        choices = ", ".join(sorted(known)[:8]) + (", ..." if len(known) > 8 else "")
        yield path, f"unknown {what} '{value}' (known: {choices})"


def check_references(spec: ScenarioSpec) -> list[Problem]:
    """Every problem that pydantic's per-field checks cannot see, each with its field path."""
    problems: list[Problem] = []
    add = problems.extend
    for name in (
        "categories",
        "suppliers",
        "factories",
        "platforms",
        "distribution_centres",
        "stores",
    ):
        add(_unique(getattr(spec, name), "id", name))
    add(_unique(spec.products, "gtin", "products"))

    gln_owner: dict[str, str] = {}
    for name in ("suppliers", "factories", "platforms", "distribution_centres", "stores"):
        for index, party in enumerate(getattr(spec, name)):
            if party.gln in gln_owner:
                problems.append(
                    (
                        (name, index, "gln"),
                        f"GLN {party.gln} is already used by {gln_owner[party.gln]}",
                    )
                )
            gln_owner.setdefault(party.gln, f"{name}[{index}]")

    categories = {c.id for c in spec.categories}
    suppliers = {s.id: s for s in spec.suppliers}
    captains: Counter[str] = Counter()
    for i, supplier in enumerate(spec.suppliers):
        for j, category in enumerate(supplier.categories):
            add(_ref(categories, category, "category", ("suppliers", i, "categories", j)))
        for j, category in enumerate(supplier.captain_of):
            if category not in supplier.categories:
                problems.append(
                    (
                        ("suppliers", i, "captain_of", j),
                        f"supplier '{supplier.id}' cannot captain category '{category}' "
                        "it does not supply",
                    )
                )
            captains[category] += 1
    for i, listed in enumerate(spec.categories):
        if captains[listed.id] != 1:
            problems.append(
                (
                    ("categories", i, "id"),
                    f"category '{listed.id}' must have exactly one captain "
                    f"(suppliers[].captain_of), found {captains[listed.id]}",
                )
            )

    made_by: dict[str, str] = {}
    for i, factory in enumerate(spec.factories):
        for j, supplier_id in enumerate(factory.suppliers):
            add(_ref(set(suppliers), supplier_id, "supplier", ("factories", i, "suppliers", j)))
            if supplier_id in made_by:
                problems.append(
                    (
                        ("factories", i, "suppliers", j),
                        f"supplier '{supplier_id}' is already made by factory '{made_by[supplier_id]}'",
                    )
                )
            made_by.setdefault(supplier_id, factory.id)
    for i, supplier in enumerate(spec.suppliers):
        if supplier.id not in made_by:
            problems.append((("suppliers", i, "id"), f"no factory makes supplier '{supplier.id}'"))

    platforms = {p.id for p in spec.platforms}
    dcs = {d.id for d in spec.distribution_centres}
    for i, store in enumerate(spec.stores):
        add(_ref(platforms, store.platform, "platform", ("stores", i, "platform")))
        add(_ref(dcs, store.dc, "distribution centre", ("stores", i, "dc")))
        opens, closes = store.delivery_window.minutes()
        if opens >= closes:
            problems.append(
                (("stores", i, "delivery_window"), "delivery window must open before it closes")
            )

    for i, product in enumerate(spec.products):
        add(_ref(categories, product.category, "category", ("products", i, "category")))
        add(_ref(set(suppliers), product.supplier, "supplier", ("products", i, "supplier")))
        owner = suppliers.get(product.supplier)
        if (
            owner is not None
            and product.category in categories
            and product.category not in owner.categories
        ):
            problems.append(
                (
                    ("products", i, "category"),
                    f"supplier '{owner.id}' does not supply category '{product.category}'",
                )
            )
        if product.case_pack > product.units_per_pallet:
            problems.append(
                (("products", i, "case_pack"), "case pack cannot exceed units per pallet")
            )

    factory_of_supplier = {sid: f for f in spec.factories for sid in f.suppliers}
    for i, factory in enumerate(spec.factories):
        add(_unique(factory.lines, "id", ("factories", i, "lines")))
    for i, product in enumerate(spec.products):
        maker = factory_of_supplier.get(product.supplier)
        if maker is None or not maker.lines:
            continue
        family = product.family or product.category
        if not any(not line.families or family in line.families for line in maker.lines):
            problems.append(
                (
                    ("products", i, "family"),
                    f"no line of factory '{maker.id}' makes family '{family}'",
                )
            )

    gtins = {p.gtin for p in spec.products}
    for i, blocked in enumerate(spec.retailer.blocked_gtins):
        if blocked not in gtins:
            problems.append(
                (("retailer", "blocked_gtins", i), f"unknown GTIN '{blocked}' (not in products)")
            )

    supplier_ids = {u.id for u in spec.suppliers}
    for named in spec.economics.real_flow.by_supplier:
        where: Path = ("economics", "real_flow", "by_supplier", named)
        problems.extend(_ref(supplier_ids, named, "supplier", where))

    problems.extend(_demand_references(spec, categories))
    problems.extend(_demand_bounds(spec))

    if spec.warm_up_days >= spec.horizon_days:
        problems.append((("warm_up_days",), "must be less than horizon_days"))
    return problems


def _demand_references(spec: ScenarioSpec, categories: set[str]) -> list[Problem]:
    """Seasons, promotions, price changes and life cycles must name known things."""
    problems: list[Problem] = []
    gtins = {p.gtin for p in spec.products}
    stores = {s.id for s in spec.stores}
    demand = spec.demand

    def gtin(value: str, path: Path) -> None:
        key = value[-13:] if len(value) == 14 and value[0] == "0" else value
        if key not in gtins:
            problems.append((path, f"unknown GTIN '{value}' (not in products)"))

    for i, season in enumerate(demand.seasons):
        if season.category is not None:
            problems.extend(
                _ref(categories, season.category, "category", ("demand", "seasons", i, "category"))
            )
    for i, promo in enumerate(demand.promotions):
        for j, value in enumerate(promo.gtins):
            gtin(value, ("demand", "promotions", i, "gtins", j))
        for j, store in enumerate(promo.stores or []):
            problems.extend(_ref(stores, store, "store", ("demand", "promotions", i, "stores", j)))
    for i, change in enumerate(demand.price_changes):
        gtin(change.gtin, ("demand", "price_changes", i, "gtin"))
    seen: dict[str, int] = {}
    for i, life in enumerate(demand.life_cycles):
        gtin(life.gtin, ("demand", "life_cycles", i, "gtin"))
        if life.gtin in seen:
            problems.append(
                (
                    ("demand", "life_cycles", i, "gtin"),
                    f"GTIN '{life.gtin}' already has a life cycle (demand.life_cycles[{seen[life.gtin]}])",
                )
            )
        seen.setdefault(life.gtin, i)
    return problems


# The most units one store may be expected to sell of one SKU in one day, all effects at
# their peak: a bound on the Poisson / negative binomial mean that keeps every count, stock
# and order far inside int64 (and numpy's Poisson sampler inside its range).
MAX_MEAN_UNITS_PER_STORE_DAY = 1e7


def _demand_bounds(spec: ScenarioSpec) -> list[Problem]:
    """The peak mean demand of a store × SKU × day must stay below the named bound."""
    demand = spec.demand
    profile = demand.weekday_profile
    weekday = max(profile) / (sum(profile) / 7) if sum(profile) > 0 else 1.0
    season = 1 + max((s.amplitude for s in demand.seasons), default=0.0)
    uplift = max((p.uplift for p in demand.promotions), default=1.0)
    holidays = max(demand.holidays.eve_factor, 1.0) if demand.holidays else 1.0
    size = max(s.size_factor for s in spec.stores)
    problems: list[Problem] = []
    for i, product in enumerate(spec.products):
        price = min((c.price for c in demand.price_changes if c.gtin == product.gtin), default=None)
        log_price = demand.price_elasticity * math.log(price / product.shelf_price) if price else 0
        log_peak = math.log(max(product.base_rate, 1e-300)) + max(log_price, 0.0)
        peak = math.exp(min(log_peak, 700.0)) * size * weekday * season * uplift * holidays
        if peak > MAX_MEAN_UNITS_PER_STORE_DAY:
            problems.append(
                (
                    ("products", i, "base_rate"),
                    f"peak mean demand {peak:.3g} units per store-day (base_rate × size_factor × "
                    "weekday × season × promotion × holiday × price factors) must be <= "
                    f"{MAX_MEAN_UNITS_PER_STORE_DAY:.0e} (MAX_MEAN_UNITS_PER_STORE_DAY)",
                )
            )
    return problems


def check_files(spec: ScenarioSpec, base_dir: FilePath) -> list[Problem]:
    """Files the scenario names that do not exist.

    The distance matrix is relative to ``base_dir`` (the scenario file's folder); the fitted
    parameters to the working folder, as the run opens them.
    """
    problems: list[Problem] = []
    matrix = spec.carrier.distance_matrix
    if matrix is not None:
        path = FilePath(matrix)
        path = path if path.is_absolute() else base_dir / path
        if not path.is_file():
            problems.append(
                (("carrier", "distance_matrix"), f"no such file '{matrix}' (looked for {path})")
            )
    fitted = spec.demand.fitted
    if fitted is not None and not FilePath(fitted.file).is_file():
        problems.append((("demand", "fitted", "file"), f"no such file '{fitted.file}'"))
    return problems


def scenario_warnings(spec: ScenarioSpec) -> list[Problem]:
    """Settings that can have no effect, and names that an import would resolve ambiguously."""
    found: list[Problem] = []
    if not any(spec.demand.weekday_profile):
        found.append(
            (
                ("demand", "weekday_profile"),
                "is all zero, so it is ignored: every weekday gets the same demand",
            )
        )
    first = spec.start_date
    end = first + dt.timedelta(days=spec.horizon_days)  # the day after the horizon
    for i, promo in enumerate(spec.demand.promotions):
        last = promo.start + dt.timedelta(days=promo.days + promo.dip_days)
        if last <= first or promo.start >= end:
            found.append(
                (
                    ("demand", "promotions", i, "start"),
                    f"promotion from {promo.start} (with its dip, to {last}) is outside the "
                    f"horizon {first} to {end - dt.timedelta(days=1)}: it has no effect",
                )
            )
    for i, change in enumerate(spec.demand.price_changes):
        if change.start >= end:
            found.append(
                (
                    ("demand", "price_changes", i, "start"),
                    f"price change on {change.start} is after the horizon's last day "
                    f"{end - dt.timedelta(days=1)}: it has no effect",
                )
            )
    names: dict[str, int] = {}
    for i, store in enumerate(spec.stores):
        key = store.name.strip()
        if key in names:
            found.append(
                (
                    ("stores", i, "name"),
                    f"store name '{store.name}' is also the name of stores[{names[key]}]: "
                    "POS rows that name the store (not its GLN) are rejected as ambiguous",
                )
            )
        names.setdefault(key, i)
    return found
