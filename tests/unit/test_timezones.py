"""forum.timezones checked against an independent oracle: the standard library's zoneinfo.

pytz (behind the module) and zoneinfo are separate implementations of the tz
rules. The oracle reads the `tzdata` package, never the system's
/usr/share/zoneinfo (whatever release the OS happens to ship), and
test_oracle_reads_the_same_tz_release_as_pytz pins both to one release, so a
disagreement is a bug in our module, not two databases of different ages.

The properties cover every zone name from 1990 to 2037. Outside that range the
two disagree for reasons that are pytz's data format, not our code: pytz reads
only the 32-bit part of its files, so it knows no transitions before 1901-12-13
and none after 2037 (in 2038 New York stays on EST all summer), and it rounds
old local-mean-time offsets to whole minutes.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import pytz
import tzdata
from hypothesis import event, given, settings
from hypothesis import strategies as st

from forum import timezones
from forum.timezones import AmbiguousLocalTime, NonExistentLocalTime, UnknownTimezone
from tests.support.oracle import (
    Wall,
    classify,
    oracle,
    oracle_offset,
    oracle_start_of_day,
    oracle_transitions,
    utc,
    walls_at,
)

ZONES = sorted(pytz.all_timezones)
FIRST_YEAR, LAST_YEAR = 1990, 2037
PROPERTY = settings(max_examples=2000, deadline=None)  # seconds each: marked slow, out of `make test-fast`


def test_oracle_reads_the_same_tz_release_as_pytz():
    """Both sides must use one tz database release, or rule changes between
    releases would show up as failures here."""
    assert pytz.OLSON_VERSION == tzdata.IANA_VERSION
    assert oracle("Asia/Taipei").key == "Asia/Taipei"


# --- strategies -------------------------------------------------------------

zone_names = st.sampled_from(ZONES)
utc_instants = st.datetimes(
    min_value=datetime(FIRST_YEAR, 1, 1),
    max_value=datetime(LAST_YEAR, 12, 31, 23, 59, 59),
    timezones=st.just(UTC),
)
walls = st.datetimes(min_value=datetime(FIRST_YEAR, 1, 1), max_value=datetime(LAST_YEAR, 12, 31, 23, 59, 59))

#: How far from the edge of a gap or overlap an aimed wall time may fall, in
#: microseconds; the exact edges and their neighbours are drawn more often.
NEAR = st.one_of(
    st.sampled_from([-1_000_000, -1, 0, 1, 1_000_000]),
    st.integers(-2 * 3600 * 10**6, 2 * 3600 * 10**6),
)


@st.composite
def zone_and_change(draw) -> tuple[str, int, datetime | None]:
    """A zone, a year and one of the oracle's changes in it (None if the zone
    did not change that year)."""
    name = draw(zone_names)
    year = draw(st.integers(FIRST_YEAR, LAST_YEAR))
    changes = oracle_transitions(name, year)
    return name, year, draw(st.sampled_from(changes)) if changes else None


@st.composite
def zone_and_wall_near_a_change(draw) -> tuple[str, datetime]:
    """A zone and a wall time close to a gap or an overlap, where bugs live."""
    name, year, change = draw(zone_and_change())
    if change is None:
        wall = draw(st.datetimes(min_value=datetime(year, 1, 1), max_value=datetime(year, 12, 31, 23, 59)))
        return name, wall
    edge = draw(st.sampled_from(walls_at(change, name)))
    return name, edge + timedelta(microseconds=draw(NEAR))


@st.composite
def zone_and_day_near_a_change(draw) -> tuple[str, date]:
    """A zone and a local day on or next to one of its changes."""
    name, year, change = draw(zone_and_change())
    if change is None:
        return name, draw(st.dates(min_value=date(year, 1, 1), max_value=date(year, 12, 31)))
    before, after = walls_at(change, name)
    day = draw(st.sampled_from([before.date(), after.date()]))
    return name, day + timedelta(days=draw(st.integers(-1, 1)))


# --- properties against the oracle -----------------------------------------


@pytest.mark.slow
@PROPERTY
@given(zone_names, utc_instants)
def test_to_zone_matches_the_oracle(name, instant):
    ours = timezones.to_zone(instant, name)
    theirs = instant.astimezone(oracle(name))
    assert ours.replace(tzinfo=None) == theirs.replace(tzinfo=None)
    assert ours.utcoffset() == theirs.utcoffset()
    assert timezones.isoformat(instant, name) == theirs.isoformat(timespec="seconds")


def assert_localize_matches_the_oracle(local: datetime, name: str) -> str:
    """localize() against classify(), for every value of `fold`; returns the kind."""
    expected = classify(local, name)
    if expected.kind == "gap":
        for fold in (None, 0, 1):  # fold chooses between two instants; a gap has none
            with pytest.raises(NonExistentLocalTime):
                timezones.localize(local, name, fold)
    elif expected.kind == "ambiguous":
        with pytest.raises(AmbiguousLocalTime) as raised:
            timezones.localize(local, name)
        choices = raised.value.choices
        assert [choice.utc for choice in choices] == list(expected.instants)
        assert [choice.fold for choice in choices] == [0, 1]
        for choice in choices:
            offset = timezones.format_offset(oracle_offset(choice.utc, name))
            assert f"UTC{offset}" in choice.label
        assert [timezones.localize(local, name, fold) for fold in (0, 1)] == list(expected.instants)
    else:
        for fold in (None, 0, 1):  # fold only matters in an overlap
            instant = timezones.localize(local, name, fold)
            assert instant == expected.instants[0]
            assert instant.utcoffset() == timedelta(0)
    return expected.kind


@pytest.mark.slow
@PROPERTY
@given(zone_names, walls)
def test_localize_matches_the_oracle(name, local):
    event(assert_localize_matches_the_oracle(local, name))


@pytest.mark.slow
@PROPERTY
@given(zone_and_wall_near_a_change())
def test_localize_matches_the_oracle_near_changes(case):
    name, local = case
    event(assert_localize_matches_the_oracle(local, name))


@pytest.mark.slow
@settings(max_examples=500, deadline=None)
@given(zone_and_day_near_a_change())
def test_start_of_day_matches_the_oracle(case):
    name, day = case
    assert timezones.start_of_day(day, name) == oracle_start_of_day(day, name)


# --- named zones --------------------------------------------------------------


def offset_in(name: str, instant: datetime) -> str:
    """The module's offset for `name` at `instant`, after checking it against the oracle."""
    offset = timezones.utc_offset(name, instant)
    assert offset == oracle_offset(instant, name)
    return timezones.format_offset(offset)


@pytest.mark.parametrize(
    "name, january, july",
    [
        ("Australia/Darwin", "+09:30", "+09:30"),  # no DST
        ("Asia/Kathmandu", "+05:45", "+05:45"),
        ("Pacific/Chatham", "+13:45", "+12:45"),  # southern summer in January
        ("Australia/Lord_Howe", "+11:00", "+10:30"),  # DST of half an hour
        ("Pacific/Marquesas", "-09:30", "-09:30"),  # negative and not whole hours
        ("America/St_Johns", "-03:30", "-02:30"),
        ("Asia/Taipei", "+08:00", "+08:00"),
    ],
)
def test_offsets_that_are_not_whole_hours(name, january, july):
    assert offset_in(name, utc(2026, 1, 15, 12)) == january
    assert offset_in(name, utc(2026, 7, 15, 12)) == july


def test_sao_paulo_had_dst_until_2019_and_none_after():
    assert offset_in("America/Sao_Paulo", utc(2019, 1, 15, 12)) == "-02:00"
    assert offset_in("America/Sao_Paulo", utc(2020, 1, 15, 12)) == "-03:00"
    for year in range(2020, LAST_YEAR + 1):
        assert oracle_transitions("America/Sao_Paulo", year) == ()
        for month in (1, 4, 7, 10):
            assert offset_in("America/Sao_Paulo", utc(year, month, 15, 12)) == "-03:00"


@pytest.mark.parametrize(
    "local, name",
    [
        (datetime(2026, 3, 29, 2, 30), "Europe/Amsterdam"),
        (datetime(2026, 3, 8, 2, 30), "America/New_York"),
        (datetime(2026, 10, 4, 2, 15), "Australia/Lord_Howe"),  # a 30-minute gap
    ],
)
def test_times_in_a_gap_are_refused_with_an_explanation(local, name):
    assert classify(local, name).kind == "gap"
    with pytest.raises(NonExistentLocalTime) as raised:
        timezones.localize(local, name)
    message = str(raised.value)
    assert f"{local:%H:%M}" in message and f"{local:%Y-%m-%d}" in message and name in message
    assert (raised.value.local, raised.value.zone_name) == (local, name)


@pytest.mark.parametrize(
    "local, name, first, second",
    [
        (datetime(2026, 11, 1, 1, 30), "America/New_York", utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)),
        (datetime(2026, 10, 25, 2, 30), "Europe/Amsterdam", utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30)),
        (datetime(2026, 4, 5, 1, 45), "Australia/Lord_Howe", utc(2026, 4, 4, 14, 45), utc(2026, 4, 4, 15, 15)),
    ],
)
def test_times_in_an_overlap_ask_which_one(local, name, first, second):
    assert classify(local, name) == Wall("ambiguous", (first, second))
    with pytest.raises(AmbiguousLocalTime) as raised:
        timezones.localize(local, name)
    assert [choice.utc for choice in raised.value.choices] == [first, second]
    assert "first" in raised.value.choices[0].label and "second" in raised.value.choices[1].label
    assert f"{local:%H:%M}" in str(raised.value) and name in str(raised.value)
    assert timezones.localize(local, name, fold=0) == first
    assert timezones.localize(local, name, fold=1) == second


def test_go_smart_workshop_seen_from_three_zones():
    """The demo event: 16:00 in Taipei on 2020-04-29."""
    start = timezones.localize(datetime(2020, 4, 29, 16, 0), "Asia/Taipei")
    assert start == utc(2020, 4, 29, 8, 0)
    assert start == datetime(2020, 4, 29, 16, 0, tzinfo=oracle("Asia/Taipei"))
    assert timezones.utc_isoformat(start) == "2020-04-29T08:00:00Z"
    expected = {
        "Asia/Taipei": "2020-04-29T16:00:00+08:00",
        "Europe/Amsterdam": "2020-04-29T10:00:00+02:00",
        "Australia/Darwin": "2020-04-29T17:30:00+09:30",
    }
    for name, text in expected.items():
        assert timezones.isoformat(start, name) == text
        assert start.astimezone(oracle(name)).isoformat() == text
    assert timezones.format_time(start, "Australia/Darwin") == "17:30"


@pytest.mark.parametrize("year", [1, 202, 999, 2026])
def test_every_writer_gives_four_digit_years(year):
    """strftime("%Y") writes year 202 as "202" on Linux, which is not ISO 8601."""
    instant = utc(year, 4, 29, 9, 54)
    text = timezones.utc_isoformat(instant)
    assert text == f"{year:04d}-04-29T09:54:00Z"
    assert timezones.parse_utc(text) == instant
    assert timezones.isoformat(instant, "UTC") == f"{year:04d}-04-29T09:54:00+00:00"
    assert timezones.format_day(instant, "UTC").endswith(f" 29 Apr {year:04d}")
    gap = NonExistentLocalTime(datetime(year, 3, 29, 2, 30), "Europe/Amsterdam")
    assert f"02:30 on {year:04d}-03-29 " in str(gap)


def test_taipei_never_gets_its_local_mean_time_offset():
    """pytz's pitfall is real here (tzinfo= gives +08:06, Taipei's LMT), and
    the module never falls into it, in either direction."""
    taipei = pytz.timezone("Asia/Taipei")
    assert datetime(2020, 4, 29, 16, 0, tzinfo=taipei).utcoffset() == timedelta(hours=8, minutes=6)
    for month in range(1, 13):
        instant = timezones.localize(datetime(2026, month, 1, 9, 0), "Asia/Taipei")
        assert instant == utc(2026, month, 1, 1, 0)
        assert timezones.isoformat(instant, "Asia/Taipei").endswith("+08:00")


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "asia/taipei", "Asia/Taipei ", "../etc/passwd"])
def test_unknown_zone_names_are_refused_and_named(name):
    """pytz.timezone() itself would accept "asia/taipei"; the module must not guess."""
    assert timezones.is_valid_zone(name) is False
    calls = [
        lambda: timezones.get_zone(name),
        lambda: timezones.localize(datetime(2026, 1, 1, 12), name),
        lambda: timezones.to_zone(utc(2026, 1, 1, 12), name),
        lambda: timezones.isoformat(utc(2026, 1, 1, 12), name),
    ]
    for call in calls:
        with pytest.raises(UnknownTimezone) as raised:
            call()
        assert f"“{name}”" in str(raised.value)


def test_every_zone_name_is_valid():
    assert all(timezones.is_valid_zone(name) for name in ZONES)
    assert timezones.is_valid_zone(None) is False


def test_naive_and_aware_are_not_mixed_up():
    with pytest.raises(ValueError, match="naive"):
        timezones.localize(datetime(2026, 1, 1, 12, tzinfo=UTC), "Asia/Taipei")
    with pytest.raises(ValueError, match="aware"):
        timezones.to_zone(datetime(2026, 1, 1, 12), "Asia/Taipei")


def test_parse_local_reads_wall_clock_time_only():
    assert timezones.parse_local("2026-03-29T02:30") == datetime(2026, 3, 29, 2, 30)
    refused = {"2026-03-29T02:30+01:00": "offset", "tomorrow": "not a date and time"}
    for text, reason in refused.items():
        with pytest.raises(ValueError, match=reason) as raised:
            timezones.parse_local(text)
        assert f"“{text}”" in str(raised.value)


@pytest.mark.parametrize(
    "day, name, midnight, first",
    [
        (date(2022, 9, 11), "America/Santiago", "gap", utc(2022, 9, 11, 4, 0)),  # 00:00 -> 01:00
        (date(2026, 3, 8), "America/Havana", "gap", utc(2026, 3, 8, 5, 0)),  # 00:00 -> 01:00
        (date(2026, 5, 6), "Asia/Taipei", "normal", utc(2026, 5, 5, 16, 0)),
    ],
)
def test_start_of_day_when_midnight_does_not_exist(day, name, midnight, first):
    assert classify(datetime.combine(day, time()), name).kind == midnight
    assert oracle_start_of_day(day, name) == first
    assert timezones.start_of_day(day, name) == first


@pytest.mark.parametrize(
    "day, name",
    [
        (date(2011, 12, 30), "Pacific/Apia"),  # Samoa jumped from the 29th to the 31st
        (date(1994, 12, 31), "Pacific/Kiritimati"),  # from 1994-12-30 to 1995-01-01
    ],
)
def test_start_of_a_skipped_day_is_the_start_of_the_next(day, name):
    """planning.within_days() asks for start_of_day(last day + 1); a day the
    calendar skipped has no instant of its own and must not crash that."""
    following = day + timedelta(days=1)
    assert classify(datetime.combine(day, time(12)), name).kind == "gap"
    assert timezones.start_of_day(day, name) == oracle_start_of_day(day, name)
    assert timezones.start_of_day(day, name) == timezones.start_of_day(following, name)


def test_zone_options_show_each_zones_offset_at_that_time():
    at = utc(2026, 1, 15, 12)
    options = {option.name: option.offset for option in timezones.zone_options(at)}
    assert options["Asia/Taipei"] == "+08:00"
    assert options["Asia/Kathmandu"] == "+05:45"
    assert options["Pacific/Chatham"] == "+13:45"
    assert all(timezones.is_valid_zone(name) for name in options)
    assert all(offset == timezones.format_offset(oracle_offset(at, name)) for name, offset in options.items())
    july = {option.name: option.offset for option in timezones.zone_options(utc(2026, 7, 15, 12))}
    assert july["Pacific/Chatham"] == "+12:45"


def test_zone_options_take_the_hour_in_utc():
    """New York changed at 07:00Z on 2026-03-08; 07:05Z written as Kathmandu
    time (12:50+05:45) is still after the change."""
    at = utc(2026, 3, 8, 7, 5).astimezone(oracle("Asia/Kathmandu"))
    options = {option.name: option.offset for option in timezones.zone_options(at)}
    assert options["America/New_York"] == "-04:00"
