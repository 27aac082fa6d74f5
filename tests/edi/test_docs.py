"""The examples in docs/edi.md run and print what the page says (golden output)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).parents[2] / "docs" / "edi.md"


def blocks() -> list[tuple[str, str]]:
    return re.findall(r"```(\w*)\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_encoding_example_writes_the_interchange_shown():
    found = blocks()
    index = next(i for i, (lang, code) in enumerate(found) if "encode(interchange" in code)
    namespace: dict = {}
    exec(found[index][1], namespace)
    assert namespace["text"] == found[index + 1][1]


def test_identifier_examples_give_the_values_in_their_comments():
    code = next(code for lang, code in blocks() if "make_gtin14" in code)
    namespace: dict = {}
    for line in code.splitlines():
        call, _, comment = line.partition("#")
        if call.startswith("from "):
            exec(call, namespace)
        elif "'" in comment and "IdentifierError" not in comment:
            expected = comment.split("'")[1]
            assert eval(call, namespace) == expected, line
