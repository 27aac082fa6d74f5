"""The report's inputs and contents without a browser: layouts, verdict numbers, broken folders.

The P&L (``operating_profit_*`` KPIs) and an experiment's ``summary.parquet`` and
``frontier.parquet`` are built here as small tables in the layout their issues specify, so the
report's sections for them are tested before those outputs land.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from tests.report.fixtures import summary_table, write_frontier, write_pnl

from crossdock import compare, simulate
from crossdock.cli import EXIT_OK, EXIT_USER_ERROR, invoke
from crossdock.report import REQUIRED, _charts, load_results, render_report
from crossdock.report._verdict import verdict_rows
from crossdock.scenario import Scenario, compile_scenario


@pytest.fixture(scope="module")
def compared(tmp_path_factory, two_platforms: Scenario) -> Path:
    """``compare`` of 4 stores × 6 SKUs over 30 days, as ``crossdock compare --out`` writes it."""
    folder = tmp_path_factory.mktemp("compared") / "results"
    compare(two_platforms, days=30, captain=False).write(folder)
    return folder


def copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "results"
    shutil.copytree(folder, target)
    return target


def cli(capsys, *args: str | Path) -> tuple[int, str, str]:
    code = invoke([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    return code, out, err


def test_report_of_a_comparison_has_every_section(compared: Path, tmp_path: Path, capsys) -> None:
    code, out, _ = cli(capsys, "report", compared, "-o", tmp_path / "r.html")
    assert code == EXIT_OK
    assert out.strip().splitlines()[-1] == str((tmp_path / "r.html").resolve())
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    for section in (
        "verdict",
        "stock",
        "bullwhip",
        "service",
        "map",
        "gantt",
        "flows",
        "edi",
        "settings",
    ):
        assert f"<section id='{section}'>" in text
    assert "frontier" not in re.findall(r"<section id='(\w+)'>", text)  # no experiment here
    for name in REQUIRED:  # the table list names every table with its path
        assert str(compared / "shared" / f"{name}.parquet") in text


def test_the_map_has_one_marker_per_stop_of_the_day(compared: Path) -> None:
    _, facts = render_report(load_results(compared), day=10)
    for mode in ("traditional", "shared"):
        stops = pd.read_parquet(compared / mode / "route_stops.parquet")
        assert facts["maps"][f"map-{mode}"] == int((stops["day"] == 10).sum())


def test_a_single_run_folder_gives_a_report_without_differences(
    tmp_path: Path, ok_small: Scenario
) -> None:
    simulate(ok_small, mode="traditional", days=20).write(tmp_path / "run")
    results = load_results(tmp_path / "run")
    assert results.kind == "run" and list(results.runs) == ["traditional"]
    rows, modes, _ = verdict_rows(results)
    assert modes == ["traditional"] and all(r.difference is None for r in rows)
    page, facts = render_report(results)
    assert "map-traditional" in facts["charts"] and "shared − traditional" not in page


def test_the_verdict_shows_operating_profit_when_the_pnl_has_landed(
    compared: Path, tmp_path: Path
) -> None:
    folder = copy(compared, tmp_path)
    for mode, profit in (("traditional", 1_000_000.0), ("shared", 1_250_000.0)):
        kpis = json.loads((folder / mode / "kpis.json").read_text())
        kpis |= {"operating_profit_chain": profit, "operating_profit_retailer": profit / 2}
        (folder / mode / "kpis.json").write_text(json.dumps(kpis))
    rows = {r.kpi: r for r in verdict_rows(load_results(folder))[0]}
    assert rows["operating_profit_chain"].difference == 250_000.0
    page, _ = render_report(load_results(folder))
    assert "Operating profit, whole chain" in page and "+250,000 €" in page
    assert "No P&amp;L in these results" not in page


def test_an_experiment_gives_intervals_and_the_frontier(compared: Path, tmp_path: Path) -> None:
    folder = copy(compared, tmp_path)
    summary_table(
        [
            ("operating_profit_chain", "traditional", 1.0e6, 4.0e4),
            ("operating_profit_chain", "shared", 1.2e6, 3.0e4),
            ("fill_rate", "traditional", 0.90, 0.004),
            ("fill_rate", "shared", 0.92, 0.003),
        ]
    ).to_parquet(folder / "summary.parquet")
    write_frontier(folder)
    results = load_results(folder)
    assert results.kind == "experiment"
    rows = {r.kpi: r for r in verdict_rows(results)[0]}
    profit = rows["operating_profit_chain"]
    half = {m: 2.262 * s / math.sqrt(10) for m, s in (("traditional", 4.0e4), ("shared", 3.0e4))}
    assert profit.difference == pytest.approx(2.0e5)
    assert profit.half_widths == pytest.approx(half)
    assert profit.difference_half_width == pytest.approx(math.hypot(*half.values()))
    page, facts = render_report(results)
    assert "frontier" in facts["charts"]
    assert f"± {math.hypot(*half.values()):,.0f} €" in page


def test_the_difference_interval_is_the_paired_one(compared: Path, tmp_path: Path) -> None:
    """With ``differences.parquet`` the verdict shows the paired interval, not the sum of two.

    Five replications whose shared profit tracks the traditional one run by run (common random
    numbers): the paired differences are 1.9e5, 2.1e5, 2.0e5, 2.2e5, 1.8e5, so the interval is
    t(0.975, 4) × sd / sqrt(5), far narrower than the two modes' intervals combined.
    """
    from crossdock.experiments._stats import differences, summarise

    folder = copy(compared, tmp_path)
    traditional = [0.8e6, 1.0e6, 1.2e6, 0.9e6, 1.1e6]
    gaps = [1.9e5, 2.1e5, 2.0e5, 2.2e5, 1.8e5]
    runs = pd.DataFrame(
        [
            {"variation": "base", "mode": m, "replication": r, "operating_profit_chain": v}
            for m, values in (
                ("traditional", traditional),
                ("shared", [t + g for t, g in zip(traditional, gaps, strict=True)]),
            )
            for r, v in enumerate(values)
        ]
    )
    summarise(runs, ["operating_profit_chain"]).to_parquet(folder / "summary.parquet")
    differences(runs, ["operating_profit_chain"]).to_parquet(folder / "differences.parquet")
    profit = {r.kpi: r for r in verdict_rows(load_results(folder))[0]}["operating_profit_chain"]
    sd = pd.Series(gaps).std()
    paired = 2.776445 * sd / math.sqrt(5)
    assert profit.difference == pytest.approx(2.0e5)
    assert profit.difference_half_width == pytest.approx(paired, rel=1e-5)
    assert profit.difference_half_width < math.hypot(*profit.half_widths.values()) / 10
    page, _ = render_report(load_results(folder))
    assert f"± {paired:,.0f} €" in page


def test_an_experiment_folder_without_run_tables_still_reports(tmp_path: Path) -> None:
    tmp_path.joinpath("exp").mkdir()
    summary_table(
        [("fill_rate", "traditional", 0.9, 0.01), ("fill_rate", "shared", 0.92, 0.01)]
    ).to_parquet(tmp_path / "exp" / "summary.parquet")
    page, facts = render_report(load_results(tmp_path / "exp"))
    assert facts["charts"] == [] and "holds no run tables" in page and "+2.00 pt" in page


def test_missing_tables_are_named_in_one_line(compared: Path, tmp_path: Path, capsys) -> None:
    folder = copy(compared, tmp_path)
    (folder / "shared" / "line_daily.parquet").unlink()
    (folder / "shared" / "route_stops.parquet").unlink()
    code, _, err = cli(capsys, "report", folder)
    assert code == EXIT_USER_ERROR
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        f"error: {folder / 'shared'}: missing line_daily.parquet, route_stops.parquet"
    )


def test_a_damaged_table_is_named(compared: Path, tmp_path: Path, capsys) -> None:
    folder = copy(compared, tmp_path)
    (folder / "traditional" / "sku_daily.parquet").write_bytes(b"not parquet")
    code, _, err = cli(capsys, "report", folder)
    assert code == EXIT_USER_ERROR
    assert err.startswith(
        f"error: {folder / 'traditional' / 'sku_daily.parquet'}: cannot read it as Parquet"
    )


@pytest.mark.parametrize("case", ["no folder", "empty folder", "comparison without modes"])
def test_folders_that_are_not_results_are_refused(tmp_path: Path, capsys, case: str) -> None:
    folder = tmp_path / "x"
    if case != "no folder":
        folder.mkdir()
    if case == "comparison without modes":
        (folder / "comparison.json").write_text("{}")
    code, _, err = cli(capsys, "report", folder)
    assert code == EXIT_USER_ERROR
    assert err.startswith(f"error: {folder}") and len(err.strip().splitlines()) == 1


def test_the_pnl_table_gives_cumulative_operating_profit(compared: Path, tmp_path: Path) -> None:
    folder = copy(compared, tmp_path)
    write_pnl(folder)
    results = load_results(folder)
    fig = _charts.pnl_chart(results.runs)
    assert fig is not None
    chain = {t.name: t.y[-1] for t in fig.data if t.xaxis == "x"}  # first panel: the chain
    assert chain == pytest.approx({"traditional": 30 * 190.0, "shared": 30 * 290.0})
    suppliers = {t.name: t.y[-1] for t in fig.data if t.xaxis == "x3"}
    assert suppliers == pytest.approx({"traditional": 30 * 100.0, "shared": 30 * 150.0})
    _, facts = render_report(results)
    assert "pnl" in facts["charts"]


def test_run_json_places_every_party_and_links_every_store(
    compared: Path, two_platforms: Scenario
) -> None:
    info = json.loads((compared / "shared" / "run.json").read_text(encoding="utf-8"))
    stores = {p["gln"]: p for p in info["parties"] if p["type"] == "store"}
    assert set(stores) == set(two_platforms.store_gln)
    for s, gln in enumerate(two_platforms.store_gln):
        assert (stores[gln]["lat"], stores[gln]["lon"]) == (
            two_platforms.store_lat[s],
            two_platforms.store_lon[s],
        )
        assert (
            info["store_platform"][gln]
            == two_platforms.platform_gln[two_platforms.platform_of_store[s]]
        )
    assert len(info["sku_supplier"]) == two_platforms.n_skus
    assert {p["type"] for p in info["parties"]} == {
        "supplier",
        "factory",
        "platform",
        "dc",
        "store",
    }
    assert (info["mode"], info["days"]) == ("shared", 30)


def test_a_day_outside_the_runs_is_refused(compared: Path, tmp_path: Path, capsys) -> None:
    code, _, err = cli(capsys, "report", compared, "-o", tmp_path / "r.html", "--day", "30")
    assert code == EXIT_USER_ERROR
    assert err.strip() == f"error: --day 30: the runs in {compared} cover days 0-29"
    assert not (tmp_path / "r.html").exists()


def test_the_edi_timeline_shows_channel_faults(tmp_path: Path, two_platforms: Scenario) -> None:
    """Over the EDI channel with 5% of each fault, the faults are drawn beside the messages."""
    edi = two_platforms.spec.edi.model_copy(
        update={
            "channel": "edi",
            "loss_rate": 0.05,
            "duplication_rate": 0.05,
            "corruption_rate": 0.05,
        }
    )
    scenario = compile_scenario(two_platforms.spec.model_copy(update={"edi": edi}))
    simulate(scenario, mode="shared", days=20).write(tmp_path / "run")
    run = load_results(tmp_path / "run").runs["shared"]
    fig = _charts.edi_timeline({"shared": run})
    assert fig is not None
    lines = {t.name: sum(t.y) for t in fig.data if t.type == "scatter"}
    table = run.tables["edi_daily"]
    expected = {
        c: table[c].sum()
        for c in ("retransmissions", "lost", "duplicated", "corrupted")
        if table[c].sum()
    }
    assert expected and {k: lines[k] for k in expected} == expected


def test_run_json_records_the_warm_up_the_kpis_skipped(tmp_path: Path, ok_small: Scenario) -> None:
    simulate(ok_small, mode="shared", days=20, warm_up=7).write(tmp_path / "run")
    info = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert info["warm_up_days"] == 7 != ok_small.warm_up_days
