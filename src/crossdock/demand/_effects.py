"""The multiplicative effects on mean demand, compiled once per scenario into arrays.

Everything here is a pure function of the scenario: no randomness. A block of days gives a
``[days, skus]`` factor shared by all stores, plus one ``[days, skus]`` factor per set of stores
that share promotions. Demand means are ``base × size × sku_factor × promotion_factor``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays as holiday_calendars
import numpy as np

from crossdock.errors import ScenarioError
from crossdock.scenario import Scenario

__all__ = ["Effects", "compile_effects"]


@dataclass(frozen=True)
class _Promotions:
    """Promotions of one set of stores, as parallel arrays (one row per promotion × SKU)."""

    stores: np.ndarray  # [s] bool: stores taking part
    sku: np.ndarray  # [n] SKU index
    start: np.ndarray  # [n] first day (run day index)
    end: np.ndarray  # [n] first day after the promotion
    dip_end: np.ndarray  # [n] first day after the dip
    uplift: np.ndarray  # [n]
    dip: np.ndarray  # [n]
    price_cut: np.ndarray  # [n]


@dataclass(frozen=True)
class Effects:
    """Compiled demand effects of a scenario (see the module docstring)."""

    start_date: dt.date
    n_stores: int
    n_skus: int
    weekday: np.ndarray  # [7] Monday..Sunday, mean 1 (0 on closed weekdays)
    season_of_sku: np.ndarray  # [k] row of season_amplitude / season_peak, -1: none
    season_amplitude: np.ndarray  # [n_seasons]
    season_peak: np.ndarray  # [n_seasons] day of year
    holidays: dict[dt.date, float]  # date -> demand factor (0: closed)
    elasticity: float
    shelf_price: np.ndarray  # [k]
    price_sku: np.ndarray  # [n] price changes sorted by start
    price_start: np.ndarray  # [n]
    price_value: np.ndarray  # [n]
    life_sku: np.ndarray  # [n]
    life_launch: np.ndarray  # [n] run day (-inf: already mature)
    life_ramp: np.ndarray  # [n]
    life_decline: np.ndarray  # [n] run day (+inf: never)
    life_decline_days: np.ndarray  # [n]
    life_tail: np.ndarray  # [n]
    promotions: tuple[_Promotions, ...]

    def dates(self, days: np.ndarray) -> list[dt.date]:
        """The calendar dates of run days."""
        return [self.start_date + dt.timedelta(days=int(d)) for d in days]

    def weekdays(self, days: np.ndarray) -> np.ndarray:
        """Weekday (0 = Monday) of run days."""
        return (self.start_date.weekday() + days) % 7

    def sku_factor(self, days: np.ndarray, *, weekday: bool = True) -> np.ndarray:
        """``[b, k]`` factor shared by every store: weekday, season, holidays, price, life.

        ``weekday=False`` leaves out the weekday profile (not closed weekdays), for fitted
        parameters that carry their own.
        """
        days = np.asarray(days, dtype=np.int64)
        factor = np.empty((len(days), self.n_skus))
        profile = self.weekday if weekday else np.where(self.weekday > 0, 1.0, 0.0)
        factor[:] = profile[self.weekdays(days)][:, None]
        if len(self.season_amplitude):
            doy = np.array([d.timetuple().tm_yday for d in self.dates(days)], dtype=np.float64)
            wave = 1.0 + self.season_amplitude[None, :] * np.cos(
                2 * np.pi * (doy[:, None] - self.season_peak[None, :]) / 365.25
            )  # [b, n_seasons]
            wave = np.concatenate([wave, np.ones((len(days), 1))], axis=1)  # -1 -> no season
            factor *= wave[:, self.season_of_sku]
        if self.holidays:
            day_factor = np.array([self.holidays.get(d, 1.0) for d in self.dates(days)])
            factor *= day_factor[:, None]
        if len(self.price_sku):
            factor *= self.price(days) ** self.elasticity / self.shelf_price**self.elasticity
        if len(self.life_sku):
            factor[:, self.life_sku] *= self._life(days)
        return factor

    def price(self, days: np.ndarray) -> np.ndarray:
        """``[b, k]`` shelf price after lasting price changes (promotion cuts not included)."""
        days = np.asarray(days, dtype=np.int64)
        price = np.broadcast_to(self.shelf_price, (len(days), self.n_skus)).copy()
        for sku, start, value in zip(
            self.price_sku, self.price_start, self.price_value, strict=True
        ):
            price[days >= start, sku] = value  # few changes, sorted by start: the last wins
        return price

    def _life(self, days: np.ndarray) -> np.ndarray:
        t = days[:, None].astype(np.float64)
        ramp = np.clip((t - self.life_launch + 1) / np.maximum(self.life_ramp, 1), 0.0, 1.0)
        ramp = np.where(t < self.life_launch, 0.0, ramp)
        into = np.clip((t - self.life_decline) / self.life_decline_days, 0.0, 1.0)
        return ramp * (1.0 - into * (1.0 - self.life_tail))

    def promotion_factors(
        self, days: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """For each store set with promotions: ``(stores [s] bool, demand [b, k], price [b, k])``.

        The demand factor is the uplift during and the dip after; the price factor is
        ``1 − price_cut`` during.
        """
        days = np.asarray(days, dtype=np.int64)
        out = []
        lo, hi = days.min(initial=0), days.max(initial=-1)
        rows = np.arange(len(days))
        for group in self.promotions:
            live = np.flatnonzero((group.dip_end > lo) & (group.start <= hi))
            demand = np.ones((len(days), self.n_skus))
            price = np.ones((len(days), self.n_skus))
            if live.size:
                # [entry, day]: each live entry's factors on each day, 1 where it does not
                # apply (a product with 1 is exact); multiplied in entry by entry, as one
                # loop over the entries did, so a SKU in two entries gets its factors in the
                # same order (ufunc.at applies its indices in turn)
                start, end = group.start[live, None], group.end[live, None]
                during = (days >= start) & (days < end)
                after = (days >= end) & (days < group.dip_end[live, None])
                uplift = np.where(during, group.uplift[live, None], 1.0)
                factor = np.where(after, group.dip[live, None], uplift)
                cut = np.where(during, 1.0 - group.price_cut[live, None], 1.0)
                where = (
                    np.broadcast_to(rows, during.shape),
                    np.broadcast_to(group.sku[live, None], during.shape),
                )
                np.multiply.at(demand, where, factor)
                np.multiply.at(price, where, cut)
            out.append((group.stores, demand, price))
        return out


def _day(start: dt.date, date: dt.date) -> int:
    return (date - start).days


def compile_effects(scenario: Scenario) -> Effects:
    """Compile ``scenario.spec.demand`` into arrays (unknown GTINs or stores: ScenarioError)."""
    spec = scenario.spec
    demand = spec.demand
    start = spec.start_date
    sku_of = {g: k for k, g in enumerate(scenario.gtin)}
    store_of = {s.id: i for i, s in enumerate(spec.stores)}
    category_ids = list(scenario.category_id)

    def sku(gtin: str, where: str) -> int:
        key = gtin[-13:] if len(gtin) == 14 and gtin[0] == "0" else gtin
        if key not in sku_of:
            raise ScenarioError(f"unknown GTIN {gtin!r}", file="<scenario>", field=where)
        return sku_of[key]

    weekday = np.array(scenario.weekday_profile, dtype=np.float64)
    opening = demand.scans.opening
    weekday = np.where([o is None for o in opening], 0.0, weekday)

    season_of_sku = np.full(scenario.n_skus, -1, dtype=np.int64)
    amplitude, peak = [], []
    default_season = None
    for i, season in enumerate(demand.seasons):
        amplitude.append(season.amplitude)
        peak.append(season.peak_day_of_year)
        if season.category is None:
            default_season = i
        elif season.category not in category_ids:
            raise ScenarioError(
                f"unknown category {season.category!r}",
                file="<scenario>",
                field=f"demand.seasons[{i}].category",
            )
    if default_season is not None:
        season_of_sku[:] = default_season
    for i, season in enumerate(demand.seasons):
        if season.category is not None:
            season_of_sku[scenario.category_of == category_ids.index(season.category)] = i

    holiday_factor: dict[dt.date, float] = {}
    if demand.holidays is not None:
        h = demand.holidays
        last = start + dt.timedelta(days=max(scenario.horizon_days, 1) + 400)
        years = list(range(start.year, last.year + 1))
        try:
            calendar = holiday_calendars.country_holidays(h.country, years=years)
        except NotImplementedError:
            raise ScenarioError(
                f"no public holiday calendar for country {h.country!r}",
                file="<scenario>",
                field="demand.holidays.country",
            ) from None
        closed = set(h.closed)
        for date in sorted(calendar):
            shut = date.strftime("%m-%d") in closed
            holiday_factor[date] = 0.0 if shut else h.holiday_factor
        for date in list(holiday_factor):
            eve = date - dt.timedelta(days=1)
            if eve not in holiday_factor and opening[eve.weekday()] is not None:
                holiday_factor[eve] = h.eve_factor

    changes = sorted(
        (
            (_day(start, c.start), sku(c.gtin, f"demand.price_changes[{i}].gtin"), c.price)
            for i, c in enumerate(demand.price_changes)
        ),
    )
    lives = [
        (
            sku(life.gtin, f"demand.life_cycles[{i}].gtin"),
            _day(start, life.launch) if life.launch else -np.inf,
            life.ramp_days,
            _day(start, life.decline_start) if life.decline_start else np.inf,
            life.decline_days,
            life.tail,
        )
        for i, life in enumerate(demand.life_cycles)
    ]
    life = np.array(lives, dtype=np.float64).reshape(-1, 6)
    if len(np.unique(life[:, 0])) != len(life):
        raise ScenarioError(
            "a SKU has more than one life cycle", file="<scenario>", field="demand.life_cycles"
        )

    groups: dict[tuple[int, ...], list[tuple[int, int, int, int, float, float, float]]] = {}
    for i, promo in enumerate(demand.promotions):
        if promo.stores is None:
            members: tuple[int, ...] = tuple(range(scenario.n_stores))
        else:
            unknown = [s for s in promo.stores if s not in store_of]
            if unknown:
                raise ScenarioError(
                    f"unknown store {unknown[0]!r}",
                    file="<scenario>",
                    field=f"demand.promotions[{i}].stores",
                )
            members = tuple(sorted({store_of[s] for s in promo.stores}))
        first = _day(start, promo.start)
        rows = groups.setdefault(members, [])
        for j, gtin in enumerate(promo.gtins):
            k = sku(gtin, f"demand.promotions[{i}].gtins[{j}]")
            end = first + promo.days
            rows.append(
                (k, first, end, end + promo.dip_days, promo.uplift, promo.dip, promo.price_cut)
            )
    promotions = []
    for members, rows in groups.items():
        mask = np.zeros(scenario.n_stores, dtype=bool)
        mask[list(members)] = True
        table = np.array(rows, dtype=np.float64)
        promotions.append(
            _Promotions(
                stores=mask,
                sku=table[:, 0].astype(np.int64),
                start=table[:, 1].astype(np.int64),
                end=table[:, 2].astype(np.int64),
                dip_end=table[:, 3].astype(np.int64),
                uplift=table[:, 4],
                dip=table[:, 5],
                price_cut=table[:, 6],
            )
        )

    change = np.array(changes, dtype=np.float64).reshape(-1, 3)
    return Effects(
        start_date=start,
        n_stores=scenario.n_stores,
        n_skus=scenario.n_skus,
        weekday=weekday,
        season_of_sku=season_of_sku,
        season_amplitude=np.array(amplitude, dtype=np.float64),
        season_peak=np.array(peak, dtype=np.float64),
        holidays=holiday_factor,
        elasticity=demand.price_elasticity,
        shelf_price=np.asarray(scenario.shelf_price, dtype=np.float64),
        price_sku=change[:, 1].astype(np.int64),
        price_start=change[:, 0].astype(np.int64),
        price_value=change[:, 2],
        life_sku=life[:, 0].astype(np.int64),
        life_launch=life[:, 1],
        life_ramp=life[:, 2],
        life_decline=life[:, 3],
        life_decline_days=life[:, 4],
        life_tail=life[:, 5],
        promotions=tuple(promotions),
    )
