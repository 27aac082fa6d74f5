"""The P&L per party and day (the ``pnl`` table), a function of a run's tables.

Parties: the ``retailer`` (stores, platforms or DC, head office), each supplier (by name,
its factory folded in) and the ``carrier``. One row per day × party × line; ``eur`` is signed
(revenue positive, costs negative) and ``kind`` says how a line adds up:

- ``revenue`` and ``cost`` lines are the components: their sum is ``operating_profit``;
- ``subtotal`` lines are sums of components: ``gross_margin`` (revenue + cogs) and
  ``operating_profit`` (every component);
- ``memo`` lines are not part of the sum: ``lost_margin``, the margin the retailer did not
  make on lost sales (already missing from its revenue).

The lines, in order (:data:`LINES`), with what each is made of:

- ``revenue``: retailer, units sold × the price paid that day (promotions included);
  supplier, units shipped to the retailer × ``unit_cost`` (its selling price); carrier, what
  it bills: its cost × (1 + ``carrier_margin``);
- ``cogs``: retailer, units sold × ``unit_cost``; supplier, units shipped × ``unit_cost`` ×
  ``materials_share``;
- ``capital_cost``: ``cost_of_capital_per_year`` / 365 × value of the party's stock at the
  day's close (the retailer's at unit cost, in transit included; a supplier's at materials
  cost);
- ``storage``: pallets held (units / units per pallet, per SKU) × the place's rate;
- ``transport``: what the party pays the carrier for the legs it pays for (the carrier's own
  line is its operating cost); both are the slice's share of trucks sized for the real flow
  (``transport_charged``: :mod:`crossdock.economics._transport`);
- ``handling_labour``: platform and DC handling hours (and sorting onto store-ready cages) ×
  the warehouse wage with charges;
- ``store_labour``: the store labour model's cost (``store_labour`` table);
- ``factory_conversion``: busy line hours (production and changeovers) × conversion cost;
- ``scrap``: retailer, delisted stock scrapped × ``unit_cost``; supplier, ramp and
  obsolescence scrap × materials cost;
- ``edi``: each side of every message pays ``per_message`` (and ``per_kb`` on bytes sent):
  the retailer one side, the suppliers the other, split by their units shipped.

Costs a party shares (a factory serving several suppliers, EDI, outbound transport a
supplier pays) are split by units (produced, shipped) over the whole run, so every day's
split is the same and days without activity split nothing.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from crossdock._kernels import dot
from crossdock.economics._labour import sort_hours
from crossdock.scenario import Scenario

__all__ = ["COMPONENTS", "KINDS", "LINES", "SCHEMA", "build_pnl"]

#: Every line of the table, in order, with its kind.
KINDS: dict[str, str] = {
    "revenue": "revenue",
    "cogs": "cost",
    "gross_margin": "subtotal",
    "lost_margin": "memo",
    "capital_cost": "cost",
    "storage": "cost",
    "transport": "cost",
    "handling_labour": "cost",
    "store_labour": "cost",
    "factory_conversion": "cost",
    "scrap": "cost",
    "edi": "cost",
    "operating_profit": "subtotal",
}
LINES = tuple(KINDS)
#: The lines that add up to ``operating_profit``.
COMPONENTS = tuple(line for line, kind in KINDS.items() if kind in ("revenue", "cost"))
SCHEMA = pa.schema(
    [
        ("day", pa.int32()),
        ("party", pa.string()),
        ("gln", pa.string()),
        ("line", pa.string()),
        ("kind", pa.string()),
        ("eur", pa.float64()),
    ]
)


def _col(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy(zero_copy_only=False)


def _shares(weights: np.ndarray) -> np.ndarray:
    """``weights`` normalised to sum to 1 (equal shares when they are all zero)."""
    total = weights.sum()
    return weights / total if total > 0 else np.full(weights.size, 1.0 / max(weights.size, 1))


def build_pnl(tables: dict[str, pa.Table], scenario: Scenario, mode: str) -> pa.Table:
    """The ``pnl`` table of a run from its tables.

    ``tables`` holds the run's tables with ``store_daily``, ``store_labour`` and
    ``transport_charged``.

    ``mode`` is the scenario settings the chain read (``traditional`` or ``shared``).
    """
    econ = scenario.spec.economics
    loc = tables["location_daily"]
    days = int(_col(loc, "day").max()) + 1
    k, n_sup = scenario.n_skus, scenario.n_suppliers
    sku = tables["sku_daily"]

    def series(name: str) -> np.ndarray:
        return _col(sku, name).reshape(days, k).astype(np.float64)

    cost = scenario.unit_cost
    materials = cost * econ.factory.materials_share
    per_pallet = 1.0 / scenario.units_per_pallet
    owner = np.zeros((k, n_sup))
    owner[np.arange(k), scenario.supplier_of] = 1.0  # SKU -> supplier
    daily_rate = econ.capital.cost_of_capital_per_year / 365.0
    storage = econ.storage_per_pallet_day

    # --- retailer -------------------------------------------------------------------------
    sold = series("sales")
    store_daily = tables["store_daily"]
    revenue = _col(store_daily, "revenue").reshape(days, -1).sum(axis=1)
    kind = _col(loc, "location_type").astype(str).reshape(days, -1)[0]
    value = _col(loc, "stock_value").reshape(days, -1)
    gln = _col(loc, "gln").astype(str).reshape(days, -1)[0]
    retailer_value = value[:, np.isin(kind, ("store", "platform", "dc", "carrier"))].sum(axis=1)
    held = {
        place: dot(series(f"{place}_stock"), per_pallet) for place in ("store", "platform", "dc")
    }
    transport = tables["transport_charged"]
    t_day = _col(transport, "day").astype(np.int64)
    t_cost = _col(transport, "charged").astype(np.float64)
    t_leg = _col(transport, "leg").astype(str)
    t_origin = _col(transport, "origin_gln").astype(str)
    billed = 1.0 + econ.transport.carrier_margin
    leg_cost = {
        leg: np.bincount(t_day[t_leg == leg], t_cost[t_leg == leg], minlength=days)[:days]
        for leg in ("inbound", "outbound")
    }
    shipped = series("supplier_shipped")
    shipped_share = _shares(dot(shipped, owner).sum(axis=0))  # [supplier], over the run
    depots = tables["depot_daily"]
    d_day = _col(depots, "day").astype(np.int64)
    depot_hours = np.bincount(d_day, _col(depots, "labour_hours"), minlength=days)[:days]
    depot_hours = depot_hours + sort_hours(store_daily, econ.store_labour, mode)[:days]
    labour = tables["store_labour"]
    store_cost = np.bincount(
        _col(labour, "day").astype(np.int64), _col(labour, "eur"), minlength=days
    )[:days]
    messages = tables["messages"]
    per_message = np.bincount(
        _col(messages, "day").astype(np.int64),
        _col(messages, "count").astype(np.float64),
        minlength=days,
    )[:days]
    edi_bytes: np.ndarray = np.zeros(days)
    if "edi_daily" in tables and tables["edi_daily"].num_rows:
        edi = tables["edi_daily"]
        edi_bytes = np.bincount(
            _col(edi, "day").astype(np.int64), _col(edi, "bytes").astype(np.float64), minlength=days
        )[:days]
    edi_side = per_message * econ.edi.per_message + edi_bytes / 1000.0 * econ.edi.per_kb

    def pays(leg: str, party: str) -> float:
        return 1.0 if getattr(econ.transport, leg) == party else 0.0

    retail = {
        "revenue": revenue,
        "cogs": -dot(sold, cost),
        "lost_margin": -dot(series("lost_sales"), scenario.shelf_price - cost),
        "capital_cost": -daily_rate * retailer_value,
        "storage": -sum(held[p] * getattr(storage, p) for p in held),
        "transport": -billed
        * (
            leg_cost["inbound"] * pays("inbound", "retailer")
            + leg_cost["outbound"] * pays("outbound", "retailer")
        ),
        "handling_labour": -depot_hours * econ.wages.loaded("warehouse"),
        "store_labour": -store_cost,
        "scrap": -dot(series("delisted_scrap"), cost),
        "edi": -edi_side,
    }

    # --- suppliers ------------------------------------------------------------------------
    sales_value = dot(shipped * cost, owner)  # [day, supplier]
    sup_value = np.zeros((days, n_sup))
    sup_index = {g: i for i, g in enumerate(scenario.supplier_gln)}
    for col in np.flatnonzero(kind == "supplier"):
        sup_value[:, sup_index[gln[col]]] += value[:, col]
    lines_hours = tables["line_daily"]
    factory_index = {g: i for i, g in enumerate(scenario.factory_gln)}
    busy = np.zeros((days, scenario.n_factories))
    l_day = _col(lines_hours, "day").astype(np.int64)
    l_factory = np.array([factory_index[g] for g in _col(lines_hours, "factory_gln").astype(str)])
    np.add.at(busy, (l_day, l_factory), _col(lines_hours, "busy_hours").astype(np.float64))
    produced = dot(series("produced"), owner).sum(axis=0)
    to_supplier = np.zeros((scenario.n_factories, n_sup))  # factory cost -> its suppliers
    for f in range(scenario.n_factories):
        mine = np.flatnonzero(scenario.factory_of_supplier == f)
        if mine.size:
            to_supplier[f, mine] = _shares(produced[mine])
    for col in np.flatnonzero(kind == "factory"):  # work in progress, to the factory's suppliers
        sup_value += np.outer(value[:, col], to_supplier[factory_index[gln[col]]])
    sup_value *= econ.factory.materials_share  # held at materials cost
    inbound = np.zeros((days, n_sup))
    inbound_rows = t_leg == "inbound"
    for g, i in sup_index.items():
        mine = inbound_rows & (t_origin == g)
        inbound[:, i] = np.bincount(t_day[mine], t_cost[mine], minlength=days)[:days]
    scrap_units = series("ramp_scrap") + series("obsolete")
    supplier = {
        "revenue": sales_value,
        "cogs": -sales_value * econ.factory.materials_share,
        "lost_margin": np.zeros((days, n_sup)),
        "capital_cost": -daily_rate * sup_value,
        "storage": -dot(series("supplier_stock") * per_pallet, owner) * storage.supplier,
        "transport": -billed
        * (
            inbound * pays("inbound", "supplier")
            + np.outer(leg_cost["outbound"], shipped_share) * pays("outbound", "supplier")
        ),
        "handling_labour": np.zeros((days, n_sup)),
        "store_labour": np.zeros((days, n_sup)),
        "factory_conversion": -dot(busy, to_supplier) * econ.factory.conversion_cost_per_hour,
        "scrap": -dot(scrap_units * materials, owner),
        "edi": -np.outer(edi_side, shipped_share),
    }

    # --- carrier --------------------------------------------------------------------------
    carried = leg_cost["inbound"] + leg_cost["outbound"]
    carrier = {"revenue": carried * billed, "transport": -carried}

    parties = [("retailer", scenario.spec.retailer.gln)]
    parties += [
        (str(n), str(g)) for n, g in zip(scenario.supplier_name, scenario.supplier_gln, strict=True)
    ]
    parties.append(("carrier", scenario.spec.carrier.gln))
    n_parties = len(parties)
    grid = np.zeros((days, n_parties, len(LINES)))
    position = {line: i for i, line in enumerate(LINES)}
    for line, values in retail.items():
        grid[:, 0, position[line]] = values
    for line, values in supplier.items():
        grid[:, 1 : 1 + n_sup, position[line]] = values
    for line, values in carrier.items():
        grid[:, -1, position[line]] = values
    components = [position[line] for line in COMPONENTS]
    grid[:, :, position["gross_margin"]] = (
        grid[:, :, position["revenue"]] + grid[:, :, position["cogs"]]
    )
    grid[:, :, position["operating_profit"]] = grid[:, :, components].sum(axis=2)
    grid += 0.0  # no negative zeros in the table
    n_lines = len(LINES)
    return pa.table(
        {
            "day": np.repeat(np.arange(days, dtype=np.int32), n_parties * n_lines),
            "party": np.tile(np.repeat([p for p, _ in parties], n_lines), days),
            "gln": np.tile(np.repeat([g for _, g in parties], n_lines), days),
            "line": np.tile(np.array(LINES), days * n_parties),
            "kind": np.tile(np.array([KINDS[line] for line in LINES]), days * n_parties),
            "eur": grid.ravel(),
        },
        schema=SCHEMA,
    )
