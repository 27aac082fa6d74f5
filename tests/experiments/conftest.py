"""Tiny named fixtures for the experiment tests.

``tiny_folder`` holds ``tiny.yaml``: 3 stores, 24 SKUs, 60 days with a 14-day warm-up
(stationary demand), small enough that a run takes about a second, so a test can afford a
few replications on Ray.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from crossdock.scenario import ScenarioSpec, generate_spec


def tiny_spec() -> ScenarioSpec:
    """The scenario of ``tiny.yaml``."""
    return generate_spec(n_stores=3, n_skus=24, horizon_days=60, warm_up_days=14, seed=5)


@pytest.fixture(scope="session")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("experiments")
    text = yaml.safe_dump(tiny_spec().model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    (folder / "tiny.yaml").write_text(text, encoding="utf-8")
    return folder


def write_experiment(folder: Path, name: str, text: str) -> Path:
    """An experiment file beside ``tiny.yaml``."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ray_two_cpus() -> Iterator[None]:
    """One local Ray session (2 CPUs) for a module's tests: experiments use it as it is,
    with at most their ``workers`` tasks in flight, instead of each starting its own."""
    from crossdock.experiments._ray import ray_session

    with ray_session(workers=2):
        yield
