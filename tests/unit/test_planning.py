"""Agenda rules on plain objects: clashes, swaps, shifts, days and markers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from forum import planning

T0 = datetime(2026, 5, 6, 8, 0, tzinfo=UTC)


@dataclass
class S:
    id: int
    start_utc: datetime
    end_utc: datetime
    track: str = ""
    position: int = 0

    @property
    def duration(self):
        return self.end_utc - self.start_utc


def slot(i, start_min, end_min, track=""):
    return S(i, T0 + timedelta(minutes=start_min), T0 + timedelta(minutes=end_min), track)


def test_clashes_respect_tracks_and_plenary():
    assert planning.clashes(slot(1, 0, 30), slot(2, 20, 40))
    assert not planning.clashes(slot(1, 0, 30), slot(2, 30, 40))  # touching is fine
    assert not planning.clashes(slot(1, 0, 30, "A"), slot(2, 0, 30, "B"))
    assert planning.clashes(slot(1, 0, 30, "A"), slot(2, 0, 30, "A"))
    assert planning.clashes(slot(1, 0, 30), slot(2, 10, 20, "B"))  # plenary vs any track


def test_overlap_warnings_pair_both_ways():
    a, b, c = slot(1, 0, 60), slot(2, 10, 20), slot(3, 70, 80)
    found = planning.overlap_warnings([c, b, a])
    assert [s.id for s in found[1]] == [2] and [s.id for s in found[2]] == [1]
    assert 3 not in found


def test_swap_keeps_block_and_gap():
    a, b = slot(1, 0, 10), slot(2, 15, 60)
    moves = {s.id: (start, end) for s, start, end in planning.swap_times(a, b)}
    assert moves[2] == (T0, T0 + timedelta(minutes=45))
    assert moves[1] == (T0 + timedelta(minutes=50), T0 + timedelta(minutes=60))


def test_neighbour_stays_in_track():
    slots = [slot(1, 0, 10, "A"), slot(2, 0, 10, "B"), slot(3, 10, 20, "A")]
    assert planning.neighbour(slots, slots[0], 1).id == 3
    assert planning.neighbour(slots, slots[0], -1) is None
    assert planning.neighbour(slots, slots[1], 1) is None


def test_shift_keeps_real_duration_across_dst():
    """A slot moved across the European spring change keeps its 60 real minutes."""
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    s = S(1, start, start + timedelta(hours=1))
    (_, new_start, new_end), = planning.shifted([s], 60)
    assert new_end - new_start == timedelta(hours=1)
    local = ZoneInfo("Europe/Amsterdam")
    assert (new_start.astimezone(local).hour, new_end.astimezone(local).hour) == (3, 4)


def test_slots_from_includes_the_slot_and_later():
    slots = [slot(1, 0, 10), slot(2, 10, 20), slot(3, 20, 30)]
    assert [s.id for s in planning.slots_from(slots, slots[1])] == [2, 3]


def test_event_days_and_within_days_in_event_zone():
    start = datetime(2026, 5, 6, 8, 0, tzinfo=UTC)  # 16:00 Taipei
    days = planning.event_days(start, start + timedelta(hours=2), "Asia/Taipei")
    assert days == (datetime(2026, 5, 6).date(),) * 2
    midnight_taipei = datetime(2026, 5, 5, 16, 0, tzinfo=UTC)
    assert planning.within_days(midnight_taipei, midnight_taipei + timedelta(hours=24), days, "Asia/Taipei")
    assert not planning.within_days(midnight_taipei - timedelta(minutes=1), midnight_taipei, days, "Asia/Taipei")
    end_exactly_midnight = planning.event_days(start, datetime(2026, 5, 6, 16, 0, tzinfo=UTC), "Asia/Taipei")
    assert end_exactly_midnight[1] == datetime(2026, 5, 6).date()


def test_now_and_next():
    slots = [slot(1, 0, 30), slot(2, 30, 60), slot(3, 30, 45, "B"), slot(4, 60, 90)]
    now = T0 + timedelta(minutes=10)
    assert planning.now_and_next(slots, now) == {1: "now", 2: "next", 3: "next"}
    assert planning.now_and_next(slots, T0 + timedelta(minutes=100)) == {}


def test_agenda_days_group_by_viewer_day_with_end_note():
    late = S(1, datetime(2026, 5, 6, 23, 30, tzinfo=UTC), datetime(2026, 5, 7, 0, 30, tzinfo=UTC))
    days = planning.agenda_days([late], "UTC", "Asia/Taipei", now=T0)
    assert [d.label for d in days] == ["Wed 6 May 2026"]
    entry = days[0].entries[0]
    assert (entry.start, entry.end, entry.end_day_note) == ("23:30", "00:30", "(+1d)")
    assert (entry.event_start, entry.event_end) == ("07:30", "08:30")


def _taipei(hour: int, minute: int = 0) -> datetime:
    return datetime(2020, 4, 29, hour, minute, tzinfo=ZoneInfo("Asia/Taipei")).astimezone(UTC)


@pytest.mark.parametrize("start, end, zone, expected_local, night", [
    ((16, 0), (18, 0), "Europe/Amsterdam", "10:00", False),   # GO SMART in Utrecht
    ((16, 0), (18, 0), "Australia/Darwin", "17:30", False),   # and in Darwin
    ((9, 0), (10, 0), "Europe/Amsterdam", "03:00", True),     # a 09:00 Taipei slot: 03:00 in Utrecht
    ((16, 0), (18, 0), "America/New_York", "04:00", True),
    ((21, 0), (22, 30), "Asia/Seoul", "22:00", True),          # ends 23:30 in Seoul
    ((6, 0), (7, 0), "Asia/Taipei", "06:00", True),
])
def test_night_warning_against_zoneinfo(start, end, zone, expected_local, night):
    begin, finish = _taipei(*start), _taipei(*end)
    local = begin.astimezone(ZoneInfo(zone))
    assert f"{local:%H:%M}" == expected_local
    warning = planning.night_warning(begin, finish, zone)
    assert (warning is not None) == night
    if night:
        assert warning.startswith(f"{local:%H:%M}–{finish.astimezone(ZoneInfo(zone)):%H:%M} in {zone}")


def test_double_bookings_pair_overlaps_of_one_person_only():
    a = planning.Engagement("wim@x", 1, _taipei(16), _taipei(17), "Talk (Forum)")
    b = planning.Engagement("wim@x", 2, _taipei(16, 30), _taipei(17, 30), "Panel (Summit)")
    c = planning.Engagement("wim@x", 3, _taipei(17, 30), _taipei(18), "Q&A (Forum)")  # touches b: no clash
    d = planning.Engagement("kim@x", 4, _taipei(16), _taipei(17), "Talk (Forum)")
    found = planning.double_bookings([a, b, c, d])
    assert found == {("wim@x", 1): [b], ("wim@x", 2): [a]}
