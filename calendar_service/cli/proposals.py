"""``proposals`` (list), ``proposals accept ID…``, ``proposals reject ID…``: a reviewer's desk (thin adapters)."""

from __future__ import annotations

import getpass

import click

from calendar_service import clock
from calendar_service.cli import service_command

__all__ = ["proposals_command"]

_BY = click.option("--by", "by", default=None,
                   help="The reviewer's name, recorded in the history (default: the login name).")


def _actor(name: str | None) -> str:
    return f"editor:{name or getpass.getuser()}"


@click.group("proposals", invoke_without_command=True)
@click.option("--state", type=click.Choice(["open", "accepted", "rejected", "all"]), default="open",
              show_default=True, help="Which proposals to list.")
@click.pass_context
@service_command
def proposals_command(context: click.Context, state: str) -> None:
    """List what imports read that differs from what people made, and the new events they found."""
    if context.invoked_subcommand is not None:
        return
    from calendar_service.cli.extract import describe_proposal
    from calendar_service.cli.store import open_store
    from calendar_service.db import transaction
    from calendar_service.store.proposals import State, list_proposals

    with transaction(open_store(context)) as session:
        found = list_proposals(session, None if state == "all" else State(state))
        lines = []
        for proposal in found:
            confidence = f" confidence {proposal.confidence:.2f}" if proposal.confidence is not None else ""
            lines.append(f"{describe_proposal(proposal)} [{proposal.state}, {proposal.origin}{confidence}]")
            if proposal.evidence:
                lines.append(f"    evidence: {' '.join(proposal.evidence.split())[:100]}"
                             + (f" ({proposal.source})" if proposal.source else ""))
    for line in lines:
        click.echo(line)
    click.echo(f"{len(found)} {state if state != 'all' else ''} proposal{'s' if len(found) != 1 else ''}"
               .replace("  ", " "))


@proposals_command.command("accept")
@click.argument("ids", nargs=-1, required=True, type=int)
@_BY
@click.pass_context
@service_command
def accept_command(context: click.Context, ids: tuple[int, ...], by: str | None) -> None:
    """Apply proposals IDS, all in one transaction (each event's sequence bumped, its notice issued)."""
    from calendar_service.cli.store import open_store
    from calendar_service.db import transaction
    from calendar_service.store.proposals import accept_proposals

    with transaction(open_store(context)) as session:
        accepted = accept_proposals(session, ids, now=clock.now(), actor=_actor(by))
        names = ", ".join(f"#{p.id}" for p in accepted)
    click.echo(f"accepted {names}")


@proposals_command.command("reject")
@click.argument("ids", nargs=-1, required=True, type=int)
@_BY
@click.pass_context
@service_command
def reject_command(context: click.Context, ids: tuple[int, ...], by: str | None) -> None:
    """Reject proposals IDS: the same reading is not proposed again."""
    from calendar_service.cli.store import open_store
    from calendar_service.db import transaction
    from calendar_service.store.proposals import reject_proposals

    with transaction(open_store(context)) as session:
        rejected = reject_proposals(session, ids, now=clock.now(), actor=_actor(by))
        names = ", ".join(f"#{p.id}" for p in rejected)
    click.echo(f"rejected {names}")

