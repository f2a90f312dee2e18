"""Reading YAML that may be hostile: PyYAML's event stream, composed into nodes with checks.

The ways in that read YAML (:mod:`calendar_service.ingest.dataset`) take the node tree this module
composes and convert each value themselves, so a value of the wrong shape is named by its field and
line instead of being turned into text. The events come from libyaml's parser when PyYAML has it
(about ten times faster than the pure-Python one, which is used otherwise); the composing is a loop
with a stack, not recursion, and refuses, each with its line, what costs time or memory out of
proportion to the file:

- aliases (``*name``): a few hundred bytes of them expand to gigabytes ("billion laughs");
- nesting deeper than :data:`MAX_DEPTH`;
- more than :data:`MAX_NODES` values, or more than :data:`MAX_INNER_ITEMS` in a list or mapping
  nested three levels deep or more;
- tags other than the plain ones (``!!python/object``, ``!custom``, ``!!binary``);
- a key that is a list or a mapping, and a key given twice in one mapping (YAML 1.2 §3.2.1.3
  requires keys to be unique; PyYAML keeps the last silently);
- more than one document.

Dates stay strings (no implicit timestamps), so ``2024-02-30`` is reported by the reader of the
record, and ``2002`` keeps its own text.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

from calendar_service.errors import InvalidInput, Problem

__all__ = ["MAX_DEPTH", "MAX_INNER_ITEMS", "MAX_NODES", "PLAIN_TAGS", "compose", "line_of", "plain_tag"]

#: Deepest nesting read: a dataset is a mapping of a list of mappings of lists, four levels.
MAX_DEPTH = 32
#: Most values (scalars, lists, mappings) read from one document: about 20,000 records of 25 fields.
MAX_NODES = 500_000
#: Most items of a list or mapping nested three levels or deeper (a record, a list in a record):
#: only the top-level list of records is long.
MAX_INNER_ITEMS = 1_000

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
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _Resolver(yaml.resolver.Resolver):
    """PyYAML's implicit types but timestamps: a date stays the text it was written as."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TAG + "timestamp"]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}


def _parser(text: str) -> Any:
    try:
        from yaml._yaml import CParser  # libyaml, when PyYAML was built with it
    except ImportError:  # pragma: no cover - depends on the wheel installed
        return yaml.SafeLoader(text)
    return CParser(text)


def _node(event: Any, resolver: _Resolver) -> Node:
    if isinstance(event, ScalarEvent):
        tag = event.tag
        if tag is None or tag == "!":
            tag = resolver.resolve(ScalarNode, event.value, event.implicit)
        # types-PyYAML lets events carry libyaml's marks but nodes only Python's; PyYAML's own
        # composer hands an event's marks to its node whichever parser made them.
        return ScalarNode(tag, event.value, event.start_mark, event.end_mark,  # type: ignore[arg-type]
                          style=event.style)
    kind = SequenceNode if isinstance(event, SequenceStartEvent) else MappingNode
    tag = event.tag
    if tag is None or tag == "!":
        tag = resolver.resolve(kind, None, event.implicit)
    return kind(tag, [], event.start_mark, None, flow_style=event.flow_style)


def _compose(parser: Any) -> Node | None:
    resolver = _Resolver()
    parser.get_event()  # StreamStartEvent
    if parser.check_event(StreamEndEvent):
        return None
    parser.get_event()  # DocumentStartEvent
    root: Node | None = None
    open_nodes: list[CollectionNode] = []
    pending_keys: list[ScalarNode | None] = []  #: per open mapping, the key waiting for its value
    seen_keys: list[set[str]] = []
    count = 0
    while root is None:
        event = parser.get_event()
        if isinstance(event, (SequenceEndEvent, MappingEndEvent)):
            closed = open_nodes.pop()
            closed.end_mark = event.end_mark
            pending_keys.pop()
            seen_keys.pop()
            if not open_nodes:
                root = closed
            continue
        if isinstance(event, AliasEvent):
            raise _Refused("aliases (*name) are not read; write the value out in full", event.start_mark)
        count += 1
        if count > MAX_NODES:
            raise _Refused(f"more than {MAX_NODES:,} values in one file", event.start_mark)
        node = _node(event, resolver)
        if node.tag not in PLAIN_TAGS:
            raise _Refused(f"the tag {node.tag} is not read; write plain text, numbers, lists and mappings",
                           event.start_mark)
        if open_nodes:
            parent = open_nodes[-1]
            if len(open_nodes) >= 3 and len(parent.value) >= MAX_INNER_ITEMS:
                raise _Refused(f"more than {MAX_INNER_ITEMS:,} items in one list or mapping", event.start_mark)
            if isinstance(parent, SequenceNode):
                parent.value.append(node)
            elif pending_keys[-1] is None:
                if not isinstance(node, ScalarNode):
                    raise _Refused("a key must be plain text, not a list or a mapping", event.start_mark)
                if node.value in seen_keys[-1]:
                    raise _Refused(f"the key {node.value[:60]!r} is given twice in one mapping", event.start_mark)
                seen_keys[-1].add(node.value)
                pending_keys[-1] = node
            else:
                parent.value.append((pending_keys[-1], node))
                pending_keys[-1] = None
        if isinstance(node, CollectionNode):
            if len(open_nodes) >= MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
            open_nodes.append(node)
            pending_keys.append(None)
            seen_keys.append(set())
        elif not open_nodes:
            root = node
    parser.get_event()  # DocumentEndEvent
    if not parser.check_event(StreamEndEvent):
        raise _Refused("more than one document; a file holds one", parser.peek_event().start_mark)
    return root


def compose(text: str, *, source: str) -> Node | None:
    """Compose the single YAML document in ``text`` into nodes (None for an empty document).

    Raises:
        InvalidInput: not YAML, more than one document, or refused (see the module docstring); the
            line is named.
    """
    parser = _parser(text)
    try:
        return _compose(parser)
    except _Refused as refused:
        raise InvalidInput([Problem(refused.message, source=source, line=refused.mark.line + 1)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        if "maximum nesting depth" in problem:  # libyaml's own limit (1,000), met while scanning ahead
            raise InvalidInput([Problem(f"nested more than {MAX_DEPTH} levels deep", source=source,
                                        line=mark.line + 1 if mark else None)]) from None
        raise InvalidInput(
            [Problem(f"not valid YAML: {problem}", source=source, line=mark.line + 1 if mark else None)]
        ) from None
    finally:
        parser.dispose()
