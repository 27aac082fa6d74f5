"""``crossdock run`` and ``crossdock compare``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from crossdock.cli._app import app
from crossdock.cli._experiment import AddressOpt, WorkersOpt, replicated_compare_command
from crossdock.errors import CrossdockError, PosError

if TYPE_CHECKING:  # the simulation loads when a command runs, not for --help
    from crossdock.demand import Demand
    from crossdock.scenario import Scenario

console = Console()
notes = Console(stderr=True, highlight=False)


class Mode(StrEnum):
    """Which chain to simulate."""

    traditional = "traditional"
    shared = "shared"


ScenarioArg = Annotated[
    Path | None,
    typer.Argument(help="Scenario YAML file (default: the built-in scenario).", show_default=False),
]
DaysOpt = Annotated[
    int | None,
    typer.Option("--days", min=1, help="Days to simulate (default: the scenario's horizon)."),
]
WarmUpOpt = Annotated[
    int | None,
    typer.Option(
        "--warm-up",
        min=0,
        help="Days before the KPIs start (default: the scenario's warm_up_days); needed when "
        "--days is not longer than the scenario's warm-up.",
    ),
]
SeedOpt = Annotated[
    int | None, typer.Option("--seed", min=0, help="Random seed (default: the scenario's).")
]
DemandOpt = Annotated[
    str,
    typer.Option(
        "--demand",
        help="model (drawn from the scenario), replay:FILE (recorded daily sales from "
        "`pos import` or a POS file) or resample:FILE (a model fitted to them).",
    ),
]

ReplicationsOpt = Annotated[
    int | None,
    typer.Option(
        "--replications",
        min=1,
        help="Run every mode N times on common random numbers (as Ray tasks) and print each "
        "difference with its 95% interval (see docs/experiments.md).",
    ),
]
AtFillRateOpt = Annotated[
    float | None,
    typer.Option(
        "--at-fill-rate",
        min=0,
        max=1,
        help="Calibrate each mode's service level by bisection until its mean fill rate is this, "
        "then compare at equal service (--replications: per level, default 5).",
    ),
]
CheckpointEveryOpt = Annotated[
    int | None,
    typer.Option(
        "--checkpoint-every",
        min=1,
        metavar="N",
        help="Save the run's whole state every N days and after the last, atomically, in "
        "OUT/checkpoints/ (with --shards, a part per shard beside it), so that a killed run "
        "can --resume; removed once the results are written.",
    ),
]


class Compression(StrEnum):
    """How checkpoints are stored."""

    none = "none"
    lz4 = "lz4"
    zstd = "zstd"


CheckpointCompressionOpt = Annotated[
    Compression | None,
    typer.Option(
        "--checkpoint-compression",
        case_sensitive=False,
        help="Store the checkpoints compressed: lz4 (about a third of the bytes, fast) or zstd "
        "(about a fifth, slower to save); default none, or with --resume the checkpoint's "
        "own. For a national chain's checkpoints of about 13 GB, or a slow disk.",
    ),
]
RoutingWorkersOpt = Annotated[
    int,
    typer.Option(
        "--routing-workers",
        min=1,
        metavar="N",
        help="Route each day's depots N at a time, as Ray tasks on a local Ray started for the "
        "command (default 1: one after another, no Ray); the results are the same for any N.",
    ),
]
ShardsOpt = Annotated[
    int,
    typer.Option(
        "--shards",
        min=1,
        metavar="N",
        help="Split the stores into N shards: one in this process with the upstream parties "
        "(with the default demand generator as large as the others, three quarters in the "
        "shared chain; half as large again with philox), each other in a Ray actor (on a "
        "local Ray started for the command, or the cluster at --address); default 1: no Ray. The results are the same for any N (see "
        "docs/sharding.md).",
    ),
]
ResumeOpt = Annotated[
    bool,
    typer.Option(
        "--resume",
        help="Go on from the checkpoint in OUT/checkpoints/ if there is one (else start from "
        "day 0), with the same scenario, mode, seed, days, channel and --shards; the tables "
        "are the same as an unbroken run's.",
    ),
]


class ChannelKind(StrEnum):
    """How parties' messages travel."""

    direct = "direct"
    edi = "edi"


ChannelOpt = Annotated[
    ChannelKind | None,
    typer.Option(
        "--channel",
        help="How parties' messages travel: direct (objects, fastest) or edi (EANCOM "
        "interchanges, with the scenario's edi: faults). Default: the scenario's edi.channel.",
    ),
]
EdiArchiveOpt = Annotated[
    Path | None,
    typer.Option(
        "--edi-archive",
        help="Write every interchange to DIR/<sender GLN>/<receiver GLN>/<day>-<ref>.edi "
        "(implies --channel edi).",
        metavar="DIR",
    ),
]


def _channel(choice: ChannelKind | None) -> str | None:
    return choice.value if choice is not None else None


def _demand_factory(
    choice: str, scenario: Scenario, seed: int | None
) -> tuple[Callable[[], Demand] | None, int | None]:
    """A maker of fresh demand objects for ``--demand`` (None: the scenario's model)."""
    from crossdock.demand import DemandModel, ReplayDemand
    from crossdock.pos import fit_demand, read_daily

    kind, _, file = choice.partition(":")
    if kind == "model" and not file:
        return None, None
    if kind not in ("replay", "resample") or not file:
        raise PosError(
            f"must be model, replay:FILE or resample:FILE, got {choice!r}", field="--demand"
        )
    daily = read_daily(Path(file), scenario)
    if kind == "replay":
        recorded = ReplayDemand(scenario, daily).days
        return lambda: ReplayDemand(scenario, daily), recorded
    params, _, _ = fit_demand(daily, scenario)
    drawn_seed = seed if seed is not None else scenario.seed
    return lambda: DemandModel(scenario, drawn_seed, fitted=params), None


@contextmanager
def _progress(label: str, total: int, every: int | None = None) -> Iterator[object]:
    """A transient bar of days done; with ``every``, it names the last checkpoint saved."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("days"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(label, total=total)

        def tick(day: int) -> None:
            if every is not None and day % every == 0:
                progress.update(task, description=f"{label} (checkpoint: day {day})")
            progress.update(task, completed=day)

        yield tick


def _value(choice: StrEnum | None) -> str | None:
    """A choice's value (None when the option was not given)."""
    return None if choice is None else choice.value


def _checkpoints(
    out: Path,
    runs: list[str],
    every: int | None,
    resume: bool,
    compression: Compression | None = None,
) -> Path | None:
    """The checkpoint folder for ``runs`` (None without checkpoints); says where each resumes.

    A checkpoint that cannot be read is refused here, before any run starts; so is a
    ``--checkpoint-compression`` with no checkpoints to compress.
    """
    if every is None and not resume:
        if compression is not None:
            raise CrossdockError(
                "--checkpoint-compression says how checkpoints are stored: give "
                "--checkpoint-every N (or --resume) too"
            )
        return None
    folder = out / "checkpoints"
    if resume:
        from crossdock.checkpoint import read_checkpoint_info

        for run in runs:
            path = folder / f"{run}.pickle"
            if path.exists():
                info = read_checkpoint_info(path)
                days = info.key.get("days", "?")
                notes.print(f"Resuming {run} from day {info.day} of {days} ({path})")
            else:
                notes.print(f"No checkpoint for {run} at {path}: starting from day 0")
    return folder


def _remove_checkpoints(folder: Path | None, pattern: str) -> None:
    """Once the results are written the checkpoints have served: remove them."""
    if folder is None or not folder.is_dir():
        return
    for path in folder.glob(pattern):
        path.unlink()
    if not any(folder.iterdir()):
        folder.rmdir()


def _check_warm_up(source: Path | None, scenario: Scenario, days: int, warm_up: int | None) -> None:
    """A run no longer than its warm-up measures nothing: say so, with the way out."""
    where = str(source) if source is not None else "built-in scenario"
    if warm_up is None and days <= scenario.warm_up_days:
        raise CrossdockError(
            f"{where}: --days {days} is not longer than the scenario's warm_up_days "
            f"({scenario.warm_up_days}), so no day would be measured; give more --days or "
            f"--warm-up N with N < {days}"
        )
    if warm_up is not None and warm_up >= days:
        raise CrossdockError(
            f"{where}: --warm-up {warm_up} must be less than the {days} days simulated"
        )


@app.command()
def run(
    scenario: ScenarioArg = None,
    mode: Annotated[
        Mode,
        typer.Option("--mode", help="Traditional (store-ordered) or shared (supplier-managed)."),
    ] = Mode.shared,
    days: DaysOpt = None,
    seed: SeedOpt = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for kpis.json and the Parquet tables.")
    ] = Path("out"),
    demand: DemandOpt = "model",
    channel: ChannelOpt = None,
    edi_archive: EdiArchiveOpt = None,
    warm_up: WarmUpOpt = None,
    checkpoint_every: CheckpointEveryOpt = None,
    resume: ResumeOpt = False,
    checkpoint_compression: CheckpointCompressionOpt = None,
    routing_workers: RoutingWorkersOpt = 1,
    shards: ShardsOpt = 1,
    address: AddressOpt = None,
) -> None:
    """Run one simulation, print its KPIs and write kpis.json and daily tables to --out."""
    from crossdock.scenario import load_scenario
    from crossdock.simulate import simulate

    loaded = load_scenario(scenario)
    make_demand, recorded = _demand_factory(demand, loaded, seed)
    days = days or (min(recorded, loaded.horizon_days) if recorded else None)
    horizon = days or loaded.horizon_days
    _check_warm_up(scenario, loaded, horizon, warm_up)
    saves = _checkpoints(out, [mode.value], checkpoint_every, resume, checkpoint_compression)
    with _progress(f"{mode.value}", horizon, checkpoint_every) as tick:
        result = simulate(
            loaded,
            mode=mode.value,
            seed=seed,
            days=days,
            on_day=tick,  # type: ignore[arg-type]
            demand=make_demand() if make_demand else None,
            channel=_channel(channel),
            edi_archive=edi_archive,
            warm_up=warm_up,
            checkpoint=saves / f"{mode.value}.pickle" if saves is not None else None,
            checkpoint_every=checkpoint_every,
            resume=resume,
            checkpoint_compression=_value(checkpoint_compression),
            routing_workers=routing_workers,
            shards=shards,
            address=address,
        )
    typer.echo(result.summary(), nl=False)
    folder = result.write(out)
    _remove_checkpoints(saves, f"{mode.value}.pickle*")  # with the shards' parts
    console.print(
        f"Results written to [bold]{folder}[/] (kpis.json, "
        + ", ".join(f"{n}.parquet" for n in result.tables)
        + ", routes.geojson, driver_sheets.csv)"
    )


@app.command()
def compare(
    scenario: ScenarioArg = None,
    days: DaysOpt = None,
    seed: SeedOpt = None,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for comparison.json and each mode's results.")
    ] = Path("out"),
    demand: DemandOpt = "model",
    channel: ChannelOpt = None,
    edi_archive: EdiArchiveOpt = None,
    captain: Annotated[
        bool,
        typer.Option(
            "--captain/--no-captain",
            help="Also run shared mode without a category captain (each supplier plans its own "
            "items) and show it as a third column.",
        ),
    ] = True,
    warm_up: WarmUpOpt = None,
    replications: ReplicationsOpt = None,
    at_fill_rate: AtFillRateOpt = None,
    workers: WorkersOpt = None,
    address: AddressOpt = None,
    checkpoint_every: CheckpointEveryOpt = None,
    resume: ResumeOpt = False,
    checkpoint_compression: CheckpointCompressionOpt = None,
    routing_workers: RoutingWorkersOpt = 1,
    shards: ShardsOpt = 1,
) -> None:
    """Run traditional and shared on the same demand; print and write each KPI and the difference."""
    if (replications is not None or at_fill_rate is not None) and (
        checkpoint_every or resume or checkpoint_compression
    ):
        raise CrossdockError(
            "--checkpoint-every, --resume and --checkpoint-compression checkpoint single runs; "
            "with --replications or "
            "--at-fill-rate, finished runs are kept in the experiment's run store instead"
        )
    if (replications is not None or at_fill_rate is not None) and routing_workers > 1:
        raise CrossdockError(
            "--routing-workers parallelises single runs; with --replications or "
            "--at-fill-rate, the runs themselves are Ray tasks (--workers)"
        )
    if (replications is not None or at_fill_rate is not None) and shards > 1:
        raise CrossdockError(
            "--shards splits single runs; with --replications or --at-fill-rate, the runs "
            "themselves are Ray tasks (--workers)"
        )
    if replications is not None or at_fill_rate is not None:
        replicated_compare_command(
            scenario,
            replications=replications,
            at_fill_rate=at_fill_rate,
            days=days,
            seed=seed,
            warm_up=warm_up,
            out=out,
            channel=_channel(channel),
            captain=captain,
            demand=demand,
            edi_archive=edi_archive,
            workers=workers,
            address=address,
        )
        return
    from crossdock.results import Comparison
    from crossdock.scenario import load_scenario
    from crossdock.simulate import compare as compare_modes
    from crossdock.simulate import simulate

    loaded = load_scenario(scenario)
    make_demand, recorded = _demand_factory(demand, loaded, seed)
    days = days or (min(recorded, loaded.horizon_days) if recorded else None)
    horizon = days or loaded.horizon_days
    _check_warm_up(scenario, loaded, horizon, warm_up)
    runs_count = 3 if captain and make_demand is None else 2
    label = "traditional, shared" + (", shared without captain" if runs_count == 3 else "")
    names = ["traditional", "shared", "shared_own_items"][:runs_count]
    saves = _checkpoints(out, names, checkpoint_every, resume, checkpoint_compression)
    with _progress(label, runs_count * horizon) as tick:
        offset = {"value": 0}

        def on_day(day: int) -> None:
            if day == horizon:
                offset["value"] += horizon
            tick(min(offset["value"] + day, runs_count * horizon))  # type: ignore[operator]

        if make_demand is None:
            result = compare_modes(
                loaded,
                seed=seed,
                days=days,
                on_day=on_day,
                channel=_channel(channel),
                edi_archive=edi_archive,
                captain=captain,
                warm_up=warm_up,
                checkpoint_dir=saves,
                checkpoint_every=checkpoint_every,
                resume=resume,
                checkpoint_compression=_value(checkpoint_compression),
                routing_workers=routing_workers,
                shards=shards,
                address=address,
            )
        else:  # each mode gets a fresh copy of the same demand
            runs = {
                mode: simulate(
                    loaded,
                    mode=mode,
                    seed=seed,
                    days=days,
                    on_day=on_day,
                    demand=make_demand(),
                    channel=_channel(channel),
                    edi_archive=edi_archive / mode if edi_archive is not None else None,
                    warm_up=warm_up,
                    checkpoint=saves / f"{mode}.pickle" if saves is not None else None,
                    checkpoint_every=checkpoint_every,
                    resume=resume,
                    checkpoint_compression=_value(checkpoint_compression),
                    routing_workers=routing_workers,
                    shards=shards,
                    address=address,
                )
                for mode in ("traditional", "shared")
            }
            result = Comparison(runs["traditional"], runs["shared"])
    typer.echo(result.summary(), nl=False)
    folder = result.write(out)
    _remove_checkpoints(saves, "*.pickle*")  # each run's, price cuts' too, shards' parts
    extra = ", shared_own_items/" if result.own_items is not None else ""
    console.print(
        f"Results written to [bold]{folder}[/] (comparison.json, traditional/, shared/{extra})"
    )
