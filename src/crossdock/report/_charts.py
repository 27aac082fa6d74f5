"""The report's charts, each a Plotly figure drawn from the results tables.

Every function takes the runs (mode name → :class:`~crossdock.report._load.Run`) and returns a
figure, or ``None`` when the tables hold nothing to draw (an EDI timeline of a run without
messages, say). Aggregations are pandas group-bys over the day tables, never Python loops over
store × SKU × day.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from crossdock.report._load import Run

__all__ = [
    "bullwhip_bars",
    "edi_timeline",
    "factory_gantt",
    "flows_sankey",
    "frontier_chart",
    "mode_color",
    "orders_series",
    "pnl_chart",
    "service_by_abc",
    "service_by_store",
    "stock_over_time",
]

_COLORS = {"traditional": "#d95f02", "shared": "#1b63b5", "shared_own_items": "#2ca02c"}
_OTHER = ("#7570b3", "#e7298a", "#66a61e", "#a6761d")
_ECHELONS = ("store", "platform", "dc", "supplier", "factory", "carrier")
_LAYOUT = {"template": "plotly_white", "margin": {"l": 60, "r": 20, "t": 50, "b": 40}}


def mode_color(mode: str, index: int = 0) -> str:
    """One colour per mode, the same in every chart."""
    return _COLORS.get(mode, _OTHER[index % len(_OTHER)])


def stock_over_time(runs: dict[str, Run]) -> go.Figure:
    """Closing stock (units) per echelon and day, one line per mode, one panel per echelon."""
    frames = {
        mode: run.tables["location_daily"].groupby(["location_type", "day"])["stock_units"].sum()
        for mode, run in runs.items()
    }
    echelons = [
        e
        for e in _ECHELONS
        if any(
            e in f.index.get_level_values(0) and f.loc[e].abs().sum() > 0 for f in frames.values()
        )
    ]
    cols = 2
    rows = max(1, math.ceil(len(echelons) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=echelons, shared_xaxes=True)
    for i, echelon in enumerate(echelons):
        for j, (mode, frame) in enumerate(frames.items()):
            if echelon not in frame.index.get_level_values(0):
                continue
            series = frame.loc[echelon]
            fig.add_trace(
                go.Scatter(
                    x=series.index,
                    y=series.to_numpy(),
                    name=mode,
                    legendgroup=mode,
                    showlegend=i == 0,
                    line={"color": mode_color(mode, j), "width": 1.2},
                ),
                row=i // cols + 1,
                col=i % cols + 1,
            )
    fig.update_layout(title="Closing stock per echelon (units)", height=260 * rows, **_LAYOUT)
    fig.update_xaxes(title_text="day", row=rows)
    return fig


_BULLWHIP = (("store", "store orders"), ("dc", "DC orders"), ("production", "production"))


def bullwhip_bars(runs: dict[str, Run]) -> go.Figure:
    """Variance of orders over variance of demand, per echelon, daily and weekly buckets."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("daily buckets", "weekly buckets"))
    for j, (mode, run) in enumerate(runs.items()):
        for col, suffix in ((1, ""), (2, "_weekly")):
            names = [label for key, label in _BULLWHIP]
            values = [run.kpis.get(f"order_variance_ratio_{key}{suffix}") for key, _ in _BULLWHIP]
            fig.add_trace(
                go.Bar(
                    x=names,
                    y=[v if v is not None else 0.0 for v in values],
                    name=mode,
                    legendgroup=mode,
                    showlegend=col == 1,
                    marker_color=mode_color(mode, j),
                    text=[f"{v:.2f}" if v is not None else "" for v in values],
                    textposition="outside",
                ),
                row=1,
                col=col,
            )
    fig.add_hline(y=1.0, line_dash="dot", line_color="#555")
    fig.update_layout(
        title="Bullwhip: variance of orders / variance of demand (1 = no amplification)",
        barmode="group",
        height=380,
        **_LAYOUT,
    )
    return fig


def orders_series(runs: dict[str, Run]) -> go.Figure:
    """Units ordered per day at the store, the DC and production, against consumer demand."""
    series = (
        ("demand", "consumer demand"),
        ("store_orders", "store orders"),
        ("dc_orders", "DC orders"),
        ("production_orders", "production orders"),
    )
    fig = make_subplots(
        rows=len(runs), cols=1, shared_xaxes=True, subplot_titles=list(runs), vertical_spacing=0.08
    )
    palette = ("#222222", "#1f77b4", "#ff7f0e", "#9467bd")
    for i, run in enumerate(runs.values()):
        daily = run.tables["sku_daily"].groupby("day")[[c for c, _ in series]].sum()
        for (column, label), color in zip(series, palette, strict=True):
            if daily[column].abs().sum() == 0:
                continue
            fig.add_trace(
                go.Scatter(
                    x=daily.index,
                    y=daily[column].to_numpy(),
                    name=label,
                    legendgroup=label,
                    showlegend=i == 0,
                    line={"color": color, "width": 1.6 if column == "demand" else 1.0},
                ),
                row=i + 1,
                col=1,
            )
    fig.update_layout(
        title="Orders against demand per echelon (units per day)",
        height=240 * len(runs) + 60,
        **_LAYOUT,
    )
    fig.update_xaxes(title_text="day", row=len(runs))
    return fig


def _after_warm_up(frame: pd.DataFrame, run: Run) -> pd.DataFrame:
    warm = int(run.info.get("warm_up_days", 0) or 0)
    days = int(frame["day"].max()) + 1 if len(frame) else 0
    return frame[frame["day"] >= warm] if warm < days else frame


def service_by_store(runs: dict[str, Run]) -> go.Figure:
    """Fill rate (units sold over demand) and on-shelf availability per store, after warm-up."""
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("fill rate", "on-shelf availability (SKUs in stock)")
    )
    for j, (mode, run) in enumerate(runs.items()):
        loc = run.tables["location_daily"]
        stores = _after_warm_up(loc[loc["location_type"] == "store"], run)
        per = stores.groupby("name", sort=True)[["sold", "demand", "skus_in_stock", "skus_listed"]]
        sums = per.sum()
        fill = sums["sold"] / sums["demand"].where(sums["demand"] > 0)
        osa = sums["skus_in_stock"] / sums["skus_listed"].where(sums["skus_listed"] > 0)
        for col, values in ((1, fill), (2, osa)):
            fig.add_trace(
                go.Bar(
                    x=values.index.astype(str),
                    y=values.to_numpy(),
                    name=mode,
                    legendgroup=mode,
                    showlegend=col == 1,
                    marker_color=mode_color(mode, j),
                    hovertemplate="%{x}: %{y:.2%}<extra>" + mode + "</extra>",
                ),
                row=1,
                col=col,
            )
    fig.update_yaxes(tickformat=".0%")
    low = _low_bound(runs)
    fig.update_yaxes(range=[low, 1.0])
    fig.update_layout(title="Service by store", barmode="group", height=420, **_LAYOUT)
    return fig


def _low_bound(runs: dict[str, Run]) -> float:
    """A y-axis floor that keeps differences of a few points visible."""
    lows = [v for run in runs.values() for k, v in run.kpis.items() if k.startswith("fill_rate")]
    return max(0.0, math.floor((min(lows, default=0.5) - 0.1) * 10) / 10)


def service_by_abc(runs: dict[str, Run]) -> go.Figure:
    """Fill rate and cycle service level per ABC class (the KPIs), with the target."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("fill rate", "cycle service level"))
    classes = ("a", "b", "c")
    for j, (mode, run) in enumerate(runs.items()):
        for col, stem in ((1, "fill_rate"), (2, "cycle_service_level")):
            values = [run.kpis.get(f"{stem}_{c}", float("nan")) for c in classes]
            values.append(run.kpis.get(stem, float("nan")))
            fig.add_trace(
                go.Bar(
                    x=["A", "B", "C", "all"],
                    y=values,
                    name=mode,
                    legendgroup=mode,
                    showlegend=col == 1,
                    marker_color=mode_color(mode, j),
                    text=[f"{v:.1%}" for v in values],
                    textposition="outside",
                ),
                row=1,
                col=col,
            )
    target = next(iter(runs.values())).kpis.get("service_level_target")
    if target:
        fig.add_hline(y=target, line_dash="dot", line_color="#555", row=1, col=2)
    fig.update_yaxes(tickformat=".0%", range=[_low_bound(runs), 1.02])
    fig.update_layout(
        title="Service by ABC class (classes by sales value)",
        barmode="group",
        height=380,
        **_LAYOUT,
    )
    return fig


def factory_gantt(runs: dict[str, Run], max_days: int = 56) -> go.Figure:
    """Each line's day as bars of hours: production, changeovers, breakdowns, idle shift time.

    Within a day the bar is laid out production first, then changeovers, then down time, at
    one day = 24 hours of the x axis; the first ``max_days`` after warm-up are shown (zoom
    out for the rest of the horizon, which is in the data).
    """
    states = (
        ("production", "#2a9d8f"),
        ("changeover", "#e9c46a"),
        ("breakdown", "#e63946"),
        ("idle (scheduled)", "#d9d9d9"),
    )
    fig = make_subplots(
        rows=len(runs), cols=1, shared_xaxes=True, subplot_titles=list(runs), vertical_spacing=0.1
    )
    for i, run in enumerate(runs.values()):
        line = run.tables["line_daily"]
        names = _party_names(run, "factory")
        label = (
            line["factory_gln"].map(names).fillna(line["factory_gln"]).astype(str)
            + " · "
            + line["line"].astype(str)
        )
        # Rows as numbers with the names as tick labels: a year of bars stays small as
        # typed arrays instead of one string per bar.
        rows = sorted(label.unique())
        row_of = pd.Series(range(len(rows)), index=rows).reindex(label).to_numpy(dtype=np.float32)
        prod = (line["busy_hours"] - line["changeover_hours"]).clip(lower=0.0)
        change = line["changeover_hours"]
        down = line["down_hours"]
        idle = (line["scheduled_hours"] - line["busy_hours"] - down).clip(lower=0.0)
        start = line["day"].astype(float)
        offset = start.copy()
        for (state, color), hours in zip(states, (prod, change, down, idle), strict=True):
            keep = hours > 0
            fig.add_trace(
                go.Bar(
                    y=row_of[keep.to_numpy()],
                    x=(hours[keep] / 24.0).to_numpy(),
                    base=offset[keep].to_numpy(),
                    orientation="h",
                    name=state,
                    legendgroup=state,
                    showlegend=i == 0,
                    marker_color=color,
                    customdata=np.stack([line["day"][keep], hours[keep]], axis=1).astype(
                        np.float32
                    ),
                    hovertemplate="day %{customdata[0]}: %{customdata[1]:.1f} h " + state,
                ),
                row=i + 1,
                col=1,
            )
            offset = offset + hours / 24.0
        fig.update_yaxes(
            tickvals=list(range(len(rows))), ticktext=rows, autorange="reversed", row=i + 1, col=1
        )
    first = min(int(run.info.get("warm_up_days", 0) or 0) for run in runs.values())
    fig.update_xaxes(range=[first, first + max_days])
    fig.update_xaxes(title_text="day (24 h per unit)", row=len(runs), col=1)
    fig.update_layout(
        title="Factory lines: production, changeovers, breakdowns (drag to move along the year)",
        barmode="overlay",
        height=max(260, 60 + 230 * len(runs)),
        **_LAYOUT,
    )
    return fig


def _party_names(run: Run, kind: str) -> dict[str, str]:
    return {p["gln"]: p["name"] for p in run.info.get("parties", []) if p["type"] == kind}


def flows_sankey(run: Run) -> go.Figure | None:
    """Units over the run: factories → suppliers → platforms or DC → stores.

    Factory → supplier is what each factory made of its suppliers' SKUs (``sku_daily`` and
    ``run.json``'s SKU → supplier map); supplier → depots is each supplier's units shipped;
    depot → store is each store's units received, put on the platform or DC that serves it.
    The inbound leg is not split by depot in the tables, so suppliers feed one node per mode
    ("cross-dock platforms" or "DCs") that fans out by each depot's units received.
    """
    info = run.info
    if not info.get("parties"):
        return None
    loc = run.tables["location_daily"]
    totals = loc.groupby(["location_type", "gln"])[["received", "shipped"]].sum()
    names: dict[str, str] = {}
    for p in info["parties"]:
        names[p["gln"]] = p["name"]
    labels: list[str] = []
    index: dict[str, int] = {}

    def node(key: str, label: str) -> int:
        if key not in index:
            index[key] = len(labels)
            labels.append(label)
        return index[key]

    src: list[int] = []
    dst: list[int] = []
    val: list[float] = []

    def link(a: int, b: int, units: float) -> None:
        if units > 0:
            src.append(a)
            dst.append(b)
            val.append(float(units))

    sku_sup = pd.Series(info.get("sku_supplier", {}), dtype=str)
    produced = run.tables["sku_daily"].groupby("gtin")["produced"].sum()
    by_supplier = produced.groupby(sku_sup.reindex(produced.index).to_numpy()).sum()
    for sup, fac in info.get("supplier_factory", {}).items():
        if sup in by_supplier.index:
            link(node(fac, names.get(fac, fac)), node(sup, names.get(sup, sup)), by_supplier[sup])
    cross_dock = "platform" in totals.index.get_level_values(0) and (
        totals.loc["platform"]["received"].sum() > 0
    )
    depot_type, store_map = ("platform", "store_platform") if cross_dock else ("dc", "store_dc")
    hub = node("hub", "cross-dock platforms" if cross_dock else "distribution centres")
    if "supplier" in totals.index.get_level_values(0):
        for gln, row in totals.loc["supplier"].iterrows():
            link(node(str(gln), names.get(str(gln), str(gln))), hub, row["shipped"])
    if depot_type in totals.index.get_level_values(0):
        for gln, row in totals.loc[depot_type].iterrows():
            link(hub, node(str(gln), names.get(str(gln), str(gln))), row["received"])
    for store, depot in info.get(store_map, {}).items():
        if ("store", store) in totals.index:
            received = totals.loc[("store", store), "received"]
            link(
                node(depot, names.get(depot, depot)), node(store, names.get(store, store)), received
            )
    if not val:
        return None
    fig = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 12, "thickness": 14},
            link={"source": src, "target": dst, "value": val},
            valueformat=",.0f",
            valuesuffix=" units",
        )
    )
    fig.update_layout(title=f"Flows of units over the run — {run.mode}", height=520, **_LAYOUT)
    return fig


_FAULTS = ("retransmissions", "lost", "duplicated", "delayed", "corrupted", "rejected")


def edi_timeline(runs: dict[str, Run]) -> go.Figure | None:
    """Messages per day by type; with the EDI channel, its faults and retransmissions."""
    with_messages = {m: r for m, r in runs.items() if r.tables["messages"]["count"].sum() > 0}
    if not with_messages:
        return None
    fig = make_subplots(
        rows=len(with_messages),
        cols=1,
        shared_xaxes=True,
        subplot_titles=list(with_messages),
        specs=[[{"secondary_y": True}] for _ in with_messages],
        vertical_spacing=0.1,
    )
    kinds = sorted({t for r in with_messages.values() for t in r.tables["messages"]["type"]})
    palette = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f")
    in_legend: set[str] = set()
    for i, run in enumerate(with_messages.values()):
        table = run.tables["messages"].pivot_table(
            index="day", columns="type", values="count", aggfunc="sum", fill_value=0
        )
        for k, kind in enumerate(kinds):
            if kind not in table.columns:
                continue
            fig.add_trace(
                go.Bar(
                    x=table.index,
                    y=table[kind].to_numpy(),
                    name=kind,
                    legendgroup=kind,
                    showlegend=kind not in in_legend,
                    marker_color=palette[k % len(palette)],
                ),
                row=i + 1,
                col=1,
            )
            in_legend.add(kind)
        edi = run.tables.get("edi_daily")
        if edi is not None and len(edi) and edi["interchanges"].sum() > 0:
            for fault in _FAULTS:
                if fault in edi.columns and edi[fault].sum() > 0:
                    fig.add_trace(
                        go.Scatter(
                            x=edi["day"],
                            y=edi[fault].to_numpy(),
                            name=fault,
                            legendgroup=fault,
                            showlegend=fault not in in_legend,
                            mode="lines",
                            line={"width": 1.2},
                        ),
                        row=i + 1,
                        col=1,
                        secondary_y=True,
                    )
                    in_legend.add(fault)
    fig.update_layout(
        title="EDI: messages per day by type (bars); channel faults (lines, right axis)",
        barmode="stack",
        height=260 * len(with_messages) + 60,
        **_LAYOUT,
    )
    return fig


_COST_KPIS = ("operating_profit_chain", "working_capital", "transport_cost", "store_stock_value")
_SERVICE_KPIS = ("fill_rate", "cycle_service_level", "on_shelf_availability")


def frontier_chart(frontier: pd.DataFrame) -> go.Figure | None:
    """The cost–service frontier per mode, with each point's confidence half-width.

    The swept parameter is the column that is not ``mode``, ``kpi``, ``mean``,
    ``half_width`` or ``n``. With a cost KPI and a service KPI both present the chart puts
    cost on x and service on y, one line per mode through the swept values; otherwise one
    panel per KPI against the parameter.
    """
    known = {"mode", "kpi", "mean", "half_width", "n", "std", "ci_low", "ci_high", "variation"}
    params = [c for c in frontier.columns if c not in known]
    if not params or frontier.empty:
        return None
    param = params[0]
    hw = "half_width" if "half_width" in frontier.columns else None
    kpis = list(dict.fromkeys(frontier["kpi"]))
    cost = next((k for k in _COST_KPIS if k in kpis), None)
    service = next((k for k in _SERVICE_KPIS if k in kpis), None)
    modes = list(dict.fromkeys(frontier["mode"]))
    if cost and service:
        fig = go.Figure()
        for j, mode in enumerate(modes):
            part = frontier[frontier["mode"] == mode]
            wide = part.pivot_table(index=param, columns="kpi", values="mean").sort_index()
            err = (
                part.pivot_table(index=param, columns="kpi", values=hw).sort_index() if hw else None
            )
            fig.add_trace(
                go.Scatter(
                    x=wide[cost],
                    y=wide[service],
                    mode="lines+markers",
                    name=mode,
                    marker_color=mode_color(mode, j),
                    error_x={"type": "data", "array": err[cost].to_numpy()}
                    if err is not None
                    else None,
                    error_y={"type": "data", "array": err[service].to_numpy()}
                    if err is not None
                    else None,
                    customdata=wide.index.to_numpy(),
                    hovertemplate=f"{param} = %{{customdata}}<br>{cost} %{{x:,.0f}}<br>"
                    f"{service} %{{y:.2%}}<extra>{mode}</extra>",
                )
            )
        fig.update_layout(
            title=f"Cost–service frontier ({param} swept; bars: 95% intervals)",
            xaxis_title=cost,
            yaxis_title=service,
            height=440,
            **_LAYOUT,
        )
        fig.update_yaxes(tickformat=".1%")
        return fig
    fig = make_subplots(rows=1, cols=len(kpis), subplot_titles=kpis)
    for c, kpi in enumerate(kpis):
        for j, mode in enumerate(modes):
            part = frontier[(frontier["mode"] == mode) & (frontier["kpi"] == kpi)].sort_values(
                param
            )
            fig.add_trace(
                go.Scatter(
                    x=part[param],
                    y=part["mean"],
                    mode="lines+markers",
                    name=mode,
                    legendgroup=mode,
                    showlegend=c == 0,
                    marker_color=mode_color(mode, j),
                    error_y={"type": "data", "array": part[hw].to_numpy()} if hw else None,
                ),
                row=1,
                col=c + 1,
            )
    fig.update_layout(title=f"KPIs against {param} per mode", height=400, **_LAYOUT)
    return fig


def pnl_chart(runs: dict[str, Run]) -> go.Figure | None:
    """Cumulative operating profit per party group and for the chain, one line per mode.

    From the P&L table (``pnl``: day, party, gln, line, eur): the ``operating_profit`` lines,
    with every party other than ``retailer`` and ``carrier`` counted among the suppliers.
    """
    with_pnl = {m: r for m, r in runs.items() if "pnl" in r.tables and len(r.tables["pnl"])}
    if not with_pnl:
        return None
    groups = ("chain", "retailer", "suppliers", "carrier")
    fig = make_subplots(rows=1, cols=len(groups), subplot_titles=groups, shared_yaxes=False)
    for j, (mode, run) in enumerate(with_pnl.items()):
        pnl = run.tables["pnl"]
        profit = pnl[pnl["line"] == "operating_profit"]
        group = profit["party"].where(profit["party"].isin(["retailer", "carrier"]), "suppliers")
        daily = profit.groupby([group.rename("group"), profit["day"]])["eur"].sum().unstack(0)
        daily = daily.fillna(0.0).sort_index()
        daily["chain"] = daily.sum(axis=1)
        for c, name in enumerate(groups):
            if name not in daily.columns:
                continue
            fig.add_trace(
                go.Scatter(
                    x=daily.index,
                    y=daily[name].cumsum().to_numpy(),
                    name=mode,
                    legendgroup=mode,
                    showlegend=c == 0,
                    line={"color": mode_color(mode, j)},
                    hovertemplate="day %{x}: %{y:,.0f} €<extra>" + mode + "</extra>",
                ),
                row=1,
                col=c + 1,
            )
    fig.update_layout(title="Cumulative operating profit (€), from the P&L", height=360, **_LAYOUT)
    fig.update_xaxes(title_text="day")
    return fig
