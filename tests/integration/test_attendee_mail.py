"""Registration e-mails as a mail client receives them: delivered by a real SMTP
server, parsed back with the standard library, the calendar read by icalendar
and vobject, every instant checked against zoneinfo."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from forum import mail
from forum.models import Registration
from forum.services import events, outbox
from tests.support.factories import future_wall, make_event
from tests.support.mail import mailed_link

PERSON = {"name": "陳美玲, Mei-ling", "email": "mei@example.org", "organisation": "Taipei City",
          "timezone": "Europe/Amsterdam"}
JOIN = "https://meet.example.org/secret-room"


def _register(client, slug="open", **changes):
    response = client.post(f"/api/v1/events/{slug}/registrations", json={**PERSON, **changes})
    assert response.status_code == 202, response.get_json()
    return response.get_json()


def _delivered(smtp_server):
    mail.deliver_due()
    return smtp_server.messages()


def _calendar_part(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def _parse(ics: bytes):
    assert b"\r\n" in ics and b"\n" not in ics.replace(b"\r\n", b"")  # CRLF only
    return icalendar.Calendar.from_ical(ics)


def _oracle(wall: datetime, zone: str) -> datetime:
    return wall.replace(tzinfo=ZoneInfo(zone))


def test_confirmation_is_an_invitation_with_the_right_structure(client, open_event, smtp_server):
    _register(client)
    (message,) = _delivered(smtp_server)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == ["text/plain", "text/html", "text/calendar"]
    calendar_part = alternative.get_payload()[2]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_param("charset").upper() == "UTF-8"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    ics = calendar_part.get_payload(decode=True)
    assert attachment.get_payload(decode=True) == ics

    calendar = _parse(ics)
    assert calendar["METHOD"] == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    registration = Registration.query.one()
    assert str(vevent["UID"]) == registration.uid and int(vevent["SEQUENCE"]) == 0
    assert str(vevent["ORGANIZER"]) == "mailto:forum@example.org"
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:mei@example.org"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "FALSE"
    assert attendee.params["CN"] == "陳美玲, Mei-ling"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Taipei"]
    assert vevent["DTSTART"].params["TZID"] == "Asia/Taipei"
    assert vevent.decoded("DTSTART") == _oracle(future_wall(16), "Asia/Taipei")
    assert vevent.decoded("DTEND") == _oracle(future_wall(18), "Asia/Taipei")
    assert str(vevent["LOCATION"]) == JOIN and JOIN in str(vevent["DESCRIPTION"])
    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_the_body_shows_the_readers_time_first_and_the_event_time_beside(client, open_event, smtp_server):
    _register(client)
    (message,) = _delivered(smtp_server)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    start = _oracle(future_wall(16), "Asia/Taipei").astimezone(ZoneInfo("Europe/Amsterdam"))
    end = _oracle(future_wall(18), "Asia/Taipei").astimezone(ZoneInfo("Europe/Amsterdam"))
    offset = f"UTC+{start.utcoffset().seconds // 3600:02d}:00"
    own = f"When: {start:%a} {start.day} {start:%b %Y} {start:%H:%M} ({offset}) – {end:%H:%M} (Europe/Amsterdam)"
    assert own in text
    assert "Event time:" in text and "16:00 (UTC+08:00) – 18:00 (Asia/Taipei)" in text
    assert f"Join online: {JOIN}" in text and JOIN in html
    assert "陳美玲, Mei-ling" in html and re.search(r"http://localhost/registrations/[\w-]{43,}/", text)


@pytest.mark.parametrize("zone, month, hour", [
    ("America/New_York", 7, 9), ("America/New_York", 1, 9),
    ("Europe/Amsterdam", 3, 10), ("Pacific/Auckland", 4, 8), ("Pacific/Auckland", 10, 8),
])
def test_dst_zones_read_the_same_in_icalendar_and_vobject(client, organiser, smtp_server, zone, month, hour):
    """The VTIMEZONE carries the zone's yearly RRULE (tests/unit/test_vtimezone.py
    reads the instants from it alone); icalendar and vobject agree on them."""
    day = date(date.today().year + 1, month, 28 if month in (3, 10) else 15)
    start, end = datetime.combine(day, datetime.min.time()).replace(hour=hour), None
    end = start.replace(hour=hour + 2)
    event = make_event(organiser, slug="dst", timezone=zone, start=start, end=end)
    events.change_status(event, "publish")
    _register(client, slug="dst")
    (message,) = _delivered(smtp_server)
    ics = _calendar_part(message).get_payload(decode=True)
    expected = _oracle(start, zone)
    assert _parse(ics).walk("VEVENT")[0].decoded("DTSTART") == expected
    parsed = vobject.readOne(ics.decode())
    assert parsed.vevent.dtstart.value == expected
    assert parsed.vevent.dtstart.value.utcoffset() == expected.utcoffset()
    assert parsed.vevent.dtend.value.utcoffset() == _oracle(end, zone).utcoffset()


def test_waitlist_message_has_no_invitation_and_no_join_link(client, open_event, smtp_server):
    _register(client, email="first@example.org")
    _register(client, email="second@example.org")
    assert Registration.query.filter_by(email="second@example.org").one().status.value == "waitlisted"
    waitlisted = next(m for m in _delivered(smtp_server) if m["To"] == "second@example.org")
    assert "number 1" in waitlisted["Subject"]
    assert not [p for p in waitlisted.walk() if p.get_content_type() == "text/calendar"]
    assert JOIN not in waitlisted.as_string()
    assert "You are on the waitlist, number 1" in waitlisted.get_body(("plain",)).get_content()


def test_cancel_sends_cancel_with_higher_sequence_and_promotes_the_next(client, open_event, smtp_server):
    _register(client, email="first@example.org")
    _register(client, email="second@example.org")
    _delivered(smtp_server)
    smtp_server.received.clear()
    token = mailed_link("first@example.org")
    assert client.post(f"/registrations/{token}/cancel").status_code == 302

    messages = {m["To"]: m for m in _delivered(smtp_server)}
    assert set(messages) == {"first@example.org", "second@example.org"}
    cancel_part = _calendar_part(messages["first@example.org"])
    assert cancel_part.get_param("method") == "CANCEL"
    cancel = _parse(cancel_part.get_payload(decode=True))
    assert cancel["METHOD"] == "CANCEL"
    (vevent,) = cancel.walk("VEVENT")
    first_row = Registration.query.filter_by(email="first@example.org").one()
    assert str(vevent["UID"]) == first_row.uid and int(vevent["SEQUENCE"]) == 1
    assert str(vevent["STATUS"]) == "CANCELLED"

    promoted = messages["second@example.org"]
    assert promoted["Subject"].startswith("Invitation:")
    assert "a seat at" in promoted.get_body(("plain",)).get_content()
    request = _calendar_part(promoted)
    assert request.get_param("method") == "REQUEST"
    assert JOIN in request.get_payload(decode=True).decode()
    second = Registration.query.filter_by(email="second@example.org").one()
    assert second.status.value == "confirmed" and second.waitlist_position is None


def test_mail_server_down_while_people_register_loses_nothing(client, open_event, smtp_server):
    from datetime import timedelta

    from forum import timezones

    smtp_server.stop()
    for i in range(5):
        _register(client, email=f"p{i}@example.org")
    now = timezones.now_utc()
    assert mail.deliver_due(now).sent == 0
    assert outbox.counts(open_event.id)["waiting"] == 5
    smtp_server.start()
    assert mail.deliver_due(now + timedelta(minutes=2)).sent == 5
    assert mail.deliver_due(now + timedelta(days=1)).sent == 0
    assert sorted(m["To"] for m in smtp_server.messages()) == [f"p{i}@example.org" for i in range(5)]
