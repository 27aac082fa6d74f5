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
    read_bgm,
    read_cnt,
    read_dates,
    read_lin,
    read_parties,
    read_qty,
    read_refs,
)
from crossdock.edi._elements import component, read_code, read_id
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
from crossdock.edi._structure import C, G, Group, M, Node

__all__ = [
    "DESADV",
    "RECADV",
    "decode_despatch_advice",
    "decode_receiving_advice",
    "encode_despatch_advice",
    "encode_receiving_advice",
]

_PARTIES = G(
    "parties",
    True,
    99,
    M("NAD"),
    C("LOC", 10),
    G("party_refs", False, 10, M("RFF"), C("DTM", 5)),
    G("contacts", False, 10, M("CTA"), C("COM", 5)),
)
# Transport details partners commonly send (checked for shape and order, otherwise skipped).
_TRANSPORT = (
    G("terms", False, 10, M("TOD"), C("LOC", 5)),
    G("transport", False, 10, M("TDT"), G("transport_places", False, 10, M("LOC"), C("DTM", 10))),
    G("equipment", False, 10, M("EQD"), C("MEA", 5), C("SEL", 25)),
)
_REFERENCES = G("references", False, 10, M("RFF"), C("DTM", 5))
_LABELS = G("labels", False, 1000, M("PCI"), C("RFF"), C("DTM", 5), G("ids", False, 99, M("GIN")))


def _desadv(edition: Edition) -> Group:
    cps_text = (C("FTX", 5),) if edition is Edition.EANCOM_2002 else ()
    return G(
        "DESADV",
        True,
        1,
        M("BGM"),
        M("DTM", 10),
        C("ALI", 5),
        C("MEA", 5),
        _REFERENCES,
        _PARTIES,
        *_TRANSPORT,
        G(
            "packages",
            True,
            9999,
            M("CPS"),
            *cps_text,
            G("package", False, 9999, M("PAC"), C("MEA", 10), C("QTY", 10), C("HAN", 10), _LABELS),
            G(
                "lines",
                False,
                9999,
                M("LIN"),
                C("PIA", 10),
                C("IMD", 25),
                C("MEA", 10),
                C("QTY", 10),
                C("ALI", 10),
                C("DLM", 100),
                C("DTM", 5),
                C("FTX", 99),
                G("line_refs", False, 10, M("RFF"), C("DTM", 5)),
                G(
                    "line_labels",
                    False,
                    1000,
                    M("PCI"),
                    C("DTM", 5),
                    G("line_ids", False, 10, M("GIN")),
                ),
            ),
        ),
        C("CNT", 5),
    )


DESADV: dict[Edition, Group] = {edition: _desadv(edition) for edition in Edition}

_RECADV = G(
    "RECADV",
    True,
    1,
    M("BGM"),
    M("DTM", 10),
    _REFERENCES,
    _PARTIES,
    G(
        "packages",
        True,
        9999,
        M("CPS"),
        G("package", False, 9999, M("PAC"), C("QVR", 1), _LABELS),
        G(
            "lines",
            False,
            9999,
            M("LIN"),
            C("PIA", 10),
            C("IMD", 10),
            C("QTY", 10),
            C("DTM", 5),
            G("variances", False, 10, M("QVR"), C("DTM", 5)),
        ),
    ),
    C("CNT", 9),
)
RECADV: dict[Edition, Group] = {edition: _RECADV for edition in Edition}


def _pallets(
    rep: Reporter, groups: Sequence[Node], item_type: str, qualifier: str
) -> list[tuple[str, str, list[tuple[str, Quantity]]]]:
    """Read the CPS levels: (SSCC, package type, [(GTIN, quantity)]) for each pallet."""
    pallets = []
    levels: set[str] = set()
    for group in groups:
        number, cps = group["CPS"][0]
        level = component(cps, 1)
        if not (level.isascii() and level.isdigit()) or level in levels:
            rep.error(f"hierarchical id {level!r} is not a new number", number, "CPS", 1)
            raise _Stop
        parent = component(cps, 2)
        if parent and parent not in levels:
            rep.error(f"parent level {parent!r} has not been given", number, "CPS", 2)
            raise _Stop
        levels.add(level)
        packages = group.get("package", ())
        lines = group.get("lines", ())
        if not packages:
            if lines:
                rep.error("item lines must be under a pallet (PAC, PCI, GIN)", number, "CPS")
                raise _Stop
            continue  # the consignment level
        if len(packages) > 1:
            rep.error("one CPS level per pallet: found several PAC", packages[1]["PAC"][0][0])
            raise _Stop
        pac_number, pac = packages[0]["PAC"][0]
        package_type = component(pac, 3) or "201"
        ssccs = []
        for label in packages[0].get("labels", ()):
            label_number, pci = label["PCI"][0]
            read_code(rep, label_number, pci, 1, 1, ("33E",), "marking instructions code")
            for ids in label.get("ids", ()):
                gin_number, gin = ids["GIN"][0]
                read_code(rep, gin_number, gin, 1, 1, ("BJ",), "identity number qualifier")
                if len(gin) > 3 or len(gin[2]) > 1:
                    rep.error("one SSCC per GIN segment", gin_number, "GIN", 2)
                    raise _Stop
                ssccs.append(read_id(rep, gin_number, gin, 2, 1, "SSCC"))
        if len(ssccs) != 1:
            rep.error(f"a pallet needs exactly one SSCC, found {len(ssccs)}", pac_number, "PAC")
            raise _Stop
        items = []
        for line in lines:
            gtin, _ = read_lin(rep, line["LIN"][0], item_type)
            items.append((gtin, read_qty(rep, line.get("QTY", ()), qualifier, line["LIN"][0])))
        pallets.append((ssccs[0], package_type, items))
    return pallets


def decode_despatch_advice(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> DespatchAdvice:
    """Build a :class:`DespatchAdvice` from a parsed DESADV body."""
    _, number, _ = read_bgm(rep, node, ("351",))
    dates = read_dates(rep, node["DTM"], ("137", "11"), ("17",), end=end)
    refs = read_refs(rep, node.get("references", ()), ("ON",))
    parties = read_parties(rep, node["parties"], ("SU", "BY", "DP"), end=end)
    pallets = _pallets(rep, node["packages"], edition.item_type, "12")
    read_cnt(rep, node.get("CNT", ()), sum(len(items) for _, _, items in pallets))
    return DespatchAdvice(
        message_ref=message_ref,
        number=number,
        issued=dates["137"],
        despatch_date=dates["11"],
        supplier=parties["SU"],
        buyer=parties["BY"],
        delivery_party=parties["DP"],
        pallets=tuple(
            Pallet(
                sscc=sscc,
                package_type=package_type,
                lines=tuple(DespatchLine(gtin=g, quantity=q) for g, q in items),
            )
            for sscc, package_type, items in pallets
        ),
        order_number=refs.get("ON"),
        delivery_date=dates.get("17"),
    )


def _write_pallet(w: Writer, index: int, sscc: str, package_type: str | None, where: str) -> None:
    w.seg("CPS", str(index + 2), "1")
    if package_type is None:
        w.seg("PAC", "1")
    else:
        w.seg("PAC", "1", "", w.text(package_type, where + ".package_type", 17))
    w.seg("PCI", "33E")
    w.seg("GIN", "BJ", w.id(sscc, "SSCC", where + ".sscc"))


def encode_despatch_advice(w: Writer, advice: DespatchAdvice) -> None:
    """Write the body of a DESADV message."""
    w.bgm("351", advice.number)
    w.dtm("137", advice.issued, ".issued")
    w.dtm("11", advice.despatch_date, ".despatch_date")
    if advice.delivery_date is not None:
        w.dtm("17", advice.delivery_date, ".delivery_date")
    if advice.order_number is not None:
        w.seg("RFF", ("ON", w.text(advice.order_number, ".order_number")))
    w.nad("SU", advice.supplier, ".supplier")
    w.nad("BY", advice.buyer, ".buyer")
    w.nad("DP", advice.delivery_party, ".delivery_party")
    w.seg("CPS", "1")
    line_number = 0
    for i, pallet in enumerate(advice.pallets):
        where = f".pallets[{i}]"
        _write_pallet(w, i, pallet.sscc, pallet.package_type, where)
        for k, line in enumerate(pallet.lines):
            line_number += 1
            w.lin(line_number, line.gtin, f"{where}.lines[{k}].gtin")
            w.qty("12", line.quantity, f"{where}.lines[{k}].quantity")
    w.seg("CNT", ("2", str(line_number)))


def decode_receiving_advice(
    rep: Reporter, node: Node, edition: Edition, message_ref: str, end: tuple[int, str]
) -> ReceivingAdvice:
    """Build a :class:`ReceivingAdvice` from a parsed RECADV body."""
    _, number, _ = read_bgm(rep, node, ("352", "632"))
    dates = read_dates(rep, node["DTM"], ("137", "50"), end=end)
    refs = read_refs(rep, node.get("references", ()), ("AAK",))
    if "AAK" not in refs:
        rep.error("the despatch advice received (RFF+AAK) is missing", *end)
        raise _Stop
    parties = read_parties(rep, node["parties"], ("BY", "SU", "DP"), end=end)
    pallets = _pallets(rep, node["packages"], edition.item_type, "48")
    read_cnt(rep, node.get("CNT", ()), sum(len(items) for _, _, items in pallets))
    return ReceivingAdvice(
        message_ref=message_ref,
        number=number,
        issued=dates["137"],
        received=dates["50"],
        despatch_number=refs["AAK"],
        buyer=parties["BY"],
        supplier=parties["SU"],
        delivery_party=parties["DP"],
        pallets=tuple(
            ReceivedPallet(
                sscc=sscc, lines=tuple(ReceivedLine(gtin=g, quantity=q) for g, q in items)
            )
            for sscc, _, items in pallets
        ),
    )


def encode_receiving_advice(w: Writer, advice: ReceivingAdvice) -> None:
    """Write the body of a RECADV message."""
    # EANCOM 97 names the message 352 (receiving advice, a GS1 code), EANCOM 2002 uses the UN
    # code 632 (goods receipt); both are read in either edition.
    w.bgm(("352", "", "9") if w.edition is Edition.EANCOM_97 else "632", advice.number)
    w.dtm("137", advice.issued, ".issued")
    w.dtm("50", advice.received, ".received")
    w.seg("RFF", ("AAK", w.text(advice.despatch_number, ".despatch_number")))
    w.nad("BY", advice.buyer, ".buyer")
    w.nad("SU", advice.supplier, ".supplier")
    w.nad("DP", advice.delivery_party, ".delivery_party")
    w.seg("CPS", "1")
    line_number = 0
    for i, pallet in enumerate(advice.pallets):
        where = f".pallets[{i}]"
        _write_pallet(w, i, pallet.sscc, None, where)
        for k, line in enumerate(pallet.lines):
            line_number += 1
            w.lin(line_number, line.gtin, f"{where}.lines[{k}].gtin")
            w.qty("48", line.quantity, f"{where}.lines[{k}].quantity")
    w.seg("CNT", ("2", str(line_number)))
