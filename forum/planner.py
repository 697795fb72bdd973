"""Choosing the hour: how comfortable a meeting time is for each participant,
the best start times for a day or a range of days, and the split of a world
of participants into regional sessions.

Pure rules over participants and UTC instants, no database: the planner's
page, its API and the benchmarks call the same functions. Local times come
from `timezones.offset_table`, one lookup per participant and instant.
"""
from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from forum import timezones

DAY = 24 * 60
NIGHT_START, NIGHT_END = 22 * 60, 7 * 60  # any minute from 22:00 to 07:00 local is night
STEPS = (5, 10, 15, 30, 60)
MAX_PARTICIPANTS = 500
MAX_DAYS = 60
MAX_SESSIONS = 4
FULL_MARGIN = 120  # minutes from a window's edge at which "inside" scores its best
NIGHT_PENALTY = 10.0  # in a split, one person in the night outweighs ten who are comfortable


class Comfort(StrEnum):
    INSIDE = "inside"
    EARLY_LATE = "early_late"
    NIGHT = "night"


@dataclass(frozen=True)
class Window:
    """The local hours a participant is glad to meet; an end before the start
    is a window across midnight (22:00-06:00 for a night owl)."""

    start: time = time(8)
    end: time = time(20)

    def minutes(self) -> tuple[int, int]:
        start, end = self.start.hour * 60 + self.start.minute, self.end.hour * 60 + self.end.minute
        return start, end if end > start else end + DAY

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Participant:
    label: str
    timezone: str
    weight: float = 1.0
    window: Window = field(default_factory=Window)


@dataclass(frozen=True)
class Placement:
    """One participant at one meeting time: their local start and end, their
    comfort, and the value (0-1) the score adds up."""

    participant: Participant
    local_start: datetime
    local_end: datetime
    comfort: Comfort
    value: float

    def day_shift(self, day: date) -> int:
        """-1, 0 or +1: the local start falls on the day before, on, or after `day`."""
        return (self.local_start.date() - day).days

    @property
    def weekend(self) -> bool:
        return self.local_start.weekday() >= 5


@dataclass(frozen=True)
class Option:
    """A meeting time, scored for a group of participants."""

    start_utc: datetime
    end_utc: datetime
    score: float
    placements: tuple[Placement, ...]

    @property
    def counts(self) -> dict[Comfort, int]:
        counts = dict.fromkeys(Comfort, 0)
        for placement in self.placements:
            counts[placement.comfort] += 1
        return counts

    @property
    def has_night(self) -> bool:
        return any(p.comfort is Comfort.NIGHT for p in self.placements)

    def rank(self) -> tuple:
        """Nobody in the night before anyone in the night, then the score, then the earlier."""
        return (self.has_night, -self.score, self.start_utc)


@dataclass(frozen=True)
class Session:
    """One of the regional sessions of a split: its members at their best start."""

    members: tuple[Participant, ...]
    option: Option


def comfort(start_minute: int, length: int, window: Window) -> tuple[Comfort, float]:
    """The comfort of a meeting from `start_minute` (local, 0-1439) lasting
    `length` wall-clock minutes, and its value.

    Inside the window: 1.0 when the meeting keeps two hours from its edges,
    down to 0.9 at the edge. Early or late: 0.6, less 0.1 for each hour it
    spills outside the window, never below 0.2. Night: 0.
    """
    begin, end = start_minute, start_minute + length
    window_start, window_end = window.minutes()
    margin = max(min(begin - (window_start + k), (window_end + k) - end) for k in (-DAY, 0, DAY))
    if margin >= 0:
        return Comfort.INSIDE, 0.9 + 0.1 * min(margin, FULL_MARGIN) / FULL_MARGIN
    if is_night(begin, length):
        return Comfort.NIGHT, 0.0
    return Comfort.EARLY_LATE, max(0.2, 0.6 - 0.1 * (-margin) / 60)


def is_night(start_minute: int, length: int) -> bool:
    """Whether any minute of a meeting from `start_minute` (local, 0-1439)
    lasting `length` wall-clock minutes falls between 22:00 and 07:00."""
    end = start_minute + length
    return any(start_minute < NIGHT_END + k and end > NIGHT_START - DAY + k for k in (0, DAY, 2 * DAY))


def waking_hours() -> str:
    """07:00–22:00: the hours outside the night, as messages name them."""
    return f"{NIGHT_END // 60:02d}:00–{NIGHT_START // 60:02d}:00"


def comfort_of_pieces(pieces: Sequence[tuple[int, int]], window: Window) -> tuple[Comfort, float]:
    """The comfort of a meeting that a change of the clocks cuts into pieces
    (local start minute, length), each at one offset: the wall clock jumps
    over an hour or repeats one, and only the minutes the meeting really
    has count. Inside when every piece is; night when any minute of any
    piece is; the tightest piece gives the value."""
    judged = [comfort(start, length, window) for start, length in pieces]
    value = min(value for _, value in judged)
    if all(kind is Comfort.INSIDE for kind, _ in judged):
        return Comfort.INSIDE, value
    if any(is_night(start, length) for start, length in pieces):
        return Comfort.NIGHT, 0.0
    return Comfort.EARLY_LATE, value


class Plan:
    """Participants over a stretch of time. Offsets are looked up once per
    zone, and a comfort once per (zone, window, meeting time): participants
    who share both are scored together, which keeps a 500-person plan over
    60 days cheap."""

    def __init__(self, participants: Sequence[Participant], first: datetime, last: datetime):
        self.participants = tuple(participants)
        zones = {p.timezone for p in self.participants}
        self._tables = {zone: timezones.offset_table(zone, first, last + timedelta(days=1)) for zone in zones}
        self._cells: dict[tuple, tuple[datetime, datetime, Comfort, float]] = {}
        self._clocks: dict[tuple[str, datetime], tuple[int, int]] = {}

    def place(self, participant: Participant, start: datetime, end: datetime) -> Placement:
        return Placement(participant, *self._cell(participant.timezone, participant.window, start, end))

    def option(self, start: datetime, duration: timedelta, members: Sequence[Participant] | None = None) -> Option:
        group = self.participants if members is None else tuple(members)
        placements = tuple(self.place(p, start, start + duration) for p in group)
        judged = {(p.participant.timezone, p.participant.window): (p.comfort, p.value) for p in placements}
        return Option(start, start + duration, _weighted(_kinds(group), lambda zone, window: judged[zone, window])[1],
                      placements)

    def best(self, starts: Iterable[datetime], duration: timedelta,
             members: Sequence[Participant] | None = None, limit: int = 10) -> list[Option]:
        group = self.participants if members is None else tuple(members)
        kinds = _kinds(group)

        def rank(start: datetime) -> tuple:
            night, score = self._score(kinds, start, start + duration)
            return night, -score, start

        return [self.option(start, duration, group) for start in sorted(starts, key=rank)[:limit]]

    def split(self, starts: Sequence[datetime], duration: timedelta, k: int) -> list[Session]:
        """Group the participants into k sessions, each at one of `starts`, so
        that the weighted comfort of all is highest and nobody is in the night
        where any grouping allows it (a night counts -10).

        k starts are chosen greedily, then improved by swapping one for
        another while that helps; each participant joins the session whose
        start suits them best. Sessions come back in order of start.
        """
        starts = list(starts)
        kinds = _kinds(self.participants)
        table = [[self._split_value(zone, window, s, s + duration) * sum(p.weight for p in members) for s in starts]
                 for (zone, window), members in kinds.items()]
        chosen: list[int] = []
        for _ in range(min(k, len(starts))):
            chosen.append(max((i for i in range(len(starts)) if i not in chosen),
                              key=lambda i: _total(table, [*chosen, i])))
        improved = True
        while improved:
            improved = False
            for place in range(len(chosen)):
                others = [max((row[c] for n, c in enumerate(chosen) if n != place), default=-math.inf) for row in table]
                totals = {c: _total_with(table, others, c) for c in range(len(starts)) if c not in chosen}
                best = max(totals, key=totals.__getitem__, default=None)
                if best is not None and totals[best] > _total_with(table, others, chosen[place]) + 1e-9:
                    chosen[place], improved = best, True
        groups: list[list[Participant]] = [[] for _ in chosen]
        for row, members in zip(table, kinds.values(), strict=True):
            groups[max(range(len(chosen)), key=lambda g: (row[chosen[g]], -g))].extend(members)
        self._fill_empty(groups, chosen, starts, duration)
        return sorted((self.session(group, [starts[chosen[g]]], duration) for g, group in enumerate(groups) if group),
                      key=lambda s: s.option.start_utc)

    def session(self, members: Sequence[Participant], starts: Iterable[datetime], duration: timedelta) -> Session:
        """A group of members at the best of `starts` for them (after moving people between groups)."""
        return Session(tuple(members), self.best(starts, duration, members, limit=1)[0])

    def _fill_empty(self, groups: list[list[Participant]], chosen: list[int], starts: Sequence[datetime],
                    duration: timedelta) -> None:
        """A session nobody chose takes the participant another can spare, at
        the start not yet taken where moving them costs least, so that k
        participants make k sessions. (The start chosen for it gained nobody
        anything, so it may be any, even in everyone's night.)"""
        def value(p: Participant, i: int) -> float:
            return self._split_value(p.timezone, p.window, starts[i], starts[i] + duration) * p.weight

        for empty in (g for g in range(len(groups)) if not groups[g]):
            spare = {(g, p.timezone, p.window, p.weight): p for g, group in enumerate(groups) if len(group) > 1
                     for p in group}
            moves = [(value(p, chosen[g]) - value(p, i), g, p, i) for (g, *_), p in spare.items()
                     for i in range(len(starts)) if i not in chosen]
            if moves:
                _, g, moved, start = min(moves, key=lambda move: move[0])
                groups[g].remove(moved)
                groups[empty].append(moved)
                chosen[empty] = start

    def _cell(self, zone: str, window: Window, start: datetime, end: datetime) -> tuple[datetime, datetime, Comfort, float]:
        key = (zone, window, start, end)
        cell = self._cells.get(key)
        if cell is None:
            table = self._tables[zone]
            cell = self._cells[key] = (table.local(start), table.local(end), *self._judge(zone, window, start, end))
        return cell

    def _judge(self, zone: str, window: Window, start: datetime, end: datetime) -> tuple[Comfort, float]:
        """A comfort without local datetimes, the path ranking takes for every
        start: the local minute from the zone's table (once per zone and
        instant), the comfort from a cache of (minute, length, window)."""
        first, minute = self._clock(zone, start)
        last, _ = self._clock(zone, end)
        if first == last:
            return _comfort(minute, _minutes(end - start), window)
        table = self._tables[zone]  # the clocks change during the meeting: judge each piece at its offset
        changes = [change for change in table.changes if start < change < end]
        pieces = [(_minute_of_day(table.local(a)), _minutes(b - a)) for a, b in itertools.pairwise([start, *changes, end])]
        return comfort_of_pieces(pieces, window)

    def _clock(self, zone: str, instant: datetime) -> tuple[int, int]:
        key = (zone, instant)
        clock = self._clocks.get(key)
        if clock is None:
            table = self._tables[zone]
            clock = self._clocks[key] = (table.stretch(instant), table.minute_of_day(instant))
        return clock

    def _score(self, kinds: dict[tuple[str, Window], list[Participant]], start: datetime,
               end: datetime) -> tuple[bool, float]:
        return _weighted(kinds, lambda zone, window: self._judge(zone, window, start, end))

    def _split_value(self, zone: str, window: Window, start: datetime, end: datetime) -> float:
        kind, value = self._judge(zone, window, start, end)
        return -NIGHT_PENALTY if kind is Comfort.NIGHT else value


def _weighted(kinds: dict[tuple[str, Window], list[Participant]],
              judge: Callable[[str, Window], tuple[Comfort, float]]) -> tuple[bool, float]:
    """Whether anyone is in the night, and the weighted mean value (0-1, three
    decimals): one sum for ranking and for the options shown, so they agree."""
    night, total, weight = False, 0.0, 0.0
    for (zone, window), members in kinds.items():
        kind, value = judge(zone, window)
        share = sum(p.weight for p in members)
        night, total, weight = night or kind is Comfort.NIGHT, total + value * share, weight + share
    return night, round(total / (weight or 1.0), 3)


def _kinds(participants: Iterable[Participant]) -> dict[tuple[str, Window], list[Participant]]:
    """Participants by (zone, window): those who share both share every comfort."""
    kinds: dict[tuple[str, Window], list[Participant]] = {}
    for p in participants:
        kinds.setdefault((p.timezone, p.window), []).append(p)
    return kinds


_comfort = functools.lru_cache(maxsize=1 << 16)(comfort)  # (minute, length, window): a few thousand per plan


def _minute_of_day(local: datetime) -> int:
    return local.hour * 60 + local.minute


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def _total(table: list[list[float]], chosen: list[int]) -> float:
    return sum(max(row[i] for i in chosen) for row in table)


def _total_with(table: list[list[float]], others: list[float], candidate: int) -> float:
    """The split's total when one session moves to `candidate`: each row's best of the others and it."""
    return sum(max(other, row[candidate]) for other, row in zip(others, table, strict=True))


def candidate_starts(first: datetime, last: datetime, step_minutes: int) -> list[datetime]:
    """Every `step_minutes` from `first` up to, not including, `last` (aware UTC instants)."""
    count = int((last - first).total_seconds() // 60) // step_minutes
    return [first + timedelta(minutes=step_minutes * n) for n in range(count)]


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
