"""The two-way mapping between simulation messages and EANCOM interchanges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from crossdock import edi
from crossdock import messages as sim
from crossdock.edi_bridge._logistics import (
    despatch_from_edi,
    despatch_to_edi,
    receipt_from_edi,
    receipt_to_edi,
)
from crossdock.edi_bridge._master import BridgeError, MasterData
from crossdock.edi_bridge._orders import (
    order_from_edi,
    order_to_edi,
    response_from_edi,
    response_to_edi,
)
from crossdock.edi_bridge._reports import (
    inventory_from_edi,
    inventory_to_edi,
    sales_from_edi,
    sales_to_edi,
)
from crossdock.scenario import Scenario

__all__ = ["EANCOM_TYPES", "EdiBridge"]

#: The EANCOM message each simulation message travels as.
EANCOM_TYPES: dict[type[sim.Message], str] = {
    sim.SalesReport: "SLSRPT",
    sim.InventoryReport: "INVRPT",
    sim.Order: "ORDERS",
    sim.OrderResponse: "ORDRSP",
    sim.DespatchAdvice: "DESADV",
    sim.ReceivingAdvice: "RECADV",
}

_FromEdi = Callable[[tuple[edi.Message, ...], MasterData, str, str], sim.Message]
_FROM_EDI: dict[type, _FromEdi] = {
    edi.SalesReport: sales_from_edi,
    edi.InventoryReport: inventory_from_edi,
    edi.Order: order_from_edi,
    edi.OrderResponse: response_from_edi,
    edi.DespatchAdvice: despatch_from_edi,
    edi.ReceivingAdvice: receipt_from_edi,
}


class EdiBridge:
    """Translates each simulation message to EANCOM messages and back, for one scenario.

    ``to_edi(message)`` gives the EANCOM messages (usually one; see ``docs/edi-channel.md``
    for the messages that travel as several) and ``from_edi(messages, sender=, receiver=)``
    the simulation message again, equal array for array. ``interchange`` and ``message`` do
    the same with the UNB/UNZ envelope around them.

    The bridge remembers the SSCC range of every despatch advice it translates, so that the
    receiving advice answering it names the same pallets.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.master = MasterData(scenario)
        self._sscc_first: dict[tuple[str, str], int] = {}

    def to_edi(self, message: sim.Message) -> tuple[edi.Message, ...]:
        """The EANCOM messages carrying ``message``."""
        md = self.master
        try:
            if isinstance(message, sim.SalesReport):
                return sales_to_edi(message, md)
            if isinstance(message, sim.InventoryReport):
                return inventory_to_edi(message, md)
            if isinstance(message, sim.Order):
                return order_to_edi(message, md)
            if isinstance(message, sim.OrderResponse):
                return response_to_edi(message, md)
            if isinstance(message, sim.DespatchAdvice):
                parts = despatch_to_edi(message, md)
                self._sscc_first[(message.sender, message.despatch_number)] = message.sscc_first
                return parts
            if isinstance(message, sim.ReceivingAdvice):
                first = self._sscc_first.get((message.receiver, message.despatch_number))
                if first is None:
                    raise BridgeError(
                        f"no despatch advice {message.despatch_number!r} from "
                        f"{message.receiver} to answer",
                        field="despatch_number",
                    )
                return receipt_to_edi(message, md, first)
        except BridgeError as error:
            raise BridgeError(
                error.message, field=f"{type(message).__name__} {message.reference}.{error.field}"
            ) from None
        raise BridgeError(f"no EANCOM message for {type(message).__name__}", field="message")

    def note_despatch(self, message: sim.DespatchAdvice) -> None:
        """Remember the SSCC range of a despatch advice sent without :meth:`to_edi`."""
        self._sscc_first[(message.sender, message.despatch_number)] = message.sscc_first

    def despatch_sscc_first(self, supplier: str, despatch_number: str) -> int | None:
        """First SSCC serial of despatch advice ``despatch_number`` from ``supplier``, if known."""
        return self._sscc_first.get((supplier, despatch_number))

    def from_edi(
        self, messages: tuple[edi.Message, ...], *, sender: str, receiver: str
    ) -> sim.Message:
        """The simulation message carried by ``messages`` (all parts of one message)."""
        if not messages:
            raise BridgeError("no message to translate", field="messages")
        kind = type(messages[0])
        translate = _FROM_EDI.get(kind)
        if translate is None or any(type(m) is not kind for m in messages):
            names = sorted({type(m).__name__ for m in messages})
            raise BridgeError(f"no simulation message for {names}", field="messages")
        self.master.locate(sender, "sender")
        self.master.locate(receiver, "receiver")
        message = translate(messages, self.master, sender, receiver)
        if isinstance(message, sim.DespatchAdvice):
            self._sscc_first[(message.sender, message.despatch_number)] = message.sscc_first
        return message

    def interchange(
        self,
        message: sim.Message,
        *,
        control_ref: str,
        edition: edi.Edition = edi.Edition.EANCOM_2002,
    ) -> edi.Interchange:
        """``message`` in an interchange from its sender to its receiver (UNB GLNs)."""
        return edi.Interchange(
            sender=message.sender,
            recipient=message.receiver,
            control_ref=control_ref,
            prepared=self.interchange_time(message.day),
            messages=self.to_edi(message),
            edition=edition,
            application_ref=EANCOM_TYPES.get(type(message)),
        )

    def interchange_time(self, day: int) -> dt.datetime:
        """When an interchange of simulation day ``day`` is prepared (UNB): that day, 00:00."""
        date = self.master.date(day)
        return dt.datetime(date.year, date.month, date.day)

    def message(self, interchange: edi.Interchange) -> sim.Message:
        """The simulation message an interchange carries."""
        return self.from_edi(
            interchange.messages, sender=interchange.sender, receiver=interchange.recipient
        )
