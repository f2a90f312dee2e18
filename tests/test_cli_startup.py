"""The ``calendar-service`` command answers ``--help`` without loading the service behind it."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from calendar_service.cli import COMMANDS, main
from calendar_service.scheduler import JOB_NAMES
from tests.conftest import REPO

#: What the commands use to do their work; asking for help loads none of them.
HEAVY = {"alembic", "apscheduler", "babel", "dateparser", "feedgen", "flask", "icalendar", "inscriptis", "jinja2",
         "lxml", "pycountry", "pymorphy3", "recurring_ical_events", "sqlalchemy", "waitress", "werkzeug", "yaml",
         # the standard library's slower ones: email.utils alone brings socket, calendar, random and more
         "email", "socket"}


def _imported_by(arguments: list[str]) -> set[str]:
    """Run ``python -X importtime -m calendar_service ARGUMENTS``; return the top-level modules it imported."""
    # From the repository, so that this tree's package is the one run, whatever is installed.
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "calendar_service", *arguments],
                            cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("Usage: ")
    return {line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in result.stderr.splitlines() if line.startswith("import time:") and "|" in line}


@pytest.mark.parametrize("arguments", [["--help"], *([name, "--help"] for name in sorted(COMMANDS))],
                         ids=lambda arguments: " ".join(arguments))
def test_help_loads_no_heavy_module(arguments: list[str]) -> None:
    imported = _imported_by(arguments)
    assert {"calendar_service", "click"} <= imported  # the list is the one of this run
    assert imported & HEAVY == set()


def test_every_listed_command_resolves_to_itself() -> None:
    context = click.Context(main)
    assert main.list_commands(context) == sorted(COMMANDS)
    resolved = {name: getattr(main.get_command(context, name), "name", None) for name in COMMANDS}
    assert resolved == {name: name for name in COMMANDS}


def test_run_job_offers_exactly_the_jobs_the_scheduler_runs() -> None:
    from calendar_service.scheduler.jobs import JOBS

    assert set(JOB_NAMES) == set(JOBS)
