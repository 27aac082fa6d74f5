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


def _check_shape(rep: Reporter, number: int, segment: RawSegment) -> None:
    tag = segment[0][0]
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
        element = segment[index]
        if len(element) > shape[index - 1]:
            rep.error(
                f"{len(element)} components, at most {shape[index - 1]} allowed "
                "(unescaped separator?)",
                number,
                tag,
                index,
                len(element),
            )
            raise _Stop
        if element[-1] == "" and (len(element) > 1 or index == len(segment) - 1):
            rep.error(
                "trailing empty " + ("component" if len(element) > 1 else "data element"),
                number,
                tag,
                index,
                len(element) if len(element) > 1 else None,
            )
            raise _Stop


def parse_message(
    rep: Reporter,
    structure: Group,
    body: Sequence[tuple[int, RawSegment]],
    end: tuple[int, str],
) -> Node:
    """Parse a message body (after UNH, before UNT) into nested group occurrences.

    ``end`` is the number and tag of the segment after the body (UNT), where a missing
    trailing mandatory segment is reported.
    """
    tags = [segment[0][0] for _, segment in body]
    count = len(body)
    known = _tags(structure.children)

    def where(pos: int) -> tuple[int, str]:
        return (body[pos][0], tags[pos]) if pos < count else end

    def walk(children: tuple[Seg | Group, ...], pos: int, group: bool) -> tuple[Node, int]:
        node: Node = {}
        for child in children:
            if type(child) is Seg:
                tag = child.tag
                start = pos
                if group and child is children[0]:
                    pos += 1  # the trigger: exactly one per occurrence
                else:
                    while pos < count and tags[pos] == tag:
                        pos += 1
                found = pos - start
                if found:
                    taken = body[start:pos]
                    for number, segment in taken:
                        _check_shape(rep, number, segment)
                    node[tag] = taken
                    if found > child.max:
                        number, _ = body[start + child.max]
                        rep.error(f"{tag} repeated {found} times, at most {child.max}", number, tag)
                        raise _Stop
                elif child.mandatory:
                    number, here = where(pos)
                    rep.error(f"mandatory segment {tag} is missing before {here}", number, here)
                    raise _Stop
            else:
                assert isinstance(child, Group)
                trigger = child.trigger
                occurrences = []
                while pos < count and tags[pos] == trigger:
                    occurrence, pos = walk(child.children, pos, True)
                    occurrences.append(occurrence)
                if occurrences:
                    node[child.name] = occurrences
                    if len(occurrences) > child.max:
                        rep.error(
                            f"group {child.name} ({trigger}) repeated {len(occurrences)} times, "
                            f"at most {child.max}",
                            *where(pos),
                        )
                        raise _Stop
                elif child.mandatory:
                    number, here = where(pos)
                    rep.error(
                        f"mandatory group {child.name} ({trigger}) is missing before {here}",
                        number,
                        here,
                    )
                    raise _Stop
        return node, pos

    node, pos = walk(structure.children, 0, False)
    if pos < count:
        number, tag = where(pos)
        if tag in known:
            rep.error(f"segment {tag} is out of place in {structure.name}", number, tag)
        elif tag in SHAPES:
            rep.error(f"segment {tag} is not used in EANCOM {structure.name}", number, tag)
        else:
            rep.error(f"unknown segment tag {tag!r} (unescaped separator?)", number, tag)
        raise _Stop
    return node
