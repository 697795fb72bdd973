"""Every person's calendar agrees with what we last mailed them, through a long
flow and each defect found on the way (tests/support/calendars.py states the
rule), on SQLite and PostgreSQL, with a real SMTP server."""
from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import icalendar
from werkzeug.http import http_date

from forum import mail, timezones
from forum.models import HeldEntry, Invitation, OutboxMessage, OutboxStatus, Registration
from forum.services import agenda, events, registrations, releases, speakers
from forum.services.agenda import SlotInput
from forum.services.errors import Conflict
from forum.services.speakers import SpeakerInput
from tests.support import calendars
from tests.support.factories import future_wall, open_event_for

JOIN = "https://meet.example.org/secret-room"
NEW_JOIN = "https://meet.example.org/new-room"
KATHMANDU = {"name": "Sita Sharma", "email": "sita@kathmandu.example.org", "organisation": "Kathmandu Metropolitan City",
             "city": "Kathmandu", "timezone": "Asia/Kathmandu"}
UTRECHT = {"name": "Wim de Vries", "email": "wim@utrecht.example.org", "city": "Utrecht",
           "timezone": "Europe/Amsterdam"}
DARWIN = {"name": "Kylie Brown", "email": "kylie@darwin.example.org", "timezone": "Australia/Darwin"}


def _slot(event, title, hour, minute=0, minutes=30):
    start = future_wall(hour) + timedelta(minutes=minute)
    return agenda.add_slot(event, SlotInput(title=title, start=start, end=start + timedelta(minutes=minutes),
                                            timezone="Asia/Taipei"))


def _register(client, email, zone):
    response = client.post("/api/v1/events/open/registrations", json={"name": email.split("@")[0], "email": email,
                                                                       "timezone": zone})
    assert response.status_code == 202, response.get_json()


def _speaker_token(smtp_server, email) -> str:
    mail.deliver_due()
    texts = [m.get_body(("plain",)).get_content() for m in smtp_server.messages() if m["To"] == email]
    return re.findall(r"/speakers/([\w-]+)/", "\n".join(texts))[-1]


def _moved(slot, minutes):
    data = agenda.as_input(slot)
    data.start, data.end = data.start + timedelta(minutes=minutes), data.end + timedelta(minutes=minutes)
    return data


def _calendar_messages(smtp_server, email):
    return [r for r in calendars.received(smtp_server)[email].messages if r.method]


def test_the_rule_holds_through_a_long_flow(client, organiser, smtp_server):
    event = open_event_for(organiser, capacity=2)
    opening, keynote, panel = _slot(event, "Opening", 16), _slot(event, "Keynote", 16, 30, 45), \
        _slot(event, "Panel", 17, 15, 45)
    releases.publish_changes(event, organiser)
    check = lambda: calendars.check(client, smtp_server, JOIN)

    _register(client, "toronto@example.org", "America/Toronto")
    assert client.post("/events/open/register", data={
        "name": "Chatham", "email": "chatham@example.org", "timezone": "Pacific/Chatham", "language": "en"}
    ).status_code == 302
    _register(client, "kathmandu@example.org", "Asia/Kathmandu")  # the event is full: the waitlist
    _register(client, "toronto@example.org", "America/Toronto")  # again: a new link, never a second seat
    assert check() == 2

    sita = speakers.add_speaker(event, SpeakerInput(**KATHMANDU))
    wim = speakers.add_speaker(event, SpeakerInput(**UTRECHT))
    kylie = speakers.add_speaker(event, SpeakerInput(**DARWIN))
    for slot, person in ((keynote, sita), (panel, sita), (opening, wim), (panel, kylie)):
        speakers.assign(slot, person, "speaker")
        speakers.send_invitation(person)  # once per slot: every link keeps working
    sita_token = _speaker_token(smtp_server, KATHMANDU["email"])
    keynote_part, panel_part = (Invitation.query.filter_by(slot_id=s.id, speaker_id=sita.id).one()
                                for s in (keynote, panel))
    assert client.post(f"/speakers/{sita_token}/slots/{keynote_part.id}/confirm").status_code == 302
    wanted = timezones.local_naive(timezones.localize(future_wall(17), "Asia/Taipei"), "Asia/Kathmandu")
    assert client.post(f"/speakers/{sita_token}/slots/{panel_part.id}/propose",
                       data={f"p{panel_part.id}-start": wanted.strftime("%Y-%m-%dT%H:%M")}).status_code == 302
    speakers.confirm(wim, wim.invitations[0].id)
    speakers.confirm(kylie, kylie.invitations[0].id)
    speakers.decline(kylie, kylie.invitations[0].id, "A council meeting after all")
    assert check() == 5

    speakers.accept_proposal(panel_part)
    agenda.update_slot(keynote, _moved(keynote, 10))
    retitled = agenda.as_input(opening)
    retitled.title = "Opening remarks"
    agenda.update_slot(opening, retitled)
    check()
    agenda.delete_slot(opening)  # Wim's entry is cancelled
    releases.publish_changes(event, organiser, "New times")
    check()

    data = events.as_input(event)
    data.join_url = NEW_JOIN
    events.update_event(event, data)
    assert check() >= 6
    toronto = Registration.query.filter_by(email="toronto@example.org").one()
    registrations.cancel(toronto)  # the waitlist moves up: Kathmandu gets the seat
    assert Registration.query.filter_by(email="kathmandu@example.org").one().status.value == "confirmed"
    check()

    data = events.as_input(event)
    data.start, data.end = data.start + timedelta(hours=1), data.end + timedelta(hours=1)
    events.update_event(event, data)  # the agenda moves with it
    check()
    events.change_status(event, "unpublish")
    events.change_status(event, "cancel")
    assert check() >= 7
    for email in ("chatham@example.org", "kathmandu@example.org", KATHMANDU["email"]):
        assert {r.method for r in _calendar_messages(smtp_server, email)[-1:]} == {"CANCEL"}


def test_a_cancelled_event_is_cancelled_in_the_speakers_feed_too(client, organiser, smtp_server):
    event = open_event_for(organiser)
    talk = _slot(event, "Talk", 16)
    sita = speakers.add_speaker(event, SpeakerInput(**KATHMANDU))
    speakers.assign(talk, sita, "speaker")
    speakers.send_invitation(sita)
    token = _speaker_token(smtp_server, KATHMANDU["email"])
    speakers.confirm(sita, sita.invitations[0].id)
    events.change_status(event, "cancel")
    mail.deliver_due()
    cancel = _calendar_messages(smtp_server, KATHMANDU["email"])[-1]
    assert cancel.method == "CANCEL"
    (entry,) = icalendar.Calendar.from_ical(client.get(f"/speakers/{token}/calendar.ics").data).walk("VEVENT")
    assert str(entry["STATUS"]) == "CANCELLED" and int(entry["SEQUENCE"]) == cancel.entry.sequence
    assert JOIN not in entry.to_ical().decode()
    assert [e.action for e in sita.invitations[0].log][-1] == "event cancelled"  # the board's history says why


def test_a_new_join_link_reaches_confirmed_speakers(client, organiser, smtp_server):
    event = open_event_for(organiser, capacity=None)
    talk = _slot(event, "Talk", 16)
    _register(client, "toronto@example.org", "America/Toronto")
    sita = speakers.add_speaker(event, SpeakerInput(**KATHMANDU))
    speakers.assign(talk, sita, "speaker")
    speakers.send_invitation(sita)
    speakers.confirm(sita, sita.invitations[0].id)
    mail.deliver_due()
    smtp_server.received.clear()
    data = events.as_input(event)
    data.join_url = NEW_JOIN
    events.update_event(event, data)
    mail.deliver_due()
    updates = {m["To"]: m for m in smtp_server.messages()}
    assert sorted(updates) == [KATHMANDU["email"], "toronto@example.org"]
    for message in updates.values():
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        (vevent,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
        assert str(vevent["LOCATION"]) == NEW_JOIN and int(vevent["SEQUENCE"]) == 1
        assert "joining details" in message.get_body(("plain",)).get_content()


def test_after_a_mail_outage_a_cancelled_seat_gets_no_invitation(client, organiser, smtp_server):
    open_event_for(organiser)
    smtp_server.stop()
    _register(client, "toronto@example.org", "America/Toronto")
    assert mail.deliver_due().retrying == 1  # the invitation waits for a retry
    registrations.cancel(Registration.query.one())
    smtp_server.start()
    mail.deliver_due()  # the CANCEL is due now; the invitation only in a minute
    report = mail.deliver_due(timezones.now_utc() + timedelta(hours=1))
    assert report.superseded == 1 and report.sent == 0
    (cancel,) = _calendar_messages(smtp_server, "toronto@example.org")
    assert cancel.method == "CANCEL" and cancel.entry.sequence == 1
    rows = OutboxMessage.query.order_by(OutboxMessage.id).all()
    assert [r.status for r in rows] == [OutboxStatus.SUPERSEDED, OutboxStatus.SENT]


def test_accepting_a_proposal_on_a_published_event_is_one_message(client, organiser, smtp_server):
    event = open_event_for(organiser)
    panel = _slot(event, "Panel", 16)
    releases.publish_changes(event, organiser)
    sita, wim = (speakers.add_speaker(event, SpeakerInput(**p)) for p in (KATHMANDU, UTRECHT))
    for person in (sita, wim):
        speakers.assign(panel, person, "panelist")
        speakers.send_invitation(person)
    speakers.confirm(wim, wim.invitations[0].id)
    mail.deliver_due()
    start = timezones.localize(future_wall(17), "Asia/Taipei")
    speakers.propose(sita, sita.invitations[0].id, timezones.local_naive(start, "Asia/Kathmandu"))
    speakers.accept_proposal(sita.invitations[0])
    release = releases.publish_changes(event, organiser)
    mail.deliver_due()
    moved = [r for r in _calendar_messages(smtp_server, UTRECHT["email"])]
    assert [(r.method, r.entry.sequence) for r in moved] == [("REQUEST", 0), ("REQUEST", 1)]
    assert moved[-1].entry.start == start and release.notified == 0
    assert calendars.check(client, smtp_server, JOIN) == 2


def test_the_download_is_not_a_stale_304_after_the_event_moves(client, organiser, smtp_server):
    event = open_event_for(organiser)
    _register(client, "toronto@example.org", "America/Toronto")
    mail.deliver_due()
    token = calendars.received(smtp_server)["toronto@example.org"].registration_tokens[-1]
    hour_ago = timezones.now_utc() - timedelta(hours=1)  # registered an hour before the move
    registration = Registration.query.one()
    registration.created_at = registration.status_changed_at = event.updated_at = hour_ago
    HeldEntry.query.one().sent_at = hour_ago
    events.db.session.commit()
    first = client.get(f"/registrations/{token}/event.ics")
    data = events.as_input(event)
    data.start, data.end = data.start + timedelta(hours=1), data.end + timedelta(hours=1)
    events.update_event(event, data)
    since = http_date(first.last_modified)
    after = client.get(f"/registrations/{token}/event.ics", headers={"If-Modified-Since": since})
    assert after.status_code == 200  # the download changed: never a 304 with the old times
    assert after.last_modified is None or after.last_modified > first.last_modified  # none while that second lasts
    (vevent,) = icalendar.Calendar.from_ical(after.data).walk("VEVENT")
    assert vevent.decoded("DTSTART") == (future_wall(16) + timedelta(hours=1)).replace(tzinfo=ZoneInfo("Asia/Taipei"))
    again = client.get(f"/registrations/{token}/event.ics", headers={"If-None-Match": after.headers["ETag"]})
    assert again.status_code == 304


def test_links_in_earlier_e_mails_keep_working(client, organiser, smtp_server):
    event = open_event_for(organiser)
    sita = speakers.add_speaker(event, SpeakerInput(**KATHMANDU))
    for slot in (_slot(event, "Keynote", 16), _slot(event, "Panel", 17)):
        speakers.assign(slot, sita, "speaker")
        speakers.send_invitation(sita)
    speakers.send_reminders(timezones.now_utc() + timedelta(days=4))
    mail.deliver_due()
    texts = [m.get_body(("plain",)).get_content() for m in smtp_server.messages()]
    links = [re.search(r"/speakers/([\w-]+)/", t).group(1) for t in texts]
    assert len(set(links)) == 3
    assert [client.get(f"/speakers/{link}/").status_code for link in links] == [200, 200, 200]


def test_an_accepted_proposal_stays_within_the_events_hours(client, organiser, smtp_server):
    event = open_event_for(organiser)  # 16:00-18:00 Taipei
    panel = _slot(event, "Panel", 16)
    sita = speakers.add_speaker(event, SpeakerInput(**KATHMANDU))
    speakers.assign(panel, sita, "speaker")
    speakers.send_invitation(sita)
    token = _speaker_token(smtp_server, KATHMANDU["email"])
    part = sita.invitations[0]
    early = timezones.local_naive(timezones.localize(future_wall(8) + timedelta(minutes=30), "Asia/Taipei"),
                                  "Asia/Kathmandu")
    refused = client.post(f"/speakers/{token}/slots/{part.id}/propose",
                          data={f"p{part.id}-start": early.strftime("%Y-%m-%dT%H:%M")})
    assert refused.status_code == 422 and "outside the event&#39;s hours" in refused.get_data(as_text=True)
    start = timezones.localize(future_wall(17), "Asia/Taipei")
    speakers.propose(sita, part.id, timezones.local_naive(start, "Asia/Kathmandu"))
    data = events.as_input(event)
    data.end = future_wall(17)  # the event now ends before the proposed time
    data.move_agenda = False
    events.update_event(event, data)
    try:
        speakers.accept_proposal(part)
    except Conflict as error:
        assert "outside the event's hours" in error.message
    else:
        raise AssertionError("a proposal outside the event's hours was accepted")
    assert panel.start_utc == timezones.localize(future_wall(16), "Asia/Taipei")


def test_moving_the_event_moves_its_published_agenda_at_once(client, organiser):
    event = open_event_for(organiser)
    _slot(event, "Opening", 16)
    releases.publish_changes(event, organiser)
    renamed = agenda.as_input(event.slots[0])
    renamed.title = "Draft title"
    agenda.update_slot(event.slots[0], renamed)  # a draft edit that stays a draft
    data = events.as_input(event)
    data.start, data.end = data.start + timedelta(hours=2), data.end + timedelta(hours=2)
    events.update_event(event, data)
    (slot,) = client.get("/api/v1/events/open").get_json()["slots"]
    assert slot["start_utc"] == timezones.utc_isoformat(event.start_utc) and slot["title"] == "Opening"
    assert [c["kind"] for c in releases.pending_changes(event)] == ["changed"]  # the rename is still pending
    assert releases.latest(event).comment == "The event moved, and its agenda with it."


def test_the_demo_names_each_organisation_once(app, client):
    from forum.services import demo

    demo.load_demo(upcoming=True)
    page = client.get("/api/v1/events/smart-tech-fighting-covid-19").get_json()
    names = [s["name"] for slot in page["slots"] for s in slot["speakers"]]
    assert "Deputy Spokesperson" in names
    assert not any("Taipei City Government" in name for name in names)


def test_mail_parts_read_back_as_one_message_per_uid(client, organiser, smtp_server):
    """The helper itself: a message's calendar part is parsed, not guessed."""
    open_event_for(organiser)
    _register(client, "toronto@example.org", "America/Toronto")
    mail.deliver_due()
    (envelope,) = smtp_server.received
    message = message_from_bytes(envelope.original_content, policy=policy.default)
    (item,) = calendars.received(smtp_server)["toronto@example.org"].messages
    assert item.method == "REQUEST" and item.entry.uid == Registration.query.one().uid
    assert item.subject == message["Subject"] and JOIN in item.text
