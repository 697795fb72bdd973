"""Schedule releases end to end: drafts stay private until "Publish changes";
each release reaches each affected person once, with the right METHOD and
SEQUENCE, in their own zone; the unaffected receive nothing."""
from __future__ import annotations

import threading
from datetime import timedelta

import icalendar
import pytest

from forum import create_app, mail, timezones
from forum.extensions import db
from forum.models import Event, Release
from forum.services import agenda, releases, speakers
from forum.services.agenda import SlotInput
from forum.services.errors import Conflict
from forum.services.speakers import SpeakerInput
from tests.support.app import app_config
from tests.support.factories import future_wall, open_event_for
from tests.support.ical import calendar_part
from tests.support.web import login


@pytest.fixture
def forum(organiser, client, smtp_server):
    """Published with three slots, two confirmed attendees, one waitlisted, a
    confirmed speaker on the first slot and another on the second."""
    event = open_event_for(organiser, capacity=2)
    for hour, title in ((16, "Opening"), (17, "Panel"), (17, "Parallel demo")):
        agenda.add_slot(event, SlotInput(title=title, start=future_wall(hour), end=future_wall(hour) + timedelta(minutes=30),
                                         timezone="Asia/Taipei", track="B" if title == "Parallel demo" else ""))
    for email, zone in (("ams@example.org", "Europe/Amsterdam"), ("ny@example.org", "America/New_York"),
                        ("late@example.org", "UTC")):
        client.post("/api/v1/events/open/registrations", json={"name": email, "email": email, "timezone": zone})
    for slot, email in zip(event.slots[:2], ("first@example.org", "second@example.org"), strict=False):
        speaker = speakers.add_speaker(event, SpeakerInput(name=email, email=email, timezone="Asia/Seoul"))
        invitation = speakers.assign(slot, speaker, "speaker")
        speakers.send_invitation(speaker)
        speakers.confirm(speaker, invitation.id)
    releases.publish_changes(event, organiser)
    mail.deliver_due()
    smtp_server.received.clear()
    return event


def _sent(smtp_server):
    mail.deliver_due()
    messages = smtp_server.messages()
    smtp_server.received.clear()
    return messages


def _slot(event, title):
    return next(slot for slot in event.slots if slot.title == title)


def _move(slot, minutes):
    data = agenda.as_input(slot)
    data.start, data.end = data.start + timedelta(minutes=minutes), data.end + timedelta(minutes=minutes)
    agenda.update_slot(slot, data)


def test_drafts_stay_private_until_published(client, forum):
    opening = _slot(forum, "Opening")
    _move(opening, 30)
    page = client.get("/events/open/?tz=Asia/Taipei").get_data(as_text=True)
    assert f"{future_wall(16):%H:%M}" in page and f"{future_wall(16) + timedelta(minutes=30):%H:%M}–" not in page
    api = client.get("/api/v1/events/open").get_json()
    assert api["slots"][0]["start_utc"] == timezones.utc_isoformat(
        timezones.localize(future_wall(16), "Asia/Taipei"))


def test_moving_one_slot_tells_each_person_once_in_their_zone(client, forum, smtp_server):
    opening = _slot(forum, "Opening")
    _move(opening, 30)
    release = releases.publish_changes(forum, None, "Opening starts later")
    messages = _sent(smtp_server)
    recipients = sorted(m["To"] for m in messages)
    assert recipients == ["ams@example.org", "first@example.org", "ny@example.org"]  # not the waitlist, not "second"
    by_to = {m["To"]: m for m in messages}
    text = by_to["ams@example.org"].get_body(("plain",)).get_content()
    old = timezones.localize(future_wall(16), "Asia/Taipei")
    new = old + timedelta(minutes=30)
    expected = (f"moved from {timezones.format_datetime(old, 'Europe/Amsterdam')} – "
                f"{timezones.format_time(old + timedelta(minutes=30), 'Europe/Amsterdam')} to "
                f"{timezones.format_datetime(new, 'Europe/Amsterdam')}")
    assert expected in text and "your time, Europe/Amsterdam" in text and "Opening starts later" in text
    assert calendar_part(by_to["ams@example.org"]) == (None, None)  # attendees: a summary, the feed updates
    method, vevent = calendar_part(by_to["first@example.org"])
    assert method == "REQUEST" and int(vevent["SEQUENCE"]) == 1 and vevent.decoded("DTSTART") == new
    assert release.number == 3 and release.notified == 2  # the speaker heard when the slot moved

    feed = icalendar.Calendar.from_ical(client.get("/events/open/calendar.ics").data)
    moved = next(e for e in feed.walk("VEVENT") if str(e["UID"]) == opening.uid)
    assert moved.decoded("DTSTART") == new and int(moved["SEQUENCE"]) == 1


def test_many_changes_are_one_message_per_attendee_and_one_per_slot_per_speaker(client, forum, smtp_server):
    opening, panel, demo = (_slot(forum, t) for t in ("Opening", "Panel", "Parallel demo"))
    _move(opening, 60)
    _move(panel, 60)
    agenda.delete_slot(demo)
    releases.publish_changes(forum, None)
    messages = _sent(smtp_server)
    assert sorted(m["To"] for m in messages) == [
        "ams@example.org", "first@example.org", "ny@example.org", "second@example.org"]
    text = next(m for m in messages if m["To"] == "ny@example.org").get_body(("plain",)).get_content()
    assert text.count("moved from") == 2 and "Removed: “Parallel demo”" in text


def test_removing_a_slot_cancels_its_speakers_entry(client, forum, smtp_server):
    second = _slot(forum, "Panel")
    uid = second.invitations[0].uid
    agenda.delete_slot(second)
    releases.publish_changes(forum, None)
    messages = {m["To"]: m for m in _sent(smtp_server)}
    method, vevent = calendar_part(messages["second@example.org"])
    assert method == "CANCEL" and str(vevent["UID"]) == uid and int(vevent["SEQUENCE"]) >= 1
    assert str(vevent["STATUS"]) == "CANCELLED" and "first@example.org" not in messages


def test_a_speaker_added_reaches_attendees_not_other_speakers(client, forum, smtp_server):
    panel = _slot(forum, "Panel")
    newcomer = speakers.add_speaker(forum, SpeakerInput(name="Kim", email="kim@example.org", timezone="Asia/Seoul"))
    invitation = speakers.assign(panel, newcomer, "panelist")
    speakers.send_invitation(newcomer)
    speakers.confirm(newcomer, invitation.id)
    _sent(smtp_server)
    releases.publish_changes(forum, None)
    messages = _sent(smtp_server)
    assert sorted(m["To"] for m in messages) == ["ams@example.org", "ny@example.org"]
    assert "speakers + Kim" in messages[0].get_body(("plain",)).get_content()


def test_nothing_to_publish_says_so_and_sends_nothing(client, logged_in, forum, smtp_server):
    response = logged_in.post("/organiser/events/open/releases", data={"comment": "again"}, follow_redirects=True)
    assert "There are no changes to publish" in response.get_data(as_text=True)
    assert _sent(smtp_server) == [] and Release.query.count() == 2


def test_double_click_makes_one_release(app, forum, smtp_server):
    _move(_slot(forum, "Opening"), 15)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    outcomes = []

    event_id = forum.id
    other = create_app(app_config(url))

    def press():
        with other.app_context():
            try:
                outcomes.append(releases.publish_changes(db.session.get(Event, event_id), None).number)
            except Conflict as refusal:
                outcomes.append(type(refusal).__name__)
            finally:
                db.session.remove()

    db.session.commit()
    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with other.app_context():
        db.engine.dispose()
    assert sorted(map(str, outcomes)) == ["3", "Conflict"]
    assert Release.query.count() == 3
    assert len([m for m in _sent(smtp_server) if m["To"] == "ams@example.org"]) == 1


def test_changelog_and_api_in_the_readers_zone(client, forum, smtp_server):
    _move(_slot(forum, "Opening"), 30)
    releases.publish_changes(forum, None, "Later start")
    page = client.get("/events/open/changes?tz=America/New_York").get_data(as_text=True)
    new = timezones.localize(future_wall(16), "Asia/Taipei") + timedelta(minutes=30)
    assert "Update 3" in page and "Later start" in page and timezones.format_datetime(new, "America/New_York") in page
    assert "Agenda updated on" in client.get("/events/open/").get_data(as_text=True)
    body = client.get("/api/v1/events/open/releases").get_json()
    assert [r["number"] for r in body["releases"]] == [3, 2, 1]
    assert body["releases"][0]["changes"][0]["aspects"] == ["moved"]


def test_demo_walkthrough_move_publish_and_the_eml(app, client, tmp_path):
    """In the upcoming demo, move a slot: each confirmed speaker's .eml updates
    the entry they already have at once, once; publishing tells the attendees
    and sends the speakers nothing twice."""
    from email import message_from_bytes, policy

    from forum.services import demo
    app.config.update(MAIL_SERVER="", MAIL_DIR=str(tmp_path / "mail"))
    (_, copy) = demo.load_demo(upcoming=True)
    login(client, demo.DEMO_EMAIL, demo.DEMO_PASSWORD)
    panel = _slot(copy, "Policy and Demands")
    confirmed = sorted(p.speaker.email for p in panel.invitations if p.status.value == "confirmed")
    form = {**{k: v for k, v in vars(agenda.as_input(panel)).items() if v is not None}}
    form.update(start=(form["start"] + timedelta(minutes=10)).isoformat(),
                end=(form["end"] + timedelta(minutes=10)).isoformat(), kind=form["kind"])
    assert client.post(f"/organiser/events/{copy.slug}/slots/{panel.id}/edit", data=form).status_code == 302
    builder = client.get(f"/organiser/events/{copy.slug}/").get_data(as_text=True)
    assert "Changes not yet published" in builder and "speakers' calendars already follow each" in builder
    mail.deliver_due()
    published = client.post(f"/organiser/events/{copy.slug}/releases", data={"comment": "Ten minutes later"},
                            follow_redirects=True)
    assert "Update 2 is public" in published.get_data(as_text=True)
    mail.deliver_due()
    files = sorted((tmp_path / "mail").glob("*speaker-update.eml"))
    messages = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert sorted(m["To"] for m in messages) == confirmed
    for message in messages:
        method, vevent = calendar_part(message)
        assert method == "REQUEST" and int(vevent["SEQUENCE"]) == 1
        assert vevent.decoded("DTSTART") == panel.start_utc
    changes = client.get(f"/events/{copy.slug}/changes").get_data(as_text=True)
    assert "Ten minutes later" in changes and "“Policy and Demands”: moved from" in changes


def test_the_speakers_page_shows_released_times_only(client, forum):
    opening = _slot(forum, "Opening")
    _move(opening, 45)
    page = client.get("/events/open/speakers?tz=Asia/Taipei").get_data(as_text=True)
    released = timezones.localize(future_wall(16), "Asia/Taipei")
    assert timezones.format_datetime(released, "Asia/Taipei") in page
    assert timezones.format_datetime(released + timedelta(minutes=45), "Asia/Taipei") not in page
