"""The Python entry points: ``simulate`` one mode, ``compare`` both."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crossdock._allocator import freed_memory_kept, give_back_freed, worth_keeping
from crossdock._blas import one_blas_thread
from crossdock._footprint import MemoryWarning, warn_if_short
from crossdock.category import category_kpis
from crossdock.chain import MODES
from crossdock.channel import Channel
from crossdock.checkpoint import COMPRESSIONS, Checkpoints, run_key
from crossdock.demand import Demand
from crossdock.economics import (
    PriceCut,
    affordable_cut_estimate,
    economic_tables,
    economics_kpis,
    pass_through_cut,
    with_price_cut,
)
from crossdock.engine import Engine
from crossdock.errors import ParameterError
from crossdock.kpis import compute_kpis
from crossdock.policies import Policy
from crossdock.recipes import RECIPES, Chain, Recipe, build_chain
from crossdock.results import Comparison, SimulationResult
from crossdock.routing import RoutePlanner, solve_pool
from crossdock.routing import routing_workers as routing_pool
from crossdock.scenario import Scenario, load_scenario
from crossdock.shard import (
    ALIGN_ROWS,
    Sharding,
    check_shards,
    driver_weight,
    max_shards,
    shard_session,
)
from crossdock.tables import build_tables

__all__ = ["compare", "simulate"]


def simulate(
    scenario: Scenario | None = None,
    *,
    mode: str | Recipe = "shared",
    seed: int | None = None,
    days: int | None = None,
    demand: Demand | None = None,
    policies: dict[str, Policy] | None = None,
    router: RoutePlanner | None = None,
    detail: bool = False,
    on_day: Callable[[int], None] | None = None,
    channel: str | Channel | None = None,
    edi_archive: str | Path | None = None,
    warm_up: int | None = None,
    checkpoint: str | Path | None = None,
    checkpoint_every: int | None = None,
    resume: bool = False,
    checkpoint_compression: str | None = None,
    routing_workers: int = 1,
    shards: int = 1,
    address: str | None = None,
) -> SimulationResult:
    """Run one simulation and return its tables and KPIs.

    ``scenario`` defaults to the built-in one; ``seed`` and ``days`` default to the
    scenario's. ``policies`` overrides the scenario's policy per echelon (``"store"``, ``"dc"``,
    ``"supplier"``, ``"planner"``). ``detail=True`` keeps the per-SKU ledger (small runs only).
    ``channel`` is how parties' messages travel: ``"direct"`` (objects, fastest) or ``"edi"``
    (EANCOM interchanges, with the scenario's ``edi:`` faults); default the scenario's
    ``edi.channel``, or ``"edi"`` when ``edi_archive`` names a folder for every interchange.
    ``warm_up`` (days before the KPIs start) defaults to the scenario's ``warm_up_days``; a
    run that is not longer than its warm-up measures nothing and is refused.

    ``checkpoint`` names a file for the run's whole state, written every ``checkpoint_every``
    days and after the last (atomically). With ``resume``, a run finds the checkpoint there
    and goes on from its day, ending with the same tables as an unbroken run (or starts from
    day 0 if there is none); a checkpoint of another run (scenario, mode, seed, days, channel,
    crossdock version) is refused with :class:`~crossdock.errors.CheckpointError`.
    ``checkpoint_compression`` (``"lz4"``, ``"zstd"`` or ``"none"``) stores the checkpoints
    compressed: a third to a fifth of the bytes, for more time to save; default none, or on
    resuming, the checkpoint's own. See :mod:`crossdock.checkpoint` for the format and its
    limits.

    ``routing_workers`` above 1 routes each day's depots in parallel, as Ray tasks on a local
    Ray instance started for the run (see :func:`crossdock.routing.routing_workers`); the
    tables are the same for any number.

    ``shards`` above 1 splits the stores into that many shards: the first, the largest, runs in
    this process beside the upstream parties, each other in a Ray actor (on a local Ray
    instance started for the run, or on the cluster at ``address``; see
    :mod:`crossdock.shard`); the tables are the same for any number. A sharded run takes no
    ``demand`` object. Checkpointed, each shard writes its part beside the ``checkpoint``
    file (``<checkpoint>.day<N>.shard<i>``), which resumes with the same number of shards;
    on a cluster the checkpoint's folder must be one that every node can read and write.
    """
    scenario = scenario if scenario is not None else load_scenario()
    _check_sharding("simulate", scenario, shards, address, demand=demand)
    if (
        isinstance(routing_workers, bool)
        or not isinstance(routing_workers, int)
        or routing_workers < 1
    ):
        raise ParameterError("simulate", "routing_workers", "an int >= 1", routing_workers)
    if not isinstance(mode, Recipe) and mode not in RECIPES:
        raise ParameterError("simulate", "mode", f"one of {RECIPES.names()}", mode)
    recipe = mode if isinstance(mode, Recipe) else RECIPES[mode]
    if days is not None and (not isinstance(days, int) or days < 1):
        raise ParameterError("simulate", "days", "an int >= 1", days)
    if seed is not None and (not isinstance(seed, int) or seed < 0):
        raise ParameterError("simulate", "seed", "an int >= 0", seed)
    days = days if days is not None else scenario.horizon_days
    seed = seed if seed is not None else scenario.seed
    warm_up_days = check_warm_up(scenario, days, warm_up)

    def build(override: Sharding | None = None) -> Chain:
        return build_chain(
            scenario,
            mode,
            days=days,
            seed=seed,
            demand=demand,
            policies=policies,
            router=router,
            detail=detail,
            channel=channel,
            edi_archive=edi_archive,
            override=override,
        )

    if checkpoint is None and (checkpoint_every is not None or resume):
        raise ParameterError(
            "simulate", "checkpoint", "a file path when checkpoint_every or resume is given", None
        )
    if checkpoint_every is not None and (
        isinstance(checkpoint_every, bool)
        or not isinstance(checkpoint_every, int)
        or checkpoint_every < 1
    ):
        raise ParameterError("simulate", "checkpoint_every", "an int >= 1", checkpoint_every)
    _check_compression("simulate", checkpoint, checkpoint_compression)
    if address is None:  # (a cluster's memory is its nodes')
        warn_if_short(scenario.n_stores, scenario.n_skus, recipe.settings)
    spare = routing_workers if routing_workers > 1 else 0
    with (
        # a large chain's freed arrays are reused the next day, not mapped afresh (_allocator)
        freed_memory_kept(scenario.n_stores * scenario.n_skus),
        one_blas_thread(),
        shard_session(shards, address, spare_cpus=spare, scenario=scenario) as ray,
        routing_pool(routing_workers),
    ):
        sharding = None
        if ray is not None:
            weight = driver_weight(scenario, recipe.settings)
            sharding = Sharding(
                ray, shards, days=days, seed=seed, detail=detail, driver_weight=weight
            )
        checkpoints = None
        if checkpoint is not None:
            checkpoints = Checkpoints(
                checkpoint,
                every=checkpoint_every,
                resume=resume,
                key=run_key(
                    scenario,
                    recipe,
                    seed=seed,
                    days=days,
                    channel=channel if channel is not None or edi_archive is None else "edi",
                    detail=detail,
                    given={"demand": demand, "policies": policies, "router": router},
                    shards=shards,
                ),
                compression=checkpoint_compression,
            )
        try:
            chain = _run_chain(
                scenario, recipe, lambda: build(sharding), checkpoints, sharding, days, on_day
            )
        except BaseException:
            if sharding is not None:
                sharding.abandon()
            raise
        if sharding is not None:
            sharding.finish()
            # the driver's own shard and the proxies' parties go with the chain's below
            sharding = None
    # The tables need the ledger, the channel's counts, the recipe's settings and the scenario,
    # not the parties, nor the messages and goods still on their way: their store × SKU state
    # (the bulk of a large run's memory) goes before the tables are built, so a run's peak is
    # the engine's or the tables', not both together. (A small chain's go by reference
    # counting: no gc.collect there, which costs 40 ms a run.)
    ledger, settings = chain.ledger, chain.recipe.settings
    sent_by_day, daily = chain.channel.sent_by_day, getattr(chain.channel, "daily", None)
    chain.parties.clear()
    del chain
    if worth_keeping(scenario.n_stores * scenario.n_skus):
        # parties in reference cycles (a sharded run's) go now, not while the tables are
        # built, and what they held goes back to the system (freed in the heap's middle,
        # glibc would keep it resident): a national shared year's peak was after its days
        gc.collect()
        give_back_freed()
    with one_blas_thread():  # the P&L's products too (see crossdock._blas)
        tables = build_tables(ledger, scenario, sent_by_day, daily)
        tables.update(economic_tables(tables, ledger, scenario, settings))
    money = economics_kpis(tables, warm_up_days=warm_up_days)
    kpis = compute_kpis(
        tables,
        warm_up_days=warm_up_days,
        truck_capacity_pallets=scenario.spec.carrier.trucks[0].capacity_pallets,
        fleet_size=sum(truck.count for truck in scenario.spec.carrier.trucks),
        sku_value=scenario.shelf_price,
        service_level_target=_store_target(scenario, settings, policies),
    )
    shelf = ledger.series.get("shelf_units")  # the retailer's confirmed shelf, if any
    kpis.update(
        category_kpis(
            tables,
            scenario,
            warm_up_days=warm_up_days,
            shelf_units=shelf[-1] if shelf is not None and shelf[-1].any() else None,
        )
    )
    kpis = {**money, **kpis}  # money first, in summaries and kpis.json
    name = mode.name if isinstance(mode, Recipe) else mode
    return SimulationResult(
        scenario, name, seed, days, kpis, tables, ledger, warm_up_days=warm_up_days
    )


def _check_sharding(
    owner: str,
    scenario: Scenario,
    shards: object,
    address: object,
    *,
    demand: object = None,
) -> None:
    """Refuse sharding options that cannot work, before anything starts."""
    shards = check_shards(owner, shards, address)
    most = max_shards(scenario.n_stores)
    if shards > most:
        raise ParameterError(
            owner,
            "shards",
            f"at most {most} for {scenario.n_stores} stores (a shard takes blocks of "
            f"{ALIGN_ROWS} stores)",
            shards,
        )
    if shards == 1 and address is not None:
        raise ParameterError(owner, "address", "None unless shards > 1", address)
    if shards > 1 and demand is not None:
        raise ParameterError(
            owner, "demand", "None when shards > 1 (each shard draws its stores' demand)", "given"
        )


def _run_chain(
    scenario: Scenario,
    recipe: Recipe,
    build: Callable[[], Chain],
    checkpoints: Checkpoints | None,
    sharding: Sharding | None,
    days: int,
    on_day: Callable[[int], None] | None,
) -> Chain:
    """Run a chain to ``days``, saving checkpoints as it goes when given ``checkpoints``.

    The chain is built, or restored from the checkpoint when resuming; a sharded chain's
    shards are then started again from their parts of it (:meth:`Sharding.resume`).
    """
    start = 0
    if checkpoints is None:
        chain = build()
    else:
        chain, start = checkpoints.start(scenario, recipe, build)
        if start and sharding is not None and start < days:
            sharding.resume(chain, checkpoints.path)
        if start and on_day is not None:
            on_day(start)  # the days the checkpoint already holds

    def after_day(day: int) -> None:
        if checkpoints is not None:
            checkpoints.after_day(chain, day)
        if on_day is not None:
            on_day(day)

    if start == days:  # a finished run's last checkpoint: nothing left to simulate
        return chain
    # the shards' actors take some of the carrier's solves (see Sharding.solve_pool)
    with solve_pool(sharding.solve_pool() if sharding is not None else None):
        Engine(chain.parties, day=start).run(days - start, after_day)
    return chain


def _store_target(scenario: Scenario, mode: str, policies: dict[str, Policy] | None) -> float:
    """The cycle service the store-level policy aims at (0 if it has no such target).

    ``mode`` is the scenario settings the chain reads (``traditional`` or ``shared``).
    """
    chosen = (policies or {}).get("store" if mode == "traditional" else "planner")
    if chosen is not None:
        return float(getattr(chosen, "service_level", 0.0))
    settings = scenario.spec.replenishment
    spec = (settings.traditional if mode == "traditional" else settings.shared).store
    return spec.service_level if spec.policy != "base_stock" else 0.0


def _check_compression(owner: str, checkpoint: object, compression: object) -> None:
    """Refuse a ``checkpoint_compression`` that names no codec, or comes without a file."""
    if compression is None:
        return
    if compression not in (*COMPRESSIONS, "none"):
        choices = ", ".join(repr(c) for c in (*COMPRESSIONS, "none"))
        raise ParameterError(owner, "checkpoint_compression", f"one of {choices}", compression)
    if checkpoint is None:
        raise ParameterError(
            owner, "checkpoint", "a file path when checkpoint_compression is given", None
        )


def check_warm_up(scenario: Scenario, days: int, warm_up: int | None) -> int:
    """The warm-up of a run of ``days`` days: ``warm_up``, else the scenario's.

    Raises :class:`ParameterError` when no day would be measured.
    """
    if warm_up is None:
        if days <= scenario.warm_up_days:
            raise ParameterError(
                "simulate",
                "days",
                f"more than the scenario's warm_up_days ({scenario.warm_up_days}) to measure "
                "anything, or give warm_up",
                days,
            )
        return scenario.warm_up_days
    if isinstance(warm_up, bool) or not isinstance(warm_up, int) or not 0 <= warm_up < days:
        raise ParameterError("simulate", "warm_up", f"an int in [0, {days - 1}]", warm_up)
    return warm_up


def compare(
    scenario: Scenario | None = None,
    *,
    seed: int | None = None,
    days: int | None = None,
    on_day: Callable[[int], None] | None = None,
    channel: str | None = None,
    edi_archive: str | Path | None = None,
    captain: bool = True,
    warm_up: int | None = None,
    checkpoint_dir: str | Path | None = None,
    checkpoint_every: int | None = None,
    resume: bool = False,
    checkpoint_compression: str | None = None,
    routing_workers: int = 1,
    shards: int = 1,
    address: str | None = None,
) -> Comparison:
    """Run both modes on the same scenario, seed and demand (common random numbers).

    With ``captain`` (the default) a third run shows shared mode without a category captain,
    each supplier planning only its own items, so the captain's effect is measured too.

    ``channel``, ``edi_archive`` and ``warm_up`` are as for :func:`simulate`; each mode's
    interchanges go to ``edi_archive/traditional`` and ``edi_archive/shared``.

    ``routing_workers``, ``shards`` and ``address`` are as for :func:`simulate` (one Ray
    instance serves every run).

    ``checkpoint_dir``, ``checkpoint_every``, ``resume`` and ``checkpoint_compression``
    checkpoint every run as
    :func:`simulate` does, each to its own file in ``checkpoint_dir`` (``traditional.pickle``,
    ``shared.pickle``, ...): a resumed comparison goes on from where each run stood, and runs
    that had finished are not simulated again.
    """
    scenario = scenario if scenario is not None else load_scenario()
    if (
        isinstance(routing_workers, bool)
        or not isinstance(routing_workers, int)
        or routing_workers < 1
    ):
        raise ParameterError("compare", "routing_workers", "an int >= 1", routing_workers)
    _check_sharding("compare", scenario, shards, address)

    def saving(name: str) -> dict[str, Any]:
        given = {
            "checkpoint_every": checkpoint_every,
            "resume": resume,
            "checkpoint_compression": checkpoint_compression,
        }
        if checkpoint_dir is None:
            return given  # (simulate refuses checkpoint settings without a file)
        return {"checkpoint": Path(checkpoint_dir) / f"{name}.pickle", **given}

    spare = routing_workers if routing_workers > 1 else 0
    sharded: dict[str, Any] = {"shards": shards, "address": address}
    if address is None:  # once, for the larger chain (the runs follow one another)
        warn_if_short(scenario.n_stores, scenario.n_skus, "shared")
    with (
        shard_session(shards, address, spare_cpus=spare, scenario=scenario),
        routing_pool(routing_workers),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", MemoryWarning)  # (said above)
        runs = {
            mode: simulate(
                scenario,
                mode=mode,
                seed=seed,
                days=days,
                on_day=on_day,
                channel=channel,
                edi_archive=Path(edi_archive) / mode if edi_archive is not None else None,
                warm_up=warm_up,
                **saving(mode),
                **sharded,
            )
            for mode in MODES
        }
        own = None
        if captain and scenario.spec.replenishment.captain_plans_category:
            own = simulate(
                scenario,
                mode="shared_own_items",
                seed=seed,
                days=days,
                on_day=on_day,
                channel=channel,
                edi_archive=Path(edi_archive) / "shared_own_items"
                if edi_archive is not None
                else None,
                warm_up=warm_up,
                **saving("shared_own_items"),
                **sharded,
            )
        cuts = _price_cuts(
            scenario,
            runs,
            saving,
            seed=seed,
            days=days,
            channel=channel,
            warm_up=warm_up,
            **sharded,
        )
    return Comparison(runs["traditional"], runs["shared"], own, cuts)


def _price_cuts(
    scenario: Scenario,
    runs: dict[str, SimulationResult],
    saving: Callable[[str], dict[str, Any]],
    **options: Any,
) -> list[PriceCut]:
    """Shared runs at lower prices: the scenario's pass-through, and the largest affordable cut.

    The affordable cut is first estimated from the measured figures and the price elasticity
    (:func:`crossdock.economics.affordable_cut_estimate`), then simulated to check it.
    """
    trad, shared = runs["traditional"].kpis, runs["shared"].kpis
    wanted: list[tuple[str, float]] = []
    share = scenario.spec.economics.price_pass_through
    if share > 0:
        wanted.append(("pass_through", pass_through_cut(trad, shared, share)))
    elasticity = scenario.spec.demand.price_elasticity
    wanted.append(("affordable", affordable_cut_estimate(trad, shared, elasticity)))
    out = []
    for reason, cut in wanted:
        if cut <= 0:
            out.append(PriceCut(0.0, reason, shared))
            continue
        run = simulate(
            with_price_cut(scenario, cut),
            mode="shared",
            **options,
            **saving(f"shared_price_cut_{reason}"),
        )
        out.append(PriceCut(cut, reason, run.kpis))
    return out
