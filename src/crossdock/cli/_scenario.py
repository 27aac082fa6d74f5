"""``crossdock scenario validate`` and ``crossdock scenario show``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from crossdock.cli._app import app
from crossdock.errors import ScenarioError

scenario_app = typer.Typer(help="Check and summarise scenario files.", no_args_is_help=True)
app.add_typer(scenario_app, name="scenario")
console = Console()


@scenario_app.command()
def validate(file: Annotated[Path, typer.Argument(help="Scenario YAML file to check.")]) -> None:
    """Check a scenario file; print every problem with its line and field, exit 2 if any."""
    from crossdock.scenario import read_spec

    try:
        spec = read_spec(file)
    except ScenarioError as error:
        err = Console(stderr=True, highlight=False)
        for line in error.problems:
            # emoji=False: rich would turn "file.yaml:100: ..." into "file.yaml💯 ..."
            err.print(f"error: {line}", markup=False, emoji=False, soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"{file}: valid scenario '{spec.name}'", markup=False)


@scenario_app.command()
def show(
    file: Annotated[
        Path | None,
        typer.Argument(help="Scenario YAML file (default: built-in).", show_default=False),
    ] = None,
) -> None:
    """Summarise a scenario: counts of each party, products and trucks, and its settings."""
    from crossdock.scenario import compile_scenario, default_scenario_path, read_spec

    spec = read_spec(file)
    sc = compile_scenario(spec)
    table = Table(
        title=f"{spec.name}  ({file or default_scenario_path().name})", title_justify="left"
    )
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_column("details")
    captains = ", ".join(
        f"{c.id}: {next(s.id for s in spec.suppliers if c.id in s.captain_of)}"
        for c in spec.categories
    )
    trucks = sum(t.count for t in spec.carrier.trucks)
    expected = sc.expected_demand().sum()
    rows = [
        (
            "stores",
            len(spec.stores),
            f"size factors {sc.size_factor.min():.2f}-{sc.size_factor.max():.2f}",
        ),
        ("SKUs", len(spec.products), f"{expected:,.0f} units/day expected across stores"),
        ("categories", len(spec.categories), f"captains — {captains}"),
        (
            "suppliers",
            len(spec.suppliers),
            f"lead times {sc.supplier_lead_time_days.min()}-{sc.supplier_lead_time_days.max()} days",
        ),
        ("platforms", len(spec.platforms), ", ".join(p.name for p in spec.platforms)),
        (
            "distribution centres",
            len(spec.distribution_centres),
            ", ".join(d.name for d in spec.distribution_centres),
        ),
        ("factories", len(spec.factories), f"{sc.factory_capacity.sum():,} units/day capacity"),
        (
            "trucks",
            trucks,
            ", ".join(
                f"{t.count}× {t.name} ({t.capacity_pallets} pallets)" for t in spec.carrier.trucks
            ),
        ),
        (
            "horizon",
            spec.horizon_days,
            f"days from {spec.start_date}, warm-up {spec.warm_up_days}, seed {spec.seed}",
        ),
    ]
    for what, count, details in rows:
        table.add_row(what, str(count), details)
    console.print(table)
    r = spec.replenishment
    console.print(
        f"demand: {spec.demand.distribution} ({spec.demand.generator} draws); "
        f"unmet demand: {r.unmet_demand}; "
        f"traditional store policy: {r.traditional.store.policy}; shared planner policy: {r.shared.store.policy}; "
        f"captain plans category: {r.captain_plans_category}",
        markup=False,
    )


class DemandGenerator(StrEnum):
    """The scenario's ``demand.generator``."""

    PCG64 = "pcg64"
    PHILOX = "philox"


@scenario_app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", "-o", help="YAML file to write.")],
    stores: Annotated[int, typer.Option(min=1, max=100_000, help="Number of stores.")] = 12,
    skus: Annotated[int, typer.Option(min=6, max=1_000_000, help="Number of SKUs.")] = 240,
    platforms: Annotated[
        int, typer.Option(min=1, max=25, help="Cross-dock platforms (real logistics towns).")
    ] = 2,
    days: Annotated[int, typer.Option(min=1, max=36_600, help="Horizon in days.")] = 365,
    warm_up: Annotated[int, typer.Option(min=0, help="Warm-up days before KPIs.")] = 28,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the generator and the runs.")] = (
        20261124
    ),
    name: Annotated[str | None, typer.Option(help="Scenario name.")] = None,
    dcs: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=25,
            help="Regional distribution centres (real logistics towns), each store served by "
            "the nearest; default one below 500 stores, else one per 750 stores.",
        ),
    ] = None,
    demand_generator: Annotated[
        DemandGenerator,
        typer.Option(
            help="How demand counts are drawn: pcg64 (NumPy's gamma-Poisson draws, the "
            "default) or philox (counter-based, about twice as fast to draw; the same distribution, "
            "other numbers).",
        ),
    ] = DemandGenerator.PCG64,
) -> None:
    """Write a whole, valid scenario of any size, with the built-in scenario's realistic demand.

    Stores sit in real French towns (scattered around them beyond twenty), each served by its
    nearest platform and, in the traditional chain, its nearest DC; SKU demand rates follow the built-in log-normal long tail; assortments
    of 60 SKUs or more get the hypermarket calendar (seasons, holidays, promotions, launches).
    The defaults write the built-in scenario's size. Example, a national chain:
    ``crossdock scenario generate --stores 5000 --skus 20000 --platforms 25 -o national.yaml``
    (7 regional DCs by default at that size; ``--dcs`` chooses).
    """
    from crossdock._footprint import peak_bytes
    from crossdock.scenario import generate_spec, write_spec

    if warm_up >= days:
        raise typer.BadParameter(
            f"must be below --days ({days}), got {warm_up}", param_hint="--warm-up"
        )
    spec = generate_spec(
        n_stores=stores,
        n_skus=skus,
        n_platforms=platforms,
        horizon_days=days,
        warm_up_days=warm_up,
        seed=seed,
        name=name,
        n_dcs=dcs,
    )
    if demand_generator is not DemandGenerator.PCG64:
        demand = spec.demand.model_copy(update={"generator": demand_generator.value})
        spec = spec.model_copy(update={"demand": demand})
    header = (
        f"# Generated by: crossdock scenario generate --stores {stores} --skus {skus} "
        f"--platforms {platforms} --days {days} --warm-up {warm_up} --seed {seed}"
        + (f" --dcs {dcs}" if dcs is not None else "")
        + (
            f" --demand-generator {demand_generator.value}"
            if demand_generator is not DemandGenerator.PCG64
            else ""
        )
        + "\n"
    )
    n_dcs = len(spec.distribution_centres)
    path = write_spec(spec, out, header=header)
    needs = [peak_bytes(stores, skus, settings) / 1e9 for settings in ("traditional", "shared")]
    console.print(
        f"{path}: {stores:,} stores × {skus:,} SKUs, {platforms} platforms, "
        + (f"{n_dcs} DCs, " if n_dcs > 1 else "")
        + f"{days} days "
        f"({stores * skus:,} store-SKU cells; a run needs about {needs[0]:,.1f} GB of memory "
        f"traditional, {needs[1]:,.1f} GB shared)",
        markup=False,
    )
