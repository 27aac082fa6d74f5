"""Generate whole scenarios in Python: the built-in default and large synthetic ones.

Coordinates are real French towns; identifiers are valid GS1 numbers. Demand rates follow a
log-normal spread, which gives the long tail of a hypermarket (about a fifth of SKUs making
four fifths of sales).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from crossdock.gs1 import make_gln, make_gtin13
from crossdock.scenario._product_types import draw_master_data
from crossdock.scenario._schema import (
    BreakdownSpec,
    CarrierSpec,
    CategorySpec,
    DemandSpec,
    DistributionCentreSpec,
    EconomicsSpec,
    FactorySpec,
    HolidaySpec,
    IntermittentSpec,
    LifeCycleSpec,
    LineSpec,
    MaintenanceSpec,
    PlatformSpec,
    PriceChangeSpec,
    ProductSpec,
    PromotionSpec,
    RampSpec,
    RealFlowSpec,
    RetailerSpec,
    ScenarioSpec,
    SeasonSpec,
    StoreSpec,
    SupplierSpec,
    TimeWindow,
    TruckSpec,
)

__all__ = ["generate_spec", "hypermarket_demand"]

# (name, latitude, longitude) of real towns.
PLATFORM_TOWNS = [
    ("Chilly-Mazarin", 48.7056, 2.3125),
    ("Saint-Quentin-Fallavier", 45.6417, 5.1083),
    ("Lauwin-Planque", 50.3903, 3.0431),
    ("Cestas", 44.7436, -0.6811),
    # more logistics towns, for national-size generated chains (--platforms up to 25)
    ("Carquefou", 47.2975, -1.4919),
    ("Vitrolles", 43.4600, 5.2486),
    ("Ennery", 49.2264, 6.2206),
    ("Saint-Jean-de-Braye", 47.9122, 1.9739),
    ("Toulouse-Fondeyre", 43.6403, 1.4200),
    ("Vendin-le-Vieil", 50.4736, 2.8647),
    ("Brumath", 48.7328, 7.7100),
    ("Montbartier", 43.9097, 1.2764),
    ("Le Mans-Allonnes", 47.9686, 0.1606),
    ("Fleury-Mérogis", 48.6367, 2.3628),
    ("Saint-Priest", 45.6956, 4.9439),
    ("Rennes-Chartres", 48.0400, -1.6950),
    ("Clermont-Ferrand-Gerzat", 45.8247, 3.1442),
    ("Dijon-Longvic", 47.2878, 5.0636),
    ("Amiens-Glisy", 49.8717, 2.3861),
    ("Rouen-Oissel", 49.3417, 1.0939),
    ("Montpellier-Baillargues", 43.6622, 4.0125),
    ("Nice-Carros", 43.7881, 7.1853),
    ("Limoges-Feytiat", 45.8103, 1.3306),
    ("Poitiers-Chasseneuil", 46.6508, 0.3719),
    ("Reims-Bezannes", 49.2197, 4.0028),
]
STORE_TOWNS = [
    ("Évry", 48.6239, 2.4290),
    ("Lyon", 45.7640, 4.8357),
    ("Orléans", 47.9030, 1.9093),
    ("Villeurbanne", 45.7719, 4.8902),
    ("Chartres", 48.4439, 1.4890),
    ("Vienne", 45.5255, 4.8743),
    ("Melun", 48.5394, 2.6608),
    ("Bourgoin-Jallieu", 45.5860, 5.2736),
    ("Étampes", 48.4346, 2.1615),
    ("Mâcon", 46.3069, 4.8287),
    ("Fontainebleau", 48.4047, 2.7016),
    ("Grenoble", 45.1885, 5.7245),
    ("Lille", 50.6292, 3.0573),
    ("Bordeaux", 44.8378, -0.5792),
    ("Arras", 50.2910, 2.7775),
    ("Mérignac", 44.8386, -0.6436),
    ("Douai", 50.3700, 3.0800),
    ("Pessac", 44.8067, -0.6311),
    ("Lens", 50.4320, 2.8333),
    ("Libourne", 44.9153, -0.2439),
]
DC_TOWN = ("Auxerre", 47.7986, 3.5673)
# Candidate towns for regional distribution centres (--dcs): real logistics hubs; the
# generator places the DCs among them where the stores are (Auxerre is the single, national DC).
DC_TOWNS = [
    DC_TOWN,
    ("Corbas", 45.6681, 4.9019),
    ("Dourges", 50.4364, 2.9850),
    ("Bruges", 44.8831, -0.6114),
    ("Saint-Herblain", 47.2122, -1.6497),
    ("Miramas", 43.5822, 5.0019),
    ("Hagondange", 49.2536, 6.1683),
    ("Castelnau-d'Estrétefonds", 43.7833, 1.3583),
    ("Moissy-Cramayel", 48.6264, 2.5933),
    ("Hoerdt", 48.6997, 7.7833),
    ("Vern-sur-Seiche", 48.0453, -1.6019),
    ("Chalon-sur-Saône", 46.7806, 4.8539),
    ("Riom", 45.8936, 3.1128),
    ("Sorigny", 47.2431, 0.6942),
    ("Le Havre", 49.4944, 0.1079),
    ("Vatry", 48.7747, 4.2061),
    ("Montélimar", 44.5581, 4.7508),
    ("Niort", 46.3236, -0.4589),
    ("Brive-la-Gaillarde", 45.1589, 1.5331),
    ("Perpignan", 42.6986, 2.8956),
    ("Saint-Laurent-du-Var", 43.6736, 7.1903),
    ("Cambrai", 50.1761, 3.2361),
    ("Beaucouzé", 47.4744, -0.6311),
    ("Mer", 47.7044, 1.5072),
    ("Saint-Quentin", 49.8486, 3.2876),
]
STORES_PER_DC = 750
"""Stores per regional DC in a large generated chain, by default: 7 DCs for 5,000 stores.
Real grocers run a DC for some 100 to 1,000 stores, depending on their size; the generator's
stores stand in about 25 town clusters, and beyond 7 DCs the extra ones would serve a handful
of stores each. Chains under :data:`SEVERAL_DCS_FROM` stores keep one national DC."""
SEVERAL_DCS_FROM = 500


def default_dcs(n_stores: int) -> int:
    """The generator's number of DCs: one below 500 stores, else one per 750 (at most 25)."""
    if n_stores < SEVERAL_DCS_FROM:
        return 1
    return min(len(DC_TOWNS), math.ceil(n_stores / STORES_PER_DC))


CATEGORIES = [
    (
        "epicerie",
        "Épicerie",
        [
            "Spaghetti",
            "Penne",
            "Riz basmati",
            "Café moulu",
            "Farine T55",
            "Sucre en poudre",
            "Huile d'olive",
            "Lentilles vertes",
            "Couscous",
            "Chocolat noir",
            "Confiture fraise",
            "Biscuits sablés",
            "Thon au naturel",
            "Sauce tomate",
            "Céréales",
            "Miel",
        ],
    ),
    (
        "boissons",
        "Boissons",
        [
            "Eau minérale",
            "Eau gazeuse",
            "Jus d'orange",
            "Limonade",
            "Cola",
            "Bière blonde",
            "Bière ambrée",
            "Cidre brut",
            "Thé glacé",
            "Sirop de menthe",
            "Jus de pomme",
            "Vin rouge",
            "Vin rosé",
            "Nectar d'abricot",
        ],
    ),
    (
        "droguerie",
        "Droguerie",
        [
            "Lessive liquide",
            "Liquide vaisselle",
            "Papier toilette",
            "Essuie-tout",
            "Gel douche",
            "Shampooing",
            "Dentifrice",
            "Nettoyant sol",
            "Éponges",
            "Sacs poubelle",
            "Adoucissant",
            "Savon de Marseille",
        ],
    ),
]
SUPPLIERS = [
    # (id, name, town, lat, lon, category index, captain)
    ("riviere", "Pâtes Rivière", "Marseille", 43.2965, 5.3698, 0, True),
    ("beauce", "Moulins de Beauce", "Châteaudun", 48.0708, 1.3378, 0, False),
    ("auvergne", "Sources d'Auvergne", "Clermont-Ferrand", 45.7772, 3.0870, 1, True),
    ("nord", "Brasserie du Nord", "Lille", 50.6292, 3.0573, 1, False),
    ("normandie", "Lessives de Normandie", "Rouen", 49.4432, 1.0999, 2, True),
    ("alsace", "Hygiène d'Alsace", "Strasbourg", 48.5734, 7.7521, 2, False),
]
FACTORIES = [
    ("usine-marseille", "Usine de Marseille", 43.3500, 5.4300, ["riviere", "beauce"]),
    ("usine-clermont", "Usine de Clermont", 45.8000, 3.1500, ["auvergne", "nord"]),
    ("usine-rouen", "Usine de Rouen", 49.4000, 1.0500, ["normandie", "alsace"]),
]
# Each supplier's line runs a few families (e.g. "riviere-a"): products of one family share
# tooling and run without changeover.
FAMILY_GROUPS = ["a", "b", "c", "d"]
#: The real flow a generated hypermarket slice is cut from (docs/economics.md): a major
#: manufacturer delivers a chain of a dozen hypermarkets about two truckloads a day, and a
#: hypermarket receives about 40 pallets a day of dry grocery, drinks and household goods.
REAL_FLOW = RealFlowSpec(supplier_pallets_per_day=60.0, store_pallets_per_day=40.0)


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def generate_spec(
    *,
    n_stores: int = 12,
    n_skus: int = 240,
    n_platforms: int = 2,
    horizon_days: int = 365,
    warm_up_days: int = 28,
    seed: int = 20261124,
    name: str | None = None,
    rate_sigma: float = 1.5,
    rate_median: float = 1.2,
    realistic_demand: bool | None = None,
    n_dcs: int | None = None,
) -> ScenarioSpec:
    """A whole, valid scenario with the given size.

    ``n_dcs`` distribution centres are the traditional chain's stock-holding warehouses: one
    is the national DC at Auxerre; several are regional DCs placed among real logistics towns
    where the stores are (:func:`_regional_dcs`), each store served by the nearest. ``None``
    chooses :func:`default_dcs` (one DC below 500 stores, else one per 750 stores).

    Up to 20 stores sit in real towns; beyond that stores are scattered around them. Six
    suppliers (two per category, one captain each) and three factories are always present.
    ``rate_sigma`` and ``rate_median`` shape the log-normal spread of per-SKU demand.

    ``realistic_demand`` adds a hypermarket's calendar to demand (summer drinks, French public
    holidays, promotion leaflets with their after-dip, price rises, product launches and
    declines, intermittent slow movers: see :func:`hypermarket_demand`); ``None`` turns it on
    for assortments of 60 SKUs or more, and leaves the tiny ones tests use stationary. The
    same assortments get the real flow they are a slice of (:data:`REAL_FLOW`), so the P&L
    charges their transport by their share of trucks.
    """
    if n_platforms < 1 or n_platforms > len(PLATFORM_TOWNS):
        raise ValueError(f"n_platforms must be 1..{len(PLATFORM_TOWNS)}")
    if n_stores < 1 or n_skus < len(SUPPLIERS):
        raise ValueError(f"need at least 1 store and {len(SUPPLIERS)} SKUs")
    n_dcs = default_dcs(n_stores) if n_dcs is None else n_dcs
    if n_dcs < 1 or n_dcs > len(DC_TOWNS):
        raise ValueError(f"n_dcs must be 1..{len(DC_TOWNS)}")
    rng = np.random.default_rng(seed)
    platforms_at = PLATFORM_TOWNS[:n_platforms]
    dcs_at = [DC_TOWN]

    stores: list[StoreSpec] = []
    town_pool = [
        t for t in STORE_TOWNS if _nearest(t[1], t[2], platforms_at)[1] < 400
    ] or STORE_TOWNS
    for s in range(n_stores):
        town, lat, lon = town_pool[s % len(town_pool)]
        if s >= len(town_pool):
            town = f"{town} {s // len(town_pool) + 1}"
            lat += float(rng.normal(0, 0.15))
            lon += float(rng.normal(0, 0.2))
        platform, _ = _nearest(lat, lon, platforms_at)
        size = float(np.round(rng.uniform(0.7, 2.2), 2))
        opens = int(rng.choice([5, 6, 7]))
        stores.append(
            StoreSpec(
                id=f"store-{s + 1:03d}",
                gln=make_gln("3014567", s + 1),
                name=f"Hyper {town}",
                lat=round(lat, 4),
                lon=round(lon, 4),
                size_factor=size,
                platform=f"pf-{platform + 1}",
                dc="dc-1",
                delivery_window=TimeWindow(open=f"{opens:02d}:00", close=f"{opens + 4:02d}:00"),
            )
        )

    if n_dcs > 1:
        dcs_at, stores = _regional_dcs(stores, n_dcs)

    # master data (price, cost, packs, weight) per product type, from a stream of its own
    master_rng = np.random.default_rng([seed, 0x4D4153])
    rates = np.round(rate_median * rng.lognormal(0.0, rate_sigma, size=n_skus), 3)
    rates = np.clip(rates, 0.005, None)
    products: list[ProductSpec] = []
    for k in range(n_skus):
        u = k % len(SUPPLIERS)
        supplier_id, brand, _, _, _, c, _ = SUPPLIERS[u]
        bases = CATEGORIES[c][2]
        item = k // len(SUPPLIERS)
        base = bases[item % len(bases)]
        master = draw_master_data(base, master_rng)
        products.append(
            ProductSpec(
                gtin=make_gtin13(f"30{1234 + u}", item + 1),
                name=f"{base} {master.format} {brand.split()[-1]} #{item + 1}",
                category=CATEGORIES[c][0],
                supplier=supplier_id,
                case_pack=master.case_pack,
                units_per_pallet=master.units_per_pallet,
                unit_cost=master.unit_cost,
                shelf_price=master.shelf_price,
                weight_kg=master.weight_kg,
                base_rate=float(rates[k]),
                shelf_life_days=int(rng.choice([120, 365, 730])) if c == 0 else None,
                family=f"{supplier_id}-{FAMILY_GROUPS[bases.index(base) % len(FAMILY_GROUPS)]}",
            )
        )

    total_size = sum(s.size_factor for s in stores)
    rate_of_supplier = np.zeros(len(SUPPLIERS))
    for k in range(n_skus):
        rate_of_supplier[k % len(SUPPLIERS)] += rates[k] * total_size
    supplier_index = {row[0]: i for i, row in enumerate(SUPPLIERS)}
    factories = [
        FactorySpec(
            id=fid,
            gln=make_gln("3017890", f + 1),
            name=fname,
            lat=lat,
            lon=lon,
            suppliers=sups,
            lines=[
                _line(
                    f"{fid}-{x}",
                    sorted({p.family or p.category for p in products if p.supplier == x}),
                    float(rate_of_supplier[supplier_index[x]]),
                    offset=3 * f + i,
                )
                for i, x in enumerate(sups)
            ],
        )
        for f, (fid, fname, lat, lon, sups) in enumerate(FACTORIES)
    ]
    total_daily = float(rates.sum() * total_size)
    # mean units on a pallet, weighted by volume (mixed store pallets are about half full)
    units_per_pallet = float(np.average([p.units_per_pallet for p in products], weights=rates) / 2)
    platforms = []
    for p, (town, lat, lon) in enumerate(platforms_at):
        share = sum(s.size_factor for s in stores if s.platform == f"pf-{p + 1}") / total_size
        platforms.append(
            PlatformSpec(
                id=f"pf-{p + 1}",
                gln=make_gln("3012345", p + 1),
                name=f"Plateforme {town}",
                lat=lat,
                lon=lon,
                capacity_units_per_day=math.ceil(2.5 * share * total_daily + 100),
                delivery_days=1,
                **_platform_staff(share * total_daily, units_per_pallet),
            )
        )
    return ScenarioSpec(
        name=name or f"Hypermarchés ({n_stores} magasins, {n_skus} références)",
        horizon_days=horizon_days,
        warm_up_days=warm_up_days,
        seed=seed,
        retailer=RetailerSpec(gln=make_gln("3010000", 1), name="Enseigne Hyper"),
        categories=[CategorySpec(id=c[0], name=c[1]) for c in CATEGORIES],
        suppliers=[
            SupplierSpec(
                id=sid,
                gln=make_gln(f"30167{i:02d}", 1),  # a company prefix each: SSCCs never clash
                name=f"{sname} ({town})",
                lat=lat,
                lon=lon,
                categories=[CATEGORIES[c][0]],
                captain_of=[CATEGORIES[c][0]] if captain else [],
                lead_time_days=1 if _haversine_km(lat, lon, 47.0, 3.0) < 350 else 2,
            )
            for i, (sid, sname, town, lat, lon, c, captain) in enumerate(SUPPLIERS)
        ],
        factories=factories,
        platforms=platforms,
        distribution_centres=[
            DistributionCentreSpec(
                id=f"dc-{d + 1}",
                gln=make_gln("3012345", 50 + d),
                name=f"Entrepôt {town}",
                lat=lat,
                lon=lon,
                capacity_units=math.ceil(
                    40 * total_daily * (_share(stores, f"dc-{d + 1}") if len(dcs_at) > 1 else 1)
                ),
                delivery_days=1,
            )
            for d, (town, lat, lon) in enumerate(dcs_at)
        ],
        carrier=CarrierSpec(
            gln=make_gln("3018901", 1),
            name="Transports Dédiés",
            trucks=[TruckSpec(name="semi-remorque", capacity_pallets=33, count=max(10, n_stores))],
        ),
        stores=stores,
        products=products,
        demand=(
            hypermarket_demand(stores, products, dt.date(2026, 1, 5), horizon_days, seed)
            if (n_skus >= 60 if realistic_demand is None else realistic_demand)
            # Shoppers are burstier than Poisson: variance = mean + mean²/2.
            else DemandSpec(distribution="negative_binomial", dispersion=2.0)
        ),
        economics=(
            EconomicsSpec(real_flow=REAL_FLOW)
            if (n_skus >= 60 if realistic_demand is None else realistic_demand)
            else EconomicsSpec()
        ),
    )


def hypermarket_demand(
    stores: list[StoreSpec],
    products: list[ProductSpec],
    start: dt.date,
    horizon_days: int,
    seed: int,
) -> DemandSpec:
    """Demand settings that make a generated assortment behave like a French hypermarket.

    Negative binomial counts (k = 2); Sunday-morning opening; drinks peak in July, groceries
    before Christmas; French public holidays (shut on 1 January, 1 May and 25 December);
    a promotion leaflet every four weeks (about 4% of SKUs, national or one platform's stores,
    ×1.8-3 during, ×0.75 for a week after, 20-34% off); price rises on 5% of SKUs; 8% of SKUs
    launched during the run and 8% declining to a trickle (dead stock); intermittent slow
    movers (under 0.5 units a day).
    """
    rng = np.random.default_rng([seed, 0x5CA1E])
    n = len(products)
    gtins = [p.gtin for p in products]
    rates = np.array([p.base_rate for p in products])
    regions = sorted({s.platform for s in stores})
    promotions = []
    for leaflet in range(0, horizon_days, 28):
        picked = rng.choice(
            n, size=max(1, n // 25), replace=False, p=np.sqrt(rates) / np.sqrt(rates).sum()
        )
        region = int(rng.integers(0, len(regions) + 1))
        members = (
            None
            if region == len(regions) or len(regions) == 1
            else [s.id for s in stores if s.platform == regions[region]]
        )
        offset = leaflet + int(rng.integers(7, 21))
        promotion = PromotionSpec(
            gtins=[gtins[k] for k in sorted(picked)],
            stores=members,
            start=start + dt.timedelta(days=offset),
            days=int(rng.choice([7, 10, 14])),
            uplift=float(np.round(rng.uniform(1.8, 3.0), 2)),
            dip=0.75,
            dip_days=7,
            price_cut=float(np.round(rng.uniform(0.2, 0.34), 2)),
        )
        if offset < horizon_days:  # drawn all the same, so later draws do not move
            promotions.append(promotion)
    order = rng.permutation(n)
    n_life = max(1, round(0.08 * n))
    launches, declines, rises = (
        order[:n_life],
        order[n_life : 2 * n_life],
        order[2 * n_life :][: n // 20],
    )
    span = max(horizon_days, 28)
    life_cycles = [
        LifeCycleSpec(
            gtin=gtins[k],
            launch=start + dt.timedelta(days=int(rng.integers(0, max(1, 3 * span // 4)))),
            ramp_days=int(rng.integers(28, 85)),
        )
        for k in sorted(launches)
    ] + [
        LifeCycleSpec(
            gtin=gtins[k],
            decline_start=start + dt.timedelta(days=int(rng.integers(0, max(1, span // 2)))),
            decline_days=int(rng.integers(60, 181)),
            tail=float(np.round(rng.uniform(0.01, 0.08), 3)),
        )
        for k in sorted(declines)
    ]
    price_changes = [
        PriceChangeSpec(
            gtin=gtins[k],
            start=start + dt.timedelta(days=int(rng.integers(30, max(31, span)))),
            price=float(np.round(products[k].shelf_price * rng.uniform(1.03, 1.08), 2)),
        )
        for k in sorted(rises)
    ]
    return DemandSpec(
        distribution="negative_binomial",
        dispersion=2.0,
        weekday_profile=[0.9, 0.95, 1.0, 1.05, 1.3, 1.55, 0.35],
        seasons=[
            SeasonSpec(category="boissons", amplitude=0.35, peak_day_of_year=196),
            SeasonSpec(category="epicerie", amplitude=0.08, peak_day_of_year=355),
            SeasonSpec(category="droguerie", amplitude=0.04, peak_day_of_year=15),
        ],
        holidays=HolidaySpec(),
        promotions=promotions,
        price_elasticity=-1.5,
        price_changes=price_changes,
        life_cycles=life_cycles,
        intermittent=IntermittentSpec(below_rate=0.5, dispersion=0.3),
    )


def _platform_staff(units_per_day: float, units_per_pallet: float) -> dict[str, int]:
    """Doors and workers for a platform's expected flow, with a 60% margin."""
    pallets_in = units_per_day / units_per_pallet
    moves = 3 * pallets_in  # in, then about half as many consolidated pallets out... twice over
    hours = 16.0
    return {
        "dock_doors": max(2, math.ceil(1.6 * moves / (12.0 * hours))),
        "workers": max(2, math.ceil(1.6 * moves * 0.25 / (hours / 2))),
    }


def _line(line_id: str, families: list[str], daily_demand: float, *, offset: int) -> LineSpec:
    """A two-shift line, Monday to Saturday, sized at 1.6 times its mean demand."""
    hours, days = 16.0, 6
    rate = 1.6 * daily_demand * 7 / (hours * days) + 10
    return LineSpec(
        id=line_id,
        families=families,
        rate_units_per_hour=round(rate, 1),
        hours_per_day=hours,
        working_days=list(range(days)),
        changeover_hours=0.25,
        ramp=RampSpec(hours=0.5, shape="linear", start_rate=0.5, scrap_fraction=0.02),
        breakdowns=BreakdownSpec(mtbf_hours=60.0, mttr_hours=1.5),
        maintenance=MaintenanceSpec(every_days=28, hours=8.0, offset_days=offset),
    )


def _regional_dcs(
    stores: list[StoreSpec], n_dcs: int
) -> tuple[list[tuple[str, float, float]], list[StoreSpec]]:
    """Place ``n_dcs`` DCs among :data:`DC_TOWNS` where the stores are; each store to its nearest.

    Greedy k-median, as a network planner would: each DC in turn goes to the town that most
    cuts the selling-space-weighted km from stores to their nearest DC; each store is then
    served by its nearest DC. A DC left with no store is left out. DCs keep
    :data:`DC_TOWNS`' order.
    """
    from crossdock._kernels import haversine_km

    lat = np.array([s.lat for s in stores])[:, None]
    lon = np.array([s.lon for s in stores])[:, None]
    km = haversine_km(
        lat, lon, np.array([t[1] for t in DC_TOWNS])[None, :], np.array([t[2] for t in DC_TOWNS])
    )
    weight = np.array([s.size_factor for s in stores])[:, None]
    chosen: list[int] = []
    nearest_km = np.full((len(stores), 1), np.inf)
    for _ in range(n_dcs):
        cost = (weight * np.minimum(nearest_km, km)).sum(axis=0)
        cost[chosen] = np.inf
        chosen.append(int(np.argmin(cost)))
        nearest_km = np.minimum(nearest_km, km[:, chosen[-1] : chosen[-1] + 1])
    chosen.sort()
    nearest = np.argmin(km[:, chosen], axis=1)
    used = sorted(set(nearest.tolist()))
    number = {d: i + 1 for i, d in enumerate(used)}
    stores = [
        s.model_copy(update={"dc": f"dc-{number[int(d)]}"})
        for s, d in zip(stores, nearest, strict=True)
    ]
    return [DC_TOWNS[chosen[d]] for d in used], stores


def _share(stores: list[StoreSpec], dc: str) -> float:
    """The share of the chain's selling space (size factors) that a DC serves."""
    return sum(s.size_factor for s in stores if s.dc == dc) / sum(s.size_factor for s in stores)


def _nearest(lat: float, lon: float, towns: list[tuple[str, float, float]]) -> tuple[int, float]:
    distances = [_haversine_km(lat, lon, t[1], t[2]) for t in towns]
    best = int(np.argmin(distances))
    return best, distances[best]
