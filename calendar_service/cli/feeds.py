"""``build-feeds``: render every feed into the feeds folder now."""

from __future__ import annotations

import click

from calendar_service import clock
from calendar_service.cli import service_command, settings_from
from calendar_service.cli.store import open_store

__all__ = ["build_feeds_command"]


@click.command("build-feeds")
@click.pass_context
@service_command
def build_feeds_command(context: click.Context) -> None:
    """Render every feed into the feeds folder (CALENDAR_FEEDS_DIR)."""
    from calendar_service.publish.build import build_feeds

    settings = settings_from(context)
    result = build_feeds(open_store(context), settings, now=clock.now())
    for name, entry in sorted(result.manifest["files"].items()):
        click.echo(f"{settings.feeds_dir}/{name}: {entry['size']} bytes, sha256 {entry['sha256'][:16]}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)

