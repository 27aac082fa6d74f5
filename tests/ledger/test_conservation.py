"""Every unit is accounted for: a property over random small scenarios, both modes.

At every location (stores, platforms, DC, suppliers, factories, the carrier), every day and
every SKU: closing stock = previous closing + opening + received + produced − shipped − sold −
scrapped; and every unit shipped that day is received by someone.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from crossdock import simulate
from crossdock.scenario import compile_scenario, generate_spec

scenarios = st.fixed_dictionaries(
    {
        "n_stores": st.integers(1, 4),
        "n_skus": st.integers(6, 14),
        "n_platforms": st.integers(1, 2),
        "seed": st.integers(0, 10_000),
        "unmet": st.sampled_from(["lost", "backorder"]),
        "policy": st.sampled_from(["order_up_to", "min_max", "base_stock"]),
        "factory_squeeze": st.sampled_from([1.0, 0.3]),
        "platform_squeeze": st.sampled_from([1.0, 0.2]),
        "distribution": st.sampled_from(["poisson", "negative_binomial"]),
        "review": st.integers(1, 3),
    }
)


def squeeze(factory, share: float):
    """The factory with its lines (or simple capacity) cut to ``share``."""
    if factory.lines:
        lines = [
            line.model_copy(update={"rate_units_per_hour": line.rate_units_per_hour * share})
            for line in factory.lines
        ]
        return factory.model_copy(update={"lines": lines})
    return factory.model_copy(
        update={"capacity_units_per_day": max(1, int(factory.capacity_units_per_day * share))}
    )


def build(params: dict):
    spec = generate_spec(
        n_stores=params["n_stores"],
        n_skus=params["n_skus"],
        n_platforms=params["n_platforms"],
        horizon_days=25,
        warm_up_days=3,
        seed=params["seed"],
    )
    echelon = spec.replenishment.traditional.store.model_copy(
        update={"policy": params["policy"], "review_period_days": params["review"]}
    )
    mode = spec.replenishment.traditional.model_copy(
        update={"store": echelon, "dc": echelon, "supplier": echelon}
    )
    shared = spec.replenishment.shared.model_copy(update={"store": echelon})
    return compile_scenario(
        spec.model_copy(
            update={
                "replenishment": spec.replenishment.model_copy(
                    update={"unmet_demand": params["unmet"], "traditional": mode, "shared": shared}
                ),
                "factories": [squeeze(f, params["factory_squeeze"]) for f in spec.factories],
                "platforms": [
                    p.model_copy(
                        update={
                            "capacity_units_per_day": max(
                                1, int(p.capacity_units_per_day * params["platform_squeeze"])
                            )
                        }
                    )
                    for p in spec.platforms
                ],
                "demand": spec.demand.model_copy(update={"distribution": params["distribution"]}),
            }
        )
    )


@settings(max_examples=25, deadline=None, derandomize=True)
@given(params=scenarios, mode=st.sampled_from(["traditional", "shared"]))
def test_every_unit_is_accounted_for(params: dict, mode: str) -> None:
    scenario = build(params)
    result = simulate(scenario, mode=mode, detail=True)
    ledger = result.ledger
    assert ledger.violations() == []
    assert ledger.sku_violations().size == 0
    assert ledger.unmatched_transfers().size == 0
    # System-wide: what was there at the start plus what was made equals what was sold plus
    # what is still somewhere (nothing is scrapped in these runs).
    flows = ledger.flows.sum(axis=(0, 1))
    opening, produced, sold, scrapped = flows[0], flows[2], flows[4], flows[5]
    assert opening + produced == sold + scrapped + ledger.stock_units[-1].sum()
    assert (ledger.stock_units >= 0).all()
    assert (ledger.stock_sku >= 0).all()
    # Sales never exceed demand plus what was owed, and lost units never exceed demand.
    assert (ledger.sku["lost_sales"] <= ledger.sku["demand"]).all()
    assert sold > 0


def test_tables_carry_the_ledger() -> None:
    """The written tables hold the same totals as the ledger they are built from."""
    scenario = build(
        {
            "n_stores": 2,
            "n_skus": 6,
            "n_platforms": 1,
            "seed": 3,
            "unmet": "lost",
            "policy": "order_up_to",
            "factory_squeeze": 1.0,
            "platform_squeeze": 1.0,
            "distribution": "poisson",
            "review": 1,
        }
    )
    result = simulate(scenario, mode="shared")
    table = result.location_daily
    assert table["sold"].sum() == result.ledger.flows[:, :, 4].sum()
    assert (
        table.groupby("day")["stock_units"].sum().to_numpy().tolist()
        == result.ledger.stock_units.sum(axis=1).tolist()
    )
    assert np.isclose(result.sku_daily["demand"].sum(), result.ledger["store_demand"].sum())
