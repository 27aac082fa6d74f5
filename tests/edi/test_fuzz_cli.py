"""``crossdock edi validate`` on mangled EANCOM files: never a traceback, exit 0 or 2, located.

Valid interchanges (the conformance set and the fixtures) are mutated by hypothesis — bytes
inserted, deleted, replaced, segments swapped or cut — written to a file and validated through
the command line in-process. Each run must end with exit code 0 (the file is still valid, or
only warnings) or 2 (errors), with no exception escaping; on exit 2 every error line names the
file and a segment. Bounded in examples, seeded (``derandomize``), about ten seconds.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crossdock.cli._app import app

from .samples import FIXTURES

CONFORMANCE = sorted((Path(__file__).parent / "conformance").glob("*.edi"))
SOURCES = [path.read_bytes() for path in [*CONFORMANCE, *FIXTURES]]
NOISE = st.sampled_from(
    [b"+", b":", b"'", b"?", b"\n", b"\r\n", b" ", b"9" * 40, b"\xe9", b"\x00", b"\xef\xbb\xbf",
     b"UNH+", b"UNT+1+1'", b"UNZ+1+X'", b"UNB+UNOC:3+1:14+2:14+261124:0615+X'", b"UNA:+.? '",
     b"UNG+", b"UNE+1+G'", b"''", b"-", b"00000000000000000000"]
)  # fmt: skip
runner = CliRunner()
COUNTS = {"cases": 0, "exit 0": 0, "exit 2": 0}


@st.composite
def mangled(draw) -> bytes:
    data = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "cut", "swap"]))
        if action == "insert":
            data = data[:at] + draw(NOISE) + data[at:]
        elif action == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 20)) :]
        elif action == "replace":
            data = data[:at] + draw(NOISE) + data[at + 1 :]
        elif action == "cut":
            data = data[:at]
        else:
            segments = data.split(b"'")
            i = draw(st.integers(0, len(segments) - 1))
            j = draw(st.integers(0, len(segments) - 1))
            segments[i], segments[j] = segments[j], segments[i]
            data = b"'".join(segments)
    return data


@settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=mangled(), lenient=st.booleans())
def test_validate_never_crashes_and_locates_every_error(tmp_path, data, lenient):
    path = tmp_path / "partner.edi"
    path.write_bytes(data)
    args = ["edi", "validate", "--quiet", str(path), *(["--lenient"] if lenient else [])]
    result = runner.invoke(app, args)
    COUNTS["cases"] += 1
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    COUNTS[f"exit {result.exit_code}"] += 1
    if result.exit_code == 2:
        lines = [line for line in result.stdout.splitlines() if line]
        assert lines
        for line in lines:
            assert line.startswith(f"{path}:"), line
            assert ":segment " in line or "the file ends" in line or "byte " in line, line
