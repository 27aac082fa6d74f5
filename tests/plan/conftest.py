"""A short shared-mode run over EANCOM, archived: the files a retailer's planners would get."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossdock.scenario import Scenario, compile_scenario, read_spec
from crossdock.simulate import simulate

#: Days of the archived run: enough for proposals, confirmations and receipts to cycle.
DAYS = 8


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    """The built-in scenario (12 stores, 240 SKUs) with its defaults.

    Its category captains order on their delivery calendars (some days a collection does
    not order) and review their assortment: the twin carries both, as the simulation does.
    """
    return compile_scenario(read_spec(None))


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory, scenario: Scenario) -> Path:
    """Every interchange of an 8-day shared run, as ``--edi-archive`` writes them."""
    folder = tmp_path_factory.mktemp("archive")
    simulate(scenario, mode="shared", days=DAYS, warm_up=0, seed=3, edi_archive=folder)
    return folder
