"""``python -m calendar_service``: the same as the ``calendar-service`` command."""

from calendar_service.cli import main

main()
