"""forum.timezones against an independent oracle: the standard library's zoneinfo.

The oracle reads the `tzdata` package, the same tz release as pytz's, so a
disagreement is a bug in our module, not two databases of different ages.
"""
from __future__ import annotations

import functools
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from zoneinfo import ZoneInfo

import pytest
import pytz
from hypothesis import event, given, settings
from hypothesis import strategies as st

from forum import timezones

UTC = timezone.utc
ZONES = sorted(pytz.all_timezones)


@functools.lru_cache(maxsize=None)
def oracle(name: str) -> ZoneInfo:
    """zoneinfo built from the tzdata package, not from /usr/share/zoneinfo."""
    path = resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    with path.open("rb") as f:
        return ZoneInfo.from_file(f, key=name)


def classify(local: datetime, name: str) -> tuple[str, list[datetime]]:
    """'gap', 'ambiguous' or 'normal' for a naive wall time, with its UTC instant(s)."""
    zone = oracle(name)
    instants = []
    for fold in (0, 1):
        aware = local.replace(tzinfo=zone, fold=fold)
        instant = aware.astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) != local:
            return "gap", []
        instants.append(instant)
    if instants[0] != instants[1]:
        return "ambiguous", sorted(instants)
    return "normal", instants[:1]


instants = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2037, 12, 31)).map(
    lambda naive: naive.replace(tzinfo=UTC)
)
walls = st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2037, 12, 30)).map(
    lambda naive: naive.replace(microsecond=0)
)


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(ZONES), instants)
def test_utc_to_zone_matches_oracle(name, instant):
    ours = timezones.to_zone(instant, name)
    theirs = instant.astimezone(oracle(name))
    assert ours.replace(tzinfo=None) == theirs.replace(tzinfo=None)
    assert ours.utcoffset() == theirs.utcoffset()
    assert timezones.isoformat(instant, name) == theirs.isoformat(timespec="seconds")


def check_localize(name: str, local: datetime) -> str:
    kind, expected = classify(local, name)
    if kind == "gap":
        with pytest.raises(timezones.NonExistentLocalTime):
            timezones.localize(local, name)
    elif kind == "ambiguous":
        with pytest.raises(timezones.AmbiguousLocalTime) as raised:
            timezones.localize(local, name)
        assert [c.utc for c in raised.value.choices] == expected
        assert [timezones.localize(local, name, fold) for fold in (0, 1)] == expected
    else:
        assert timezones.localize(local, name) == expected[0]
    return kind


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(ZONES), walls)
def test_localize_matches_oracle(name, local):
    check_localize(name, local)


def _transition_walls(name: str) -> list[datetime]:
    """Wall times right around each of a zone's transitions: where bugs live."""
    zone = pytz.timezone(name)
    found = []
    for moment in getattr(zone, "_utc_transition_times", [])[1:]:
        if datetime(1990, 1, 2) < moment < datetime(2037, 12, 30):
            last_wall = (moment - timedelta(minutes=1)).replace(tzinfo=UTC).astimezone(oracle(name))
            for minutes in (-60, -30, 0, 1, 30, 59, 61, 90):
                # Wall clocks counted on from just before the change: the
                # ones a spring-forward skips and a fall-back repeats.
                found.append(last_wall.replace(tzinfo=None) + timedelta(minutes=minutes + 1))
    return found


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(ZONES).flatmap(lambda name: st.tuples(st.just(name), st.sampled_from(_transition_walls(name) or [datetime(2000, 1, 1)]))))
def test_localize_near_transitions_matches_oracle(case):
    """Random instants rarely hit a gap or an overlap; these aim at them."""
    name, local = case
    event(check_localize(name, local))


def _offset(name: str, wall: datetime) -> timedelta:
    return timezones.to_zone(timezones.localize(wall, name), name).utcoffset()


def test_darwin_has_no_dst():
    for month in (1, 7):
        wall = datetime(2026, month, 15, 12, 0)
        assert _offset("Australia/Darwin", wall) == timedelta(hours=9, minutes=30)
        assert wall.replace(tzinfo=oracle("Australia/Darwin")).utcoffset() == timedelta(hours=9, minutes=30)


def test_kathmandu_quarter_hour():
    instant = timezones.localize(datetime(2026, 5, 6, 12, 0), "Asia/Kathmandu")
    assert instant == datetime(2026, 5, 6, 12, 0, tzinfo=oracle("Asia/Kathmandu"))
    assert timezones.format_offset(timezones.utc_offset("Asia/Kathmandu", instant)) == "+05:45"


@pytest.mark.parametrize("month, offset", [(7, "+12:45"), (1, "+13:45")])
def test_chatham(month, offset):
    instant = datetime(2026, month, 15, tzinfo=UTC)
    assert timezones.format_offset(timezones.utc_offset("Pacific/Chatham", instant)) == offset
    oracle_offset = instant.astimezone(oracle("Pacific/Chatham")).utcoffset()
    assert timezones.format_offset(oracle_offset) == offset


@pytest.mark.parametrize("year, offset", [(2019, "-02:00"), (2020, "-03:00"), (2026, "-03:00")])
def test_sao_paulo_abolished_dst_in_2019(year, offset):
    instant = datetime(year, 1, 15, 15, 0, tzinfo=UTC)
    assert timezones.format_offset(timezones.utc_offset("America/Sao_Paulo", instant)) == offset
    assert timezones.isoformat(instant, "America/Sao_Paulo") == instant.astimezone(oracle("America/Sao_Paulo")).isoformat()


@pytest.mark.parametrize("wall, name", [
    (datetime(2026, 3, 29, 2, 30), "Europe/Amsterdam"),
    (datetime(2026, 3, 8, 2, 30), "America/New_York"),
    (datetime(2026, 9, 27, 2, 30), "Pacific/Auckland"),
])
def test_gaps_are_refused_with_an_explanation(wall, name):
    assert classify(wall, name)[0] == "gap"
    with pytest.raises(timezones.NonExistentLocalTime) as raised:
        timezones.localize(wall, name)
    message = str(raised.value)
    assert f"{wall:%H:%M} on {wall:%Y-%m-%d} does not exist in {name}" in message


@pytest.mark.parametrize("wall, name, first, second", [
    (datetime(2026, 11, 1, 1, 30), "America/New_York", "05:30", "06:30"),
    (datetime(2026, 10, 25, 2, 30), "Europe/Amsterdam", "00:30", "01:30"),
    (datetime(2026, 4, 5, 2, 30), "Pacific/Auckland", "13:30", "14:30"),
])
def test_overlaps_ask_which_instant(wall, name, first, second):
    kind, expected = classify(wall, name)
    assert kind == "ambiguous"
    with pytest.raises(timezones.AmbiguousLocalTime) as raised:
        timezones.localize(wall, name)
    choices = raised.value.choices
    assert [c.utc.strftime("%H:%M") for c in choices] == [first, second]
    assert [c.utc for c in choices] == expected
    assert "first" in choices[0].label and "second" in choices[1].label
    assert "happens twice" in str(raised.value)
    assert timezones.localize(wall, name, fold=1) == expected[1]


def test_go_smart_workshop():
    start = timezones.localize(datetime(2020, 4, 29, 16, 0), "Asia/Taipei")
    assert start == datetime(2020, 4, 29, 8, 0, tzinfo=UTC)
    assert timezones.utc_isoformat(start) == "2020-04-29T08:00:00Z"
    assert timezones.isoformat(start, "Asia/Taipei") == "2020-04-29T16:00:00+08:00"  # never +08:06 (LMT)
    assert timezones.isoformat(start, "Europe/Amsterdam") == "2020-04-29T10:00:00+02:00"
    assert timezones.format_time(start, "Australia/Darwin") == "17:30"
    for name in ("Europe/Amsterdam", "Australia/Darwin", "Asia/Seoul"):
        assert timezones.isoformat(start, name) == start.astimezone(oracle(name)).isoformat()


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "asia/taipei", "Asia/Taipei ", "../etc/passwd"])
def test_unknown_zones_are_named_in_the_error(name):
    assert not timezones.is_valid_zone(name)
    with pytest.raises(timezones.UnknownTimezone) as raised:
        timezones.localize(datetime(2026, 1, 1), name)
    assert f"“{name}”" in str(raised.value)


def test_naive_and_aware_are_not_mixed_up():
    with pytest.raises(ValueError):
        timezones.localize(datetime(2026, 1, 1, tzinfo=UTC), "UTC")
    with pytest.raises(ValueError):
        timezones.to_zone(datetime(2026, 1, 1), "UTC")


def test_parse_local():
    assert timezones.parse_local("2026-03-29T02:30") == datetime(2026, 3, 29, 2, 30)
    for text, words in [("2026-03-29T02:30+01:00", "carries a UTC offset"), ("tomorrow", "is not a date and time")]:
        with pytest.raises(ValueError, match=words) as raised:
            timezones.parse_local(text)
        assert text in str(raised.value)


def test_start_of_day_when_midnight_does_not_exist():
    """Santiago springs forward at 00:00 (to 01:00) on 2022-09-11: the day starts at 01:00."""
    day = date(2022, 9, 11)
    assert classify(datetime(2022, 9, 11, 0, 0), "America/Santiago")[0] == "gap"
    first = timezones.start_of_day(day, "America/Santiago")
    expected = datetime(2022, 9, 11, 1, 0, tzinfo=oracle("America/Santiago"))
    assert first == expected
    assert timezones.start_of_day(date(2026, 5, 6), "Asia/Taipei") == datetime(2026, 5, 5, 16, 0, tzinfo=UTC)


def test_zone_options_show_offsets():
    at = datetime(2026, 1, 15, tzinfo=UTC)
    options = {o.name: o.offset for o in timezones.zone_options(at)}
    assert options["Asia/Taipei"] == "+08:00"
    assert options["Asia/Kathmandu"] == "+05:45"
    assert options["Pacific/Chatham"] == "+13:45"
    assert all(timezones.is_valid_zone(name) for name in options)
    assert {o.name: o.offset for o in timezones.zone_options(datetime(2026, 7, 15, tzinfo=UTC))}["Pacific/Chatham"] == "+12:45"
