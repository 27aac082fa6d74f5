"""Segment tables and the segment-group parser.

A message's structure is a tree of segments and segment groups, each mandatory (``M``) or
conditional (``C``) with a maximum number of repetitions, as in the EANCOM message structure
charts; a group starts with its trigger segment. :func:`parse_message` walks a message body
(the segments between UNH and UNT) down that tree and returns, for each group occurrence, a
:class:`Node` mapping segment tags and group names to what was found. It reports a missing
mandatory segment, too many repetitions, and a segment out of place or unknown to the message.

The tables list the segments crossdock writes plus the optional segments partners commonly
send (PIA, IMD, MEA, FTX, contacts, ...), which are checked for shape and otherwise skipped.
:data:`SHAPES` gives, per segment tag, the maximum number of components of each data element
(from the UN/EDIFACT segment directory), against which every segment is checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crossdock.edi._errors import Reporter, _Stop
from crossdock.edi._syntax import RawSegment

__all__ = ["SHAPES", "Group", "Node", "Seg", "parse_message"]

SHAPES: dict[str, tuple[int, ...]] = {
    "ALI": (1, 1, 1, 1, 1, 1, 1),
    "BGM": (4, 3, 1, 1),
    "CNT": (3,),
    "COM": (2,),
    "CPS": (1, 1, 1),
    "CTA": (1, 2),
    "CUX": (4, 4, 1, 1),
    "DLM": (1, 4, 4, 3, 1),
    "DTM": (3,),
    "EQD": (1, 4, 2, 1, 1, 1),
    "FTX": (1, 1, 3, 5, 1, 1),
    "GIN": (1, 2, 2, 2, 2, 2),
    "HAN": (4, 4),
    "IMD": (1, 1, 6, 1),
    "LIN": (1, 1, 4, 2, 1, 1),
    "LOC": (1, 4, 4, 4, 1),
    "MEA": (1, 4, 6, 1),
    "MOA": (5,),
    "NAD": (1, 3, 5, 6, 4, 1, 5, 1, 1),
    "PAC": (1, 3, 6, 5, 2),
    "PCI": (1, 10, 1, 3),
    "PIA": (1, 4, 4, 4, 4, 4),
    "PRI": (6, 1),
    "QTY": (3,),
    "QVR": (3, 1, 2),
    "RFF": (5,),
    "SEL": (1, 3, 1, 2),
    "STS": (3, 4, 4, 4, 4, 4, 4),
    "TDT": (1, 1, 2, 2, 4, 1, 3, 5, 1, 2),
    "TOD": (1, 1, 5),
    "UCD": (1, 3),
    "UCI": (1, 4, 4, 1, 1, 1, 2),
    "UCM": (1, 7, 1, 1, 1, 2),
    "UCS": (1, 1),
    "UNB": (4, 4, 4, 2, 1, 2, 1, 1, 1, 1, 1),
    "UNH": (1, 6, 1, 4),
    "UNS": (1,),
    "UNT": (1, 1),
    "UNZ": (1, 1),
}


@dataclass(frozen=True, slots=True)
class Seg:
    """A segment in a structure table: tag, mandatory or not, maximum repetitions."""

    tag: str
    mandatory: bool = False
    max: int = 1


@dataclass(frozen=True, slots=True)
class Group:
    """A segment group: name, status, repetitions, children (the first is the trigger)."""

    name: str
    mandatory: bool
    max: int
    children: tuple[Seg | Group, ...]

    @property
    def trigger(self) -> str:
        """The tag of the segment that starts each occurrence of the group."""
        first = self.children[0]
        assert isinstance(first, Seg)
        return first.tag


def M(tag: str, most: int = 1) -> Seg:
    """Make a mandatory segment entry."""
    return Seg(tag, True, most)


def C(tag: str, most: int = 1) -> Seg:
    """Make a conditional segment entry."""
    return Seg(tag, False, most)


def G(name: str, mandatory: bool, most: int, *children: Seg | Group) -> Group:
    """Make a segment group entry."""
    return Group(name, mandatory, most, children)


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


def _check_shape(rep: Reporter, number: int, segment: RawSegment) -> None:
    """Check the number of data elements and components of a segment against its tag's shape.

    Trailing empty elements and components are found by the tokenizer.
    """
    tag = segment[0][0]
    signature = tuple(map(len, segment))
    good = _GOOD_SIGNATURES.get(tag)
    if good is not None and signature in good:
        return
    shape = SHAPES.get(tag)
    if shape is None:
        rep.error(f"unknown segment tag {tag!r} (unescaped separator?)", number, tag)
        raise _Stop
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
    good.add(signature)  # type: ignore[union-attr]


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
            _check_shape(rep, *body[pos])
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
                    _check_shape(rep, *body[pos])
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
