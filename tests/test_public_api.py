from __future__ import annotations

import importlib

import pytest

import crossdock


@pytest.mark.parametrize(
    "module",
    [
        "crossdock",
        "crossdock.scenario",
        "crossdock.policies",
        "crossdock.gs1",
        "crossdock.twin",
        "crossdock.experiments",
    ],
)
def test_all_matches_the_public_names(module: str) -> None:
    mod = importlib.import_module(module)
    public = {  # dir(): names a module imports on first use (PEP 562) count too
        name
        for name in dir(mod)
        if not name.startswith("_") and not isinstance(getattr(mod, name), type(importlib))
    }
    exported = set(mod.__all__)
    assert exported <= public, exported - public
    for name in exported:
        assert getattr(mod, name) is not None


def test_kpi_docs_cover_every_kpi() -> None:
    result = crossdock.simulate(
        crossdock.generate_scenario(n_stores=2, n_skus=12, horizon_days=20, warm_up_days=2), days=20
    )
    assert set(result.kpis) == set(crossdock.KPI_DOCS)
    assert "fill_rate" in result.summary()


def test_errors_form_one_tree() -> None:
    for name in (
        "ScenarioError",
        "EdiError",
        "PosError",
        "ExperimentError",
        "IdentifierError",
        "ParameterError",
    ):
        assert issubclass(getattr(crossdock, name), crossdock.CrossdockError)
