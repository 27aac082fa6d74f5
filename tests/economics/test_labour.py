"""The store labour model, each role's hours worked out by hand."""

from __future__ import annotations

import pyarrow as pa
import pytest
from tests.economics.helpers import money_scenario

from crossdock.economics import ROLES, store_labour
from crossdock.economics._labour import SCHEMAS


def one_store_day(**values: float) -> pa.Table:
    row = {
        "day": 0,
        "gln": "x",
        "name": "x",
        "items_sold": 3600,
        "revenue": 0.0,
        "cases_received": 120.0,
        "pallets_received": 4,
        "deliveries": 1,
        "skus_listed": 6,
    }
    row.update(values)
    return pa.Table.from_pylist([row], schema=SCHEMAS["store_daily"])


def hours(
    mode: str = "shared", table: pa.Table | None = None, **labour: object
) -> dict[str, float]:
    sc = money_scenario()
    spec = sc.spec.economics.store_labour.model_copy(update=labour)
    sc = money_scenario(store_labour=spec)
    out = store_labour(table if table is not None else one_store_day(), sc, mode).to_pandas()
    assert list(out.role) == list(ROLES)
    assert out.eur.tolist() == pytest.approx((out.hours * 15.0).tolist())  # 10 EUR + 50%
    return dict(zip(out.role, out.hours, strict=True))


def test_checkout_hours_from_items_and_baskets() -> None:
    # 3,600 items, 25% at self-checkouts; staffed: 3 s a scan + 60 s / 20 items a basket
    # = 6 s an item x 2,700 items = 4.5 h; self: (5 + 90 / 20) s x 900 = 8,550 s of station
    # time, one attendant per 6 stations: 1,425 s
    got = hours(
        self_checkout_share=0.25,
        scan_seconds=3.0,
        basket_seconds=60.0,
        items_per_basket=20.0,
        self_scan_seconds=5.0,
        self_basket_seconds=90.0,
        self_checkouts_per_attendant=6.0,
    )
    assert got["cashier"] == pytest.approx(4.5)
    assert got["self_checkout_attendant"] == pytest.approx(1425 / 3600)


def test_shelf_filling_faster_from_store_ready_cages() -> None:
    # 120 cases at 60 an hour from mixed pallets = 2 h; at 80 from store-ready cages = 1.5 h
    rates = {"cases_per_hour": 60.0, "store_ready_cases_per_hour": 80.0}
    assert hours(**rates)["shelf_filler"] == pytest.approx(2.0)
    ready = hours(store_ready_from_platforms=True, **rates)
    assert ready["shelf_filler"] == pytest.approx(1.5)
    # the DC's setting does not apply to a shared-mode store, served by a platform
    assert hours(store_ready_from_dc=True, **rates)["shelf_filler"] == pytest.approx(2.0)
    assert hours("traditional", store_ready_from_dc=True, **rates)["shelf_filler"] == 1.5


def test_receiving_per_delivery_and_pallet() -> None:
    # one delivery of 4 pallets: 15 min + 4 x 3 min = 27 min
    got = hours(minutes_per_delivery=15.0, minutes_per_pallet=3.0)
    assert got["receiver"] == pytest.approx(27 / 60)
    assert hours(table=one_store_day(deliveries=0, pallets_received=0))["receiver"] == 0.0


def test_ordering_review_in_traditional_and_check_in_shared() -> None:
    # 6 listed SKUs reviewed every day at 10 s = 60 s; checked at 1 s = 6 s
    got = {
        m: hours(m, review_seconds_per_sku=10.0, check_seconds_per_sku=1.0)
        for m in ("traditional", "shared")
    }
    assert got["traditional"]["orderer"] == pytest.approx(60 / 3600)
    assert got["shared"]["orderer"] == pytest.approx(6 / 3600)
