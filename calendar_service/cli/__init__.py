"""The ``calendar-service`` command: thin adapters that load settings, open the store, call the
core and print one clear line on error (exit status 1 for bad input, 2 for usage)."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click

from calendar_service import __version__, configure_logging
from calendar_service.config import Settings, load_settings
from calendar_service.errors import CalendarServiceError, NoEventsFound

__all__ = ["COMMANDS", "main", "service_command", "settings_from"]

P = ParamSpec("P")
R = TypeVar("R")


class Failure(click.ClickException):
    """One line on standard error and a non-zero exit."""

    exit_code = 1


def service_command(function: Callable[P, R]) -> Callable[P, R]:
    """Translate the service's errors into one-line CLI failures."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except NoEventsFound as error:
            raise Failure(str(error)) from None
        except CalendarServiceError as error:
            raise Failure(str(error)) from None

    return wrapper


def settings_from(context: click.Context) -> Settings:
    """Return the settings for this invocation, loaded once."""
    root = context.find_root()
    if "settings" not in root.meta:
        try:
            root.meta["settings"] = load_settings()
        except CalendarServiceError as error:
            raise Failure(str(error)) from None
        configure_logging(root.meta["settings"].log_level)
    settings: Settings = root.meta["settings"]
    return settings


#: Every command: its name, and the module of calendar_service.cli and the object that declare it.
#: A module is imported only when its command runs or shows its help, and the modules import the
#: service's heavy parts (Flask, SQLAlchemy, icalendar, the news reader) inside the commands, so
#: ``calendar-service --help`` and ``calendar-service COMMAND --help`` answer at once.
COMMANDS: dict[str, tuple[str, str]] = {
    "anniversaries": ("jobs", "anniversaries_command"),
    "build-feeds": ("feeds", "build_feeds_command"),
    "extract": ("extract", "extract_command"),
    "import": ("extract", "import_command"),
    "import-ics": ("store", "import_ics_command"),
    "load": ("store", "load_command"),
    "migrate": ("store", "migrate_command"),
    "proposals": ("proposals", "proposals_command"),
    "run-job": ("jobs", "run_job_command"),
    "scheduler": ("serve", "scheduler_command"),
    "serve": ("serve", "serve_command"),
    "sources": ("sources", "sources_command"),
    "stats": ("stats", "stats_command"),
    "tokens": ("tokens", "tokens_command"),
}


class LazyGroup(click.Group):
    """A command group that imports a command's module when the command is first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, name = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"{__name__}.{module}"), name)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="calendar-service")
def main() -> None:
    """The calendar of the Collective Security Treaty Organization: store, feeds and scheduler.

    Settings come from CALENDAR_* environment variables (see docs/settings.md).
    """
