"""``sources add|list|remove|check`` and ``run-job fetch`` against a real server on 127.0.0.1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask import Flask

from calendar_service.cli import main
from tests.conftest import REPO
from tests.httpserver import Reply, Site
from tests.sources.conftest import EN_DEFENCE, article, rss

pytestmark = pytest.mark.server


def test_sources_add_list_remove_and_the_shipped_example(app: Flask, runner: CliRunner) -> None:
    added = runner.invoke(main, ["sources", "add", "agency", "http://127.0.0.1:9/rss", "--policy", "publish"])
    assert added.exit_code == 0, added.output
    example = runner.invoke(main, ["sources", "add", "--file", str(REPO / "sources.example.yaml")])
    assert example.exit_code == 0, example.output
    listed = runner.invoke(main, ["sources", "list"]).output.splitlines()
    names = [line.split()[0] for line in listed]
    assert names[0] == "agency"
    assert {"csto-en", "csto-ru", "mid-ru"} <= set(names)
    assert all("disabled" in line for line in listed if not line.startswith("agency"))
    assert "not fetched yet" in listed[0]
    assert runner.invoke(main, ["sources", "remove", "agency"]).exit_code == 0
    assert "agency" not in runner.invoke(main, ["sources", "list"]).output


@pytest.mark.parametrize(("arguments", "message"), [
    (["Bad Name", "http://127.0.0.1/"], "field 'name'"),
    (["x", "ftp://127.0.0.1/"], "only http and https"),
    (["x", "http://127.0.0.1/", "--kind", "html"], "CSS selector"),
    (["x", "http://127.0.0.1/", "--kind", "html", "--selector", "a[["], "not a usable CSS selector"),
])
def test_bad_sources_are_refused_in_one_line(app: Flask, runner: CliRunner, arguments: list[str],
                                             message: str) -> None:
    result = runner.invoke(main, ["sources", "add", *arguments])
    assert result.exit_code == 1
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert runner.invoke(main, ["sources", "list"]).output.startswith("no sources")


def test_check_reads_the_listing_and_run_job_fetch_reads_the_items(app: Flask, runner: CliRunner,
                                                                   site: Site) -> None:
    site.put("/a", Reply(200, article("Defence ministers", EN_DEFENCE)))
    site.put("/rss", Reply(200, rss([("a", site.url("/a"), "Defence ministers", "Mon, 09 Feb 2026 08:00:00 GMT")])))
    site.put("/gone", Reply(404))
    runner.invoke(main, ["sources", "add", "agency", site.url("/rss"), "--policy", "review"])
    runner.invoke(main, ["sources", "add", "gone", site.url("/gone")])

    checked = runner.invoke(main, ["sources", "check", "agency"])
    assert checked.exit_code == 0, checked.output
    assert "1 items listed, 1 not read yet" in checked.output
    assert site.requests_to("/a") == []  # check reads the listing only

    fetched = runner.invoke(main, ["run-job", "fetch"])
    assert fetched.exit_code == 0, fetched.output
    assert "agency: 1 new items, 0 events created, 1 proposed" in fetched.output
    assert "gone: failing" in fetched.output
    listed = runner.invoke(main, ["sources", "list"]).output
    assert "FAILING ×1" in listed
    assert "HTTP 404" in listed
    assert "1 not read yet" not in runner.invoke(main, ["sources", "check", "agency"]).output
