"""``make bench``: run every ``benchmarks/bench_*.py`` module's ``main()`` and print figures.

Benchmarks are kept out of the test run: tests never assert timings.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEPARATE = {"bench_national"}  # up to an hour: `make bench-national`, or named here


def main(selected: list[str]) -> None:
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem
        chosen = name.removeprefix("bench_") in selected or name in selected
        if (selected and not chosen) or (name in SEPARATE and not chosen):
            continue
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        print(f"\n== {name} ==", flush=True)
        start = time.perf_counter()
        module.main()
        print(f"({name} took {time.perf_counter() - start:.1f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
