"""The reviewers' routes (proposals: list, accept, reject) and the import route, as adapters.

``POST /api/import`` takes news text (``text/plain``) or an ``.ics`` file (``text/calendar``) and
follows the rules of ``calendar-service import`` and ``import-ics``: what people made stays, the
rest is written or proposed.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response, current_app, jsonify, request
from werkzeug.exceptions import UnsupportedMediaType

from calendar_service import clock, get_settings
from calendar_service.db import get_session_factory, transaction
from calendar_service.errors import NotFound
from calendar_service.models import Proposal
from calendar_service.store.proposals import State, accept_proposals, list_proposals, reject_proposals
from calendar_service.store.tokens import Scope
from calendar_service.web.auth import current_caller, require
from calendar_service.web.edits import errors_documented, json_only
from calendar_service.web.schemas import (
    DecisionIn,
    ImportOut,
    ImportQuery,
    ProposalListOut,
    ProposalOut,
    ProposalQuery,
)

__all__ = ["blueprint", "proposal_to_dict"]

blueprint = APIBlueprint("review", __name__, url_prefix="/api", tag="Review")

_NEWS_TYPES = {"text/plain", "text/html", "application/octet-stream"}
_ICS_TYPES = {"text/calendar"}


def proposal_to_dict(proposal: Proposal) -> dict[str, Any]:
    """Return a proposal as the API answers it."""
    return {
        "id": proposal.id,
        "event": proposal.event_uid,
        "key": proposal.event_key,
        "field": proposal.field,
        "current": proposal.current.get("value"),
        "current_origin": proposal.current_origin,
        "proposed": proposal.proposed.get("value"),
        "evidence": proposal.evidence,
        "source": proposal.source,
        "origin": proposal.origin,
        "confidence": proposal.confidence,
        "state": proposal.state,
        "created": proposal.created_dt.isoformat(),
        "decided": proposal.decided_dt.isoformat() if proposal.decided_dt else None,
        "decided_by": proposal.decided_by,
    }


@blueprint.get("/proposals")
@require(Scope.REVIEW)
@blueprint.input(ProposalQuery, location="query", arg_name="query")
@blueprint.output(ProposalListOut)
@blueprint.doc(security="bearer", responses=errors_documented(400, 401, 403))
def proposals(query: dict[str, Any]) -> Response:
    """List proposals (`state`: open by default, accepted, rejected, all), oldest first."""
    state = None if query["state"] == "all" else State(query["state"])
    with transaction(get_session_factory(current_app)) as session:
        found = [proposal_to_dict(proposal) for proposal in list_proposals(session, state)]
    return jsonify({"count": len(found), "proposals": found})


@blueprint.get("/proposals/<int:number>")
@require(Scope.REVIEW)
@blueprint.output(ProposalOut)
@blueprint.doc(security="bearer", responses=errors_documented(401, 403, 404))
def proposal(number: int) -> Response:
    """Get one proposal."""
    with transaction(get_session_factory(current_app)) as session:
        found = session.get(Proposal, number)
        if found is None:
            raise NotFound(f"no proposal {number}")
        return jsonify(proposal_to_dict(found))


def _decide(ids: list[int], accept: bool) -> Response:
    with transaction(get_session_factory(current_app)) as session:
        decide = accept_proposals if accept else reject_proposals
        decided = decide(session, ids, now=clock.now(), actor=current_caller().actor)
        body = [proposal_to_dict(proposal) for proposal in decided]
    return jsonify({"count": len(body), "proposals": body})


@blueprint.post("/proposals/accept")
@require(Scope.REVIEW)
@json_only
@blueprint.input(DecisionIn, arg_name="body")
@blueprint.output(ProposalListOut)
@blueprint.doc(security="bearer", responses=errors_documented(400, 401, 403, 404, 409, 413, 415))
def accept(body: dict[str, Any]) -> Response:
    """Accept proposals, all in one transaction: each change bumps its event's sequence and issues its notice."""
    return _decide(body["ids"], accept=True)


@blueprint.post("/proposals/reject")
@require(Scope.REVIEW)
@json_only
@blueprint.input(DecisionIn, arg_name="body")
@blueprint.output(ProposalListOut)
@blueprint.doc(security="bearer", responses=errors_documented(400, 401, 403, 404, 409, 413, 415))
def reject(body: dict[str, Any]) -> Response:
    """Reject proposals: the same reading is not proposed again."""
    return _decide(body["ids"], accept=False)


@blueprint.post("/import")
@require(Scope.WRITE)
@blueprint.input(ImportQuery, location="query", arg_name="query")
@blueprint.output(ImportOut)
@blueprint.doc(security="bearer", responses=errors_documented(400, 401, 403, 413, 415))
def import_text(query: dict[str, Any]) -> Response:
    """Import news text (`text/plain`) or an `.ics` file (`text/calendar`), as the CLI does.

    News: new events are proposed unless `publish=true`; readings that differ from what people
    made are proposed. `.ics`: new events are created, differences proposed.
    """
    from calendar_service.ingest.extract import load_gazetteer
    from calendar_service.ingest.ics import import_ics_data
    from calendar_service.ingest.news import import_news

    kind = request.mimetype
    data = request.get_data(cache=False)
    factory = get_session_factory(current_app)
    settings = get_settings(current_app)
    if kind in _ICS_TYPES:
        outcome = import_ics_data(factory, data, settings, now=clock.now(), source="<request>")
        read, dry_run = len(outcome.created) + len(outcome.updated) + len(outcome.unchanged), False
    elif kind in _NEWS_TYPES:
        reference = query.get("reference_date") or clock.today(settings.timezone)
        news = import_news(factory, data, reference_date=reference, now=clock.now(),
                           gazetteer=load_gazetteer(settings.data_dir),
                           source_url=query.get("source_url"), dry_run=query["dry_run"], source="<request>",
                           publish=query["publish"])
        outcome, read, dry_run = news.outcome, len(news.events), news.dry_run
    else:
        raise UnsupportedMediaType("send news text as text/plain or an .ics file as text/calendar")
    return jsonify({"format": "ics" if kind in _ICS_TYPES else "news", "events": read,
                    "created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged,
                    "proposed": [proposal_to_dict(proposal) for proposal in outcome.proposed],
                    "proposed_before": outcome.known, "dry_run": dry_run})
