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
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["MAX_ALIAS_NODES", "MAX_BYTES", "MAX_DEPTH", "LimitError", "load_yaml"]

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64
MAX_ALIAS_NODES = 1_000_000

_MERGE_TAG = "tag:yaml.org,2002:merge"


class LimitError(yaml.MarkedYAMLError):
    """A scenario file past a limit, a key written twice, or a value YAML cannot build.

    (An unquoted ``2026-02-30`` is a YAML timestamp that is no day.)
    """


class _ScenarioLoader(yaml.SafeLoader):
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
