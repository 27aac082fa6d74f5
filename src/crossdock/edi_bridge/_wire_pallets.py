"""The EDI channel's writing side for despatch and receiving advices: DESADV and RECADV text.

:func:`despatch_text` (and :func:`receipt_text`) write the interchange that
``edi.encode(bridge.interchange(...))`` writes for a simulation despatch (receiving) advice —
the same bytes, the tests compare them on every advice of short runs in both editions —
without the EANCOM objects in between (``Pallet``, ``DespatchLine`` and the messages). The
goods are loaded onto pallets exactly as the bridge loads them (``_logistics.loads``,
the same SSCCs), and each pallet and line becomes one f-string from texts built once per item.
Anything out of the common case (a reference or number to escape, a party or item the scenario
does not know, quantities that are not small non-negative integers...) returns ``None``, and the
caller takes the general way, which writes the same text or names the problem.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from crossdock import edi
from crossdock import messages as sim
from crossdock._kernels import pallets as count_pallets
from crossdock.edi._common import LIMIT
from crossdock.edi_bridge._logistics import (
    PREFIX_DIGITS,
    Load,
    _receipt_location_kind,
    loads,
    make_sscc_list,
)
from crossdock.edi_bridge._master import BridgeError, MasterData
from crossdock.edi_bridge._orders import LOCATION_KIND
from crossdock.edi_bridge._reports import part_ref
from crossdock.edi_bridge._wire_text import (
    _DOCUMENT,
    _PLAIN,
    _day,
    _outside,
    interchange_head,
    lin_numbers,
    numbered_lines,
)

__all__ = ["despatch_text", "receipt_text"]


@lru_cache(maxsize=64)  # per item list (a supplier's, a platform's...) and edition
def _heads(gtins: tuple[str, ...], item_type: str, qualifier: str) -> tuple[str, ...]:
    """Per item, the text of a DESADV/RECADV line from its GTIN to the quantity."""
    return tuple(f"++{gtin}:{item_type}'QTY+{qualifier}:" for gtin in gtins)


def _common(
    message: sim.DespatchAdvice | sim.ReceivingAdvice,
    md: MasterData,
    control_ref: str,
    prepared: dt.datetime,
    loc_kind: str,
    blank: bool = False,
) -> list[str] | None:
    """The locations' GLNs when the advice is in the common case the writers handle.

    ``blank``: an empty despatch number is written (as no RFF+AAK in a RECADV).
    """
    if not _PLAIN.fullmatch(control_ref) or not 2000 <= prepared.year <= 2099:
        return None
    if not _DOCUMENT.fullmatch(message.despatch_number) and not (
        blank and message.despatch_number == ""
    ):
        return None
    if md.party_of.get(message.sender) is None or md.party_of.get(message.receiver) is None:
        return None  # GLNs the scenario vouches for; any other: the general way checks
    quantity, items = message.quantity, message.items.tolist()
    locations = message.locations.tolist()
    if quantity.dtype.kind not in "iu" or quantity.shape != (len(locations), len(items)):
        return None
    if _outside(items, len(md.gtins)):
        return None
    if quantity.size and (int(quantity.min()) < 0 or int(quantity.max()) >= LIMIT):
        return None
    table = md.glns.get(loc_kind)
    if table is None or not locations or _outside(locations, len(table)):
        return None
    refs = [part_ref(message.reference, r) for r in range(len(locations))]
    if any(not _PLAIN.fullmatch(ref) for ref in refs):
        return None
    return [table[s] for s in locations]


def _pallets(
    per_location: list[Load], ssccs: list[str], heads: tuple[str, ...], pac: str
) -> list[tuple[str, int, int]]:
    """Per location: the text of its pallets (``pac`` their PAC) and lines, how many of each.

    The first pallet of the advice lists every item, as the bridge writes it.
    """
    out = []
    n = 0
    for load in per_location:
        texts = []
        number = 0
        for i, on_pallet in enumerate(load):
            texts.append(f"CPS+{i + 2}+1'{pac}'PCI+33E'GIN+BJ+{ssccs[n]}'")
            if n == 0:  # every item, numbered from 1 (``_first_pallet_lines``)
                listed = dict.fromkeys(range(len(heads)), 0)
                listed.update(on_pallet)
                texts.extend(numbered_lines(heads, list(listed.values())))
                number = len(heads)
            else:
                texts.extend(
                    f"{lin}{heads[j]}{q}'"
                    for lin, (j, q) in zip(
                        lin_numbers(number + 1, len(on_pallet)), on_pallet, strict=True
                    )
                )
                number += len(on_pallet)
            n += 1
        out.append(("".join(texts), len(load), number))
    return out


def _serials_fit(prefix: str, first: int, count: int) -> bool:
    return first >= 0 and first + count <= 10 ** (16 - len(prefix))


def despatch_text(
    message: sim.DespatchAdvice,
    md: MasterData,
    *,
    control_ref: str,
    edition: edi.Edition,
    prepared: dt.datetime,
) -> str | None:
    """The interchange text of a despatch advice, or ``None`` (see the module docstring)."""
    kind, ship_to = message.ship_to_kind, int(message.ship_to)
    if kind not in LOCATION_KIND or message.pallets < 1:
        return None
    buyers = _common(message, md, control_ref, prepared, LOCATION_KIND[kind])
    if buyers is None:
        return None
    fixed = None
    if kind != "store" or ship_to >= 0:
        table = md.glns[kind]
        if not 0 <= ship_to < len(table):
            return None
        fixed = table[ship_to]
    prefix = message.sender[:PREFIX_DIGITS]
    if not _serials_fit(prefix, message.sscc_first, message.pallets):
        return None
    try:
        on_pallets = loads(message.quantity, message.items, md, message.pallets)
    except BridgeError:
        return None
    ssccs = make_sscc_list(prefix, message.sscc_first, message.pallets)
    heads = _heads(md.gtin_tuple(message.items), edition.item_type, "12")
    sender, receiver, number = message.sender, message.receiver, message.despatch_number
    date = _day(md.date(message.day))
    dates = f"DTM+137:{date}:102'DTM+11:{date}:102'DTM+17:{_day(md.date(message.arrival_day))}:102'"
    unh = f"+DESADV:D:{edition.release}:UN:{edi.ASSOCIATION_CODES[edition]['DESADV']}'"
    out = [interchange_head(sender, receiver, prepared, control_ref, "DESADV")]
    for r, (buyer, (body, pallets, lines)) in enumerate(
        zip(buyers, _pallets(on_pallets, ssccs, heads, "PAC+1++201"), strict=True)
    ):
        ref = part_ref(message.reference, r)
        out.append(
            f"UNH+{ref}{unh}BGM+351+{number}+9'{dates}NAD+SU+{sender}::9'NAD+BY+{buyer}::9'"
            f"NAD+DP+{fixed or buyer}::9'CPS+1'{body}"
            f"CNT+2:{lines}'UNT+{11 + 4 * pallets + 2 * lines}+{ref}'"
        )
    out.append(f"UNZ+{len(buyers)}+{control_ref}'")
    return "".join(out)


def receipt_text(
    message: sim.ReceivingAdvice,
    md: MasterData,
    sscc_first: int,
    *,
    control_ref: str,
    edition: edi.Edition,
    prepared: dt.datetime,
) -> str | None:
    """The interchange text of a receiving advice, or ``None`` (see the module docstring).

    ``sscc_first`` is the first serial of the despatch advice it answers (the bridge keeps it).
    """
    loc_kind = _receipt_location_kind(message.sender, md)
    buyers = _common(message, md, control_ref, prepared, loc_kind, blank=True)
    if buyers is None:
        return None
    per_pallet = md.units_per_pallet[message.items]
    total = max(int(count_pallets(message.quantity, per_pallet).sum()), 1)
    prefix = message.receiver[:PREFIX_DIGITS]
    if not _serials_fit(prefix, sscc_first, total):
        return None
    try:
        on_pallets = loads(message.quantity, message.items, md, total)
    except BridgeError:
        return None
    ssccs = make_sscc_list(prefix, sscc_first, total)
    heads = _heads(md.gtin_tuple(message.items), edition.item_type, "48")
    sender, receiver, number = message.sender, message.receiver, message.despatch_number
    date = _day(md.date(message.day))
    code = "352::9" if edition is edi.Edition.EANCOM_97 else "632"
    aak = f"RFF+AAK:{number}'" if number else ""
    unh = f"+RECADV:D:{edition.release}:UN:{edi.ASSOCIATION_CODES[edition]['RECADV']}'"
    out = [interchange_head(sender, receiver, prepared, control_ref, "RECADV")]
    for r, (buyer, (body, pallets, lines)) in enumerate(
        zip(buyers, _pallets(on_pallets, ssccs, heads, "PAC+1"), strict=True)
    ):
        ref = part_ref(message.reference, r)
        out.append(
            f"UNH+{ref}{unh}BGM+{code}+{ref}+9'DTM+137:{date}:102'DTM+50:{date}:102'{aak}"
            f"NAD+BY+{buyer}::9'NAD+SU+{receiver}::9'NAD+DP+{sender}::9'CPS+1'"
            f"{body}"
            f"CNT+2:{lines}'UNT+{10 + bool(aak) + 4 * pallets + 2 * lines}+{ref}'"
        )
    out.append(f"UNZ+{len(buyers)}+{control_ref}'")
    return "".join(out)
