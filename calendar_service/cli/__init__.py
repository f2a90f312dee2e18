"""The ``calendar-service`` command: thin adapters that load settings, open the store, call the
core and print one clear line on error (exit status 1 for bad input, 2 for usage)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from calendar_service import __version__, configure_logging
from calendar_service.config import Settings, load_settings
from calendar_service.errors import CalendarServiceError, NoEventsFound

__all__ = ["main", "service_command"]

F = TypeVar("F", bound=Callable[..., Any])


class Failure(click.ClickException):
    """One line on standard error and a non-zero exit."""

    exit_code = 1


def service_command(function: F) -> F:
    """Translate the service's errors into one-line CLI failures."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except NoEventsFound as error:
            raise Failure(str(error)) from None
        except CalendarServiceError as error:
            raise Failure(str(error)) from None

    return wrapper  # type: ignore[return-value]


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="calendar-service")
def main() -> None:
    """The calendar of the Collective Security Treaty Organization: store, feeds and scheduler.

    Settings come from CALENDAR_* environment variables (see docs/settings.md).
    """


def _register() -> None:
    from calendar_service.cli import feeds, jobs, proposals, serve, stats, store, tokens

    for module in (store, stats, feeds, serve, jobs, tokens, proposals):
        for command in module.COMMANDS:
            main.add_command(command)
    try:
        from calendar_service.cli import extract
    except ImportError:  # pragma: no cover - the extraction commands are optional in a partial install
        return
    main.add_command(extract.extract_command)
    main.add_command(extract.import_command)


_register()
