"""Reading YAML that may be hostile: PyYAML's composer, checked as it goes, nodes out.

The ways in that read YAML (:mod:`calendar_service.ingest.dataset`) take the node tree this module
composes and convert each value themselves, so a value of the wrong shape is named by its field and
line instead of being turned into text. While composing, it refuses what costs time or memory out of
proportion to the file, each with its line:

- aliases (``*name``): a few hundred bytes of them expand to gigabytes ("billion laughs");
- nesting deeper than :data:`MAX_DEPTH` (the composer recurses once per level);
- more than :data:`MAX_NODES` values;
- tags other than the plain ones (``!!python/object``, ``!custom``);
- a key given twice in one mapping (YAML 1.2 §3.2.1.3 requires keys to be unique; PyYAML keeps the
  last silently).

Dates stay strings (no implicit timestamps), so ``2024-02-30`` is reported by the reader of the
record, and ``2002`` keeps its own text.
"""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from calendar_service.errors import InvalidInput, Problem

__all__ = ["MAX_DEPTH", "MAX_NODES", "PLAIN_TAGS", "compose", "line_of", "plain_tag"]

#: Deepest nesting read: a dataset is a mapping of a list of mappings of lists, four levels.
MAX_DEPTH = 32
#: Most values (scalars, lists, mappings) read from one document: about 20,000 records of 25 fields.
MAX_NODES = 500_000

_TAG = "tag:yaml.org,2002:"
#: The tags a plain document has; anything else is refused.
PLAIN_TAGS = frozenset(_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map"))


def line_of(node: Node) -> int:
    """Return the 1-based line where ``node`` starts."""
    return node.start_mark.line + 1


def plain_tag(node: Node) -> str:
    """Return the short name of the tag of ``node``: "str", "int", "bool", "null", "seq", "map"."""
    return node.tag.removeprefix(_TAG)


class _Refused(yaml.YAMLError):
    def __init__(self, message: str, node_or_mark: object) -> None:
        super().__init__(message)
        self.message = message
        self.mark = getattr(node_or_mark, "start_mark", node_or_mark)


class _Composer(yaml.SafeLoader):
    """A safe loader that refuses aliases, deep nesting, odd tags and repeated keys while composing."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: object) -> Node:
        if self.check_event(yaml.AliasEvent):
            raise _Refused("aliases (*name) are not read; write the value out in full", self.peek_event().start_mark)
        self._depth += 1
        self._nodes += 1
        event = self.peek_event()
        if self._depth > MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        if self._nodes > MAX_NODES:
            raise _Refused(f"more than {MAX_NODES:,} values in one file", event.start_mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node.tag not in PLAIN_TAGS:
            raise _Refused(f"the tag {node.tag} is not read; write plain text, numbers, lists and mappings", node)
        return node

    def compose_mapping_node(self, anchor: str | None) -> MappingNode:
        node = super().compose_mapping_node(anchor)
        seen: set[str] = set()
        for key, _value in node.value:
            if not isinstance(key, ScalarNode):
                raise _Refused("a key must be plain text, not a list or a mapping", key)
            if key.value in seen:
                raise _Refused(f"the key {key.value[:60]!r} is given twice in one mapping", key)
            seen.add(key.value)
        return node


_Composer.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TAG + "timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def compose(text: str, *, source: str) -> Node | None:
    """Compose the single YAML document in ``text`` into nodes (None for an empty document).

    Raises:
        InvalidInput: not YAML, more than one document, or refused (see the module docstring); the
            line is named.
    """
    loader = _Composer(text)
    try:
        return loader.get_single_node()
    except _Refused as refused:
        raise InvalidInput([Problem(refused.message, source=source, line=refused.mark.line + 1)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InvalidInput(
            [Problem(f"not valid YAML: {problem}", source=source, line=mark.line + 1 if mark else None)]
        ) from None
    finally:
        loader.dispose()

