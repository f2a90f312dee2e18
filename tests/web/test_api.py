from __future__ import annotations

from flask.testing import FlaskClient


def test_list_events_with_dates_at_their_precision(client: FlaskClient) -> None:
    body = client.get("/api/events").json
    assert body["count"] == 12
    starts = {e["title"]: (e["start"], e["end"], e["precision"]) for e in body["events"]}
    assert starts["Signing of the Collective Security Treaty"] == ("1992-05-15", "1992-05-15", "day")
    assert starts["Meeting of the CSTO Council of Defence Ministers"] == ("2024-05", "2024-06", "month")
    assert starts["Joint trainings of the CSTO Collective Security Forces in Central Asia"] == ("2024", "2024", "year")


def test_filters_combine(client: FlaskClient) -> None:
    meetings = client.get("/api/events?category=meeting").json["events"]
    assert len(meetings) == 5
    assert {e["category"] for e in meetings} == {"meeting"}
    kazakh_meetings = client.get("/api/events?category=meeting&country=kz").json["events"]
    assert len(kazakh_meetings) == 3
    december = client.get("/api/events?from=2024-12-01&to=2024-12-31").json["events"]
    assert sorted(e["precision"] for e in december) == ["day", "day", "day", "day", "year"]  # 2024 overlaps
    overlapping = client.get("/api/events?from=2024-06-15&to=2024-06-15").json["events"]
    assert {e["precision"] for e in overlapping} == {"month", "year"}  # May-June meetings and the 2024 trainings
    either = client.get("/api/events?category=training&category=operation").json["events"]
    assert len(either) == 3


def test_unknown_filter_values_get_400_listing_valid_ones(client: FlaskClient) -> None:
    response = client.get("/api/events?category=party&country=XX&from=2024-13-01")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    fields = {p["field"]: p["message"] for p in response.json["problems"]}
    assert "valid: meeting, consultation" in fields["category"]
    assert "'XX'" in fields["country"]
    assert "YYYY-MM-DD" in fields["from"]
    body = client.get("/api/events?body=Nonexistent+Council")
    assert body.status_code == 400
    assert "CSTO Council of Foreign Ministers" in body.json["problems"][0]["message"]


def test_one_event_by_uid(client: FlaskClient) -> None:
    listed = client.get("/api/events?category=milestone").json["events"]
    treaty = next(e for e in listed if e["anniversary"])
    response = client.get(f"/api/events/{treaty['uid']}")
    assert response.status_code == 200
    assert {k: v for k, v in response.json.items() if k != "calendar"} == treaty
    assert response.json["calendar"]["webcal"].startswith("webcal://")
    assert response.json["links"]["ics"].endswith(f"/events/{treaty['uid']}.ics")
    missing = client.get("/api/events/no-such-uid")
    assert missing.status_code == 404
    assert missing.json["status"] == 404
