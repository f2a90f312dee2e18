"""Russian morphology for the gazetteer: a word's dictionary form, so every case of a name is found.

Extraction step "places and bodies". "Казахстану", "в Кыргызстан", "Бишкеке", "Нижнем Новгороде"
are the names "Казахстан", "Кыргызстан", "Бишкек", "Нижний Новгород" in other cases; pymorphy3's
dictionary (with its guesses for words it does not know) gives the normal form of each word, and the
gazetteer also indexes its Russian names by those forms.
"""

from __future__ import annotations

import functools

from calendar_service.russian import analyzer, has_cyrillic

__all__ = ["has_cyrillic", "lemma"]


@functools.lru_cache(maxsize=65_536)
def lemma(word: str) -> str:
    """Return the normal form of a Russian word, lower case, ё as е ("Бишкеке" -> "бишкек")."""
    if not has_cyrillic(word):
        return word.lower()
    return analyzer().parse(word)[0].normal_form.replace("ё", "е")
