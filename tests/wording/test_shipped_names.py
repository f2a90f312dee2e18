"""The shipped Russian names are the shipped gazetteer's, and are read without the news reader."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from calendar_service.wording import names
from calendar_service.wording.names import SHIPPED_NAMES, load_russian_names


def test_the_shipped_names_are_what_the_shipped_gazetteer_gives(tmp_path: Path) -> None:
    source = names._shipped_source("gazetteer.yaml")
    worked_out = names._load(source.resolve(), source.stat().st_mtime_ns)
    shipped = names._shipped()
    assert shipped is not None, "run `python tools/russian_names.py`: the shipped gazetteer changed"
    assert dict(shipped.names) == dict(worked_out.names), "run `python tools/russian_names.py`"
    assert repr(shipped) == repr(worked_out)  # rendered blocks are keyed by it
    assert load_russian_names(tmp_path) is shipped  # a data folder without a gazetteer of its own
    assert shipped.get("Minsk") == "Минск"


def test_names_stamped_for_other_sources_are_not_used(tmp_path: Path) -> None:
    document = json.loads(SHIPPED_NAMES.read_text(encoding="utf-8"))
    assert set(document["sources"]) == {"gazetteer.yaml", "places.tsv"}
    document["sources"]["gazetteer.yaml"] = "0" * 64
    document["names"]["Minsk"] = "Не Минск"
    stale = tmp_path / "russian_names.json"
    stale.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert names._read_shipped(stale) is None
    stale.write_text("{not json", encoding="utf-8")
    assert names._read_shipped(stale) is None
    assert names._read_shipped(SHIPPED_NAMES) == names._shipped()


def test_a_gazetteer_of_ones_own_is_read_whole(tmp_path: Path) -> None:
    text = names._shipped_source("gazetteer.yaml").read_text(encoding="utf-8")
    assert "Minsk: {country: BY, en: [Minsk]" in text
    own_text = text.replace("Minsk: {country: BY, en: [Minsk]", "Minsk: {country: BY, en: [Minsk, Minsk City]")
    (tmp_path / "gazetteer.yaml").write_text(own_text, encoding="utf-8")
    own = load_russian_names(tmp_path)
    assert own.get("Minsk City") == "Минск"
    assert own != load_russian_names(tmp_path / "elsewhere")


def test_russian_names_load_without_the_news_reader() -> None:
    code = ("import sys; from calendar_service.wording.names import load_russian_names; "
            "names = load_russian_names('/nonexistent'); assert names.get('Minsk') == 'Минск'; "
            "print(sorted(m for m in sys.modules if m.startswith(('calendar_service.ingest', 'dateparser', 'yaml'))))")
    found = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert found.strip() == "[]"


def test_each_russian_name_is_in_the_nominative() -> None:
    # A name is written as it stands alone: its leading adjectives and its head noun in the
    # nominative ("Коллективные силы оперативного реагирования", not "... сил ...").
    import pymorphy3

    morphology = pymorphy3.MorphAnalyzer()
    shipped = names._shipped()
    assert shipped is not None
    wrong = []
    for name in sorted(set(dict(shipped.names).values())):
        for word in re.findall(r"[А-Яа-яЁё-]+", name.split("«")[0]):
            parses = [parse for parse in morphology.parse(word) if parse.tag.POS in {"NOUN", "ADJF"}]
            if not parses or word.isupper():
                break  # an acronym or a word pymorphy3 does not know as a noun or adjective
            if not any("nomn" in parse.tag for parse in parses):
                wrong.append(name)
            if any(parse.tag.POS == "NOUN" for parse in parses):
                break  # the head noun: what follows it may take any case
    assert wrong == []
