"""forum.calendar on its own: entries built from plain values, the bytes read
back by vobject (a parser independent of icalendar, which writes them), and
every instant checked against zoneinfo on the `tzdata` package."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import vobject

from forum import calendar
from forum.calendar import Entry, Person
from tests.support.oracle import oracle

JOIN = "https://meet.example.org/secret-room"
ADA = Person("Ada Lovelace", "ada@example.org")
MEI = Person("陳美玲, Mei-ling", "mei@example.org")


def wall(zone: str, *args: int) -> datetime:
    """The UTC instant of a wall-clock time in `zone`, as the oracle reads it."""
    return datetime(*args, tzinfo=oracle(zone)).astimezone(UTC)


def entry(wall_zone: str = "Asia/Taipei", **changes) -> Entry:
    """2026-05-06 16:00-18:00 on the wall clock of `wall_zone`; `changes` set any other field."""
    start = wall(wall_zone, 2026, 5, 6, 16, 0)
    values = {"uid": "event-1@forum.example.org", "sequence": 0, "start": start, "end": start + timedelta(hours=2),
              "summary": "Smart City Forum", **changes}
    return Entry(**values)


def read(body: bytes):
    """The one VCALENDAR in `body`, as vobject reads it."""
    return vobject.readOne(body.decode("utf-8"))


def lines(body: bytes) -> list[bytes]:
    """Physical lines: the format ends every one with CRLF."""
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    return body.split(b"\r\n")[:-1]


def unfolded(body: bytes) -> list[str]:
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def test_an_invitation_is_an_itip_request_for_one_uid_and_sequence():
    body = calendar.itip_message(entry(sequence=3, organizer=ADA, attendees=[MEI]), "Asia/Taipei")
    cal = read(body)
    assert cal.method.value == "REQUEST" and cal.version.value == "2.0" and cal.prodid.value == calendar.PRODID
    (event,) = cal.vevent_list
    assert event.uid.value == "event-1@forum.example.org" and event.sequence.value == "3"
    assert event.status.value == "CONFIRMED" and event.summary.value == "Smart City Forum"
    assert event.organizer.value == "mailto:ada@example.org" and event.organizer.params["CN"] == ["Ada Lovelace"]
    assert event.attendee.value == "mailto:mei@example.org"
    assert event.attendee.params == {"CN": ["陳美玲, Mei-ling"], "PARTSTAT": ["NEEDS-ACTION"],
                                     "ROLE": ["REQ-PARTICIPANT"], "RSVP": ["FALSE"]}


def test_an_invitation_is_stamped_now_in_utc():
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = read(calendar.itip_message(entry(), "Asia/Taipei")).vevent.dtstamp.value
    assert stamp.utcoffset() == timedelta(0) and before <= stamp <= datetime.now(UTC)


def test_a_cancel_carries_the_same_uid_marked_cancelled():
    cal = read(calendar.itip_message(entry(sequence=4, cancelled=True), "Asia/Taipei", method="CANCEL"))
    assert cal.method.value == "CANCEL"
    assert (cal.vevent.uid.value, cal.vevent.sequence.value, cal.vevent.status.value) == (
        "event-1@forum.example.org", "4", "CANCELLED")


def test_only_request_and_cancel_are_itip_methods():
    with pytest.raises(ValueError, match="PUBLISH"):
        calendar.itip_message(entry(), "Asia/Taipei", method="PUBLISH")


@pytest.mark.parametrize("zone, local", [
    ("Asia/Taipei", (2026, 5, 6, 16, 0)),
    ("Asia/Kathmandu", (2026, 5, 6, 16, 0)),  # +05:45
    ("Europe/Amsterdam", (2026, 3, 29, 3, 30)),  # the first hour of summer time
    ("Europe/Amsterdam", (2026, 10, 25, 3, 30)),  # the first hour back on standard time
    ("America/New_York", (2026, 3, 8, 3, 0)),  # the first hour of EDT
    ("America/New_York", (2026, 11, 1, 2, 0)),  # the first hour back on EST
    ("Australia/Lord_Howe", (2026, 1, 15, 9, 0)),  # half-hour DST
])
def test_times_carry_the_events_tzid_and_a_vtimezone_that_gives_the_oracles_instant(zone, local):
    """Local times just past a change, and none in an overlap: a TZID time there cannot say which one."""
    start = wall(zone, *local)
    body = calendar.single(entry(zone, start=start, end=start + timedelta(minutes=90), stamp=start), zone)
    digits = f"{local[0]:04d}{local[1]:02d}{local[2]:02d}T{local[3]:02d}{local[4]:02d}00"
    assert f"DTSTART;TZID={zone}:{digits}" in unfolded(body)
    cal = read(body)
    assert [tz.tzid.value for tz in cal.vtimezone_list] == [zone]
    assert cal.vevent.dtstart.value == start and cal.vevent.dtend.value == start + timedelta(minutes=90)
    assert cal.vevent.dtstart.value.utcoffset() == start.astimezone(oracle(zone)).utcoffset()


def test_a_zone_with_dst_states_both_kinds_of_observance():
    body = calendar.single(entry("Europe/Amsterdam"), "Europe/Amsterdam")
    assert {"BEGIN:STANDARD", "BEGIN:DAYLIGHT"} <= set(unfolded(body))


def test_utc_times_end_in_z_and_need_no_vtimezone():
    start = datetime(2026, 5, 6, 8, 0, tzinfo=UTC)
    body = calendar.single(entry(start=start, end=start + timedelta(hours=1)), "UTC")
    assert "DTSTART:20260506T080000Z" in unfolded(body)
    cal = read(body)
    assert not hasattr(cal, "vtimezone") and cal.vevent.dtstart.value == start


def test_a_feed_has_one_vtimezone_per_zone_its_entries_use():
    taipei, amsterdam = entry(), entry("Europe/Amsterdam", uid="event-2@forum.example.org", zone="Europe/Amsterdam")
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    body = calendar.feed("My forums", [taipei, amsterdam], "Asia/Taipei", stamp)
    cal = read(body)
    assert cal.method.value == "PUBLISH" and cal.x_wr_calname.value == "My forums"
    assert sorted(tz.tzid.value for tz in cal.vtimezone_list) == ["Asia/Taipei", "Europe/Amsterdam"]
    by_uid = {event.uid.value: event for event in cal.vevent_list}
    assert by_uid["event-1@forum.example.org"].dtstart.value == taipei.start
    assert by_uid["event-2@forum.example.org"].dtstart.value == amsterdam.start
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in unfolded(body) and "X-PUBLISHED-TTL:PT1H" in unfolded(body)
    assert body == calendar.feed("My forums", [taipei, amsterdam], "Asia/Taipei", stamp)  # unchanged: same bytes


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    description = " ".join(["Talks on smart cities, 智慧城市與防疫科技, and the questions after them."] * 8)
    body = calendar.single(entry(description=description), "Asia/Taipei")
    physical = lines(body)
    assert max(len(line) for line in physical) <= 75
    assert any(line.startswith(b" ") for line in physical)  # the description did fold
    for line in physical:
        line.decode("utf-8")  # each physical line is whole UTF-8
    assert read(body).vevent.description.value == description


def test_text_values_are_escaped_and_read_back_unchanged():
    summary = "Smart, City; Forum \\ Q&A"
    description = "Line one\nLine two, with a comma; and a semicolon"
    body = calendar.single(entry(summary=summary, description=description, location="Room 1, Taipei"), "Asia/Taipei")
    assert r"SUMMARY:Smart\, City\; Forum \\ Q&A" in unfolded(body)
    assert r"DESCRIPTION:Line one\nLine two\, with a comma\; and a semicolon" in unfolded(body)
    event = read(body).vevent
    assert (event.summary.value, event.description.value, event.location.value) == (
        summary, description, "Room 1, Taipei")


def test_a_join_link_is_the_location_the_first_line_and_a_video_conference():
    body = calendar.single(entry(description="Agenda below.", location="Taipei", join_url=JOIN), "Asia/Taipei")
    event = read(body).vevent
    assert event.location.value == JOIN
    assert event.description.value == f"Join: {JOIN}\n\nAgenda below."
    assert f"CONFERENCE;FEATURE=VIDEO;VALUE=URI:{JOIN}" in unfolded(body)


def test_without_a_join_link_no_conference_and_the_place_stays():
    event = read(calendar.single(entry(location="Taipei City Hall"), "Asia/Taipei")).vevent
    assert event.location.value == "Taipei City Hall" and not hasattr(event, "conference")


@pytest.mark.parametrize("link, start_key, end_key", [
    (calendar.google_link, "dates", None),
    (calendar.outlook_link, "startdt", "enddt"),
])
def test_add_to_calendar_links_give_the_instants_in_utc(link, start_key, end_key):
    url = link(entry(description="Agenda", url="https://forum.example.org/events/open/", join_url=JOIN))
    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    if end_key is None:  # Google: both in one compact value
        assert query[start_key] == "20260506T080000Z/20260506T100000Z"
    else:
        assert (query[start_key], query[end_key]) == ("2026-05-06T08:00:00Z", "2026-05-06T10:00:00Z")
    assert query.get("text", query.get("subject")) == "Smart City Forum"
    assert query["location"] == JOIN
