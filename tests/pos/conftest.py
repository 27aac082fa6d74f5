"""Tiny named inputs for the POS tests.

``hyper_small``: 4 stores, 60 SKUs, 120 days with the generated hypermarket demand.
``scans_28``: its first 28 days of scans (seed 7) as a Parquet file, with the demand drawn.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crossdock.demand import DemandModel
from crossdock.pos import write_scans
from crossdock.scenario import Scenario, generate_scenario


@pytest.fixture(scope="session")
def hyper_small() -> Scenario:
    return generate_scenario(n_stores=4, n_skus=60, horizon_days=120, seed=3, realistic_demand=True)


@pytest.fixture(scope="session")
def scans_28(hyper_small: Scenario, tmp_path_factory) -> tuple[Path, np.ndarray]:
    path = tmp_path_factory.mktemp("scans") / "scans.parquet"
    write_scans(path, hyper_small, 7, 28, chunk_days=5)
    model = DemandModel(hyper_small, 7)
    return path, np.stack([model.daily(d) for d in range(28)])
