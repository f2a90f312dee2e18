"""The README documents every setting, command and quick-start step the code has."""

from __future__ import annotations

import re

from calendar_service.cli import main
from calendar_service.config import DEFAULTS
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_table() -> None:
    documented = set(re.findall(r"^\| `CALENDAR_([A-Z_]+)` \|", README, flags=re.MULTILINE))
    assert documented == set(DEFAULTS)


def test_every_command_is_in_the_readme() -> None:
    for name in main.commands:
        assert f"calendar-service {name}" in README, name


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = re.search(r"^(python3 -m venv .venv .*pytest)$", README, flags=re.MULTILINE).group(1)
    assert command in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
