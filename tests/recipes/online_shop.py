"""A toy party, as a user would add one: a producer's online shop.

It holds its own stock (a new location kind, ``online_shop``), sells to web shoppers every day
(Poisson demand on its own random stream, keyed by its GLN), and once a week sends what it has
left of each item back to the item's supplier warehouse, with the carrier, on the goods
channel. It needs this one module and one recipe line (see ``test_recipes.py``); no party
module and no engine code changes.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from crossdock.goods import Consignment
from crossdock.gs1 import make_gln
from crossdock.ledger import SeriesSpec
from crossdock.parties._common import Context
from crossdock.recipes import Build
from crossdock.scenario import Scenario

SHOP_GLN = make_gln("3012345", 99)


class OnlineShop:
    """One web shop selling ``items`` from its own stock (see the module docstring)."""

    phases: ClassVar[tuple[str, ...]] = ("trade", "ship", "close")
    location_type: ClassVar[str | None] = "online_shop"
    series: ClassVar[tuple[SeriesSpec, ...]] = (
        SeriesSpec("online_demand", "sku"),
        SeriesSpec("online_returns", "sku"),
    )

    @classmethod
    def locations(cls, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
        return np.array([SHOP_GLN], dtype=object), np.array(["Web shop"], dtype=object)

    def __init__(self, ctx: Context, *, rate: float, stock_units: int) -> None:
        sc = ctx.scenario
        self.ctx = ctx
        self.rate = np.full(sc.n_skus, rate)
        self.on_hand = np.full(sc.n_skus, stock_units, dtype=np.int64)
        self.rng = np.random.default_rng([ctx.seed, int(SHOP_GLN)])
        ctx.ledger.record(0, "opening", "online_shop", self.on_hand[None, :])

    def trade(self, day: int) -> None:
        wanted = self.rng.poisson(self.rate)
        sold = np.minimum(wanted, self.on_hand)
        self.on_hand -= sold
        ledger = self.ctx.ledger
        ledger.record(day, "sold", "online_shop", sold[None, :])
        ledger.record(day, "lost_sale", "online_shop", (wanted - sold)[None, :])
        ledger["online_demand"][day] += wanted

    def ship(self, day: int) -> None:
        if day % 7 != 6 or not self.on_hand.any():
            return
        sc = self.ctx.scenario
        back = self.on_hand.copy()
        self.on_hand[:] = 0
        self.ctx.ledger.record(day, "shipped", "online_shop", back[None, :])
        self.ctx.ledger["online_returns"][day] += back
        for u, items in enumerate(sc.items_of_supplier):
            if back[items].any():
                self.ctx.goods.ship(
                    Consignment(
                        sender=SHOP_GLN,
                        receiver=sc.supplier_gln[u],
                        carrier=sc.spec.carrier.gln,
                        ship_day=day,
                        arrival_day=day + 1,
                        receiver_kind="supplier",
                        sender_kind="online_shop",
                        destination=u,
                        locations=np.array([u]),
                        items=items,
                        quantity=back[items][None, :],
                    )
                )

    def close(self, day: int) -> None:
        sc = self.ctx.scenario
        self.ctx.ledger.close(day, "online_shop", self.on_hand[None, :], sc.unit_cost)


def build_online_shop(build: Build, *, rate: float = 0.5, stock_units: int = 20) -> OnlineShop:
    return OnlineShop(build.ctx, rate=rate, stock_units=stock_units)
