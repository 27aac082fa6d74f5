"""Factories: production lines that make what suppliers order.

Each SKU is made on one line of its supplier's factory. A line works its shifts
(``hours_per_day`` on its working weekdays), less planned maintenance and random breakdowns.
Each day it works through its open production jobs by **earliest due date, batched by
family**: it finishes the family it is set up for, then changes over (``changeover_hours``) to
the family with the next earliest due job, and so on.

After a start — a new shift, a changeover, a breakdown or maintenance, or a working day without
production — the line runs a **warm-up ramp**: from ``start_rate`` of full rate up to full rate
over ``ramp.hours``, linearly or in steps, scrapping ``ramp.scrap_fraction`` of what it makes
meanwhile. (A 24-hour line that produced yesterday carries on warm.) The ramp is computed
exactly from its effective-hours curve: E(h) = ∫₀ʰ rate share.

Good output goes into the owning supplier's warehouse the same day, as a consignment on the
goods channel with no carrier (factory and warehouse share a site); ramp scrap is recorded as scrapped at the factory. After production each line tells its
suppliers (ORDRSP) when today's orders will be done if its queue exceeds a day's work, so the
planners see capacity instead of assuming it is infinite.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from crossdock._kernels import fill_in_order
from crossdock.goods import Consignment
from crossdock.ledger import SeriesSpec
from crossdock.messages import LineStatus, Order, OrderResponse
from crossdock.parties._common import Context, NetworkParty, gln_key, send

_GRID = 257
_LINE_HOURS = (
    "line_scheduled_hours",
    "line_down_hours",
    "line_busy_hours",
    "line_changeover_hours",
)


class RampCurve:
    """Effective full-rate hours E(h) after ``h`` wall hours into a ramp, and its inverse."""

    def __init__(
        self, hours: float, start: float, stepwise: bool, steps: int, scrap: float
    ) -> None:
        self.hours = hours
        self.scrap = scrap
        if hours <= 0:
            self._h = np.array([0.0, 1.0])
            self._e = np.array([0.0, 1.0])
            return
        edges = np.linspace(0.0, hours, steps + 1) if stepwise else np.array([])
        h = np.unique(np.concatenate([np.linspace(0.0, hours, _GRID), edges]))
        if stepwise:
            level = start + (1 - start) * np.floor(h[:-1] / hours * steps) / steps
            e = np.concatenate([[0.0], np.cumsum(level * np.diff(h))])
        else:
            e = start * h + (1 - start) * h * h / (2 * hours)
        self._h, self._e = h, e

    def effective(self, h: float) -> float:
        """Full-rate hours made in the first ``h`` wall hours of a ramp (scrap included)."""
        if h <= self._h[-1]:
            return float(np.interp(h, self._h, self._e))
        return float(self._e[-1] + (h - self._h[-1]))

    def good(self, h: float) -> float:
        """Full-rate hours of good output in the first ``h`` wall hours."""
        ramp_end = self._h[-1] if self.hours > 0 else 0.0
        in_ramp = self.effective(min(h, ramp_end)) if self.hours > 0 else 0.0
        return (1 - self.scrap) * in_ramp + max(h - ramp_end, 0.0)

    def wall_for_good(self, target: float) -> float:
        """The least wall hours ``h`` with ``good(h) >= target``."""
        if self.hours <= 0:
            return max(target, 0.0)
        good_end = (1 - self.scrap) * self._e[-1]
        if target >= good_end:
            return float(self._h[-1] + (target - good_end))
        goods = (1 - self.scrap) * self._e
        i = int(np.searchsorted(goods, target, side="left"))
        if i == 0:
            return 0.0
        g0, g1, h0, h1 = goods[i - 1], goods[i], self._h[i - 1], self._h[i]
        return float(h0 + (h1 - h0) * (target - g0) / (g1 - g0)) if g1 > g0 else float(h1)


class Factories(NetworkParty):
    """Every factory's lines, open jobs and line states (see the module docstring)."""

    phases: ClassVar[tuple[str, ...]] = ("produce", "close")
    location_type: ClassVar[str | None] = "factory"
    series: ClassVar[tuple[SeriesSpec, ...]] = (
        SeriesSpec("produced", "sku"),
        SeriesSpec("ramp_scrap", "sku"),
        SeriesSpec("factory_capacity", "factory", np.float64),
        SeriesSpec("factory_jobs_done", "factory"),
        SeriesSpec("factory_jobs_late", "factory"),
        *(SeriesSpec(name, "line", np.float64) for name in _LINE_HOURS),
    )

    def __init__(self, ctx: Context, *, seed: int = 0) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        n_lines = sc.n_lines
        self.curves = [
            RampCurve(
                float(sc.ramp_hours[i]),
                float(sc.ramp_start_rate[i]),
                bool(sc.ramp_stepwise[i]),
                int(sc.ramp_steps[i]),
                float(sc.ramp_scrap[i]),
            )
            for i in range(n_lines)
        ]
        # open production jobs: one per order line
        self.job_sku = np.zeros(0, dtype=np.int64)
        self.job_qty = np.zeros(0, dtype=np.int64)
        self.job_due = np.zeros(0, dtype=np.int64)
        self.job_day = np.zeros(0, dtype=np.int64)
        # line states
        self.family = np.full(n_lines, -1, dtype=np.int64)
        self.ramp_pos = np.zeros(n_lines)  # wall hours into the current ramp
        self.warm = np.zeros(n_lines, dtype=bool)
        self.queue_days = np.zeros(n_lines)
        self._first_weekday = sc.spec.start_date.weekday()
        self._late = np.zeros(sc.n_suppliers, dtype=bool)  # last promise told of a delay
        # one breakdown stream per line, keyed by its factory's GLN and its place there
        place = [int((sc.line_factory[:i] == sc.line_factory[i]).sum()) for i in range(n_lines)]
        self._rngs = [
            np.random.default_rng(
                np.random.SeedSequence([seed, 0xFAC7, gln_key(sc.factory_gln[f]), place[i]])
            )
            for i, f in enumerate(sc.line_factory)
        ]

    @property
    def backlog(self) -> np.ndarray:
        """Units ordered and not yet made, per SKU."""
        return np.bincount(
            self.job_sku, weights=self.job_qty, minlength=self.ctx.scenario.n_skus
        ).astype(np.int64)

    def produce(self, day: int) -> None:
        """Take today's production orders, run every line's shift, hand the output over."""
        sc = self.ctx.scenario
        ledger = self.ctx.ledger
        self._take_orders(day)
        weekday = (self._first_weekday + day) % 7
        # Breakdowns are drawn for every line every day, worked or not, so both modes of a
        # comparison see the same failures.
        failures = np.zeros(sc.n_lines, dtype=np.int64)
        repair = np.zeros(sc.n_lines)
        for line, rng in enumerate(self._rngs):
            failures[line] = rng.poisson(sc.line_hours[line] / sc.line_mtbf_hours[line])
            time = rng.gamma(max(failures[line], 1), sc.line_mttr_hours[line])
            repair[line] = time if failures[line] > 0 else 0.0

        made = np.zeros(sc.n_skus, dtype=np.int64)
        scrap = np.zeros(sc.n_skus, dtype=np.int64)
        scheduled_hours, down_hours, busy_hours, changeover_hours = (
            ledger[name][day] for name in _LINE_HOURS
        )
        for line in range(sc.n_lines):
            scheduled = float(sc.line_hours[line]) if sc.line_working[line, weekday] else 0.0
            restart = sc.line_hours[line] < 24 or not self.warm[line]
            every = int(sc.maintenance_every_days[line])
            offset = int(sc.maintenance_offset_days[line])
            if scheduled and every and day >= offset and (day - offset) % every == 0:
                scheduled = max(scheduled - float(sc.maintenance_hours[line]), 0.0)
                restart = True
            down = min(float(repair[line]), scheduled) if scheduled else 0.0
            if down > 0:
                restart = True
            hours = scheduled - down
            scheduled_hours[line] = scheduled
            down_hours[line] = down
            if hours <= 0:
                self.warm[line] = False
                continue
            if restart:
                self.ramp_pos[line] = 0.0
            busy, changeover = self._run_line(line, hours, made, scrap)
            busy_hours[line] = busy
            changeover_hours[line] = changeover
        self._finish_jobs(day)
        self._promise(day)
        ledger["produced"][day] += made
        ledger["ramp_scrap"][day] += scrap
        if made.any() or scrap.any():
            factory_of = sc.factory_of_sku
            ledger.record_owned(day, "produced", "factory", made + scrap, factory_of)
            ledger.record_owned(day, "scrapped", "factory", scrap, factory_of)
            ledger.record_owned(day, "shipped", "factory", made, factory_of)
            self._hand_over(day, made)
        ledger["factory_capacity"][day] = sc.factory_capacity

    def _hand_over(self, day: int, made: np.ndarray) -> None:
        """Today's good output goes to each owning supplier's warehouse, on the same site."""
        sc = self.ctx.scenario
        for u, items in enumerate(sc.items_of_supplier):
            quantity = made[items]
            if not quantity.any():
                continue
            f = int(sc.factory_of_supplier[u])
            self.ctx.goods.ship(
                Consignment(
                    sender=sc.factory_gln[f],
                    receiver=sc.supplier_gln[u],
                    carrier=None,
                    ship_day=day,
                    arrival_day=day,
                    receiver_kind="supplier",
                    sender_kind="factory",
                    origin=f,
                    destination=u,
                    locations=np.array([u]),
                    items=items,
                    quantity=quantity[None, :],
                )
            )

    def _take_orders(self, day: int) -> None:
        sc = self.ctx.scenario
        skus, qtys = [], []
        for gln in sc.factory_gln:
            for order in self.ctx.channel.receive(gln, Order, day):
                total = order.total
                keep = total > 0
                skus.append(order.items[keep])
                qtys.append(total[keep])
        if skus:
            sku = np.concatenate(skus)
            self.job_sku = np.concatenate([self.job_sku, sku])
            self.job_qty = np.concatenate([self.job_qty, np.concatenate(qtys)])
            self.job_due = np.concatenate([self.job_due, np.full(sku.size, day)])
            self.job_day = np.concatenate([self.job_day, np.full(sku.size, day)])

    def _run_line(
        self, line: int, hours: float, made: np.ndarray, scrap: np.ndarray
    ) -> tuple[float, float]:
        """Work one line's shift; returns busy hours and changeover hours."""
        sc = self.ctx.scenario
        mine = np.flatnonzero((sc.line_of_sku[self.job_sku] == line) & (self.job_qty > 0))
        if mine.size == 0:
            self.warm[line] = False  # nothing to make: the line stops and cools down
            return 0.0, 0.0
        rate = float(sc.line_rate[line])
        curve = self.curves[line]
        families = sc.family_of[self.job_sku[mine]]
        order = np.lexsort((self.job_sku[mine], self.job_day[mine], self.job_due[mine]))
        # family order: the current set-up first, then by earliest due job
        present, index = np.unique(families, return_inverse=True)
        first_due = np.full(present.size, np.iinfo(np.int64).max)
        np.minimum.at(first_due, index, self.job_due[mine])
        ranking = np.lexsort((present, first_due, present != self.family[line]))
        sequence = [int(fam) for fam in present[ranking]]
        t = 0.0
        changeover_total = 0.0
        produced_any = False
        for fam in sequence:
            if t >= hours:
                break
            if fam != self.family[line]:
                change = float(sc.line_changeover_hours[line])
                spent = min(change, hours - t)
                t += spent
                changeover_total += spent
                if spent < change:
                    break  # set-up not finished today; it starts again tomorrow
                self.family[line] = fam
                self.ramp_pos[line] = 0.0
            jobs = mine[order[families[order] == fam]]
            need = int(self.job_qty[jobs].sum())
            start = float(self.ramp_pos[line])
            good_hours = curve.good(start + hours - t) - curve.good(start)
            good = min(need, int(np.floor(rate * good_hours + 1e-9)))
            if good <= 0:  # still warming up: the line runs the rest of the shift on the ramp
                self.ramp_pos[line] = start + (hours - t)
                t = hours
                produced_any = True
                break
            used = curve.wall_for_good(curve.good(start) + good / rate) - start
            used = min(used, hours - t)
            ramp_end = curve.hours
            in_ramp = curve.effective(min(start + used, ramp_end)) - curve.effective(
                min(start, ramp_end)
            )
            lost = round(rate * curve.scrap * max(in_ramp, 0.0))
            granted = fill_in_order(self.job_qty[jobs][:, None], np.array([good]))[:, 0]
            self.job_qty[jobs] -= granted
            np.add.at(made, self.job_sku[jobs], granted)
            if lost:
                scrap[self.job_sku[jobs[0]]] += lost
            t += used
            self.ramp_pos[line] = start + used
            produced_any = True
        self.warm[line] = produced_any
        return t, changeover_total

    def _finish_jobs(self, day: int) -> None:
        done = self.job_qty == 0
        if not done.any():
            return
        ledger = self.ctx.ledger
        factory = self.ctx.scenario.factory_of_sku[self.job_sku[done]]
        n = self.ctx.scenario.n_factories
        ledger["factory_jobs_done"][day] += np.bincount(factory, minlength=n)
        late = self.job_due[done] < day
        ledger["factory_jobs_late"][day] += np.bincount(factory[late], minlength=n)
        keep = ~done
        self.job_sku, self.job_qty = self.job_sku[keep], self.job_qty[keep]
        self.job_due, self.job_day = self.job_due[keep], self.job_day[keep]

    def _promise(self, day: int) -> None:
        """Tell suppliers how many days their open orders wait when a line's queue is long."""
        sc = self.ctx.scenario
        weekly_hours = sc.line_hours * sc.line_working.sum(axis=1)
        daily_units = sc.line_rate * weekly_hours / 7.0
        queued = np.bincount(
            sc.line_of_sku[self.job_sku], weights=self.job_qty, minlength=sc.n_lines
        )
        self.queue_days = queued / np.maximum(daily_units, 1e-9)
        # whole days of work queued ahead of a new order (less than a day: ships as planned)
        delay = np.floor(self.queue_days[sc.line_of_sku] + 1e-9).astype(np.int64)  # per SKU
        for u in range(sc.n_suppliers):
            items = sc.items_of_supplier[u]
            waits = delay[items]
            if not waits.any() and not self._late[u]:
                continue
            self._late[u] = bool(waits.any())
            f = int(sc.factory_of_supplier[u])
            status = np.where(waits > 0, LineStatus.CHANGED, LineStatus.ACCEPTED)
            send(
                self.ctx,
                OrderResponse,
                sc.factory_gln[f],
                sc.supplier_gln[u],
                day,
                order_number=f"P{day:04d}-{u}",
                locations=np.array([u]),
                items=items,
                quantity=np.zeros((1, items.size), dtype=np.int64),
                status=status,
                delivery_day=day + waits,
            )

    def close(self, day: int) -> None:
        """Factories hold no stock: output leaves the day it is made."""
        sc = self.ctx.scenario
        self.ctx.ledger.close(
            day, "factory", np.zeros(sc.n_skus, np.int64), sc.unit_cost, owner=sc.factory_of_sku
        )
