"""Assembling the report: one HTML file with Plotly's JavaScript and every chart's data inside.

Nothing is fetched when the page opens: ``plotly.js`` is embedded once in the head, each chart
is a ``<div class="chart">`` with its figure as JSON, and the map draws on an embedded outline.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from crossdock._files import write_file
from crossdock.errors import CrossdockError
from crossdock.report import _charts
from crossdock.report._load import Results, Run, load_results
from crossdock.report._map import choose_day, map_details, network_map
from crossdock.report._verdict import headline, verdict_table
from crossdock.results import format_value

__all__ = ["build_report", "render_report"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#123a5c;color:#fff;padding:18px 32px}
header h1{margin:0 0 4px;font-size:24px} header p{margin:0;opacity:.85}
nav{padding:8px 32px;background:#e8eef3;font-size:14px} nav a{margin-right:14px;color:#123a5c}
main{padding:8px 32px 40px;max-width:1300px}
section{background:#fff;border:1px solid #e2e2e2;border-radius:6px;margin:18px 0;padding:12px 18px}
h2{font-size:19px;margin:6px 0 10px;color:#123a5c}
table{border-collapse:collapse;font-size:14px} td,th{padding:4px 10px;border-bottom:1px solid #eee;text-align:right}
th[scope=row],thead th:first-child,td.left{text-align:left}
.verdict td.better{color:#1a7f37;font-weight:600} .verdict td.worse{color:#b42318;font-weight:600}
.ci{color:#777;font-weight:400;font-size:12px} .note{color:#555;font-size:13px}
.headline{font-size:16px;margin:6px 0 12px} .missing{color:#777;font-style:italic}
code{background:#f2f2f2;padding:0 3px;border-radius:3px}
"""


def _figure_html(fig: go.Figure, chart_id: str) -> str:
    body = pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{chart_id}",
        config={"displaylogo": False, "responsive": True},
    )
    return f"<div class='chart' data-chart='{chart_id}'>{body}</div>"


def _section(anchor: str, title: str, content: str) -> str:
    return f"<section id='{anchor}'><h2>{html.escape(title)}</h2>{content}</section>"


def _missing(text: str) -> str:
    return f"<p class='missing'>{html.escape(text)}</p>"


def render_report(results: Results, *, day: int | None = None) -> tuple[str, dict[str, object]]:
    """The report's HTML text and facts about it (charts drawn, stops on each map)."""
    runs = results.runs
    sections: list[tuple[str, str, str]] = []
    charts: list[str] = []
    maps: dict[str, int] = {}

    def chart(fig: go.Figure | None, chart_id: str) -> str:
        if fig is None:
            return ""
        charts.append(chart_id)
        return _figure_html(fig, chart_id)

    verdict = verdict_table(results)
    line = headline(results)
    sections.append(
        (
            "verdict",
            "Verdict",
            (f"<p class='headline'>{html.escape(line)}</p>" if line else "")
            + (verdict or _missing("No KPIs in this folder."))
            + (
                ""
                if _has_pnl(results)
                else "<p class='note'>No P&amp;L in these results: operating profit is not shown.</p>"
            ),
        )
    )
    pnl = _charts.pnl_chart(runs)
    if pnl is not None:
        sections.append(("pnl", "Operating profit over time", chart(pnl, "pnl")))
    if results.frontier is not None:
        fig = _charts.frontier_chart(results.frontier)
        sections.append(
            (
                "frontier",
                "Cost–service frontier",
                chart(fig, "frontier") or _missing("frontier.parquet holds no swept parameter."),
            )
        )
    if runs:
        sections.append(("stock", "Stock over time", chart(_charts.stock_over_time(runs), "stock")))
        sections.append(
            (
                "bullwhip",
                "Orders against demand (bullwhip)",
                chart(_charts.bullwhip_bars(runs), "bullwhip")
                + chart(_charts.orders_series(runs), "orders"),
            )
        )
        sections.append(
            (
                "service",
                "Service by store and by ABC class",
                chart(_charts.service_by_store(runs), "service-store")
                + chart(_charts.service_by_abc(runs), "service-abc"),
            )
        )
        detail = _detail_runs(runs)
        parts = []
        # One day for every map, so the chains are seen on the same day: the shared chain's
        # busiest day after warm-up unless --day says otherwise.
        chosen = choose_day(detail.get("shared", next(iter(detail.values()))), day)
        for mode, run in detail.items():
            fig, n_stops, _ = network_map(run, chosen)
            chart_id = f"map-{mode}"
            maps[chart_id] = n_stops
            facts = map_details(run, chosen)
            parts.append(
                chart(fig, chart_id)
                + f"<p class='note'>{mode}: day {facts['day']}, {facts['routes']} routes, "
                f"{facts['stops']} stops, {facts['pallets']} pallets. Hover a stop for its "
                "window, arrival and pallets. Drawn offline on an embedded outline.</p>"
            )
        sections.append(("map", "Network map and one day's routes", "".join(parts)))
        sections.append(("gantt", "Factory lines", chart(_charts.factory_gantt(detail), "gantt")))
        flows = []
        for mode, run in detail.items():
            sankey = _charts.flows_sankey(run)
            flows.append(
                chart(sankey, f"sankey-{mode}")
                or _missing(f"{mode}: no run.json with the network, or no flows to draw.")
            )
        sections.append(("flows", "Flows of units", "".join(flows)))
        edi = _charts.edi_timeline(runs)
        sections.append(
            ("edi", "EDI timeline", chart(edi, "edi") or _missing("No messages in these runs."))
        )
    else:
        sections.append(
            (
                "runs",
                "Run tables",
                _missing(
                    "This folder holds no run tables: only the experiment's summary is shown."
                ),
            )
        )
    sections.append(("settings", "Settings and tables", _settings(results, day)))
    title = _title(results)
    nav = "".join(f"<a href='#{a}'>{html.escape(t.split(' (')[0])}</a>" for a, t, _ in sections)
    body = "".join(_section(a, t, c) for a, t, c in sections)
    summary: dict[str, object] = {"charts": charts, "maps": maps}
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>{_CSS}</style>"
        f"<script type='text/javascript'>{get_plotlyjs()}</script>"
        f"<script type='application/json' id='crossdock-report'>{json.dumps(summary)}</script>"
        "</head><body>"
        f"<header><h1>{html.escape(title)}</h1><p>{html.escape(_subtitle(results))}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main></body></html>"
    )
    return page, summary


def _detail_runs(runs: dict[str, Run]) -> dict[str, Run]:
    """The runs whose map, Gantt and flows are drawn: traditional and shared when both ran.

    A third run (``shared_own_items``) differs from the shared one in who plans, which seldom
    changes routes or lines (in the built-in scenario not at all); to keep the page readable
    it shows in the verdict, the charts over time and the EDI timeline only.
    """
    if {"traditional", "shared"} <= set(runs):
        return {m: runs[m] for m in ("traditional", "shared")}
    return runs


def _has_pnl(results: Results) -> bool:
    if any("operating_profit_chain" in run.kpis for run in results.runs.values()):
        return True
    summary = results.summary
    return summary is not None and "operating_profit_chain" in set(summary["kpi"].astype(str))


def _title(results: Results) -> str:
    info = next((r.info for r in results.runs.values() if r.info), {})
    name = info.get("scenario", results.folder.name)
    return f"crossdock report — {name}"


def _subtitle(results: Results) -> str:
    info = next((r.info for r in results.runs.values() if r.info), {})
    modes = ", ".join(results.runs) or "experiment summary"
    bits = [f"{results.kind}: {modes}"]
    if info:
        bits.append(
            f"{info.get('days')} days from {info.get('start_date', '?')}, seed {info.get('seed')}"
        )
    return " · ".join(bits)


def _settings(results: Results, day: int | None) -> str:
    info = next((r.info for r in results.runs.values() if r.info), {})
    rows = [("results folder", str(results.folder.resolve())), ("layout", results.kind)]
    for key in (
        "scenario",
        "start_date",
        "days",
        "horizon_days",
        "warm_up_days",
        "seed",
        "stores",
        "skus",
    ):
        if key in info:
            rows.append((key.replace("_", " "), str(info[key])))
    rows.append(("modes", ", ".join(results.runs) or "—"))
    rows.append(("map day", "busiest day after warm-up" if day is None else str(day)))
    first = next(iter(results.runs.values()), None)
    if first is not None and "service_level_target" in first.kpis:
        rows.append(
            (
                "service level target",
                format_value("service_level_target", first.kpis["service_level_target"]),
            )
        )
    rows.append(("report written", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")))
    settings = "".join(
        f"<tr><th scope='row'>{html.escape(k)}</th><td class='left'>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    files = "".join(
        f"<tr><td class='left'><code>{html.escape(str(path))}</code></td>"
        f"<td>{'' if n is None else f'{n:,}'}</td></tr>"
        for path, n in results.files
    )
    kpis = ""
    if results.runs:
        modes = list(results.runs)
        keys = list(next(iter(results.runs.values())).kpis)
        head = "".join(f"<th>{html.escape(m)}</th>" for m in modes)
        lines = "".join(
            f"<tr><th scope='row'>{html.escape(k)}</th>"
            + "".join(
                f"<td>{format_value(k, results.runs[m].kpis[k]) if k in results.runs[m].kpis else '—'}</td>"
                for m in modes
            )
            + "</tr>"
            for k in keys
        )
        kpis = (
            f"<details><summary>Every KPI ({len(keys)})</summary><table><thead><tr><th>KPI</th>"
            f"{head}</tr></thead><tbody>{lines}</tbody></table></details>"
        )
    return (
        f"<table>{settings}</table><h3>Tables read</h3><table><thead><tr><th>file</th>"
        f"<th>rows</th></tr></thead><tbody>{files}</tbody></table>{kpis}"
    )


def build_report(
    results_dir: str | Path, out: str | Path | None = None, *, day: int | None = None
) -> Path:
    """Read ``results_dir`` and write the report (default ``results_dir/report.html``)."""
    results = load_results(results_dir)
    if day is not None and results.runs:
        last = min(int(r.tables["location_daily"]["day"].max()) for r in results.runs.values())
        if not 0 <= day <= last:
            raise CrossdockError(f"--day {day}: the runs in {results_dir} cover days 0-{last}")
    page, _ = render_report(results, day=day)
    path = Path(out) if out is not None else Path(results_dir) / "report.html"
    return write_file(path, page.encode("utf-8"))
