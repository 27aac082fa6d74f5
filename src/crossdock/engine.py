"""The engine: one clock in days and the fixed order of phases within a day.

This is the only place the order of phases is written down. Each simulated day runs these
phases in turn; in each, every party that declares it (``party.phases``) runs its method of
that name, in the order of the chain's recipe (see :mod:`crossdock.recipes`):

1. ``receive``    — parties read despatch advices and take in the goods due today from the
                    goods channel (goods shipped on day t with a transit of L days arrive
                    here on t + L); the carrier takes them off the road.
2. ``trade``      — stores open: backorders then shoppers are served from the shelf; demand
                    that finds an empty shelf is lost (or backordered).
3. ``report``     — stores send sales and stock reports (shared mode).
4. ``plan``       — stores (traditional) order; planners (shared) propose store orders to
                    the retailer; the DC fills and reorders.
5. ``confirm``    — the retailer confirms or amends the proposals (ORDRSP); planners send
                    the confirmed cross-dock orders; suppliers book orders and send
                    production orders.
6. ``produce``    — factories make what capacity allows; output enters suppliers' warehouses.
7. ``ship``       — suppliers and the DC hand goods to the carrier with despatch advices.
8. ``cross_dock`` — platforms break down today's arrivals by store and send them on.
9. ``deliver``    — the carrier takes the day's consignments: inbound truckloads, and the
                    store deliveries it routes and puts on the road.
10. ``close``      — every party writes its closing stock to the ledger.

So an order placed in the plan phase of day t that travels L days is on the shelf for trading
on day t + L (L ≥ 1): with L = 1, tonight's order sells tomorrow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from crossdock.errors import ParameterError

__all__ = ["PHASES", "Engine"]

PHASES: tuple[str, ...] = (
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


class Engine:
    """Runs parties through the days and phases; knows nothing else about them.

    :meth:`step` can stop after a named phase (``step(until="plan")``) and go on from there
    with the next call, for interactive use and reinforcement learning; ``phase`` is the
    last phase run (``None`` between days). ``day`` is the first day to simulate: 0, or the
    day a run restored from a checkpoint goes on from (see :mod:`crossdock.checkpoint`).
    """

    def __init__(self, parties: Sequence[Any], *, day: int = 0) -> None:
        self.parties = list(parties)
        self.schedule: list[tuple[str, list[Callable[[int], None]]]] = [
            (phase, [getattr(p, phase) for p in self.parties if phase in _phases(p)])
            for phase in PHASES
        ]
        self.day = day
        self.phase: str | None = None

    def step(self, until: str | None = None) -> None:
        """Simulate the rest of the day, or up to and including phase ``until``."""
        if until is not None and until not in PHASES:
            raise ParameterError("Engine.step", "until", f"one of {list(PHASES)} or None", until)
        start = 0 if self.phase is None else PHASES.index(self.phase) + 1
        for phase, actions in self.schedule[start:]:
            for action in actions:
                action(self.day)
            self.phase = phase
            if phase == until:
                break
        if self.phase == PHASES[-1]:
            self.phase = None
            self.day += 1

    def run(self, days: int, on_day: Callable[[int], None] | None = None) -> None:
        """Simulate ``days`` more days, calling ``on_day(day)`` after each (e.g. a progress bar)."""
        for _ in range(days):
            self.step()
            if on_day is not None:
                on_day(self.day)


def _phases(party: Any) -> tuple[str, ...]:
    """The phases a party declares (every phase it has a method for, if it declares none)."""
    declared = getattr(party, "phases", None)
    if declared is not None:
        return tuple(declared)
    return tuple(phase for phase in PHASES if callable(getattr(party, phase, None)))
