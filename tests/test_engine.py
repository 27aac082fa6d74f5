"""The engine: phase order, one clock, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from crossdock import PHASES, Engine, compare, simulate
from crossdock.scenario import generate_scenario


class Recorder:
    """A party that writes down every phase it is called in."""

    def __init__(self, name: str, log: list[tuple[int, str, str]]) -> None:
        self.name = name
        self.log = log
        for phase in PHASES:
            setattr(self, phase, self._make(phase))

    def _make(self, phase: str):
        def act(day: int) -> None:
            self.log.append((day, phase, self.name))

        return act


class OnlyTrades:
    def __init__(self, log: list) -> None:
        self.log = log

    def trade(self, day: int) -> None:
        self.log.append((day, "trade", "trader"))


def test_phases_run_in_the_documented_order_every_day() -> None:
    log: list[tuple[int, str, str]] = []
    engine = Engine([Recorder("a", log), OnlyTrades(log), Recorder("b", log)])
    engine.run(2)
    day0 = [(phase, name) for day, phase, name in log if day == 0]
    expected = []
    for phase in PHASES:
        expected.append((phase, "a"))
        if phase == "trade":
            expected.append((phase, "trader"))
        expected.append((phase, "b"))
    assert day0 == expected
    assert [day for day, _, _ in log] == sorted(day for day, _, _ in log)
    assert engine.day == 2


def test_phase_order_is_the_one_in_the_readme() -> None:
    assert PHASES == (
        "receive",
        "trade",
        "report",
        "plan",
        "confirm",
        "produce",
        "ship",
        "cross_dock",
        "deliver",
        "close",
    )


def test_on_day_is_called_after_each_day() -> None:
    seen: list[int] = []
    Engine([]).run(3, seen.append)
    assert seen == [1, 2, 3]


@pytest.fixture(scope="module")
def small():
    return generate_scenario(n_stores=3, n_skus=24, horizon_days=60, warm_up_days=7, seed=5)


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_same_seed_same_result(small, mode: str) -> None:
    first = simulate(small, mode=mode, seed=42)
    second = simulate(small, mode=mode, seed=42)
    assert first.kpis == second.kpis
    for name, table in first.tables.items():
        assert table.equals(second.tables[name]), name


def test_another_seed_gives_another_result(small) -> None:
    assert simulate(small, seed=1).kpis != simulate(small, seed=2).kpis


def test_both_modes_see_the_same_demand(small) -> None:
    both = compare(small, seed=9)
    a = both.traditional.sku_daily["demand"].to_numpy()
    b = both.shared.sku_daily["demand"].to_numpy()
    assert np.array_equal(a, b)
    assert both.rows()["demand_units"]["difference"] == 0


def test_days_and_seed_default_to_the_scenario(small) -> None:
    result = simulate(small)
    assert result.days == small.horizon_days and result.seed == small.seed
    assert result.location_daily["day"].max() == small.horizon_days - 1


def test_bad_arguments_are_named(small) -> None:
    from crossdock import ParameterError

    with pytest.raises(ParameterError, match="'mode' parameter of simulate must be one of"):
        simulate(small, mode="vmi")
    with pytest.raises(ParameterError, match="'days'"):
        simulate(small, days=0)


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_every_message_is_read(small, mode: str) -> None:
    """Nothing piles up in the channel: only the last day's messages can still be unread."""
    from crossdock.chain import build_chain

    chain = build_chain(small, mode, days=30, seed=1)
    Engine(chain.parties).run(30)
    assert sum(chain.channel.sent.values()) > 0
    assert {m.day for m in chain.channel.pending()} <= {29}
