"""Mangled interchanges never crash the reader: it decodes them or reports located errors."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossdock.edi import EdiDecodeError, Edition, decode_all, encode, validate

from .samples import DATA, small_interchange

CONFORMANCE = sorted((DATA.parent / "conformance").glob("*.edi"))
SOURCES = [
    *(encode(small_interchange(edition), newlines=True) for edition in Edition),
    *(path.read_text(encoding="latin-1") for path in sorted(DATA.glob("*.edi"))),
    *(path.read_text(encoding="latin-1") for path in CONFORMANCE),
]
NOISE = st.sampled_from([*"+:'?\n\r ,.-0123456789AZaz\xe9\x07", "UNH+", "UNT+1+1'", "''"])


@st.composite
def mangled(draw):
    text = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.sampled_from(range(len(text) + 1)))  # anywhere, not mostly the start
        action = draw(st.sampled_from(["insert", "delete", "replace", "cut", "swap"]))
        if action == "insert":
            text = text[:at] + draw(NOISE) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)) :]
        elif action == "replace":
            text = text[:at] + draw(NOISE) + text[at + 1 :]
        elif action == "cut":
            text = text[:at]
        else:
            segments = text.split("'")
            i, j = draw(st.integers(0, len(segments) - 1)), draw(st.integers(0, len(segments) - 1))
            segments[i], segments[j] = segments[j], segments[i]
            text = "'".join(segments)
    return text


@settings(
    derandomize=True,
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mangled())
def test_mangled_input_is_decoded_or_reported(text):
    try:  # decode_all, as validate reads every interchange (decode refuses a second one)
        decode_all(text)
    except EdiDecodeError as error:
        assert error.message
        strict = error
    else:
        strict = None
    found = validate(io.StringIO(text))
    assert all(isinstance(e, EdiDecodeError) for e in found)
    assert (strict is None) == (found == [])
    if strict is not None:
        assert found[0].message == strict.message  # lenient mode finds the same first error
