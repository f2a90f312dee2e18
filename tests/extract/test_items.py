"""Item boundaries: news items, articles with a title and a (glued) date, web addresses, wrapped lines."""

from __future__ import annotations

import datetime as dt

from calendar_service.ingest.extract.items import ItemKind, split_items, split_sentences
from tests.extract.conftest import SEED


def test_seed_has_five_items_and_one_source() -> None:
    text = SEED.read_text(encoding="utf-8")
    items = split_items(text)
    assert [item.kind for item in items] == [ItemKind.NEWS] * 4 + [ItemKind.ARTICLE]
    article = items[4]
    assert article.title == "On the anniversary of the Collective Security Treaty signing"
    assert article.published == dt.date(2024, 5, 15)
    assert text[slice(*article.published_span)] == "15.05.2024"
    first = article.sentences[0]
    assert text[first.start : first.end].startswith("15 May marks the 32nd anniversary")
    assert {item.source_url for item in items} == {"https://www.mid.ru/ru/foreign_policy/news/1950668/"}


def test_each_dated_paragraph_is_an_item_and_others_continue_it() -> None:
    text = (
        "On 5 March, the Council met in Minsk.\nThe ministers adopted a statement.\n"
        "20 марта прошло заседание.\nОно было посвящено Афганистану.\n"
    )
    items = split_items(text)
    assert [len(item.sentences) for item in items] == [2, 2]
    assert [item.language for item in items] == ["en", "ru"]


def test_a_title_line_belongs_to_the_item_it_heads() -> None:
    items = split_items("CSTO Secretary General visits Dushanbe\nOn 21 January, he arrived in Dushanbe.\n")
    assert len(items) == 1
    assert items[0].title == "CSTO Secretary General visits Dushanbe"


def test_a_header_on_its_own_line_takes_the_next_paragraph_as_body() -> None:
    text = "CSTO Charter turns 22\n07.10.2024\nOn 7 October, the CSTO marks the anniversary.\n"
    [item] = split_items(text)
    assert item.kind is ItemKind.ARTICLE
    assert item.published == dt.date(2024, 10, 7)
    assert len(item.sentences) == 1


def test_a_word_date_alone_on_its_line_is_a_header() -> None:
    [item] = split_items(
        "Statement of the Secretariat\n15 May 2024\nThe Secretariat welcomes the decision.\n"
    )
    assert (item.kind, item.published) == (ItemKind.ARTICLE, dt.date(2024, 5, 15))


def test_a_numeric_date_with_a_year_word_is_a_lead_not_a_header() -> None:
    [item] = split_items("15.05.2024 г. в Минске состоялось заседание.\n")
    assert item.kind is ItemKind.NEWS
    assert item.published is None


def test_hard_wrapped_lines_are_one_paragraph() -> None:
    [item] = split_items("On 24 June, the Committee held\nits meeting in Cholpon-Ata.\n")
    assert len(item.sentences) == 1


def test_a_dateline_city_starts_a_news_item() -> None:
    items = split_items("Text before.\nMINSK, 5 March. The exercise began.\n")
    assert [item.kind for item in items] == [ItemKind.TEXT, ItemKind.NEWS]


def test_initials_and_abbreviations_do_not_end_sentences() -> None:
    text = (
        "With the participation of S. Ordabayev and T. Masadykov. The event, held in St. Petersburg, "
        "ended. Встреча прошла в г. Минске. Следующая пройдет в 2025 г. в Астане."
    )
    sentences = [text[start:end] for start, end in split_sentences(text, 0, len(text))]
    assert sentences == [
        "With the participation of S. Ordabayev and T. Masadykov.",
        "The event, held in St. Petersburg, ended.",
        "Встреча прошла в г. Минске.",
        "Следующая пройдет в 2025 г. в Астане.",
    ]
