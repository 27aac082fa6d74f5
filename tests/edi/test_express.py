"""The express lane reads canonical interchanges exactly as the general reader does.

``decode`` tries the express lane first; these tests read the same texts both ways (the
express lane alone, and the general reader alone) and compare messages, envelope and the raw
segments kept for the round trip, on the fixtures, the conformance set, crossdock's own
canonical output and garbled copies of it.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from tests.edi.samples import FIXTURES, small_interchange

from crossdock import edi
from crossdock.edi._express import read_express
from crossdock.edi._interchange import _CONTRL_EDITIONS, _KINDS, _RELEASES, read
from crossdock.errors import EdiError

CONFORMANCE = sorted((Path(__file__).parent / "conformance").glob("*.edi"))


def _express(text: str) -> edi.Interchange | None:
    return read_express(text, {n: k.fast for n, k in _KINDS.items()}, _RELEASES, _CONTRL_EDITIONS)


def _general(text: str) -> edi.Interchange:
    return read(io.StringIO(text))


def _same(a: edi.Interchange, b: edi.Interchange) -> None:
    assert a == b
    assert a.raw == b.raw
    assert a.groups == b.groups
    for x, y in zip(a.messages, b.messages, strict=True):
        assert x.raw == y.raw


@pytest.mark.parametrize("path", FIXTURES + CONFORMANCE, ids=lambda p: p.name)
def test_files_read_the_same_both_ways(path: Path) -> None:
    text = path.read_bytes().decode("latin-1")
    found = _express(text)
    if found is None:
        return  # not canonical: the general reader alone reads it
    _same(found, _general(text))


def _single(edition: edi.Edition) -> list[tuple[edi.Message, str]]:
    """Each sample message alone in an interchange, as text."""
    interchange = small_interchange(edition)
    out = []
    for message in interchange.messages:
        single = edi.Interchange(
            sender=interchange.sender,
            recipient=interchange.recipient,
            control_ref="77",
            prepared=interchange.prepared,
            messages=(message,),
            edition=edition,
        )
        out.append((message, edi.encode(single)))
    return out


def test_crossdock_output_takes_the_express_lane(edition: edi.Edition) -> None:
    taken = 0
    for message, text in _single(edition):
        found = _express(text)
        if found is None:  # a message with notes or extras: its fast lane declines it
            continue
        taken += 1
        _same(found, _general(text))
        assert found.messages == (message,)
    assert taken >= 3


def test_garbled_copies_are_left_to_the_general_reader() -> None:
    """A control character or a cut anywhere: the express lane declines or agrees."""
    rng = np.random.default_rng(14)
    texts = [text for _, text in _single(edi.Edition.EANCOM_2002) if _express(text)]
    text = max(texts, key=len)
    start = text.index("'", text.index("UNB")) + 1
    for position in rng.integers(start, len(text), 300).tolist():
        bad = chr(int(rng.integers(1, 32)))
        for copy in (text[:position], text[:position] + bad + text[position + 1 :]):
            found = _express(copy)
            try:
                expected = _general(copy)
            except EdiError:
                assert found is None
                continue
            if found is not None:
                _same(found, expected)
