"""Start-up stays light: the command line and ``import crossdock`` load no heavy dependency.

Each check runs in a fresh interpreter (this one has loaded everything already) and reads
``sys.modules``: what is not there was not imported. The CPU times are in
``benchmarks/bench_startup.py``, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pyvrp", "pyarrow", "ray", "duckdb", "plotly", "scipy", "pandas", "pydantic", "numba")


def loaded_after(code: str) -> set[str]:
    """The top-level packages loaded by running ``code`` in a fresh interpreter."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in json.loads(done.stdout.splitlines()[-1])}


@pytest.mark.parametrize("code", ["import crossdock", "import crossdock.cli"])
def test_importing_crossdock_or_its_command_line_loads_no_heavy_dependency(code: str) -> None:
    loaded = loaded_after(code)
    assert "crossdock" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_help_builds_every_command_without_heavy_dependencies() -> None:
    code = (
        "from crossdock.cli import invoke\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    assert invoke(['--help']) == 0\n"
        "    assert invoke(['run', '--help']) == 0\n"
        "assert '--checkpoint-every' in out.getvalue()"
    )
    loaded = loaded_after(code)
    heavy = set(HEAVY) - {"pydantic"}  # Typer validates options with pydantic's TypeAdapter
    assert loaded.isdisjoint(heavy), sorted(loaded & heavy)


def test_the_public_names_load_on_first_use() -> None:
    """``crossdock.simulate`` is the function, even once the module of that name is imported."""
    code = (
        "import crossdock.simulate\n"
        "import crossdock\n"
        "from crossdock.simulate import check_warm_up\n"
        "assert callable(crossdock.simulate) and crossdock.simulate.__name__ == 'simulate'\n"
        "assert crossdock.Scenario.__name__ == 'Scenario'\n"
        "assert set(crossdock.__all__) <= set(dir(crossdock))"
    )
    assert "pyarrow" in loaded_after(code)  # the simulation did load, when asked for
