"""A YAML reader for scenario files that refuses what no scenario needs, with the place.

PyYAML's ``SafeLoader`` builds only plain data, but it still lets a file of a few hundred
bytes expand into billions of nodes through aliases (the "billion laughs"), nest lists
deeper than Python's stack, or write a key twice (the last one silently wins). This loader
composes the document once, counting as it goes, and stops with a :class:`LimitError` at the
first node past a limit:

- ``MAX_BYTES``: the file size;
- ``MAX_DEPTH``: the nesting of lists and mappings;
- ``MAX_ALIAS_NODES``: the nodes that aliases add when expanded (an alias to a mapping of
  ten scalars adds eleven); merge keys (``<<: *defaults``) are aliases too;
- recursive aliases (an anchor used inside itself) are refused outright;
- a key written twice in one mapping is an error (keys brought in by a merge key may be
  overridden, as YAML intends);
- a value YAML recognises but cannot build (the unquoted timestamp ``2026-02-30``) is an
  error at its place, not a ``ValueError``.

Composing in Python is slow and leaves a large node graph, so a large file that is within
the limits can be read by libyaml instead: :func:`fits_c_composer` replays the C parser's
events, counting depth and alias expansion exactly as the Python composer does, and
:func:`load_yaml_fast` then builds the data with libyaml's composer and the same
constructor checks (a key written twice, a value YAML cannot build). The fast reader only
ever answers for a document the Python reader would accept: it raises plain YAML errors
with no promise about their wording, and its caller falls back to :func:`load_yaml`, the one
source of located messages.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "LimitError",
    "fits_c_composer",
    "load_yaml",
    "load_yaml_fast",
]

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_NODES = 1_000_000

_MERGE_TAG = "tag:yaml.org,2002:merge"


class LimitError(yaml.MarkedYAMLError):
    """A scenario file past a limit, a key written twice, or a value YAML cannot build.

    (An unquoted ``2026-02-30`` is a YAML timestamp that is no day.)
    """


class _ConstructorChecks(SafeConstructor):
    """The checks made while building data from nodes, shared by the Python and C loaders.

    A key written twice in one mapping, and a value YAML recognises but cannot build, are
    :class:`LimitError` at their place.
    """

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as error:  # e.g. the timestamp 2026-02-30
            raise LimitError(
                None, None, f"cannot read {node.value!r}: {error}", node.start_mark
            ) from None

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
                    continue
                key = self.construct_object(key_node)
                try:
                    first = seen.get(key)
                    seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:  # an unhashable key: the constructor says so below
                    continue
                if first is not None:
                    raise LimitError(
                        None,
                        None,
                        f"duplicate key '{key}' (first written on line {first})",
                        key_node.start_mark,
                    )
        return super().construct_mapping(node, deep=deep)


class _ScenarioLoader(_ConstructorChecks, yaml.SafeLoader):
    """``SafeLoader`` that counts depth and alias expansion while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._alias_nodes = 0
        self._size: dict[int, int] = {}  # id(node) -> nodes it expands to, once composed

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            mark = event.start_mark
            node = super().compose_node(parent, index)
            size = self._size.get(id(node))
            if size is None:
                raise LimitError(
                    None, None, f"alias *{event.anchor} is used inside its own anchor", mark
                )
            self._alias_nodes += size
            if self._alias_nodes > MAX_ALIAS_NODES:
                raise LimitError(
                    None,
                    None,
                    f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes "
                    f"(limit MAX_ALIAS_NODES) at alias *{event.anchor}",
                    mark,
                )
            return node
        nested = isinstance(event, SequenceStartEvent | MappingStartEvent)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise LimitError(
                    None,
                    None,
                    f"nested more than {MAX_DEPTH} levels deep (limit MAX_DEPTH)",
                    event.start_mark,
                )
        node = super().compose_node(parent, index)
        if nested:
            self._depth -= 1
        assert node is not None
        self._size[id(node)] = 1 + sum(self._size.get(id(child), 1) for child in _children(node))
        return node


# PyYAML built without libyaml has no CSafeLoader; fits_c_composer then always says no.
_CSafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FastLoader(_ConstructorChecks, _CSafeLoader):
    """libyaml's parser and composer, the same constructor checks; see :func:`fits_c_composer`."""

    def construct_yaml_str(self, node: ScalarNode) -> str:
        """A copy of the node's string, so that the node graph can be freed whole.

        The string a node holds was allocated among the nodes and marks; kept alive by the
        spec, such strings pin the memory the whole freed graph held. Without the copy,
        353 MB stay resident after loading the national scenario; with it, 158 MB.
        """
        value: str = self.construct_scalar(node)
        return "".join((value, ""))  # a new string: "" + value would be value itself


_FastLoader.add_constructor("tag:yaml.org,2002:str", _FastLoader.construct_yaml_str)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load_yaml(text: str) -> tuple[Node | None, Any]:
    """The document's node graph (for line numbers) and its data, within the limits.

    Raises :class:`LimitError` past a limit and other ``yaml.YAMLError`` for malformed YAML.
    Key nodes keep their marks, so a duplicate key is reported at its second writing.
    """
    loader = _ScenarioLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def fits_c_composer(text: str) -> bool:
    """Whether libyaml may compose ``text``: one document, within the limits, read alike.

    Replays the C parser's events and counts as :class:`_ScenarioLoader` does: the nodes of
    each open list or mapping on a stack, an anchor's size recorded when its node ends, and
    each alias adding its anchor's size. ``False`` for anything the Python reader might refuse
    at composing: a nesting past ``MAX_DEPTH`` (libyaml's composer recurses in C, so such a
    document must never reach it), aliases past ``MAX_ALIAS_NODES``, an alias to an anchor not
    yet ended or unknown, an anchor written twice, a second document, or a parse error.

    ``False`` too where libyaml and PyYAML's own scanner are known to read the same text
    differently: a tab (libyaml takes one after ``key:`` or ``-`` as a space, PyYAML refuses
    it), a byte-order mark (libyaml skips one at the start of any line), an explicit tag
    (libyaml reads ``!`` alone as a string, PyYAML as null), a block scalar (libyaml takes
    ``|#`` as a header and a comment, PyYAML refuses it) and, inside ``[...]`` or ``{...}``,
    a plain scalar (libyaml's style ``""``) with ``?`` or ``:`` in it (PyYAML ends the
    scalar there, libyaml does not). Found by comparing the two readers on random text;
    files written by ``crossdock scenario generate`` or ``yaml.safe_dump`` have none of these.
    """
    if not yaml.__with_libyaml__ or "\t" in text or "\ufeff" in text:
        return False
    open_sizes = [0]  # nodes counted so far in each open collection (the document at 0)
    open_anchors: list[str | None] = []
    open_flows: list[bool] = []  # whether each open collection is written [...] or {...}
    flows = 0  # open collections written [...] or {...}
    sizes: dict[str, int] = {}  # anchor -> nodes its node expands to, once ended
    declared: set[str] = set()
    alias_nodes = 0
    documents = 0
    try:
        for event in yaml.parse(text, Loader=_CSafeLoader):
            kind = type(event)
            if getattr(event, "tag", None) is not None:
                return False
            if kind is ScalarEvent:
                if event.style == "|" or event.style == ">":
                    return False
                if flows and not event.style and ("?" in event.value or ":" in event.value):
                    return False
                open_sizes[-1] += 1
                if event.anchor is not None:
                    if event.anchor in declared:
                        return False
                    declared.add(event.anchor)
                    sizes[event.anchor] = 1
            elif kind is SequenceStartEvent or kind is MappingStartEvent:
                if event.anchor is not None:
                    if event.anchor in declared:
                        return False
                    declared.add(event.anchor)
                if len(open_anchors) >= MAX_DEPTH:
                    return False
                open_sizes.append(1)
                open_anchors.append(event.anchor)
                open_flows.append(bool(event.flow_style))
                flows += open_flows[-1]
            elif kind is SequenceEndEvent or kind is MappingEndEvent:
                size = open_sizes.pop()
                open_sizes[-1] += size
                anchor = open_anchors.pop()
                flows -= open_flows.pop()
                if anchor is not None:
                    sizes[anchor] = size
            elif kind is AliasEvent:
                expanded = sizes.get(event.anchor)  # None: used inside itself, or undefined
                if expanded is None:
                    return False
                alias_nodes += expanded
                if alias_nodes > MAX_ALIAS_NODES:
                    return False
                open_sizes[-1] += expanded
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    return False
    except yaml.YAMLError:
        return False
    return True


def load_yaml_fast(text: str) -> Any:
    """The document's data, composed by libyaml; call only where :func:`fits_c_composer` agrees.

    No node graph is kept and no line is located: any ``yaml.YAMLError`` it raises (a key
    written twice, a value YAML cannot build) is for the caller to read again with
    :func:`load_yaml`, whose messages are the ones users see.
    """
    loader = _FastLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
