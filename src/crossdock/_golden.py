"""Digests of a run's outputs, to prove that a refactor did not move a single number.

Each output table is hashed from its Arrow IPC serialisation (so every value, bit for bit, and
the schema count), and ``kpis.json`` from its sorted JSON text. The golden runs are fixed
(:data:`GOLDEN_RUNS`); ``make golden`` re-records ``tests/golden/digests.json`` on purpose, and
``tests/golden/test_golden.py`` checks that a run still gives the recorded digests.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

__all__ = ["GOLDEN_RUNS", "GoldenRun", "digest_result", "run_golden"]


@dataclass(frozen=True)
class GoldenRun:
    """One fixed run whose outputs are recorded."""

    name: str
    scenario: Callable[[], Any]
    mode: str
    seed: int
    days: int
    channel: str = "direct"


def _builtin() -> Any:
    from crossdock.scenario import load_scenario

    return load_scenario()


def _faulty_30x300() -> Any:
    from crossdock.scenario import compile_scenario, generate_spec

    spec = generate_spec(n_stores=30, n_skus=300, n_platforms=2, horizon_days=60, seed=30300)
    edi = spec.edi.model_copy(
        update={
            "channel": "edi",
            "loss_rate": 0.05,
            "duplication_rate": 0.05,
            "delay_rate": 0.05,
        }
    )
    return compile_scenario(spec.model_copy(update={"edi": edi}))


GOLDEN_RUNS: tuple[GoldenRun, ...] = (
    *(
        GoldenRun(f"builtin-{mode}-seed{seed}", _builtin, mode, seed, 365)
        for mode in ("traditional", "shared")
        for seed in (1, 2)
    ),
    *(
        GoldenRun(f"generated-30x300-edi-faults-{mode}", _faulty_30x300, mode, 5, 60, "edi")
        for mode in ("traditional", "shared")
    ),
)


def _table_digest(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    combined = table.combine_chunks()
    with pa.ipc.new_stream(sink, combined.schema) as writer:
        writer.write_table(combined)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()[:16]


def digest_result(tables: dict[str, pa.Table], kpis: dict[str, float]) -> dict[str, Any]:
    """Digests of every table and of the KPIs, with the KPI values for a readable diff."""
    text = json.dumps(kpis, sort_keys=True)
    return {
        "tables": {name: _table_digest(tables[name]) for name in sorted(tables)},
        "kpis_digest": hashlib.sha256(text.encode()).hexdigest()[:16],
        "kpis": kpis,
    }


def run_golden(run: GoldenRun) -> dict[str, Any]:
    """Simulate one golden run and digest its outputs."""
    from crossdock.simulate import simulate

    result = simulate(
        run.scenario(), mode=run.mode, seed=run.seed, days=run.days, channel=run.channel
    )
    return digest_result(result.tables, result.kpis)
