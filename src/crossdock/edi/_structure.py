"""Segment tables and the segment-group parser.

A message's structure is a tree of segments and segment groups, as in the EANCOM message
structure charts: each entry has its EANCOM status — ``M`` mandatory (in UN/EDIFACT), ``R``
required (by EANCOM), ``D`` dependent, ``O`` optional; ``N`` (not used) entries are left out of
the tables, so such a segment is reported as not used in the message — and a maximum number of
repetitions; a group starts with its trigger segment. :func:`parse_message` walks a message
body (the segments between UNH and UNT) down that tree and returns, for each group occurrence,
a :class:`Node` mapping segment tags and group names to what was found. It reports a missing
mandatory or required segment, too many repetitions, a segment out of place or unknown to the
message, and (:func:`check_segment`) an element or component count, type or length outside the
segment directory (:mod:`crossdock.edi._segments`).

The tables themselves are data, one per message and edition, in :mod:`crossdock.edi._tables`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crossdock.edi._errors import Reporter, _Stop
from crossdock.edi._segments import LENGTHS, SHAPES
from crossdock.edi._syntax import RawSegment

__all__ = ["SHAPES", "Group", "Node", "Seg", "check_segment", "parse_message"]

STATUSES = ("M", "R", "D", "O")
"""EANCOM statuses kept in the tables (``N``, not used, entries are left out)."""


@dataclass(frozen=True, slots=True)
class Seg:
    """A segment in a structure table: tag, EANCOM status, maximum repetitions."""

    tag: str
    status: str = "O"
    max: int = 1

    @property
    def mandatory(self) -> bool:
        """Whether the segment must be there (status M or R)."""
        return self.status in ("M", "R")


@dataclass(frozen=True, slots=True)
class Group:
    """A segment group: name, status, repetitions, children (the first is the trigger)."""

    name: str
    status: str
    max: int
    children: tuple[Seg | Group, ...]
    number: str = ""
    """The group's number in the EANCOM structure chart (``SG28``), for the docs."""

    @property
    def mandatory(self) -> bool:
        """Whether the group must occur at least once (status M or R)."""
        return self.status in ("M", "R")

    @property
    def trigger(self) -> str:
        """The tag of the segment that starts each occurrence of the group."""
        first = self.children[0]
        assert isinstance(first, Seg)
        return first.tag


def S(tag: str, status: str, most: int = 1) -> Seg:
    """Make a segment entry with its EANCOM status (M, R, D or O)."""
    assert status in STATUSES, status
    return Seg(tag, status, most)


def G(name: str, status: str, most: int, *children: Seg | Group, number: str = "") -> Group:
    """Make a segment group entry with its EANCOM status."""
    assert status in STATUSES, status
    return Group(name, status, most, children, number)


Node = dict[str, list]
"""One occurrence of a group: tag -> [(segment number, segment)], group name -> [Node]."""


def _tags(children: Sequence[Seg | Group]) -> set[str]:
    tags: set[str] = set()
    for child in children:
        if isinstance(child, Seg):
            tags.add(child.tag)
        else:
            tags |= _tags(child.children)
    return tags


_GOOD_SIGNATURES: dict[str, set[tuple[int, ...]]] = {tag: set() for tag in SHAPES}


def check_segment(rep: Reporter, number: int, segment: RawSegment) -> None:
    """Check a segment against the directory: element and component counts, types, lengths.

    Trailing empty elements and components are found by the tokenizer.
    """
    tag = segment[0][0]
    signature = tuple(map(len, segment))
    good = _GOOD_SIGNATURES.get(tag)
    if good is None:
        rep.error(f"unknown segment tag {tag!r} (unescaped separator?)", number, tag)
        raise _Stop
    if signature not in good:
        shape = SHAPES[tag]
        if len(segment) - 1 > len(shape):
            rep.error(
                f"{tag} has {len(segment) - 1} data elements, at most {len(shape)} allowed",
                number,
                tag,
                len(segment) - 1,
            )
            raise _Stop
        for index in range(1, len(segment)):
            size = len(segment[index])
            if size > shape[index - 1]:
                rep.error(
                    f"{size} components, at most {shape[index - 1]} allowed (unescaped separator?)",
                    number,
                    tag,
                    index,
                    size,
                )
                raise _Stop
        good.add(signature)
    lengths = LENGTHS[tag]
    floors = _FLOORS[tag]
    for index in range(1, len(segment)):
        element = segment[index]
        floor = floors[index - 1]
        # Most elements are short text: when no component reaches the element's shortest
        # bound and none is numeric, there is nothing to check one by one.
        if floor and max(map(len, element)) <= floor:
            continue
        specs = lengths[index - 1]
        for position, value in enumerate(element):
            numeric, longest = specs[position]
            size = len(value)
            if numeric:
                if size and not (value.isascii() and value.isdigit()):
                    _check_numeric(rep, number, tag, index, position + 1, value, longest)
                elif size > longest:
                    _too_long(rep, number, tag, index, position + 1, f"{size} digits", longest)
            elif size > longest:
                _too_long(rep, number, tag, index, position + 1, f"{size} characters", longest)


_FLOORS: dict[str, tuple[int, ...]] = {
    tag: tuple(
        0 if any(numeric for numeric, _ in element) else min(size for _, size in element)
        for element in elements
    )
    for tag, elements in LENGTHS.items()
}
"""Per tag and element: the shortest bound of its components, or 0 if one is numeric."""


def _too_long(
    rep: Reporter, number: int, tag: str, element: int, position: int, size: str, longest: int
) -> None:
    kind = "n" if size.endswith("digits") else "an"
    rep.error(
        f"{size}, at most {longest} allowed ({kind}..{longest})", number, tag, element, position
    )
    raise _Stop


def _check_numeric(
    rep: Reporter, number: int, tag: str, element: int, position: int, value: str, longest: int
) -> None:
    """A numeric value with a sign or decimal mark: digits, at most one mark, a leading ``-``."""
    body = value[1:] if value[:1] == "-" else value
    whole, _, fraction = body.replace(",", ".").partition(".")
    digits = whole + fraction
    if not (digits.isascii() and digits.isdigit()) or "." in fraction:
        shown = value if len(value) <= 40 else value[:37] + "..."
        rep.error(f"{shown!r} is not a number", number, tag, element, position)
        raise _Stop
    if len(digits) > longest:
        _too_long(rep, number, tag, element, position, f"{len(digits)} digits", longest)


class _Plan:
    """A group compiled for parsing: child entries and a tag -> child index map."""

    __slots__ = ("children", "index", "mandatory_from", "name", "trigger")

    def __init__(self, group: Group) -> None:
        self.name = group.name
        self.trigger = group.trigger
        self.children: list[tuple[bool, str, int, bool, _Plan | None, str]] = []
        self.index: dict[str, int] = {}
        entry: tuple[bool, str, int, bool, _Plan | None, str]
        for position, child in enumerate(group.children):
            if isinstance(child, Seg):
                entry = (False, child.tag, child.max, child.mandatory, None, child.tag)
            else:
                entry = (True, child.trigger, child.max, child.mandatory, _plan(child), child.name)
            assert entry[1] not in self.index, f"{group.name}: {entry[1]} twice at one level"
            self.index[entry[1]] = position
            self.children.append(entry)
        count = len(self.children)
        # mandatory_from[i]: the first mandatory child at or after i (count when none).
        self.mandatory_from = [count] * (count + 1)
        for position in range(count - 1, -1, -1):
            self.mandatory_from[position] = (
                position if self.children[position][3] else self.mandatory_from[position + 1]
            )


_PLANS: dict[int, _Plan] = {}


def _plan(group: Group) -> _Plan:
    plan = _PLANS.get(id(group))
    if plan is None:
        plan = _PLANS[id(group)] = _Plan(group)
    return plan


class _Walker:
    """One message body being parsed (a class, not closures: no reference cycle to collect)."""

    def __init__(
        self,
        rep: Reporter,
        structure: Group,
        body: list[tuple[int, RawSegment]],
        end: tuple[int, str],
    ) -> None:
        self.rep = rep
        self.body = body
        self.end = end
        self.tags = [segment[0][0] for _, segment in body]
        self.count = len(body)
        self.known = _tags(structure.children)
        self.name = structure.name

    def where(self, pos: int) -> tuple[int, str]:
        return (self.body[pos][0], self.tags[pos]) if pos < self.count else self.end

    def missing(self, plan: _Plan, position: int, pos: int) -> None:
        number, here = self.where(pos)
        if pos < self.count:
            if here not in self.known:
                self.unknown(pos)
            later = plan.index.get(here)
            if later is None or later < position:  # it does not belong here: it is misplaced
                self.rep.error(f"segment {here} is out of place in {self.name}", number, here)
                raise _Stop
        is_group, tag, _, _, _, name = plan.children[position]
        what = f"group {name} ({tag})" if is_group else f"segment {tag}"
        self.rep.error(f"mandatory {what} is missing before {here}", number, here)
        raise _Stop

    def unknown(self, pos: int) -> None:
        """Report a segment the message's structure does not have at all."""
        number, tag = self.where(pos)
        if tag in SHAPES:
            self.rep.error(f"segment {tag} is not used in EANCOM {self.name}", number, tag)
        else:
            self.rep.error(f"unknown segment tag {tag!r} (unescaped separator?)", number, tag)
        raise _Stop

    def walk(self, plan: _Plan, pos: int, group: bool) -> tuple[Node, int]:
        rep, body, tags, count = self.rep, self.body, self.tags, self.count
        node: Node = {}
        index = plan.index
        children = plan.children
        mandatory_from = plan.mandatory_from
        done = 0
        if group:  # the trigger: exactly one per occurrence
            check_segment(rep, *body[pos])
            node[plan.trigger] = [body[pos]]
            pos += 1
            done = 1
        while pos < count:
            position = index.get(tags[pos])
            if position is None or position < done:
                break  # belongs to an enclosing group, or out of place
            if mandatory_from[done] < position:
                self.missing(plan, mandatory_from[done], pos)
            is_group, tag, most, _, sub, name = children[position]
            start = pos
            if is_group:
                occurrences = []
                while pos < count and tags[pos] == tag:
                    occurrence, pos = self.walk(sub, pos, True)  # type: ignore[arg-type]
                    occurrences.append(occurrence)
                node[name] = occurrences
                found = len(occurrences)
            else:
                while pos < count and tags[pos] == tag:
                    check_segment(rep, *body[pos])
                    pos += 1
                node[tag] = body[start:pos]
                found = pos - start
            if found > most:
                what = f"group {name} ({tag})" if is_group else tag
                rep.error(f"{what} repeated {found} times, at most {most}", *self.where(pos - 1))
                raise _Stop
            done = position + 1
        if mandatory_from[done] < len(children):
            self.missing(plan, mandatory_from[done], pos)
        return node, pos


def parse_message(
    rep: Reporter,
    structure: Group,
    body: list[tuple[int, RawSegment]],
    end: tuple[int, str],
) -> Node:
    """Parse a message body (after UNH, before UNT) into nested group occurrences.

    ``end`` is the number and tag of the segment after the body (UNT), where a missing
    trailing mandatory segment is reported.
    """
    top = _plan(structure)
    walker = _Walker(rep, structure, body, end)
    node, pos = walker.walk(top, 0, False)
    if pos < walker.count:
        number, tag = walker.where(pos)
        if tag in walker.known:
            rep.error(f"segment {tag} is out of place in {structure.name}", number, tag)
            raise _Stop
        walker.unknown(pos)
    return node
