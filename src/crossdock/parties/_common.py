"""What every party is built with (the scenario, both channels, the ledger) and shared steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import numpy as np

from crossdock import _fused
from crossdock._kernels import INT32_MAX, grid, int32_blocks, int32_room, pallets, round_up_to_pack
from crossdock.channel import Channel
from crossdock.errors import ScenarioError
from crossdock.goods import Consignment, GoodsChannel
from crossdock.ledger import Ledger, SeriesSpec
from crossdock.messages import DespatchAdvice, Message
from crossdock.policies import Observation, Policy
from crossdock.scenario import Scenario

M = TypeVar("M", bound=Message)

#: Announced delays are believed up to this many days (a planner's sanity bound).
MAX_DELAY_DAYS = 14

_EMPTY = np.zeros(0, dtype=object)


def check_room(day: int, party: str, what: str, target: np.ndarray, added: np.ndarray) -> None:
    """Stop the run, with a located error, if ``target + added`` would overflow int32.

    The parties' store × SKU books (a supplier's order book, the retailer's open
    confirmations, the platforms' stock, a planner's open orders) are int32, 4 bytes a cell;
    every addition to them that could pass 2**31 - 1 is checked here first.
    """
    if not int32_room(target, added):
        raise _no_room(day, party, what)


def add_with_room(day: int, party: str, what: str, target: np.ndarray, added: Any) -> None:
    """``target += added`` in place, after :func:`check_room`'s check (its error, if not).

    A book's int32 store × SKU block (``target``, a view written in place) and an int32
    block of the same shape are checked and added in one compiled pass
    (:func:`crossdock._fused.add_within_int32`), not read twice; anything else is checked,
    then added, by :func:`check_room` and NumPy.
    """
    if int32_blocks(target, added) and target.flags.writeable:
        from crossdock import _fused

        kernels = _fused.kernels(target.size)
        if kernels is not None:
            if not kernels.add_within_int32(target, added):
                raise _no_room(day, party, what)
            return
    check_room(day, party, what, target, added)
    target += added


def _no_room(day: int, party: str, what: str) -> ScenarioError:
    return ScenarioError(
        f"on day {day} the {what} of the {party} would pass {INT32_MAX} units of one store and "
        "SKU, more than a store × SKU quantity can hold: the scenario's quantities are too "
        "large",
        file="<scenario>",
        field=party,
    )


class NetworkParty:
    """What a party of the scenario's network declares (see :class:`crossdock.party.Party`).

    Its locations are the scenario's ``<location_type>_gln`` and ``<location_type>_name``
    (none when ``location_type`` is ``None``); subclasses set ``phases``, ``location_type``
    and ``series``.
    """

    phases: ClassVar[tuple[str, ...]] = ()
    location_type: ClassVar[str | None] = None
    series: ClassVar[tuple[SeriesSpec, ...]] = ()

    @classmethod
    def locations(cls, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
        """The party's locations in the ledger: GLNs and names."""
        if cls.location_type is None:
            return _EMPTY, _EMPTY
        glns = getattr(scenario, f"{cls.location_type}_gln")
        names = getattr(scenario, f"{cls.location_type}_name")
        return glns, names


@dataclass(frozen=True, eq=False)
class Context:
    """Shared, read-only plumbing of a run: master data, both channels, the ledger.

    ``unmet_demand`` is ``"lost"`` or ``"backorder"``; ``mode`` is ``"traditional"`` or
    ``"shared"`` (the scenario settings the chain's parties read).
    """

    scenario: Scenario
    channel: Channel
    goods: GoodsChannel
    ledger: Ledger
    mode: str
    unmet_demand: str
    seed: int = 0


def send(ctx: Context, kind: type[M], sender: str, receiver: str, day: int, **fields: Any) -> M:
    """Send a message of type ``kind`` with its envelope (a new reference for ``sender``)."""
    channel = ctx.channel
    message = kind(
        sender=sender, receiver=receiver, day=day, reference=channel.reference(sender), **fields
    )
    channel.send(message)
    return message


def opening_stock(mean_daily: np.ndarray, days: float | np.ndarray, pack: np.ndarray) -> np.ndarray:
    """``days`` of mean demand, rounded up to whole packs."""
    return round_up_to_pack(mean_daily * days, pack)


def gln_key(gln: str) -> int:
    """A GLN as the integer that keys its random streams."""
    return int(gln)


class SsccCounter:
    """Serial numbers of the SSCCs each shipper of a party type puts on its pallets."""

    def __init__(self, n_shippers: int) -> None:
        self._next = np.ones(n_shippers, dtype=np.int64)  # serial 0 is never used

    def take(self, shipper: int, count: int) -> int:
        """Reserve ``count`` serials for ``shipper``; returns the first."""
        first = int(self._next[shipper])
        self._next[shipper] += count
        return first


def store_order(
    policy: Policy, observation: Observation, pack: np.ndarray, shelf: np.ndarray
) -> np.ndarray:
    """What a store-level planner orders: the policy's wish in whole packs, within the shelf."""
    return policy.plan_in_packs(observation, pack, shelf)


def despatch(ctx: Context, load: Consignment, despatch_number: str, *, ship_to: int) -> None:
    """Ship ``load`` and announce it to its receiver with the matching DESADV."""
    ctx.goods.ship(load)
    send(
        ctx,
        DespatchAdvice,
        load.sender,
        load.receiver,
        load.ship_day,
        despatch_number=despatch_number,
        arrival_day=load.arrival_day,
        ship_to_kind=load.receiver_kind,
        ship_to=ship_to,
        locations=load.locations,
        items=load.items,
        quantity=load.quantity,
        pallets=load.pallets,
        sscc_first=load.sscc_first,
    )


def take_in(
    ctx: Context,
    glns: np.ndarray | list[str],
    day: int,
    shape: tuple[int, ...],
    dtype: type[np.signedinteger] = np.int64,
    out: np.ndarray | None = None,
) -> np.ndarray | None:
    """Today's consignments for ``glns`` as one ``[locations, items]`` array (``None``: none).

    ``dtype=np.int32`` (the stores' books) halves the array; should the loads' largest
    quantities together pass int32, it is int64 after all, for the caller's checks to see.
    ``out`` (zeros of ``shape`` and ``dtype``) receives the sum instead of a new array, when
    that dtype holds it: a party that keeps the day's receipts anyway needs no second array.
    """
    arrivals = [load for gln in glns for load in ctx.goods.arrivals(gln, day)]
    if not arrivals:
        return None
    return sum_loads(arrivals, shape, dtype, out=out)


def sum_loads(
    loads: list[Consignment],
    shape: tuple[int, ...],
    dtype: type[np.signedinteger] = np.int64,
    *,
    out: np.ndarray | None = None,
    locations: np.ndarray | None = None,
) -> np.ndarray:
    """The loads' quantities summed at their locations × items, as one ``shape`` array.

    ``dtype`` as :func:`take_in` (int64 after all where the loads' largest quantities together
    could pass it); ``out`` as there. The rows are the scenario's locations, or only
    ``locations`` (sorted: a platform's stores), where every load's locations must be.
    """
    if dtype != np.int64 and sum(int(load.quantity.max(initial=0)) for load in loads) > (
        np.iinfo(dtype).max
    ):
        dtype = np.int64
    goods = out if out is not None and out.dtype == dtype else np.zeros(shape, dtype=dtype)
    kernels = _fused.kernels(goods.size) if goods.ndim == 2 else None
    for load in loads:
        rows = load.locations
        if locations is not None:
            rows = np.searchsorted(locations, rows)
            if rows.size and (
                rows.max() >= locations.size or (locations[rows] != load.locations).any()
            ):
                raise ValueError(
                    f"a consignment from {load.sender} is for locations not served here"
                )
        if kernels is None or not kernels.add_cells(goods, rows, load.items, load.quantity):
            goods[grid(rows, load.items)] += load.quantity
    return goods


def despatch_to_stores(
    ctx: Context,
    ssccs: SsccCounter,
    *,
    day: int,
    origin_kind: str,
    origin: int,
    sender: str,
    stores: np.ndarray,
    goods: np.ndarray,
    transit_days: int,
) -> int:
    """Ship a depot's store deliveries with the carrier and announce them; their pallets."""
    sc = ctx.scenario
    per_store = pallets(goods, sc.units_per_pallet)
    count = int(per_store.sum())
    load = Consignment(
        sender=sender,
        receiver=sc.spec.retailer.gln,
        carrier=sc.spec.carrier.gln,
        ship_day=day,
        arrival_day=day + transit_days,
        receiver_kind="store",
        sender_kind=origin_kind,
        origin=origin,
        locations=stores,
        items=np.arange(sc.n_skus),
        quantity=goods,
        pallets=count,
        sscc_first=ssccs.take(origin, count),
        row_pallets=per_store,
    )
    despatch(ctx, load, f"{origin_kind.upper()}{origin}-{day:04d}", ship_to=-1)
    return count
