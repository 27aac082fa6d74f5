"""The EANCOM code lists of the qualifiers crossdock reads, per message, as data.

Each list holds the codes EANCOM allows for a qualifier in a message (the union of EANCOM 97
and EANCOM 2002, which differ only by codes the later edition added). A qualifier outside its
list is an EANCOM error; a listed code the mapping does not use is kept (its segment
round-trips through :attr:`~crossdock.edi.Message` raw segments) and ignored by the mapping.
Line-level dates, references and free texts are not mapped, and their qualifiers are checked
for type and length only.
"""

from __future__ import annotations

__all__ = ["DATES", "FREE_TEXT", "PARTIES", "QUANTITIES", "REFERENCES"]

_DELIVERY = ("2", "10", "11", "37", "38", "61", "63", "64", "69", "76", "77", "200", "X14")
_ALL_PARTIES = (
    "BY", "CA", "CN", "CO", "CZ", "DP", "FW", "GY", "II", "IV", "LC", "MF", "OB", "PE", "PR",
    "PW", "SE", "SF", "SN", "ST", "SU", "UC", "UD", "WH",
)  # fmt: skip

DATES: dict[str, frozenset[str]] = {
    "SLSRPT": frozenset(("137", "356", "90", "91", "194", "206")),
    "INVRPT": frozenset(("137", "366", "90", "91", "182", "187", "194", "206")),
    "ORDERS": frozenset(("137", *_DELIVERY, "43E", "171", "263", "364")),
    "ORDRSP": frozenset(("137", *_DELIVERY, "43E", "171", "223", "263", "266")),
    "DESADV": frozenset(("137", *_DELIVERY, "17", "35", "94", "132", "358", "361")),
    "RECADV": frozenset(("137", "50", "17", "35", "132", "178")),
    "PRICAT": frozenset(("137", "194", "206", "169", "157", "273", "36")),
}
"""Header DTM qualifiers (data element 2005) per message."""

PARTIES: dict[str, frozenset[str]] = {
    kind: frozenset(_ALL_PARTIES)
    for kind in ("SLSRPT", "INVRPT", "ORDERS", "ORDRSP", "DESADV", "RECADV", "PRICAT")
}
"""NAD party function code qualifiers (data element 3035) per message."""

REFERENCES: dict[str, frozenset[str]] = {
    "SLSRPT": frozenset(("AAK", "ON", "PD", "VN", "CT", "IV", "AAB")),
    "INVRPT": frozenset(("AAK", "ON", "PD", "VN", "CT", "ACD", "API", "IV")),
    "ORDERS": frozenset(("CT", "PD", "VN", "ON", "AAK", "BO", "PL", "UC", "AHI", "IT", "AAN")),
    "ORDRSP": frozenset(("ON", "CT", "PD", "VN", "AAK", "BO", "PL", "UC", "AHI", "IT")),
    "DESADV": frozenset(
        ("ON", "AAK", "DQ", "BM", "CR", "CU", "VN", "AAM", "AAS", "SRN", "IV", "CT", "ACD", "AAU")
    ),
    "RECADV": frozenset(("AAK", "ON", "DQ", "BM", "VN", "CT", "AAU", "CR", "IV")),
    "PRICAT": frozenset(("CT", "PL", "VA", "AHI", "IT", "ON", "PP")),
}
"""Header RFF reference code qualifiers (data element 1153) per message."""

FREE_TEXT = frozenset(
    (
        "AAA", "AAB", "AAI", "AAP", "ABN", "ACB", "AFT", "ALC", "DEL", "DIN", "HAN", "ORI",
        "PAI", "PRD", "PUR", "REG", "SUR", "TXD", "ZZZ",
    )
)  # fmt: skip
"""FTX text subject code qualifiers (data element 4451); crossdock maps AAI to notes."""

QUANTITIES = frozenset(
    (
        "1", "3", "11", "12", "17", "21", "33", "45", "46", "47", "48", "52", "59", "61", "113",
        "124", "145", "153", "156", "160", "164", "192", "193", "194", "195", "196", "198",
        "199", "201", "202", "203", "21E", "22E", "X15", "53", "54",
    )
)  # fmt: skip
"""QTY quantity type code qualifiers (data element 6063) in the line groups of the eight
messages; crossdock maps 153 (sold), 145 (on hand), 21 (ordered), 11 (split), 12
(despatched), 48 (received), and in PRICAT 59 (consumer units in the traded unit) and 52
(quantity per pack)."""
