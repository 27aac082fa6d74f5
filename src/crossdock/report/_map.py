"""The network map: every party at its coordinates and one day's routes, drawn offline.

The map is a plain Plotly scatter in longitude and latitude (the y axis scaled by
1 / cos(mean latitude), so distances look right at the network's latitude) over the embedded
outline of France (:mod:`crossdock.report._outline`): it needs no tiles and no network.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from crossdock.report._load import Run
from crossdock.report._outline import FRANCE, FRANCE_BOUNDS

__all__ = ["STOPS_TRACE", "choose_day", "network_map"]

#: The name of the trace holding the chosen day's stops (the browser test counts its points).
STOPS_TRACE = "stops"

_PARTIES = (
    ("supplier", "suppliers", "diamond", "#7b3294", 11),
    ("factory", "factories", "square", "#a6611a", 11),
    ("dc", "distribution centres", "triangle-up", "#d95f02", 14),
    ("platform", "cross-dock platforms", "star", "#1b63b5", 16),
    ("store", "stores", "circle", "#555555", 7),
)
_ROUTE_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


def _clock(minutes: float) -> str:
    total = round(float(minutes))
    days, rest = divmod(total, 24 * 60)
    return f"{rest // 60:02d}:{rest % 60:02d}" + (f" +{days}d" if days else "")


def choose_day(run: Run, day: int | None) -> int | None:
    """``day`` if given, else the first day after warm-up with the most stops (None: no routes)."""
    stops = run.tables["route_stops"]
    if day is not None:
        return day
    if stops.empty:
        return None
    warm = int(run.info.get("warm_up_days", 0) or 0)
    counts = stops.groupby("day").size()
    later = counts[counts.index >= warm]
    counts = later if len(later) else counts
    return int(counts.idxmax())


def _parties(run: Run) -> pd.DataFrame:
    """Every party's place: from ``run.json``, else the stores and depots in ``route_stops``."""
    if run.info.get("parties"):
        return pd.DataFrame(run.info["parties"])
    stops = run.tables["route_stops"]
    stores = stops.drop_duplicates("store_gln")[["store_gln", "store_name", "lat", "lon"]]
    stores = stores.set_axis(["gln", "name", "lat", "lon"], axis=1).assign(type="store")
    depots = stops.drop_duplicates("depot_gln")[["depot_gln", "depot_lat", "depot_lon"]]
    depots = depots.set_axis(["gln", "lat", "lon"], axis=1).assign(
        type="platform", name=depots.depot_gln
    )
    return pd.concat([stores, depots], ignore_index=True)


def network_map(run: Run, day: int | None) -> tuple[go.Figure, int, int | None]:
    """The map of ``run``'s network with ``day``'s routes; also the stop count and the day."""
    parties = _parties(run)
    stops = run.tables["route_stops"]
    day_stops = stops[stops["day"] == day] if day is not None else stops.iloc[0:0]
    fig = go.Figure()
    west, south, east, north = FRANCE_BOUNDS
    lon, lat = parties["lon"], parties["lat"]
    near_france = bool(
        len(parties)
        and lon.min() < east + 2
        and lon.max() > west - 2
        and lat.min() < north + 2
        and lat.max() > south - 2
    )
    if near_france:
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring_lon, ring_lat in FRANCE:
            xs += [*ring_lon, None]
            ys += [*ring_lat, None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor="rgba(200,210,220,0.35)",
                line={"color": "#9aa5b1", "width": 1},
                name="France (outline)",
                hoverinfo="skip",
            )
        )
    for r, ((depot, route), legs) in enumerate(
        day_stops.groupby(["depot_gln", "route"], sort=True)
    ):
        legs = legs.sort_values("stop_order")
        d_lon, d_lat = float(legs["depot_lon"].iloc[0]), float(legs["depot_lat"].iloc[0])
        fig.add_trace(
            go.Scatter(
                x=[d_lon, *legs["lon"], d_lon],
                y=[d_lat, *legs["lat"], d_lat],
                mode="lines",
                line={"color": _ROUTE_COLORS[r % len(_ROUTE_COLORS)], "width": 2.5},
                name=f"route {route + 1} from {_name(parties, str(depot))}",
                legendgroup="routes",
                hovertemplate=f"route {route + 1}: {len(legs)} stops, "
                f"{float(legs['route_km'].iloc[0]):,.0f} km<extra></extra>",
            )
        )
    for kind, label, symbol, color, size in _PARTIES:
        group = parties[parties["type"] == kind]
        if group.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=group["lon"],
                y=group["lat"],
                mode="markers",
                marker={
                    "symbol": symbol,
                    "color": color,
                    "size": size,
                    "line": {"width": 1, "color": "white"},
                },
                name=label,
                text=group["name"],
                customdata=group["gln"],
                hovertemplate="%{text}<br>GLN %{customdata}<extra>" + kind + "</extra>",
            )
        )
    if len(day_stops):
        ordered = day_stops.sort_values(["depot_gln", "route", "stop_order"])
        hover = [
            f"{row.store_name}<br>route {row.route + 1}, stop {row.stop_order + 1}<br>"
            f"window {_clock(row.window_open_min)}–{_clock(row.window_close_min)}<br>"
            f"arrival {_clock(row.arrival_min)} ({'on time' if row.on_time else 'outside window'})"
            f"<br>{row.pallets} pallets"
            for row in ordered.itertuples()
        ]
        fig.add_trace(
            go.Scatter(
                x=ordered["lon"],
                y=ordered["lat"],
                mode="markers+text",
                marker={
                    "size": 16,
                    "color": ["#2a9d8f" if t else "#e63946" for t in ordered["on_time"]],
                    "line": {"width": 1, "color": "white"},
                },
                text=(ordered["stop_order"] + 1).astype(str),
                textfont={"color": "white", "size": 9},
                hovertext=hover,
                hoverinfo="text",
                name=STOPS_TRACE,
            )
        )
    mid_lat = float(parties["lat"].mean()) if len(parties) else 46.5
    title = f"Network — {run.mode}" + (
        f": routes of day {day} ({len(day_stops)} stops; green on time, red outside the window)"
        if day is not None
        else " (no routes in this run)"
    )
    fig.update_layout(
        title=title,
        template="plotly_white",
        height=640,
        margin={"l": 40, "r": 20, "t": 50, "b": 40},
        legend={"itemsizing": "constant"},
        hoverlabel={"align": "left"},
    )
    fig.update_xaxes(title_text="longitude", showgrid=False, zeroline=False)
    fig.update_yaxes(
        title_text="latitude",
        showgrid=False,
        zeroline=False,
        scaleanchor="x",
        scaleratio=1 / math.cos(math.radians(mid_lat)),
    )
    return fig, len(day_stops), day


def _name(parties: pd.DataFrame, gln: str) -> str:
    match = parties.loc[parties["gln"] == gln, "name"]
    return str(match.iloc[0]) if len(match) else gln


def map_details(run: Run, day: int | None) -> dict[str, Any]:
    """What the page says under the map: the day and its routes."""
    stops = run.tables["route_stops"]
    today = stops[stops["day"] == day] if day is not None else stops.iloc[0:0]
    return {
        "day": day,
        "routes": int(today.groupby(["depot_gln", "route"]).ngroups) if len(today) else 0,
        "stops": len(today),
        "pallets": int(today["pallets"].sum()) if len(today) else 0,
    }
