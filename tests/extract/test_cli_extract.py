"""The ``extract`` and ``import`` commands: JSON and table output, standard input, one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import time_machine
from click.testing import CliRunner

from calendar_service.cli import main
from calendar_service.ingest.extract import MAX_BYTES
from tests.extract.conftest import SEED

REFERENCE = ["--reference-date", "2025-01-15"]


def test_extract_json(news_runner: CliRunner) -> None:
    result = news_runner.invoke(main, ["extract", str(SEED), *REFERENCE, "--format", "json"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)["events"]
    assert len(events) == 12
    assert {
        "title",
        "summary",
        "start",
        "end",
        "precision",
        "category",
        "status",
        "countries",
        "bodies",
        "anniversary",
        "year_inferred",
        "evidence",
    } <= set(events[0])
    assert (events[0]["start"], events[9]["start"], events[9]["end"]) == ("2024-12-20", "2024-05", "2024-06")


def test_extract_table(news_runner: CliRunner) -> None:
    result = news_runner.invoke(main, ["extract", str(SEED), *REFERENCE, "--format", "table"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["start", "end", "category", "status", "countries"]
    assert lines[6].split()[:6] == ["1992-05-15", "1992-05-15", "milestone", "held", "-", "A-"]
    assert lines[-1].startswith("12 events")


def test_extract_reads_standard_input(news_runner: CliRunner) -> None:
    result = news_runner.invoke(
        main, ["extract", "-", *REFERENCE], input="On 20 December, a training was held."
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["events"][0]["start"] == "2024-12-20"


def test_extract_reports_a_cp1251_input(news_runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "news.txt"
    path.write_bytes(
        "20 декабря состоялась совместная тренировка дежурных смен Кризисного центра ОДКБ.".encode("cp1251")
    )
    result = news_runner.invoke(main, ["extract", str(path), *REFERENCE])
    assert result.exit_code == 0, result.output
    assert f"{path}: read as cp1251" in result.stderr
    assert json.loads(result.stdout)["events"][0]["evidence"] == "20 декабря"


def test_reference_date_defaults_to_today_in_the_service_zone(news_runner: CliRunner) -> None:
    # 22:30 UTC on 19 December is already 20 December in Moscow.
    with time_machine.travel(dt.datetime(2025, 12, 19, 22, 30, tzinfo=dt.UTC), tick=False):
        result = news_runner.invoke(main, ["extract", "-"], input="On 20 December, a training was held.")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["events"][0]["start"] == "2025-12-20"


def test_no_dates_is_one_line_and_exit_1(news_runner: CliRunner) -> None:
    result = news_runner.invoke(main, ["extract", "-", *REFERENCE], input="The CSTO unites six states.")
    assert result.exit_code == 1
    assert result.output == "Error: <stdin>: no dated event found in the text\n"


def test_bad_inputs_are_one_line_errors(news_runner: CliRunner, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_BYTES + 1))
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7 binary")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    for path, message in (
        (big, "at most 5,242,880 bytes (5 MB)"),
        (binary, "a PDF document, not text"),
        (empty, "the input is empty"),
    ):
        result = news_runner.invoke(main, ["extract", str(path), *REFERENCE])
        assert result.exit_code == 1
        assert result.output.count("\n") == 1
        assert message in result.output
        assert "Traceback" not in result.output


def test_too_much_standard_input_is_refused(news_runner: CliRunner) -> None:
    result = news_runner.invoke(main, ["extract", "-", *REFERENCE], input=b"a" * (MAX_BYTES + 10))
    assert result.exit_code == 1
    assert "larger than 5,242,880 bytes" in result.output


def test_a_missing_file_is_a_usage_error(news_runner: CliRunner, tmp_path: Path) -> None:
    result = news_runner.invoke(main, ["extract", str(tmp_path / "absent.txt"), *REFERENCE])
    assert result.exit_code == 1
    assert "cannot read it" in result.output


def test_a_malformed_reference_date_is_a_usage_error(news_runner: CliRunner) -> None:
    result = news_runner.invoke(main, ["extract", str(SEED), "--reference-date", "15.01.2025"])
    assert result.exit_code == 2
    assert "--reference-date" in result.output


def test_a_broken_gazetteer_of_ones_own_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "gazetteer.yaml").write_text("cities: [unclosed\n", encoding="utf-8")
    runner = CliRunner(env={"CALENDAR_DATA_DIR": str(tmp_path)})
    result = runner.invoke(main, ["extract", str(SEED), *REFERENCE])
    assert result.exit_code == 1
    assert "gazetteer.yaml" in result.output
    assert "Traceback" not in result.output


def test_import_twice_then_dry_run(news_runner: CliRunner) -> None:
    first = news_runner.invoke(main, ["import", str(SEED), *REFERENCE, "--publish"])
    assert first.exit_code == 0, first.output
    assert first.output == f"{SEED}: 12 events: 12 created, 0 updated, 0 unchanged, 0 proposed\n"
    again = news_runner.invoke(main, ["import", str(SEED), *REFERENCE])
    assert again.output.endswith("0 created, 0 updated, 12 unchanged, 0 proposed\n")
    # A year later the two undated items are December 2025 (new events). The two dated news items
    # without a publication date of their own would take the new reference date as theirs, but a
    # report read again does not reword an event: the publication date first read stays.
    later = news_runner.invoke(main, ["import", str(SEED), "--reference-date", "2026-01-15", "--dry-run",
                                      "--publish"])
    assert later.exit_code == 0, later.output
    assert later.output.endswith("2 created, 0 updated, 10 unchanged, 0 proposed (dry run: nothing stored)\n")
    # Without --publish the two new events are proposed, not stored.
    proposed = news_runner.invoke(main, ["import", str(SEED), "--reference-date", "2026-01-15", "--dry-run"])
    assert "0 created, 0 updated, 10 unchanged, 2 proposed (dry run: nothing stored)\n" in proposed.output
    still = news_runner.invoke(main, ["import", str(SEED), *REFERENCE])
    assert still.output.endswith("0 created, 0 updated, 12 unchanged, 0 proposed\n")


def test_import_with_no_dates_exits_1_and_stores_nothing(news_runner: CliRunner) -> None:
    result = news_runner.invoke(main, ["import", "-", *REFERENCE], input="Nothing dated here.")
    assert result.exit_code == 1
    assert "no dated event found" in result.output
    listed = news_runner.invoke(main, ["import", str(SEED), *REFERENCE, "--dry-run"])
    assert "0 created, 0 updated, 0 unchanged, 12 proposed" in listed.output


def test_import_refuses_a_source_url_that_is_not_a_web_address(news_runner: CliRunner) -> None:
    result = news_runner.invoke(
        main,
        ["import", "-", *REFERENCE, "--source-url", "file:///etc/passwd"],
        input="On 20 December, a training was held.",
    )
    assert result.exit_code == 1
    assert "source_url" in result.output


def test_extract_runs_from_any_folder_with_the_data_it_ships(tmp_path: Path) -> None:
    """The gazetteer ships inside the package: no data folder, no settings, another working directory."""
    news = tmp_path / "news.txt"
    news.write_text("MINSK, March 13. /BelTA/. The CSTO foreign ministers met in Minsk on Tuesday.\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("CALENDAR_")}
    result = subprocess.run(
        [sys.executable, "-c", "from calendar_service.cli import main; main()", "extract", "news.txt",
         "--reference-date", "2025-06-01"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    [event] = json.loads(result.stdout)["events"]
    assert (event["start"], event["countries"], event["city"]) == ("2025-03-11", ["BY"], "Minsk")
    assert not (tmp_path / "data").exists()
