"""The UN/EDIFACT segment directory, as data: every element's components, type and length.

Each segment tag maps to its data elements (``+``), each a list of components (``:``), each
``an35`` (alphanumeric, at most 35 characters), ``a3`` (alphabetic) or ``n15`` (numeric, at
most 15 digits, a sign and a decimal mark not counted) — the ``an..35`` and ``n..15`` of the
directory. A component repeated k times is written ``an35*5``.

Lengths are those of directory D.01B (EANCOM 2002) where the two editions differ (D.01B only
ever lengthened elements: RFF 1154 an..35 → an..70, FTX 4440 an..70 → an..512, IMD 7008
an..35 → an..256, LOC 3225 an..25 → an..35); EANCOM 97 files are checked against the same
bounds. Service segments (UNA, UNB, UNG, UNH...) follow ISO 9735 version 4, whose lengths
include those of versions 1-3.

:data:`SHAPES` (the number of components of each element) and :data:`LENGTHS` (each
component's type and maximum length) are derived from :data:`DIRECTORY`.
"""

from __future__ import annotations

__all__ = ["DIRECTORY", "LENGTHS", "SHAPES"]

_A = "an3:an17:an3"  # a coded value with its code list identification and agency
DIRECTORY: dict[str, str] = {
    # --- service segments (ISO 9735) ---
    "UNB": "a4:n1:an6:an3+an35:an4:an35:an35+an35:an4:an35:an35+n8:n4+an14"
    "+an14:an2+an14+a1+n1+an35+n1",
    "UNG": "an6+an35:an4+an35:an4+n8:n4+an14+an3+an6:an3:an6+an14",
    "UNE": "n6+an14",
    "UNH": "an14+an6:an3:an3:an3:an6:an6:an6+an35+n2:a1",
    "UNT": "n10+an14",
    "UNZ": "n6+an14",
    "UNS": "a1",
    "UCI": "an14+an35:an4:an35:an35+an35:an4:an35:an35+an3+an3+an3+an3:n3",
    "UCM": "an14+an6:an3:an3:an3:an6:an6:an6+an3+an3+an3+an3:n3",
    "UCS": "n6+an3",
    "UCD": "an3+n3:n3",
    # --- message segments (D.01B lengths) ---
    "ALC": f"an3+an35:an3+an3+an3+an3:{_A}:an35:an35",
    "ALI": "an3+an3+an3+an3+an3+an3+an3",
    "APR": "an3+n12:an3+an3:an17:an3:an35",
    "BGM": "an3:an17:an3:an35+an35:an9:an6+an3+an3",
    "CNT": "an3:n18:an3",
    "COM": "an512:an3",
    "CPS": "an35+an35+an3",
    "CTA": "an3+an17:an256",
    "CUX": "an3:an3:an3:n4+an3:an3:an3:n4+n12+an3",
    "DLM": f"an3+an3:an3:an17:an3+{_A}:an35:an35+an3+an3",
    "DOC": "an3:an17:an3:an35+an35:an3:an35:an70+an3+an3+n2+n2",
    "DTM": "an3:an35:an3",
    "EQD": "an3+an17:an17:an3:an3+an10:an17:an3:an35+an3+an3+an3+an3",
    "FII": "an3+an35:an35:an35+an11:an17:an3:an17:an17:an3:an70:an70+an3",
    "FTX": "an3+an3+an17:an17:an3+an512*5+an3+an3",
    "GIN": "an3+an35:an35+an35:an35+an35:an35+an35:an35+an35:an35",
    "HAN": f"{_A}:an512+an7:an17:an3",
    "IMD": f"an3+{_A}+an17:an17:an3:an256:an256:an3+an3",
    "INV": f"an3+an3+an3+an3+an3:{_A}:an35",
    "LIN": "an6+an3+an35:an3:an17:an3+an3:an6+n2+an3",
    "LOC": "an3+an35:an17:an3:an256+an35:an17:an3:an70+an35:an17:an3:an70+an3",
    "MEA": "an3+an3:an3:an17:an70+an8:n18:n18:n18:n2+an3",
    "MOA": "an3:n35:an3:an3:an3",
    "NAD": "an3+an35:an17:an3+an35*5+an70*5:an3+an35*4+an35+an9:an17:an3:an70+an17+an3",
    "PAC": "n8+an3:an3:an3+an17:an17:an3:an35+an3:an35:an3:an35:an3+an3:an3",
    "PAI": "an3:an3:an3:an17:an3:an3",
    "PAT": "an3+an17:an17:an3:an35:an35+an3:an3:an3:n3+an3:an3",
    "PCD": "an3:n10:an3:an3:an3+an3",
    "PGI": "an3+an25:an17:an3:an35",
    "PCI": "an3+an35*10+an3+an3:an17:an3",
    "PIA": "an3+an35:an3:an17:an3+an35:an3:an17:an3+an35:an3:an17:an3"
    "+an35:an3:an17:an3+an35:an3:an17:an3",
    "PRI": "an3:n15:an3:an3:n9:an3+an3",
    "QTY": "an3:n15:an3",
    "QVR": "n15:an3+an3+an3:an17:an3:an35",
    "RFF": "an3:an70:an6:an35:an6",
    "RNG": "an3+an8:n18:n18",
    "RTE": "an3:n15:an3:an3+an3",
    "SCC": "an3+an3+an3:an3:an3+an3:an3:an3",
    "SEL": "an35+an3:an17:an3+an3+an35:an35+an3",
    "STS": f"an3:an17:an3+{_A}:an35+{_A}:an35+{_A}:an35+{_A}:an35+{_A}:an35+{_A}:an35",
    "TAX": "an3+an3:an17:an3:an35+an6:an17:an3+an15+an7:an17:an3:an17:n4:an3+an3+an20+an3",
    "TDT": "an3+an17+an3:an17+an8:an17+an17:an17:an3:an35+an3"
    "+an3:an3:an3+an9:an17:an3:an35:an3+an3+an3:an17:an3:an35",
    "TOD": "an3+an3+an3:an17:an3:an70:an70",
}
"""Per segment tag, its data elements as written in the segment directory (see above)."""


def _parse(spec: str) -> tuple[tuple[tuple[bool, int], ...], ...]:
    """``"an3+n15:an3"`` -> ``(((False, 3),), ((True, 15), (False, 3)))`` (numeric, length)."""
    elements: list[tuple[tuple[bool, int], ...]] = []
    for element in spec.split("+"):
        components: list[tuple[bool, int]] = []
        for part in element.split(":"):
            times = 1
            if "*" in part:
                part, count = part.split("*")
                times = int(count)
            numeric = part.startswith("n")
            length = int(part.lstrip("an"))
            components.extend([(numeric, length)] * times)
        elements.append(tuple(components))
    return tuple(elements)


LENGTHS: dict[str, tuple[tuple[tuple[bool, int], ...], ...]] = {
    tag: _parse(spec) for tag, spec in DIRECTORY.items()
}
"""Per tag, per element, per component: (numeric, maximum length)."""

SHAPES: dict[str, tuple[int, ...]] = {
    tag: tuple(len(element) for element in elements) for tag, elements in LENGTHS.items()
}
"""Per tag, the maximum number of components of each data element."""
