"""API tokens: made once and shown once, kept hashed, revoked at once; 401/403 say what to do."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from click.testing import CliRunner
from flask import Flask

from calendar_service import get_settings
from calendar_service.cli import main
from tests.storedump import dump, rows


def _create(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(main, ["tokens", "create", *args])


def test_a_token_is_shown_once_and_only_its_hash_is_kept(runner: CliRunner, settings: dict[str, Any]) -> None:
    result = _create(runner, "--name", "alice", "--scope", "write", "--scope", "review")
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert secret.startswith("cst_")
    assert len(secret) > 40
    url = settings["DATABASE_URL"]
    kept = rows(url, "SELECT name, token_hash, scopes FROM api_tokens")
    assert kept == [("alice", hashlib.sha256(secret.encode()).hexdigest(), '["review", "write"]')]
    assert secret not in dump(url)
    listed = runner.invoke(main, ["tokens", "list"])
    assert "alice" in listed.output
    assert "review,write" in listed.output
    assert "active" in listed.output
    assert secret not in listed.output


def test_names_are_unique_and_scopes_known(runner: CliRunner) -> None:
    assert _create(runner, "--name", "alice", "--scope", "write").exit_code == 0
    again = _create(runner, "--name", "alice", "--scope", "write")
    assert again.exit_code == 1
    assert "exists already" in again.output
    assert _create(runner, "--name", "bob", "--scope", "root").exit_code == 2
    bad_name = _create(runner, "--name", "bob smith", "--scope", "write")
    assert bad_name.exit_code == 1
    assert "Traceback" not in bad_name.output


def test_without_any_token_writing_is_off_and_says_how_to_enable_it(loaded: Flask) -> None:
    response = loaded.test_client().get("/api/token", headers={"Authorization": "Bearer cst_anything"})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert "calendar-service tokens create" in response.get_json()["detail"]


def test_a_missing_or_wrong_token_is_401_and_a_good_one_names_its_holder(
        loaded: Flask, make_token: Callable[..., dict[str, str]]) -> None:
    header = make_token("alice", "write", "review")
    client = loaded.test_client()
    for headers in ({}, {"Authorization": "Bearer cst_wrong"}, {"Authorization": "Basic YWxpY2U6eA=="},
                    {"Authorization": header["Authorization"][:-1]}):
        response = client.get("/api/token", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.mimetype == "application/problem+json"
    response = client.get("/api/token", headers=header)
    assert response.status_code == 200
    assert response.get_json() == {"name": "alice", "scopes": ["review", "write"]}


def test_a_revoked_token_is_refused_at_once(loaded: Flask, make_token: Callable[..., dict[str, str]],
                                            runner: CliRunner) -> None:
    keep = make_token("bob", "write")
    header = make_token("alice", "write")
    client = loaded.test_client()
    assert client.get("/api/token", headers=header).status_code == 200
    env = {"CALENDAR_DATABASE_URL": get_settings(loaded).database_url}
    revoked = runner.invoke(main, ["tokens", "revoke", "alice"], env=env)
    assert revoked.exit_code == 0
    assert "revoked" in revoked.output
    assert client.get("/api/token", headers=header).status_code == 401
    assert client.get("/api/token", headers=keep).status_code == 200
    assert runner.invoke(main, ["tokens", "revoke", "nobody"], env=env).exit_code == 1
    listed = runner.invoke(main, ["tokens", "list"], env=env)
    assert "revoked" in listed.output
