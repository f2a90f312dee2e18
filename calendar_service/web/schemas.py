"""The API's shapes, as marshmallow schemas: they validate requests and make the OpenAPI document.

One schema per shape; APIFlask reads them both to check a request body (``@input``) and to
document it, so the document cannot drift from what is enforced. What a schema cannot say (control
characters, markup, a field's relation to the stored event) is checked by the store's own
validation (:func:`calendar_service.store.records.validate_record`) and answered the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from apiflask import Schema  # marshmallow's Schema, the one APIFlask's decorators are typed for
from marshmallow import RAISE, ValidationError, fields, validate, validates_schema

from calendar_service.dates import Precision, parse_at_precision
from calendar_service.store.records import LIMITS, MAX_ITEMS, Category, Status, is_country_code
from calendar_service.wording.subscriptions import LANGUAGES, RECEIVE

__all__ = [
    "EventIn",
    "EventOut",
    "EventPatch",
    "HistoryOut",
    "ProblemOut",
    "SubscriptionCreatedOut",
    "SubscriptionIn",
    "SubscriptionOut",
    "TestDeliveryOut",
]

_PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


class PartialDate(fields.String):
    """A date known to the day, month or year: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Regexp(_PARTIAL_DATE, error="not a date of the form YYYY-MM-DD, "
                                                  "YYYY-MM or YYYY"), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if re.match(_PARTIAL_DATE, text):
            try:
                parse_at_precision(text)
            except ValueError as error:
                raise ValidationError(f"no such date: {text} ({error})") from None
        return text


def _country(code: str) -> None:
    if not is_country_code(code):
        raise ValidationError(f"unknown ISO 3166-1 alpha-2 country code {code[:10]!r}")


def _text(name: str, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=LIMITS[name]), **kwargs)


def _boolean(**kwargs: Any) -> fields.Boolean:
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


class _EventFields(Schema):
    class Meta:
        unknown = RAISE

    title = _text("title", metadata={"description": "one line of plain text"})
    title_ru = _text("title_ru", allow_none=True)
    summary = _text("summary")
    summary_ru = _text("summary_ru", allow_none=True)
    start = PartialDate(metadata={"description": "first day, month or year; its form says the precision"})
    end = PartialDate(allow_none=True, metadata={"description": "last day, month or year, in the form of start; "
                                                 "default: the period start names"})
    precision = fields.String(validate=validate.OneOf([p.value for p in Precision]), allow_none=True,
                              metadata={"description": "optional; must fit the form of start"})
    start_time = fields.String(validate=validate.Regexp(_TIME), allow_none=True, metadata={"example": "10:00"})
    end_time = fields.String(validate=validate.Regexp(_TIME), allow_none=True)
    timezone = _text("timezone", metadata={"description": "IANA time zone of the times"})
    category = fields.String(validate=validate.OneOf([c.value for c in Category]))
    status = fields.String(validate=validate.OneOf([s.value for s in Status]))
    city = _text("city", allow_none=True)
    country = fields.String(validate=[validate.Regexp(r"^[A-Z]{2}$"), _country], allow_none=True)
    countries = fields.List(fields.String(validate=[validate.Regexp(r"^[A-Z]{2}$"), _country]),
                            validate=validate.Length(max=MAX_ITEMS))
    bodies = fields.List(fields.String(validate=validate.Length(min=1, max=LIMITS["bodies"])),
                         validate=validate.Length(max=MAX_ITEMS))
    anniversary = _boolean()
    evidence = _text("evidence", allow_none=True)
    source_url = fields.String(validate=[validate.Length(max=LIMITS["source_url"]),
                                         validate.Regexp(r"^https?://\S+$")], allow_none=True)
    published = fields.Date(allow_none=True, metadata={"description": "when the source was published"})


class EventIn(_EventFields):
    """A new event."""

    id = fields.String(validate=[validate.Length(min=1, max=LIMITS["key"]), validate.Regexp(r"^[^\s].*$")],
                       metadata={"description": "natural id, for matching later loads; default: one is made"})
    title = _text("title", required=True)
    start = PartialDate(required=True)
    category = fields.String(required=True, validate=validate.OneOf([c.value for c in Category]))
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in Status]))


class EventPatch(_EventFields):
    """The fields to change; those left out keep their value, ``null`` empties an optional one."""


def record_fields(data: dict[str, Any], *, current_start: tuple[dt.date, dt.date, Precision] | None = None,
                  current_end: dt.date | None = None) -> dict[str, Any]:
    """Turn a validated body into :class:`~calendar_service.store.records.EventRecord` field values.

    ``current_*`` are the stored event's dates, for a change that names only one of start and end.

    Raises:
        ValidationError: start, end and precision do not fit together.
    """
    values = {name: value for name, value in data.items() if name not in {"start", "end", "precision", "id"}}
    for name in ("start_time", "end_time"):
        if values.get(name) is not None:
            values[name] = dt.time.fromisoformat(values[name])
    for name in ("countries", "bodies"):
        if name in values:
            values[name] = tuple(values[name])
    for name in ("summary", "timezone"):
        if name in values and values[name] is None:
            del values[name]
    if values.get("category") is not None:
        values["category"] = Category(values["category"])
    if values.get("status") is not None:
        values["status"] = Status(values["status"])
    if {"start", "end", "precision"} & set(data):
        values.update(_period(data, current_start, current_end))
    return values


def _period(data: dict[str, Any], current_start: tuple[dt.date, dt.date, Precision] | None,
            current_end: dt.date | None) -> dict[str, Any]:
    if "start" in data:
        first, last, precision = parse_at_precision(data["start"])
    elif current_start is not None:
        first, last, precision = current_start
    else:  # pragma: no cover - EventIn requires start
        raise ValidationError("a start date is required", "start")
    asked = data.get("precision")
    if asked is not None and asked != precision.value:
        raise ValidationError(f"the start {data.get('start', 'stored')!r} is known to the {precision.value}, "
                              f"not the {asked}: write it as {_forms[asked]}", "precision")
    if data.get("end") is not None:
        _, end, end_precision = parse_at_precision(data["end"])
        if end_precision is not precision:
            raise ValidationError(f"start is known to the {precision.value} but end to the {end_precision.value}",
                                  "end")
    elif "end" not in data and current_end is not None and current_start is not None \
            and current_start[2] is precision:
        # A start moved within the same precision keeps the stored end, which must still follow it.
        if current_end < first:
            raise ValidationError(f"the stored end ({current_end}) is before the new start ({first}): "
                                  "send end too", "end")
        end = current_end
    else:
        end = last
    return {"start": first, "end": end, "precision": precision}


_forms = {"day": "YYYY-MM-DD", "month": "YYYY-MM", "year": "YYYY"}


class ProblemOut(Schema):
    """An error (RFC 9457 problem details): what went wrong, and each problem with its field."""

    status = fields.Integer(required=True)
    title = fields.String(required=True)
    detail = fields.String()
    problems = fields.List(fields.Dict(), metadata={"description": "each problem: message, field, record, line"})


class _Location(Schema):
    city = fields.String(allow_none=True)
    country = fields.String(allow_none=True)
    country_name = fields.String(allow_none=True)


class _Source(Schema):
    url = fields.String(allow_none=True)
    published = fields.String(allow_none=True)


class _Origin(Schema):
    origin = fields.String(required=True, metadata={"description": "editor, dataset, import, ics or source"})
    editor = fields.String(allow_none=True, metadata={"description": "the token name, for an editor's value"})


class EventOut(Schema):
    """An event as the API answers it: dates at their precision, and where each value came from."""

    uid = fields.String(required=True)
    title = fields.String(required=True)
    title_ru = fields.String(allow_none=True)
    summary = fields.String()
    summary_ru = fields.String(allow_none=True)
    start = fields.String(required=True)
    end = fields.String(required=True)
    precision = fields.String(required=True)
    start_time = fields.String(allow_none=True)
    end_time = fields.String(allow_none=True)
    timezone = fields.String()
    category = fields.String(required=True)
    status = fields.String(required=True)
    location = fields.Nested(_Location)
    countries = fields.List(fields.String())
    bodies = fields.List(fields.String())
    anniversary = fields.Boolean()
    year_inferred = fields.Boolean()
    evidence = fields.String(allow_none=True)
    source = fields.Nested(_Source)
    sequence = fields.Integer(required=True)
    version = fields.Integer(metadata={"description": "bumped by every write; the ETag"})
    created = fields.String()
    updated = fields.String()
    links = fields.Dict()
    recurrence = fields.Dict(allow_none=True)
    calendar = fields.Dict()
    provenance = fields.Dict(keys=fields.String(), values=fields.Nested(_Origin))


class ListedEvent(EventOut):
    """An event in a list (the same shape; a class of its own so the document names each once)."""


class EventListOut(Schema):
    count = fields.Integer(required=True)
    events = fields.List(fields.Nested(ListedEvent), required=True)
    calendar = fields.Dict()


class _Change(Schema):
    at = fields.String(required=True)
    by = fields.String(required=True, metadata={"description": "editor:<token name>, dataset, import, ics"})
    action = fields.String(required=True, metadata={"description": "created, updated, cancelled or purged"})
    sequence = fields.Integer(required=True)
    changes = fields.Dict(required=True, metadata={"description": "field -> {before, after}"})


class HistoryOut(Schema):
    uid = fields.String(required=True)
    changes = fields.List(fields.Nested(_Change), required=True)


class TokenOut(Schema):
    name = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)


class PurgeQuery(Schema):
    purge = fields.Integer(validate=validate.OneOf([0, 1]), load_default=0,
                           metadata={"description": "1: remove the event for good (admin scope)"})


class ProposalOut(Schema):
    """A value read by machine that differs from what people made, or a new event, awaiting review."""

    id = fields.Integer(required=True)
    event = fields.String(allow_none=True, metadata={"description": "the event's uid; null for a new event"})
    key = fields.String(required=True)
    field = fields.String(allow_none=True, metadata={"description": "null: the whole event is new"})
    current = fields.Raw(allow_none=True, metadata={"description": "the stored value"})
    current_origin = fields.String(allow_none=True)
    proposed = fields.Raw(allow_none=True, metadata={"description": "the value read; a new event's fields"})
    evidence = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    origin = fields.String(required=True, metadata={"description": "import, ics or source"})
    confidence = fields.Float(allow_none=True)
    state = fields.String(required=True, metadata={"description": "open, accepted or rejected"})
    created = fields.String(required=True)
    decided = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)


class ListedProposal(ProposalOut):
    """A proposal in a list (a class of its own so the document names each shape once)."""


class ProposalListOut(Schema):
    count = fields.Integer(required=True)
    proposals = fields.List(fields.Nested(ListedProposal), required=True)


class ProposalQuery(Schema):
    state = fields.String(validate=validate.OneOf(["open", "accepted", "rejected", "all"]), load_default="open")


class DecisionIn(Schema):
    """The proposals to accept or reject, all in one transaction."""

    class Meta:
        unknown = RAISE

    ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**62)), required=True,
                      validate=validate.Length(min=1, max=1000))


class ImportQuery(Schema):
    reference_date = fields.Date(metadata={"description": "the day the text is read (default: today)"})
    source_url = fields.String(validate=[validate.Length(max=LIMITS["source_url"]),
                                         validate.Regexp(r"^https?://\S+$")])
    publish = fields.Boolean(load_default=False, metadata={"description": "store new events instead of proposing"})
    dry_run = fields.Boolean(load_default=False)


class ImportOut(Schema):
    format = fields.String(required=True, metadata={"description": "news or ics"})
    events = fields.Integer(required=True, metadata={"description": "events read"})
    created = fields.List(fields.String(), required=True)
    updated = fields.List(fields.String(), required=True)
    unchanged = fields.List(fields.String(), required=True)
    proposed = fields.List(fields.Nested(ListedProposal), required=True)
    proposed_before = fields.Integer(required=True)
    dry_run = fields.Boolean(required=True)


class SourceIn(Schema):
    """A watched source: a feed, or an HTML news list with the CSS selector of its article links."""

    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9._-]{0,63}$"))
    url = fields.String(required=True, validate=[validate.Length(max=2000),
                                                 validate.Regexp(r"^https?://\S+$", flags=re.IGNORECASE)])
    kind = fields.String(load_default="feed", validate=validate.OneOf(["feed", "html"]))
    selector = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=500))
    language = fields.String(load_default="auto", validate=validate.OneOf(["auto", "en", "ru"]))
    trust = fields.String(load_default="normal", validate=validate.OneOf(["high", "normal", "low"]))
    policy = fields.String(load_default="review", validate=validate.OneOf(["publish", "review"]))
    enabled = _boolean(load_default=True)
    replace = _boolean(load_default=False, metadata={"description": "change the source of that name if it exists"})


class SourceOut(Schema):
    name = fields.String(required=True)
    url = fields.String(required=True)
    kind = fields.String(required=True)
    selector = fields.String(allow_none=True)
    language = fields.String(required=True)
    trust = fields.String(required=True)
    policy = fields.String(required=True)
    enabled = fields.Boolean(required=True)
    items = fields.Integer(required=True, metadata={"description": "items read from it"})
    failing = fields.Boolean(required=True)
    failures = fields.Integer(required=True, metadata={"description": "failures in a row"})
    last_error = fields.String(allow_none=True)
    last_fetch = fields.String(allow_none=True)
    last_success = fields.String(allow_none=True)
    retry_after = fields.String(allow_none=True, metadata={"description": "a failing source's next try"})


class ListedSource(SourceOut):
    """A source in a list (a class of its own so the document names each shape once)."""


class SourceListOut(Schema):
    count = fields.Integer(required=True)
    sources = fields.List(fields.Nested(ListedSource), required=True)


class _SourceItem(Schema):
    id = fields.Integer(required=True)
    source = fields.String(required=True)
    url = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    published = fields.String(allow_none=True, metadata={"description": "the reader's reference day"})
    fetched = fields.String(required=True)
    outcome = fields.String(required=True, metadata={"description": "events, proposed, none, repeat, no-text"})
    note = fields.String(allow_none=True, metadata={"description": "what it gave, or why nothing"})
    action = fields.String(allow_none=True, metadata={"description": "created, updated, unchanged or proposed"})
    content_hash = fields.String(allow_none=True)


class SourceItemListOut(Schema):
    uid = fields.String(required=True)
    count = fields.Integer(required=True)
    items = fields.List(fields.Nested(_SourceItem), required=True)


class SubscriptionIn(Schema):
    """What to receive, and where: an email address (confirmed first) or a webhook URL, not both."""

    class Meta:
        unknown = RAISE

    email = fields.String(validate=validate.Length(min=3, max=320),
                          metadata={"description": "receives a confirmation request first, then reminders"})
    url = fields.String(validate=validate.Length(min=8, max=2000),
                        metadata={"description": "an http(s) webhook URL on a public address"})
    language = fields.String(validate=validate.OneOf(LANGUAGES), load_default="en")
    receive = fields.List(fields.String(validate=validate.OneOf(RECEIVE)), load_default=list(RECEIVE),
                          validate=validate.Length(min=1, max=len(RECEIVE)),
                          metadata={"description": "anniversary reminders, new events, changes of events"})
    categories = fields.List(fields.String(validate=validate.OneOf([c.value for c in Category])),
                             load_default=list, validate=validate.Length(max=MAX_ITEMS))
    countries = fields.List(fields.String(validate=[validate.Regexp(r"^[A-Z]{2}$"), _country]), load_default=list,
                            validate=validate.Length(max=MAX_ITEMS))
    bodies = fields.List(fields.String(validate=validate.Length(min=1, max=LIMITS["bodies"])), load_default=list,
                         validate=validate.Length(max=MAX_ITEMS))

    @validates_schema
    def _one_address(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if ("email" in data) == ("url" in data):
            raise ValidationError("send either email or url", "body")


class _Deliveries(Schema):
    pending = fields.Integer(required=True)
    sent = fields.Integer(required=True)
    failed = fields.Integer(required=True)


class SubscriptionOut(Schema):
    """A subscription as its owner sees it: the address masked, its state and what it receives."""

    channel = fields.String(required=True, metadata={"description": "email or webhook"})
    address = fields.String(required=True, metadata={"description": "masked: a…@example.org"})
    state = fields.String(required=True, metadata={"description": "pending (not confirmed yet), active or failing"})
    language = fields.String(required=True)
    receive = fields.List(fields.String(), required=True)
    categories = fields.List(fields.String(), required=True)
    countries = fields.List(fields.String(), required=True)
    bodies = fields.List(fields.String(), required=True)
    created = fields.String(required=True)
    confirmed = fields.String(allow_none=True)
    failing_since = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)
    deliveries = fields.Nested(_Deliveries, required=True)
    links = fields.Dict(required=True)


class SubscriptionCreatedOut(SubscriptionOut):
    """A new subscription, with what is shown only now: its key and a webhook's signing secret."""

    token = fields.String(required=True, metadata={"description": "the key to read, test and delete it: keep it"})
    secret = fields.String(allow_none=True, metadata={"description": "a webhook's signing secret (whsec_…): keep it"})


class TestDeliveryOut(Schema):
    delivered = fields.Boolean(required=True)
    detail = fields.String(required=True, metadata={"description": "what the receiver answered"})
