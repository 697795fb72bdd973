"""Organiser endpoints: the same rules as the forms, answered in JSON."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from forum.extensions import db
from forum.models import Event, Slot, Speaker
from forum.services import accounts
from tests.support.factories import make_event

EVENT = {"title": "Mayors' Summit: Europe", "timezone": "Europe/Amsterdam",
         "start": "2026-06-10T09:00", "end": "2026-06-10T12:00", "join_url": "https://meet.example.org/eu"}


@pytest.fixture
def bearer(organiser):
    return {"Authorization": f"Bearer {accounts.issue_api_token(organiser)}"}


def test_create_publish_and_read_back(client, bearer):
    created = client.post("/api/v1/events", json=EVENT, headers=bearer)
    assert created.status_code == 201
    body = created.get_json()
    assert body["slug"] == "mayors-summit-europe" and body["status"] == "draft"
    assert body["start"] == "2026-06-10T09:00:00+02:00" and body["start_utc"] == "2026-06-10T07:00:00Z"
    assert body["join_url"] == "https://meet.example.org/eu"  # the organiser sees their own link
    assert client.post("/api/v1/events/mayors-summit-europe/publish", headers=bearer).get_json()["status"] == "published"
    public = client.get("/api/v1/events/mayors-summit-europe").get_json()
    assert "join_url" not in public


def test_slots_add_patch_delete(client, bearer, organiser):
    event = make_event(organiser)
    added = client.post(f"/api/v1/events/{event.slug}/slots", headers=bearer, json={
        "title": "Panel", "kind": "panel", "start": "2026-05-06T10:10", "end": "2026-05-06T10:55",
        "timezone": "Europe/Amsterdam"})
    assert added.status_code == 201
    slot = added.get_json()
    assert slot["start"] == "2026-05-06T16:10:00+08:00"  # shown in the event's zone
    expected = datetime(2026, 5, 6, 10, 10, tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(ZoneInfo("UTC"))
    assert slot["start_utc"] == expected.strftime("%Y-%m-%dT%H:%M:%SZ")
    patched = client.patch(f"/api/v1/events/{event.slug}/slots/{slot['id']}", headers=bearer, json={"title": "Policy panel"})
    assert patched.status_code == 200
    assert patched.get_json()["title"] == "Policy panel" and patched.get_json()["start"] == slot["start"]
    assert client.delete(f"/api/v1/events/{event.slug}/slots/{slot['id']}", headers=bearer).status_code == 204
    assert Slot.query.count() == 0


@pytest.mark.parametrize("changes, field, message", [
    ({"timezone": "Mars/Olympus"}, "timezone", "“Mars/Olympus” is not a time zone"),
    ({"start": "2026-03-29T02:30", "end": "2026-03-29T05:00"}, "start", "does not exist in Europe/Amsterdam"),
    ({"end": "2026-06-10T08:00"}, "end", "The end must come after the start"),
    ({"end": "2026-06-10T12:00+02:00"}, "end", "carries a UTC offset"),
    ({"start": "soon"}, "start", "“soon” is not a date and time"),
    ({"title": ""}, "title", "This field is required"),
    ({"title": "x" * 201}, "title", "Longer than maximum length 200"),
])
def test_bad_event_input_is_422_per_field(client, bearer, changes, field, message):
    response = client.post("/api/v1/events", json={**EVENT, **changes}, headers=bearer)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert message in error["fields"][field]
    assert Event.query.count() == 0


def test_ambiguous_time_needs_a_fold(client, bearer):
    data = {**EVENT, "timezone": "America/New_York", "start": "2026-11-01T01:30", "end": "2026-11-01T03:00"}
    refused = client.post("/api/v1/events", json=data, headers=bearer)
    assert refused.status_code == 422 and "happens twice" in refused.get_json()["error"]["fields"]["start"]
    accepted = client.post("/api/v1/events", json={**data, "start_fold": 1}, headers=bearer)
    assert accepted.status_code == 201
    assert accepted.get_json()["start_utc"] == "2026-11-01T06:30:00Z"


def test_writes_need_a_token_and_own_events(client, organiser, other_organiser, bearer):
    theirs = make_event(other_organiser, slug="theirs")
    assert client.post("/api/v1/events", json={}).status_code == 401  # auth is checked before the body
    assert client.post("/api/v1/events/theirs/cancel", headers=bearer).status_code == 404
    assert client.patch("/api/v1/events/theirs", json={"title": "Mine now"}, headers=bearer).status_code == 404
    assert db.session.get(Event, theirs.id).title == "Smart City Forum"


def test_status_conflict_and_bad_json(client, bearer, organiser):
    event = make_event(organiser)
    assert client.post(f"/api/v1/events/{event.slug}/unpublish", headers=bearer).status_code == 409
    bad = client.post("/api/v1/events", data="{not json", headers={**bearer, "Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.get_json()["error"]["message"] == "Invalid JSON body."


NEW_YORK = {**EVENT, "timezone": "America/New_York", "start": "2026-10-31T22:00", "end": "2026-11-01T03:00"}
NIGHT_SLOT = {"title": "Night owls", "start": "2026-11-01T00:30", "end": "2026-11-01T02:30"}
TWICE = "2026-11-01T01:30"  # New York's clocks go back from 02:00 EDT to 01:00 EST


@pytest.mark.parametrize("fold", [0, 1])
@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("kind", ["event", "slot"])
def test_an_ambiguous_time_names_its_fold_then_takes_it(client, bearer, kind, method, field, fold):
    url, data = "/api/v1/events", NEW_YORK
    if kind == "slot":
        slug = client.post(url, json=NEW_YORK, headers=bearer).get_json()["slug"]
        url, data = f"/api/v1/events/{slug}/slots", NIGHT_SLOT
    if method == "PATCH":
        created = client.post(url, json=data, headers=bearer).get_json()
        url = f"{url}/{created['slug' if kind == 'event' else 'id']}"
        data = {field: TWICE}
    else:
        data = {**data, field: TWICE}
    send = client.post if method == "POST" else client.patch

    refused = send(url, json=data, headers=bearer)
    assert refused.status_code == 422
    fields = refused.get_json()["error"]["fields"]
    assert "01:30 on 2026-11-01 happens twice in America/New_York" in fields[field]
    assert fields[f"{field}_fold"] == (f"Set {field}_fold to 0 for 01:30 first time, EDT (UTC-04:00), "
                                       "or to 1 for 01:30 second time, EST (UTC-05:00).")

    accepted = send(url, json={**data, f"{field}_fold": fold}, headers=bearer)
    assert accepted.status_code == (201 if method == "POST" else 200)
    oracle = datetime(2026, 11, 1, 1, 30, fold=fold, tzinfo=ZoneInfo("America/New_York")).astimezone(ZoneInfo("UTC"))
    assert accepted.get_json()[f"{field}_utc"] == f"{oracle:%Y-%m-%dT%H:%M:%SZ}"


@pytest.mark.parametrize("kind", ["event", "slot"])
def test_a_time_in_a_repeated_hour_keeps_its_instant_through_other_edits(client, bearer, kind):
    event = client.post("/api/v1/events", json={**NEW_YORK, "start": TWICE, "start_fold": 1}, headers=bearer)
    url = f"/api/v1/events/{event.get_json()['slug']}"
    if kind == "slot":
        slot = client.post(f"{url}/slots", json={**NIGHT_SLOT, "start": TWICE, "start_fold": 1}, headers=bearer)
        url = f"{url}/slots/{slot.get_json()['id']}"
    renamed = client.patch(url, json={"title": "Renamed"}, headers=bearer)
    assert renamed.status_code == 200, renamed.get_json()
    oracle = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")).astimezone(ZoneInfo("UTC"))
    assert renamed.get_json()["start_utc"] == f"{oracle:%Y-%m-%dT%H:%M:%SZ}"
    moved = client.patch(url, json={"start": TWICE}, headers=bearer)  # a time sent anew asks again
    assert moved.status_code == 422 and "start_fold" in moved.get_json()["error"]["fields"]


SPEAKER = {"name": "Wim de Vries", "email": "wim@utrecht.example.org"}


@pytest.mark.parametrize("place", [{"city": "Utrecht"}, {"city": " utrecht ", "timezone": ""}])
def test_a_speakers_zone_comes_from_a_city_that_names_one(client, bearer, organiser, place):
    event = make_event(organiser)
    created = client.post(f"/api/v1/events/{event.slug}/speakers", json={**SPEAKER, **place}, headers=bearer)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["timezone"] == "Europe/Amsterdam"
    document = client.get("/api/v1/openapi.json").get_json()
    assert "timezone" not in document["components"]["schemas"]["SpeakerIn"]["required"]


@pytest.mark.parametrize("place, message", [
    ({"city": "Portland"}, ("There are several places called Portland: America/Chicago (Portland, US), "
                           "America/Los_Angeles (Portland, US), America/New_York (Portland, US)")),
    ({}, "Choose a time zone."),
    ({"city": "Nowhereville"}, "Choose a time zone."),
])
def test_a_speaker_without_a_zone_the_city_settles_is_422(client, bearer, organiser, place, message):
    event = make_event(organiser)
    refused = client.post(f"/api/v1/events/{event.slug}/speakers", json={**SPEAKER, **place}, headers=bearer)
    assert refused.status_code == 422
    assert message in refused.get_json()["error"]["fields"]["timezone"]
    assert Speaker.query.count() == 0
