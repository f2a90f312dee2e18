"""``extract`` (print the events a news text holds) and ``import`` (store them): thin adapters."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from calendar_service import clock
from calendar_service.cli import service_command, settings_from
from calendar_service.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from calendar_service.ingest.extract import ExtractedEvent
    from calendar_service.store.provenance import Difference

if TYPE_CHECKING:
    from calendar_service.models import Proposal

__all__ = ["extract_command", "import_command"]

_STDIN = "<stdin>"


def _read(path: str) -> tuple[bytes, str]:
    """Return the bytes of ``path`` (``-``: standard input) and its name, reading at most 5 MB."""
    from calendar_service.ingest.extract import MAX_BYTES

    if path == "-":
        with click.open_file("-", "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InvalidInput(
                [Problem(f"the input is larger than {MAX_BYTES:,} bytes (5 MB); split it", source=_STDIN)]
            )
        return data, _STDIN
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise InvalidInput(
                [
                    Problem(
                        f"the input is {size:,} bytes; at most {MAX_BYTES:,} bytes (5 MB) are read at once",
                        source=path,
                    )
                ]
            )
        return file.read_bytes(), path
    except OSError as error:
        raise InvalidInput([Problem(f"cannot read it: {error.strerror}", source=path)]) from None


def _reference_date(context: click.Context, value: dt.datetime | None) -> dt.date:
    if value is not None:
        return value.date()
    return clock.today(settings_from(context).timezone)


def _table(events: tuple[ExtractedEvent, ...]) -> str:
    rows = [("start", "end", "category", "status", "countries", "flags", "conf", "title")]
    for event in events:
        data: dict[str, Any] = event.as_json()
        flags = ("A" if event.anniversary else "-") + ("Y" if event.year_inferred else "-")
        title = data["title"] if len(data["title"]) <= 70 else data["title"][:69] + "…"
        rows.append(
            (
                data["start"],
                data["end"],
                data["category"],
                data["status"],
                ",".join(event.countries) or "-",
                flags,
                f"{event.confidence:.2f}",
                title,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)) + "  " + row[-1]
        for row in rows
    ]
    lines.append(
        f"{len(events)} event{'s' if len(events) != 1 else ''} (flags: A anniversary, Y year inferred)"
    )
    return "\n".join(lines)


_PATH = click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
_REFERENCE_DATE = click.option(
    "--reference-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the text is read (YYYY-MM-DD; default: today in the service's time zone). It decides "
    "the year of dates written without one, and is the publication date when the text gives none.",
)
_SOURCE_URL = click.option(
    "--source-url", default=None, help="Address of the text, for items that name none."
)


@click.command("extract")
@_PATH
@_REFERENCE_DATE
@_SOURCE_URL
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "table"]),
    default="json",
    show_default=True,
    help='JSON ({"events": [...]}) or a table for reading.',
)
@click.pass_context
@service_command
def extract_command(
    context: click.Context,
    path: str,
    reference_date: dt.datetime | None,
    source_url: str | None,
    output_format: str,
) -> None:
    """Print the dated events a news text holds (PATH, or - for standard input); store nothing."""
    from calendar_service.ingest.extract import extract_news, load_gazetteer

    data, source = _read(path)
    gazetteer = load_gazetteer(settings_from(context).data_dir)
    extraction = extract_news(
        data,
        reference_date=_reference_date(context, reference_date),
        gazetteer=gazetteer,
        source_url=source_url,
        source=source,
    )
    if extraction.encoding != "utf-8":
        click.echo(f"{source}: read as {extraction.encoding}", err=True)
    if output_format == "table":
        click.echo(_table(extraction.events))
    else:
        document = {"events": [event.as_json() for event in extraction.events]}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@click.command("import")
@_PATH
@_REFERENCE_DATE
@_SOURCE_URL
@click.option("--dry-run", is_flag=True, help="Do everything but store: report what would change.")
@click.option("--publish", is_flag=True, help="Store the new events the text holds at once instead of proposing them.")
@click.pass_context
@service_command
def import_command(
    context: click.Context,
    path: str,
    reference_date: dt.datetime | None,
    source_url: str | None,
    dry_run: bool,
    publish: bool,
) -> None:
    """Extract the dated events of a news text and store them, all or none (PATH, or - for stdin).

    What the dataset or an editor made stays; where the text reads another date, place or status,
    and for each new event (unless --publish), a proposal is made for `calendar-service proposals`.
    """
    from calendar_service.cli.store import open_store
    from calendar_service.ingest.extract import load_gazetteer
    from calendar_service.ingest.news import import_news

    data, source = _read(path)
    gazetteer = load_gazetteer(settings_from(context).data_dir)
    outcome = import_news(
        open_store(context),
        data,
        reference_date=_reference_date(context, reference_date),
        now=clock.now(),
        gazetteer=gazetteer,
        source_url=source_url,
        dry_run=dry_run,
        source=source,
        publish=publish,
    )
    if outcome.encoding != "utf-8":
        click.echo(f"{source}: read as {outcome.encoding}", err=True)
    click.echo(f"{source}: {outcome.summary()}")
    for proposal in outcome.outcome.proposed:
        click.echo(f"  proposed {describe_proposal(proposal)}")
    for difference in outcome.result.differences:
        click.echo(f"  kept {describe_difference(difference)}")


def _shown(value: object) -> str:
    if value is None or value == "" or value == ():
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        value = ", ".join(str(part) for part in value)
    text = " ".join(str(value).split())
    return repr(text if len(text) <= 80 else text[:79] + "…")


def describe_proposal(proposal: Proposal) -> str:
    """Say in one line what a proposal would change (its number, when stored, included)."""
    number = f"#{proposal.id} " if proposal.id is not None else ""
    if proposal.field is None:
        fields = proposal.proposed["value"]
        return (f"{number}new event {proposal.event_key}: {fields.get('start')} {_shown(fields.get('title'))}")
    return (f"{number}{proposal.event_key} {proposal.field}: stored {_shown(proposal.current['value'])} "
            f"({proposal.current_origin}), read {_shown(proposal.proposed['value'])}")


def describe_difference(difference: Difference) -> str:
    """Say in one line which stored value was kept and what the text read instead."""
    return (f"{difference.key} {difference.field}: stored {_shown(difference.stored)} ({difference.origin}), "
            f"read {_shown(difference.read)}")
