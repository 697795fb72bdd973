"""Who owns an address gets the seat: links are capped and end with the
registration, and an event may hold each seat until its address is confirmed."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from forum import timezones
from forum.extensions import db
from forum.models import Event, OutboxMessage, Registration, RegistrationLink, RegistrationStatus
from forum.services import accounts, registrations, tokens
from tests.support import calendars
from tests.support.factories import open_event_for
from tests.support.ical import calendar_part
from tests.support.mail import mailed_link

FORM = {"name": "Ada Lovelace", "email": "ada@example.org", "timezone": "Europe/Amsterdam", "language": "en"}
JOIN = "https://meet.example.org/secret-room"


def _register(client, slug: str = "open", **fields) -> str:
    response = client.post(f"/events/{slug}/register", data={**FORM, **fields})
    assert response.status_code == 302
    return mailed_link(fields.get("email", FORM["email"]))


def _last_mail(email: str):
    row = OutboxMessage.query.filter_by(recipient=email).order_by(OutboxMessage.id.desc()).first()
    return row, message_from_bytes(row.message, policy=policy.default)


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _status(email: str) -> RegistrationStatus:
    db.session.expire_all()
    return Registration.query.filter_by(email=email).one().status


# Links --------------------------------------------------------------------

def test_links_are_capped_and_the_one_in_use_survives(client, open_event):
    subscribed = _register(client)
    client.get(f"/registrations/{subscribed}/calendar.ics")  # a calendar subscribes with the first link
    mailed = []
    for n in range(tokens.MAX_LIVE_LINKS + 2):
        registrations.message_confirmed(open_event, f"Note {n}", "Hello.")
        mailed.append(mailed_link(FORM["email"]))
    assert RegistrationLink.query.count() == tokens.MAX_LIVE_LINKS
    assert client.get(f"/registrations/{subscribed}/calendar.ics").status_code == 200
    assert client.get(f"/registrations/{mailed[-1]}/").status_code == 200
    ended = client.get(f"/registrations/{mailed[0]}/")  # never opened, and older than the cap allows
    assert ended.status_code == 404 and "This registration link is not known" in ended.get_data(as_text=True)


def test_a_link_records_its_use_to_the_hour(client, open_event):
    token = _register(client)
    client.get(f"/registrations/{token}/")
    first = RegistrationLink.query.one().last_used_at
    client.get(f"/registrations/{token}/calendar.ics")
    db.session.expire_all()
    assert first is not None and RegistrationLink.query.one().last_used_at == first


def test_a_cancelled_registrations_links_show_only_that_it_is_cancelled(client, open_event):
    token = _register(client, organisation="Analytical Engines")
    client.post(f"/registrations/{token}/cancel")
    _, message = _last_mail(FORM["email"])
    assert "/registrations/" not in _text(message) and "/events/open/" in _text(message)
    page = client.get(f"/registrations/{token}/").get_data(as_text=True)
    assert "Cancelled" in page and FORM["email"] not in page and "Analytical Engines" not in page
    assert 'name="name"' not in page and "Cancel my registration" not in page
    edit = client.post(f"/registrations/{token}/", data={**FORM, "name": "Mallory"})  # a form left open elsewhere
    assert edit.status_code == 409 and "can no longer be changed" in edit.get_data(as_text=True)
    assert "Mallory" not in edit.get_data(as_text=True)
    assert Registration.query.one().name == FORM["name"]
    feed = client.get(f"/registrations/{token}/calendar.ics").get_data(as_text=True)
    assert "STATUS:CANCELLED" in feed and JOIN not in feed  # a subscribed calendar still learns it


def test_registering_a_cancelled_address_again_ends_its_old_links(client, open_event):
    old = _register(client)
    client.post(f"/registrations/{old}/cancel")
    new = _register(client, name="Someone Else")
    assert client.get(f"/registrations/{old}/").status_code == 404
    assert client.get(f"/registrations/{old}/calendar.ics").status_code == 404
    assert "Someone Else" in client.get(f"/registrations/{new}/").get_data(as_text=True)


# Confirming the address before a seat -------------------------------------

@pytest.fixture
def held_event(organiser):
    return open_event_for(organiser, slug="held", capacity=1, email_confirmation_hours=24)


def test_a_seat_is_held_until_the_address_is_confirmed(client, held_event, smtp_server):
    token = _register(client, "held")
    row = Registration.query.one()
    assert row.status is RegistrationStatus.HELD
    assert row.held_until - timezones.now_utc() > timedelta(hours=23)
    outbox, message = _last_mail(FORM["email"])
    assert outbox.kind == "registration-held" and calendar_part(message) == (None, None)
    assert JOIN not in _text(message) and "Confirm my seat" in _text(message)
    page = client.get(f"/registrations/{token}/").get_data(as_text=True)
    assert "Confirm my seat" in page and JOIN not in page
    assert client.get(f"/registrations/{token}/confirm").status_code == 302  # a mail scanner's GET
    assert _status(FORM["email"]) is RegistrationStatus.HELD
    assert registrations.seats_left(held_event) == 0
    client.post(f"/registrations/{token}/confirm")
    assert _status(FORM["email"]) is RegistrationStatus.CONFIRMED
    _, invitation = _last_mail(FORM["email"])
    method, _vevent = calendar_part(invitation)
    assert method == "REQUEST" and JOIN in _text(invitation)
    assert JOIN in client.get(f"/registrations/{token}/").get_data(as_text=True)
    assert registrations.release_lapsed(timezones.now_utc() + timedelta(days=2)) == 0
    assert calendars.check(client, smtp_server, JOIN) == 1


def test_an_unconfirmed_hold_goes_to_the_next_in_line(client, held_event, smtp_server):
    _register(client, "held", email="typo@example.org")  # someone typed another person's address
    waiting = _register(client, "held", email="grace@example.org", name="Grace Hopper")
    assert _status("grace@example.org") is RegistrationStatus.WAITLISTED
    assert registrations.release_lapsed(timezones.now_utc() + timedelta(hours=23)) == 0
    assert registrations.release_lapsed(timezones.now_utc() + timedelta(hours=25)) == 1
    assert _status("typo@example.org") is RegistrationStatus.CANCELLED
    outbox, message = _last_mail("typo@example.org")
    assert "not confirmed in time" in _text(message) and calendar_part(message) == (None, None)
    assert _status("grace@example.org") is RegistrationStatus.HELD  # the next seat is held for her too
    outbox, message = _last_mail("grace@example.org")
    assert outbox.kind == "registration-held" and "is free for you" in _text(message)
    client.post(f"/registrations/{waiting}/confirm")
    assert _status("grace@example.org") is RegistrationStatus.CONFIRMED
    assert calendars.check(client, smtp_server, JOIN) == 1  # Grace's seat; the typo held nothing


def test_confirming_on_the_waitlist_takes_a_freed_seat_at_once(client, held_event):
    first = _register(client, "held", email="first@example.org")
    waiting = _register(client, "held", email="grace@example.org")
    client.post(f"/registrations/{waiting}/confirm")
    assert _status("grace@example.org") is RegistrationStatus.WAITLISTED
    client.post(f"/registrations/{first}/cancel")
    assert _status("grace@example.org") is RegistrationStatus.CONFIRMED


def test_confirming_after_the_hold_lapsed_says_so(client, held_event):
    token = _register(client, "held")
    registrations.release_lapsed(timezones.now_utc() + timedelta(hours=25))
    page = client.post(f"/registrations/{token}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "register again on the event page" in page
    assert _status(FORM["email"]) is RegistrationStatus.CANCELLED


def test_the_organiser_may_vouch_for_a_held_seat(client, held_event, logged_in):
    _register(client, "held")
    row = Registration.query.one()
    client.post(f"/organiser/events/held/registrations/{row.id}/promote")
    assert _status(FORM["email"]) is RegistrationStatus.CONFIRMED
    assert held_event.capacity == 1


@pytest.mark.parametrize("hours", [0, 169, -3])
def test_the_hold_is_one_hour_to_a_week(client, organiser, hours):
    bearer = {"Authorization": f"Bearer {accounts.issue_api_token(organiser)}"}
    response = client.post("/api/v1/events", headers=bearer, json={
        "title": "Held", "timezone": "Asia/Taipei", "start": "2030-05-06T16:00", "end": "2030-05-06T18:00",
        "email_confirmation_hours": hours})
    assert response.status_code == 422
    assert "email_confirmation_hours" in response.get_json()["error"]["fields"]
    assert Event.query.count() == 0


def test_the_event_form_says_why_and_keeps_the_typing(client, logged_in):
    response = client.post("/organiser/events/new", data={
        "title": "Held forum", "timezone": "Asia/Taipei", "start": "2030-05-06T16:00", "end": "2030-05-06T18:00",
        "email_confirmation_hours": "500"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Hold a seat for 1 to 168 hours" in html
    assert 'value="Held forum"' in html and 'value="500"' in html and Event.query.count() == 0
