"""``DIR/experiment.duckdb``: one row per finished run, one column per KPI.

Only the driver writes (one row as each run finishes, committed at once), so an experiment
killed midway keeps every run it finished, and a rerun skips them by their key: a digest of
the base scenario's content, the variation's overrides, the mode, the seed, the days, the
warm-up, the channel and crossdock's own source (runs made by other code are not reused).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from crossdock.experiments._spec import RunSpec

__all__ = ["DB_NAME", "META_COLUMNS", "RunStore"]

DB_NAME = "experiment.duckdb"
META_COLUMNS = (
    "run_key",
    "variation",
    "overrides",
    "mode",
    "replication",
    "seed",
    "days",
    "warm_up",
    "tables",
    "seconds",
)
_CREATE = """
CREATE TABLE IF NOT EXISTS runs (
    run_key VARCHAR PRIMARY KEY,
    variation VARCHAR NOT NULL,
    overrides VARCHAR NOT NULL,
    mode VARCHAR NOT NULL,
    replication INTEGER NOT NULL,
    seed UBIGINT NOT NULL,
    days INTEGER,
    warm_up INTEGER,
    tables VARCHAR NOT NULL,
    seconds DOUBLE
)
"""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class RunStore:
    """The runs table of one experiment folder."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / DB_NAME
        self.con = duckdb.connect(str(self.path))
        self.con.execute(_CREATE)
        self._columns = {row[0] for row in self.con.execute("DESCRIBE runs").fetchall()}

    def close(self) -> None:
        """Close the database (every row is already committed)."""
        self.con.close()

    def done(self) -> set[str]:
        """Keys of the runs already finished."""
        return {row[0] for row in self.con.execute("SELECT run_key FROM runs").fetchall()}

    def add(self, run: RunSpec, kpis: dict[str, float], seconds: float) -> None:
        """Record one finished run (new KPIs become new columns)."""
        for name in kpis:
            if name not in self._columns:
                self.con.execute(f"ALTER TABLE runs ADD COLUMN {_quote(name)} DOUBLE")
                self._columns.add(name)
        values: dict[str, Any] = {
            "run_key": run.key,
            "variation": run.variation,
            "overrides": run.overrides,
            "mode": run.mode,
            "replication": run.replication,
            "seed": run.seed,
            "days": run.days,
            "warm_up": run.warm_up,
            "tables": str(Path(run.folder).relative_to(self.folder)),
            "seconds": seconds,
        }
        for name, value in kpis.items():
            value = float(value)
            values[name] = value if math.isfinite(value) else None
        columns = ", ".join(_quote(c) for c in values)
        marks = ", ".join("?" for _ in values)
        self.con.execute(
            f"INSERT OR REPLACE INTO runs ({columns}) VALUES ({marks})", list(values.values())
        )

    def frame(self, runs: list[RunSpec]) -> pd.DataFrame:
        """The rows of these runs (in their order), as a DataFrame.

        Labels come from ``runs`` (a variation renamed in the file keeps its results).
        """
        table = self.con.execute("SELECT * FROM runs").df().set_index("run_key")
        keys = [r.key for r in runs]
        frame = table.loc[keys].reset_index()
        frame["variation"] = [r.variation for r in runs]
        frame["replication"] = [r.replication for r in runs]
        return frame


def kpi_columns(frame: pd.DataFrame) -> list[str]:
    """The KPI columns of a runs frame (everything that is not a run's metadata)."""
    return [c for c in frame.columns if c not in META_COLUMNS]
