"""The analytic validation suite runs as tests: the same cases as ``crossdock validate-model``.

Each figure must lie within its interval at the suite-wide 95% level (Bonferroni over the
suite's figures, see :class:`crossdock.validation.CaseResult`).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from crossdock.validation import CASES, run_validation
from crossdock.validation._cases import FIGURES


@pytest.mark.parametrize("generator", ["pcg64", "philox"])
@pytest.mark.parametrize("name", list(CASES))
def test_case_matches_its_theory(name: str, generator: str) -> None:
    """With either demand generator: the closed forms hold for both."""
    rows = run_validation(cases=[name], generator=generator)
    assert rows
    for row in rows:
        assert row.measured.n >= 5
        assert row.passed, (row.case, row.figure, row.theory, row.tolerance)


def test_the_suite_counts_its_figures() -> None:
    """The Bonferroni divisor is the number of figures the whole suite checks."""
    counted = sum(1 for name in CASES for _ in CASES[name][0]((1, 2), 120))
    assert counted == FIGURES


def test_validate_model_prints_the_table_and_refuses_unknown_cases() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "crossdock",
            "validate-model",
            "--case",
            "littles_law",
            "--scale",
            "0.6",
            "--markdown",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "| case | figure | theory | measured | 95% CI | suite-wide CI | pass |" in done.stdout
    assert "Little's law" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "crossdock", "validate-model", "--case", "nope"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "nope" in bad.stderr
