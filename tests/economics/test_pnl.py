"""Every P&L line on hand-made tables, each figure worked out by hand (see ``helpers``)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.economics.helpers import blank_tables, lines, money_scenario

from crossdock.economics import COMPONENTS, LINES, build_pnl

SC = money_scenario()
S0, S1 = str(SC.supplier_name[0]), str(SC.supplier_name[1])
K = SC.n_skus


def sku(**cells: float) -> np.ndarray:
    """A one-day ``[1, sku]`` array with ``sku<k>=value`` cells set."""
    out = np.zeros((1, K))
    for name, v in cells.items():
        out[0, int(name.removeprefix("sku"))] = v
    return out


def pnl(mode: str = "shared", sc=SC, **figures):
    return build_pnl(blank_tables(sc, **figures), sc, mode)


def test_retailer_revenue_is_the_stores_takings_at_the_price_paid() -> None:
    got = lines(pnl(revenue=42.0), "retailer")
    assert got["revenue"] == 42.0
    assert got["operating_profit"] == 42.0


def test_cogs_and_gross_margin() -> None:
    # 4 units of SKU 0 and 2 of SKU 1 sold at unit cost 2.00: cogs -12; revenue 18 -> margin 6
    got = lines(pnl(revenue=18.0, sku_sales=sku(sku0=4, sku1=2)), "retailer")
    assert got["cogs"] == -12.0
    assert got["gross_margin"] == 6.0


def test_lost_margin_is_a_memo_outside_the_operating_profit() -> None:
    # 5 units of SKU 2 lost, each 3.00 - 2.00 = 1.00 of margin
    got = lines(pnl(sku_lost_sales=sku(sku2=5)), "retailer")
    assert got["lost_margin"] == -5.0
    assert got["operating_profit"] == 0.0


def test_capital_cost_on_stock_value() -> None:
    # 36.5% a year = 0.1% a day: stores 1,000 + in transit 500 -> retailer -1.50;
    # supplier 0 holds 400 at its price, 200 at materials cost -> -0.20
    table = pnl(
        stock_value={"store": {0: 600.0, 1: 400.0}, "carrier": {0: 500.0}, "supplier": {0: 400.0}}
    )
    assert lines(table, "retailer")["capital_cost"] == pytest.approx(-1.5)
    assert lines(table, S0)["capital_cost"] == pytest.approx(-0.2)


def test_storage_per_pallet_day_by_place() -> None:
    # 120 units at stores = 2 pallets x 1.00; 30 at the platform = 0.5 pallet x 0.50;
    # 60 at the DC = 1 pallet x 0.25; supplier 0 holds 60 = 1 pallet x 0.10
    table = pnl(
        sku_store_stock=sku(sku0=120),
        sku_platform_stock=sku(sku3=30),
        sku_dc_stock=sku(sku5=60),
        sku_supplier_stock=sku(sku0=60),
    )
    assert lines(table, "retailer")["storage"] == pytest.approx(-(2.0 + 0.25 + 0.25))
    assert lines(table, S0)["storage"] == pytest.approx(-0.1)
    assert lines(table, S1)["storage"] == 0.0


def test_transport_billed_to_whoever_pays_each_leg() -> None:
    # inbound from supplier 0 costs the carrier 100, outbound 50; it bills cost + 10%
    rows = [
        (0, "inbound", str(SC.supplier_gln[0]), 100.0),
        (0, "outbound", str(SC.platform_gln[0]), 50.0),
    ]
    table = pnl(transport=rows)
    assert lines(table, S0)["transport"] == pytest.approx(-110.0)
    assert lines(table, "retailer")["transport"] == pytest.approx(-55.0)
    carrier = lines(table, "carrier")
    assert carrier["revenue"] == pytest.approx(165.0)
    assert carrier["transport"] == pytest.approx(-150.0)
    assert carrier["operating_profit"] == pytest.approx(15.0)
    # ex-works: the retailer pays the inbound leg too
    other = money_scenario(
        transport=SC.spec.economics.transport.model_copy(update={"inbound": "retailer"})
    )
    table = pnl(sc=other, transport=rows)
    assert lines(table, "retailer")["transport"] == pytest.approx(-165.0)
    assert lines(table, S0)["transport"] == 0.0


def test_handling_labour_at_depots_with_store_ready_sorting() -> None:
    # 4 handling hours at 15.00 (wage 10 + 50% charges) = -60
    assert lines(pnl(depot_hours=4.0), "retailer")["handling_labour"] == pytest.approx(-60.0)
    # platforms building store-ready cages sort 900 cases at 4 s = 1 more hour in shared mode
    labour = SC.spec.economics.store_labour.model_copy(update={"store_ready_from_platforms": True})
    ready = money_scenario(store_labour=labour)
    got = pnl(sc=ready, depot_hours=4.0, cases_received=900.0)
    assert lines(got, "retailer")["handling_labour"] == pytest.approx(-75.0)
    # ... and none in traditional mode, where the DC delivers
    got = pnl("traditional", sc=ready, depot_hours=4.0, cases_received=900.0)
    assert lines(got, "retailer")["handling_labour"] == pytest.approx(-60.0)


def test_store_labour_is_the_labour_models_cost() -> None:
    assert lines(pnl(store_labour_eur=80.0), "retailer")["store_labour"] == -80.0


def test_factory_conversion_split_between_the_factorys_suppliers_by_units_made() -> None:
    # factory 0 (suppliers 0 and 1) busy 3 h at 100 = 300, made 30 of SKU 0 and 10 of SKU 1
    table = pnl(busy_hours={0: 3.0}, sku_produced=sku(sku0=30, sku1=10))
    assert lines(table, S0)["factory_conversion"] == pytest.approx(-225.0)
    assert lines(table, S1)["factory_conversion"] == pytest.approx(-75.0)
    assert lines(table, str(SC.supplier_name[2]))["factory_conversion"] == 0.0


def test_scrap_at_cost() -> None:
    # 4 ramp-scrapped units of SKU 0 at materials cost 1.00; 2 delisted units of SKU 3 at 2.00
    table = pnl(
        sku_ramp_scrap=sku(sku0=4), sku_delisted_scrap=sku(sku3=2), sku_obsolete=sku(sku1=1)
    )
    assert lines(table, S0)["scrap"] == pytest.approx(-4.0)
    assert lines(table, S1)["scrap"] == pytest.approx(-1.0)
    assert lines(table, "retailer")["scrap"] == pytest.approx(-4.0)


def test_edi_each_side_pays_split_among_suppliers_by_units_shipped() -> None:
    # 10 messages x 0.20 + 5 kB x 0.01 = 2.05 a side; suppliers 0 and 1 shipped 30 and 10
    table = pnl(messages=10, edi_bytes=5000, sku_supplier_shipped=sku(sku0=30, sku1=10))
    assert lines(table, "retailer")["edi"] == pytest.approx(-2.05)
    assert lines(table, S0)["edi"] == pytest.approx(-2.05 * 0.75)
    assert lines(table, S1)["edi"] == pytest.approx(-2.05 * 0.25)


def test_supplier_revenue_and_materials() -> None:
    # 30 units of SKU 0 shipped at 2.00 = 60; materials 50% = -30; gross margin 30
    got = lines(pnl(sku_supplier_shipped=sku(sku0=30)), S0)
    assert got["revenue"] == 60.0
    assert got["cogs"] == -30.0
    assert got["gross_margin"] == 30.0
    assert got["operating_profit"] == pytest.approx(30.0 - 0.0)


def test_every_party_day_has_every_line_once() -> None:
    table = pnl().to_pandas()
    parties = ["retailer", *map(str, SC.supplier_name), "carrier"]
    assert list(table.party.unique()) == parties
    counts = table.groupby(["day", "party"]).line.apply(tuple)
    assert all(c == LINES for c in counts)
    glns = dict(zip(table.party, table.gln, strict=True))
    assert glns["retailer"] == SC.spec.retailer.gln
    assert glns[S0] == SC.supplier_gln[0]
    assert glns["carrier"] == SC.spec.carrier.gln
    assert set(COMPONENTS) == {
        line
        for line, kind in zip(table.line, table.kind, strict=True)
        if kind in ("revenue", "cost")
    }
