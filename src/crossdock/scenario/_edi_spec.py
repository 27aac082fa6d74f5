"""Scenario settings of the EDI channel (``edi:``): how messages travel between parties.

With the defaults (``channel: direct``) parties hand each other message objects, the fastest
way. ``channel: edi`` sends every message as an EANCOM interchange, encoded, carried and
decoded, with the faults below; see ``docs/edi-channel.md``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from crossdock.errors import IdentifierError
from crossdock.gs1 import validate_gln

__all__ = ["EdiSpec"]

Edition = Literal["EANCOM_97", "EANCOM_2002"]


def _gln(value: str) -> str:
    try:
        return validate_gln(value)
    except IdentifierError as error:
        raise ValueError(str(error)) from None


_Gln = Annotated[str, AfterValidator(_gln)]
_Rate = Annotated[float, Field(ge=0, le=0.5)]


class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )


class EdiSpec(_Spec):
    """How parties' messages travel, and what goes wrong on the way (EDI mode only)."""

    channel: Literal["direct", "edi"] = "direct"
    """``direct``: message objects, same day, no encoding; ``edi``: EANCOM interchanges."""
    edition: Edition = "EANCOM_2002"
    """The EANCOM edition parties write unless ``partner_editions`` says otherwise."""
    partner_editions: dict[_Gln, Edition] = {}
    """Edition per party GLN: interchanges to that party (and its CONTRLs) use it."""
    loss_rate: _Rate = 0.0
    """Share of interchanges lost on the way (each transmission, CONTRLs included)."""
    duplication_rate: _Rate = 0.0
    """Share of interchanges delivered twice."""
    delay_rate: _Rate = 0.0
    """Share of interchanges delivered 1 to ``max_delay_days`` days late."""
    corruption_rate: _Rate = 0.0
    """Share of interchanges garbled on the way (a bad byte or a cut-off end)."""
    max_delay_days: Annotated[int, Field(ge=1, le=30)] = 2
    ack_timeout_days: Annotated[int, Field(ge=1, le=30)] = 1
    """Days a sender waits for a CONTRL before it sends the interchange again."""
