"""Choosing the hour: how comfortable a meeting time is for each participant,
the best start times for a day or a range of days, and the split of a world
of participants into regional sessions.

Pure rules over participants and UTC instants, no database: the planner's
page, its API and the benchmarks call the same functions. Local times come
from `timezones.offset_table`: whole minutes, no zone lookup per instant.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple

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


class Window(NamedTuple):
    """The local hours a participant is glad to meet; an end before the start
    is a window across midnight (22:00-06:00 for a night owl). A tuple: it
    is half of the key every comfort is looked up by."""

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


class Clock(NamedTuple):
    """One participant at one start of the day grid, as plain numbers: a
    grid has thousands of these, and no datetime is built for any."""

    minute: int  # of the local day, 0-1439
    ordinal: int  # the local date, as date.toordinal() counts it
    comfort: Comfort

    def day_shift(self, day: date) -> int:
        """-1, 0 or +1: the local start falls on the day before, on, or after `day`."""
        return self.ordinal - day.toordinal()

    @property
    def weekend(self) -> bool:
        return (self.ordinal - 1) % 7 >= 5  # day 1, 1 January of year 1, was a Monday


Kind = tuple[str, Window]  # participants who share a zone and a window share every comfort
Judged = dict[Kind, list[tuple[Comfort, float]]]  # each kind's comfort and value at each start asked for


class Plan:
    """Participants over a stretch of time. Every comfort comes from one
    place, `_judged`: whole local minutes from each zone's offset table, and
    a memo of (window, length, minute), so a 500-person plan over 60 days
    stays cheap and the grid, the ranking and the options shown agree."""

    def __init__(self, participants: Sequence[Participant], first: datetime, last: datetime):
        self.participants = tuple(participants)
        zones = {p.timezone for p in self.participants}
        self._tables = {zone: timezones.offset_table(zone, first, last + timedelta(days=1)) for zone in zones}
        self._memos: dict[tuple[Window, int], dict[int, tuple[Comfort, float]]] = {}
        self._columns: dict[tuple, list[tuple[Comfort, float]]] = {}

    def option(self, start: datetime, duration: timedelta, members: Sequence[Participant] | None = None) -> Option:
        group = self.participants if members is None else tuple(members)
        kinds = _kinds(group)
        judged = self._judged(kinds, [start], duration)
        return self._option(group, start, duration, judged, 0, _weighted(kinds, judged, 1)[0][1])

    def best(self, starts: Iterable[datetime], duration: timedelta,
             members: Sequence[Participant] | None = None, limit: int = 10) -> list[Option]:
        group = self.participants if members is None else tuple(members)
        kinds = _kinds(group)
        starts = list(starts)
        judged = self._judged(kinds, starts, duration)
        ranks = _weighted(kinds, judged, len(starts))
        order = sorted(range(len(starts)), key=lambda i: (ranks[i][0], -ranks[i][1], starts[i]))  # as Option.rank
        return [self._option(group, starts[i], duration, judged, i, ranks[i][1]) for i in order[:limit]]

    def grid(self, starts: Sequence[datetime], duration: timedelta) -> list[list[Clock]]:
        """Everyone at every start: a row per participant, in their order."""
        kinds = _kinds(self.participants)
        judged = self._judged(kinds, starts, duration)
        epoch = timezones.epoch_minutes(starts)
        clocks = {zone: table.local_minutes(epoch, table.stretches(starts)) for zone, table in self._tables.items()}
        return [[Clock(local % DAY, _EPOCH_DAY + local // DAY, kind)
                 for local, (kind, _) in zip(clocks[p.timezone], judged[p.timezone, p.window], strict=True)]
                for p in self.participants]

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
        values = {kind: [-NIGHT_PENALTY if comfort is Comfort.NIGHT else value for comfort, value in column]
                  for kind, column in self._judged(kinds, starts, duration).items()}
        table = [[value * sum(p.weight for p in members) for value in values[kind]] for kind, members in kinds.items()]
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
        _fill_empty(groups, chosen, len(starts), values)
        return sorted((self.session(group, [starts[chosen[g]]], duration) for g, group in enumerate(groups) if group),
                      key=lambda s: s.option.start_utc)

    def session(self, members: Sequence[Participant], starts: Iterable[datetime], duration: timedelta) -> Session:
        """A group of members at the best of `starts` for them (after moving people between groups)."""
        return Session(tuple(members), self.best(starts, duration, members, limit=1)[0])

    def _option(self, group: tuple[Participant, ...], start: datetime, duration: timedelta, judged: Judged, n: int,
                score: float) -> Option:
        """The option at the `n`th of the starts `judged` was asked for, with everyone's local times."""
        end = start + duration
        at = {kind: column[n] for kind, column in judged.items()}
        return Option(start, end, score, tuple(
            Placement(p, self._tables[p.timezone].local(start), self._tables[p.timezone].local(end),
                      *at[p.timezone, p.window]) for p in group))

    def _judged(self, kinds: Iterable[Kind], starts: Sequence[datetime], duration: timedelta) -> Judged:
        """Each kind's comfort at each of `starts` (kept: the grid asks for the
        day the ranking judged): the local minute from its zone's table, the
        comfort of that minute from the memo; a meeting the clocks change
        during is judged piece by piece."""
        length, asked = _minutes(duration), tuple(starts)
        ends = [start + duration for start in starts]
        epoch: list[int] = []
        clocks: dict[str, tuple[list[int], list[int], list[int]]] = {}
        judged: Judged = {}
        for zone, window in kinds:
            column = self._columns.get((zone, window, length, asked))
            if column is not None:
                judged[zone, window] = column
                continue
            if zone not in clocks:
                table = self._tables[zone]
                epoch = epoch or timezones.epoch_minutes(starts)
                first = table.stretches(starts)
                clocks[zone] = (table.local_minutes(epoch, first), first, table.stretches(ends))
            locals_, first, last = clocks[zone]
            memo = self._memos.setdefault((window, length), {})
            column = []
            for n, local in enumerate(locals_):
                if first[n] != last[n]:
                    column.append(self._across_change(zone, window, starts[n], ends[n]))
                    continue
                minute = local % DAY
                judgement = memo.get(minute)
                if judgement is None:
                    judgement = memo[minute] = comfort(minute, length, window)
                column.append(judgement)
            judged[zone, window] = self._columns[zone, window, length, asked] = column
        return judged

    def _across_change(self, zone: str, window: Window, start: datetime, end: datetime) -> tuple[Comfort, float]:
        """The clocks change during the meeting: each piece is judged at its own offset."""
        table = self._tables[zone]
        changes = [change for change in table.changes if start < change < end]
        pieces = [(_minute_of_day(table.local(a)), _minutes(b - a)) for a, b in itertools.pairwise([start, *changes, end])]
        return comfort_of_pieces(pieces, window)


def _fill_empty(groups: list[list[Participant]], chosen: list[int], count: int, values: dict[Kind, list[float]]) -> None:
    """A session nobody chose takes the participant another can spare, at
    the start (of `count`) not yet taken where moving them costs least, so
    that k participants make k sessions. (The start chosen for it gained
    nobody anything, so it may be any, even in everyone's night.)"""
    def value(p: Participant, i: int) -> float:
        return values[p.timezone, p.window][i] * p.weight

    for empty in (g for g in range(len(groups)) if not groups[g]):
        spare = {(g, p.timezone, p.window, p.weight): p for g, group in enumerate(groups) if len(group) > 1
                 for p in group}
        moves = [(value(p, chosen[g]) - value(p, i), g, p, i) for (g, *_), p in spare.items()
                 for i in range(count) if i not in chosen]
        if moves:
            _, g, moved, start = min(moves, key=lambda move: move[0])
            groups[g].remove(moved)
            groups[empty].append(moved)
            chosen[empty] = start


def _weighted(kinds: dict[Kind, list[Participant]], judged: Judged, count: int) -> list[tuple[bool, float]]:
    """At each of `count` starts, whether anyone is in the night and the
    weighted mean value (0-1, three decimals): one sum for the ranking and
    for the options shown, so they agree."""
    nights, totals, weight = [False] * count, [0.0] * count, 0.0
    for kind, members in kinds.items():
        share = sum(p.weight for p in members)
        weight += share
        for n, (comfort_of, value) in enumerate(judged[kind]):
            nights[n] = nights[n] or comfort_of is Comfort.NIGHT
            totals[n] += value * share
    return [(night, round(total / (weight or 1.0), 3)) for night, total in zip(nights, totals, strict=True)]


def _kinds(participants: Iterable[Participant]) -> dict[Kind, list[Participant]]:
    kinds: dict[Kind, list[Participant]] = {}
    for p in participants:
        kinds.setdefault((p.timezone, p.window), []).append(p)
    return kinds


_EPOCH_DAY = date(1970, 1, 1).toordinal()  # day 0 of OffsetTable.local_minutes()


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
