"""What a run returns: tables, KPIs, a text summary, and files on disk."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from crossdock._files import reason, write_json, written_atomically
from crossdock.economics import PriceCut
from crossdock.errors import ResultsError
from crossdock.kpis import KPI_DOCS
from crossdock.ledger import Ledger
from crossdock.scenario import Scenario

if TYPE_CHECKING:  # pandas loads with the first DataFrame asked for (pyarrow's to_pandas)
    import pandas as pd

__all__ = ["Comparison", "SimulationResult", "format_value"]

_PERCENT = {
    "fill_rate",
    "on_shelf_availability",
    "truck_fill_rate",
    "factory_utilisation",
    "line_utilisation",
    "deliveries_on_time",
    "dock_door_utilisation",
    "platform_labour_utilisation",
    "truck_fill_rate_inbound",
    "sales_kept_after_delisting",
    "shelf_share_captain_items",
    "demand_share_captain_items",
}
_PERCENT_PREFIXES = ("cycle_service_level", "fill_rate_", "service_level_target")


def format_value(key: str, value: float) -> str:
    """A KPI value as people read it (percentages, thousands separators)."""
    if key in _PERCENT or key.startswith(_PERCENT_PREFIXES):
        return f"{value:.2%}"
    if (
        key.startswith("order_variance_ratio")
        or key.endswith("days_of_supply")
        or "lead_time" in key
        or key in ("trucks_per_day", "trucks_inbound_per_week", "assortment_depth")
    ):
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _render(title: str, header: list[str], rows: list[list[str]]) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*row)
    console = Console(width=120, record=True, color_system=None, force_terminal=False)
    with console.capture() as capture:
        console.print(table)
    return f"{title}\n{capture.get()}"


def _unwritten(path: Path) -> Callable[[OSError], ResultsError]:
    """The error of a result file that cannot be written (a full disk), naming it."""

    def failed(error: OSError) -> ResultsError:
        return ResultsError(
            f"cannot write the run's results: {reason(error)} (the folder is "
            "incomplete: kpis.json is written last; make room and run again, with --resume if "
            "it was checkpointed: its last checkpoint is kept)",
            file=path,
        )

    return failed


def result_file(path: Path) -> AbstractContextManager[IO[bytes]]:
    """A result file, written whole or not at all (:func:`crossdock._files.written_atomically`).

    One that cannot be written (a full disk) raises :class:`ResultsError` naming it.
    """
    return written_atomically(path, _unwritten(path))


def _write_json(path: Path, value: object, indent: int | None) -> None:
    write_json(path, value, indent=indent, failed=_unwritten(path))


def write_routes(stops: pa.Table, folder: Path) -> None:
    """``routes.geojson`` (a line and the stops of each route) and ``driver_sheets.csv``."""
    frame = stops.to_pandas()
    features = []
    for (day, depot, number), route in frame.groupby(["day", "depot_gln", "route"], sort=True):
        route = route.sort_values("stop_order")
        depot_point = [float(route.depot_lon.iloc[0]), float(route.depot_lat.iloc[0])]
        line = [depot_point, *route[["lon", "lat"]].to_numpy().tolist(), depot_point]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": line},
                "properties": {
                    "day": int(day),
                    "depot_gln": depot,
                    "route": int(number),
                    "km": round(float(route.route_km.iloc[0]), 1),
                    "start": _clock(route.route_start_min.iloc[0]),
                    "end": _clock(route.route_end_min.iloc[0]),
                    "pallets": int(route.pallets.sum()),
                    "stops": len(route),
                },
            }
        )
        for row in route.itertuples():
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [float(row.lon), float(row.lat)]},
                    "properties": {
                        "day": int(day),
                        "depot_gln": depot,
                        "route": int(number),
                        "stop": int(row.stop_order) + 1,
                        "store_gln": row.store_gln,
                        "store": row.store_name,
                        "window": f"{_clock(row.window_open_min)}-{_clock(row.window_close_min)}",
                        "arrival": _clock(row.arrival_min),
                        "pallets": int(row.pallets),
                        "on_time": bool(row.on_time),
                    },
                }
            )
    geojson = {"type": "FeatureCollection", "features": features}
    _write_json(folder / "routes.geojson", geojson, None)
    sheet = frame.assign(
        stop=frame.stop_order + 1,
        window_open=frame.window_open_min.map(_clock),
        window_close=frame.window_close_min.map(_clock),
        arrival=frame.arrival_min.map(_clock),
        floor_positions=frame.floor_first.astype(str) + "-" + frame.floor_last.astype(str),
    )[
        [
            "day",
            "depot_gln",
            "route",
            "stop",
            "store_gln",
            "store_name",
            "window_open",
            "window_close",
            "arrival",
            "pallets",
            "floor_positions",
            "on_time",
        ]
    ]
    with result_file(folder / "driver_sheets.csv") as handle:
        sheet.to_csv(handle, index=False, encoding="utf-8")


def write_run_info(result: SimulationResult, folder: Path) -> None:
    """``run.json``: the run's settings and every party's place, for the HTML report.

    The tables hold GLNs; the map and the flows need coordinates and links (store to platform
    or DC, supplier to factory, SKU to supplier), which only the scenario knows.
    """
    sc = result.scenario
    spec = sc.spec

    def places(kind: str, items: list[Any]) -> list[dict[str, Any]]:
        return [
            {"type": kind, "gln": i.gln, "name": i.name, "lat": i.lat, "lon": i.lon} for i in items
        ]

    parties = (
        places("supplier", spec.suppliers)
        + places("factory", spec.factories)
        + places("platform", spec.platforms)
        + places("dc", spec.distribution_centres)
        + places("store", spec.stores)
    )
    info = {
        "scenario": sc.name,
        "start_date": spec.start_date.isoformat(),
        "mode": result.mode,
        "seed": result.seed,
        "days": result.days,
        "horizon_days": sc.horizon_days,
        "warm_up_days": sc.warm_up_days if result.warm_up_days is None else result.warm_up_days,
        "stores": sc.n_stores,
        "skus": sc.n_skus,
        "parties": parties,
        "store_platform": {
            str(g): str(sc.platform_gln[p])
            for g, p in zip(sc.store_gln, sc.platform_of_store, strict=True)
        },
        "store_dc": {
            str(g): str(sc.dc_gln[d]) for g, d in zip(sc.store_gln, sc.dc_of_store, strict=True)
        },
        "supplier_factory": {
            str(g): str(sc.factory_gln[f])
            for g, f in zip(sc.supplier_gln, sc.factory_of_supplier, strict=True)
        },
        "sku_supplier": {
            str(g): str(sc.supplier_gln[u]) for g, u in zip(sc.gtin, sc.supplier_of, strict=True)
        },
    }
    _write_json(folder / "run.json", info, 1)


def _clock(minutes: float) -> str:
    """Minutes after midnight as HH:MM (past midnight shows +1d)."""
    total = round(float(minutes))
    days, rest = divmod(total, 24 * 60)
    text = f"{rest // 60:02d}:{rest % 60:02d}"
    return text + (f" +{days}d" if days else "")


@dataclass(eq=False)
class SimulationResult:
    """One run: ``kpis`` (name → number), the daily tables, and a summary.

    Tables are Arrow tables in ``tables``; ``location_daily``, ``sku_daily``, ``transport`` and
    ``messages`` give them as pandas DataFrames.
    """

    scenario: Scenario
    mode: str
    seed: int
    days: int
    kpis: dict[str, float]
    tables: dict[str, pa.Table]
    ledger: Ledger = field(repr=False)
    warm_up_days: int | None = None
    """Days before the KPIs start (None: the scenario's ``warm_up_days``)."""

    def table(self, name: str) -> pd.DataFrame:
        """One table as a DataFrame."""
        return self.tables[name].to_pandas()

    @property
    def location_daily(self) -> pd.DataFrame:
        """Stock and movements per day × location."""
        return self.table("location_daily")

    @property
    def sku_daily(self) -> pd.DataFrame:
        """Demand, orders, production and stock per day × SKU."""
        return self.table("sku_daily")

    @property
    def transport(self) -> pd.DataFrame:
        """Trips per day × origin × leg."""
        return self.table("transport")

    @property
    def messages(self) -> pd.DataFrame:
        """Messages sent per day × type."""
        return self.table("messages")

    def summary(self) -> str:
        """The KPI table as text."""
        rows = [[key, format_value(key, value)] for key, value in self.kpis.items()]
        title = f"{self.scenario.name} — {self.mode}, {self.days} days, seed {self.seed}"
        return _render(title, ["KPI", "value"], rows)

    def write(self, out: str | Path) -> Path:
        """Write one Parquet file per table, the routes, ``run.json`` and ``kpis.json`` into ``out``.

        Each file is written whole or not at all, ``kpis.json`` last: a folder that has it has
        every file. A file that cannot be written (a full disk) raises :class:`ResultsError`
        naming it.
        """
        folder = Path(out)
        for name, table in self.tables.items():
            with result_file(folder / f"{name}.parquet") as handle:
                pq.write_table(table, handle)
        write_routes(self.tables["route_stops"], folder)
        write_run_info(self, folder)
        _write_json(folder / "kpis.json", self.kpis, 2)
        return folder


@dataclass(eq=False)
class Comparison:
    """Both modes on the same scenario, seed and demand."""

    traditional: SimulationResult
    shared: SimulationResult
    own_items: SimulationResult | None = None
    """Shared mode with each supplier planning only its own items (no category captain)."""
    price_cuts: list[PriceCut] = field(default_factory=list)
    """Shared runs at lower shelf prices: the scenario's ``price_pass_through`` and the
    largest cut the savings pay for (:mod:`crossdock.economics`)."""

    def rows(self) -> dict[str, dict[str, float]]:
        """Per KPI: both values, the difference (shared − traditional), and the no-captain run."""
        out = {}
        for key in self.traditional.kpis:
            a, b = self.traditional.kpis[key], self.shared.kpis[key]
            out[key] = {"traditional": a, "shared": b, "difference": b - a}
            if self.own_items is not None:
                out[key]["shared_own_items"] = self.own_items.kpis[key]
        return out

    def money(self) -> str:
        """The headline: operating profit per party and for the chain, and store payroll.

        Over the measured days, traditional against shared, with the difference (EUR).
        """
        parties = ("chain", "retailer", "suppliers", "carrier")
        rows = []
        for party in parties:
            key = f"operating_profit_{party}"
            a, b = self.traditional.kpis.get(key), self.shared.kpis.get(key)
            if a is None or b is None:
                return ""
            rows.append(f"{party:<10}{a:>16,.0f}{b:>16,.0f}{b - a:>+16,.0f}")
        a, b = self.traditional.kpis["store_payroll"], self.shared.kpis["store_payroll"]
        change = f" ({(b - a) / a:+.1%})" if a else ""
        header = f"{'':<10}{'traditional':>16}{'shared':>16}{'difference':>16}"
        lines = [header, *rows, f"Store payroll: {a:,.0f} -> {b:,.0f} EUR{change}"]
        target = self.traditional.kpis["operating_profit_retailer"]
        for cut in self.price_cuts:
            label = {
                "affordable": "Largest price cut the savings pay for",
                "pass_through": "Price cut passing on the saving (price_pass_through)",
            }.get(cut.reason, cut.reason)
            profit = cut.kpis["operating_profit_retailer"]
            lines.append(
                f"{label}: {cut.cut:.2%}; shared at that cut: {cut.kpis['sales_units']:,.0f} "
                f"units, retailer profit {profit:,.0f} EUR (traditional {target:,.0f})"
            )
        return "Operating profit (EUR, measured days)\n" + "\n".join(lines) + "\n\n"

    def summary(self) -> str:
        """The money headline, then the side-by-side KPI table (money first) as text."""
        rows = []
        for key, row in self.rows().items():
            a, b, diff = row["traditional"], row["shared"], row["difference"]
            change = f"{diff / a:+.1%}" if a else "—"
            if key in _PERCENT or key.startswith(_PERCENT_PREFIXES):
                delta = f"{diff * 100:+.2f} pt"
            else:
                delta = ("+" if diff >= 0 else "") + format_value(key, diff)
            line = [key, format_value(key, a), format_value(key, b), delta, change]
            if "shared_own_items" in row:
                line.append(format_value(key, row["shared_own_items"]))
            rows.append(line)
        r = self.traditional
        title = f"{r.scenario.name} — {r.days} days, seed {r.seed}: traditional vs shared"
        header = ["KPI", "traditional", "shared", "difference", "change"]
        if self.own_items is not None:
            header.append("shared, no captain")
        return self.money() + _render(title, header, rows)

    def write(self, out: str | Path) -> Path:
        """Write each mode's results in a subfolder, then ``comparison.json``.

        As :meth:`SimulationResult.write`: each file whole, ``comparison.json`` last.
        """
        folder = Path(out)
        self.traditional.write(folder / "traditional")
        self.shared.write(folder / "shared")
        if self.own_items is not None:
            self.own_items.write(folder / "shared_own_items")
        if self.price_cuts:
            t, s = self.traditional.kpis, self.shared.kpis
            cuts = {c.reason: c.figures(t, s) for c in self.price_cuts}
            _write_json(folder / "price_cuts.json", cuts, 2)
        _write_json(folder / "comparison.json", self.rows(), 2)  # last: the folder is whole
        return folder


assert set(KPI_DOCS)  # every KPI key is documented in KPI_DOCS
