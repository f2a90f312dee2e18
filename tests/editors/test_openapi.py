"""The OpenAPI document: made from the schemas that check requests, and kept by the live app.

Schemathesis reads ``/api/openapi.json`` from the app and sends requests made from it (a fixed
seed, a bounded number of examples per operation) with an admin token: no answer may be a 5xx,
and every answer must have a documented status, content type and body. Schemathesis is imported by
the tests that use it (its pytest plugin is not loaded: see ``addopts``), so that no other test's
worker pays for importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.editors.test_write_api import NEW


@pytest.fixture
def fuzzer(loaded: Flask, make_token: Callable[..., dict[str, str]]) -> tuple[dict[str, str], str]:
    """An admin token, and the uid of one event made through the API for the operations to find."""
    header = make_token("fuzz", "admin")
    response = loaded.test_client().post("/api/events", json=NEW, headers=header)
    assert response.status_code == 201
    return header, response.get_json()["uid"]


@pytest.fixture
def api_schema(loaded: Flask) -> Any:
    import schemathesis

    return schemathesis.openapi.from_wsgi("/api/openapi.json", loaded)


def test_the_document_is_openapi_3_1_of_the_api_only(loaded: Flask) -> None:
    document = loaded.test_client().get("/api/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) >= {"/api/events", "/api/events/{uid}", "/api/events/{uid}/history",
                                       "/api/proposals", "/api/proposals/accept", "/api/import"}
    assert all(path.startswith("/api/") for path in document["paths"])
    # The request schemas are the ones that check requests: limits and enums come from the store.
    event_in = document["components"]["schemas"]["EventIn"]
    assert event_in["properties"]["title"]["maxLength"] == 500
    assert "party" not in event_in["properties"]["category"]["enum"]
    assert event_in["additionalProperties"] is False
    post = document["paths"]["/api/events"]["post"]
    assert "application/problem+json" in post["responses"]["400"]["content"]
    # The import reads documents, not JSON: both kinds are declared, so clients and fuzzers send them.
    body = document["paths"]["/api/import"]["post"]["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {"text/plain", "text/calendar"}
    assert all(media["schema"]["type"] == "string" for media in body["content"].values())
    assert loaded.test_client().get("/api/docs").status_code == 200


@pytest.mark.slow
def test_the_live_app_keeps_to_its_document(loaded: Flask, fuzzer: tuple[dict[str, str], str]) -> None:
    import schemathesis
    from schemathesis import checks

    checks_made = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
                   checks.response_schema_conformance]
    header, uid = fuzzer
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", loaded)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @seed(20251129)
        @settings(max_examples=6, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def keeps_to_it(case: Any) -> None:
            case.call_and_validate(headers=header, checks=checks_made)
            if "uid" in case.path_parameters:  # the same request on an event that exists, changes allowed
                case.path_parameters["uid"] = uid
                case.call_and_validate(headers={**header, "If-Match": "*"}, checks=checks_made)

        keeps_to_it()
