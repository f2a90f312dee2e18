"""The README and docs/ document every setting, command and quick-start step the code has."""

from __future__ import annotations

import re

import click

from calendar_service.cli import main
from calendar_service.config import settings_table
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = REPO / "docs"


def test_the_settings_table_is_the_one_the_code_declares() -> None:
    # On a change to calendar_service.config.Settings, paste settings_table() into docs/settings.md.
    page = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert settings_table() in page


def test_every_command_is_in_the_command_reference() -> None:
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    names = main.list_commands(click.Context(main))
    missing = [name for name in names if f"calendar-service {name}" not in reference]
    assert missing == []


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = re.search(r"^(python3 -m venv .venv .*pytest)$", README, flags=re.MULTILINE).group(1)
    assert command in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_the_readme_quick_start_installs_and_serves() -> None:
    assert re.search(r"^python3 -m venv .venv && .* && .venv/bin/calendar-service serve$", README, flags=re.MULTILINE)


def test_every_link_between_the_documents_leads_to_a_file() -> None:
    pages = [REPO / "README.md", *sorted(DOCS.glob("*.md"))]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([\w./-]+\.[a-z]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not (page.parent / target).exists():
                broken.append(f"{page.name} → {target}")
    assert broken == []
    linked = set(re.findall(r"\(docs/([a-z-]+\.md)\)", README))
    assert linked == {path.name for path in DOCS.glob("*.md")}


def test_the_readme_reads_in_two_minutes() -> None:
    # About 400 words a minute of prose; commands, the picture and tables of figures are glanced at.
    prose = re.sub(r"```.*?```", "", README, flags=re.DOTALL)
    assert len(prose.split()) < 800


def test_the_readmes_source_example_is_one_of_the_shipped_examples() -> None:
    import yaml

    [block] = re.findall(r"```yaml\n(.*?)```", README, flags=re.DOTALL)
    shown = yaml.safe_load(block)["sources"]
    shipped = yaml.safe_load((REPO / "sources.example.yaml").read_text(encoding="utf-8"))["sources"]
    assert shown
    assert all(source in shipped for source in shown)
    assert not any(source["enabled"] for source in shown)
