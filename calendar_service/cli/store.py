"""Commands that put events into the store: ``load`` (YAML datasets), ``import-ics`` and ``migrate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from calendar_service import clock
from calendar_service.cli import service_command, settings_from

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

__all__ = ["import_ics_command", "load_command", "migrate_command", "open_store"]


def open_store(context: click.Context) -> sessionmaker[Session]:
    """Return a session factory for the configured database, migrated to the newest schema.

    Every command that reads or writes the store opens it here, so a first run on a new database
    creates the schema (under the migrate lock; one query when it is current already).

    Its engine is disposed of when the command ends, so the command's connections close then (and
    SQLite checkpoints its write-ahead log) rather than whenever they are garbage-collected.
    """
    from calendar_service import db

    settings = settings_from(context)
    factory = db.make_session_factory(settings.database_url, durable=settings.fsync)
    context.call_on_close(factory.kw["bind"].dispose)
    db.migrate(factory)
    return factory


@click.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
@service_command
def load_command(context: click.Context, paths: tuple[Path, ...]) -> None:
    """Load YAML dataset files or folders of them as one dataset (all of it or, on any error, none)."""
    from calendar_service.ingest.dataset import expand_paths, load_datasets

    files = expand_paths(paths)
    result = load_datasets(open_store(context), files, now=clock.now())
    named = str(files[0]) if len(files) == 1 else f"{len(files)} files"
    click.echo(f"{named}: {result.summary()}")


@click.command("import-ics")
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
@service_command
def import_ics_command(context: click.Context, path: Path) -> None:
    """Import the events of an .ics file (all of them or, on any error, none); UIDs are kept."""
    from calendar_service.cli.extract import describe_proposal
    from calendar_service.ingest.ics import import_ics

    outcome = import_ics(open_store(context), path, settings_from(context), now=clock.now())
    click.echo(f"{path}: {outcome.summary()}")
    for proposal in outcome.proposed:
        click.echo(f"  proposed {describe_proposal(proposal)}")


@click.command("migrate")
@click.pass_context
@service_command
def migrate_command(context: click.Context) -> None:
    """Create or upgrade the database schema (the Procfile's release phase); safe to run at any time."""
    from calendar_service import db

    settings = settings_from(context)
    factory = db.make_session_factory(settings.database_url, durable=settings.fsync)
    try:
        changed = db.migrate(factory)
    finally:
        factory.kw["bind"].dispose()
    click.echo("database schema migrated to the newest revision" if changed else "database schema is up to date")

