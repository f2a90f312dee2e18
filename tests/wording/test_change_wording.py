"""The wording of announced and changed notices, given what notices decided happened."""

from __future__ import annotations

from calendar_service.wording.notices import HEADLINES, Change, announced_text, changed_text


def test_a_cancellation_that_also_moves_the_dates_leads_with_the_cancellation_and_lists_both() -> None:
    changes = [Change("dates", "5 June 2025", "June 2025", "5 июня 2025 г.", "июнь 2025 г."),
               Change("status", "planned", "cancelled")]
    text = changed_text("cancelled", changes[::-1], title="Session", title_ru="Сессия", dates="June 2025",
                        dates_ru="июнь 2025 г.", details={"status": "cancelled"})
    assert text.title == "Cancelled: Session (June 2025)"
    assert text.title_ru == "Отменено: Сессия (июнь 2025 г.)"
    assert text.summary == "Status: now cancelled, was planned. Dates: now June 2025, was 5 June 2025."
    # A Russian date that ends in «г.» gets no second full stop.
    assert text.summary_ru == ("Статус: теперь отменено, ранее запланировано. "
                               "Даты: теперь июнь 2025 г., ранее 5 июня 2025 г.")
    assert text.details["changes"] == [{"field": "status", "now": "cancelled", "was": "planned"},
                                       {"field": "dates", "now": "June 2025", "was": "5 June 2025",
                                        "now_ru": "июнь 2025 г.", "was_ru": "5 июня 2025 г."}]
    assert text.details["status"] == "cancelled"


def test_every_headline_has_both_languages_and_no_two_share_a_word() -> None:
    english = [words[0] for words in HEADLINES.values()]
    russian = [words[1] for words in HEADLINES.values()]
    assert len(set(english)) == len(english)
    assert len(set(russian)) == len(russian)
    assert all(word.isascii() for word in english)
    assert all(any("а" <= letter.lower() <= "я" for letter in word) for word in russian)


def test_an_announcement_names_dates_and_place_and_never_ends_in_two_full_stops() -> None:
    text = announced_text(title="Session ", title_ru="Сессия", summary="Leaders meet.", summary_ru="",
                          dates="May 2025", dates_ru="май 2025 г.", place="Minsk, Belarus", place_ru="Минск, Беларусь",
                          details={})
    assert text.title == "Session (May 2025, Minsk, Belarus)"
    assert text.title_ru == "Сессия (май 2025 г., Минск, Беларусь)"
    assert text.summary == "May 2025, Minsk, Belarus. Leaders meet."
    assert text.summary_ru == "май 2025 г., Минск, Беларусь."
    bare = announced_text(title="S", title_ru="С", summary="", summary_ru="", dates="May 2025",
                          dates_ru="май 2025 г.", place="", place_ru="", details={})
    assert (bare.summary, bare.summary_ru) == ("May 2025.", "май 2025 г.")
