"""The EDI channel: same results as the direct channel, an archive, and faults survived."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from crossdock import edi, simulate
from crossdock.edi_bridge import EdiChannel, EdiSpec, make_channel
from crossdock.errors import ParameterError, ScenarioError
from crossdock.messages import Message, Order
from crossdock.scenario import Scenario


def with_edi(scenario: Scenario, **settings: object) -> Scenario:
    """``scenario`` with an ``edi:`` section."""
    return dataclasses.replace(
        scenario, spec=scenario.spec.model_copy(update={"edi": EdiSpec(**settings)})
    )


class RecordingChannel(EdiChannel):
    """An EDI channel that keeps every message the parties send."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.log: list[Message] = []

    def send(self, message: Message) -> None:
        self.log.append(message)
        super().send(message)


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_direct_and_edi_give_identical_results(two_platforms: Scenario, mode: str) -> None:
    direct = simulate(two_platforms, mode=mode, days=30, seed=5, channel="direct")
    over_edi = simulate(two_platforms, mode=mode, days=30, seed=5, channel="edi")
    assert direct.kpis == over_edi.kpis
    for name, table in direct.tables.items():
        if name != "edi_daily":
            assert table.equals(over_edi.tables[name]), name
    work = over_edi.tables["edi_daily"].to_pandas()
    assert work["interchanges"].sum() == direct.tables["messages"].to_pandas()["count"].sum()
    assert work["contrl"].sum() == work["interchanges"].sum()  # every one acknowledged
    assert work["bytes"].sum() > 0
    quiet = ["retransmissions", "lost", "duplicated", "delayed", "corrupted", "rejected"]
    assert (work[quiet] == 0).all().all()
    assert direct.tables["edi_daily"].to_pandas().drop(columns="day").sum().sum() == 0


def test_archive_holds_every_interchange(ok_small: Scenario, tmp_path: Path) -> None:
    result = simulate(ok_small, mode="shared", days=8, seed=2, edi_archive=tmp_path)
    files = sorted(tmp_path.rglob("*.edi"))
    work = result.tables["edi_daily"].to_pandas()
    assert len(files) == work["interchanges"].sum() + work["contrl"].sum()
    retailer, captain = ok_small.spec.retailer.gln, ok_small.supplier_gln[0]
    reports = sorted((tmp_path / retailer / captain).glob("0005-*.edi"))
    kinds = [type(edi.read(f).messages[0]).__name__ for f in reports]
    assert sorted(kinds) == ["InventoryReport", "SalesReport"]
    for path in files:
        interchange = edi.read(path)
        assert (path.parent.parent.name, path.parent.name) == (
            interchange.sender,
            interchange.recipient,
        )
        assert path.name.endswith(f"-{interchange.control_ref}.edi")
        assert interchange.edition is edi.Edition.EANCOM_2002
    assert (tmp_path / captain / retailer).is_dir()  # CONTRLs going back


def test_editions_per_partner(ok_small: Scenario, tmp_path: Path) -> None:
    captain = ok_small.supplier_gln[0]
    scenario = with_edi(ok_small, channel="edi", partner_editions={captain: "EANCOM_97"})
    simulate(scenario, mode="shared", days=3, seed=2, edi_archive=tmp_path)
    for path in tmp_path.rglob("*.edi"):
        interchange = edi.read(path)
        to_captain = captain in (interchange.sender, interchange.recipient)
        expected = edi.Edition.EANCOM_97 if to_captain else edi.Edition.EANCOM_2002
        assert interchange.edition is expected, path


def test_channel_choice(ok_small: Scenario, tmp_path: Path) -> None:
    assert type(make_channel(ok_small)).__name__ == "DirectChannel"
    assert isinstance(make_channel(ok_small, edi_archive=tmp_path), EdiChannel)
    assert isinstance(make_channel(with_edi(ok_small, channel="edi")), EdiChannel)
    with pytest.raises(ParameterError, match="'channel' parameter of simulate"):
        make_channel(ok_small, "carrier-pigeon")
    with pytest.raises(ParameterError, match="edi_archive"):
        make_channel(ok_small, "direct", edi_archive=tmp_path)
    with pytest.raises(ScenarioError, match=r"edi\.partner_editions"):
        make_channel(
            with_edi(ok_small, channel="edi", partner_editions={"4012345000016": "EANCOM_97"})
        )


# --- faults -----------------------------------------------------------------------------

FAULTS = {"loss_rate": 0.05, "duplication_rate": 0.05, "delay_rate": 0.05}


def faulty_run(scenario: Scenario, mode: str, days: int, seed: int = 11, **extra: float):
    channel = RecordingChannel(
        scenario, seed=seed, settings=EdiSpec(channel="edi", **{**FAULTS, **extra})
    )
    result = simulate(scenario, mode=mode, days=days, seed=seed, detail=True, channel=channel)
    return result, channel


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_no_order_lost_for_good_nor_filled_twice(two_platforms: Scenario, mode: str) -> None:
    days = 60
    result, channel = faulty_run(two_platforms, mode, days)
    work = result.tables["edi_daily"].to_pandas().sum()
    assert work["lost"] > 0 and work["duplicated"] > 0 and work["delayed"] > 0
    assert work["retransmissions"] > 0 and work["duplicates_dropped"] > 0
    assert result.kpis["edi_retransmissions"] > 0
    assert result.kpis["edi_duplicates_dropped"] > 0
    # The ledger balances: every unit is somewhere, nothing made or sold twice.
    ledger = result.ledger
    assert ledger.violations() == []
    assert ledger.sku_violations().size == 0
    assert ledger.unmatched_transfers().size == 0
    assert (ledger.stock_units >= 0).all()
    # Every order reaches its receiver exactly once (those sent before the last days, which
    # may still be on the way), and none twice.
    orders = [m for m in channel.log if isinstance(m, Order)]
    assert len(orders) > 50
    times = [channel.deliveries[(m.sender, m.reference)] for m in orders]
    assert max(times) == 1
    settled = [t for m, t in zip(orders, times, strict=True) if m.day < days - 8]
    assert settled and min(settled) == 1
    # What suppliers booked is what was ordered of them, once.
    ordered_of_suppliers = sum(
        int(m.quantity.sum())
        for m in orders
        if channel.deliveries[(m.sender, m.reference)] and m.ship_to_kind in ("platform", "dc")
    )
    booked = int(ledger.sku["supplier_orders"].sum())
    assert 0 < booked <= ordered_of_suppliers
    # Retransmissions cost something but the run still sells.
    assert result.kpis["fill_rate"] > 0.5


def test_corrupted_interchanges_are_rejected_with_an_error_code(ok_small: Scenario) -> None:
    result, channel = faulty_run(ok_small, "shared", 40, corruption_rate=0.05)
    assert result.kpis["edi_rejected"] > 0
    assert channel.rejections
    for rejection in channel.rejections:
        assert rejection.code in {"12", "13", "14", "18", "21", "29"}
        assert rejection.error
    codes = {r.code for r in channel.rejections}
    assert codes & {"13", "21"}  # cut-off ends and garbled bytes
    assert result.ledger.violations() == []
    orders = [m for m in channel.log if isinstance(m, Order)]
    assert max(channel.deliveries[(m.sender, m.reference)] for m in orders) == 1


def test_rejections_are_answered_with_contrl(ok_small: Scenario, tmp_path: Path) -> None:
    scenario = with_edi(ok_small, channel="edi", corruption_rate=0.2)
    simulate(scenario, mode="shared", days=10, seed=4, edi_archive=tmp_path)
    rejected = []
    for path in tmp_path.rglob("*.edi"):
        report = edi.read(path).messages[0]
        if isinstance(report, edi.ContrlReport) and report.action is edi.SyntaxAction.REJECTED:
            rejected.append(report)
    assert rejected and all(r.error for r in rejected)


def test_same_seed_same_faults(ok_small: Scenario) -> None:
    first, one = faulty_run(ok_small, "shared", 30, corruption_rate=0.05)
    again, two = faulty_run(ok_small, "shared", 30, corruption_rate=0.05)
    assert first.kpis == again.kpis
    assert first.tables["edi_daily"].equals(again.tables["edi_daily"])
    other, _ = faulty_run(ok_small, "shared", 30, seed=12, corruption_rate=0.05)
    assert not other.tables["edi_daily"].equals(first.tables["edi_daily"])
    assert one.deliveries == two.deliveries and one.rejections == two.rejections


@pytest.mark.parametrize("mode", ["traditional", "shared"])
def test_eancom_97_throughout(two_platforms: Scenario, mode: str) -> None:
    scenario = with_edi(two_platforms, channel="edi", edition="EANCOM_97")
    direct = simulate(two_platforms, mode=mode, days=20, seed=6)
    over_edi = simulate(scenario, mode=mode, days=20, seed=6)
    assert over_edi.tables["edi_daily"].to_pandas()["interchanges"].sum() > 0
    assert direct.kpis == over_edi.kpis
