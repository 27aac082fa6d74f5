"""Tiny named samples for the EDI tests: ``small_interchange`` has one message of each type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from crossdock.edi import (
    ContrlReport,
    DespatchAdvice,
    DespatchLine,
    Edition,
    Interchange,
    InventoryLine,
    InventoryReport,
    LineStatus,
    MessageAck,
    Order,
    OrderLine,
    OrderResponse,
    Pallet,
    ReceivedLine,
    ReceivedPallet,
    ReceivingAdvice,
    ResponseLine,
    ResponseType,
    SalesLine,
    SalesLocation,
    SalesReport,
    StockLocation,
    StoreSplit,
    SyntaxAction,
)
from crossdock.gs1 import make_gln, make_gtin13, make_sscc

DATA = Path(__file__).parent / "data"
FIXTURES = sorted(DATA.glob("*.edi"))

RETAILER = make_gln("5412345", 1)
SUPPLIER = make_gln("4012345", 1)
PLATFORM = make_gln("5412345", 2)
STORES = [make_gln("5412345", n) for n in range(3, 6)]
ITEMS = [make_gtin13("4012345", n) for n in range(100, 104)]
DAY = dt.date(2026, 11, 24)


def small_messages() -> tuple:
    """One message of each type, small enough to read at a glance."""
    return (
        SalesReport(
            message_ref="1",
            number="SLS-1",
            issued=DAY,
            period_start=DAY - dt.timedelta(days=1),
            period_end=DAY - dt.timedelta(days=1),
            seller=RETAILER,
            supplier=SUPPLIER,
            locations=(
                SalesLocation(
                    gln=STORES[0],
                    lines=(
                        SalesLine(gtin=ITEMS[0], quantity=5),
                        SalesLine(gtin=ITEMS[1], quantity=Decimal("2.5"), price=Decimal("1.99")),
                    ),
                ),
                SalesLocation(gln=STORES[1], lines=(SalesLine(gtin=ITEMS[0], quantity=0),)),
            ),
            currency="EUR",
        ),
        InventoryReport(
            message_ref="2",
            number="INV-1",
            issued=DAY,
            stock_date=DAY,
            buyer=RETAILER,
            supplier=SUPPLIER,
            locations=(
                StockLocation(gln=STORES[0], lines=(InventoryLine(gtin=ITEMS[0], quantity=7),)),
                StockLocation(gln=PLATFORM, lines=(InventoryLine(gtin=ITEMS[1], quantity=0),)),
            ),
        ),
        Order(
            message_ref="3",
            number="PO-1",
            issued=DAY,
            delivery_date=DAY + dt.timedelta(days=2),
            buyer=RETAILER,
            supplier=SUPPLIER,
            delivery_party=PLATFORM,
            lines=(
                OrderLine(
                    gtin=ITEMS[0],
                    quantity=12,
                    splits=(
                        StoreSplit(store=STORES[0], quantity=5),
                        StoreSplit(store=STORES[1], quantity=7),
                    ),
                ),
                OrderLine(gtin=ITEMS[1], quantity=3, price=Decimal("0.50")),
            ),
            currency="EUR",
            notes=("Ring twice: it's the rear door?",),
        ),
        OrderResponse(
            message_ref="4",
            number="POR-1",
            response=ResponseType.CHANGED,
            issued=DAY,
            order_number="PO-1",
            buyer=RETAILER,
            supplier=SUPPLIER,
            lines=(
                ResponseLine(gtin=ITEMS[0], status=LineStatus.ACCEPTED, quantity=12),
                ResponseLine(gtin=ITEMS[1], status=LineStatus.REFUSED, quantity=0),
            ),
        ),
        DespatchAdvice(
            message_ref="5",
            number="DES-1",
            issued=DAY,
            despatch_date=DAY,
            supplier=SUPPLIER,
            buyer=RETAILER,
            delivery_party=PLATFORM,
            pallets=(
                Pallet(
                    sscc=make_sscc("4012345", 1, 3),
                    lines=(DespatchLine(gtin=ITEMS[0], quantity=12),),
                ),
            ),
            order_number="PO-1",
            delivery_date=DAY + dt.timedelta(days=1),
        ),
        ReceivingAdvice(
            message_ref="6",
            number="REC-1",
            issued=DAY,
            received=DAY,
            despatch_number="DES-1",
            buyer=RETAILER,
            supplier=SUPPLIER,
            delivery_party=PLATFORM,
            pallets=(
                ReceivedPallet(
                    sscc=make_sscc("4012345", 1, 3),
                    lines=(ReceivedLine(gtin=ITEMS[0], quantity=11),),
                ),
            ),
        ),
        ContrlReport(
            message_ref="7",
            interchange_ref="ORD1",
            sender=SUPPLIER,
            recipient=RETAILER,
            action=SyntaxAction.ACCEPTED,
            messages=(
                MessageAck(
                    message_ref="3",
                    message_type="ORDERS",
                    action=SyntaxAction.REJECTED,
                    error="16",
                ),
            ),
        ),
    )


def small_interchange(edition: Edition = Edition.EANCOM_2002, **changes) -> Interchange:
    """An interchange with one message of each type."""
    fields = dict(
        sender=RETAILER,
        recipient=SUPPLIER,
        control_ref="42",
        prepared=dt.datetime(2026, 11, 24, 6, 30),
        messages=small_messages(),
        edition=edition,
    )
    fields.update(changes)
    return Interchange(**fields)
