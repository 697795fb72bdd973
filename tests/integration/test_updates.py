"""Changes that must reach calendars: the event cancelled, reminders before it starts."""
from __future__ import annotations

from datetime import timedelta

import icalendar

from forum import mail
from forum.services import agenda, events, speakers
from forum.services.agenda import SlotInput
from forum.services.speakers import SpeakerInput
from tests.conftest import future_wall, open_event_for


def _calendar(message):
    part = next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)
    if part is None:
        return None, None
    (vevent,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    return part.get_param("method"), vevent


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
        method, vevent = _calendar(message)
        if method == "REQUEST":
            sent_before[str(vevent["UID"])] = int(vevent["SEQUENCE"])
    smtp_server.received.clear()

    events.change_status(event, "cancel")
    mail.deliver_due()
    messages = smtp_server.messages()
    assert sorted(m["To"] for m in messages) == ["a@example.org", "b@example.org", "wim@example.org"]
    for message in messages:
        method, vevent = _calendar(message)
        assert method == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED"
        assert int(vevent["SEQUENCE"]) > sent_before[str(vevent["UID"])]
        assert "meet.example.org" not in message.get_body(("plain",)).get_content()
