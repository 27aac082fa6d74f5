"""Choosing the channel of a run."""

from __future__ import annotations

from pathlib import Path

from crossdock.channel import Channel, DirectChannel
from crossdock.edi_bridge._channel import EdiChannel
from crossdock.errors import ParameterError, ScenarioError
from crossdock.scenario import Scenario

__all__ = ["CHANNELS", "make_channel"]

CHANNELS = ("direct", "edi")


def make_channel(
    scenario: Scenario,
    channel: str | Channel | None = None,
    *,
    seed: int = 0,
    edi_archive: str | Path | None = None,
) -> Channel:
    """A fresh channel for one run.

    ``channel`` is ``"direct"``, ``"edi"``, a channel object (used as is) or ``None``: the
    scenario's ``edi.channel``, or ``"edi"`` when ``edi_archive`` is given.
    """
    if channel is not None and not isinstance(channel, str):  # a channel object, used as is
        return channel
    settings = scenario.spec.edi
    if channel is None:
        channel = "edi" if edi_archive is not None else settings.channel
    if channel not in CHANNELS:
        raise ParameterError("simulate", "channel", f"one of {list(CHANNELS)}", channel)
    if channel == "direct":
        if edi_archive is not None:
            raise ParameterError(
                "simulate", "edi_archive", "None with the direct channel", str(edi_archive)
            )
        return DirectChannel()
    unknown = set(scenario.spec.edi.partner_editions) - _party_glns(scenario)
    if unknown:
        raise ScenarioError(
            f"GLN {sorted(unknown)[0]} is not a party of the scenario",
            field="edi.partner_editions",
        )
    return EdiChannel(scenario, seed=seed, settings=settings, archive=edi_archive)


def _party_glns(scenario: Scenario) -> set[str]:
    glns = {scenario.spec.retailer.gln}
    for table in (
        scenario.store_gln,
        scenario.platform_gln,
        scenario.dc_gln,
        scenario.supplier_gln,
        scenario.factory_gln,
    ):
        glns.update(str(g) for g in table)
    return glns
