"""Hostile datasets through ``calendar-service load``: one line naming the line and field, exit 1,
the store unchanged, row for row. The time and memory these shapes cost before are measured by
``benchmarks/bench_hostile.py``; here the outcome is checked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from calendar_service.cli import main
from calendar_service.ingest.bounded_yaml import MAX_DEPTH, MAX_INNER_ITEMS
from calendar_service.ingest.dataset import read_dataset
from tests.storedump import digest

HEADER = "version: 1\nevents:\n"
GOOD = "  - id: good\n    title: A good record\n    start: '2024-05-15'\n    category: meeting\n    status: held\n"


@pytest.fixture
def loaded_store(loaded: Flask, settings: dict[str, Any]) -> str:
    """The URL of the test's store, the repository's dataset loaded in it (the runner's store)."""
    return settings["DATABASE_URL"]


def _refused(runner: CliRunner, store: str, path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    before = digest(store)
    result = runner.invoke(main, ["load", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: {path}:")
    assert digest(store) == before
    return lines[0].removeprefix(f"Error: {path}:")


BILLION_LAUGHS = (
    "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
)


@pytest.mark.parametrize("field", ["title", "countries", "id"])
def test_an_alias_bomb_is_refused_at_its_first_alias(
    runner: CliRunner, loaded_store: str, tmp_path: Path, field: str
) -> None:
    others = "".join(f"    {name}: {value}\n" for name, value in (("id", "bomb"), ("title", "Bomb"))
                     if name != field)
    text = HEADER + GOOD + (
        f"  - start: '2024-05-15'\n    category: meeting\n    status: held\n{others}"
        f"    {field}: &lol [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        "    summary: [*lol, *lol, *lol, *lol, *lol, *lol, *lol, *lol, *lol]\n"
    )
    assert len(text) < 662
    line = text.count("\n")  # the summary line, the last
    message = _refused(runner, loaded_store, tmp_path / "bomb.yaml", text)
    assert message == f"{line}: aliases (*name) are not read; write the value out in full"


def test_the_classic_billion_laughs_is_refused(runner: CliRunner, loaded_store: str, tmp_path: Path) -> None:
    message = _refused(runner, loaded_store, tmp_path / "laughs.yaml", BILLION_LAUGHS)
    assert message == "2: aliases (*name) are not read; write the value out in full"


@pytest.mark.parametrize("shape", ["flow", "block"])
def test_deep_nesting_is_refused_without_recursion(
    runner: CliRunner, loaded_store: str, tmp_path: Path, shape: str
) -> None:
    depth = 50_000
    text = "[" * depth + "]" * depth + "\n" if shape == "flow" else "".join(
        "  " * level + "- \n" for level in range(2_000)
    ) + "  " * 2_000 + "- x\n"
    message = _refused(runner, loaded_store, tmp_path / "deep.yaml", text)
    assert re.fullmatch(rf"\d+: nested more than {MAX_DEPTH} levels deep", message), message


def test_a_repeated_key_is_refused_with_its_line(runner: CliRunner, loaded_store: str, tmp_path: Path) -> None:
    text = HEADER + GOOD + "    title: Another title\n"
    message = _refused(runner, loaded_store, tmp_path / "twice.yaml", text)
    assert message == "8: the key 'title' is given twice in one mapping"


def test_a_huge_integer_is_an_over_long_id(runner: CliRunner, loaded_store: str, tmp_path: Path) -> None:
    text = HEADER + GOOD.replace("id: good", "id: " + "9" * 5_000)
    message = _refused(runner, loaded_store, tmp_path / "huge.yaml", text)
    assert message == f"3, record {'9' * 60}…, field 'id': is 5,000 characters long; at most 255 are allowed"


@pytest.mark.parametrize(
    ("value", "field", "words"),
    [
        ("title: [a, b]", "title", "must be text, not a list"),
        ("title: {a: b}", "title", "must be text, not a mapping"),
        ("title: yes", "title", "'yes' reads as true or false; put text in quotes"),
        ("countries: {KZ: 1}", "countries", "must be a list, not a mapping"),
        ("countries: [[KZ]]", "countries", "each item must be text"),
        ("anniversary: maybe", "anniversary", "must be true or false, not 'maybe'"),
        ("start_time: [9, 30]", "start_time", "must be text, not a list"),
        ("start: {y: 2024}", "start", "must be text, not a mapping"),
        ("status: [held]", "status", "must be text, not a list"),
        ("city: !!binary aGVsbG8=", None, "the tag tag:yaml.org,2002:binary is not read"),
        ("city: !custom Minsk", None, "the tag !custom is not read"),
    ],
)
def test_a_value_of_the_wrong_shape_is_named(
    runner: CliRunner, loaded_store: str, tmp_path: Path, value: str, field: str | None, words: str
) -> None:
    name = value.split(":")[0]
    kept = [line for line in GOOD.splitlines(keepends=True) if line.strip().split(":")[0] not in (name, "title")]
    text = HEADER + "".join(kept) + f"    {value}\n"
    line = text.count("\n")
    message = _refused(runner, loaded_store, tmp_path / "shape.yaml", text)
    where = f"{line}, record good, field {field!r}: " if field else f"{line}: "
    assert message.startswith(where), message
    assert words in message


def test_a_mapping_value_leaks_no_internal_marker(runner: CliRunner, loaded_store: str, tmp_path: Path) -> None:
    text = HEADER + GOOD.replace("title: A good record", "title: {en: A good record}")
    message = _refused(runner, loaded_store, tmp_path / "mapping.yaml", text)
    assert "__line__" not in message
    assert message == "4, record good, field 'title': must be text, not a mapping"


@pytest.mark.parametrize(
    ("field", "limit"),
    [("id", 255), ("uid", 255), ("title", 500), ("city", 200), ("timezone", 64), ("summary", 20_000)],
)
def test_an_over_long_value_is_refused_with_its_field(
    runner: CliRunner, loaded_store: str, tmp_path: Path, field: str, limit: int
) -> None:
    value = "A" * (limit + 1)
    text = HEADER + GOOD + f"    {field}: {value}\n" if field not in ("id", "title") else HEADER + GOOD.replace(
        "id: good" if field == "id" else "title: A good record", f"{field}: {value}"
    )
    message = _refused(runner, loaded_store, tmp_path / "long.yaml", text)
    assert message.endswith(f"field {field!r}: is {limit + 1:,} characters long; at most {limit:,} are allowed")


def test_a_100000_character_uid_is_not_stored(runner: CliRunner, loaded_store: str, tmp_path: Path) -> None:
    message = _refused(runner, loaded_store, tmp_path / "uid.yaml", HEADER + GOOD + "    uid: " + "u" * 100_000 + "\n")
    assert message == "8, record good, field 'uid': is 100,000 characters long; at most 255 are allowed"


def test_an_unknown_top_level_key_is_refused(runner: CliRunner, loaded_store: str, tmp_path: Path) -> None:
    message = _refused(runner, loaded_store, tmp_path / "top.yaml", "version: 1\nevent:\n  - id: x\n")
    assert message == "2: unknown key 'event'; a dataset has 'version', 'as_of' and 'events'"


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("'2026-11'", "1: 'as_of' must be a day, YYYY-MM-DD"),
        ("'2026-02-30'", "1: 'as_of' day is out of range for month"),
        ("[2026]", "1: 'as_of' must be text, not a list"),
    ],
)
def test_an_as_of_that_is_not_a_day_is_refused(
    runner: CliRunner, loaded_store: str, tmp_path: Path, as_of: str, expected: str
) -> None:
    message = _refused(runner, loaded_store, tmp_path / "as-of.yaml", f"as_of: {as_of}\n" + HEADER + GOOD)
    assert message == expected


def test_a_note_that_is_not_text_is_refused(runner: CliRunner, loaded_store: str, tmp_path: Path) -> None:
    message = _refused(runner, loaded_store, tmp_path / "note.yaml", HEADER + GOOD + "    note: [a, b]\n")
    assert message == "8, record good, field 'note': must be text, not a list"


def test_a_long_list_in_a_record_is_refused_at_its_limit(
    runner: CliRunner, loaded_store: str, tmp_path: Path
) -> None:
    text = HEADER + GOOD.replace("title: A good record", "title: [" + "a, " * 300_000 + "a]")
    message = _refused(runner, loaded_store, tmp_path / "list.yaml", text)
    assert message == f"4: more than {MAX_INNER_ITEMS:,} items in one list or mapping"


def test_a_dataset_as_a_bare_list_reads_lists_in_records(tmp_path: Path) -> None:
    path = tmp_path / "bare.yaml"
    path.write_text("- id: bare\n  title: Bare\n  start: '2024-05-15'\n  category: meeting\n  status: held\n"
                    "  countries: [KZ, RU]\n", encoding="utf-8")
    assert [record.countries for record in read_dataset(path)] == [("KZ", "RU")]
