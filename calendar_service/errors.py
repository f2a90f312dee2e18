"""The exception tree of calendar-service, and nothing else.

::

    ValueError
     └── CalendarServiceError          root of every error the service raises on purpose
          ├── InvalidInput             input refused; carries every Problem (source, record, field, line)
          │    └── NoEventsFound       text read fine but no dated event was found in it
          ├── ConfigurationError       a CALENDAR_* setting or a folder it names is unusable
          ├── NotFound                 an event, feed, file, token or proposal that does not exist
          ├── NotAllowed               no valid API token (401), or it lacks the scope (403)
          ├── EditConflict             an edit made against a version that is no longer current (412/428)
          ├── LimitReached             a cap or rate limit reached (429): nothing stored
          ├── PublishError             a feed file could not be written; the previous one stands
          └── FetchError               a request to the outside failed (network, timeout, status, size)
               ├── UnsafeURL           an address the service may not fetch (scheme, credentials, private)
               └── ResponseTooLarge    a body longer than its cap; the rest was not read

Library errors (YAML, SQLAlchemy, OSError, icalendar, httpx) are translated into this tree once, at the
boundary where they occur. The CLI prints ``str(error)`` as one line; the web layer answers a
JSON problem body.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "CalendarServiceError",
    "ConfigurationError",
    "EditConflict",
    "FetchError",
    "InvalidInput",
    "LimitReached",
    "NoEventsFound",
    "NotAllowed",
    "NotFound",
    "Problem",
    "PublishError",
    "ResponseTooLarge",
    "UnsafeURL",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as is known."""

    message: str
    source: str | None = None  #: file name or "<stdin>"
    record: str | None = None  #: record id or index, e.g. "csto-treaty-signing" or "#3"
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source + (f":{self.line}" if self.line else ""))
        elif self.line:
            where.append(f"line {self.line}")
        if self.record:
            where.append(f"record {self.record}")
        if self.field:
            where.append(f"field {self.field!r}")
        return (", ".join(where) + ": " if where else "") + self.message

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class CalendarServiceError(ValueError):
    """Root of the errors calendar-service raises on purpose."""


class InvalidInput(CalendarServiceError):
    """Input refused: nothing of it was stored."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = str(self.problems[0]) if self.problems else "invalid input"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))


class NoEventsFound(InvalidInput):
    """The input was read, but no dated event was found in it."""


class ConfigurationError(CalendarServiceError):
    """A setting, or a folder or database it names, cannot be used."""


class NotFound(CalendarServiceError):
    """The thing asked for does not exist."""


class PublishError(CalendarServiceError):
    """A feed file could not be written; the previous file is left as it was."""


class NotAllowed(CalendarServiceError):
    """The caller presented no valid token (``status`` 401), or one without the scope needed (403)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class EditConflict(CalendarServiceError):
    """An edit names no version (``status`` 428) or one that is no longer current (412): nothing changed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class FetchError(CalendarServiceError):
    """A request to the outside failed: no connection, a timeout, an error status or a body too long."""


class UnsafeURL(FetchError):
    """An address the service may not fetch: not http(s), with credentials, or a private address."""


class ResponseTooLarge(FetchError):
    """A response body longer than its cap; reading stopped at the cap."""


class LimitReached(CalendarServiceError):
    """A cap or rate limit was reached (429): nothing was stored; ``retry_after`` seconds, if known."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
