"""The editors' routes for watched sources (list, add, remove) and an event's source items, as adapters.

``GET /api/events/<uid>/sources`` lists the items an event came from (public, like the event);
the event's own record links to it (``links.sources``).
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response, current_app, jsonify
from sqlalchemy import func, select

from calendar_service import clock, get_settings
from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import FetchError, InvalidInput, NotFound, Problem
from calendar_service.models import Event, Source, SourceItem
from calendar_service.store.sources import SourceSpec, add_source, list_items_of_event, list_sources, remove_source
from calendar_service.store.tokens import Scope
from calendar_service.web.auth import require
from calendar_service.web.edits import errors_documented, json_only
from calendar_service.web.schemas import SourceIn, SourceItemListOut, SourceListOut, SourceOut

__all__ = ["blueprint", "item_to_dict", "source_to_dict"]

blueprint = APIBlueprint("sources", __name__, url_prefix="/api", tag="Sources")


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def source_to_dict(source: Source, items: int = 0) -> dict[str, Any]:
    """Return a source as the API answers it: what it is, and how its fetches go."""
    return {"name": source.name, "url": source.url, "kind": source.kind, "selector": source.selector,
            "language": source.language, "trust": source.trust, "policy": source.policy,
            "enabled": source.is_enabled, "items": items, "failing": bool(source.failures),
            "failures": source.failures, "last_error": source.last_error, "last_fetch": _iso(source.last_fetch_dt),
            "last_success": _iso(source.last_success_dt), "retry_after": _iso(source.retry_dt)}


def item_to_dict(item: SourceItem, action: str | None = None) -> dict[str, Any]:
    """Return an item read from a source: where, when, what it gave."""
    return {"id": item.id, "source": item.source_name, "url": item.url, "title": item.title,
            "published": _iso(item.published_date), "fetched": _iso(item.fetched_dt), "outcome": item.outcome,
            "note": item.note, "action": action, "content_hash": item.content_hash}


@blueprint.get("/sources")
@require(Scope.WRITE)
@blueprint.output(SourceListOut)
@blueprint.doc(security="bearer", responses=errors_documented(401, 403))
def sources() -> Response:
    """List the watched sources, failing ones with their last error and next try."""
    with transaction(get_session_factory(current_app)) as session:
        counts = dict(session.execute(select(SourceItem.source_id, func.count())
                                      .group_by(SourceItem.source_id)).all())
        found = [source_to_dict(source, counts.get(source.id, 0)) for source in list_sources(session)]
    return jsonify({"count": len(found), "sources": found})


@blueprint.post("/sources")
@require(Scope.WRITE)
@json_only
@blueprint.input(SourceIn, arg_name="body")
@blueprint.output(SourceOut, status_code=201)
@blueprint.doc(security="bearer", responses=errors_documented(400, 401, 403, 413, 415))
def add(body: dict[str, Any]) -> Response:
    """Add a source (`replace: true`: or change the one of that name). Its address must be public."""
    from calendar_service.outbound import check_url  # httpx, loaded when a source is added

    replace = body.pop("replace", False)
    try:
        url = check_url(body.pop("url"), allow_private=get_settings(current_app).sources_allow_private,
                        resolve=False)
    except FetchError as error:  # an address it may not fetch, or a host that does not resolve
        raise InvalidInput([Problem(str(error), field="url")]) from None
    with transaction(get_session_factory(current_app)) as session:
        source = add_source(session, SourceSpec(url=url, **body), now=clock.now(), replace=replace)
        response = jsonify(source_to_dict(source))
    response.status_code = 201
    return response


@blueprint.delete("/sources/<name>")
@require(Scope.WRITE)
@blueprint.output({}, status_code=204)
@blueprint.doc(security="bearer", responses=errors_documented(401, 403, 404))
def remove(name: str) -> Response:
    """Remove a source; the items read from it stay, for the events they gave."""
    with transaction(get_session_factory(current_app)) as session:
        remove_source(session, name)
    return Response(status=204)


@blueprint.get("/events/<uid>/sources")
@blueprint.output(SourceItemListOut)
@blueprint.doc(responses=errors_documented(404))
def event_sources(uid: str) -> Response:
    """List the items read from watched sources that gave or confirmed this event, oldest first."""
    with transaction(get_session_factory(current_app)) as session:
        key = session.scalar(select(Event.key).where(Event.uid == uid))
        if key is None:
            raise NotFound(f"no event with uid {uid!r}")
        items = [item_to_dict(item, action) for item, action in list_items_of_event(session, key)]
    return jsonify({"uid": uid, "count": len(items), "items": items})
