"""The read API: its contract, its OpenAPI document, and its errors."""
from __future__ import annotations

import pytest
from openapi_spec_validator import validate as validate_spec

from forum.services import accounts, demo, events
from tests.support.factories import event_with_slots, future_wall, make_event

SLUG = "smart-tech-fighting-covid-19"


@pytest.fixture
def spec(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate_spec(document)
    return document


def test_openapi_document_is_valid_and_describes_the_routes(spec):
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/events", "/api/v1/events/{slug}"} <= set(spec["paths"])
    parameters = {p["name"] for p in spec["paths"]["/api/v1/events/{slug}"]["get"]["parameters"]}
    assert "tz" in parameters
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_each_operation_lists_its_errors_with_the_error_body(spec):
    """No catch-all `default`: a status the document does not name is a
    finding (test_api_fuzz.py), and every error names the one error body."""
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":  # the path's own, shared by its operations
                continue
            responses = operation["responses"]
            assert "default" not in responses, (method, path)
            for status, response in responses.items():
                if status.startswith("4"):
                    named = response.get("$ref", "").rsplit("/", 1)[-1]  # flask-smorest's own 422
                    response = spec["components"]["responses"].get(named, response)
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
            if {"bearerAuth": []} in operation.get("security", []):
                assert "401" in responses, (method, path)
            if "{slug}" in path:
                assert "404" in responses, (method, path)
    error = spec["components"]["schemas"]["ErrorDetailOut"]
    assert set(error["required"]) == {"code", "message", "fields"}


def test_event_response_in_the_asked_zone(client):
    """Every body is held to the document by the test client (tests/support/openapi.py)."""
    demo.load_demo()
    body = client.get(f"/api/v1/events/{SLUG}?tz=America/Sao_Paulo").get_json()
    assert body["slots"][0]["start"] == "2020-04-29T05:00:00-03:00"
    listing = client.get("/api/v1/events").get_json()
    assert [e["slug"] for e in listing["events"]] == [SLUG]


@pytest.mark.parametrize("url", [f"/api/v1/events/{SLUG}?tz=Mars/Olympus", "/api/v1/events?tz=Mars/Olympus"])
def test_unknown_zone_is_422_naming_the_value(client, url):
    demo.load_demo()
    response = client.get(url)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "Mars/Olympus" in error["message"]
    assert "Mars/Olympus" in error["fields"]["tz"]


def test_unknown_event_is_404_json(client):
    response = client.get("/api/v1/events/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_upcoming_and_past_filters(client, organiser):
    demo.load_demo(upcoming=True)
    upcoming = client.get("/api/v1/events?when=upcoming").get_json()["events"]
    past = client.get("/api/v1/events?when=past").get_json()["events"]
    assert [e["slug"] for e in upcoming] == [SLUG + "-upcoming"]
    assert [e["slug"] for e in past] == [SLUG]
    assert client.get("/api/v1/events?when=someday").status_code == 422


def test_drafts_need_their_organisers_token(client, organiser, other_organiser):
    event = make_event(organiser, slug="draft-forum")
    assert client.get("/api/v1/events/draft-forum").status_code == 404
    mine = accounts.issue_api_token(organiser)
    theirs = accounts.issue_api_token(other_organiser)
    ok = client.get("/api/v1/events/draft-forum", headers={"Authorization": f"Bearer {mine}"})
    assert ok.status_code == 200 and ok.get_json()["status"] == "draft"
    assert client.get("/api/v1/events/draft-forum", headers={"Authorization": f"Bearer {theirs}"}).status_code == 404
    bad = client.get("/api/v1/events/draft-forum", headers={"Authorization": "Bearer forged"})
    assert bad.status_code == 401 and "bearer token is not valid" in bad.get_json()["error"]["message"]
    events.change_status(event, "publish")
    assert client.get("/api/v1/events/draft-forum").status_code == 200


def test_cli_token_works_as_bearer(client, runner, organiser):
    make_event(organiser, slug="draft-forum")
    result = runner.invoke(args=["organiser", "token", "ada@example.org"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert len(token) >= 43
    assert client.get("/api/v1/events/draft-forum", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert runner.invoke(args=["organiser", "token", "nobody@example.org"]).exit_code != 0


def test_cli_creates_organiser_and_refuses_bad_input(runner, client):
    result = runner.invoke(args=["organiser", "create", "New@Example.org", "--password", "long enough"])
    assert result.exit_code == 0, result.output
    assert accounts.authenticate("new@example.org", "long enough").email == "new@example.org"
    again = runner.invoke(args=["organiser", "create", "new@example.org", "--password", "long enough"])
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["organiser", "create", "x@example.org", "--password", "short"])
    assert short.exit_code != 0 and "at least 8" in short.output
    prompted = runner.invoke(args=["organiser", "create", "p@example.org"], input="secret-pass\nsecret-pass\n")
    assert prompted.exit_code == 0, prompted.output


def test_api_query_count_does_not_grow_with_slots(client, organiser, count_queries):
    counts = []
    for n in (3, 30):
        event = event_with_slots(organiser, n, f"forum-{n}")
        with count_queries() as statements:
            assert client.get(f"/api/v1/events/{event.slug}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_registration_bodies_match_the_document(client, organiser):
    event = make_event(organiser, slug="open", capacity=1, start=future_wall(16), end=future_wall(18))
    events.change_status(event, "publish")
    person = {"name": "Ada", "email": "ada@example.org", "timezone": "Europe/Amsterdam"}
    created = client.post("/api/v1/events/open/registrations", json=person)
    assert created.status_code == 202 and created.get_json()["status"] == "received"
    again = client.post("/api/v1/events/open/registrations", json={**person, "email": " ADA@example.org"})
    assert (again.status_code, again.get_json()) == (202, created.get_json())  # knowing an address tells nothing
    token = accounts.issue_api_token(organiser, "test")
    listing = client.get("/api/v1/events/open/registrations", headers={"Authorization": f"Bearer {token}"})
    assert listing.status_code == 200
