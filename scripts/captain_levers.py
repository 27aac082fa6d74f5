"""Which category-captain lever makes which difference, as the Markdown table of docs/planning.md.

    .venv/bin/python scripts/captain_levers.py [SCENARIO.yaml] [--whole-flow]

``--whole-flow`` sets ``economics.real_flow`` to nothing: the slice is the whole flow, pays its
own trucks, and the captain's inbound decisions are made on the slice's own pallets.

Runs the three columns of ``crossdock compare`` (traditional, shared with the captain,
shared with each supplier planning its own items), then shared mode with one lever changed
at a time, and every lever off; all on the scenario's seed and horizon, measured after the
warm-up (KPIs from ``kpis.json``).
"""

from __future__ import annotations

import argparse
from typing import Any

from crossdock.scenario import RealFlowSpec, Scenario, compile_scenario, load_scenario
from crossdock.scenario._captain_spec import ShelfSpaceSpec
from crossdock.simulate import compare, simulate

COLUMNS = (
    ("inbound trips", "trucks_inbound", "{:,.0f}"),
    ("inbound trips / week", "trucks_inbound_per_week", "{:.1f}"),
    ("inbound km", "km_inbound", "{:,.0f}"),
    ("inbound km charged", "km_inbound_charged", "{:,.0f}"),
    ("inbound truck fill", "truck_fill_rate_inbound", "{:.1%}"),
    ("transport charged", "transport_cost_charged", "{:,.0f}"),
    ("fill rate", "fill_rate", "{:.2%}"),
    ("store stock (units)", "store_stock_units", "{:,.0f}"),
    ("working capital", "working_capital", "{:,.0f}"),
    ("SKUs delisted", "skus_delisted", "{:.0f}"),
    ("chain operating profit", "operating_profit_chain", "{:,.0f}"),
)


def _changed(scenario: Scenario, **settings: Any) -> Scenario:
    spec = scenario.spec
    replenishment = spec.replenishment.model_copy(update=settings)
    return compile_scenario(spec.model_copy(update={"replenishment": replenishment}))


def main() -> None:
    """Print the lever table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", help="scenario file (default: the built-in one)")
    parser.add_argument("--whole-flow", action="store_true", help="no real flow: the slice is all")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    if args.whole_flow:
        economics = scenario.spec.economics.model_copy(update={"real_flow": RealFlowSpec()})
        scenario = compile_scenario(scenario.spec.model_copy(update={"economics": economics}))
    runs = compare(scenario)
    rows: list[tuple[str, dict[str, float]]] = [
        ("traditional", runs.traditional.kpis),
        ("shared (captain, all defaults)", runs.shared.kpis),
        ("shared_own_items", runs.own_items.kpis),  # type: ignore[union-attr]
    ]
    variants = (
        ("shared, no consolidation", {"inbound_consolidation": False}),
        ("shared, no calendar", {"delivery_calendar": None}),
        ("shared, no assortment review", {"captain_reviews_assortment": False}),
        ("shared, with shelf space", {"shelf_space": ShelfSpaceSpec()}),
        (
            "shared, no lever",
            {
                "inbound_consolidation": False,
                "delivery_calendar": None,
                "captain_reviews_assortment": False,
            },
        ),
    )
    for label, settings in variants:
        rows.append((label, simulate(_changed(scenario, **settings), mode="shared").kpis))
    head = ["run", *(c[0] for c in COLUMNS), "fill rate captain / competitors"]
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join("---" for _ in head) + " |")
    for label, kpis in rows:
        cells = [fmt.format(kpis[key]) for _, key, fmt in COLUMNS]
        fair = f"{kpis['fill_rate_captain_items']:.2%} / {kpis['fill_rate_competitor_items']:.2%}"
        print("| " + " | ".join([label, *cells, fair]) + " |")


if __name__ == "__main__":
    main()
