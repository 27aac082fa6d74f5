"""Small tables in the layouts of issue 12 (experiments) and issue 16 (P&L), for the report's tests."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd


def summary_table(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    """``summary.parquet`` as issue 12 writes it: 10 replications, 95% t-intervals."""
    t = 2.262  # t(0.975, 9)
    return pd.DataFrame(
        [
            {
                "variation": "base",
                "mode": mode,
                "kpi": kpi,
                "mean": mean,
                "std": std,
                "n": 10,
                "ci_low": mean - t * std / math.sqrt(10),
                "ci_high": mean + t * std / math.sqrt(10),
            }
            for kpi, mode, mean, std in rows
        ]
    )


def write_frontier(folder: Path) -> None:
    """``frontier.parquet``: fill rate and working capital at three service levels per mode."""
    frontier = pd.DataFrame(
        [
            {"mode": m, "service_level": s, "kpi": k, "mean": v, "half_width": h, "n": 10}
            for m, shift in (("traditional", 0.0), ("shared", 0.01))
            for s in (0.9, 0.95, 0.98)
            for k, v, h in (
                ("fill_rate", s - 0.05 + shift, 0.004),
                ("working_capital", 1e6 * s, 2e4),
            )
        ]
    )
    frontier.to_parquet(folder / "frontier.parquet")


def write_pnl(folder: Path, days: int = 30) -> None:
    """``pnl.parquet`` per mode: per day, retailer 100 (150 shared), two suppliers half that each, carrier -10."""
    for mode, step in (("traditional", 100.0), ("shared", 150.0)):
        rows = [
            {"day": d, "party": party, "gln": "0", "line": line, "eur": eur}
            for d in range(days)
            for party, line, eur in (
                ("retailer", "sales", 1000.0),
                ("retailer", "operating_profit", step),
                ("Pâtes Rivière", "operating_profit", step / 2),
                ("Moulins de Beauce", "operating_profit", step / 2),
                ("carrier", "operating_profit", -10.0),
            )
        ]
        pd.DataFrame(rows).astype({"day": "int32"}).to_parquet(folder / mode / "pnl.parquet")
