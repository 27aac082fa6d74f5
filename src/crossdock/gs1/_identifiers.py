"""Make and validate GTIN, GLN and SSCC numbers."""

from __future__ import annotations

import numpy as np
from stdnum import ean
from stdnum.exceptions import ValidationError

from crossdock.errors import IdentifierError

_GTIN_LENGTHS = (8, 12, 13, 14)


def check_digit(body: str) -> str:
    """Return the GS1 mod-10 check digit for ``body`` (all digits but the last)."""
    if not body.isdigit():
        raise IdentifierError(f"'{body}' must contain digits only")
    return ean.calc_check_digit(body)


def check_digits(bodies: np.ndarray, width: int) -> np.ndarray:
    """Vectorised check digits for integer bodies of ``width`` digits (an int64 array)."""
    bodies = np.asarray(bodies, dtype=np.int64)
    total = np.zeros(bodies.shape, dtype=np.int64)
    rest = bodies.copy()
    for position in range(width):  # position 0 is the rightmost digit of the body
        digit = rest % 10
        rest //= 10
        total += digit * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def _make(prefix: str, serial: int, length: int, kind: str) -> str:
    if not prefix.isdigit():
        raise IdentifierError(f"{kind} company prefix '{prefix}' must contain digits only")
    width = length - 1 - len(prefix)
    if width < 1:
        raise IdentifierError(f"{kind} company prefix '{prefix}' leaves no room for a serial")
    if serial < 0 or serial >= 10**width:
        raise IdentifierError(
            f"{kind} serial {serial} does not fit in {width} digits after prefix '{prefix}'"
        )
    body = f"{prefix}{serial:0{width}d}"
    return body + check_digit(body)


def make_gtin13(prefix: str, serial: int) -> str:
    """Make a GTIN-13 from a GS1 company prefix and an item serial."""
    return _make(prefix, serial, 13, "GTIN")


def make_gtin8(prefix: str, serial: int) -> str:
    """Make a GTIN-8 (EAN-8) from a GS1-8 prefix and an item serial."""
    return _make(prefix, serial, 8, "GTIN-8")


def make_gtin12(prefix: str, serial: int) -> str:
    """Make a GTIN-12 (UPC-A) from a U.P.C. company prefix and an item serial."""
    return _make(prefix, serial, 12, "GTIN-12")


def make_gtin14(indicator: int, gtin: str) -> str:
    """Make a GTIN-14 for a trade unit (case, pallet) of the item ``gtin``.

    ``indicator`` (1-8 for fixed-measure packaging levels, 9 for variable measure, 0 for the
    item itself) is prefixed to the item's GTIN padded to 13 digits without its check digit,
    and the check digit is recomputed.
    """
    if not 0 <= indicator <= 9:
        raise IdentifierError(f"GTIN-14 indicator digit must be 0-9, got {indicator}")
    item = validate_gtin(gtin)
    body = f"{indicator}{item[:-1].zfill(12)}"
    return body + check_digit(body)


def make_gln(prefix: str, serial: int) -> str:
    """Make a 13-digit GLN from a GS1 company prefix and a location serial."""
    return _make(prefix, serial, 13, "GLN")


def make_sscc(prefix: str, serial: int, extension: int = 0) -> str:
    """Make an 18-digit SSCC: extension digit, company prefix, serial reference, check digit."""
    if not 0 <= extension <= 9:
        raise IdentifierError(f"SSCC extension digit must be 0-9, got {extension}")
    return _make(f"{extension}{prefix}", serial, 18, "SSCC")


def make_ssccs(prefix: str, first_serial: int, count: int, extension: int = 0) -> np.ndarray:
    """Make ``count`` consecutive SSCCs at once (a NumPy array of 18-character strings)."""
    base = f"{extension}{prefix}"
    width = 17 - len(base)
    serials = np.arange(first_serial, first_serial + count, dtype=np.int64)
    if count and serials[-1] >= 10**width:
        raise IdentifierError(f"SSCC serials overflow {width} digits after prefix '{prefix}'")
    bodies = int(base) * 10**width + serials
    digits = check_digits(bodies, 17)
    return np.char.add(np.char.zfill(bodies.astype(str), 17), digits.astype(str))


def _validate(value: object, lengths: tuple[int, ...], kind: str) -> str:
    text = str(value).strip()
    if not text.isdigit():
        raise IdentifierError(f"{kind} '{value}' must contain digits only")
    if len(text) not in lengths:
        expected = " or ".join(str(n) for n in lengths)
        raise IdentifierError(f"{kind} '{value}' must have {expected} digits, not {len(text)}")
    try:
        ean.validate(text) if len(text) in (8, 12, 13, 14) else _validate_long(text)
    except ValidationError:
        raise IdentifierError(
            f"{kind} '{value}' has check digit {text[-1]}, expected {check_digit(text[:-1])}"
        ) from None
    return text


def _validate_long(text: str) -> None:
    if check_digit(text[:-1]) != text[-1]:
        raise ValidationError()


def validate_gtin(value: object) -> str:
    """Return the GTIN (8, 12, 13 or 14 digits) if valid, else raise :class:`IdentifierError`."""
    return _validate(value, _GTIN_LENGTHS, "GTIN")


def validate_gln(value: object) -> str:
    """Return the 13-digit GLN if valid, else raise :class:`IdentifierError`."""
    return _validate(value, (13,), "GLN")


def validate_sscc(value: object) -> str:
    """Return the 18-digit SSCC if valid, else raise :class:`IdentifierError`."""
    return _validate(value, (18,), "SSCC")
