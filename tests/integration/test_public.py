"""The public pages: the agenda in the reader's zone, markers, and the event list."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from forum.extensions import db
from forum.models import InvitationStatus, Slot, SlotKind
from forum.services import demo, events
from tests.support.factories import event_with_slots, make_event

SLUG = "smart-tech-fighting-covid-19"
UTC = ZoneInfo("UTC")


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_agenda_in_event_zone_by_default(client, app):
    demo.load_demo()
    response = client.get(f"/events/{SLUG}/")
    text = _text(response)
    assert response.status_code == 200
    assert "Times below are in Asia/Taipei" in text
    assert "16:00 – 16:10" in text
    assert "Wed 29 Apr 2020" in text


def test_query_zone_shows_both_zones_and_is_remembered(client, app):
    demo.load_demo()
    response = client.get(f"/events/{SLUG}/?tz=Europe/Amsterdam")
    html = response.get_data(as_text=True)
    assert ">10:00</time>" in html and "16:00–16:10" in html  # viewer's time and the event's beside it
    assert "tz=Europe/Amsterdam" in response.headers["Set-Cookie"]
    again = client.get(f"/events/{SLUG}/")  # the cookie now chooses the zone
    assert "Times below are in Europe/Amsterdam" in _text(again)


def test_invalid_cookie_is_ignored_but_invalid_query_is_refused(client, app):
    demo.load_demo()
    client.set_cookie("tz", "Not/AZone")
    assert "Times below are in Asia/Taipei" in _text(client.get(f"/events/{SLUG}/"))
    response = client.get(f"/events/{SLUG}/?tz=Not/AZone")
    assert response.status_code == 422  # a bad parameter, as on the API and the feeds
    html = response.get_data(as_text=True)
    assert "“Not/AZone” is not a time zone" in html
    assert 'value="Not/AZone"' in html  # the typing is kept in the picker
    assert "Set-Cookie" not in response.headers


def test_slots_after_midnight_show_under_the_next_day(client, app):
    """In Pacific/Marquesas (-09:30) the demo starts on 28 April and ends on the 29th."""
    demo.load_demo()
    zone = ZoneInfo("Pacific/Marquesas")
    html = client.get(f"/events/{SLUG}/?tz=Pacific/Marquesas").get_data(as_text=True)
    sections = re.split(r'<h3 id="day-\d+">', html)[1:]
    expected = {}
    for title, wall in [("Opening and Introduction", "16:00"), ("Summary", "17:25"),
                        ("Policy, Demands and Discussion: New Taipei City", "17:30"), ("Conclusion", "17:57")]:
        local = datetime.fromisoformat(f"2020-04-29T{wall}").replace(tzinfo=ZoneInfo("Asia/Taipei")).astimezone(zone)
        expected[title] = f"{local:%a} {local.day} {local:%b %Y}"
    assert sorted(set(expected.values())) == ["Tue 28 Apr 2020", "Wed 29 Apr 2020"]
    for title, day in expected.items():
        section = next(s for s in sections if title in s)
        assert section.startswith(day), (title, day)


def test_agenda_split_across_two_viewer_days(client, organiser):
    """An event 23:00-01:00 UTC read in UTC: two day headings, each slot under its own day."""
    event = make_event(organiser, slug="late", timezone="UTC",
                       start=datetime(2026, 5, 6, 23, 0), end=datetime(2026, 5, 7, 1, 0))
    for hour, title in [(23, "Before midnight"), (24, "After midnight")]:
        start = datetime(2026, 5, 6, 23, 0, tzinfo=UTC) + timedelta(hours=hour - 23)
        db.session.add(Slot(event=event, title=title, kind=SlotKind.TALK, start_utc=start, end_utc=start + timedelta(minutes=30)))
    db.session.commit()
    events.change_status(event, "publish")
    html = client.get("/events/late/?tz=Asia/Taipei").get_data(as_text=True)
    assert re.findall(r'<h3 id="day-\d+">([^<]+)</h3>', html) == ["Thu 7 May 2026"]
    html = client.get("/events/late/?tz=UTC").get_data(as_text=True)
    sections = re.split(r'<h3 id="day-\d+">', html)[1:]
    assert [s.split("<")[0] for s in sections] == ["Wed 6 May 2026", "Thu 7 May 2026"]
    assert "Before midnight" in sections[0] and "After midnight" in sections[1]


def test_now_and_next_markers(client, organiser):
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    event = make_event(organiser, slug="live", timezone="UTC",
                       start=(now - timedelta(minutes=30)).replace(tzinfo=None),
                       end=(now + timedelta(minutes=90)).replace(tzinfo=None))
    for offset, title in [(-30, "Earlier"), (-5, "Current"), (20, "Coming"), (50, "Later")]:
        start = now + timedelta(minutes=offset)
        db.session.add(Slot(event=event, title=title, kind=SlotKind.TALK, start_utc=start,
                            end_utc=start + timedelta(minutes=20)))
    db.session.commit()
    events.change_status(event, "publish")
    html = client.get("/events/live/").get_data(as_text=True)
    rows = {re.search(r"<h4>([^<]+)</h4>", r).group(1): r for r in html.split("<tr class=\"slot")[1:]}
    assert "Happening now" in rows["Current"] and "is-now" in rows["Current"]
    assert "Next" in rows["Coming"]
    assert "Happening now" not in rows["Earlier"] and "Next" not in rows["Later"]


def test_index_lists_upcoming_and_past_separately(client, app):
    demo.load_demo(upcoming=True)
    html = client.get("/").get_data(as_text=True)
    upcoming, past = html.split('id="upcoming"')[1].split('id="past"')
    assert f"/events/{SLUG}-upcoming/" in upcoming and f"/events/{SLUG}/\"" not in upcoming
    assert f"/events/{SLUG}/" in past


def test_drafts_are_not_listed(client, organiser):
    make_event(organiser, slug="hidden-draft")
    assert "hidden-draft" not in client.get("/").get_data(as_text=True)
    assert client.get("/events/hidden-draft/").status_code == 404


def test_join_url_never_public(client, organiser):
    event = event_with_slots(organiser, 2, "private-link")
    assert event.join_url
    for url in ["/", "/events/private-link/", "/api/v1/events", "/api/v1/events/private-link"]:
        assert "secret-room" not in client.get(url).get_data(as_text=True), url


def test_unconfirmed_speakers_are_not_public(client, organiser):
    event = event_with_slots(organiser, 1, "tbc")
    invitation = event.slots[0].invitations[0]
    invitation.status = InvitationStatus.INVITED
    db.session.commit()
    assert "Speaker 0" not in client.get("/events/tbc/").get_data(as_text=True)
    assert client.get("/api/v1/events/tbc").get_json()["slots"][0]["speakers"] == []


@pytest.mark.parametrize("path", ["/events/{slug}/", "/events/{slug}/?tz=America/New_York"])
def test_event_page_query_count_does_not_grow_with_slots(client, organiser, count_queries, path):
    counts = []
    for n in (3, 30):
        event = event_with_slots(organiser, n, f"forum-{n}")
        with count_queries() as statements:
            assert client.get(path.format(slug=event.slug)).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_unknown_page_is_friendly_404(client):
    response = client.get("/events/does-not-exist/")
    assert response.status_code == 404
    assert "No published event “does-not-exist”" in response.get_data(as_text=True)


def test_zone_hint_gives_the_offset_on_the_event_day(client, app):
    """Amsterdam is UTC+01:00 in November but was UTC+02:00 on the workshop's day."""
    demo.load_demo()
    text = _text(client.get(f"/events/{SLUG}/?tz=Europe/Amsterdam"))
    offset = datetime(2020, 4, 29, 8, 0, tzinfo=UTC).astimezone(ZoneInfo("Europe/Amsterdam")).utcoffset()
    assert offset == timedelta(hours=2)
    assert "Times below are in Europe/Amsterdam (UTC+02:00 on Wed 29 Apr 2020)" in text
