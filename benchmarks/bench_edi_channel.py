"""Benchmark: the cost of full EDI mode — every message encoded, carried and decoded.

Runs the built-in scenario in shared mode for 365 days twice on the same seed: once with the
direct channel (message objects handed over) and once with the EDI channel (each message an
EANCOM interchange, encoded, decoded, answered with a CONTRL; no faults). Both runs give the
same KPIs (checked); the figures are wall-clock and CPU seconds of each run (CPU time is the
fairer figure on a busy machine), each the best of ROUNDS alternating runs, and their ratios,
with the interchanges and bytes the EDI run carried. Takes about 90 seconds.

Run with ``python benchmarks/bench_edi_channel.py [DAYS] [ROUNDS]`` (default 365 days, 2
rounds) or ``make bench``.
"""

from __future__ import annotations

import sys
import time

from crossdock import load_scenario, simulate

DAYS = 365
ROUNDS = 2
MODE = "shared"


def main(days: int = DAYS, rounds: int = ROUNDS) -> None:
    """Print the run time with the direct and the EDI channel, and the ratio."""
    scenario = load_scenario()
    simulate(scenario, mode=MODE, days=5, warm_up=0)  # warm imports and caches
    timings = {"direct": float("inf"), "edi": float("inf")}
    cpu = dict(timings)
    results = {}
    warm_up = min(scenario.spec.warm_up_days, days - 1)
    for _ in range(rounds):  # alternate, so that load on a shared machine hits both
        for channel in ("direct", "edi"):
            start, start_cpu = time.perf_counter(), time.process_time()
            results[channel] = simulate(
                scenario, mode=MODE, days=days, channel=channel, warm_up=warm_up
            )
            timings[channel] = min(timings[channel], time.perf_counter() - start)
            cpu[channel] = min(cpu[channel], time.process_time() - start_cpu)
    same = results["direct"].kpis == results["edi"].kpis
    work = results["edi"].tables["edi_daily"].to_pandas().sum()
    print(
        f"built-in scenario, {MODE} mode, {days} days ({scenario.n_stores} stores, "
        f"{scenario.n_skus} SKUs)"
    )
    print(f"{'':17}{'wall':>8}{'CPU':>8}   (best of {rounds})")
    print(f"  direct channel : {timings['direct']:6.2f} s{cpu['direct']:6.2f} s")
    print(f"  EDI channel    : {timings['edi']:6.2f} s{cpu['edi']:6.2f} s")
    print(
        f"  ratio          : {timings['edi'] / timings['direct']:6.1f}x "
        f"{cpu['edi'] / cpu['direct']:6.1f}x"
    )
    print(
        f"  EDI carried {int(work['interchanges']):,} interchanges and "
        f"{int(work['contrl']):,} CONTRLs, {work['bytes'] / 1e6:,.0f} MB; "
        f"KPIs identical: {same}"
    )


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else DAYS,
        int(sys.argv[2]) if len(sys.argv) > 2 else ROUNDS,
    )
