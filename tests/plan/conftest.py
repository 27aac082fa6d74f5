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
    """The built-in scenario (12 stores, 240 SKUs), planned day by day.

    The twin does not yet carry the category captain's delivery calendars or its assortment
    review (issue 18), so the archived run has them off: the twin must then order exactly
    what the simulation's planners ordered.
    """
    spec = read_spec(None)
    daily = spec.replenishment.model_copy(
        update={"delivery_calendar": None, "captain_reviews_assortment": False}
    )
    return compile_scenario(spec.model_copy(update={"replenishment": daily}))


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory, scenario: Scenario) -> Path:
    """Every interchange of an 8-day shared run, as ``--edi-archive`` writes them."""
    folder = tmp_path_factory.mktemp("archive")
    simulate(scenario, mode="shared", days=DAYS, warm_up=0, seed=3, edi_archive=folder)
    return folder
