"""DESADV (despatch advice) and RECADV (receiving advice): structure, decoding, encoding.

Both describe pallets with the CPS hierarchy: ``CPS+1`` is the whole consignment, each pallet
is ``CPS+n+1`` (level n, child of level 1) with ``PAC+1++201`` (one ISO 1 pallet), ``PCI+33E``
(marked with an SSCC) and ``GIN+BJ+<SSCC>``, followed by the LIN groups of the items on it —
QTY+12 (despatched) in a DESADV, QTY+48 (received) in a RECADV. In EANCOM 97 the groups are
DESADV SG10 CPS, SG11 PAC, SG13 PCI, SG14 GIN, SG15 LIN (RECADV SG16 CPS, SG17 PAC, SG18
PCI, SG20 GIN, SG22 LIN); in EANCOM 2002 DESADV SG10 CPS (with FTX), SG11, SG13, SG15 GIN,
SG17 LIN.
"""

from __future__ import annotations

from collections.abc import Sequence

from crossdock.edi._common import (
    Writer,
    date_of,
    header_dates,
    line_numbers,
    read_bgm,
    read_cnt,
    read_lin,
    read_parties,
    read_qty,
    read_refs,
    require_parties,
)
from crossdock.edi._elements import component, read_id, valid_id
from crossdock.edi._errors import Reporter, _Stop
from crossdock.edi._model import (
    DespatchAdvice,
    DespatchLine,
    Edition,
    Pallet,
    Quantity,
    ReceivedLine,
    ReceivedPallet,
    ReceivingAdvice,
)
from crossdock.edi._structure import Node
from crossdock.edi._syntax import Syntax
from crossdock.edi._tables import TABLES

__all__ = [
    "DESADV",
    "RECADV",
    "decode_despatch_advice",
    "decode_receiving_advice",
    "encode_despatch_advice",
    "encode_receiving_advice",
]

DESADV = TABLES["DESADV"]
RECADV = TABLES["RECADV"]
_ARRIVAL = ("17", "132", "69", "358", "64", "2", "63")
"""Where a DESADV's estimated delivery date comes from: estimated, arrival estimated,
promised, scheduled on or after, earliest, requested, latest."""

Content = list[tuple[str, Quantity]]


def _pallets(
    rep: Reporter, groups: Sequence[Node], item_type: str, qualifier: str
) -> tuple[list[tuple[str, str, Content]], Content]:
    """Read the CPS levels: pallets as (SSCC, package type, content), and loose lines.

    Loose lines are those not on a package identified by an SSCC (warned about: the
    simulation tracks pallets by SSCC).

    A CPS level with PAC but no GIN+BJ is packaging described without identification (the
    consignment level's pallet count, cartons...): valid, its lines are loose lines.
    """
    pallets = []
    loose: Content = []
    levels: set[str] = set()
    for group in groups:
        number, cps = group["CPS"][0]
        level = component(cps, 1)
        if not level or level in levels:
            rep.error(f"hierarchical id {level!r} is not a new number", number, "CPS", 1)
            raise _Stop
        parent = component(cps, 2)
        if parent and parent not in levels:
            rep.error(f"parent level {parent!r} has not been given", number, "CPS", 2)
            raise _Stop
        levels.add(level)
        packages = group.get("package", ())
        ssccs: list[str] = []
        package_type = "201"
        for package in packages:
            _, pac = package["PAC"][0]
            for label in package.get("labels", ()):
                for ids in label.get("ids", ()):
                    gin_number, gin = ids["GIN"][0]
                    if component(gin, 1) != "BJ":
                        continue  # batch, serial numbers...: not mapped
                    for index in range(2, len(gin)):
                        for position in (1, 2):
                            if component(gin, index, position):
                                ssccs.append(read_id(rep, gin_number, gin, index, position, "SSCC"))
            if ssccs and package_type == "201":
                package_type = component(pac, 3) or "201"
        items: Content = []
        for line in group.get("lines", ()):
            gtin, _ = read_lin(rep, line["LIN"][0], item_type)
            items.append((gtin, read_qty(rep, line.get("QTY", ()), qualifier, line["LIN"][0])))
        if len(ssccs) > 1 and items:
            rep.error(
                f"the lines of one CPS level belong to one SSCC, found {len(ssccs)}",
                number,
                "CPS",
            )
            raise _Stop
        if ssccs and (items or len(ssccs) == 1):
            pallets.append((ssccs[0], package_type, items))
            pallets.extend((sscc, package_type, []) for sscc in ssccs[1:])
        elif items:
            rep.warn(
                f"{len(items)} line{'s' if len(items) != 1 else ''} not on a package with an "
                "SSCC (GIN+BJ): kept as loose lines, not tracked as a pallet",
                number,
                "CPS",
            )
            loose.extend(items)
    return pallets, loose


def decode_despatch_advice(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> DespatchAdvice:
    """Build a :class:`DespatchAdvice` from a parsed DESADV body."""
    _, number, _ = read_bgm(rep, node, ("351",))
    dates = header_dates(rep, node["DTM"], "DESADV")
    issued = date_of(rep, dates, "137")
    assert issued is not None
    despatched = date_of(rep, dates, "11")
    if despatched is None:
        despatched = issued
        rep.warn(f"no despatch date (DTM+11): taken as the document date, {issued}", *end)
    refs = read_refs(rep, node.get("references", ()), "DESADV")
    parties = read_parties(rep, node["parties"], "DESADV", ("SU", "BY", "DP", "UC", "ST"))
    require_parties(rep, parties, ("SU", "BY"), end)
    delivery_party = _delivery_party(rep, parties, end)
    pallets, loose = _pallets(rep, node["packages"], edition.item_type, "12")
    read_cnt(rep, node.get("CNT", ()), sum(len(items) for _, _, items in pallets) + len(loose))
    return DespatchAdvice(
        message_ref=message_ref,
        number=number,
        issued=issued,
        despatch_date=despatched,
        supplier=parties["SU"][0],
        buyer=parties["BY"][0],
        delivery_party=delivery_party,
        pallets=tuple(
            Pallet(
                sscc=sscc,
                package_type=package_type,
                lines=tuple(DespatchLine(gtin=g, quantity=q) for g, q in items),
            )
            for sscc, package_type, items in pallets
        ),
        order_number=refs.get("ON"),
        delivery_date=date_of(rep, dates, *_ARRIVAL),
        loose_lines=tuple(DespatchLine(gtin=g, quantity=q) for g, q in loose),
    )


def _delivery_party(
    rep: Reporter, parties: dict[str, tuple[str, int]], end: tuple[int, str]
) -> str:
    """NAD+DP; else the ultimate consignee (UC) or ship-to (ST); else the buyer (a warning)."""
    for qualifier in ("DP", "UC", "ST"):
        if qualifier in parties:
            if qualifier != "DP":
                rep.warn(
                    f"no delivery party (NAD+DP): NAD+{qualifier} used, {parties[qualifier][0]}",
                    parties[qualifier][1],
                    "NAD",
                )
            return parties[qualifier][0]
    gln = parties["BY"][0]
    rep.warn(f"no delivery party (NAD+DP, UC or ST): taken as the buyer, {gln}", *end)
    return gln


_PALLET_TEXTS: dict[tuple[Syntax, str, str], tuple[str, str, str, str, str, str]] = {}
"""The fixed texts of :func:`_write_pallets` per syntax, line ending and quantity qualifier."""


def _pallet_texts(w: Writer, qualifier: str) -> tuple[str, str, str, str, str, str]:
    """The texts around a pallet's values and its lines', formatted once per writer kind.

    ``CPS+``, ``+1'PAC+1``, ``'PCI+33E'GIN+BJ+``, ``LIN+`` and the texts before and after
    the GTIN of a line (see :meth:`Writer.line_heads`). A DESADV or RECADV has a pallet or
    two: formatting these for each message was a large share of its cost.
    """
    key = (w.syntax, w.newline, qualifier)
    texts = _PALLET_TEXTS.get(key)
    if texts is None:
        e, c, t, newline = w.element, w.component, w.terminator, w.newline
        tn = t + newline
        texts = (
            f"CPS{e}",
            f"{e}1{tn}PAC{e}1",
            f"{tn}PCI{e}33E{tn}GIN{e}BJ{e}",
            f"LIN{e}",
            f"{e}{e}",
            f"{newline}QTY{e}{qualifier}{c}",
        )
        if len(_PALLET_TEXTS) > 256:
            _PALLET_TEXTS.clear()
        _PALLET_TEXTS[key] = texts
    return texts


def _write_pallets(
    w: Writer,
    pallets: Sequence[Pallet | ReceivedPallet],
    qualifier: str,
    typed: bool,
    first_line: int,
) -> int:
    """Write the pallet levels (CPS, PAC, PCI+33E, GIN+BJ, then LIN and QTY lines).

    The hot loop of DESADV and RECADV: one string per pallet and per line; return the number
    of the last line written.
    """
    e, t = w.element, w.terminator
    cps, pac, marking, lin, before, after = _pallet_texts(w, qualifier)
    heads = w.line_heads(before, after)
    ends, get, append = w.terminated_numbers(), heads.get, w.out.append
    line_number = first_line
    types: dict[str, str] = {}
    for i, pallet in enumerate(pallets):
        sscc = pallet.sscc
        if type(sscc) is not str or valid_id(sscc, "SSCC"):
            w.id(sscc, "SSCC", f".pallets[{i}].sscc")
        package = ""
        if typed:
            package_type = pallet.package_type  # type: ignore[union-attr]
            if package_type is not None:
                shown = types.get(package_type)
                if shown is None:
                    field = f".pallets[{i}].package_type"
                    shown = types[package_type] = w.text(package_type, field, 17)
                package = f"{e}{e}{shown}"
        append(f"{cps}{i + 2}{pac}{package}{marking}{sscc}{t}")
        lines: Sequence[DespatchLine | ReceivedLine] = pallet.lines
        w.extra_segments += 3 + len(lines)  # one string per pallet and per line (LIN + QTY)
        # One string per line: ``LIN+<number>`` + the text from the GTIN to QTY's qualifier
        # (built once per item, see line_heads) + the quantity.
        for number, line in zip(line_numbers(line_number + 1, len(lines)), lines, strict=True):
            gtin = line.gtin
            head = get(gtin)
            if head is None:
                k = int(number) - line_number - 1
                head = w.head(heads, gtin, f".pallets[{i}].lines[{k}].gtin")
            quantity = line.quantity
            if type(quantity) is int and 0 <= quantity < 10_000:
                append(f"{lin}{number}{head}{ends[quantity]}")
            else:
                k = int(number) - line_number - 1
                field = f".pallets[{i}].lines[{k}].quantity"
                append(f"{lin}{number}{head}{w.quantity(quantity, field)}{t}")
        line_number += len(lines)
    return line_number


def _loose(w: Writer, lines: Sequence[DespatchLine | ReceivedLine], qualifier: str) -> int:
    """Write loose lines under the consignment level (CPS+1); return how many."""
    for k, line in enumerate(lines):
        w.lin(k + 1, line.gtin, f".loose_lines[{k}].gtin")
        w.qty(qualifier, line.quantity, f".loose_lines[{k}].quantity")
    return len(lines)


def encode_despatch_advice(w: Writer, advice: DespatchAdvice) -> None:
    """Write the body of a DESADV message."""
    w.bgm("351", advice.number)
    w.dtm("137", advice.issued, ".issued")
    w.dtm("11", advice.despatch_date, ".despatch_date")
    if advice.delivery_date is not None:
        w.dtm("17", advice.delivery_date, ".delivery_date")
    if advice.order_number is not None:
        w.rff("ON", advice.order_number, ".order_number")
    w.nad("SU", advice.supplier, ".supplier")
    w.nad("BY", advice.buyer, ".buyer")
    w.nad("DP", advice.delivery_party, ".delivery_party")
    w.out.append(f"CPS{w.element}1{w.terminator}")
    line_number = _loose(w, advice.loose_lines, "12")
    line_number = _write_pallets(w, advice.pallets, "12", True, line_number)
    w.out.append(f"CNT{w.element}2{w.component}{line_number}{w.terminator}")


def decode_receiving_advice(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> ReceivingAdvice:
    """Build a :class:`ReceivingAdvice` from a parsed RECADV body."""
    _, number, _ = read_bgm(rep, node, ("352", "632"))
    dates = header_dates(rep, node["DTM"], "RECADV")
    issued = date_of(rep, dates, "137")
    assert issued is not None
    received = date_of(rep, dates, "50", "178", "35")
    if received is None:
        received = issued
        rep.warn(f"no goods receipt date (DTM+50): taken as the document date, {issued}", *end)
    refs = read_refs(rep, node.get("references", ()), "RECADV")
    despatch_number = refs.get("AAK", "")
    if not despatch_number:
        rep.warn(
            "no despatch advice reference (RFF+AAK): the receipt cannot be matched to a "
            "despatch advice (despatch_number left empty)",
            *end,
        )
    parties = read_parties(rep, node["parties"], "RECADV", ("BY", "SU", "DP", "UC", "ST"))
    require_parties(rep, parties, ("BY", "SU"), end)
    delivery_party = _delivery_party(rep, parties, end)
    pallets, loose = _pallets(rep, node["packages"], edition.item_type, "48")
    read_cnt(rep, node.get("CNT", ()), sum(len(items) for _, _, items in pallets) + len(loose))
    return ReceivingAdvice(
        message_ref=message_ref,
        number=number,
        issued=issued,
        received=received,
        despatch_number=despatch_number,
        buyer=parties["BY"][0],
        supplier=parties["SU"][0],
        delivery_party=delivery_party,
        pallets=tuple(
            ReceivedPallet(
                sscc=sscc, lines=tuple(ReceivedLine(gtin=g, quantity=q) for g, q in items)
            )
            for sscc, _, items in pallets
        ),
        order_number=refs.get("ON"),
        loose_lines=tuple(ReceivedLine(gtin=g, quantity=q) for g, q in loose),
    )


def encode_receiving_advice(w: Writer, advice: ReceivingAdvice) -> None:
    """Write the body of a RECADV message."""
    # EANCOM 97 names the message 352 (receiving advice, a GS1 code), EANCOM 2002 uses the UN
    # code 632 (goods receipt); both are read in either edition.
    w.bgm(("352", "", "9") if w.edition is Edition.EANCOM_97 else "632", advice.number)
    w.dtm("137", advice.issued, ".issued")
    w.dtm("50", advice.received, ".received")
    if advice.despatch_number:
        w.rff("AAK", advice.despatch_number, ".despatch_number")
    if advice.order_number is not None:
        w.rff("ON", advice.order_number, ".order_number")
    w.nad("BY", advice.buyer, ".buyer")
    w.nad("SU", advice.supplier, ".supplier")
    w.nad("DP", advice.delivery_party, ".delivery_party")
    w.out.append(f"CPS{w.element}1{w.terminator}")
    line_number = _loose(w, advice.loose_lines, "48")
    line_number = _write_pallets(w, advice.pallets, "48", False, line_number)
    w.out.append(f"CNT{w.element}2{w.component}{line_number}{w.terminator}")
