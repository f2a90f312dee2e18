"""``tokens create|list|revoke``: who may change the calendar over HTTP (thin adapters)."""

from __future__ import annotations

import click

from calendar_service import clock
from calendar_service.cli import service_command

__all__ = ["tokens_command"]


@click.group("tokens")
def tokens_command() -> None:
    """Make, list and revoke the API tokens of editors and reviewers (scopes: write, review, admin)."""


@tokens_command.command("create")
@click.option("--name", required=True, help="Who holds the token; recorded with every change made with it.")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(["write", "review", "admin"]),
              help="What it allows: write (events, import), review (proposals), admin (all, and purge). Repeatable.")
@click.pass_context
@service_command
def create_command(context: click.Context, name: str, scopes: tuple[str, ...]) -> None:
    """Make a token and print it once: only its hash is kept."""
    from calendar_service.cli.store import open_store
    from calendar_service.db import transaction
    from calendar_service.store.tokens import create_token

    with transaction(open_store(context)) as session:
        token, secret = create_token(session, name, scopes, now=clock.now())
        scopes_text = ", ".join(token.scopes)
    click.echo(secret)
    click.echo(f"token {name!r} ({scopes_text}) created; it is shown only now: keep it in a secret store", err=True)


@tokens_command.command("list")
@click.pass_context
@service_command
def list_command(context: click.Context) -> None:
    """List tokens by name: scopes, when made, whether revoked (never the secrets)."""
    from calendar_service.cli.store import open_store
    from calendar_service.db import transaction
    from calendar_service.store.tokens import list_tokens

    with transaction(open_store(context)) as session:
        rows = [(token.name, ",".join(token.scopes), token.created_dt.strftime("%Y-%m-%d %H:%M"),
                 f"revoked {token.revoked_dt:%Y-%m-%d %H:%M}" if token.revoked_dt else "active")
                for token in list_tokens(session)]
    if not rows:
        click.echo("no tokens: writing over HTTP is off (calendar-service tokens create --name NAME --scope write)")
        return
    rows.insert(0, ("name", "scopes", "created (UTC)", "state"))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3])


@tokens_command.command("revoke")
@click.argument("name")
@click.pass_context
@service_command
def revoke_command(context: click.Context, name: str) -> None:
    """Revoke the token NAME at once; its name stays taken."""
    from calendar_service.cli.store import open_store
    from calendar_service.db import transaction
    from calendar_service.store.tokens import revoke_token

    with transaction(open_store(context)) as session:
        changed = revoke_token(session, name, now=clock.now())
    click.echo(f"token {name!r} revoked" if changed else f"token {name!r} was revoked already")

