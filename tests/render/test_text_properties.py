"""Property tests: whatever text reaches the door, a stored notice renders into documents that parse,
carry no active markup, and give the text back as it was stored."""

from __future__ import annotations

import dataclasses
import html
import itertools
import json
from collections.abc import Iterator
from xml.etree import ElementTree

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from calendar_service import db
from calendar_service.db import transaction
from calendar_service.errors import InvalidInput
from calendar_service.models import Event, Notice
from calendar_service.publish.streams import FORMATS, list_streams, stream_spec
from calendar_service.store.records import validate_record
from calendar_service.store.writer import upsert_records
from tests.conftest import NOW, Template, shared_app
from tests.notices.test_issue import make_record
from tests.render.conftest import SETTINGS

TEXT_FIELDS = ["title", "title_ru", "summary", "summary_ru", "city", "evidence", "bodies"]
_keys = itertools.count()
#: Arbitrary text, weighted towards what breaks feeds: controls, surrogates, markup, entities, CR.
nasty = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.sampled_from(list("<>&\"'/ab \t\r\n\x00\x0b\ud800\ufffe\u2028;#!?-=x")), max_size=40),
    st.sampled_from(["<script>alert(1)</script>", "]]>", "&amp;", "&#0;", "a < b", "x\r\ny", " padded ",
                     "javascript:alert(1)", "\u202eevil", "ОДКБ «Взаимодействие»"]),
)


def _text(document: bytes, extension: str, name: str) -> str:
    """Read an entry's title or summary back with the standard library's XML parser.

    feedparser "repairs" what it takes for mis-decoded text ("Â\xa0" comes back as " "), so it
    judges whether a document parses, not whether the text round-trips.
    """
    root = ElementTree.fromstring(document)
    if extension == "atom":
        return root.findtext(f"{{http://www.w3.org/2005/Atom}}entry/{{http://www.w3.org/2005/Atom}}{name}") or ""
    # RSS: title and description are HTML by convention, so plain text is escaped once more.
    return html.unescape(root.findtext(f"channel/item/{'title' if name == 'title' else 'description'}") or "")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, migrated_template: Template) -> Iterator[sessionmaker[Session]]:
    with shared_app(tmp_path_factory.mktemp("properties"), migrated_template) as app:
        yield db.get_session_factory(app)


@pytest.mark.parametrize("field", TEXT_FIELDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=nasty)
def test_any_text_is_refused_at_the_door_or_renders_safely(store: sessionmaker[Session], field: str,
                                                          text: str) -> None:
    value: object = (text,) if field == "bodies" else text
    record = dataclasses.replace(make_record(key=f"property-{next(_keys)}"), **{field: value})
    if validate_record(record):
        with pytest.raises(InvalidInput), transaction(store) as session:
            upsert_records(session, [record], now=NOW)
        with transaction(store) as session:
            assert session.scalar(select(Event).where(Event.key == record.key)) is None
        return
    with transaction(store) as session:
        upsert_records(session, [record], now=NOW)
        notice = session.scalars(select(Notice).join(Notice.event).where(Event.key == record.key)).one()
        stream = list_streams(())[0]
        documents = {ext: render(
            [notice], stream_spec(stream, SETTINGS, ext), None) for ext, render in FORMATS.items()}
        stored_title, stored_title_ru, stored_summary = notice.title, notice.title_ru, notice.summary
    for extension in ("atom", "rss"):
        parsed = feedparser.parse(documents[extension])
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        [entry] = parsed.entries
        assert entry.title
        assert _text(documents[extension], extension, "title") == stored_title
        assert _text(documents[extension], extension, "summary") == (stored_summary or stored_title)
        assert b"<script" not in documents[extension]
    document = json.loads(documents["json"])
    [item] = document["items"]
    assert item["title"] == stored_title
    assert item["summary"] == (stored_summary or stored_title)
    assert item.get("_calendar_service", {}).get("title_ru") == stored_title_ru
    assert "<script" not in item["content_html"]
