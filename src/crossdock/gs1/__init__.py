"""GS1 identifiers: GTIN for items, GLN for parties and locations, SSCC for logistic units.

Check digits follow the GS1 mod-10 rule (weights 3 and 1 from the right). Validation uses
python-stdnum; making identifiers in bulk uses our own vectorised check digit, tested against it.
"""

from crossdock.gs1._identifiers import (
    check_digit,
    check_digits,
    make_gln,
    make_gtin13,
    make_sscc,
    make_ssccs,
    validate_gln,
    validate_gtin,
    validate_sscc,
)

__all__ = [
    "check_digit",
    "check_digits",
    "make_gln",
    "make_gtin13",
    "make_sscc",
    "make_ssccs",
    "validate_gln",
    "validate_gtin",
    "validate_sscc",
]
