"""The payroll-claim experiment on a scenario (default: the built-in one), as a Markdown table.

    .venv/bin/python scripts/payroll_levers.py [SCENARIO.yaml]

Runs traditional and shared once (no captain-less run) and measures store payroll lever by
lever (:func:`crossdock.economics.payroll_levers`); docs/economics.md quotes its output.
"""

from __future__ import annotations

import sys

from crossdock.economics import payroll_levers
from crossdock.scenario import load_scenario
from crossdock.simulate import compare


def main() -> None:
    """Print the lever table."""
    scenario = load_scenario(sys.argv[1] if len(sys.argv) > 1 else None)
    runs = compare(scenario, captain=False)
    rows = payroll_levers(
        scenario,
        runs.traditional.tables["store_daily"],
        runs.shared.tables["store_daily"],
        warm_up_days=scenario.warm_up_days,
    )
    print("| lever (cumulative) | store payroll (EUR) | reduction | depot sorting (EUR) |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row.lever} | {row.store_payroll:,.0f} | {row.reduction:.1%} "
            f"| {row.depot_sorting_cost:,.0f} |"
        )


if __name__ == "__main__":
    main()
