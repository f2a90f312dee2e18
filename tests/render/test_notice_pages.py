"""A paged feed reads one page of notices: the same notices, in the same order, as slicing the whole selection."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session, sessionmaker

from calendar_service.db import transaction
from calendar_service.notices.selection import NoticeSelection, list_notice_page, list_notices
from calendar_service.store.queries import EventFilter

SELECTIONS = [NoticeSelection(), NoticeSelection(kinds=("announced",)), NoticeSelection(EventFilter(countries=("UZ",))),
              NoticeSelection(EventFilter(categories=("meeting",), statuses=("cancelled",))),
              NoticeSelection(EventFilter(countries=("XK",)))]


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("size", [1, 2, 50])
def test_a_page_is_a_slice_of_the_selection(notices_store: Callable[[int], sessionmaker[Session]],
                                             selection: NoticeSelection, size: int) -> None:
    factory = notices_store(4)
    with transaction(factory) as session:
        whole = [notice.id for notice in list_notices(session, selection)]
        for page in range(1, len(whole) // size + 3):
            notices, total = list_notice_page(session, selection, page, size)
            assert total == len(whole)
            assert [notice.id for notice in notices] == whole[(page - 1) * size:page * size]
            assert all(notice.event is not None for notice in notices)
