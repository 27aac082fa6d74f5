"""Reading a results folder written by ``run``, ``compare`` or ``experiment`` for the report.

Three layouts are recognised:

- one run (``crossdock run --out DIR``): ``DIR/kpis.json`` and the run's Parquet tables;
- a comparison (``crossdock compare --out DIR``): ``DIR/comparison.json`` and one folder per
  mode (``traditional/``, ``shared/``, ``shared_own_items/``), each a run;
- an experiment: ``DIR/summary.parquet`` (replicated KPIs with intervals) and optionally
  ``DIR/frontier.parquet``, with or without run folders beside them.

A run folder must hold the tables the charts are drawn from (:data:`REQUIRED`); a missing or
unreadable one is a :class:`~crossdock.errors.ResultsError` naming the folder and the files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from crossdock.errors import ResultsError

__all__ = ["OPTIONAL", "REQUIRED", "Results", "Run", "load_results"]

#: Tables every run folder must hold (the report's charts are drawn from them).
REQUIRED = (
    "location_daily",
    "sku_daily",
    "transport",
    "line_daily",
    "messages",
    "route_stops",
)
#: Tables used when present: the EDI channel's counts, the depots, the P&L (issue 16).
OPTIONAL = ("edi_daily", "depot_daily", "assortment", "pnl")
#: The order modes are shown in; other names follow in file order.
MODE_ORDER = ("traditional", "shared", "shared_own_items")


@dataclass
class Run:
    """One mode's results: KPIs, tables (DataFrames), settings and network (``run.json``)."""

    mode: str
    folder: Path
    kpis: dict[str, float]
    tables: dict[str, pd.DataFrame]
    info: dict[str, Any] = field(default_factory=dict)


@dataclass
class Results:
    """Everything the report shows, read from one folder."""

    folder: Path
    kind: str  # "run", "compare" or "experiment"
    runs: dict[str, Run]
    comparison: dict[str, dict[str, float]] = field(default_factory=dict)
    summary: pd.DataFrame | None = None
    differences: pd.DataFrame | None = None
    """Paired differences between modes on common random numbers (``differences.parquet``)."""
    frontier: pd.DataFrame | None = None
    files: list[tuple[Path, int | None]] = field(default_factory=list)
    """Every table or file read: its path and its number of rows (None for JSON)."""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ResultsError(f"cannot read it as JSON ({error})", file=path) from None


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pq.read_table(path).to_pandas()
    except Exception as error:  # pyarrow raises several kinds for a damaged file
        raise ResultsError(f"cannot read it as Parquet ({error})", file=path) from None


def _read_run(folder: Path, mode: str, files: list[tuple[Path, int | None]]) -> Run:
    """Read one run folder, or raise naming every missing file at once."""
    missing = [f"{name}.parquet" for name in REQUIRED if not (folder / f"{name}.parquet").is_file()]
    if not (folder / "kpis.json").is_file():
        missing.insert(0, "kpis.json")
    if missing:
        raise ResultsError(
            f"missing {', '.join(missing)} (a run folder as written by "
            "`crossdock run --out` or `crossdock compare --out` holds them)",
            file=folder,
        )
    kpis = _read_json(folder / "kpis.json")
    files.append((folder / "kpis.json", None))
    tables: dict[str, pd.DataFrame] = {}
    for name in (*REQUIRED, *OPTIONAL):
        path = folder / f"{name}.parquet"
        if path.is_file():
            tables[name] = _read_parquet(path)
            files.append((path, len(tables[name])))
    info: dict[str, Any] = {}
    if (folder / "run.json").is_file():
        info = _read_json(folder / "run.json")
        files.append((folder / "run.json", None))
    for extra in ("routes.geojson", "driver_sheets.csv"):
        if (folder / extra).is_file():
            files.append((folder / extra, None))
    return Run(mode=info.get("mode", mode), folder=folder, kpis=kpis, tables=tables, info=info)


def load_results(folder: str | Path) -> Results:
    """Read a results folder (any of the three layouts) for the report."""
    root = Path(folder)
    if not root.is_dir():
        raise ResultsError(
            "no such folder (give the --out folder of run, compare or experiment)", file=root
        )
    files: list[tuple[Path, int | None]] = []
    summary = frontier = None
    if (root / "summary.parquet").is_file():
        summary = _read_parquet(root / "summary.parquet")
        files.append((root / "summary.parquet", len(summary)))
        _check_columns(summary, root / "summary.parquet", ("mode", "kpi", "mean"))
    differences = None
    if summary is not None and (root / "differences.parquet").is_file():
        differences = _read_parquet(root / "differences.parquet")
        files.append((root / "differences.parquet", len(differences)))
        _check_columns(
            differences,
            root / "differences.parquet",
            ("kind", "mode", "versus", "kpi", "mean", "half_width"),
        )
    if (root / "frontier.parquet").is_file():
        frontier = _read_parquet(root / "frontier.parquet")
        files.append((root / "frontier.parquet", len(frontier)))
        _check_columns(frontier, root / "frontier.parquet", ("mode", "kpi", "mean"))
    if (root / "experiment.duckdb").is_file():
        files.append((root / "experiment.duckdb", None))
    comparison: dict[str, dict[str, float]] = {}
    if (root / "comparison.json").is_file():
        comparison = _read_json(root / "comparison.json")
        files.append((root / "comparison.json", None))
    subfolders = sorted(
        (p for p in root.iterdir() if p.is_dir() and (p / "kpis.json").is_file()),
        key=lambda p: (MODE_ORDER.index(p.name) if p.name in MODE_ORDER else 99, p.name),
    )
    runs: dict[str, Run] = {}
    if (root / "kpis.json").is_file() or (not subfolders and summary is None and not comparison):
        run = _read_run(root, "run", files)
        runs[run.mode] = run
        kind = "run"
    else:
        if comparison and not subfolders:
            expected = ", ".join(f"{m}/" for m in MODE_ORDER[:2])
            raise ResultsError(f"comparison.json but no mode folders ({expected})", file=root)
        for sub in subfolders:
            runs[sub.name] = _read_run(sub, sub.name, files)
        kind = "experiment" if summary is not None or frontier is not None else "compare"
    return Results(
        folder=root,
        kind=kind,
        runs=runs,
        comparison=comparison,
        summary=summary,
        differences=differences,
        frontier=frontier,
        files=files,
    )


def _check_columns(frame: pd.DataFrame, path: Path, needed: tuple[str, ...]) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ResultsError(f"missing column(s) {', '.join(missing)}", file=path)
