"""The command line: one clear line and a non-zero exit on every error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import icalendar
import pytest
from click.testing import CliRunner

from calendar_service.cli import main
from tests.conftest import DATASET


def test_load_twice_then_build_feeds(runner: CliRunner, settings: dict[str, Any]) -> None:
    first = runner.invoke(main, ["load", str(DATASET)])
    assert first.exit_code == 0, first.output
    assert "12 created, 0 updated, 0 unchanged" in first.output
    second = runner.invoke(main, ["load", str(DATASET)])
    assert "0 created, 0 updated, 12 unchanged" in second.output
    built = runner.invoke(main, ["build-feeds"])
    assert built.exit_code == 0, built.output
    calendar = Path(settings["FEEDS_DIR"]) / "calendar.ics"
    vevents = icalendar.Calendar.from_ical(calendar.read_bytes()).walk("VEVENT")
    assert [e for e in vevents if not str(e["UID"]).startswith("anniversary-")]  # the events of the window
    assert any(str(e["UID"]).startswith("anniversary-") for e in vevents)  # and the Treaty's anniversaries


def test_a_broken_dataset_is_one_line_and_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("events:\n  - id: x\n    title: X\n    start: '2024-02-30'\n    category: meeting\n"
                      "    status: held\n", encoding="utf-8")
    result = runner.invoke(main, ["load", str(broken)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "record x" in result.output
    assert "'start'" in result.output
    assert "Traceback" not in result.output


def test_missing_feeds_folder_is_one_line(tmp_path: Path) -> None:
    runner = CliRunner(env={"CALENDAR_FEEDS_DIR": str(tmp_path / "absent"),
                            "CALENDAR_DATA_DIR": str(tmp_path)})
    result = runner.invoke(main, ["build-feeds"])
    assert result.exit_code == 1
    assert "feeds folder" in result.output
    assert "does not exist" in result.output


@pytest.mark.sqlite  # the default store, a SQLite file in the data folder
def test_missing_data_folder_is_one_line(tmp_path: Path) -> None:
    runner = CliRunner(env={"CALENDAR_DATA_DIR": str(tmp_path / "absent")})
    result = runner.invoke(main, ["build-feeds"])
    assert result.exit_code == 1
    assert "SQLite database" in result.output
    serve = runner.invoke(main, ["scheduler"])
    assert serve.exit_code == 1
    assert "data folder" in serve.output


def test_bad_setting_is_one_line() -> None:
    result = CliRunner(env={"CALENDAR_REFRESH_MINUTES": "soon"}).invoke(main, ["build-feeds"])
    assert result.exit_code == 1
    assert "CALENDAR_REFRESH_MINUTES must be a whole number" in result.output


@pytest.mark.slow
def test_load_takes_several_files_and_folders_as_one_dataset(runner: CliRunner) -> None:
    from calendar_service.ingest.dataset import read_datasets
    from tests.conftest import REPO

    reference = REPO / "data" / "reference"
    expected = len(read_datasets([DATASET, *sorted(reference.glob("*.yaml"))]))
    first = runner.invoke(main, ["load", str(DATASET), str(reference)])
    assert first.exit_code == 0, first.output
    assert f"5 files: {expected} created, 0 updated, 0 unchanged" in first.output
    second = runner.invoke(main, ["load", str(reference), str(DATASET)])
    assert f"0 created, 0 updated, {expected} unchanged" in second.output


def _table(output: str) -> dict[str, dict[str, int]]:
    header, rule, *rows = output.strip().splitlines()
    assert set(rule.replace(" ", "")) == {"-"}
    names = header.split()
    return {row.split()[0]: dict(zip(names[1:], map(int, row.split()[1:]), strict=True)) for row in rows}


def test_stats_counts_a_dataset_per_decade_and_category(runner: CliRunner) -> None:
    from collections import Counter

    from calendar_service.ingest.dataset import read_datasets
    from tests.conftest import REPO

    files = [DATASET, *sorted((REPO / "data" / "reference").glob("*.yaml"))]
    records = read_datasets(files)
    result = runner.invoke(main, ["stats", *map(str, files)])
    assert result.exit_code == 0, result.output
    table = _table(result.output)
    expected = Counter((f"{r.start.year // 10 * 10}s", r.category.value) for r in records)
    for (decade, category), count in expected.items():
        assert table[decade][category] == count
    assert table["total"]["total"] == len(records)
    assert list(table) == ["1990s", "2000s", "2010s", "2020s", "total"]
    assert sum(table[decade]["total"] for decade in list(table)[:-1]) == len(records)


@pytest.mark.slow
def test_stats_without_paths_counts_the_store(runner: CliRunner) -> None:
    from tests.conftest import REPO

    reference = REPO / "data" / "reference"
    assert runner.invoke(main, ["load", str(DATASET), str(reference)]).exit_code == 0
    stored = runner.invoke(main, ["stats"])
    assert stored.exit_code == 0, stored.output
    assert _table(stored.output) == _table(runner.invoke(main, ["stats", str(DATASET), str(reference)]).output)


def test_stats_of_a_broken_dataset_is_one_line_and_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("events:\n  - id: x\n    start: '2024'\n    category: party\n    status: held\n",
                      encoding="utf-8")
    result = runner.invoke(main, ["stats", str(broken)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
