"""Speakers invited by e-mail, answering behind their link, seen on the organiser's board.

E-mail goes to a real SMTP server (aiosmtpd) and is parsed back; local
times come from the zoneinfo oracle."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from forum import mail, timezones
from forum.models import Invitation, InvitationLogEntry, Slot
from forum.services import agenda, events, releases, speakers, tokens
from forum.services.agenda import SlotInput
from forum.services.speakers import SpeakerInput
from tests.support.factories import future_wall, make_event, open_event_for
from tests.support.web import login

JOIN = "https://meet.example.org/secret-room"
UTRECHT = {"name": "Wim de Vries", "email": "wim@utrecht.example.org", "organisation": "City of Utrecht",
           "role_title": "Alderman", "city": "Utrecht", "timezone": "Europe/Amsterdam"}
DARWIN = {"name": "Kylie Brown", "email": "kylie@darwin.example.org", "organisation": "City of Darwin",
          "city": "Darwin", "timezone": "Australia/Darwin"}


def _slot(event, title, hour, minutes=60, day_offset=0):
    start = future_wall(hour) + timedelta(days=day_offset)
    return agenda.add_slot(event, SlotInput(title=title, start=start, end=start + timedelta(minutes=minutes),
                                            timezone="Asia/Taipei"))


@pytest.fixture
def forum(organiser):
    """The workshop at 16:00 Taipei, with a talk at 16:00 and an early one at 09:00."""
    event = open_event_for(organiser, slug="forum")
    event.start_utc -= timedelta(hours=8)  # from 08:00 Taipei, so the 09:00 slot fits
    events.db.session.commit()
    return event


def _delivered(smtp_server):
    mail.deliver_due()
    messages = smtp_server.messages()
    smtp_server.received.clear()
    return messages


def _link(message) -> str:
    return re.search(r"/speakers/([\w-]+)/", message.get_body(("plain",)).get_content()).group(1)


def _invite(event, person, *slots, role="speaker"):
    speaker = speakers.add_speaker(event, SpeakerInput(**person))
    for slot in slots:
        speakers.assign(slot, speaker, role)
    speakers.send_invitation(speaker)
    return speaker


def _oracle(hour: int, zone: str) -> datetime:
    return future_wall(hour).replace(tzinfo=ZoneInfo("Asia/Taipei")).astimezone(ZoneInfo(zone))


def test_invitation_shows_the_speakers_own_time_first_and_warns_of_night(client, forum, smtp_server):
    talk, early = _slot(forum, "Smart tech talk", 16), _slot(forum, "Early panel", 9)
    _invite(forum, UTRECHT, talk, early)
    (message,) = _delivered(smtp_server)
    assert message["To"] == UTRECHT["email"] and message["Subject"] == "Invitation to speak: Smart City Forum"
    text = message.get_body(("plain",)).get_content()
    local, early_local = _oracle(16, "Europe/Amsterdam"), _oracle(9, "Europe/Amsterdam")
    assert f"{local:%H:%M} (UTC+{local.utcoffset().seconds // 3600:02d}:00)" in text
    assert "16:00 (UTC+08:00) (Asia/Taipei)" in text
    assert f"{early_local:%H:%M}–{early_local + timedelta(hours=1):%H:%M} in Europe/Amsterdam is outside 07:00–22:00" in text
    assert text.count("outside 07:00–22:00") == 1  # the 16:00 Taipei talk is daytime in Utrecht
    assert not [p for p in message.walk() if p.get_content_type() == "text/calendar"]


def test_open_confirm_and_the_board_changes(client, forum, smtp_server):
    talk = _slot(forum, "Smart tech talk", 16, minutes=30)
    speaker = _invite(forum, DARWIN, talk)
    token = _link(_delivered(smtp_server)[0])
    page = client.get(f"/speakers/{token}/")
    html = page.get_data(as_text=True)
    darwin = _oracle(16, "Australia/Darwin")
    assert page.status_code == 200 and f"{darwin:%H:%M}" in html and darwin.strftime("%H:%M") == "17:30"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert Invitation.query.one().status.value == "invited"  # opening the link answers nothing

    login(client)
    board = client.get("/organiser/events/forum/speakers").get_data(as_text=True)
    assert "no answer for 0 day(s)" in board and "17:30" in board

    invitation = Invitation.query.one()
    assert client.post(f"/speakers/{token}/slots/{invitation.id}/confirm").status_code == 302
    assert Invitation.query.one().status.value == "confirmed"
    (message,) = _delivered(smtp_server)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REQUEST"
    (vevent,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED" and str(vevent["ATTENDEE"]) == f"mailto:{speaker.email}"
    assert str(vevent["UID"]) == invitation.uid and str(vevent["LOCATION"]) == JOIN
    assert "15 minutes early" in str(vevent["DESCRIPTION"])
    assert vevent.decoded("DTSTART") == future_wall(16).replace(tzinfo=ZoneInfo("Asia/Taipei"))
    board = client.get("/organiser/events/forum/speakers").get_data(as_text=True)
    assert 'class="status-confirmed"' in board

    feed = icalendar.Calendar.from_ical(client.get(f"/speakers/{token}/calendar.ics").data)
    assert [str(e["UID"]) for e in feed.walk("VEVENT")] == [invitation.uid]


def test_decline_after_confirming_cancels_the_calendar_entry(client, forum, smtp_server):
    talk = _slot(forum, "Smart tech talk", 16)
    _invite(forum, UTRECHT, talk)
    token = _link(_delivered(smtp_server)[0])
    invitation = Invitation.query.one()
    client.post(f"/speakers/{token}/slots/{invitation.id}/confirm")
    _delivered(smtp_server)
    response = client.post(f"/speakers/{token}/slots/{invitation.id}/decline", data={f"d{invitation.id}-reason": "Ill"})
    assert response.status_code == 302
    (message,) = _delivered(smtp_server)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "CANCEL"
    (vevent,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert int(vevent["SEQUENCE"]) == 1 and str(vevent["STATUS"]) == "CANCELLED"
    row = Invitation.query.one()
    assert (row.status.value, row.decline_reason) == ("declined", "Ill")
    assert [e.action for e in InvitationLogEntry.query.order_by(InvitationLogEntry.id)] == [
        "assigned", "invited", "confirmed", "declined"]


def test_propose_another_time_then_the_organiser_accepts(client, forum, smtp_server):
    talk = _slot(forum, "Smart tech talk", 16)
    _invite(forum, DARWIN, talk)
    token = _link(_delivered(smtp_server)[0])
    invitation = Invitation.query.one()
    url = f"/speakers/{token}/slots/{invitation.id}/propose"
    prefix = f"p{invitation.id}-"
    wanted = _oracle(17, "Australia/Darwin").replace(tzinfo=None)  # 17:00 Taipei, typed in Darwin time
    bad = client.post(url, data={prefix + "start": "2020-01-01T10:00", prefix + "note": "keep me"})
    assert bad.status_code == 422 and "Propose a time in the future." in bad.get_data(as_text=True)
    assert "keep me" in bad.get_data(as_text=True)
    far = (wanted + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    assert "outside the event&#39;s hours" in client.post(url, data={prefix + "start": far}).get_data(as_text=True)

    assert client.post(url, data={prefix + "start": wanted.strftime("%Y-%m-%dT%H:%M"),
                                  prefix + "note": "After my council meeting"}).status_code == 302
    row = Invitation.query.one()
    assert row.status.value == "proposed"
    assert row.proposed_start_utc == future_wall(17).replace(tzinfo=ZoneInfo("Asia/Taipei")).astimezone(timezones.UTC)

    login(client)
    board = client.get("/organiser/events/forum/speakers").get_data(as_text=True)
    assert "proposes " + timezones.format_datetime(row.proposed_start_utc, "Asia/Taipei") in board
    proposed = row.proposed_start_utc
    client.post(f"/organiser/events/forum/invitations/{row.id}/accept")
    slot = Slot.query.one()
    assert slot.start_utc == proposed
    assert slot.end_utc - slot.start_utc == timedelta(hours=1) and slot.sequence == 1
    assert Invitation.query.one().status.value == "confirmed"
    (message,) = _delivered(smtp_server)  # the first entry they hold, at the time they asked for
    assert message["Subject"].startswith("Confirmed:")
    assert "accepted the time you proposed" in message.get_body(("plain",)).get_content()
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    (vevent,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert vevent.decoded("DTSTART") == future_wall(17).replace(tzinfo=ZoneInfo("Asia/Taipei"))
    assert int(vevent["SEQUENCE"]) == 0


def test_reminders_follow_the_organisers_days_and_limit(app, forum, smtp_server, runner):
    talk = _slot(forum, "Smart tech talk", 16)
    _invite(forum, UTRECHT, talk)
    first_link = _link(_delivered(smtp_server)[0])
    now = timezones.now_utc()
    assert speakers.send_reminders(now + timedelta(days=2)) == 0  # the default is 3 days
    assert speakers.send_reminders(now + timedelta(days=3, minutes=1)) == 1
    assert speakers.send_reminders(now + timedelta(days=4)) == 0  # 3 days since that reminder
    assert speakers.send_reminders(now + timedelta(days=6, minutes=2)) == 1
    assert speakers.send_reminders(now + timedelta(days=20)) == 0  # at most 2
    messages = _delivered(smtp_server)
    assert [m["Subject"] for m in messages] == ["Reminder: your invitation to speak at Smart City Forum"] * 2
    assert Invitation.query.one().reminders_sent == 2
    assert app.test_client().get(f"/speakers/{first_link}/").status_code == 200  # every link received works
    assert app.test_client().get(f"/speakers/{_link(messages[-1])}/").status_code == 200

    forum.speaker_reminder_max = 3
    events.db.session.commit()
    result = runner.invoke(args=["speakers", "remind"])
    assert result.exit_code == 0 and "0 speaker(s) reminded" in result.output  # not due yet, today


def test_double_booking_across_events_of_the_same_organisers(client, organiser, forum, smtp_server):
    talk = _slot(forum, "Smart tech talk", 16)
    other = open_event_for(organiser, slug="summit")
    clash = _slot(other, "Mayors' summit panel", 16, minutes=30)
    _invite(forum, UTRECHT, talk)
    _invite(other, UTRECHT, clash, role="panelist")
    login(client)
    board = client.get("/organiser/events/forum/speakers").get_data(as_text=True)
    assert "Also on Mayors&#39; summit panel (Smart City Forum) at that time" in board
    builder = client.get("/organiser/events/forum/").get_data(as_text=True)
    assert "is also on Mayors&#39; summit panel" in builder
    declined = Invitation.query.join(Slot).filter(Slot.event_id == other.id).one()
    speakers.decline(declined.speaker, declined.id, "")
    assert "Also on" not in client.get("/organiser/events/forum/speakers").get_data(as_text=True)


def test_bad_links_are_friendly_and_never_cross_events(client, organiser, forum, smtp_server):
    assert "contact the organisers" in client.get("/speakers/nonsense/").get_data(as_text=True)
    assert client.get("/speakers/nonsense/").status_code == 404
    talk = _slot(forum, "Smart tech talk", 16)
    speaker = _invite(forum, UTRECHT, talk)
    token = _link(_delivered(smtp_server)[0])
    other = open_event_for(organiser, slug="summit")
    foreign = _invite(other, DARWIN, _slot(other, "Other", 16))
    foreign_invitation = foreign.invitations[0]
    response = client.post(f"/speakers/{token}/slots/{foreign_invitation.id}/confirm")
    assert response.status_code == 404 and foreign_invitation.status.value == "invited"

    speakers.send_invitation(speaker)  # a newer e-mail does not end the older link
    assert client.get(f"/speakers/{token}/").status_code == 200
    new_token = _link([m for m in _delivered(smtp_server) if m["To"] == UTRECHT["email"]][-1])
    speakers.revoke(speaker.invitations[0])
    for link in (token, new_token):  # the organisers' withdrawal ends every link
        revoked = client.get(f"/speakers/{link}/")
        assert revoked.status_code == 404 and "withdrew the invitation" in revoked.get_data(as_text=True)
        assert "Traceback" not in revoked.get_data(as_text=True)


def test_speaker_links_are_capped_and_the_one_in_use_survives(client, forum, smtp_server):
    speaker = _invite(forum, UTRECHT, _slot(forum, "Smart tech talk", 16))
    opened = _link(_delivered(smtp_server)[0])
    client.get(f"/speakers/{opened}/calendar.ics")  # the speaker's calendar subscribes
    mailed = []
    for _ in range(tokens.MAX_LIVE_LINKS + 1):
        speakers.send_invitation(speaker)
        mailed.append(_link(_delivered(smtp_server)[-1]))
    assert len(speaker.links) == tokens.MAX_LIVE_LINKS
    assert client.get(f"/speakers/{opened}/calendar.ics").status_code == 200
    assert client.get(f"/speakers/{mailed[-1]}/").status_code == 200
    ended = client.get(f"/speakers/{mailed[0]}/")  # never opened, older than the cap allows
    assert ended.status_code == 404 and "This speaker link is not known" in ended.get_data(as_text=True)


def test_profile_input_is_checked_and_html_shown_as_text(client, forum, smtp_server):
    talk = _slot(forum, "Smart tech talk", 16)
    _invite(forum, UTRECHT, talk)
    token = _link(_delivered(smtp_server)[0])
    profile = {**UTRECHT, "timezone": "Europe/Utrecht", "bio": "<script>alert(1)</script> Alderman"}
    bad = client.post(f"/speakers/{token}/profile", data=profile)
    assert bad.status_code == 422 and "“Europe/Utrecht” is not a time zone" in bad.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Alderman" in bad.get_data(as_text=True)
    long = client.post(f"/speakers/{token}/profile", data={**UTRECHT, "bio": "x" * 3001})
    assert long.status_code == 422 and "Keep it to 3000 characters" in long.get_data(as_text=True)
    assert client.post(f"/speakers/{token}/profile", data={**profile, "timezone": "Europe/Amsterdam"}).status_code == 302
    html = client.get(f"/speakers/{token}/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html

    forum.speaker_edits_locked = True
    events.db.session.commit()
    locked = client.post(f"/speakers/{token}/profile", data=UTRECHT, follow_redirects=True)
    assert "locked" in locked.get_data(as_text=True)


def test_public_pages_show_confirmed_speakers_only(client, forum, smtp_server):
    talk = _slot(forum, "Smart tech talk", 16)
    _invite(forum, UTRECHT, talk)
    _invite(forum, DARWIN, talk, role="panelist")
    darwin = Invitation.query.filter(Invitation.speaker.has(email=DARWIN["email"])).one()
    speakers.confirm(darwin.speaker, darwin.id)
    releases.publish_changes(forum, None)
    page = client.get("/events/forum/").get_data(as_text=True)
    assert "Kylie Brown" in page and "Wim de Vries" not in page
    assert DARWIN["email"] not in page and UTRECHT["email"] not in page
    api = client.get("/api/v1/events/forum").get_json()
    assert [s["name"] for s in api["slots"][0]["speakers"]] == ["Kylie Brown"]
    people = client.get("/events/forum/speakers?tz=Australia/Darwin").get_data(as_text=True)
    assert "Kylie Brown" in people and "Wim de Vries" not in people and "City of Darwin" in people
    assert f"{_oracle(16, 'Australia/Darwin'):%H:%M}" in people and DARWIN["email"] not in people
    forum.show_unconfirmed_speakers = True
    events.db.session.commit()
    page = client.get("/events/forum/").get_data(as_text=True)
    assert "Wim de Vries" in page and "to be confirmed" in page
    speakers.decline(darwin.speaker, darwin.id, "private reason")
    people = client.get("/events/forum/speakers").get_data(as_text=True)
    assert "Kylie Brown" not in people and "private reason" not in people and "Wim de Vries" in people


def test_api_adds_assigns_and_flags(client, organiser, forum, smtp_server):
    from forum.services import accounts

    token = accounts.issue_api_token(organiser, "test")
    headers = {"Authorization": f"Bearer {token}"}
    early = _slot(forum, "Early panel", 9)
    assert client.post("/api/v1/events/forum/speakers", json=UTRECHT).status_code == 401
    created = client.post("/api/v1/events/forum/speakers", json=UTRECHT, headers=headers)
    assert created.status_code == 201
    again = client.post("/api/v1/events/forum/speakers", json=UTRECHT, headers=headers)
    assert again.status_code == 422 and "already a speaker" in again.get_json()["error"]["fields"]["email"]
    bad = client.post("/api/v1/events/forum/speakers", json={**UTRECHT, "email": "x@y.org", "timezone": "Mars/Base"},
                      headers=headers)
    assert bad.status_code == 422 and "Mars/Base" in bad.get_json()["error"]["fields"]["timezone"]
    speaker_id = created.get_json()["id"]
    invited = client.post(f"/api/v1/events/forum/slots/{early.id}/speakers",
                          json={"speaker_id": speaker_id, "role": "panelist"}, headers=headers)
    assert invited.status_code == 201
    body = invited.get_json()
    local = _oracle(9, "Europe/Amsterdam")
    assert body["local_start"] == local.isoformat() and body["sent"] is True
    assert body["night_warning"].startswith(f"{local:%H:%M}–") and local.hour == 3
    assert len(_delivered(smtp_server)) == 1
    twice = client.post(f"/api/v1/events/forum/slots/{early.id}/speakers", json={"speaker_id": speaker_id},
                        headers=headers)
    assert twice.status_code == 409
    listing = client.get("/api/v1/events/forum/speakers", headers=headers).get_json()
    assert [i["status"] for i in listing["invitations"]] == ["invited"]


def test_a_city_gives_the_zone_when_it_means_one(client, logged_in, forum):
    data = {**UTRECHT, "timezone": ""}
    assert logged_in.post("/organiser/events/forum/speakers", data=data).status_code == 302
    assert speakers.speaker_of(forum, forum.speakers[0].id).timezone == "Europe/Amsterdam"
    ambiguous = logged_in.post("/organiser/events/forum/speakers",
                               data={**data, "email": "s@x.org", "city": "Springfield"})
    html = ambiguous.get_data(as_text=True)
    assert ambiguous.status_code == 422 and "several places called Springfield" in html
    assert "America/Chicago (Springfield, US)" in html and 'value="s@x.org"' in html
    suggestions = client.get("/zones/cities?q=darw").get_json()["cities"]
    assert suggestions[0] == {"city": "Darwin", "country": "AU", "timezone": "Australia/Darwin"}
    assert client.get("/zones/cities?q=").get_json() == {"cities": []}


def _image(fmt: str = "PNG", size=(1200, 800)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def test_photo_is_resized_reencoded_and_bad_files_refused(client, forum, smtp_server):
    import io

    from PIL import Image

    talk = _slot(forum, "Smart tech talk", 16)
    speaker = _invite(forum, UTRECHT, talk)
    token = _link(_delivered(smtp_server)[0])
    form = {**UTRECHT, "bio": "Alderman of Utrecht"}
    not_image = client.post(f"/speakers/{token}/profile", content_type="multipart/form-data",
                            data={**form, "name": "Wim kept", "photo": (io.BytesIO(b"<svg onload=alert(1)>"), "x.svg")})
    assert not_image.status_code == 422
    html = not_image.get_data(as_text=True)
    assert "not an image we can read" in html and 'value="Wim kept"' in html
    big = b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 1)
    too_big = client.post(f"/speakers/{token}/profile", content_type="multipart/form-data",
                          data={**form, "photo": (io.BytesIO(big), "big.jpg")})
    assert too_big.status_code == 422 and "the limit is 5 MB" in too_big.get_data(as_text=True)
    assert speakers.speaker_of(forum, speaker.id).photo is None

    ok = client.post(f"/speakers/{token}/profile", content_type="multipart/form-data",
                     data={**form, "photo": (io.BytesIO(_image()), "me.png")})
    assert ok.status_code == 302
    served = client.get(f"/speakers/{token}/photo.jpg")
    assert served.mimetype == "image/jpeg" and served.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.format == "JPEG" and max(image.size) == 480
    # The public sees it only once the speaker is confirmed on a released slot.
    releases.publish_changes(forum, None)
    assert client.get(f"/events/forum/speakers/{speaker.id}/photo.jpg").status_code == 404
    invitation = speaker.invitations[0]
    speakers.confirm(speaker, invitation.id)
    assert client.get(f"/events/forum/speakers/{speaker.id}/photo.jpg").data == served.data
    client.post(f"/speakers/{token}/profile", data={**form, "remove_photo": "y"})
    assert client.get(f"/speakers/{token}/photo.jpg").status_code == 404


def test_organiser_edits_a_speaker_and_sees_the_history(logged_in, forum, smtp_server):
    talk = _slot(forum, "Smart tech talk", 16)
    speaker = _invite(forum, UTRECHT, talk)
    speakers.send_invitation(speaker)
    url = f"/organiser/events/forum/speakers/{speaker.id}/edit"
    assert 'value="Wim de Vries"' in logged_in.get(url).get_data(as_text=True)
    bad = logged_in.post(url, data={**UTRECHT, "name": "Wim", "timezone": "Utrecht/Centre"})
    assert bad.status_code == 422 and 'value="Utrecht/Centre"' in bad.get_data(as_text=True)
    assert logged_in.post(url, data={**UTRECHT, "name": "Wim de Vries-Bos", "email": "ignored@x.org"}).status_code == 302
    row = speakers.speaker_of(forum, speaker.id)
    assert (row.name, row.email) == ("Wim de Vries-Bos", UTRECHT["email"])
    board = logged_in.get("/organiser/events/forum/speakers").get_data(as_text=True)
    assert ": assigned (speaker)" in board and ": invited" in board and ": re-sent" in board
    assert logged_in.get("/organiser/events/forum/speakers/999999/edit").status_code == 404


def test_another_organiser_sees_no_speaker(client, forum, other_organiser, smtp_server):
    speaker = _invite(forum, UTRECHT, _slot(forum, "Smart tech talk", 16))
    invitation = speaker.invitations[0]
    login(client, "bob@example.org", "battery staple")
    assert client.get("/organiser/events/forum/speakers").status_code == 404
    assert client.get(f"/organiser/events/forum/speakers/{speaker.id}/edit").status_code == 404
    assert client.post(f"/organiser/events/forum/invitations/{invitation.id}/revoke").status_code == 404
    assert client.post(f"/organiser/events/forum/speakers/{speaker.id}/send").status_code == 404
    assert Invitation.query.one().status.value == "invited"


def test_a_proposal_at_a_time_that_does_not_exist_is_refused(client, organiser, smtp_server):
    """The night the clocks go forward in Amsterdam, 02:30 never happens."""
    from datetime import date

    year = date.today().year + 1
    sunday = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    start = datetime(sunday.year, sunday.month, sunday.day, 0, 0)
    event = make_event(organiser, slug="dst-night", timezone="Europe/Amsterdam", start=start,
                       end=start + timedelta(hours=12))
    slot = agenda.add_slot(event, SlotInput(title="Night owls", start=start + timedelta(hours=4),
                                            end=start + timedelta(hours=5), timezone="Europe/Amsterdam"))
    speaker = _invite(event, UTRECHT, slot)
    token = _link(_delivered(smtp_server)[0])
    invitation = speaker.invitations[0]
    response = client.post(f"/speakers/{token}/slots/{invitation.id}/propose",
                           data={f"p{invitation.id}-start": f"{sunday.isoformat()}T02:30"})
    assert response.status_code == 422
    assert f"02:30 on {sunday.isoformat()} does not exist in Europe/Amsterdam" in response.get_data(as_text=True)
    assert Invitation.query.one().status.value == "invited"
