"""``sources add|list|remove|check``: the watched news sources (thin adapters)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from calendar_service import clock
from calendar_service.cli import service_command, settings_from
from calendar_service.errors import InvalidInput, Problem

if TYPE_CHECKING:
    from calendar_service.models import Source
    from calendar_service.store.sources import SourceSpec

__all__ = ["sources_command"]

_FIELDS = ("name", "url", "kind", "selector", "language", "trust", "policy", "enabled")


@click.group("sources")
def sources_command() -> None:
    """The watched news sources: feeds and news-list pages read by the `fetch` job."""


def _specs_from_file(path: str) -> list[SourceSpec]:
    import yaml

    from calendar_service.store.sources import SourceSpec

    try:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text) if len(text) < 1_000_000 else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InvalidInput([Problem(f"cannot read it: {error}", source=path)]) from None
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise InvalidInput([Problem("expected a mapping with a list of sources under `sources:`", source=path)])
    specs = []
    for number, entry in enumerate(entries, 1):
        unknown = sorted(set(entry) - set(_FIELDS))
        if unknown or "name" not in entry or "url" not in entry:
            raise InvalidInput([Problem(f"needs name and url, and knows only {', '.join(_FIELDS)}"
                                        + (f" (not {', '.join(unknown)})" if unknown else ""),
                                        source=path, record=f"#{number}")])
        values: dict[str, Any] = {key: (bool(value) if key == "enabled" else str(value))
                                  for key, value in entry.items()}
        specs.append(SourceSpec(**values))
    return specs


@sources_command.command("add")
@click.argument("name", required=False)
@click.argument("url", required=False)
@click.option("--kind", type=click.Choice(["feed", "html"]), default="feed", show_default=True,
              help="An RSS/Atom feed, or an HTML news list whose article links --selector finds.")
@click.option("--selector", help="CSS selector of the article links of an html source, e.g. 'ul.news a'.")
@click.option("--language", type=click.Choice(["auto", "en", "ru"]), default="auto", show_default=True)
@click.option("--trust", type=click.Choice(["high", "normal", "low"]), default="normal", show_default=True,
              help="How sure the reader must be for a new event to be published at once.")
@click.option("--policy", type=click.Choice(["publish", "review"]), default="review", show_default=True,
              help="publish: new events go out when the reader is sure enough; review: always proposed.")
@click.option("--disabled", is_flag=True, help="Add it without fetching it yet.")
@click.option("--replace", is_flag=True, help="Change the source of that name if it exists.")
@click.option("--file", "file", type=click.Path(dir_okay=False),
              help="Add (or with --replace, change) every source of a sources.yaml file instead.")
@click.pass_context
@service_command
def add_command(context: click.Context, name: str | None, url: str | None, kind: str, selector: str | None,
                language: str, trust: str, policy: str, disabled: bool, replace: bool, file: str | None) -> None:
    """Add a source NAME at URL (or every source of --file)."""
    from calendar_service.cli.store import open_store
    from calendar_service.db import transaction
    from calendar_service.outbound import check_url
    from calendar_service.store.sources import SourceSpec, add_source

    if file is not None:
        specs = _specs_from_file(file)
    elif name and url:
        specs = [SourceSpec(name=name, url=url, kind=kind, selector=selector, language=language, trust=trust,
                            policy=policy, enabled=not disabled)]
    else:
        raise click.UsageError("give NAME and URL, or --file")
    allow_private = settings_from(context).sources_allow_private
    checked = [SourceSpec(**{**spec.__dict__, "url": check_url(spec.url, allow_private=allow_private, resolve=False)})
               for spec in specs]
    with transaction(open_store(context)) as session:
        for spec in checked:
            add_source(session, spec, now=clock.now(), replace=replace or file is not None)
    for spec in checked:
        click.echo(f"{spec.name}: {spec.kind} {spec.url} ({spec.policy}, trust {spec.trust}"
                   f"{'' if spec.enabled else ', disabled'})")


def _state(source: Source) -> str:
    if not source.is_enabled:
        return "disabled"
    if source.failures:
        retry = source.retry_dt.isoformat(timespec="minutes") if source.retry_dt else "?"
        return f"FAILING ×{source.failures}, next try {retry}"
    if source.last_success_dt is None:
        return "not fetched yet"
    return f"ok {source.last_success_dt.isoformat(timespec='minutes')}"


@sources_command.command("list")
@click.pass_context
@service_command
def list_command(context: click.Context) -> None:
    """List the sources: state (ok, failing with back-off, disabled), items read, address."""
    from sqlalchemy import func, select

    from calendar_service.cli.store import open_store
    from calendar_service.db import transaction
    from calendar_service.models import SourceItem
    from calendar_service.store.sources import list_sources

    with transaction(open_store(context)) as session:
        counts: dict[Any, int] = dict(session.execute(select(SourceItem.source_id, func.count())
                                                      .group_by(SourceItem.source_id)).all())
        lines = []
        for source in list_sources(session):
            lines.append(f"{source.name:<20} {source.kind:<4} {source.policy:<7} {source.trust:<6} "
                         f"{counts.get(source.id, 0):>5} items  {_state(source)}  {source.url}")
            if source.failures and source.last_error:
                lines.append(f"{'':<20} last error: {source.last_error}")
    if not lines:
        click.echo("no sources; add one with `calendar-service sources add NAME URL`")
    for line in lines:
        click.echo(line)


@sources_command.command("remove")
@click.argument("name")
@click.pass_context
@service_command
def remove_command(context: click.Context, name: str) -> None:
    """Remove a source; the items read from it stay, for the events they gave."""
    from calendar_service.cli.store import open_store
    from calendar_service.db import transaction
    from calendar_service.store.sources import remove_source

    with transaction(open_store(context)) as session:
        remove_source(session, name)
    click.echo(f"removed {name}")


@sources_command.command("check")
@click.argument("name")
@click.pass_context
@service_command
def check_command(context: click.Context, name: str) -> None:
    """Read a source's listing now, store nothing, and say what the next fetch would read."""
    from calendar_service.cli.store import open_store
    from calendar_service.db import transaction
    from calendar_service.errors import FetchError
    from calendar_service.ingest.sources.fetching import Fetcher
    from calendar_service.ingest.sources.parse import read_feed, read_list
    from calendar_service.store.sources import get_source, known_guids

    settings = settings_from(context)
    factory = open_store(context)
    with transaction(factory) as session:
        source = get_source(session, name)
        url, kind, selector, source_id = source.url, source.kind, source.selector, source.id
    fetcher = Fetcher(settings)
    try:
        if not fetcher.allowed(url, now=clock.now()):
            raise FetchError(f"{url}: robots.txt does not allow it")
        listing = fetcher.get(url)
    finally:
        fetcher.close()
    assert listing is not None  # an unconditional GET is never answered 304
    if kind == "feed":
        entries = read_feed(listing.content, listing.url, content_type=listing.content_type,
                            timezone=settings.timezone)
    else:
        entries = read_list(listing.content, listing.url, selector=selector or "a", content_type=listing.content_type)
    with transaction(factory) as session:
        source = get_source(session, name)
        known = known_guids(session, source, [entry.guid for entry in entries]) if source.id == source_id else set()
    click.echo(f"{name}: {len(entries)} items listed, {len(entries) - len(known)} not read yet")
    for entry in entries[:20]:
        mark = " " if entry.guid in known else "+"
        click.echo(f"  {mark} {entry.published or '':<10} {entry.title or '(no title)'}  {entry.url or entry.guid}")
