"""The planner's use case: typed participants and dates in, ranked start
times and regional sessions out. The API and the organiser's page both call
`suggest`; every refusal names its field the way the API's body does
(`participants.2.city`, `duration_minutes`), so a page maps them to its own."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from forum import planner, timezones
from forum.planner import Option, Participant, Plan, Session, Window
from forum.services.validation import Checker

MAX_JUDGEMENTS = 300_000  # (zone, window) pairs x start times: about a second of scoring
HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MAX_LABEL = 120
MAX_SUGGESTIONS = 100


@dataclass
class ParticipantInput:
    """One participant as typed: exactly one of `city` ("Name" or "Name, CC")
    and `timezone`; the window as HH:MM text."""

    label: str | None = None
    city: str | None = None
    timezone: str | None = None
    weight: float | None = None
    window_start: str | None = None
    window_end: str | None = None


@dataclass
class PlanInput:
    """`date`, or `date_from` and `date_to`, are calendar days in `day_zone`:
    UTC for the API, the event's zone on the organiser's page."""

    participants: list[ParticipantInput]
    duration_minutes: int | None
    date: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    step_minutes: int | None = 15
    sessions: int | None = 1
    limit: int | None = 10
    day_zone: str = "UTC"


@dataclass
class PlanResult:
    participants: list[Participant]
    days: list[date]
    duration: timedelta
    step_minutes: int
    day_zone: str
    plan: Plan
    suggestions: list[Option] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)

    def starts(self, day: date) -> list[datetime]:
        """The candidate starts of one day: every step from its local midnight to the next."""
        return planner.candidate_starts(timezones.start_of_day(day, self.day_zone),
                                        timezones.start_of_day(day + timedelta(days=1), self.day_zone),
                                        self.step_minutes)

    def grid(self, day: date) -> list[list[planner.Clock]]:
        """The day grid: a row per participant, a column per start of `day`."""
        return self.plan.grid(self.starts(day), self.duration)

    def regroup(self, groups: list[list[int]]) -> list[Session]:
        """Sessions for groups the organiser chose (indexes into `participants`),
        each at its best start on the first day."""
        starts = self.starts(self.days[0])
        return sorted((self.plan.session([self.participants[i] for i in group], starts, self.duration)
                       for group in groups if group), key=lambda s: s.option.start_utc)


def suggest(data: PlanInput) -> PlanResult:
    """Rank the start times of the plan's days (best first, across all days)
    and, for more than one session, split the participants on the first day."""
    check = Checker()
    participants = resolve(check, data.participants)
    days = _days(check, data)
    duration = _whole(check, "duration_minutes", data.duration_minutes, 1, 24 * 60,
                      "Give a duration of 1 to 1,440 minutes (24 hours).")
    step = data.step_minutes if data.step_minutes is not None else 15
    if step not in planner.STEPS:
        check.fail("step_minutes", "Choose a step of 5, 10, 15, 30 or 60 minutes.")
    sessions = _whole(check, "sessions", 1 if data.sessions is None else data.sessions, 1, planner.MAX_SESSIONS,
                      f"Ask for 1 to {planner.MAX_SESSIONS} sessions.")
    if sessions and data.participants and sessions > len(data.participants):
        check.fail("sessions", f"{sessions} sessions need at least {sessions} participants; this plan has "
                               f"{len(data.participants)}.")
    limit = _whole(check, "limit", 10 if data.limit is None else data.limit, 1, MAX_SUGGESTIONS,
                   f"Ask for 1 to {MAX_SUGGESTIONS} suggestions.")
    if step in planner.STEPS and not check.errors:
        _within_budget(check, participants, len(days) * planner.DAY // step)
    check.raise_if_any()
    assert duration and sessions and limit  # raise_if_any() refused anything else
    first = timezones.start_of_day(days[0], data.day_zone)
    last = timezones.start_of_day(days[-1] + timedelta(days=1), data.day_zone)
    result = PlanResult(participants, days, timedelta(minutes=duration), step, data.day_zone,
                        Plan(participants, first, last + timedelta(minutes=duration)))
    every_start = [start for day in days for start in result.starts(day)]
    result.suggestions = result.plan.best(every_start, result.duration, limit=limit)
    if sessions > 1:
        result.sessions = result.plan.split(result.starts(days[0]), result.duration, sessions)
    return result


def _within_budget(check: Checker, participants: list[Participant], starts: int) -> None:
    """Refuse a plan whose scoring would hold a worker for seconds: every
    distinct (zone, window) of the participants is judged at every start."""
    kinds = len({(p.timezone, p.window) for p in participants})
    if kinds * starts > MAX_JUDGEMENTS:
        check.fail("step_minutes", f"This plan asks for {kinds * starts:,} judgements ({kinds} different zones and "
                                   f"windows at {starts:,} start times); keep it under {MAX_JUDGEMENTS:,} with a "
                                   "longer step or fewer days.")


def resolve(check: Checker, typed: list[ParticipantInput]) -> list[Participant]:
    """Participants with their zones: a city becomes its zone here."""
    if not typed:
        check.fail("participants", "Add at least one participant.")
    elif len(typed) > planner.MAX_PARTICIPANTS:
        check.fail("participants", f"A plan takes up to {planner.MAX_PARTICIPANTS} participants; "
                                   f"this one has {len(typed)}.")
    if "participants" in check.errors:
        return []
    resolved = []
    for n, person in enumerate(typed):
        resolved.append(participant(check, f"participants.{n}", person))
    return [p for p in resolved if p is not None]


def participant(check: Checker, at: str, typed: ParticipantInput) -> Participant | None:
    """One typed participant checked, its fields named under `at`; None when refused."""
    city, zone = (typed.city or "").strip(), (typed.timezone or "").strip()
    if bool(city) == bool(zone):
        check.fail(f"{at}.city", "Give either a city or a time zone (one of the two).")
        return None
    if city:
        try:
            found = timezones.find_city(city)
        except timezones.UnknownCity as error:
            check.fail(f"{at}.city", str(error))
            return None
        zone = found.zone
    elif check.zone(f"{at}.timezone", zone) is None:
        return None
    label = check.line(f"{at}.label", typed.label or city or zone, MAX_LABEL)
    weight = 1.0 if typed.weight is None else typed.weight
    if not isinstance(weight, int | float) or not math.isfinite(weight) or not 0 < weight <= 1_000_000:
        check.fail(f"{at}.weight", "Give a weight above 0 (1 for one person, or the people a region stands for).")
    window = checked_window(check, f"{at}.window", typed.window_start, typed.window_end)
    return Participant(label, zone, float(weight) if isinstance(weight, int | float) else 1.0, window)


def checked_window(check: Checker, at: str, start: str | None, end: str | None) -> Window:
    """A window from its two HH:MM ends, each 08:00 or 20:00 when not given; an end before the start crosses midnight."""
    window = Window(_hhmm(check, at, start, time(8)), _hhmm(check, at, end, time(20)))
    if window.start == window.end:
        check.fail(at, "A window needs an end other than its start.")
    return window


def _hhmm(check: Checker, at: str, text: str | None, default: time) -> time:
    if text is None or text == "":
        return default
    match = HHMM.match(str(text).strip())
    if not match:
        check.fail(at, f"“{text}” is not a time of day as HH:MM (such as 08:00 or 19:30).")
        return default
    return time(int(match.group(1)), int(match.group(2)))


def _days(check: Checker, data: PlanInput) -> list[date]:
    if data.date is not None and (data.date_from or data.date_to):
        check.fail("date", "Give a date or a range of dates, not both.")
    if not all(_plannable(check, at, day) for at, day in
               (("date", data.date), ("dates", data.date_from), ("dates", data.date_to)) if day is not None):
        return [date(2000, 1, 1)]
    if data.date is not None:
        return [data.date]
    if data.date_from is None or data.date_to is None:
        check.fail("dates" if data.date_from or data.date_to else "date",
                   "Give a date, or a range with both its first and its last date.")
        return [date(2000, 1, 1)]
    if data.date_to < data.date_from:
        check.fail("dates", "The last date comes before the first.")
        return [data.date_from]
    days = planner.days_between(data.date_from, data.date_to)
    if len(days) > planner.MAX_DAYS:
        check.fail("dates", f"A range covers up to {planner.MAX_DAYS} days; this one has {len(days)}.")
        return days[:1]
    return days


def _plannable(check: Checker, at: str, day: date) -> bool:
    """A day the zone data covers: year 9999 would overflow in any zone east of UTC."""
    try:
        timezones.check_plannable(datetime.combine(day, time()))
    except timezones.DateOutOfRange as error:
        check.fail(at, str(error))
        return False
    return True


def _whole(check: Checker, at: str, value: int | None, low: int, high: int, message: str) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        check.fail(at, message)
        return None
    return value
