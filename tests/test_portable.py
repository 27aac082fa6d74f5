"""A run gives the same numbers on any CPU: no BLAS kernel and no NumPy SIMD path moves them.

OpenBLAS picks its kernels by the CPU (a Zen 5 gets Haswell's, a Xeon SkylakeX's), and NumPy
takes other code for ``sin``, ``exp`` and friends on CPUs with AVX-512. Both used to move the
money figures and the routes in their last bits, so golden digests recorded on one machine
failed on another. Here the same run is made in a child process held to the oldest kernels
(``OPENBLAS_CORETYPE``) and to NumPy's baseline code (``NPY_DISABLE_CPU_FEATURES``), and
every table must be the same, bit for bit, as this process's run.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys

import pytest
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
from threadpoolctl import threadpool_info

from crossdock._golden import digest_result
from crossdock.scenario import load_scenario
from crossdock.simulate import simulate

_OLDEST_BLAS = {"x86_64": "Prescott", "AMD64": "Prescott", "aarch64": "ARMV8"}
_DAYS = 365

_CHILD = """
import json, sys
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
from threadpoolctl import threadpool_info
from crossdock._golden import digest_result
from crossdock.scenario import load_scenario
from crossdock.simulate import simulate

mode, seed, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
result = simulate(load_scenario(), mode=mode, seed=seed, days=days)
print(json.dumps({
    "tables": digest_result(result.tables, result.kpis)["tables"],
    "numpy_paths": [f for f in __cpu_dispatch__ if __cpu_features__.get(f)],
    "blas": [p.get("architecture") for p in threadpool_info() if p["user_api"] == "blas"],
}))
"""


def _here() -> list[str]:
    return [f for f in __cpu_dispatch__ if __cpu_features__.get(f)]


def _blas() -> list[str | None]:
    return [p.get("architecture") for p in threadpool_info() if p["user_api"] == "blas"]


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "seed"), [("traditional", 1), ("shared", 2)])
def test_a_run_is_the_same_on_the_oldest_kernels(mode: str, seed: int) -> None:
    env = dict(os.environ)
    env["NPY_DISABLE_CPU_FEATURES"] = " ".join(_here())
    oldest = _OLDEST_BLAS.get(platform.machine())
    if oldest:
        env["OPENBLAS_CORETYPE"] = oldest
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(seed), str(_DAYS)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    there = json.loads(child.stdout.strip().splitlines()[-1])
    # the child really took other code: no NumPy dispatch target, the oldest BLAS kernels
    assert there["numpy_paths"] == []
    if oldest:  # (OpenBLAS names its Prescott kernels "Katmai")
        assert there["blas"] and there["blas"] != _blas()
    result = simulate(load_scenario(), mode=mode, seed=seed, days=_DAYS)
    here = digest_result(result.tables, result.kpis)["tables"]
    assert there["tables"] == here, {k for k in here if here[k] != there["tables"].get(k)}
