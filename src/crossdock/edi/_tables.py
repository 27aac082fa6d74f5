"""The EANCOM segment tables of the eight messages, per edition, as data.

Each table follows the message structure chart of EANCOM 97 (directory D.96A) or EANCOM 2002
(D.01B): segments and segment groups in their order, with the EANCOM status (``M`` mandatory,
``R`` required, ``D`` dependent, ``O`` optional; ``N`` entries are left out), the maximum
repetitions and the group number of the chart (``SG28``). Group names are the ones the
decoders read (``lines``, ``parties``...). The tables hold every segment EANCOM uses in the
message, mapped or not: a segment the mapping does not use is checked against the directory,
kept in the message's raw segments and otherwise ignored.

The two editions share most of their tables; where they differ, the difference is spelled
out below (SLSRPT orders RFF before NAD and puts PRI in a group in 2002; INVRPT's stock group
starts with QTY in 97 and with INV in 2002; DESADV has FTX under CPS in 2002).
"""

from __future__ import annotations

from crossdock.edi._model import Edition
from crossdock.edi._structure import G, Group, S, Seg

__all__ = ["TABLES"]

_97, _02 = Edition.EANCOM_97, Edition.EANCOM_2002


def _rff(name: str, number: str, most: int = 10, status: str = "O") -> Group:
    return G(name, status, most, S("RFF", "M"), S("DTM", "O", 5), number=number)


def _contacts(number: str) -> Group:
    return G("contacts", "O", 10, S("CTA", "M"), S("COM", "O", 5), number=number)


def _cux(number: str) -> Group:
    return G("currencies", "O", 5, S("CUX", "M"), S("DTM", "O", 5), number=number)


def _tax(name: str, number: str) -> Group:
    return G(name, "O", 10, S("TAX", "M"), S("MOA", "O"), S("LOC", "O", 5), number=number)


def _alc(name: str, number: str) -> Group:
    return G(
        name,
        "O",
        99,
        S("ALC", "M"),
        S("ALI", "O", 5),
        S("DTM", "O", 5),
        G("alc_quantity", "O", 1, S("QTY", "M"), S("RNG", "O")),
        G("alc_percent", "O", 1, S("PCD", "M"), S("RNG", "O")),
        G("alc_amount", "O", 2, S("MOA", "M"), S("RNG", "O")),
        G("alc_rate", "O", 1, S("RTE", "M"), S("RNG", "O")),
        G("alc_tax", "O", 5, S("TAX", "M"), S("MOA", "O")),
        number=number,
    )


# --- SLSRPT ----------------------------------------------------------------------------


def _sales_lines(edition: Edition) -> Group:
    price = (
        (S("PRI", "O"),) if edition is _97 else (G("prices", "O", 1, S("PRI", "M"), number="SG9"),)
    )
    return G(
        "lines",
        "O",
        200000,
        S("LIN", "M"),
        S("PIA", "O", 5),
        S("IMD", "O", 5),
        S("RFF", "O", 5),
        S("ALI", "O", 5),
        S("MOA", "O", 5),
        *price,
        G(
            "quantities",
            "R",
            200000,
            S("QTY", "M"),
            S("DTM", "O", 5),
            number="SG8" if edition is _97 else "SG10",
        ),
        number="SG7" if edition is _97 else "SG8",
    )


def _slsrpt(edition: Edition) -> Group:
    parties = G(
        "parties",
        "R",
        5,
        S("NAD", "M"),
        _contacts("SG2" if edition is _97 else "SG3"),
        number="SG1" if edition is _97 else "SG2",
    )
    references = _rff("references", "SG3" if edition is _97 else "SG1", 5)
    head = (parties, references) if edition is _97 else (references, parties)
    return G(
        "SLSRPT",
        "M",
        1,
        S("BGM", "M"),
        S("DTM", "M", 5),
        *head,
        _cux("SG4"),
        G(
            "locations",
            "M",
            200000,
            S("LOC", "M"),
            S("DTM", "O", 5),
            _sales_lines(edition),
            number="SG5" if edition is _97 else "SG6",
        ),
    )


# --- INVRPT ----------------------------------------------------------------------------


def _invrpt(edition: Edition) -> Group:
    packages = G(
        "stock_packages",
        "O",
        9999,
        S("CPS", "M"),
        G(
            "stock_package",
            "O",
            9999,
            S("PAC", "M"),
            G("stock_labels", "O", 9999, S("PCI", "M"), S("DTM", "O", 5), S("GIN", "O", 10)),
        ),
        number="SG15",
    )
    where = (S("GIN", "O", 99), S("LOC", "D", 5), S("DTM", "O", 5), S("STS", "O", 5))
    if edition is _97:
        stock = G("stock", "R", 9999, S("QTY", "M"), S("INV", "O"), *where, number="SG11")
        item: tuple[Seg, ...] = (S("PIA", "O", 10), S("IMD", "O", 10))
    else:
        stock = G("stock", "R", 9999, S("INV", "M"), S("QTY", "R"), *where, packages, number="SG11")
        item = (S("PIA", "O", 10), S("IMD", "O", 10), S("ALI", "O", 5))
    return G(
        "INVRPT",
        "M",
        1,
        S("BGM", "M"),
        S("DTM", "M", 10),
        S("FTX", "O", 99),
        _rff("references", "SG1"),
        G("parties", "R", 99, S("NAD", "M"), _contacts("SG3"), number="SG2"),
        _cux("SG4"),
        G("lines", "O", 9999999, S("LIN", "M"), *item, stock, number="SG9"),
    )


# --- ORDERS and ORDRSP -----------------------------------------------------------------


def _order(name: str, edition: Edition) -> Group:
    n97 = edition is _97
    parties = G(
        "parties",
        "R",
        99,
        S("NAD", "M"),
        S("LOC", "O", 25),
        S("FII", "O", 5),
        _rff("party_refs", "SG3"),
        _contacts("SG5"),
        number="SG2",
    )
    lines = G(
        "lines",
        "O",
        200000,
        S("LIN", "M"),
        S("PIA", "O", 25),
        S("IMD", "O", 99),
        S("MEA", "O", 99),
        S("QTY", "O", 99),
        S("ALI", "O", 5),
        S("DTM", "O", 35),
        S("MOA", "O", 10),
        S("GIN", "O", 1000),
        S("QVR", "O", 1),
        S("FTX", "O", 99),
        G(
            "prices",
            "O",
            25,
            S("PRI", "M"),
            S("CUX", "O"),
            S("DTM", "O", 5),
            number="SG28" if n97 else "SG32",
        ),
        _rff("line_refs", "SG29" if n97 else "SG33"),
        G(
            "packages",
            "O",
            99,
            S("PAC", "M"),
            S("MEA", "O", 10),
            S("QTY", "O", 5),
            S("DTM", "O", 5),
            G(
                "package_labels",
                "O",
                10,
                S("PCI", "M"),
                S("RFF", "O"),
                S("DTM", "O", 5),
                S("GIN", "O", 10),
            ),
            number="SG30" if n97 else "SG34",
        ),
        G(
            "splits",
            "O",
            9999,
            S("LOC", "M"),
            S("QTY", "O"),
            S("DTM", "O", 5),
            number="SG33" if n97 else "SG37",
        ),
        _tax("line_taxes", "SG34" if n97 else "SG38"),
        G(
            "line_parties",
            "O",
            99,
            S("NAD", "M"),
            S("LOC", "O", 5),
            _rff("line_party_refs", ""),
            _contacts(""),
            number="SG35" if n97 else "SG39",
        ),
        _alc("line_allowances", "SG38" if n97 else "SG43"),
        G(
            "line_transport",
            "O",
            10,
            S("TDT", "M"),
            number="SG44" if n97 else "SG49",
        ),
        number="SG25" if n97 else "SG28",
    )
    return G(
        name,
        "M",
        1,
        S("BGM", "M"),
        S("DTM", "M", 35),
        S("PAI", "O"),
        S("ALI", "O", 5),
        S("FTX", "O", 99),
        _rff("references", "SG1"),
        parties,
        _tax("taxes", "SG6"),
        _cux("SG7"),
        G(
            "payment_terms",
            "O",
            10,
            S("PAT", "M"),
            S("DTM", "O", 5),
            S("PCD", "O"),
            S("MOA", "O"),
            number="SG8",
        ),
        G(
            "transport",
            "O",
            10,
            S("TDT", "M"),
            G("transport_places", "O", 10, S("LOC", "M"), S("DTM", "O", 5), number="SG11"),
            number="SG10",
        ),
        G("terms", "O", 5, S("TOD", "M"), S("LOC", "O", 2), number="SG12"),
        G(
            "header_packages",
            "O",
            99,
            S("PAC", "M"),
            S("MEA", "O", 5),
            number="SG13",
        ),
        G(
            "equipment",
            "O",
            10,
            S("EQD", "M"),
            S("HAN", "O", 5),
            S("MEA", "O", 5),
            S("FTX", "O", 5),
            number="SG16",
        ),
        _alc("allowances", "SG18" if n97 else "SG19"),
        lines,
        S("UNS", "M"),
        S("MOA", "O", 12),
        S("CNT", "O", 10),
    )


# --- DESADV and RECADV -----------------------------------------------------------------


def _parties(number: str) -> Group:
    return G(
        "parties",
        "R",
        99,
        S("NAD", "M"),
        S("LOC", "O", 10),
        _rff("party_refs", ""),
        _contacts(""),
        number=number,
    )


def _labels(name: str, ids: str) -> Group:
    return G(
        name,
        "O",
        1000,
        S("PCI", "M"),
        S("RFF", "O"),
        S("DTM", "O", 5),
        G(ids, "O", 99, S("GIN", "M")),
    )


def _desadv(edition: Edition) -> Group:
    n97 = edition is _97
    cps_text = () if n97 else (S("FTX", "O", 5),)
    return G(
        "DESADV",
        "M",
        1,
        S("BGM", "M"),
        S("DTM", "M", 10),
        S("ALI", "O", 5),
        S("MEA", "O", 5),
        S("MOA", "O", 5),
        _rff("references", "SG1"),
        _parties("SG2"),
        G("terms", "O", 10, S("TOD", "M"), S("LOC", "O", 5), S("FTX", "O", 5)),
        G(
            "transport",
            "O",
            10,
            S("TDT", "M"),
            S("PCD", "O"),
            G("transport_places", "O", 10, S("LOC", "M"), S("DTM", "O", 10)),
        ),
        G(
            "equipment",
            "O",
            10,
            S("EQD", "M"),
            S("MEA", "O", 5),
            S("SEL", "O", 25),
            S("HAN", "O", 5),
        ),
        G(
            "packages",
            "M",
            9999,
            S("CPS", "M"),
            *cps_text,
            G(
                "package",
                "O",
                9999,
                S("PAC", "M"),
                S("MEA", "O", 10),
                S("QTY", "O", 10),
                S("HAN", "O", 10),
                _labels("labels", "ids"),
                number="SG11",
            ),
            G(
                "lines",
                "O",
                9999,
                S("LIN", "M"),
                S("PIA", "O", 10),
                S("IMD", "O", 25),
                S("MEA", "O", 10),
                S("QTY", "O", 10),
                S("ALI", "O", 10),
                S("DLM", "O", 100),
                S("DTM", "O", 5),
                S("FTX", "O", 99),
                S("MOA", "O", 5),
                _rff("line_refs", "SG16" if n97 else "SG18"),
                G(
                    "line_places",
                    "O",
                    100,
                    S("LOC", "M"),
                    S("NAD", "O"),
                    S("DTM", "O"),
                    S("QTY", "O", 10),
                    number="SG18" if n97 else "SG20",
                ),
                G(
                    "line_labels",
                    "O",
                    1000,
                    S("PCI", "M"),
                    S("DTM", "O", 5),
                    G("line_ids", "O", 10, S("GIN", "M")),
                    number="SG20" if n97 else "SG22",
                ),
                G(
                    "line_variances",
                    "O",
                    10,
                    S("QVR", "M"),
                    S("DTM", "O", 5),
                    number="SG23" if n97 else "SG25",
                ),
                number="SG15" if n97 else "SG17",
            ),
            number="SG10",
        ),
        S("CNT", "O", 5),
    )


def _recadv(edition: Edition) -> Group:
    n97 = edition is _97
    return G(
        "RECADV",
        "M",
        1,
        S("BGM", "M"),
        S("DTM", "M", 10),
        _rff("references", "SG1"),
        _parties("SG4" if n97 else "SG3"),
        G(
            "transport",
            "O",
            10,
            S("TDT", "M"),
            G("transport_places", "O", 10, S("LOC", "M"), S("DTM", "O", 5)),
        ),
        G(
            "packages",
            "M",
            9999,
            S("CPS", "M"),
            G(
                "package",
                "O",
                9999,
                S("PAC", "M"),
                S("MEA", "O", 10),
                S("QTY", "O", 10),
                S("QVR", "O", 1),
                _labels("labels", "ids"),
            ),
            G(
                "lines",
                "O",
                9999,
                S("LIN", "M"),
                S("PIA", "O", 10),
                S("IMD", "O", 10),
                S("MEA", "O", 10),
                S("QTY", "O", 10),
                S("DTM", "O", 5),
                S("FTX", "O", 5),
                _rff("line_refs", ""),
                G(
                    "line_labels",
                    "O",
                    1000,
                    S("PCI", "M"),
                    S("DTM", "O", 5),
                    G("line_ids", "O", 10, S("GIN", "M")),
                ),
                G("variances", "O", 10, S("QVR", "M"), S("DTM", "O", 5)),
            ),
            number="SG16",
        ),
        S("CNT", "O", 9),
    )


# --- PRICAT ----------------------------------------------------------------------------


def _pricat(edition: Edition) -> Group:
    """PRICAT: EANCOM 97 and EANCOM 2002, product groups holding line groups with prices.

    EANCOM 97 (D.96A: SG16 product groups, SG33 lines, SG37 prices) and EANCOM 2002 (D.01B:
    SG17, SG36, SG40, allowances SG10 and SG41). Groups whose number is not
    given here (currencies, the packaging group PAC-MEA-QTY-HAN of a line, taxes) are
    checked by their segments and order only.
    """
    n97 = edition is _97
    prices = G(
        "prices",
        "O",
        100,
        S("PRI", "M"),
        S("CUX", "O"),
        S("APR", "O"),
        S("RNG", "O"),
        S("DTM", "O", 5),
        number="SG37" if n97 else "SG40",
    )
    packages = G(
        "packages",
        "O",
        99,
        S("PAC", "M"),
        S("MEA", "O", 10),
        S("QTY", "O", 5),
        S("HAN", "O", 5),
        G("package_labels", "O", 10, S("PCI", "M"), S("GIN", "O", 10)),
    )
    lines = G(
        "lines",
        "O",
        999999,
        S("LIN", "M"),
        S("PIA", "O", 25),
        S("IMD", "O", 99),
        S("MEA", "O", 99),
        S("QTY", "O", 99),
        S("HAN", "O", 5),
        S("ALI", "O", 5),
        S("DTM", "O", 99),
        S("RFF", "O", 99),
        S("LOC", "O", 9999),
        S("FTX", "O", 99),
        prices,
        _alc("line_allowances", "" if n97 else "SG41"),
        _tax("line_taxes", ""),
        packages,
        number="SG33" if n97 else "SG36",
    )
    return G(
        "PRICAT",
        "M",
        1,
        S("BGM", "M"),
        S("DTM", "M", 35),
        S("ALI", "O", 5),
        S("FTX", "O", 99),
        _rff("references", "SG1", 99),
        G(
            "parties",
            "O",
            99,
            S("NAD", "M"),
            S("LOC", "O", 25),
            _rff("party_references", "SG3"),
            _contacts("SG4"),
            number="SG2",
        ),
        _cux(""),
        _alc("allowances", "" if n97 else "SG10"),
        G(
            "groups",
            "O",
            1000,
            S("PGI", "M"),
            S("DTM", "O", 5),
            S("QTY", "O", 5),
            S("ALI", "O", 5),
            S("FTX", "O", 99),
            lines,
            number="SG16" if n97 else "SG17",
        ),
    )


# --- CONTRL ----------------------------------------------------------------------------

_CONTRL = G(
    "CONTRL",
    "M",
    1,
    S("UCI", "M"),
    G(
        "messages",
        "O",
        999999,
        S("UCM", "M"),
        G("errors", "O", 999, S("UCS", "M"), S("UCD", "O", 99), number="SG2"),
        number="SG1",
    ),
)

TABLES: dict[str, dict[Edition, Group]] = {
    "SLSRPT": {edition: _slsrpt(edition) for edition in Edition},
    "INVRPT": {edition: _invrpt(edition) for edition in Edition},
    "ORDERS": {edition: _order("ORDERS", edition) for edition in Edition},
    "ORDRSP": {edition: _order("ORDRSP", edition) for edition in Edition},
    "DESADV": {edition: _desadv(edition) for edition in Edition},
    "RECADV": {edition: _recadv(edition) for edition in Edition},
    "CONTRL": {edition: _CONTRL for edition in Edition},
    "PRICAT": {edition: _pricat(edition) for edition in Edition},
}
"""Per message type and edition, the structure table the parser walks."""
