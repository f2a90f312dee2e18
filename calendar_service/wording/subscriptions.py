"""The words of subscriptions: reminder emails (plain and HTML) and the subscription pages, in English and Russian.

Each language is one mapping of the same keys; :func:`words` picks one. The notices' own text
(titles, summaries) is worded once when issued (:mod:`calendar_service.wording.notices`); here is
only what frames it.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["LANGUAGES", "RECEIVE", "describe_receive", "words"]

#: The languages a subscriber can receive reminders in.
LANGUAGES = ("en", "ru")
#: What a subscription can ask for, in the order the form lists them.
RECEIVE = ("anniversary", "announced", "changed")

_EN: dict[str, str] = {
    "site": "CSTO calendar",
    "anniversary": "anniversary reminders",
    "announced": "new events",
    "changed": "changes of events",
    "confirm_subject": "Confirm your subscription to the CSTO calendar",
    "confirm_intro": "Someone, most likely you, asked to receive {what} from the CSTO calendar at this address.",
    "confirm_action": "Confirm the subscription",
    "confirm_ignore": "If it was not you, ignore this message: nothing else will be sent to this address.",
    "test_subject": "Test message from the CSTO calendar",
    "test_intro": "This is a test message, sent on request: reminders will reach this address.",
    "event": "About the event",
    "attached": "The event is attached as a calendar file (event.ics).",
    "why": "You receive this because this address subscribed to {what} of the CSTO calendar.",
    "unsubscribe": "Unsubscribe",
    # pages
    "form_title": "Receive reminders",
    "form_intro": "By email, or by a webhook: a signed JSON request to your system. An email address is "
                  "asked to confirm first; nothing but that request is sent until it is confirmed.",
    "email": "Email address",
    "url": "or webhook URL (https)",
    "receive": "What to receive",
    "language": "Language",
    "categories": "Only these kinds of event (none ticked: all)",
    "countries": "Only events in these countries, ISO codes separated by commas (empty: all)",
    "bodies": "Only events of these bodies, separated by commas (empty: all)",
    "submit": "Subscribe",
    "created_email": "Almost done: a confirmation request was sent to {address}. Follow its link to start "
                     "receiving reminders.",
    "created_webhook": "Subscribed: {address} receives reminders from now on.",
    "secret": "The signing secret of your webhook, shown only now (keep it; verify each request with it):",
    "manage": "Your subscription's key, to read or delete it over the API (keep it):",
    "confirm_title": "Confirm the subscription",
    "confirm_question": "Confirm that {address} receives {what}?",
    "confirmed": "Confirmed: {address} receives {what} from now on.",
    "unsubscribe_title": "Unsubscribe",
    "unsubscribe_question": "Stop sending to {address} and delete everything kept about this subscription?",
    "unsubscribed": "Unsubscribed: the subscription and everything kept about it are deleted.",
    "problem": "Not subscribed",
}

_RU: dict[str, str] = {
    "site": "Календарь ОДКБ",
    "anniversary": "напоминания о годовщинах",
    "announced": "новые события",
    "changed": "изменения событий",
    "confirm_subject": "Подтвердите подписку на календарь ОДКБ",
    "confirm_intro": "Кто-то, скорее всего вы, попросил присылать на этот адрес {what} календаря ОДКБ.",
    "confirm_action": "Подтвердить подписку",
    "confirm_ignore": "Если это были не вы, не отвечайте: больше на этот адрес ничего не придёт.",
    "test_subject": "Проверочное письмо календаря ОДКБ",
    "test_intro": "Это проверочное письмо, отправленное по запросу: напоминания будут приходить на этот адрес.",
    "event": "О событии",
    "attached": "Событие приложено файлом календаря (event.ics).",
    "why": "Вы получили это письмо, потому что этот адрес подписан на {what} календаря ОДКБ.",
    "unsubscribe": "Отписаться",
    "form_title": "Получать напоминания",
    "form_intro": "По электронной почте или через вебхук: подписанный JSON-запрос к вашей системе. Адрес почты "
                  "сначала нужно подтвердить; до этого на него не придёт ничего, кроме запроса подтверждения.",
    "email": "Адрес электронной почты",
    "url": "или адрес вебхука (https)",
    "receive": "Что присылать",
    "language": "Язык",
    "categories": "Только такие события (ничего не отмечено — все)",
    "countries": "Только события в этих странах, коды ISO через запятую (пусто — все)",
    "bodies": "Только события этих органов, через запятую (пусто — все)",
    "submit": "Подписаться",
    "created_email": "Почти готово: на {address} отправлен запрос подтверждения. Перейдите по ссылке из письма, "
                     "чтобы начать получать напоминания.",
    "created_webhook": "Подписка оформлена: {address} будет получать напоминания.",
    "secret": "Секрет подписи вашего вебхука, показан только сейчас (сохраните его и проверяйте им каждый запрос):",
    "manage": "Ключ вашей подписки, чтобы прочесть или удалить её через API (сохраните его):",
    "confirm_title": "Подтверждение подписки",
    "confirm_question": "Подтвердить, что {address} получает {what}?",
    "confirmed": "Подписка подтверждена: {address} получает {what}.",
    "unsubscribe_title": "Отписка",
    "unsubscribe_question": "Больше ничего не присылать на {address} и удалить всё, что хранится об этой подписке?",
    "unsubscribed": "Вы отписались: подписка и всё, что о ней хранилось, удалены.",
    "problem": "Подписка не оформлена",
}


def words(language: str) -> Mapping[str, str]:
    """Return the words of ``language`` (``ru``, else English)."""
    return _RU if language == "ru" else _EN


def describe_receive(kinds: tuple[str, ...] | list[str], language: str) -> str:
    """Say what a subscription receives: "anniversary reminders and new events"."""
    said = [words(language)[kind] for kind in RECEIVE if kind in kinds]
    joiner = " и " if language == "ru" else " and "
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + joiner + said[-1]
