"""Changes that must reach calendars: the event cancelled, reminders before it starts."""
from __future__ import annotations

from datetime import timedelta

from forum import mail
from forum.services import agenda, events, speakers
from forum.services.agenda import SlotInput
from forum.services.speakers import SpeakerInput
from tests.support.factories import future_wall, open_event_for
from tests.support.ical import calendar_part


def _register(client, email):
    return client.post("/api/v1/events/open/registrations",
                       json={"name": email, "email": email, "timezone": "Europe/Amsterdam"}).get_json()


def test_cancelling_the_event_cancels_everything_sent(client, organiser, smtp_server):
    event = open_event_for(organiser, capacity=2)
    slot = agenda.add_slot(event, SlotInput(title="Talk", start=future_wall(16), end=future_wall(17),
                                            timezone="Asia/Taipei"))
    for email in ("a@example.org", "b@example.org", "waiting@example.org"):
        _register(client, email)
    confirmed = speakers.add_speaker(event, SpeakerInput(name="Wim", email="wim@example.org", timezone="UTC"))
    invited = speakers.add_speaker(event, SpeakerInput(name="Kim", email="kim@example.org", timezone="UTC"))
    invitation = speakers.assign(slot, confirmed, "speaker")
    speakers.assign(slot, invited, "panelist")
    speakers.send_invitation(confirmed)
    speakers.send_invitation(invited)
    speakers.confirm(confirmed, invitation.id)
    mail.deliver_due()
    sent_before = {}
    for message in smtp_server.messages():
        method, vevent = calendar_part(message)
        if method == "REQUEST":
            sent_before[str(vevent["UID"])] = int(vevent["SEQUENCE"])
    smtp_server.received.clear()

    events.change_status(event, "cancel")
    mail.deliver_due()
    messages = smtp_server.messages()
    assert sorted(m["To"] for m in messages) == ["a@example.org", "b@example.org", "wim@example.org"]
    for message in messages:
        method, vevent = calendar_part(message)
        assert method == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED"
        assert int(vevent["SEQUENCE"]) > sent_before[str(vevent["UID"])]
        assert "meet.example.org" not in message.get_body(("plain",)).get_content()


def test_reminders_a_day_and_an_hour_before_never_twice(client, organiser, smtp_server, runner):
    from forum import timezones
    from forum.models import Registration
    from forum.services import registrations

    event = open_event_for(organiser, capacity=1)
    for email in ("a@example.org", "waiting@example.org", "gone@example.org"):
        _register(client, email)
    start = event.start_utc
    mail.deliver_due()
    smtp_server.received.clear()

    assert registrations.send_reminders(start - timedelta(days=2)) == 0
    assert registrations.send_reminders(start - timedelta(hours=23)) == 1
    assert registrations.send_reminders(start - timedelta(hours=22)) == 0  # never twice
    assert registrations.send_reminders(start - timedelta(minutes=50)) == 1
    assert registrations.send_reminders(start - timedelta(minutes=10)) == 0
    assert registrations.send_reminders(start + timedelta(minutes=10)) == 0
    mail.deliver_due()
    messages = smtp_server.messages()
    assert [m["To"] for m in messages] == ["a@example.org"] * 2  # not the waitlist
    day, hour = (m.get_body(("plain",)).get_content() for m in messages)
    assert messages[0]["Subject"] == "Reminder: Smart City Forum starts tomorrow"
    assert messages[1]["Subject"] == "Reminder: Smart City Forum starts in an hour"
    local = timezones.format_datetime(start, "Europe/Amsterdam")
    assert local in day and "https://meet.example.org/secret-room" in hour
    assert Registration.query.filter_by(email="a@example.org").one().reminded_hour_at is not None


def test_reminders_respect_the_organiser_and_cancellations(client, organiser, smtp_server):
    from forum.services import registrations

    event = open_event_for(organiser, capacity=None)
    event.remind_day_before = False
    events.db.session.commit()
    _register(client, "late@example.org")
    _register(client, "cancels@example.org")
    registrations.cancel(registrations.listing(event, "cancels")[0][0])
    start = event.start_utc
    assert registrations.send_reminders(start - timedelta(hours=20)) == 0  # day reminder turned off
    assert registrations.send_reminders(start - timedelta(minutes=30)) == 1  # only the confirmed one
    events.change_status(event, "cancel")
    event2 = open_event_for(organiser, slug="second", capacity=None)
    client.post("/api/v1/events/second/registrations",
                json={"name": "x", "email": "x@example.org", "timezone": "UTC"})
    events.change_status(event2, "cancel")
    assert registrations.send_reminders(event2.start_utc - timedelta(minutes=30)) == 0  # cancelled event


def test_moving_the_event_updates_each_seats_entry(client, organiser, smtp_server):
    from zoneinfo import ZoneInfo

    event = open_event_for(organiser, capacity=1)
    _register(client, "a@example.org")
    _register(client, "waiting@example.org")
    mail.deliver_due()
    before = {m["To"]: calendar_part(m) for m in smtp_server.messages()}
    smtp_server.received.clear()
    data = events.as_input(event)
    data.start, data.end = data.start + timedelta(hours=1), data.end + timedelta(hours=1)
    events.update_event(event, data)
    mail.deliver_due()
    (message,) = smtp_server.messages()
    method, vevent = calendar_part(message)
    assert message["To"] == "a@example.org" and method == "REQUEST"
    assert str(vevent["UID"]) == str(before["a@example.org"][1]["UID"])
    assert int(vevent["SEQUENCE"]) == int(before["a@example.org"][1]["SEQUENCE"]) + 1
    assert vevent.decoded("DTSTART") == (future_wall(16) + timedelta(hours=1)).replace(tzinfo=ZoneInfo("Asia/Taipei"))
    assert "Updated invitation" in message["Subject"] and "The time of" in message.get_body(("plain",)).get_content()
    smtp_server.received.clear()
    data = events.as_input(event)
    data.description = "Only the description changes"
    events.update_event(event, data)
    mail.deliver_due()
    assert smtp_server.messages() == []  # nothing a calendar shows
