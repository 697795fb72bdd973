"""Registration through the API: seats, waitlist, one seat per person, messages queued."""
from __future__ import annotations

from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest

from forum.extensions import db
from forum.models import OutboxMessage, Registration, RegistrationStatus
from forum.services import events
from tests.support.factories import future_wall, make_event, open_event_for

PERSON = {"name": "Ada Lovelace", "email": "ada@example.org", "organisation": "Analytical Engines",
          "timezone": "Europe/Amsterdam"}


@pytest.fixture
def open_event(organiser):
    return open_event_for(organiser, capacity=2)


def _body(row: OutboxMessage) -> str:
    return message_from_bytes(row.message, policy=policy.default).get_body(("plain",)).get_content()


def _register(client, slug="open", **changes):
    return client.post(f"/api/v1/events/{slug}/registrations", json={**PERSON, **changes})


def test_seats_then_waitlist_in_order(client, open_event):
    answers = [_register(client, email=f"p{i}@example.org") for i in range(5)]
    assert {(a.status_code, a.get_json()["status"]) for a in answers} == {(202, "received")}
    people = Registration.query.order_by(Registration.id).all()
    assert [p.status.value for p in people] == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    kinds = sorted(m.kind for m in OutboxMessage.query.all())
    assert kinds == ["registration-confirmed"] * 2 + ["registration-waitlisted"] * 3
    waitlisted = _body(OutboxMessage.query.filter_by(recipient="p3@example.org").one())
    assert "number 2" in waitlisted and "meet.example.org" not in waitlisted


def test_same_email_gets_the_same_registration(client, open_event):
    from datetime import timedelta

    first = _register(client)
    again = _register(client, email="  ADA@Example.org ", name="Ada L.")
    assert (first.status_code, first.get_json()) == (again.status_code, again.get_json())  # nothing told apart
    assert "Ada" not in again.get_data(as_text=True) and "confirmed" not in again.get_data(as_text=True)
    assert Registration.query.count() == 1
    assert Registration.query.one().name == "Ada Lovelace"
    assert OutboxMessage.query.count() == 1  # its link went out a moment ago: not again within the hour
    registration = Registration.query.one()
    registration.link_mailed_at -= timedelta(hours=1)
    db.session.commit()
    _register(client, email="ada@example.org")
    _register(client, email="ada@example.org")
    assert OutboxMessage.query.count() == 2  # an hour later, once


def test_database_refuses_a_second_seat(app, open_event):
    from sqlalchemy.exc import IntegrityError

    for _ in range(2):
        db.session.add(Registration(event_id=open_event.id, name="x", email="twice@example.org", timezone="UTC",
                                    status=RegistrationStatus.CONFIRMED))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_times_in_the_message_are_in_the_registrants_zone(client, open_event):
    _register(client)
    body = _body(OutboxMessage.query.one())
    start = future_wall(16).replace(tzinfo=ZoneInfo("Asia/Taipei")).astimezone(ZoneInfo("Europe/Amsterdam"))
    offset = start.utcoffset().total_seconds() / 3600
    expected = f"{start:%a} {start.day} {start:%b %Y} {start:%H:%M} (UTC+{offset:02.0f}:00)"
    assert expected in body and "16:00 (UTC+08:00) – 18:00 (Asia/Taipei)" in body


@pytest.mark.parametrize("changes, field, message", [
    ({"email": "not-an-address"}, "email", "is not an e-mail address"),
    ({"timezone": "Mars/Olympus"}, "timezone", "“Mars/Olympus” is not a time zone"),
    ({"name": ""}, "name", "This field is required"),
    ({"language": "tlh"}, "language", "“tlh” is not offered"),
])
def test_bad_fields_are_422_per_field(client, open_event, changes, field, message):
    response = _register(client, **changes)
    assert response.status_code == 422
    assert message in response.get_json()["error"]["fields"][field]
    assert Registration.query.count() == 0 and OutboxMessage.query.count() == 0


def test_closed_events_are_409(client, organiser, open_event):
    make_event(organiser, slug="draft", start=future_wall(16), end=future_wall(18))
    assert _register(client, slug="draft").status_code == 404  # not public at all
    events.change_status(open_event, "cancel")
    response = _register(client)
    assert response.status_code == 409 and "cancelled" in response.get_json()["error"]["message"]
    past = make_event(organiser, slug="past")  # 6 May 2026, before today
    events.change_status(past, "publish")
    assert "over" in _register(client, slug="past").get_json()["error"]["message"]
    assert Registration.query.count() == 0


def test_event_detail_says_whether_registration_is_open(client, open_event):
    state = client.get("/api/v1/events/open").get_json()["registration"]
    assert state == {"open": True, "closed_reason": None, "seats_left": 2, "approval_required": False,
                     "email_confirmation_hours": None}
    _register(client, email="a@example.org")
    _register(client, email="b@example.org")
    assert client.get("/api/v1/events/open").get_json()["registration"]["seats_left"] == 0


def test_a_lost_link_comes_back_after_registration_closed(client, open_event):
    from datetime import timedelta

    from forum import timezones

    assert _register(client).status_code == 202
    Registration.query.one().link_mailed_at -= timedelta(hours=2)
    past = timezones.local_naive(timezones.now_utc() - timedelta(hours=1), "Asia/Taipei")
    events.update_event(open_event, events.EventInput(**{**vars(events.as_input(open_event)),
                                                         "registration_closes": past}))
    again = _register(client)
    newcomer = _register(client, email="late@example.org")
    assert newcomer.status_code == 409 and "Registration closed on" in newcomer.get_json()["error"]["message"]
    assert (again.status_code, again.get_json()) == (409, newcomer.get_json())  # the same answer for both
    assert OutboxMessage.query.filter_by(recipient="ada@example.org").count() == 2  # yet the link went again
