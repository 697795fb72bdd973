"""Registering from the event page and managing the seat behind the secret link."""
from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import icalendar

from forum import timezones
from forum.extensions import db
from forum.models import OutboxMessage, Registration, RegistrationLink
from forum.services import events, releases
from forum.services.tokens import hash_token
from tests.support.factories import future_wall
from tests.support.mail import mailed_link

FORM = {"name": "Ada Lovelace", "email": "ada@example.org", "organisation": "Analytical Engines",
        "city": "London", "country": "UK", "timezone": "Europe/Amsterdam", "language": "en", "consent": "y"}
JOIN = "https://meet.example.org/secret-room"


def _token(response, email: str = FORM["email"]) -> str:
    """The form answers every address alike, back on the event page; the link comes by e-mail."""
    assert response.status_code == 302 and response.headers["Location"].endswith("/events/open/")
    return mailed_link(email)


def _link_in(row: OutboxMessage) -> str:
    text = message_from_bytes(row.message, policy=policy.default).get_body(("plain",)).get_content()
    return re.search(r"/registrations/([\w-]+)/", text).group(1)


def test_event_page_has_the_form_with_the_viewers_zone(client, open_event):
    page = client.get("/events/open/?tz=America/Sao_Paulo").get_data(as_text=True)
    assert 'action="/events/open/register"' in page and 'name="email"' in page
    assert 'name="timezone"' in page and 'value="America/Sao_Paulo"' in page
    assert JOIN not in page and "1 seat left." in page
    client.post("/events/open/register", data=FORM)
    full = client.get("/events/open/").get_data(as_text=True)
    assert "The event is full: new registrations join the waitlist" in full and JOIN not in full


def test_register_from_the_page_then_see_the_seat(client, open_event):
    response = client.post("/events/open/register", data=FORM)
    assert response.status_code == 302
    token = _token(response)
    assert len(token) >= 43  # 32 random bytes, base64url
    link = RegistrationLink.query.one()
    assert link.token_hash == hash_token(token) and token not in link.token_hash
    page = client.get(f"/registrations/{token}/")
    assert page.headers["Referrer-Policy"] == "no-referrer" and "no-store" in page.headers["Cache-Control"]
    html = page.get_data(as_text=True)
    assert "Confirmed" in html and JOIN in html
    assert "Add to Google Calendar" in html and "Outlook.com" in html and "Apple / other (.ics)" in html
    assert f"webcal://localhost/registrations/{token}/calendar.ics" in html
    start = future_wall(16).replace(tzinfo=ZoneInfo("Asia/Taipei")).astimezone(ZoneInfo("Europe/Amsterdam"))
    assert f"{start:%H:%M}" in html and "Europe/Amsterdam" in html
    google = re.search(r'href="(https://calendar.google.com[^"]+)"', html).group(1)
    utc = start.astimezone(ZoneInfo("UTC"))
    assert f"dates={utc:%Y%m%dT%H%M%SZ}%2F" in google.replace("&amp;", "&")
    outlook = re.search(r'href="(https://outlook.live.com[^"]+)"', html).group(1)
    assert token not in google and token not in outlook  # a third party's logs never see the link
    (row,) = OutboxMessage.query.all()
    ics = next(p for p in message_from_bytes(row.message, policy=policy.default).walk()
               if p.get_content_type() == "text/calendar").get_payload(decode=True).decode()
    assert "/registrations/" not in ics  # calendars sync to third parties too
    assert "/registrations/" not in client.get(f"/registrations/{token}/event.ics").get_data(as_text=True)


def test_bad_form_input_keeps_the_typing_and_says_why(client, open_event):
    bad = {**FORM, "email": "not-an-address", "timezone": "Mars/Olympus", "name": "Grace 測試"}
    response = client.post("/events/open/register", data=bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "is not an e-mail address" in html and "“Mars/Olympus” is not a time zone" in html
    assert 'value="Grace 測試"' in html and 'value="not-an-address"' in html and 'value="Mars/Olympus"' in html
    assert Registration.query.count() == 0 and OutboxMessage.query.count() == 0


def test_same_email_again_mails_a_fresh_link_and_the_old_keeps_working(client, open_event):
    from datetime import timedelta

    first = client.post("/events/open/register", data=FORM)
    token = _token(first)
    said = client.get("/events/open/").get_data(as_text=True)
    again = client.post("/events/open/register", data={**FORM, "email": " ADA@example.ORG "})
    assert again.headers["Location"] == first.headers["Location"]
    assert client.get("/events/open/").get_data(as_text=True) == said  # a known address reads the same
    assert "already registered" not in said and "your registration is received" in said
    assert Registration.query.count() == 1 and OutboxMessage.query.count() == 1  # not again within the hour
    Registration.query.one().link_mailed_at -= timedelta(hours=1)
    db.session.commit()
    client.post("/events/open/register", data={**FORM, "email": " ADA@example.ORG "})
    assert OutboxMessage.query.count() == 2
    fresh = _link_in(OutboxMessage.query.order_by(OutboxMessage.id.desc()).first())
    assert fresh != token
    for link in (token, fresh):
        assert client.get(f"/registrations/{link}/").status_code == 200


def test_unknown_links_are_friendly_404s(client, open_event):
    page = client.get("/registrations/not-a-real-token/")
    assert page.status_code == 404 and "register again" in page.get_data(as_text=True)
    feed = client.get("/registrations/not-a-real-token/calendar.ics")
    assert feed.status_code == 404 and feed.mimetype == "text/plain"


def test_get_never_changes_state_and_cancel_needs_a_post(client, open_event):
    token = _token(client.post("/events/open/register", data=FORM))
    client.get(f"/registrations/{token}/")
    client.get(f"/registrations/{token}/cancel")
    assert Registration.query.one().status.value == "confirmed"
    assert client.post(f"/registrations/{token}/cancel").status_code == 302
    html = client.get(f"/registrations/{token}/").get_data(as_text=True)
    assert "Cancelled" in html and JOIN not in html
    client.post(f"/registrations/{token}/cancel")
    assert "already cancelled" in client.get(f"/registrations/{token}/").get_data(as_text=True)


def test_feed_has_the_slots_with_the_join_link_until_cancelled(client, organiser, open_event):
    from forum.services import agenda
    from forum.services.agenda import SlotInput

    agenda.add_slot(open_event, SlotInput(title="智慧城市, opening; welcome", start=future_wall(16),
                                          end=future_wall(17), timezone="Asia/Taipei"))
    releases.publish_changes(open_event, organiser)
    token = _token(client.post("/events/open/register", data=FORM))
    response = client.get(f"/registrations/{token}/calendar.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    feed = icalendar.Calendar.from_ical(response.data)
    assert feed["METHOD"] == "PUBLISH" and str(feed["X-WR-CALNAME"]) == "Smart City Forum"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.data
    seat, slot = feed.walk("VEVENT")  # the seat's entry as mailed, then the agenda
    assert str(seat["UID"]) == Registration.query.one().uid and str(seat["STATUS"]) == "CONFIRMED"
    assert str(slot["SUMMARY"]) == "智慧城市, opening; welcome · Smart City Forum"
    assert slot.decoded("DTSTART") == future_wall(16).replace(tzinfo=ZoneInfo("Asia/Taipei"))
    assert str(slot["LOCATION"]) == JOIN and str(slot["STATUS"]) == "CONFIRMED"
    assert client.get(f"/registrations/{token}/calendar.ics").data == response.data  # stable bytes

    client.post(f"/registrations/{token}/cancel")
    after = icalendar.Calendar.from_ical(client.get(f"/registrations/{token}/calendar.ics").data).walk("VEVENT")
    assert [str(e["STATUS"]) for e in after] == ["CANCELLED", "CANCELLED"]
    assert all("LOCATION" not in e and JOIN not in e.to_ical().decode() for e in after)
    assert int(after[0]["SEQUENCE"]) == int(seat["SEQUENCE"]) + 1

    single = client.get(f"/registrations/{token}/event.ics")
    (entry,) = icalendar.Calendar.from_ical(single.data).walk("VEVENT")
    assert str(entry["UID"]) == Registration.query.one().uid


def test_attendee_changes_their_details(client, open_event):
    token = _token(client.post("/events/open/register", data=FORM))
    details = {"name": "Ada King", "organisation": "", "city": "", "country": "", "timezone": "Asia/Tokyo",
               "language": "zh-Hant"}
    assert client.post(f"/registrations/{token}/", data=details).status_code == 302
    row = Registration.query.one()
    assert (row.name, row.timezone, row.language, row.email) == ("Ada King", "Asia/Tokyo", "zh-Hant", "ada@example.org")
    start = future_wall(16).replace(tzinfo=ZoneInfo("Asia/Taipei")).astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{start:%H:%M}" in client.get(f"/registrations/{token}/").get_data(as_text=True)
    bad = client.post(f"/registrations/{token}/", data={**details, "timezone": "Asia/Atlantis", "name": "Kept"})
    assert bad.status_code == 422
    assert "“Asia/Atlantis” is not a time zone" in bad.get_data(as_text=True)
    assert 'value="Kept"' in bad.get_data(as_text=True) and Registration.query.one().name == "Ada King"


def test_registration_window_and_closed_events_say_why(client, organiser, open_event):
    soon = timezones.local_naive(timezones.now_utc() + timedelta(days=2), "Asia/Taipei")
    events.update_event(open_event, events.EventInput(**{**vars(events.as_input(open_event)),
                                                         "registration_opens": soon}))
    page = client.get("/events/open/").get_data(as_text=True)
    assert "Registration opens on" in page and 'name="email"' not in page
    response = client.post("/events/open/register", data=FORM)
    assert response.status_code == 409 and "Registration opens on" in response.get_data(as_text=True)
    past = timezones.local_naive(timezones.now_utc() - timedelta(days=2), "Asia/Taipei")
    earlier = past - timedelta(days=1)
    events.update_event(open_event, events.EventInput(**{**vars(events.as_input(open_event)),
                                                         "registration_opens": earlier,
                                                         "registration_closes": past}))
    assert "Registration closed on" in client.get("/events/open/").get_data(as_text=True)
    events.change_status(open_event, "cancel")
    assert "cancelled; it takes no registrations" in client.get("/events/open/").get_data(as_text=True)
    assert Registration.query.count() == 0


def test_window_that_closes_before_it_opens_is_refused(logged_in, open_event):
    data = {"title": "Smart City Forum", "timezone": "Asia/Taipei",
            "start": future_wall(16).isoformat(), "end": future_wall(18).isoformat(),
            "registration_opens": "2030-01-02T10:00", "registration_closes": "2030-01-01T10:00"}
    response = logged_in.post("/organiser/events/open/edit", data=data)
    assert response.status_code == 422
    assert "Registration must close after it opens." in response.get_data(as_text=True)


def test_rate_limit_answers_429_kindly(app, client, open_event):
    app.config["REGISTRATION_RATE_LIMIT"] = "2 per minute"
    for i in range(2):
        client.post("/events/open/register", data={**FORM, "email": f"r{i}@example.org"})
    page = client.post("/events/open/register", data={**FORM, "email": "r2@example.org"})
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "Too many attempts" in page.get_data(as_text=True) and page.mimetype == "text/html"
    api = client.post("/api/v1/events/open/registrations", json={**FORM, "consent": True, "email": "r3@example.org"})
    assert api.status_code == 429 and api.get_json()["error"]["code"] == "too_many_requests"
    assert Registration.query.count() == 2
    db.session.rollback()
