"""The report of the built-in scenario, opened in Debian's headless Chromium.

Checks what a reader would see: the page loads offline with no console error and no request
leaving the file, every chart has drawn (its SVG is in the DOM), the map shows one marker per
stop of the chosen day (counted from ``route_stops.parquet``, not from the report), and
hovering a stop shows its window, arrival and pallets. A screenshot is saved beside the
report (and to ``$CROSSDOCK_REPORT_SCREENSHOT`` when set: how ``docs/report.png`` is made).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from tests.report.chromium import Chromium, find_chromium
from tests.report.fixtures import summary_table, write_frontier, write_pnl

from crossdock import compare
from crossdock.report import build_report
from crossdock.scenario import Scenario

DAY = 100  # the map's day: any day after warm-up with routes in both modes

#: The charts every compare report draws (EDI: messages are sent in both modes).
EXPECTED = {
    "stock",
    "bullwhip",
    "orders",
    "service-store",
    "service-abc",
    "gantt",
    "edi",
    *(f"{kind}-{mode}" for kind in ("map", "sankey") for mode in ("traditional", "shared")),
}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """``crossdock compare`` of the built-in scenario (a year) and its report."""
    folder = tmp_path_factory.mktemp("report")
    compare().write(folder / "results")
    return build_report(folder / "results", folder / "report.html", day=DAY)


def _chromium() -> str:
    binary = find_chromium()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: `make test` installs Debian's package")
        pytest.skip("chromium is not installed (`make test` installs it)")
    return binary


def _open(browser: Chromium, report: Path) -> None:
    """Load the report and wait until every chart has drawn (60 s at most)."""
    browser.send("Network.enable")
    browser.open(report.as_uri())
    rendered = (
        "[...document.querySelectorAll('.chart .plotly-graph-div')]"
        ".every(d => d._fullLayout && d.querySelector('.main-svg'))"
    )
    browser.evaluate(
        "new Promise((ok, no) => { const t0 = Date.now(); (function poll() {"
        f" if ({rendered}) ok(true); else if (Date.now() - t0 > 60000) no('timeout');"
        " else setTimeout(poll, 200); })(); })"
    )


@pytest.fixture(scope="module")
def page(report: Path):
    browser = Chromium(_chromium(), report.parent / "profile")
    try:
        _open(browser, report)
        yield browser
    finally:
        browser.close()


def test_the_report_is_one_file_under_ten_megabytes(report: Path) -> None:
    assert report.stat().st_size < 10_000_000
    text = report.read_text(encoding="utf-8")
    assert "<script src=" not in text  # every script is inline


def test_the_page_loads_with_no_console_error_and_nothing_fetched(page: Chromium) -> None:
    assert page.errors() == []
    requests = [
        e["params"]["request"]["url"]
        for e in page.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert requests, "the page's own load is a request"
    assert all(url.startswith(("file:", "data:", "about:")) for url in requests), requests


def test_every_chart_has_rendered(page: Chromium) -> None:
    drawn = page.evaluate(
        "[...document.querySelectorAll('.chart')].filter(c => c.querySelector("
        "'.plotly-graph-div .main-svg')).map(c => c.dataset.chart)"
    )
    assert EXPECTED <= set(drawn)
    # marks inside, not only empty axes: bars, lines, Sankey nodes
    assert page.evaluate("document.querySelectorAll('#chart-gantt .bars path').length") > 100
    assert page.evaluate("document.querySelectorAll('#chart-bullwhip .bars path').length") >= 6
    assert (
        page.evaluate("document.querySelectorAll('#chart-stock .scatterlayer path.js-line').length")
        >= 2
    )
    for mode in ("traditional", "shared"):
        nodes = page.evaluate(
            f"document.querySelectorAll('#chart-sankey-{mode} .sankey-node').length"
        )
        assert nodes >= 12 + 3  # at least every store and every supplier


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_the_map_shows_every_stop_of_the_day(page: Chromium, report: Path, mode: str) -> None:
    stops = pd.read_parquet(report.parent / "results" / mode / "route_stops.parquet")
    expected = int((stops["day"] == DAY).sum())
    assert expected > 0
    found = page.evaluate(
        f"(() => {{ const gd = document.getElementById('chart-map-{mode}');"
        " const i = gd._fullData.findIndex(t => t.name === 'stops');"
        " const traces = gd.querySelectorAll('.scatterlayer .trace');"
        " return i < 0 ? -1 : traces[i].querySelectorAll('path.point').length; })()"
    )
    assert found == expected


def test_hovering_a_stop_shows_window_arrival_and_pallets(page: Chromium) -> None:
    text = page.evaluate(
        "(() => { const gd = document.getElementById('chart-map-shared');"
        " const i = gd._fullData.findIndex(t => t.name === 'stops');"
        " Plotly.Fx.hover(gd, [{curveNumber: i, pointNumber: 0}]);"
        " return gd.querySelector('.hoverlayer').textContent; })()"
    )
    assert "window" in text and "arrival" in text and "pallets" in text


def test_a_screenshot_is_saved(page: Chromium, report: Path) -> None:
    shot = report.parent / "report.png"
    page.screenshot(shot, width=1300, height=1500, scale=0.5)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a drawn page, not a blank one
    target = os.environ.get("CROSSDOCK_REPORT_SCREENSHOT")
    if target:
        shutil.copyfile(shot, target)


def test_experiment_and_pnl_sections_render(tmp_path: Path, two_platforms: Scenario) -> None:
    """The frontier, intervals and P&L sections, from tables in issues 12 and 16's layouts."""
    folder = tmp_path / "results"
    compare(two_platforms, days=30, captain=False).write(folder)
    summary_table(
        [
            ("operating_profit_chain", "traditional", 1.0e6, 4.0e4),
            ("operating_profit_chain", "shared", 1.2e6, 3.0e4),
        ]
    ).to_parquet(folder / "summary.parquet")
    write_frontier(folder)
    write_pnl(folder)
    report = build_report(folder, tmp_path / "report.html")
    browser = Chromium(_chromium(), tmp_path / "profile")
    try:
        _open(browser, report)
        drawn = browser.evaluate(
            "[...document.querySelectorAll('.chart')].filter(c => c.querySelector("
            "'.plotly-graph-div .main-svg')).map(c => c.dataset.chart)"
        )
        assert {"frontier", "pnl"} <= set(drawn)
        assert (
            browser.evaluate("document.querySelectorAll('#chart-frontier path.point').length") == 6
        )
        assert browser.errors() == []
    finally:
        browser.close()
