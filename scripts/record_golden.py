"""Re-record the golden digests (``make golden``): only on purpose, in a commit that says why."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from crossdock._golden import GOLDEN_RUNS, run_golden

OUT = Path(__file__).resolve().parents[1] / "tests" / "golden" / "digests.json"


def main() -> None:
    record = {}
    for run in GOLDEN_RUNS:
        print(f"recording {run.name} ...", file=sys.stderr)
        record[run.name] = run_golden(run)
    OUT.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
