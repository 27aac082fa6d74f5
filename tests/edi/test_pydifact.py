"""Cross-checks with pydifact: both read our output and the fixtures into the same segments.

pydifact is looser than crossdock (see the last tests): it accepts wrong counts and writes
trailing empty elements. Where both accept a file, they must agree on every element.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from pydifact.exceptions import EDISyntaxError
from pydifact.parser import Parser
from pydifact.segmentcollection import Interchange as PydifactInterchange
from pydifact.segments import Segment
from pydifact.serializer import Serializer

from crossdock.edi import Separators, decode, encode, validate
from crossdock.edi._syntax import Syntax, Tokenizer

from .samples import FIXTURES, small_interchange
from .test_roundtrip import interchanges


def theirs(text: str) -> list[tuple[str, list]]:
    """Segments as pydifact reads them (tag, elements), UNA left out."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydifact warns about its missing directory files
        segments = list(Parser().parse(text))
    return [(s.tag, s.elements) for s in segments if s.tag != "UNA"]


def ours(text: str) -> list[tuple[str, list]]:
    """Segments as crossdock's tokenizer reads them, shaped like pydifact's."""
    body = text[9:] if text.startswith("UNA") else text
    tokenizer = Tokenizer(Syntax(Separators(), "UNOC"))
    parts, flagged = tokenizer.feed(body)
    assert flagged == {}
    shaped = []
    for part in parts:
        segment = tokenizer.split(part)
        elements = [e[0] if len(e) == 1 else e for e in segment[1:]]
        shaped.append((segment[0][0], elements))
    return shaped


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures_read_identically(path):
    text = path.read_text(encoding="latin-1")
    assert validate(path) == []
    assert ours(text) == theirs(text)


def test_our_output_reads_identically(edition):
    for newlines in (False, True):
        text = encode(small_interchange(edition), newlines=newlines)
        assert ours(text) == theirs(text)


@settings(
    derandomize=True, max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(interchanges())
def test_arbitrary_output_reads_identically(interchange):
    text = encode(interchange)
    assert ours(text) == theirs(text)


def test_what_pydifact_writes_we_read_the_same():
    interchange = small_interchange()
    segments = [Segment(tag, *elements) for tag, elements in ours(encode(interchange))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = PydifactInterchange.from_segments(segments).serialize()
    assert decode(text) == interchange


def test_pydifact_accepts_a_wrong_unt_count_we_do_not():
    text = encode(small_interchange()).replace("UNT+21+3'", "UNT+22+3'")
    assert theirs(text)  # pydifact reads it without complaint
    errors = validate_text(text)
    assert [e.message for e in errors] == ["UNT counts 22 segments, the message has 21"]


def test_pydifact_writes_trailing_empty_elements_we_do_not():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        written = Serializer().serialize([Segment("QTY", ["21", "5"], "")])
    assert "QTY+21:5+'" in written
    assert "+'" not in encode(small_interchange())


def validate_text(text: str):
    import io

    return validate(io.StringIO(text))


def test_pydifact_fails_on_a_byte_order_mark_we_do_not():
    text = encode(small_interchange())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(EDISyntaxError, match="alphanumeric"):
            PydifactInterchange.from_str("\ufeff" + text)
    assert decode("\ufeff" + text) == small_interchange()
