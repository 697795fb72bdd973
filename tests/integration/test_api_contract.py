"""The check every API answer of the suite goes through (tests/support/openapi.py)
fires: an answer the OpenAPI document does not describe fails the test."""
from __future__ import annotations

import pytest

from forum.services import events
from forum.services.errors import Conflict
from forum.web.api import present
from tests.support.factories import open_event_for
from tests.support.openapi import Mismatch


def test_a_body_missing_a_documented_field_fails(client, organiser, monkeypatch):
    open_event_for(organiser)
    summary = present.event_summary
    monkeypatch.setattr(present, "event_summary", lambda event, zone: {**summary(event, zone), "slug": None})
    with pytest.raises(Mismatch, match=r"None for not nullable[\s\S]*\['slug'\]"):
        client.get("/api/v1/events")


def test_a_field_the_schema_does_not_name_is_never_sent(client, organiser, monkeypatch):
    """The body goes through its schema, so what the document omits is not sent (and so not checked)."""
    open_event_for(organiser)
    summary = present.event_summary
    monkeypatch.setattr(present, "event_summary", lambda event, zone: {**summary(event, zone), "secret": "x"})
    assert "secret" not in client.get("/api/v1/events").get_json()["events"][0]


def test_a_status_the_operation_does_not_list_fails(client, monkeypatch):
    def refuse():
        raise Conflict("Not now.")

    monkeypatch.setattr(events, "public_events", refuse)
    with pytest.raises(Mismatch, match="409, a status its operation does not list"):
        client.get("/api/v1/events")


def test_an_unknown_address_answers_the_error_body(client):
    """No operation to hold it to: the answer is still the API's one error body."""
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404 and set(response.get_json()["error"]) == {"code", "message", "fields"}
