"""The demo event through the API and the page, against the zoneinfo oracle."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from forum.models import Event
from forum.services import demo
from tests.support.web import login

SLUG = "smart-tech-fighting-covid-19"


def _oracle(wall: str, zone: str, to: str) -> str:
    return datetime.fromisoformat(wall).replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo(to)).isoformat()


def test_demo_opening_slot_in_event_zone(client, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    body = client.get(f"/api/v1/events/{SLUG}").get_json()
    opening = body["slots"][0]
    assert opening["title"] == "Opening and Introduction"
    assert opening["start"] == "2020-04-29T16:00:00+08:00"
    assert opening["start_utc"] == "2020-04-29T08:00:00Z"
    assert body["timezone"] == "Asia/Taipei"
    assert body["status"] == "published"


def test_demo_in_amsterdam_matches_oracle(client, app):
    demo.load_demo()
    body = client.get(f"/api/v1/events/{SLUG}?tz=Europe/Amsterdam").get_json()
    opening = body["slots"][0]
    assert opening["start"] == "2020-04-29T10:00:00+02:00"
    assert opening["start"] == _oracle("2020-04-29T16:00", "Asia/Taipei", "Europe/Amsterdam")
    assert opening["start_utc"] == "2020-04-29T08:00:00Z"
    assert body["display_timezone"] == "Europe/Amsterdam"


def test_demo_speakers_carry_their_zones(client, app):
    demo.load_demo()
    panel = client.get(f"/api/v1/events/{SLUG}").get_json()["slots"][1]
    darwin = next(s for s in panel["speakers"] if s["city"] == "Darwin")
    assert darwin["timezone"] == "Australia/Darwin"
    assert darwin["local_start"] == _oracle("2020-04-29T16:10", "Asia/Taipei", "Australia/Darwin")
    assert darwin["local_start"] == "2020-04-29T17:40:00+09:30"
    assert {s["organisation"] for s in panel["speakers"]} >= {"City of Darwin", "Economic Board Utrecht"}


def test_demo_twice_changes_nothing(app, runner):
    runner.invoke(args=["demo", "--upcoming"])
    first = {e.slug: (e.id, len(e.slots), len(e.speakers)) for e in Event.query.all()}
    result = runner.invoke(args=["demo", "--upcoming"])
    assert result.exit_code == 0
    assert {e.slug: (e.id, len(e.slots), len(e.speakers)) for e in Event.query.all()} == first
    assert set(first) == {SLUG, SLUG + "-upcoming"}
    assert first[SLUG][1] == 8


def test_upcoming_copy_is_two_weeks_ahead_at_the_same_local_time(app):
    from datetime import date

    demo.load_demo(upcoming=True, today=date(2026, 11, 23))
    copy = Event.query.filter_by(slug=SLUG + "-upcoming").one()
    local = copy.start_utc.astimezone(ZoneInfo("Asia/Taipei"))
    assert (local.date(), local.hour, local.minute) == (date(2026, 12, 7), 16, 0)
    assert copy.join_url and copy.status.value == "published"


def test_demo_page_hides_the_join_link(client, app):
    demo.load_demo()
    page = client.get(f"/events/{SLUG}/?tz=Europe/Amsterdam").get_data(as_text=True)
    assert "10:00" in page and "16:00" in page
    assert "meet.example.org" not in page
    api = client.get(f"/api/v1/events/{SLUG}").get_data(as_text=True)
    assert "meet.example.org" not in api


def test_upcoming_copy_has_speakers_still_to_answer(client):
    """The board shows a newcomer every state: confirmed, no answer yet, another time proposed."""
    from collections import Counter

    from forum.services import speakers
    demo.load_demo(upcoming=True)
    login(client, demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
    copy = Event.query.filter_by(slug=f"{SLUG}-upcoming").one()
    rows = speakers.board(copy)
    assert Counter(r.invitation.status.value for r in rows) == {"confirmed": len(rows) - 2, "invited": 1, "proposed": 1}
    waiting = next(r for r in rows if r.invitation.status.value == "invited")
    assert waiting.waiting_days == 4
    board = client.get(f"/organiser/events/{SLUG}-upcoming/speakers").get_data(as_text=True)
    assert "no answer for 4 day(s)" in board and "Accept proposal" in board
    original = Event.query.filter_by(slug=SLUG).one()
    assert {r.invitation.status.value for r in speakers.board(original)} == {"confirmed"}
