"""The message catalogues: every word of the pages is translated, and the shipped .mo is the .po compiled."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
CATALOGUE = REPO / "calendar_service" / "translations" / "ru" / "LC_MESSAGES" / "messages.po"


def _catalogue():  # type: ignore[no-untyped-def]
    with CATALOGUE.open("rb") as file:
        return read_po(file, locale="ru")


def test_every_word_of_the_pages_has_a_russian_translation() -> None:
    method_map = [("calendar_service/web/**.py", "python"), ("calendar_service/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    found = extract_from_dir(REPO, method_map, keywords=keywords)
    extracted = {message if isinstance(message, str) else message[0] for _file, _line, message, _, _ in found}
    catalogue = _catalogue()
    translated = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue
                  if m.id and m.string and not m.fuzzy}
    assert extracted - translated == set(), "run the steps of docs/translations.md"


def test_the_shipped_mo_is_the_po_compiled() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue())
    assert CATALOGUE.with_suffix(".mo").read_bytes() == compiled.getvalue(), "run the steps of docs/translations.md"
