"""Russian text beneath every layer: one pymorphy3 analyzer for the process, and the Cyrillic test.

The news reader (names in every case) and the wording (genitives of event names) share the one
analyzer, so its dictionary is loaded once however many parts of the service read Russian.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pymorphy3

__all__ = ["analyzer", "has_cyrillic"]

_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")


@functools.cache
def analyzer() -> pymorphy3.MorphAnalyzer:
    """Return the process's Russian morphological analyzer (its dictionary loaded on first use)."""
    import pymorphy3  # imported with its dictionary: a web worker that writes no genitive needs neither

    return pymorphy3.MorphAnalyzer(lang="ru")


def has_cyrillic(text: str | None) -> bool:
    """Tell whether ``text`` is written (partly) in Cyrillic."""
    return bool(text) and _CYRILLIC.search(text or "") is not None
