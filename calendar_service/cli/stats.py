"""``stats``: how many events a dataset (or the store) holds per decade and per category."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from calendar_service.cli import service_command
from calendar_service.cli.store import open_store

if TYPE_CHECKING:
    from calendar_service.store.stats import DecadeCounts

__all__ = ["format_counts", "stats_command"]


def format_counts(counts: DecadeCounts) -> str:
    """Return the counts as a plain-text table: a row per decade, a column per category, totals."""
    header = ["decade", *counts.categories, "total"]
    rows = [[f"{decade}s", *(str(counts.count(decade, c)) for c in counts.categories), str(counts.decade_total(decade))]
            for decade in counts.decades]
    rows.append(["total", *(str(counts.category_total(c)) for c in counts.categories), str(counts.total)])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join([cells[0].ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(cells[1:], widths[1:],
                                                                                               strict=True))])

    return "\n".join([line(header), "  ".join("-" * width for width in widths), *(line(row) for row in rows)])


@click.command("stats")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_context
@service_command
def stats_command(context: click.Context, paths: tuple[Path, ...]) -> None:
    """Count events per decade and category: of the dataset files or folders given, else of the store."""
    from calendar_service.db import transaction
    from calendar_service.store.stats import list_starts_and_categories, tally

    if paths:
        from calendar_service.ingest.dataset import expand_paths, read_datasets

        counts = tally((record.start, record.category) for record in read_datasets(expand_paths(paths)))
    else:
        with transaction(open_store(context)) as session:
            counts = tally(list_starts_and_categories(session))
    click.echo(format_counts(counts))

