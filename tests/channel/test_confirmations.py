"""The retailer's confirmations (ORDRSP) survive a faulty channel: every one is ordered."""

from __future__ import annotations

import dataclasses

from crossdock import simulate
from crossdock.edi_bridge import EdiSpec
from crossdock.messages import OrderResponse
from crossdock.scenario import Scenario

from .test_channel import RecordingChannel


def test_late_confirmations_are_still_ordered(two_platforms: Scenario) -> None:
    spec = two_platforms.spec
    retailer_spec = spec.retailer.model_copy(update={"confirms_proposals": True})
    two_platforms = dataclasses.replace(
        two_platforms, spec=spec.model_copy(update={"retailer": retailer_spec})
    )
    days = 80
    channel = RecordingChannel(
        two_platforms,
        seed=8,
        settings=EdiSpec(channel="edi", loss_rate=0.05, duplication_rate=0.05, delay_rate=0.1),
    )
    faulty = simulate(two_platforms, mode="shared", days=days, seed=8, channel=channel)
    direct = simulate(two_platforms, mode="shared", days=days, seed=8)
    retailer = two_platforms.spec.retailer.gln
    answers = [m for m in channel.log if isinstance(m, OrderResponse) and m.sender == retailer]
    assert answers
    confirmed_all = sum(int(m.quantity.sum()) for m in answers)
    confirmed_settled = sum(int(m.quantity.sum()) for m in answers if m.day < days - 8)
    dispatched = int(faulty.ledger.sku["store_orders"].sum())
    # whatever the retailer confirmed (late answers included) was ordered of the suppliers
    assert confirmed_settled <= dispatched <= confirmed_all
    assert faulty.kpis["edi_retransmissions"] > 0
    assert faulty.kpis["fill_rate"] > direct.kpis["fill_rate"] - 0.1
