"""Personal data goes when it should: an attendee deleting their registration,
an organiser erasing a person, and the retention purge of past events.

"Gone" is checked generically: every text and binary column of every table
(from the models' metadata, MIME messages decoded) is searched for the
person's address, name, organisation and city, so a table added later is
covered without a word here."""
from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from sqlalchemy import LargeBinary, String, select, update

from forum import mail, timezones
from forum.extensions import db
from forum.models import Event, HeldEntry, OutboxMessage, OutboxStatus, Registration, Speaker
from forum.services import accounts, agenda, privacy, registrations, releases, speakers
from forum.services.agenda import SlotInput
from forum.services.speakers import SpeakerInput
from tests.support.factories import future_wall, open_event_for
from tests.support.ical import calendar_part
from tests.support.mail import mailed_link
from tests.support.web import login

ZEPHYRINE = {"name": "Zephyrine Quillfeather", "email": "zephyrine@example.org", "organisation": "Quillworks",
             "city": "Thimphu", "country": "Bhutan", "timezone": "Asia/Thimphu"}
NEXT = {"name": "Next Inline", "email": "next@example.org", "country": "NL", "timezone": "Europe/Amsterdam"}


def _register(client, slug: str, person: dict) -> Registration:
    assert client.post(f"/api/v1/events/{slug}/registrations", json=person).status_code == 202
    return Registration.query.filter_by(email=person["email"]).one()


def _readable(value) -> str:
    """A column's value as text; an e-mail's bytes also with every header and
    part decoded (base64 and quoted-printable hide what the raw bytes hold)."""
    if not isinstance(value, bytes):
        return str(value)
    message = message_from_bytes(value, policy=policy.default)
    parts = [value.decode("utf-8", "replace"), *map(str, message.values())]
    parts += [payload.decode("utf-8", "replace") for part in message.walk()
              if (payload := part.get_payload(decode=True))]
    return "\n".join(parts)


def _mentions(*needles: str) -> list[tuple[str, str, dict]]:
    """(table, column, row) of every text or binary value in the database holding one of `needles`."""
    db.session.expire_all()
    wanted = [needle.lower() for needle in needles]
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(getattr(c.type, "impl", c.type), (String, LargeBinary))]
        for row in db.session.execute(select(table)).mappings():
            for column in columns:
                value = row[column.name]
                if value is not None and any(needle in _readable(value).lower() for needle in wanted):
                    found.append((table.name, column.name, dict(row)))
    return found


def _personal(person: dict) -> list[str]:
    return [person[key] for key in ("email", "name", "organisation", "city") if key in person]


def _owed_cancel_only(person: dict, uid: str) -> OutboxMessage:
    """What may still hold the person: only the CANCEL waiting to go to them, marked to be erased once sent."""
    found = _mentions(*_personal(person))
    assert {(table, column) for table, column, _ in found} <= {("outbox_messages", "recipient"),
                                                               ("outbox_messages", "message")}, found
    (row_id,) = {row["id"] for _, _, row in found}
    message = db.session.get(OutboxMessage, row_id)
    assert (message.kind, message.status, message.erase_after_sending) == (
        "registration-cancelled", OutboxStatus.WAITING, True)
    method, vevent = calendar_part(message_from_bytes(message.message, policy=policy.default))
    assert (method, str(vevent["UID"])) == ("CANCEL", uid)
    return message


def _delivered_cancel(smtp_server, email: str, uid: str) -> None:
    mail.deliver_due()
    cancels = [calendar_part(m) for m in smtp_server.messages() if m["To"] == email]
    assert ("CANCEL", uid) in [(method, str(vevent["UID"])) for method, vevent in cancels if method]


def _seat_full_with_a_queue(client, organiser, smtp_server) -> tuple[Event, Registration, Registration]:
    """One seat, Zephyrine in it, Next waiting; their mail sent; a reminder for Zephyrine not yet."""
    event = open_event_for(organiser, capacity=1)
    zephyrine, waiting = _register(client, "open", ZEPHYRINE), _register(client, "open", NEXT)
    assert (zephyrine.status.value, waiting.status.value) == ("confirmed", "waitlisted")
    mail.deliver_due()
    assert registrations.send_reminders(now=event.start_utc - timedelta(hours=12)) == 1
    return event, zephyrine, waiting


def test_attendee_deletes_their_registration_and_personal_data(app, client, organiser, smtp_server):
    event, zephyrine, _waiting = _seat_full_with_a_queue(client, organiser, smtp_server)
    uid, token = zephyrine.uid, mailed_link(ZEPHYRINE["email"])
    held = {(table, column) for table, column, _ in _mentions(*_personal(ZEPHYRINE))}
    assert {("registrations", "email"), ("registrations", "city"), ("held_entries", "name"),
            ("outbox_messages", "recipient"), ("outbox_messages", "message")} <= held  # the search finds them
    page = client.get(f"/registrations/{token}/").get_data(as_text=True)
    assert f"/registrations/{token}/delete" in page

    asked = client.get(f"/registrations/{token}/delete")  # the confirmation step: a GET changes nothing
    assert asked.status_code == 200 and "Yes, delete my registration and data" in asked.get_data(as_text=True)
    assert Registration.query.filter_by(email=ZEPHYRINE["email"]).one().status.value == "confirmed"
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/registrations/{token}/delete").status_code == 400  # no CSRF token
    app.config["WTF_CSRF_ENABLED"] = False
    assert Registration.query.filter_by(email=ZEPHYRINE["email"]).count() == 1

    done = client.post(f"/registrations/{token}/delete", follow_redirects=True)
    assert done.request.path == "/events/open/"
    assert "your personal data are deleted" in done.get_data(as_text=True)
    for path in ("", "calendar.ics", "event.ics", "delete"):
        gone = client.get(f"/registrations/{token}/{path}")
        assert gone.status_code == 404 and "registration link is not known" in gone.get_data(as_text=True)

    assert Registration.query.filter_by(email=NEXT["email"]).one().status.value == "confirmed"
    assert not OutboxMessage.query.filter(OutboxMessage.kind.startswith("reminder-")).count()  # dropped unsent
    _owed_cancel_only(ZEPHYRINE, uid)
    _delivered_cancel(smtp_server, ZEPHYRINE["email"], uid)
    assert [m["Subject"] for m in smtp_server.messages() if m["To"] == NEXT["email"]][-1].startswith("Invitation")
    assert _mentions(*_personal(ZEPHYRINE)) == []
    assert privacy.counts(event).by_status == {"pending": 0, "confirmed": 1, "waitlisted": 0, "held": 0,
                                                "cancelled": 1}


def test_organiser_erases_a_person_and_only_their_own_organisers_can(app, client, organiser, smtp_server):
    _event, zephyrine, waiting = _seat_full_with_a_queue(client, organiser, smtp_server)
    uid, token = zephyrine.uid, mailed_link(ZEPHYRINE["email"])
    path = f"/organiser/events/open/registrations/{zephyrine.id}/erase"
    bob = accounts.create_organiser("bob@example.org", "battery staple", "Bob")
    others = app.test_client()
    login(others, "bob@example.org", "battery staple")
    assert others.get(path).status_code == 404 and others.post(path).status_code == 404
    bob_api = {"Authorization": f"Bearer {accounts.issue_api_token(bob)}"}
    api_path = f"/api/v1/events/open/registrations/{zephyrine.id}"
    assert client.delete(api_path, headers=bob_api).status_code == 404
    assert client.delete(api_path).status_code == 401
    assert Registration.query.filter_by(email=ZEPHYRINE["email"]).one().status.value == "confirmed"

    login(client)
    listing = client.get("/organiser/events/open/registrations").get_data(as_text=True)
    assert f'href="{path}"' in listing
    asked = client.get(path)
    assert asked.status_code == 200 and "Zephyrine Quillfeather" in asked.get_data(as_text=True)
    assert Registration.query.filter_by(email=ZEPHYRINE["email"]).count() == 1
    done = client.post(path, follow_redirects=True)
    assert done.request.path == "/organiser/events/open/registrations"
    assert "personal data are erased" in done.get_data(as_text=True)
    assert client.get(f"/registrations/{token}/").status_code == 404
    assert client.get(path).status_code == 404
    assert Registration.query.filter_by(email=NEXT["email"]).one().status.value == "confirmed"
    owed = _owed_cancel_only(ZEPHYRINE, uid)
    assert "organisers have cancelled" in _readable(owed.message)
    _delivered_cancel(smtp_server, ZEPHYRINE["email"], uid)
    assert _mentions(*_personal(ZEPHYRINE)) == []

    ada_api = {"Authorization": f"Bearer {accounts.issue_api_token(organiser)}"}
    waiting_path = f"/api/v1/events/open/registrations/{waiting.id}"
    next_uid = waiting.uid
    assert client.delete(waiting_path, headers=ada_api).status_code == 204
    assert client.delete(waiting_path, headers=ada_api).status_code == 404
    _owed_cancel_only(NEXT, next_uid)
    _delivered_cancel(smtp_server, NEXT["email"], next_uid)
    assert _mentions(*_personal(NEXT)) == []
    counted = client.get("/organiser/events/open/registrations").get_data(as_text=True)
    assert "<strong>2</strong> cancelled" in counted
    assert client.get("/api/v1/events/open/registrations", headers=ada_api).get_json()["counts"]["cancelled"] == 2


def test_erasing_a_cancelled_registration_sends_nothing_more(client, organiser, smtp_server):
    open_event_for(organiser, capacity=5)
    person = _register(client, "open", ZEPHYRINE)
    registrations.cancel(person)
    mail.deliver_due()
    sent = len(smtp_server.messages())
    token = mailed_link(ZEPHYRINE["email"])
    assert client.post(f"/registrations/{token}/delete").status_code == 302
    assert _mentions(*_personal(ZEPHYRINE)) == []  # the CANCEL went before: nothing is owed any more
    mail.deliver_due()
    assert len(smtp_server.messages()) == sent


# Retention -------------------------------------------------------------------

PAST_PEOPLE = [
    {"name": "Pat Pastperson", "email": "pat@example.org", "organisation": "Oldworks Ltd", "city": "Heerlen",
     "country": "NL", "timezone": "Europe/Amsterdam"},
    {"name": "Quinn Formerly", "email": "quinn@example.org", "city": "Alice Springs", "country": "AU",
     "timezone": "Australia/Darwin"},
    {"name": "Rin Waitedlong", "email": "rin@example.org", "country": "NL", "timezone": "Europe/Amsterdam"},
]
SPEAKER = {"name": "Wim Speakerman", "email": "wim@example.org", "timezone": "Europe/Amsterdam"}
FUTURE_PERSON = {"name": "Fay Future", "email": "fay@example.org", "timezone": "Asia/Taipei"}


@pytest.fixture
def past_and_future(client, organiser, smtp_server):
    """An event that ended 40 days ago (two seats taken, one waiting, a
    confirmed speaker, all mail sent) and one half a year ahead."""
    past = open_event_for(organiser, slug="past", capacity=2)
    slot = agenda.add_slot(past, SlotInput(title="Keynote", start=future_wall(16), end=future_wall(17),
                                           timezone="Asia/Taipei"))
    releases.publish_changes(past, organiser)
    speaker = speakers.add_speaker(past, SpeakerInput(**SPEAKER, role_title="Mayor"))
    invitation = speakers.assign(slot, speaker, "speaker")
    speakers.send_invitation(speaker)
    speakers.confirm(speaker, invitation.id)
    for person in PAST_PEOPLE:
        _register(client, "past", person)
    open_event_for(organiser, slug="future", capacity=5)
    _register(client, "future", FUTURE_PERSON)
    mail.deliver_due()
    tokens = {"registrant": mailed_link("pat@example.org"), "speaker": mailed_link(SPEAKER["email"], "speakers"),
              "future": mailed_link(FUTURE_PERSON["email"])}
    shift = timezones.now_utc() - timedelta(days=40) - past.end_utc  # time passes: the event is over
    db.session.execute(update(Event).where(Event.id == past.id)
                       .values(start_utc=past.start_utc + shift, end_utc=past.end_utc + shift))
    db.session.commit()
    return past, tokens


def _snapshot() -> dict[str, list]:
    db.session.expire_all()
    return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables}


def _future_rows() -> list:
    future = Event.query.filter_by(slug="future").one()
    return [sorted(map(repr, db.session.execute(select(model.__table__).where(model.event_id == future.id)).all()))
            for model in (Registration, HeldEntry, OutboxMessage)]


def _purge(runner, *args):
    db.session.commit()  # the command runs in its own session
    result = runner.invoke(args=["retention", "purge", *args])
    db.session.expire_all()
    return result


def test_purge_erases_past_events_and_keeps_their_counts(client, runner, organiser, past_and_future):
    past, tokens = past_and_future
    counted = privacy.counts(past)
    assert counted.by_status == {"pending": 0, "confirmed": 2, "waitlisted": 1, "held": 0, "cancelled": 0}
    future_before, everything = _future_rows(), _snapshot()

    too_recent = _purge(runner, "--older-than", "50")
    assert too_recent.exit_code == 0 and "0 event(s) purged" in too_recent.output
    dry = _purge(runner, "--older-than", "30", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would erase past" in dry.output and "3 registration(s), 1 speaker(s)" in dry.output
    assert "4 person(s) would be erased; nothing was changed" in dry.output
    assert _snapshot() == everything

    done = _purge(runner, "--older-than", "30")
    assert done.exit_code == 0, done.output
    assert "Erased past" in done.output and "1 event(s) purged, 4 person(s) erased" in done.output
    people = [value for person in PAST_PEOPLE for value in _personal(person)]
    assert _mentions(*people, SPEAKER["email"]) == []
    assert privacy.counts(past) == counted
    login(client)
    page = client.get("/organiser/events/past/registrations").get_data(as_text=True)
    assert "<strong>2</strong> confirmed" in page and "<strong>1</strong> waitlisted" in page
    assert "<td>NL</td><td>2</td>" in page and "<td>Australia/Darwin</td><td>1</td>" in page
    assert client.get(f"/registrations/{tokens['registrant']}/").status_code == 404
    assert client.get(f"/speakers/{tokens['speaker']}/").status_code == 404
    assert Speaker.query.filter_by(name=SPEAKER["name"], role_title="Mayor").count() == 1  # still on the agenda
    assert SPEAKER["name"] in client.get("/events/past/speakers").get_data(as_text=True)
    assert "(personal data erased)" in client.get("/organiser/events/past/outbox").get_data(as_text=True)

    assert _future_rows() == future_before
    assert client.get(f"/registrations/{tokens['future']}/").status_code == 200

    purged = _snapshot()
    again = _purge(runner, "--older-than", "0")
    assert again.exit_code == 0 and "0 event(s) purged, 0 person(s) erased" in again.output
    assert _snapshot() == purged


@pytest.mark.parametrize("days", ["-1", "abc", "1.5", "99999999999999999999", ""])
def test_purge_refuses_what_is_not_a_number_of_days(runner, organiser, past_and_future, days):
    everything = _snapshot()
    result = _purge(runner, f"--older-than={days}")
    assert result.exit_code == 2
    assert "Invalid value for --older-than" in result.output and "not a number of days" in result.output
    assert _snapshot() == everything


def test_purge_needs_older_than(runner, app):
    result = _purge(runner)
    assert result.exit_code == 2 and "Missing option '--older-than'" in result.output
