"""Shared pieces of the fuzz tests: the CLI run in-process, outcome counts, their report.

Each fuzz test mutates a valid input with hypothesis (fixed seed: ``derandomize=True``;
bounded: ``max_examples`` and a ``deadline``), runs a ``crossdock`` command on it in-process
and holds the outcome to the exit-code table: no traceback, exit code 0, 2 (or 3 for the
import's reject threshold), and every ``error:`` line naming the file and the place.

Counts per test (cases, accepted, located errors, threshold exits, failures) are printed and,
when ``CROSSDOCK_FUZZ_REPORT`` names a file, appended to it as one JSON line.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field

from crossdock.cli import invoke


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def run(*args: str) -> Outcome:
    """``crossdock ARGS`` in this process, its stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = invoke(list(args))
    return Outcome(code, out.getvalue(), err.getvalue())


@dataclass
class Tally:
    """Outcome counts of one fuzz test; ``failures`` keeps the first few for the message."""

    name: str
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def check(self, outcome: Outcome, allowed: set[int], located: re.Pattern[str]) -> None:
        """Count one case; a failure is a traceback, another exit code, or an unlocated line."""
        self.counts["cases"] += 1
        errors = [line for line in outcome.err.splitlines() if line.startswith("error:")]
        problem = None
        if "Traceback" in outcome.err or "Traceback" in outcome.out:
            problem = "traceback"
        elif outcome.code not in allowed:
            problem = f"exit code {outcome.code}"
        elif outcome.code == 2 and (not errors or not all(located.match(e) for e in errors)):
            problem = "an error line without file and place"
        if problem is not None:
            self.counts["failures"] += 1
            if len(self.failures) < 5:
                self.failures.append(f"{problem}: {outcome.err.strip()[:400]}")
            return
        self.counts[{0: "accepted", 2: "located errors", 3: "threshold exits"}[outcome.code]] += 1

    def report(self) -> None:
        line = {"test": self.name, **{k: self.counts[k] for k in (
            "cases", "accepted", "located errors", "threshold exits", "failures")}}  # fmt: skip
        print(json.dumps(line))
        target = os.environ.get("CROSSDOCK_FUZZ_REPORT")
        if target:
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(line) + "\n")
        assert not self.failures, "\n".join(self.failures)
