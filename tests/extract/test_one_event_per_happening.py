"""One event per happening: coordinated meetings are several, one meeting reported twice is one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from calendar_service.ingest.extract import ExtractedEvent

Extract = Callable[..., list[ExtractedEvent]]


@pytest.mark.parametrize(
    "text",
    [
        "13 марта, Минск /БЕЛТА/. Президент примет участие в сессии СКБ и совместного заседания СМИД, СМО и КССБ"
        " 27 ноября в Минске.",
        "MINSK, March 13. /BelTA/. A session of the Collective Security Council and a joint meeting of the Council"
        " of Foreign Ministers, the Council of Defence Ministers and the Committee of Secretaries of Security"
        " Councils will take place in Minsk on 27 November.",
    ],
)
def test_a_session_and_a_joint_meeting_are_two(extract: Extract, text: str) -> None:
    session, joint = extract(text, "2025-06-01")
    assert (session.start, session.status, session.countries) == (dt.date(2025, 11, 27), "planned", ("BY",))
    assert session.bodies == ("CSTO Collective Security Council",)
    assert joint.bodies == (
        "CSTO Council of Foreign Ministers",
        "CSTO Council of Defence Ministers",
        "CSTO Committee of Secretaries of Security Councils",
    )
    assert session.key != joint.key
    assert joint.start == session.start


def test_two_meetings_on_one_day_are_two(extract: Extract) -> None:
    events = extract(
        "On 11 December, the CSTO Secretary General met the Foreign Minister of Belarus. "
        "On 11 December, the Council of Defence Ministers met in Minsk.",
        "2025-01-15",
    )
    assert [e.bodies for e in events] == [("CSTO Secretariat",), ("CSTO Council of Defence Ministers",)]


def test_one_meeting_reported_twice_is_one(extract: Extract) -> None:
    [event] = extract(
        "MINSK, March 13. /BelTA/. On 12 March the CSTO foreign ministers met in Minsk. The ministers discussed"
        " security. The meeting of the CSTO Council of Foreign Ministers on 12 March also approved a statement.",
        "2025-06-01",
    )
    assert (event.start, event.countries, event.bodies) == (
        dt.date(2025, 3, 12),
        ("BY",),
        ("CSTO Council of Foreign Ministers",),
    )


@pytest.mark.parametrize(
    "text",
    [
        "DUSHANBE, April 26, 2025, Asia-Plus -- Sessions of the CSTO Council of Defence Ministers and the Committee"
        " of Secretaries of Security Councils will take place in Dushanbe on April 27 and April 29 respectively.",
        "Душанбе, 26.04.2025 (НИАТ «Ховар»). Заседания Совета министров обороны и Комитета секретарей советов"
        " безопасности ОДКБ пройдут в Душанбе 27 и 29 апреля соответственно.",
    ],
)
def test_respectively_pairs_dates_with_bodies(extract: Extract, text: str) -> None:
    events = extract(text, "2025-06-01")
    assert [(e.start.day, e.bodies) for e in events] == [
        (27, ("CSTO Council of Defence Ministers",)),
        (29, ("CSTO Committee of Secretaries of Security Councils",)),
    ]
