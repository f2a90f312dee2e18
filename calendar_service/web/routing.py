"""URL rules whose builders are compiled once per process, however many applications are made.

Werkzeug compiles two Python functions per URL rule to build its URLs (``url_for``), with
:mod:`ast` and :func:`compile`, every time a rule is added to an application: most of the cost of
:func:`calendar_service.create_app`. The code of those functions depends only on the rule's text,
its parsed parts and its defaults, never on the application, and each takes the rule as its first
argument; so each is compiled once and shared by every rule that would compile the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from apiflask import APIFlask
from werkzeug.routing import Rule

__all__ = ["ServiceFlask", "SharedBuilderRule"]

_BUILDERS: dict[Hashable, Callable[..., tuple[str, str]]] = {}


class SharedBuilderRule(Rule):
    """A :class:`werkzeug.routing.Rule` that reuses the URL builders compiled for an identical rule."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        # What werkzeug's code generation reads: the parsed parts, and the defaults (the dynamic
        # parts given a default are turned into text by their converter, the others become arguments).
        defaults = tuple((name, self._converters[name].to_url(value) if name in self._converters else None)
                         for name, value in (self.defaults or {}).items())
        key = (self.rule, tuple(self._trace), defaults, append_unknown)
        builder = _BUILDERS.get(key)
        if builder is None:
            builder = _BUILDERS[key] = super()._compile_builder(append_unknown)
        return builder


class ServiceFlask(APIFlask):
    """The service's application class: APIFlask whose URL rules share their compiled builders."""

    url_rule_class = SharedBuilderRule
