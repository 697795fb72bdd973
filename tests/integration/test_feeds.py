"""Every feed and invitation read by independent consumers: icalendar, vobject,
and a real CalDAV server (Radicale) that stores each event and gives it back;
instants compared with zoneinfo; conditional GET; folding and escaping."""
from __future__ import annotations

import re
import uuid
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from forum import mail
from forum.services import agenda, releases, speakers
from forum.services.agenda import SlotInput
from forum.services.speakers import SpeakerInput
from tests.support.factories import future_wall, make_event, open_event_for
from tests.support.mail import mailed_link
from tests.support.web import login

TRICKY = "智慧城市論壇：防疫科技, policy; demands, with a backslash \\ and a long tail to fold"
DESCRIPTION = "Q&A, then; more\n第二行：問答 \\ done"
JOIN = "https://meet.example.org/secret-room"


@pytest.fixture
def published(organiser):
    event = open_event_for(organiser, slug="feed", capacity=None)
    agenda.add_slot(event, SlotInput(title=TRICKY, start=future_wall(16), end=future_wall(17),
                                     timezone="Asia/Taipei", description=DESCRIPTION))
    releases.publish_changes(event, organiser)  # the public reads releases
    return event


def _well_formed(body: bytes) -> None:
    """CRLF only, every line at most 75 octets, folds never inside a UTF-8 character."""
    assert b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold inside a character would not decode


def _strict(body: bytes) -> icalendar.Calendar:
    """icalendar keeps going past a bad property and notes it in `errors`: none allowed."""
    calendar = icalendar.Calendar.from_ical(body)
    assert [(c.name, c.errors) for c in calendar.walk() if c.errors] == []
    return calendar


def _instants(body: bytes) -> dict[str, tuple]:
    """UID -> (start, end) as icalendar (strictly) and vobject each read them; they must agree."""
    _strict(body)
    by_icalendar = {str(e["UID"]): (e.decoded("DTSTART"), e.decoded("DTEND"))
                    for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    by_vobject = {e.uid.value: (e.dtstart.value, e.dtend.value)
                  for e in vobject.readOne(body.decode()).vevent_list}
    assert by_icalendar == by_vobject
    return by_icalendar


def _round_trip(radicale, body: bytes) -> dict[str, tuple]:
    """PUT each event (with the VTIMEZONEs) into a new calendar, read it back, return its instants."""
    calendar = icalendar.Calendar.from_ical(body)
    zones = calendar.walk("VTIMEZONE")
    path = radicale.new_calendar(f"cal-{uuid.uuid4().hex[:8]}")
    found = {}
    for vevent in calendar.walk("VEVENT"):
        single = icalendar.Calendar()
        single.add("prodid", "-//test//round trip//EN")
        single.add("version", "2.0")
        for zone in zones:
            single.add_component(zone)
        single.add_component(vevent)
        item = f"{path}{uuid.uuid4().hex}.ics"
        status, answer = radicale.request("PUT", item, single.to_ical())
        assert status in (201, 204), answer
        status, stored = radicale.request("GET", item)
        assert status == 200
        found.update(_instants(stored))
        (back,) = icalendar.Calendar.from_ical(stored).walk("VEVENT")
        assert str(back["SUMMARY"]) == str(vevent["SUMMARY"])
    return found


def test_public_feed_is_well_formed_and_round_trips(client, published, radicale):
    response = client.get("/events/feed/calendar.ics")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.data
    _well_formed(body)
    assert JOIN.encode() not in body
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["METHOD"] == "PUBLISH" and str(calendar["X-WR-CALNAME"]) == "Smart City Forum"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body and b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in body
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Asia/Taipei"]
    (slot,) = calendar.walk("VEVENT")
    assert str(slot["SUMMARY"]) == f"{TRICKY} · Smart City Forum"  # escaped on the way out, exact on the way in
    assert str(slot["DESCRIPTION"]) == DESCRIPTION and str(slot["URL"]) == "http://localhost/events/feed/"
    expected = (future_wall(16).replace(tzinfo=ZoneInfo("Asia/Taipei")),
                future_wall(17).replace(tzinfo=ZoneInfo("Asia/Taipei")))
    assert list(_instants(body).values()) == [expected]
    assert list(_round_trip(radicale, body).values()) == [expected]


def test_titles_stay_on_one_line(client, organiser, published):
    from forum.services import accounts

    token = accounts.issue_api_token(organiser, "test")
    response = client.patch(f"/api/v1/events/feed/slots/{published.slots[0].id}", json={"title": "Two\nlines"},
                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422 and response.get_json()["error"]["fields"]["title"] == "Keep it on one line."


def test_conditional_get(client, published):
    from datetime import timedelta

    from forum import timezones

    fresh = client.get("/events/feed/calendar.ics")
    assert fresh.last_modified is None and fresh.headers["ETag"]  # changed this second: the ETag decides
    hour_ago = timezones.now_utc() - timedelta(hours=1)
    published.updated_at = releases.latest(published).created_at = hour_ago
    releases.db.session.commit()
    first = client.get("/events/feed/calendar.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get("/events/feed/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/events/feed/calendar.ics", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/events/feed/calendar.ics").data == first.data  # byte-identical while unchanged

    slot = published.slots[0]
    agenda.update_slot(slot, SlotInput(**{**vars(agenda.as_input(slot)), "title": "Renamed"}))
    assert client.get("/events/feed/calendar.ics", headers={"If-None-Match": etag}).status_code == 304  # a draft
    releases.publish_changes(published, None)
    changed = client.get("/events/feed/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag and b"Renamed" in changed.data
    assert client.get("/events/feed/calendar.ics", headers={"If-Modified-Since": modified}).status_code == 200


def test_unpublished_and_unknown_feeds_are_plain_404s(client, organiser, published):
    make_event(organiser, slug="draft")
    for path in ("/events/draft/calendar.ics", "/events/nope/calendar.ics", "/registrations/nope/calendar.ics",
                 "/speakers/nope/calendar.ics", "/organisers/nope/calendar.ics"):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "text/plain", path


def test_registration_and_speaker_feeds_and_invitations_read_everywhere(client, app, published, radicale,
                                                                         smtp_server):
    client.post("/api/v1/events/feed/registrations", json={
        "name": "陳美玲; Mei, Ling", "email": "mei@example.org", "timezone": "Europe/Amsterdam"})
    token = mailed_link("mei@example.org")
    speaker = speakers.add_speaker(published, SpeakerInput(name="Wim", email="wim@example.org",
                                                           timezone="Europe/Amsterdam"))
    invitation = speakers.assign(published.slots[0], speaker, "speaker")
    speakers.send_invitation(speaker)
    speakers.confirm(speaker, invitation.id)
    mail.deliver_due()
    bodies = [client.get(f"/registrations/{token}/calendar.ics").data,
              client.get(f"/registrations/{token}/event.ics").data]
    for message in smtp_server.messages():
        bodies += [p.get_payload(decode=True) for p in message.walk() if p.get_content_type() == "text/calendar"]
    speaker_link = re.search(r"/speakers/([\w-]+)/", next(
        m for m in smtp_server.messages() if m["To"] == "wim@example.org"
        and "Invitation" in m["Subject"]).get_body(("plain",)).get_content()).group(1)
    bodies.append(client.get(f"/speakers/{speaker_link}/calendar.ics").data)
    assert len(bodies) == 5
    for body in bodies:
        _well_formed(body)
        instants = _instants(body)
        assert instants and _round_trip(radicale, body) == instants


def test_organiser_feed_mixes_zones_each_with_its_vtimezone(client, organiser, published, radicale):
    from datetime import datetime

    new_york = make_event(organiser, slug="ny", timezone="America/New_York",
                          start=datetime(2027, 7, 15, 9, 0), end=datetime(2027, 7, 15, 11, 0))
    login(client)
    page = client.post("/organiser/account/feed").get_data(as_text=True)
    link = re.search(r'id="feed-link" href="webcal://localhost(/organisers/[\w-]+/calendar\.ics)"', page).group(1)
    body = client.get(link).data
    _well_formed(body)
    calendar = icalendar.Calendar.from_ical(body)
    assert sorted(str(z["TZID"]) for z in calendar.walk("VTIMEZONE")) == ["America/New_York", "Asia/Taipei"]
    instants = _instants(body)
    assert instants[new_york.uid][0] == datetime(2027, 7, 15, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    assert instants[published.uid][0] == future_wall(16).replace(tzinfo=ZoneInfo("Asia/Taipei"))
    assert JOIN.encode() in body and b"(draft)" in body
    assert _round_trip(radicale, body) == instants
    client.post("/organiser/account/feed")
    assert client.get(link).status_code == 404  # replaced


def test_add_to_calendar_links_carry_utc_times_and_no_join_link(client, published):
    from urllib.parse import parse_qs, urlparse

    from forum import timezones

    html = client.get("/events/feed/").get_data(as_text=True).replace("&amp;", "&")
    slot = published.slots[0]
    assert f'href="/events/feed/sessions/{slot.uid}/google"' in html
    google = client.get(f"/events/feed/sessions/{slot.uid}/google").headers["Location"]
    outlook = client.get(f"/events/feed/sessions/{slot.uid}/outlook").headers["Location"]
    assert google.startswith("https://calendar.google.com/") and outlook.startswith("https://outlook.live.com/")
    assert client.get("/events/feed/sessions/not-a-uid/google").status_code == 404
    session = parse_qs(urlparse(google).query)
    start = timezones.localize(future_wall(16), "Asia/Taipei").strftime("%Y%m%dT%H%M%SZ")
    end = timezones.localize(future_wall(17), "Asia/Taipei").strftime("%Y%m%dT%H%M%SZ")
    assert session["dates"] == [f"{start}/{end}"] and session["text"] == [f"{slot.title} · Smart City Forum"]
    assert parse_qs(urlparse(outlook).query)["startdt"] == [timezones.utc_isoformat(slot.start_utc)]
    assert JOIN not in html
