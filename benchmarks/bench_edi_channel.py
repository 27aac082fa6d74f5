"""Benchmark: the cost of full EDI mode — every message encoded, carried and decoded.

Runs the built-in scenario in shared mode for 365 days twice on the same seed: once with the
direct channel (message objects handed over) and once with the EDI channel (each message an
EANCOM interchange, encoded, decoded, answered with a CONTRL; no faults). Both runs give the
same KPIs (checked); the figures are wall-clock seconds of each run and their ratio, with the
interchanges and bytes the EDI run carried. Takes about 45 seconds.

Run with ``python benchmarks/bench_edi_channel.py`` or ``make bench``.
"""

from __future__ import annotations

import time

from crossdock import load_scenario, simulate

DAYS = 365
MODE = "shared"


def main() -> None:
    """Print the run time with the direct and the EDI channel, and the ratio."""
    scenario = load_scenario()
    simulate(scenario, mode=MODE, days=5)  # warm imports and caches
    timings = {}
    results = {}
    for channel in ("direct", "edi"):
        start = time.perf_counter()
        results[channel] = simulate(scenario, mode=MODE, days=DAYS, channel=channel)
        timings[channel] = time.perf_counter() - start
    same = results["direct"].kpis == results["edi"].kpis
    work = results["edi"].tables["edi_daily"].to_pandas().sum()
    print(
        f"built-in scenario, {MODE} mode, {DAYS} days ({scenario.n_stores} stores, "
        f"{scenario.n_skus} SKUs)"
    )
    print(f"  direct channel : {timings['direct']:6.1f} s")
    print(f"  EDI channel    : {timings['edi']:6.1f} s")
    print(f"  ratio          : {timings['edi'] / timings['direct']:6.1f}x")
    print(
        f"  EDI carried {int(work['interchanges']):,} interchanges and "
        f"{int(work['contrl']):,} CONTRLs, {work['bytes'] / 1e6:,.0f} MB; "
        f"KPIs identical: {same}"
    )


if __name__ == "__main__":
    main()
