"""The agenda builder shows each slot's speakers' own start times, and the slot
form shows everyone's local time for a typed new time before it is saved.
Times are checked against the standard library's zoneinfo."""
from __future__ import annotations

import html
import re
from datetime import UTC, datetime, time, timedelta

import pytest

from forum.extensions import db
from forum.models import InvitationStatus, OutboxMessage, Slot
from forum.services import agenda, speakers
from forum.services.agenda import SlotInput
from forum.services.speakers import SpeakerInput
from tests.support.factories import event_with_slots, make_event
from tests.support.oracle import oracle

TAIPEI = "Asia/Taipei"
PEOPLE = [("Wim", "Europe/Amsterdam"), ("Kim", "Asia/Seoul"), ("Sita", "Asia/Kathmandu"),
          ("Ravi", "Asia/Kolkata"), ("Lou", "America/Los_Angeles")]


def _forum(organiser, zone=TAIPEI, day=datetime(2026, 5, 6)):
    """An event over the whole of `day` in `zone`, with one speaker per zone of PEOPLE."""
    event = make_event(organiser, timezone=zone, start=day, end=day + timedelta(hours=23, minutes=59))
    people = [speakers.add_speaker(event, SpeakerInput(name=name, email=f"{name.lower()}@example.org", timezone=tz))
              for name, tz in PEOPLE]
    return event, people


def _slot(event, people, title, start, end):
    slot = agenda.add_slot(event, SlotInput(title=title, start=start, end=end, timezone=event.timezone))
    for person in people:
        speakers.assign(slot, person, "speaker")
    return slot


def _wall(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(oracle(zone))


def _night(start: datetime, end: datetime, zone: str) -> bool:
    """The oracle's night: any minute from 22:00 to 07:00 on the speaker's clock."""
    first, last = _wall(start, zone), _wall(end, zone)
    return first.time() < time(7) or last.date() != first.date() or last.time() > time(22)


def _expected_line(slot, people, event_zone: str) -> str:
    parts = []
    for person in people:
        mine, theirs = _wall(slot.start_utc, person.timezone), _wall(slot.start_utc, event_zone)
        shift = (mine.date() - theirs.date()).days
        part = f"{person.name} {mine:%H:%M} {person.timezone}"
        part += f" ({shift:+d} day)" if shift else ""
        part += " (night)" if _night(slot.start_utc, slot.end_utc, person.timezone) else ""
        parts.append(part)
    return " · ".join(parts)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _local_starts(page: str, slot) -> str:
    row = page.split(f'id="slot-{slot.id}"')[1].split("</tr>")[0]
    found = re.search(r'<p class="local-starts">(.*?)</p>', row, re.DOTALL)
    assert found, row
    return _text(found.group(1)).removeprefix("Their local start: ")


def test_builder_shows_each_speakers_local_start(logged_in, organiser):
    event, people = _forum(organiser)
    slots = [
        _slot(event, people, "Morning", datetime(2026, 5, 6, 8, 0), datetime(2026, 5, 6, 9, 0)),  # LA the day before
        _slot(event, people, "Afternoon", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 17, 0)),
        _slot(event, people, "Late", datetime(2026, 5, 6, 23, 15), datetime(2026, 5, 6, 23, 45)),  # Seoul next day
    ]
    page = logged_in.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
    for slot in slots:
        assert _local_starts(page, slot) == _expected_line(slot, people, TAIPEI)
    # Read from the oracle above; spelled out here so that a wrong oracle would show too.
    assert _local_starts(page, slots[1]).startswith("Wim 10:00 Europe/Amsterdam · Kim 17:00 Asia/Seoul · "
                                                    "Sita 13:45 Asia/Kathmandu · Ravi 13:30 Asia/Kolkata · "
                                                    "Lou 01:00 America/Los_Angeles (night)")
    assert "Kim 00:15 Asia/Seoul (+1 day) (night)" in _local_starts(page, slots[2])
    assert "Lou 17:00 America/Los_Angeles (-1 day)" in _local_starts(page, slots[0])


def test_declined_speakers_are_not_in_the_line(logged_in, organiser):
    event, people = _forum(organiser)
    slot = _slot(event, people[:2], "Talk", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 17, 0))
    slot.invitations[1].status = InvitationStatus.DECLINED
    db.session.commit()
    page = logged_in.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
    assert _local_starts(page, slot) == "Wim 10:00 Europe/Amsterdam"


def _edit(event, slot, start: str, end: str, **extra) -> dict:
    return {"title": slot.title, "kind": "talk", "timezone": event.timezone, "start": start, "end": end,
            "track": "", "description": "", "speakers_text": "", **extra}


def _preview_rows(page: str) -> list[list[str]]:
    table = page.split('id="local-times"')[1].split("</table>")[0]
    return [[_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
            for row in re.findall(r"<tr class=\"comfort-[^\"]+\">(.*?)</tr>", table, re.DOTALL)]


def _shown(instant: datetime, zone: str) -> str:
    """How the page writes an instant, from the oracle: Wed 6 May 2026 10:00 (UTC+02:00)."""
    local = _wall(instant, zone)
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign, (hours, mins) = "+" if minutes >= 0 else "-", divmod(abs(minutes), 60)
    return f"{local:%a} {local.day} {local:%b} {local.year} {local:%H:%M} (UTC{sign}{hours:02d}:{mins:02d})"


def _comfort(start: datetime, end: datetime, zone: str) -> str:
    """The planner's classes with its default window, 08:00-20:00, read off the oracle's clock."""
    first, last = _wall(start, zone), _wall(end, zone)
    if first.time() >= time(8) and last.date() == first.date() and last.time() <= time(20):
        return "inside 08:00-20:00"
    return "night" if _night(start, end, zone) else "early or late"


@pytest.mark.parametrize("fragment", [False, True])
def test_preview_shows_everyones_local_time_and_saves_nothing(logged_in, organiser, fragment):
    event, people = _forum(organiser)
    slot = _slot(event, people, "Talk", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 17, 0))
    stored = (slot.start_utc, slot.end_utc, slot.sequence)
    mails = OutboxMessage.query.count()
    logged_in.set_cookie("tz", "America/New_York")
    response = logged_in.post(f"/organiser/events/{event.slug}/slots/{slot.id}/edit",
                              data=_edit(event, slot, "2026-05-06T18:15", "2026-05-06T19:30", preview="1"),
                              headers={"X-Fragment": "local-times"} if fragment else {})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    start = datetime(2026, 5, 6, 18, 15, tzinfo=oracle(TAIPEI)).astimezone(UTC)
    end = start + timedelta(minutes=75)
    expected = [[f"{person.name} (speaker)", person.timezone] for person in people]
    expected += [["The event's zone", TAIPEI], ["Your zone", "America/New_York"]]
    assert _preview_rows(page) == [[who, zone, _shown(start, zone), _shown(end, zone), _comfort(start, end, zone)]
                                   for who, zone in expected]
    assert _preview_rows(page)[0] == ["Wim (speaker)", "Europe/Amsterdam", "Wed 6 May 2026 12:15 (UTC+02:00)",
                                      "Wed 6 May 2026 13:30 (UTC+02:00)", "inside 08:00-20:00"]
    assert _preview_rows(page)[2][2] == "Wed 6 May 2026 16:00 (UTC+05:45)"
    assert _preview_rows(page)[-1][4] == "night"  # 06:15 in New York
    if fragment:
        assert "<html" not in page and "<form" not in page
    else:
        assert 'value="2026-05-06T18:15"' in page and 'value="2026-05-06T19:30"' in page
    db.session.expire_all()
    again = db.session.get(Slot, slot.id)
    assert (again.start_utc, again.end_utc, again.sequence) == stored
    assert OutboxMessage.query.count() == mails


def test_preview_of_a_time_in_the_dst_gap_names_the_field(logged_in, organiser):
    """Amsterdam's clocks jump from 02:00 to 03:00 on 29 March 2026."""
    event, people = _forum(organiser, zone="Europe/Amsterdam", day=datetime(2026, 3, 29))
    slot = _slot(event, people[:1], "Talk", datetime(2026, 3, 29, 10, 0), datetime(2026, 3, 29, 11, 0))
    url = f"/organiser/events/{event.slug}/slots/{slot.id}/edit"
    data = _edit(event, slot, "2026-03-29T02:30", "2026-03-29T03:30", preview="1")
    response = logged_in.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    start_field = page.split('id="start-error"')[1].split("</p>")[0]
    assert "02:30 on 2026-03-29 does not exist in Europe/Amsterdam" in start_field
    assert 'value="2026-03-29T02:30"' in page and 'value="2026-03-29T03:30"' in page
    assert "<table" not in page.split('id="local-times"')[1]
    fragment = logged_in.post(url, data=data, headers={"X-Fragment": "local-times"})
    assert fragment.status_code == 422
    assert "Start: 02:30 on 2026-03-29 does not exist" in _text(fragment.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(Slot, slot.id).start_utc == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


def test_preview_of_a_time_across_the_change_uses_each_offset(logged_in, organiser):
    """01:30-04:00 in Amsterdam on 29 March 2026 starts at UTC+01:00 and ends at UTC+02:00."""
    event, people = _forum(organiser, zone="Europe/Amsterdam", day=datetime(2026, 3, 29))
    slot = _slot(event, people[:1], "Talk", datetime(2026, 3, 29, 10, 0), datetime(2026, 3, 29, 11, 0))
    response = logged_in.post(f"/organiser/events/{event.slug}/slots/{slot.id}/edit",
                              data=_edit(event, slot, "2026-03-29T01:30", "2026-03-29T04:00", preview="1"))
    rows = _preview_rows(response.get_data(as_text=True))
    assert rows[0][2:] == ["Sun 29 Mar 2026 01:30 (UTC+01:00)", "Sun 29 Mar 2026 04:00 (UTC+02:00)", "night"]


def test_saving_still_saves(logged_in, organiser):
    event, people = _forum(organiser)
    slot = _slot(event, people[:1], "Talk", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 17, 0))
    response = logged_in.post(f"/organiser/events/{event.slug}/slots/{slot.id}/edit",
                              data=_edit(event, slot, "2026-05-06T18:15", "2026-05-06T19:30"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Slot, slot.id).start_utc == datetime(2026, 5, 6, 10, 15, tzinfo=UTC)


def test_builder_query_count_does_not_grow_with_slots(logged_in, organiser, count_queries):
    counts = []
    for n in (3, 30):
        event = event_with_slots(organiser, n, f"forum-{n}")
        db.session.expire_all()
        with count_queries() as statements:
            page = logged_in.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
        assert page.count('class="local-starts"') == n
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
