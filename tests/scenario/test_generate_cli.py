"""``crossdock scenario generate`` writes a valid scenario file of the size asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossdock._footprint import peak_bytes
from crossdock.cli import invoke
from crossdock.scenario import generate_spec, load_scenario, read_spec, write_spec


def test_generated_file_loads_with_the_size_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "chain.yaml"
    args = "scenario generate --stores 30 --skus 90 --platforms 6 --days 40 --warm-up 7 --seed 5"
    code = invoke([*args.split(), "-o", str(out)])
    assert code == 0
    scenario = load_scenario(out)
    assert (scenario.n_stores, scenario.n_skus) == (30, 90)
    assert len(scenario.spec.platforms) == 6
    assert scenario.horizon_days == 40 and scenario.spec.warm_up_days == 7
    # every store is served by its nearest platform
    used = {s.platform for s in scenario.spec.stores}
    assert used <= {p.id for p in scenario.spec.platforms}


def test_the_file_holds_what_generate_spec_gives(tmp_path: Path) -> None:
    spec = generate_spec(n_stores=4, n_skus=12, horizon_days=30, warm_up_days=5, seed=3)
    back = read_spec(write_spec(spec, tmp_path / "s.yaml", header="# test\n"))
    assert back == spec


def test_bad_sizes_are_usage_errors(tmp_path: Path) -> None:
    out = tmp_path / "x.yaml"
    assert invoke(["scenario", "generate", "--stores", "0", "-o", str(out)]) == 2
    assert invoke(["scenario", "generate", "--platforms", "26", "-o", str(out)]) == 2
    assert invoke(["scenario", "generate", "--days", "10", "--warm-up", "10", "-o", str(out)]) == 2
    assert not out.exists()


def test_the_built_in_file_is_the_generators() -> None:
    """scripts/make_default_scenario.py writes the built-in file with write_spec."""
    assert load_scenario().spec == generate_spec()


def test_the_demand_generator_can_be_chosen(tmp_path: Path) -> None:
    out = tmp_path / "philox.yaml"
    args = "scenario generate --stores 3 --skus 12 --days 20 --warm-up 5"
    assert invoke([*args.split(), "--demand-generator", "philox", "-o", str(out)]) == 0
    assert load_scenario(out).spec.demand.generator == "philox"
    assert "--demand-generator philox" in out.read_text().splitlines()[0]
    assert load_scenario(out).spec.model_copy(
        update={"demand": load_scenario(out).spec.demand.model_copy(update={"generator": "pcg64"})}
    ) == generate_spec(n_stores=3, n_skus=12, horizon_days=20, warm_up_days=5)
    assert invoke([*args.split(), "--demand-generator", "mt19937", "-o", str(out)]) == 2


def test_the_command_lines_generators_are_the_scenarios() -> None:
    """The CLI's choice (an enum, so that --help need not import the scenario schema)."""
    from typing import get_args

    from crossdock.cli._scenario import DemandGenerator
    from crossdock.scenario._demand_spec import DemandSpec

    allowed = get_args(DemandSpec.model_fields["generator"].annotation)
    assert [g.value for g in DemandGenerator] == list(allowed)


def test_the_output_says_the_memory_a_run_will_need(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The estimate the memory warning uses (crossdock._footprint), for both chains."""
    out = tmp_path / "chain.yaml"
    args = ["scenario", "generate", "--stores", "30", "--skus", "90", "-o", str(out)]
    assert invoke(args) == 0
    said = " ".join(capsys.readouterr().out.split())  # (the console wraps its lines)
    low, high = (peak_bytes(30, 90, s) / 1e9 for s in ("traditional", "shared"))
    assert (
        f"(2,700 store-SKU cells; a run needs about {low:,.1f} GB of memory traditional, "
        f"{high:,.1f} GB shared)" in said
    )
