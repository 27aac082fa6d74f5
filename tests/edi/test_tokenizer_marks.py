"""The tokenizer finds the envelope segments in a chunk's text as the reader would part by part."""

from __future__ import annotations

import pytest
from tests.edi.samples import small_interchange
from tests.edi.test_fixtures import canonical

from crossdock.edi import Edition, encode
from crossdock.edi._interchange import _MARKS
from crossdock.edi._syntax import Separators, Tokenizer, syntax_for


def _marks(text: str, size: int) -> tuple[int, int]:
    """Feed ``text`` in chunks of ``size``; check the marks; (marks found, chunks looked at)."""
    tokenizer = Tokenizer(syntax_for(Separators(), "UNOC"), _MARKS)
    found = looked = 0
    for start in range(0, len(text), size):
        parts, _ = tokenizer.feed(text[start : start + size])
        expected = [k for k, part in enumerate(parts) if part[:3] in _MARKS]
        if tokenizer.marks is None:  # escapes in the chunk: the reader looks part by part
            looked += 1
            continue
        assert tokenizer.marks == expected
        found += len(expected)
    return found, looked


@pytest.mark.parametrize("newlines", [False, True])
@pytest.mark.parametrize("size", [7, 64, 1000, 100_000])
def test_marks_found_in_the_text_are_those_of_each_part(newlines, size):
    plain = "".join(encode(canonical(e), newlines=newlines, una=False) for e in Edition) * 3
    assert "?" not in plain
    found, looked = _marks(plain, size)
    total = sum(1 for part in plain.replace("\n", "").split("'") if part[:3] in _MARKS)
    assert total == 3 * 2 * (2 + 2 * 7)  # UNB, UNZ, and UNH and UNT of 7 messages
    if newlines:  # a line break cut off from its terminator: that chunk part by part
        assert found > total // 2
    else:
        assert found == total and not looked
    escaped = "".join(encode(small_interchange(e), newlines=newlines) for e in Edition) * 3
    assert "?" in escaped[9:]
    _marks(escaped, size)
