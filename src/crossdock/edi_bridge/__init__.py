"""Simulation messages over real EANCOM: the mapping and the EDI channel.

:class:`EdiBridge` maps each simulation message (:mod:`crossdock.messages`) to the EANCOM
messages of :mod:`crossdock.edi` and back — SLSRPT, INVRPT, ORDERS, ORDRSP, DESADV with SSCCs,
RECADV — so that a round trip gives back an equal message. :class:`EdiChannel` carries every
message between parties as an encoded interchange, with optional faults (lost, duplicated,
delayed and corrupted interchanges), CONTRL acknowledgements, retransmission and duplicate
detection, and can archive every interchange. :func:`make_channel` picks the channel of a run;
:class:`EdiSpec` is the scenario's ``edi:`` section (editions, fault rates, timeout).
See ``docs/edi-channel.md``.
"""

from crossdock.edi_bridge._bridge import EANCOM_TYPES, EdiBridge
from crossdock.edi_bridge._channel import EDI_COUNTERS, EdiChannel, Rejection, syntax_error_code
from crossdock.edi_bridge._make import CHANNELS, make_channel
from crossdock.edi_bridge._master import BridgeError, MasterData
from crossdock.scenario._edi_spec import EdiSpec

__all__ = [
    "CHANNELS",
    "EANCOM_TYPES",
    "EDI_COUNTERS",
    "BridgeError",
    "EdiBridge",
    "EdiChannel",
    "EdiSpec",
    "MasterData",
    "Rejection",
    "make_channel",
    "syntax_error_code",
]
