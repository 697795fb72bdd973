"""The independent oracle for time-zone tests: the standard library's zoneinfo
reading the `tzdata` package (never the system's /usr/share/zoneinfo), so the
module under test (pytz) never chooses its own answers or test cases."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from zoneinfo import ZoneInfo


@functools.cache
def oracle(name: str) -> ZoneInfo:
    """`name` as zoneinfo reads it from the tzdata package.

    ZoneInfo.from_file leaves zoneinfo's global search path and cache alone,
    so nothing else in the test session is affected."""
    with resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).open("rb") as f:
        return ZoneInfo.from_file(f, key=name)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def oracle_offset(instant: datetime, name: str) -> timedelta:
    return instant.astimezone(oracle(name)).utcoffset()


@dataclass(frozen=True)
class Wall:
    """What the oracle says a naive wall-clock time is in one zone."""

    kind: str  # "gap", "ambiguous" or "normal"
    instants: tuple[datetime, ...]  # none; (fold=0, fold=1); or the one instant


def classify(local: datetime, name: str) -> Wall:
    """Classify `local` in `name` the oracle's way.

    zoneinfo accepts any wall time and picks an offset by `fold` (PEP 495),
    so whether the time exists has to be tested: it exists if it survives the
    round trip through UTC. Both folds are tried: in a gap neither survives,
    in an overlap both do, with different instants."""
    zone = oracle(name)
    survivors = []
    for fold in (0, 1):
        instant = local.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == local:
            survivors.append(instant)
    if not survivors:
        return Wall("gap", ())
    assert len(survivors) == 2, f"the oracle exists {local} in {name} for one fold only"
    first, second = survivors
    if first == second:
        return Wall("normal", (first,))
    assert first < second, "PEP 495: fold=0 is the earlier of the two instants"
    return Wall("ambiguous", (first, second))


@functools.cache
def oracle_transitions(name: str, year: int) -> tuple[datetime, ...]:
    """The UTC instants in `year` at which the oracle's offset for `name` changes.

    Random instants almost never land in a gap or an overlap, so the
    properties aim at these. zoneinfo keeps its transition list private, and
    taking pytz's would let the module under test choose its own test cases:
    step through the year in 6-hour strides (no zone changes twice within 6
    hours in 1990-2037) and bisect every change down to the second."""
    zone = oracle(name)

    def offset(ts: int) -> timedelta:
        return datetime.fromtimestamp(ts, UTC).astimezone(zone).utcoffset()

    stride = 6 * 3600
    start, end = (int(utc(y, 1, 1).timestamp()) for y in (year, year + 1))
    changes = []
    previous = offset(start)
    for t in range(start, end, stride):
        following = offset(t + stride)
        if following != previous:
            low, high = t, t + stride  # offset(low) == previous != offset(high)
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == previous else (low, middle)
            changes.append(datetime.fromtimestamp(high, UTC))
        previous = following
    return tuple(changes)


def walls_at(change: datetime, name: str) -> tuple[datetime, datetime]:
    """The wall clock just before and just after a change: the ends of the
    gap it opens or of the overlap it repeats."""
    zone = oracle(name)
    before = (change - timedelta(seconds=1)).astimezone(zone).replace(tzinfo=None)
    after = change.astimezone(zone).replace(tzinfo=None)
    return before + timedelta(seconds=1), after


def oracle_start_of_day(day: date, name: str) -> datetime:
    """The first instant at which the calendar in `name` shows `day` or later.

    Usually midnight (its first occurrence if it happens twice); if midnight
    is in a gap, the change that jumps over it; if the whole day is skipped
    (Pacific/Apia, 2011-12-30), the change that jumps over it to the next day,
    which is also where that next day starts."""
    zone = oracle(name)
    midnight = classify(datetime.combine(day, time()), name)
    candidates = list(midnight.instants[:1])
    for year in (day.year - 1, day.year, day.year + 1):
        for change in oracle_transitions(name, year):
            before = (change - timedelta(seconds=1)).astimezone(zone).date()
            if before < day <= change.astimezone(zone).date():
                candidates.append(change)
    return min(candidates)


def oracle_comfort(start: datetime, end: datetime, zone: str, window: tuple[str, str]) -> str:
    """The planner issue's definitions, one real minute at a time: "inside"
    when every minute is in the window (an end before the start wraps past
    midnight), "night" when any minute is 22:00-07:00 local, otherwise
    "early_late"."""
    first, last = (int(text[:2]) * 60 + int(text[3:]) for text in window)
    inside, night, minute = True, False, start
    while minute < end:
        local = minute.astimezone(oracle(zone))
        of_day = local.hour * 60 + local.minute
        inside = inside and (first <= of_day < last if first < last else of_day >= first or of_day < last)
        night = night or of_day >= 22 * 60 or of_day < 7 * 60
        minute += timedelta(minutes=1)
    return "inside" if inside else "night" if night else "early_late"
