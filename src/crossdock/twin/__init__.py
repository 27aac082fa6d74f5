"""The digital twin: the simulation's planners run on a retailer's real EANCOM files.

``crossdock plan INBOX --state STATE --out OUT`` (or :func:`plan` in Python) reads a folder of
EANCOM files (SLSRPT, INVRPT, ORDRSP; others are counted), runs the very planners a shared-mode
simulation runs (:class:`crossdock.parties.planners.Planner`, so a simulated strategy is the
one deployed) for each new day, and writes the day's ORDERS — proposals per store to the
retailer, or cross-dock orders per supplier × platform when the retailer does not confirm —
as EANCOM interchanges plus a CSV/Parquet table. The planners' state is kept in ``STATE``
between runs. See ``docs/plan.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from crossdock.edi_bridge import MasterData
from crossdock.scenario import Scenario
from crossdock.twin._inbox import DayInput, Finding, Inbox, Response
from crossdock.twin._master import apply_master_data
from crossdock.twin._output import PROPOSAL_SCHEMA, proposals_table, write_outputs
from crossdock.twin._pricat import apply_pricat
from crossdock.twin._twin import (
    Mailbox,
    PlanResult,
    Receipts,
    StateError,
    Twin,
    scenario_digest,
)

__all__ = [
    "PROPOSAL_SCHEMA",
    "DayInput",
    "Finding",
    "Inbox",
    "Mailbox",
    "PlanReport",
    "PlanResult",
    "Receipts",
    "Response",
    "StateError",
    "Twin",
    "apply_master_data",
    "apply_pricat",
    "plan",
    "proposals_table",
    "scenario_digest",
    "write_outputs",
]


@dataclass
class PlanReport:
    """A planning run: what was read, planned and written."""

    inbox: Inbox
    result: PlanResult
    twin: Twin
    files: list[Path]
    table: pa.Table


def plan(
    scenario: Scenario,
    inbox: str | Path,
    *,
    state: str | Path | None = None,
    out: str | Path | None = None,
    captain: bool | None = None,
    receipts: Receipts = "reported",
    through: int | None = None,
) -> PlanReport:
    """Read ``inbox``, plan each new day, write ``out`` and save ``state``.

    With no ``state`` the planners start fresh (and nothing is kept); with no ``out``
    nothing is written but the result is returned.
    """
    twin = Twin(
        scenario, Path(state) if state is not None else None, captain=captain, receipts=receipts
    )
    reader = Inbox(MasterData(scenario))
    folder = Path(inbox)
    if folder.is_dir():
        reader.read_folder(folder)
    else:
        reader.read_file(folder)
    result = twin.run(reader, through=through)
    if out is not None:
        files, table = write_outputs(twin, result, Path(out))
    else:
        files, table = [], proposals_table(twin, result.orders)
    twin.save()
    return PlanReport(reader, result, twin, files, table)
