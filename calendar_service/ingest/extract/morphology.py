"""Russian morphology for the gazetteer: a word's dictionary form, so every case of a name is found.

Extraction step "places and bodies". "Казахстану", "в Кыргызстан", "Бишкеке", "Нижнем Новгороде"
are the names "Казахстан", "Кыргызстан", "Бишкек", "Нижний Новгород" in other cases; pymorphy3's
dictionary (with its guesses for words it does not know) gives the normal form of each word, and the
gazetteer also indexes its Russian names by those forms.
"""

from __future__ import annotations

import functools
import re

import pymorphy3

__all__ = ["has_cyrillic", "lemma"]

_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")


@functools.cache
def _analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


def has_cyrillic(word: str) -> bool:
    """Tell whether ``word`` is written (partly) in Cyrillic."""
    return _CYRILLIC.search(word) is not None


@functools.lru_cache(maxsize=65_536)
def lemma(word: str) -> str:
    """Return the normal form of a Russian word, lower case, ё as е ("Бишкеке" -> "бишкек")."""
    if not has_cyrillic(word):
        return word.lower()
    return _analyzer().parse(word)[0].normal_form.replace("ё", "е")
