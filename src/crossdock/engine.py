"""The engine: one clock in days and the fixed order of phases within a day.

This is the only place the order of events is written down. Each simulated day runs these
phases in turn; in each, every party that has a method of that name runs it, in the order
the parties were given (see :func:`crossdock.chain.build_chain`):

1. ``receive``    — parties read despatch advices; the carrier unloads goods due today
                    (goods shipped on day t with a transit of L days are unloaded here on t + L).
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
9. ``deliver``    — the carrier routes the day's store deliveries and puts them on the road.
10. ``close``      — every party writes its closing stock to the ledger.

So an order placed in the plan phase of day t that travels L days is on the shelf for trading
on day t + L (L ≥ 1): with L = 1, tonight's order sells tomorrow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
    """Runs parties through the days and phases; knows nothing else about them."""

    def __init__(self, parties: Sequence[object]) -> None:
        self.parties = list(parties)
        self.schedule: list[tuple[str, list[Callable[[int], None]]]] = [
            (phase, [getattr(p, phase) for p in self.parties if callable(getattr(p, phase, None))])
            for phase in PHASES
        ]
        self.day = 0

    def step(self) -> None:
        """Simulate one day: every phase, in order."""
        for _, actions in self.schedule:
            for action in actions:
                action(self.day)
        self.day += 1

    def run(self, days: int, on_day: Callable[[int], None] | None = None) -> None:
        """Simulate ``days`` more days, calling ``on_day(day)`` after each (e.g. a progress bar)."""
        for _ in range(days):
            self.step()
            if on_day is not None:
                on_day(self.day)
