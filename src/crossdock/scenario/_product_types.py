"""Plausible master data per product type, for generated scenarios (the built-in one too).

Each base product of the generator (``Spaghetti``, ``Eau minérale``, ...) has a type with
ranges taken from French retail price levels (2024-2025 shelf prices of national brands and
retailer brands in hypermarkets, as published on retailers' drive sites): the shelf price of
one unit (VAT included, as shoppers pay it; crossdock does not model VAT), the retailer's
gross margin on that price (the unit cost is the price × (1 − margin)), the case packs it
ships in, the units on a pallet and the weight of one unit. ``docs/economics.md`` lists them;
a test keeps every product of the built-in scenario inside its type's ranges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

__all__ = ["PRODUCT_TYPES", "MasterData", "ProductType", "draw_master_data", "product_type_of"]


@dataclass(frozen=True)
class ProductType:
    """Ranges of one product type (``lo``, ``hi`` inclusive)."""

    formats: tuple[str, ...]
    """Pack formats that go into product names (e.g. ``500 g``), smallest first."""
    shelf_price: tuple[float, float]
    margin: tuple[float, float]
    """Retailer's gross margin as a share of the shelf price."""
    case_packs: tuple[int, ...]
    units_per_pallet: tuple[int, int]
    weight_kg: tuple[float, float]


def _t(
    formats: tuple[str, ...],
    price: tuple[float, float],
    margin: tuple[float, float],
    packs: tuple[int, ...],
    pallet: tuple[int, int],
    weight: tuple[float, float],
) -> ProductType:
    return ProductType(formats, price, margin, packs, pallet, weight)


_GROCERY = (0.22, 0.32)
_DRINKS = (0.18, 0.28)
_HOUSEHOLD = (0.25, 0.35)
PRODUCT_TYPES: dict[str, ProductType] = {
    "Spaghetti": _t(
        ("500 g", "Bio 500 g", "1 kg"), (0.8, 2.8), _GROCERY, (12, 24), (960, 2400), (0.5, 1.0)
    ),
    "Penne": _t(
        ("500 g", "Bio 500 g", "1 kg"), (0.8, 2.8), _GROCERY, (12, 24), (960, 2400), (0.5, 1.0)
    ),
    "Riz basmati": _t(("500 g", "1 kg"), (1.5, 4.5), _GROCERY, (12,), (600, 1440), (0.5, 1.0)),
    "Café moulu": _t(
        ("250 g", "Bio 250 g", "2 × 250 g"),
        (2.5, 8.0),
        _GROCERY,
        (12, 24),
        (960, 2400),
        (0.25, 0.5),
    ),
    "Farine T55": _t(("1 kg",), (0.8, 1.9), _GROCERY, (10, 12), (800, 1200), (1.0, 1.0)),
    "Sucre en poudre": _t(("1 kg",), (1.0, 2.2), _GROCERY, (10, 12), (800, 1200), (1.0, 1.0)),
    "Huile d'olive": _t(
        ("50 cl", "75 cl", "1 L"), (4.5, 12.0), _GROCERY, (6, 12), (480, 960), (0.5, 1.0)
    ),
    "Lentilles vertes": _t(
        ("500 g", "Bio 500 g"), (1.4, 4.0), _GROCERY, (12,), (840, 1680), (0.5, 0.5)
    ),
    "Couscous": _t(("500 g", "1 kg"), (1.0, 3.2), _GROCERY, (12,), (840, 1680), (0.5, 1.0)),
    "Chocolat noir": _t(
        ("100 g", "200 g"), (1.2, 3.8), _GROCERY, (20, 24), (2000, 4800), (0.1, 0.2)
    ),
    "Confiture fraise": _t(
        ("370 g", "Bio 370 g"), (1.9, 4.8), _GROCERY, (6, 12), (600, 1200), (0.37, 0.37)
    ),
    "Biscuits sablés": _t(
        ("150 g", "300 g"), (1.2, 3.6), _GROCERY, (12, 24), (1200, 2400), (0.15, 0.3)
    ),
    "Thon au naturel": _t(
        ("140 g", "3 × 80 g"), (1.8, 5.0), _GROCERY, (12, 24), (2000, 4000), (0.14, 0.24)
    ),
    "Sauce tomate": _t(("400 g", "680 g"), (1.0, 3.2), _GROCERY, (12,), (1200, 1800), (0.4, 0.68)),
    "Céréales": _t(("375 g", "750 g"), (2.4, 5.8), _GROCERY, (8, 12), (400, 800), (0.375, 0.75)),
    "Miel": _t(("250 g", "500 g"), (3.5, 10.0), _GROCERY, (6, 12), (600, 1200), (0.25, 0.5)),
    "Eau minérale": _t(("50 cl", "1,5 L"), (0.2, 0.9), _DRINKS, (6,), (504, 1440), (0.5, 1.55)),
    "Eau gazeuse": _t(("50 cl", "1,25 L"), (0.3, 1.2), _DRINKS, (6,), (504, 1440), (0.5, 1.3)),
    "Jus d'orange": _t(("1 L", "1,5 L"), (1.2, 3.8), _DRINKS, (6,), (480, 720), (1.0, 1.55)),
    "Limonade": _t(("33 cl", "1,5 L"), (0.6, 2.2), _DRINKS, (6, 12), (480, 1440), (0.35, 1.55)),
    "Cola": _t(("33 cl", "1,5 L"), (0.6, 2.6), _DRINKS, (6, 12), (480, 1440), (0.35, 1.55)),
    "Bière blonde": _t(("75 cl", "6 × 25 cl"), (1.8, 8.0), _DRINKS, (4, 6), (240, 600), (1.2, 2.6)),
    "Bière ambrée": _t(("75 cl", "6 × 25 cl"), (2.2, 9.0), _DRINKS, (4, 6), (240, 600), (1.2, 2.6)),
    "Cidre brut": _t(("75 cl",), (2.0, 4.8), _DRINKS, (6,), (480, 720), (1.25, 1.35)),
    "Thé glacé": _t(("33 cl", "1,5 L"), (0.8, 2.4), _DRINKS, (6, 12), (480, 1440), (0.35, 1.55)),
    "Sirop de menthe": _t(("75 cl", "1 L"), (1.8, 4.2), _DRINKS, (6,), (480, 720), (1.0, 1.45)),
    "Jus de pomme": _t(("1 L", "1,5 L"), (1.2, 3.4), _DRINKS, (6,), (480, 720), (1.0, 1.55)),
    "Vin rouge": _t(("75 cl",), (3.0, 12.0), _DRINKS, (6,), (480, 600), (1.25, 1.35)),
    "Vin rosé": _t(("75 cl",), (3.0, 10.0), _DRINKS, (6,), (480, 600), (1.25, 1.35)),
    "Nectar d'abricot": _t(("1 L",), (1.2, 3.0), _DRINKS, (6,), (480, 720), (1.0, 1.05)),
    "Lessive liquide": _t(
        ("1,5 L", "3 L"), (5.5, 16.0), _HOUSEHOLD, (4, 6), (240, 480), (1.5, 3.0)
    ),
    "Liquide vaisselle": _t(
        ("500 ml", "750 ml"), (1.2, 3.6), _HOUSEHOLD, (12,), (720, 1200), (0.5, 0.75)
    ),
    "Papier toilette": _t(
        ("6 rouleaux", "12 rouleaux"), (2.5, 8.5), _HOUSEHOLD, (1, 2), (48, 120), (0.6, 1.5)
    ),
    "Essuie-tout": _t(
        ("2 rouleaux", "4 rouleaux"), (1.8, 6.0), _HOUSEHOLD, (4, 6), (60, 180), (0.3, 0.8)
    ),
    "Gel douche": _t(
        ("250 ml", "500 ml"), (1.5, 4.8), _HOUSEHOLD, (12,), (1200, 2400), (0.25, 0.5)
    ),
    "Shampooing": _t(
        ("250 ml", "400 ml"), (2.0, 6.0), _HOUSEHOLD, (12,), (1200, 2400), (0.25, 0.4)
    ),
    "Dentifrice": _t(
        ("75 ml", "2 × 75 ml"), (1.5, 4.5), _HOUSEHOLD, (12, 24), (2400, 4800), (0.1, 0.2)
    ),
    "Nettoyant sol": _t(("1 L", "1,25 L"), (1.5, 4.5), _HOUSEHOLD, (6, 12), (480, 900), (1.0, 1.3)),
    "Éponges": _t(
        ("lot de 3", "lot de 6"), (1.5, 4.2), _HOUSEHOLD, (12, 24), (1440, 2880), (0.05, 0.15)
    ),
    "Sacs poubelle": _t(
        ("30 L × 20", "50 L × 10"), (2.0, 5.5), _HOUSEHOLD, (12, 24), (1200, 2400), (0.3, 0.5)
    ),
    "Adoucissant": _t(("1 L", "2 L"), (2.5, 7.0), _HOUSEHOLD, (6,), (360, 600), (1.0, 2.0)),
    "Savon de Marseille": _t(
        ("2 × 100 g", "300 g"), (1.5, 4.0), _HOUSEHOLD, (12, 24), (1440, 2880), (0.2, 0.3)
    ),
}


def product_type_of(name: str) -> tuple[str, ProductType]:
    """The type whose base name starts ``name`` (longest match)."""
    matches = [base for base in PRODUCT_TYPES if name.startswith(base + " ")]
    if not matches:
        raise KeyError(f"no product type for {name!r}")
    base = max(matches, key=len)
    return base, PRODUCT_TYPES[base]


class MasterData(NamedTuple):
    """One product's drawn master data."""

    format: str
    shelf_price: float
    unit_cost: float
    case_pack: int
    units_per_pallet: int
    weight_kg: float


def draw_master_data(base: str, rng: np.random.Generator) -> MasterData:
    """One product's format, price, cost, case pack, units per pallet and weight.

    Shelf price and margin are uniform in their ranges; the format and the weight follow the
    price's place in its range (a bigger format costs more); units per pallet are a whole
    number of cases inside the range.
    """
    kind = PRODUCT_TYPES[base]
    place = float(rng.uniform())
    lo, hi = kind.shelf_price
    price = round(lo + place * (hi - lo), 2)
    margin = float(rng.uniform(*kind.margin))
    case_pack = int(rng.choice(kind.case_packs))
    low = -(-kind.units_per_pallet[0] // case_pack)
    high = kind.units_per_pallet[1] // case_pack
    cases = int(rng.integers(low, high + 1))
    w_lo, w_hi = kind.weight_kg
    return MasterData(
        format=kind.formats[min(int(place * len(kind.formats)), len(kind.formats) - 1)],
        shelf_price=price,
        unit_cost=round(price * (1.0 - margin), 2),
        case_pack=case_pack,
        units_per_pallet=case_pack * cases,
        weight_kg=round(w_lo + place * (w_hi - w_lo), 3),
    )
