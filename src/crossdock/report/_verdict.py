"""The verdict: the KPIs a manager reads first, per mode, with differences and intervals.

Values come from ``comparison.json`` or each run's ``kpis.json``; with an experiment's
``summary.parquet`` they are the means over the replications, each with its 95% interval. The
difference's interval is the paired one from ``differences.parquet`` (shared minus traditional,
run by run on common random numbers) when the experiment wrote it; else the summary's own
``difference`` mode when it has one; otherwise combined from the two modes' intervals as
sqrt(h_a² + h_b²), which is conservative when the modes share their random numbers
(positively correlated runs).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd

from crossdock.report._load import Results
from crossdock.results import format_value

__all__ = ["VERDICT_KPIS", "VerdictRow", "verdict_rows", "verdict_table"]

#: (KPI, label, higher is better?) in the order the verdict shows them; missing ones are skipped.
VERDICT_KPIS: tuple[tuple[str, str, bool], ...] = (
    ("operating_profit_chain", "Operating profit, whole chain (€)", True),
    ("operating_profit_retailer", "Operating profit, retailer (€)", True),
    ("operating_profit_suppliers", "Operating profit, suppliers (€)", True),
    ("operating_profit_carrier", "Operating profit, carrier (€)", True),
    ("fill_rate", "Fill rate (units sold / demand)", True),
    ("on_shelf_availability", "On-shelf availability", True),
    ("cycle_service_level", "Cycle service level", True),
    ("working_capital", "Working capital, mean stock at cost (€)", False),
    ("transport_cost_charged", "Transport cost, on the real flow's trucks (€)", False),
    ("km_charged", "Truck km, the slice's share of the real flow's", False),
    ("co2_kg_charged", "CO2, the slice's share of the real flow's (kg)", False),
    ("store_payroll", "Store payroll (€)", False),
)


@dataclass
class VerdictRow:
    """One KPI: value per mode, its half-width per mode (0 without replications), the difference."""

    kpi: str
    label: str
    higher_is_better: bool
    values: dict[str, float]
    half_widths: dict[str, float]
    difference: float | None
    difference_half_width: float | None


def _is_percent(kpi: str) -> bool:
    return format_value(kpi, 0.5) == "50.00%"


def _from_summary(
    summary: pd.DataFrame,
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]], str | None]:
    """Means and half-widths per (kpi, mode) from the first variation of ``summary``."""
    frame = summary
    variation = None
    if "variation" in frame.columns and len(frame):
        variation = str(sorted(frame["variation"].astype(str).unique())[0])
        frame = frame[frame["variation"].astype(str) == variation]
    means: dict[str, dict[str, float]] = {}
    halves: dict[str, dict[str, float]] = {}
    for row in frame.itertuples(index=False):
        kpi, mode = str(row.kpi), str(row.mode)
        means.setdefault(kpi, {})[mode] = float(row.mean)
        low, high = getattr(row, "ci_low", None), getattr(row, "ci_high", None)
        if low is not None and high is not None and not (pd.isna(low) or pd.isna(high)):
            halves.setdefault(kpi, {})[mode] = (float(high) - float(low)) / 2
    return means, halves, variation


def _paired(differences: pd.DataFrame | None, variation: str | None) -> dict[str, float]:
    """Half-widths of the paired shared − traditional differences per KPI, for ``variation``."""
    if differences is None or not len(differences):
        return {}
    frame = differences[differences["kind"].astype(str) == "mode"]
    if variation is not None and "variation" in frame.columns:
        frame = frame[frame["variation"].astype(str) == variation]
    paired: dict[str, float] = {}
    for row in frame.itertuples(index=False):
        if str(row.mode) == "shared" and str(row.versus) == "traditional":
            if not pd.isna(row.half_width):
                paired[str(row.kpi)] = float(row.half_width)
    return paired


def verdict_rows(results: Results) -> tuple[list[VerdictRow], list[str], str | None]:
    """The verdict's rows, the modes shown (first is the baseline) and the variation used."""
    paired: dict[str, float] = {}
    if results.summary is not None and len(results.summary):
        means, halves, variation = _from_summary(results.summary)
        paired = _paired(results.differences, variation)
    else:
        means = {}
        for mode, run in results.runs.items():
            for kpi, value in run.kpis.items():
                means.setdefault(kpi, {})[mode] = float(value)
        halves, variation = {}, None
    modes = [m for m in dict.fromkeys(m for v in means.values() for m in v) if m != "difference"]
    order = ["traditional", "shared", "shared_own_items"]
    modes.sort(key=lambda m: order.index(m) if m in order else len(order))
    rows = []
    for kpi, label, better in VERDICT_KPIS:
        if kpi not in means:
            continue
        values = {m: means[kpi][m] for m in modes if m in means[kpi]}
        hw = {m: halves.get(kpi, {}).get(m, 0.0) for m in values}
        diff = diff_hw = None
        if "traditional" in values and "shared" in values:
            diff = values["shared"] - values["traditional"]
            if kpi in paired:
                diff_hw = paired[kpi]
            elif "difference" in halves.get(kpi, {}):
                diff_hw = halves[kpi]["difference"]
            elif halves.get(kpi):
                diff_hw = math.hypot(hw["shared"], hw["traditional"])
        rows.append(VerdictRow(kpi, label, better, values, hw, diff, diff_hw))
    return rows, modes, variation


def _fmt(kpi: str, value: float) -> str:
    if kpi.startswith("operating_profit") or kpi in (
        "working_capital",
        "transport_cost",
        "transport_cost_charged",
        "store_payroll",
    ):
        return f"{value:,.0f} €"
    if kpi in ("km", "co2_kg", "km_charged", "co2_kg_charged"):
        return f"{value:,.0f} {'kg' if kpi.startswith('co2') else 'km'}"
    return format_value(kpi, value)


def _fmt_diff(kpi: str, diff: float) -> str:
    if _is_percent(kpi):
        return f"{diff * 100:+.2f} pt"
    sign = "+" if diff >= 0 else "−"
    return sign + _fmt(kpi, abs(diff))


def _fmt_hw(kpi: str, hw: float) -> str:
    return f"± {hw * 100:.2f} pt" if _is_percent(kpi) else f"± {_fmt(kpi, hw)}"


def verdict_table(results: Results) -> str:
    """The verdict as an HTML table (empty string when there is nothing to show)."""
    rows, modes, variation = verdict_rows(results)
    if not rows:
        return ""
    compared = "traditional" in modes and "shared" in modes
    head = "".join(f"<th>{html.escape(m)}</th>" for m in modes)
    if compared:
        head += "<th>shared − traditional</th><th>change</th>"
    body = []
    for row in rows:
        cells = []
        for m in modes:
            if m not in row.values:
                cells.append("<td>—</td>")
                continue
            text = _fmt(row.kpi, row.values[m])
            if row.half_widths.get(m):
                text += f" <span class='ci'>{_fmt_hw(row.kpi, row.half_widths[m])}</span>"
            cells.append(f"<td>{text}</td>")
        if compared and row.difference is not None:
            good = (row.difference > 0) == row.higher_is_better and row.difference != 0
            hw = row.difference_half_width
            significant = hw is None or abs(row.difference) > hw
            klass = ("better" if good else "worse") if significant and row.difference else "same"
            text = _fmt_diff(row.kpi, row.difference)
            if hw:
                text += f" <span class='ci'>{_fmt_hw(row.kpi, hw)}</span>"
            base = row.values["traditional"]
            change = (
                f"{row.difference / abs(base):+.1%}" if base and not _is_percent(row.kpi) else ""
            )
            cells.append(f"<td class='{klass}'>{text}</td><td>{change}</td>")
        body.append(
            f"<tr data-kpi='{row.kpi}'><th scope='row'>{html.escape(row.label)}</th>{''.join(cells)}</tr>"
        )
    note = ""
    if any(r.difference_half_width for r in rows):
        note = (
            "<p class='note'>± : 95% confidence half-widths over the replications"
            + (f" (variation <code>{html.escape(variation)}</code>)" if variation else "")
            + ". Green/red: a difference larger than its interval, good or bad for that KPI.</p>"
        )
    elif compared:
        note = (
            "<p class='note'>One replication: differences carry no interval (run an experiment "
            "for them). Green/red: the difference is good or bad for that KPI.</p>"
        )
    return (
        "<table class='verdict'><thead><tr><th>KPI</th>"
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
        + note
    )


def headline(results: Results) -> str:
    """One sentence: the largest moves of the verdict, in words."""
    rows, _, _ = verdict_rows(results)
    parts = []
    for row in rows:
        if row.difference is None or row.kpi in ("km_charged", "cycle_service_level"):
            continue
        parts.append(f"{row.label.split(' (')[0].lower()} {_fmt_diff(row.kpi, row.difference)}")
    if not parts:
        return ""
    return "Shared against traditional: " + "; ".join(parts[:6]) + "."
