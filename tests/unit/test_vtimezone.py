"""The VTIMEZONEs in our .ics files, read back by independent parsers and
checked against the oracle (the standard library's zoneinfo on `tzdata`).

A parser that knows a TZID prefers its own zone database to the VTIMEZONE
(icalendar looks America/New_York up in zoneinfo; vobject keeps the first
VTIMEZONE it saw under a TZID for the whole process), which would hide the
VTIMEZONE from the test. Each file is therefore read under a TZID of its own
that no database knows: the only way to an instant is the VTIMEZONE we wrote.
"""
from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
import pytz
import vobject
from icalendar.timezone.tzp import TZP

from forum import calendar
from tests.support.oracle import classify, oracle, oracle_transitions

LENGTH = timedelta(minutes=30)  # DTEND stays clear of the one-hour overlaps, as DTSTART does


def ics(name: str, start: datetime) -> bytes:
    """A downloadable .ics of one event of LENGTH at the UTC instant `start` in `name`."""
    entry = calendar.Entry(uid=str(uuid.uuid4()), sequence=0, start=start, end=start + LENGTH, summary="Session")
    return calendar.single(entry, name)


def vtimezone(body: bytes) -> icalendar.Timezone:
    (component,) = icalendar.Calendar.from_ical(body).walk("VTIMEZONE")
    return component


def read_by_icalendar(body: bytes) -> tuple[datetime, datetime]:
    """As an application reads it (icalendar turns the VTIMEZONE into a tzinfo with dateutil)."""
    (event,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    return event.decoded("DTSTART"), event.decoded("DTEND")


def read_by_icalendar_transitions(body: bytes) -> tuple[datetime, datetime]:
    """icalendar's own expansion of RRULE and RDATE into a transition table."""
    parsed = icalendar.Calendar.from_ical(body)
    (component,) = parsed.walk("VTIMEZONE")
    (event,) = parsed.walk("VEVENT")
    zone = component.to_tz(TZP("pytz"), lookup_tzid=False)
    return tuple(zone.localize(event[key].dt.replace(tzinfo=None)) for key in ("DTSTART", "DTEND"))


def read_by_vobject(body: bytes) -> tuple[datetime, datetime]:
    event = vobject.readOne(body.decode()).vevent
    return event.dtstart.value, event.dtend.value


READERS = [read_by_icalendar, read_by_icalendar_transitions, read_by_vobject]


def walls(name: str, year: int) -> list[datetime]:
    """Winter and summer, then around each change of the year: noon on the
    day before, of and after, and two hours either side of the change."""
    zone = oracle(name)
    found = [datetime(year, 1, 15, 12), datetime(year, 7, 15, 12)]
    for change in oracle_transitions(name, year):
        days = [change.astimezone(zone).date() + timedelta(days=n) for n in (-1, 0, 1)]
        found += [datetime.combine(day, time(12)) for day in days]
        found += [(change + timedelta(hours=n)).astimezone(zone).replace(tzinfo=None) for n in (-2, 2)]
    return found


@pytest.mark.parametrize(
    "name, year",
    [
        ("America/New_York", 2026),
        ("Europe/Amsterdam", 2026),
        ("Pacific/Auckland", 2026),
        ("Pacific/Chatham", 2026),  # DST at 02:45, offsets of quarter hours
        ("Asia/Taipei", 2026),
        ("Australia/Darwin", 2026),
        ("Asia/Kathmandu", 2026),
        ("America/Sao_Paulo", 2018),  # DST moved to November in 2018
        ("America/Sao_Paulo", 2020),  # DST abolished in 2019
        ("Africa/Casablanca", 2026),  # moves with Ramadan: no yearly rule
        ("America/New_York", 2007),  # the US rules changed: a rule stops with UNTIL
        ("Australia/Sydney", 2008),  # Australia's too, east of Greenwich, where UNTIL's Z matters
    ],
)
def test_every_reader_finds_the_oracles_instants(name, year):
    wrong = []
    for wall in walls(name, year):
        start = wall.replace(tzinfo=oracle(name)).astimezone(UTC)
        expected = (start, start + LENGTH)
        for instant in expected:
            assert classify(instant.astimezone(oracle(name)).replace(tzinfo=None), name).kind == "normal"
        private = f"forum-test-{uuid.uuid4().hex}"
        body = ics(name, start).replace(name.encode(), private.encode())
        assert body.count(private.encode()) == 3  # the VTIMEZONE, DTSTART and DTEND
        for reader in READERS:
            found = reader(body)
            assert all(value.utcoffset() is not None for value in found), "read as floating time"
            if tuple(value.astimezone(UTC) for value in found) != expected:
                wrong.append((reader.__name__, wall, found))
    assert wrong == []


@pytest.mark.parametrize(
    "name, rules",
    [
        ("America/New_York", [("DAYLIGHT", 3, "2SU"), ("STANDARD", 11, "1SU")]),
        ("Europe/Amsterdam", [("DAYLIGHT", 3, "-1SU"), ("STANDARD", 10, "-1SU")]),
        ("Pacific/Auckland", [("DAYLIGHT", 9, "-1SU"), ("STANDARD", 4, "1SU")]),
        ("Pacific/Chatham", [("DAYLIGHT", 9, "-1SU"), ("STANDARD", 4, "1SU")]),
    ],
)
@pytest.mark.parametrize("month", [1, 4, 7, 10])
def test_a_zone_with_a_yearly_rule_states_it_as_an_rrule(name, rules, month):
    """Outlook keeps only a yearly rule from a VTIMEZONE: the RRULE is all there is."""
    component = vtimezone(ics(name, datetime(2026, month, 15, 12, tzinfo=UTC)))
    found = []
    for block in component.subcomponents:
        assert "RDATE" not in block
        rule = block["RRULE"]
        assert (rule["FREQ"], "UNTIL" in rule) == (["YEARLY"], False)
        found.append((block.name, *rule["BYMONTH"], *rule["BYDAY"]))
    assert sorted(found) == rules


@pytest.mark.parametrize(
    "name, start",
    [
        ("Asia/Taipei", datetime(2026, 7, 15, 8, tzinfo=UTC)),
        ("Australia/Darwin", datetime(2026, 1, 15, 2, tzinfo=UTC)),
        ("Asia/Kathmandu", datetime(2026, 1, 15, 6, tzinfo=UTC)),
        ("America/Sao_Paulo", datetime(2020, 7, 15, 15, tzinfo=UTC)),
    ],
)
def test_a_zone_without_dst_keeps_one_standard_block(name, start):
    (block,) = vtimezone(ics(name, start)).subcomponents
    assert block.name == "STANDARD" and "RRULE" not in block
    assert block["TZOFFSETTO"].td == start.astimezone(oracle(name)).utcoffset()


def test_irregular_changes_keep_one_rdate_line_each():
    """ical.js and vobject read only the first value of a comma-separated RDATE."""
    body = ics("Africa/Casablanca", datetime(2026, 7, 15, 12, tzinfo=UTC))
    blocks = vtimezone(body).subcomponents
    assert len(blocks) >= 3 and all("RRULE" not in block for block in blocks)
    lines = set(re.findall(rb"\r\nRDATE:([^\r]*)", body))
    assert all(b"," not in line for line in lines)
    assert lines >= {block["DTSTART"].to_ical() for block in blocks}  # the DTSTART onset repeated


@pytest.mark.parametrize(
    "name, start, old_rule",
    [
        ("America/New_York", datetime(2007, 1, 15, 17, tzinfo=UTC), ("STANDARD", [10], ["-1SU"])),
        ("Australia/Sydney", datetime(2008, 1, 15, 2, tzinfo=UTC), ("DAYLIGHT", [10], ["-1SU"])),
    ],
)
def test_a_rule_that_changed_stops_with_until_in_utc(name, start, old_rule):
    """The US (2007) and Australia (2008) moved their DST dates: the old rule
    stops with UNTIL in UTC at its last change, or later on that day east of
    Greenwich, where UNTIL's digits read as wall-clock time must reach it too."""
    component = vtimezone(ics(name, start))
    (old,) = [block for block in component.subcomponents if "RRULE" in block]
    assert (old.name, old["RRULE"]["BYMONTH"], old["RRULE"]["BYDAY"]) == old_rule
    (until,) = old["RRULE"]["UNTIL"]
    last_change = oracle_transitions(name, start.year - 1)[-1]
    assert until.utcoffset() == timedelta(0) and last_change <= until < last_change + timedelta(hours=14)


def wall_clock_readers(body: bytes) -> dict[str, Callable[[datetime], timedelta]]:
    """The VTIMEZONE's offset at a wall-clock time (the way DTSTART is read)
    in icalendar's own transition table and in vobject's dateutil tzical."""
    icalendar_zone = vtimezone(body).to_tz(TZP("pytz"), lookup_tzid=False)
    vobject_zone = vobject.readOne(body.decode()).vtimezone.gettzinfo()
    return {
        "icalendar": lambda wall: icalendar_zone.localize(wall).utcoffset(),
        "vobject": lambda wall: wall.replace(tzinfo=vobject_zone).utcoffset(),
    }


@pytest.mark.slow  # every zone, three times: half a minute each
@pytest.mark.parametrize("year", [1996, 2007, 2026])  # Europe, then North America changed their rules
def test_every_zone_has_the_oracles_offsets_over_the_window(year):
    """Every zone, two hours either side of each change in the window of an
    event on 1 July (a wall time that happens twice names no one instant)."""
    event = datetime(year, 7, 1, tzinfo=UTC)
    checked, wrong = 0, []
    for name in (name for name in pytz.common_timezones if name != "UTC"):  # written as ...Z, no VTIMEZONE
        readers = wall_clock_readers(ics(name, event))
        for change in (c for y in (year - 1, year, year + 1) for c in oracle_transitions(name, y)):
            for instant in (change - timedelta(hours=2), change + timedelta(hours=2)):
                local = instant.astimezone(oracle(name))
                wall = local.replace(tzinfo=None)
                if abs(instant - event) < calendar.ZONE_WINDOW and classify(wall, name).kind == "normal":
                    checked += 1
                    wrong += [(name, wall, by) for by, reader in readers.items() if reader(wall) != local.utcoffset()]
    assert checked > 500 and wrong == []
