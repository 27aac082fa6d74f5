"""The digital twin: the simulation's own planners, run day by day on a retailer's files.

:class:`Twin` builds the shared-mode planners of a scenario exactly as a simulation does
(:class:`crossdock.parties.planners.Planner`, the scenario's ``replenishment.shared.store``
policy told the calendar) and hands them, through an in-memory
:class:`Mailbox` (a :class:`~crossdock.channel.Channel`), the sales reports, inventory reports and order
responses an :class:`~crossdock.twin.Inbox` read from files. What they send back (ORDERS
proposals to the retailer, or cross-dock orders per supplier × platform) is today's output.

Between runs the planners' whole state (their policies' forecasts, the stock they have on
order, the proposals awaiting an answer...) is kept in a state folder, so a daily scheduled
job goes on from where it left off: each run plans the days after the last one it planned.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np

from crossdock import edi
from crossdock import messages as sim
from crossdock.edi_bridge import BridgeError, EdiBridge
from crossdock.edi_bridge._orders import _read_delivery_notes
from crossdock.errors import InputError
from crossdock.goods import DirectGoodsChannel
from crossdock.ledger import Ledger
from crossdock.parties._common import Context
from crossdock.parties.planners import Planner, Planners
from crossdock.policies import policy_from_spec
from crossdock.scenario import Scenario
from crossdock.twin._inbox import DayInput, Finding, Inbox, Response

__all__ = ["Mailbox", "PlanResult", "StateError", "Twin"]

#: Bumped whenever the state file's layout changes.
STATE_VERSION = 2  # 2: a planner's per-store books under its "rows" (2026-12-05)
STATE_FILE = "planners.pkl"

Receipts = Literal["reported", "balance"]
M = TypeVar("M", bound=sim.Message)


class StateError(InputError):
    """A state folder that does not belong to this scenario, or cannot be read."""


@dataclass
class PlanResult:
    """What one run planned: the days, the messages the planners sent, what was left out."""

    days: list[int] = field(default_factory=list)
    orders: list[sim.Order] = field(default_factory=list)
    delistings: list[sim.Delisting] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class Mailbox:
    """The planners' :class:`~crossdock.channel.Channel` in the twin.

    What the files say goes in with :meth:`put`; what the planners send comes out with
    :meth:`take_sent`.
    """

    def __init__(self) -> None:
        self._inbox: dict[tuple[str, type], list[sim.Message]] = defaultdict(list)
        self._sent: list[sim.Message] = []
        self.references: Counter[str] = Counter()
        self.sent_by_day: Counter[tuple[int, str]] = Counter()

    def put(self, message: sim.Message) -> None:
        """A message for a planner, as the files tell it."""
        self._inbox[(message.receiver, type(message))].append(message)

    def send(self, message: sim.Message) -> None:
        """What a planner sends: kept for :meth:`take_sent`."""
        self._sent.append(message)
        self.sent_by_day[(message.day, type(message).__name__)] += 1

    def receive(self, receiver: str, kind: type[M], day: int) -> list[M]:
        """Every ``kind`` message put for ``receiver`` on or before ``day``."""
        box = self._inbox.pop((receiver, kind), [])
        due = [m for m in box if m.day <= day and isinstance(m, kind)]
        rest = [m for m in box if m.day > day]
        if rest:
            self._inbox[(receiver, kind)] = rest
        return due

    def reference(self, sender: str) -> str:
        """A new message reference, unique per sender (UNH 0062), kept in the state."""
        self.references[sender] += 1
        return f"{self.references[sender]:08d}"

    def pending(self) -> list[sim.Message]:
        """What the planners sent and :meth:`take_sent` has not taken yet."""
        return list(self._sent)

    def take_sent(self) -> list[sim.Message]:
        """What the planners sent since the last call; inputs left unread are dropped."""
        sent, self._sent = self._sent, []
        self._inbox.clear()
        return sent


def scenario_digest(scenario: Scenario) -> str:
    """A digest of the scenario's spec: a state folder belongs to one scenario."""
    text = scenario.spec.model_dump_json()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Twin:
    """The scenario's planners, restored from ``state`` (a folder) when it holds any.

    ``captain`` (default: the scenario's ``captain_plans_category``) makes each category's
    captain plan the whole category, as the ``shared`` recipe does; ``False`` has each
    supplier plan its own items (``shared_own_items``). ``receipts`` says where the goods
    received at the stores come from: ``"reported"`` (INVRPT ``-RECEIVED`` parts, crossdock's
    convention; none means nothing was received) or ``"balance"`` (when a day has no such
    part: stock today − stock yesterday + sales today, floored at zero).
    """

    def __init__(
        self,
        scenario: Scenario,
        state: Path | None = None,
        *,
        captain: bool | None = None,
        receipts: Receipts = "reported",
    ) -> None:
        sc = scenario
        self.scenario = sc
        self.state = state
        self.receipts = receipts
        if captain is None:
            captain = sc.spec.replenishment.captain_plans_category
        self.captain = captain
        self.bridge = EdiBridge(sc)
        self.channel = Mailbox()
        self.last_day: int | None = None
        self.on_hand = np.zeros((sc.n_stores, sc.n_skus), dtype=np.int64)
        self.stock_known = False
        self.control_refs: dict[str, int] = {}
        self.proposals: dict[str, np.ndarray] = {}  # proposal number -> quantity, until answered
        self._days = max(sc.spec.horizon_days, 1)
        self.planners = self._build(self._days)
        if state is not None and (state / STATE_FILE).exists():
            self._load(state / STATE_FILE)

    # -- building and state ----------------------------------------------------------------
    def _build(self, days: int) -> list[Planner]:
        """The planners, as the ``shared`` recipes build them (see ``recipes._planners``).

        A captain carries its delivery calendar (the scenario's ``delivery_calendar``, built by
        the planner itself) and, unless ``captain_reviews_assortment`` is off, its periodic
        assortment review, whose delistings come out in :attr:`PlanResult.delistings`. The
        captain's shelf-space plans are not carried: the retailer's answer to them has no
        EANCOM message the twin could read.
        """
        sc = self.scenario
        ledger = Ledger(days, sc.n_skus)
        for spec in Planners.series:
            ledger.declare(spec)
        settings = sc.spec.replenishment
        ctx = Context(
            sc, self.channel, DirectGoodsChannel(), ledger, "shared", settings.unmet_demand
        )
        review = self.captain and settings.captain_reviews_assortment
        out = []
        for gln, items in Planners.groups(sc, self.captain):
            policy = policy_from_spec(settings.shared.store)
            policy.set_calendar(sc.spec.start_date.weekday(), sc.weekday_profile)
            out.append(Planner(ctx, gln, items, policy, review_by_default=review))
        return out

    def _grow(self, day: int) -> None:
        """A ledger long enough for ``day`` (the planners count their orders in it)."""
        if day < self._days:
            return
        self._days = day + 366
        ctx = self.planners[0].ctx
        ledger = Ledger(self._days, self.scenario.n_skus)
        for spec in Planners.series:
            ledger.declare(spec)
        new = Context(
            ctx.scenario, ctx.channel, ctx.goods, ledger, ctx.mode, ctx.unmet_demand, ctx.seed
        )
        for planner in self.planners:
            planner.ctx = new

    def _snapshot(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "scenario": scenario_digest(self.scenario),
            "captain": self.captain,
            "last_day": self.last_day,
            "on_hand": self.on_hand,
            "stock_known": self.stock_known,
            "control_refs": self.control_refs,
            "references": dict(self.channel.references),
            "proposals": self.proposals,
            "planners": {
                p.gln: {k: v for k, v in vars(p).items() if k != "ctx"} for p in self.planners
            },
        }

    def save(self) -> None:
        """Write the state folder (atomically: a crash never leaves half a state)."""
        if self.state is None:
            return
        self.state.mkdir(parents=True, exist_ok=True)
        target = self.state / STATE_FILE
        scratch = target.with_suffix(".tmp")
        with scratch.open("wb") as handle:
            pickle.dump(self._snapshot(), handle, protocol=5)
        os.replace(scratch, target)

    def _load(self, path: Path) -> None:
        try:
            with path.open("rb") as handle:
                data = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as error:
            raise StateError(f"cannot read the state: {error}", file=path) from None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise StateError("not a state written by this version of crossdock", file=path)
        if data["scenario"] != scenario_digest(self.scenario) or data["captain"] != self.captain:
            raise StateError(
                "the state was made with another scenario (or planner split); "
                "use a new --state folder to start again",
                file=path,
            )
        self.last_day = data["last_day"]
        self.on_hand = data["on_hand"]
        self.stock_known = data["stock_known"]
        self.control_refs = data["control_refs"]
        self.channel.references.update(data["references"])
        self.proposals = data["proposals"]
        saved = data["planners"]
        for planner in self.planners:
            vars(planner).update(saved[planner.gln])

    # -- running -----------------------------------------------------------------------------
    def run(self, inbox: Inbox, *, through: int | None = None) -> PlanResult:
        """Plan every day after the last one planned, up to ``through``.

        ``through`` defaults to the last day the inbox has figures for; days already planned
        are reported and left out.
        """
        result = PlanResult(findings=list(inbox.findings))
        if not inbox.days:
            return result
        first = min(inbox.days) if self.last_day is None else self.last_day + 1
        last = max(inbox.days) if through is None else through
        done = [day for day in sorted(inbox.days) if day < first]
        if done:
            date = self.bridge.master.date
            result.findings.append(
                Finding(
                    "inbox",
                    None,
                    f"{len(done)} day(s) from {date(done[0])} to {date(done[-1])} already "
                    f"planned (the state's last day is {date(first - 1)}): their figures left out",
                )
            )
        for day in range(first, last + 1):
            self._grow(day)
            self._day(day, inbox.days.get(day), result)
            self.last_day = day
            result.days.append(day)
        return result

    def _day(self, day: int, inputs: DayInput | None, result: PlanResult) -> None:
        """One day: reports in, plan, answers in, confirm, today's messages out."""
        if inputs is not None:
            self._reports(day, inputs, result)
        for planner in self.planners:
            planner.plan(day)
        self._remember(day)
        if inputs is not None:
            for response in inputs.responses:
                self._response(response, result)
        for planner in self.planners:
            planner.confirm(day)
        for message in self.channel.take_sent():
            if isinstance(message, sim.Order):
                result.orders.append(message)
            elif isinstance(message, sim.Delisting):
                result.delistings.append(message)

    def _remember(self, day: int) -> None:
        """Keep today's proposals (for answers that accept them without quantities)."""
        for message in self.channel.pending():
            if isinstance(message, sim.Order) and message.ship_to_kind == "store":
                self.proposals[message.order_number] = message.quantity
        if len(self.proposals) > 64 * len(self.planners):  # answers come within days
            for number in list(self.proposals)[: len(self.proposals) // 2]:
                del self.proposals[number]

    def _reports(self, day: int, inputs: DayInput, result: PlanResult) -> None:
        """Send each planner the day's sales and stock report for its items."""
        sc = self.scenario
        retailer = sc.spec.retailer.gln
        date = self.bridge.master.date(day)
        stores = np.arange(sc.n_stores)
        if inputs.sales is not None:
            missing = (
                np.flatnonzero(~inputs.sales_stores) if inputs.sales_stores is not None else stores
            )
            if missing.size:
                result.findings.append(
                    Finding(
                        "inbox",
                        None,
                        f"{date}: no sales figures for {missing.size} store(s) "
                        f"({', '.join(sc.store_gln[missing[:3]].tolist())}"
                        f"{'...' if missing.size > 3 else ''}): counted as no sales",
                    )
                )
        sales = inputs.sales
        on_hand = None
        if inputs.on_hand is not None:
            mask = inputs.stock_stores
            assert mask is not None
            on_hand = self.on_hand.copy() if self.stock_known else np.zeros_like(self.on_hand)
            on_hand[mask] = inputs.on_hand[mask]
            if not mask.all():
                result.findings.append(
                    Finding(
                        "inbox",
                        None,
                        f"{date}: no stock figures for {int((~mask).sum())} store(s): "
                        "their last known stock is used",
                    )
                )
        received = inputs.received
        if on_hand is not None and received is None and self.receipts == "balance":
            sold = sales if sales is not None else 0
            received = (
                np.maximum(on_hand - self.on_hand + sold, 0)
                if self.stock_known
                else np.zeros_like(on_hand)
            )
        zeros = np.zeros((sc.n_stores, sc.n_skus), dtype=np.int64)
        for planner in self.planners:  # a planner hears only of days its items were reported
            items = planner.items
            if (
                sales is not None
                and inputs.sales_items is not None
                and inputs.sales_items[items].any()
            ):
                self._send(
                    sim.SalesReport, retailer, planner.gln, day,
                    locations=stores, items=items, quantity=sales[:, items].copy(),
                )  # fmt: skip
            if (
                on_hand is not None
                and inputs.stock_items is not None
                and inputs.stock_items[items].any()
            ):
                self._send(
                    sim.InventoryReport, retailer, planner.gln, day,
                    locations=stores, items=items, on_hand=on_hand[:, items].copy(),
                    received=(zeros if received is None else received)[:, items].copy(),
                    backorders=(
                        zeros if inputs.backorders is None else inputs.backorders
                    )[:, items].copy(),
                )  # fmt: skip
        if on_hand is not None:
            self.on_hand = on_hand
            self.stock_known = True

    def _send(
        self, kind: type[sim.Message], sender: str, receiver: str, day: int, **fields: Any
    ) -> None:
        self.channel.put(kind(sender=sender, receiver=receiver, day=day, reference="", **fields))

    def _planner(self, response: Response) -> Planner | None:
        for gln in (response.recipient, response.parts[0].supplier):
            for planner in self.planners:
                if planner.gln == gln:
                    return planner
        return None

    def _response(self, response: Response, result: PlanResult) -> None:
        """An ORDRSP to a planner, as the simulation message the planner reads."""
        planner = self._planner(response)
        first = response.parts[0]
        if planner is None:
            result.findings.append(
                Finding(
                    response.file,
                    None,
                    f"ORDRSP {first.number} answers order {first.order_number} for "
                    f"{response.recipient}, which plans nothing here; left out",
                )
            )
            return
        md = self.bridge.master
        items = planner.items
        column = {int(k): j for j, k in enumerate(items)}
        proposed = self.proposals.get(first.order_number)
        quantity = np.zeros((md.scenario.n_stores, items.size), dtype=np.int64)
        if not any(part.lines for part in response.parts) and proposed is not None:
            if first.response is edi.ResponseType.ACCEPTED:
                quantity[...] = proposed
        lines_items: list[int] = []
        keep: list[int] = []
        for r, part in enumerate(response.parts):
            found = md.party_of.get(part.buyer)
            store = found[1] if found is not None and found[0] == "store" else None
            for n, line in enumerate(part.lines):
                k = md.item_of.get(line.gtin)
                j = column.get(k) if k is not None else None
                if r == 0 and k is not None:
                    lines_items.append(k)
                    keep.append(n)
                if j is None:
                    if r == 0:
                        result.findings.append(
                            Finding(
                                response.file,
                                None,
                                f"ORDRSP {first.number}: GTIN {line.gtin} is not an item "
                                f"{planner.gln} plans; left out",
                            )
                        )
                    continue
                if store is None:
                    continue
                if line.quantity is not None:
                    quantity[store, j] = int(line.quantity)
                elif line.status is edi.LineStatus.ACCEPTED and proposed is not None:
                    quantity[store, j] = proposed[store, j]
        try:
            promised = _read_delivery_notes(first.notes, len(first.lines), md)
        except BridgeError as error:
            result.findings.append(Finding(response.file, None, f"ORDRSP {first.number}: {error}"))
            promised = np.zeros(0, dtype=np.int64)
        known = np.array(keep, dtype=np.int64)
        is_retailer = response.sender == md.retailer or first.order_number in self.proposals
        self._send(
            sim.OrderResponse, response.sender, planner.gln, response.day,
            order_number=first.order_number,
            locations=np.arange(md.scenario.n_stores) if is_retailer else np.zeros(0, np.int64),
            items=items if is_retailer else np.array(lines_items, dtype=np.int64),
            quantity=quantity if is_retailer else np.zeros((0, len(keep)), np.int64),
            status=np.zeros(items.size if is_retailer else len(keep), np.int64),
            delivery_day=promised[known] if promised.size else promised,
        )  # fmt: skip
        if is_retailer:
            self.proposals.pop(first.order_number, None)

    # -- output --------------------------------------------------------------------------------
    def interchange(self, order: sim.Order) -> edi.Interchange:
        """An order as the interchange to send (UNB control references count per sender)."""
        n = self.control_refs.get(order.sender, 0) + 1
        self.control_refs[order.sender] = n
        spec = self.scenario.spec.edi
        editions = spec.partner_editions
        name = editions.get(order.receiver) or editions.get(order.sender) or spec.edition
        return self.bridge.interchange(order, control_ref=f"{n:09d}", edition=edi.Edition[name])
