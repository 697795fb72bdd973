"""What the pages that gather several services show, built here once: a view
adds its forms and renders. (The speakers' board and page are built in
services/speakers.py, beside the rows they share.)"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import NamedTuple

from forum import planning, timezones
from forum.models import Event, EventStatus, Registration, Release, Slot
from forum.planner import Clock, Comfort, Option, Participant, Placement, Plan, Window
from forum.services import agenda, attendee_mail, entries, plans, privacy, registrations, releases, speakers
from forum.services.agenda import SlotInput


def context(page) -> dict:
    """A view model's fields as template variables (not asdict: that copies nested dataclasses to dicts)."""
    return {name.name: getattr(page, name.name) for name in fields(page)}


@dataclass
class EventPage:
    """The public agenda in the reader's zone, and whether a seat can be had."""

    days: list[planning.AgendaDay]
    now: datetime
    closed: str | None  # why registration is closed, in words
    seats_left: int | None
    links: entries.Links
    release: Release | None


def event_page(event: Event, zone: str, closed: str | None = None) -> EventPage:
    now = timezones.now_utc()
    view = releases.public_view(event)
    return EventPage(
        days=planning.agenda_days(view.slots, zone, event.timezone, now), now=now,
        closed=closed or registrations.closed_reason(event, now), seats_left=registrations.seats_left(event),
        links=entries.event_links(event), release=view.release,
    )


@dataclass
class AttendeePage:
    """A registration's own page: the released agenda in the person's zone and what their seat gives them."""

    days: list[planning.AgendaDay]
    zone: str
    when: attendee_mail.When
    rank: int | None  # place on the waitlist
    join_url: str
    links: entries.Links | None
    awaits_confirmation: bool


def attendee_page(registration: Registration, token: str) -> AttendeePage:
    event, zone = registration.event, registration.timezone
    shown = entries.seat_shown(registration)
    return AttendeePage(
        days=planning.agenda_days(releases.public_agenda(event), zone, event.timezone, timezones.now_utc()),
        zone=zone, when=attendee_mail.when(event, zone),
        rank=registrations.waitlist_rank(registration) if registration.waitlist_position else None,
        join_url=shown.join_url if shown else "", links=entries.seat_links(registration, token),
        awaits_confirmation=registrations.awaits_confirmation(registration),
    )


@dataclass
class BuilderPage:
    """The organiser's agenda builder: the draft in the event's zone, each
    slot's speakers' own start times, and every warning about it."""

    days: list[planning.AgendaDay]
    warnings: dict[int, list]  # slots that overlap
    speaker_warnings: dict[int, list[str]]
    local_starts: dict[int, list[speakers.BoardRow]]  # by slot id, with `times.local_time` and `times.night`
    hours_warnings: dict[int, str]
    pending: list[releases.Preview]  # changes the next release would publish


def builder_page(event: Event) -> BuilderPage:
    """The speakers' rows are read once for the whole agenda (a fixed number of queries, however many slots)."""
    rows = speakers.board(event)
    return BuilderPage(
        days=planning.agenda_days(event.slots, event.timezone, event.timezone),
        warnings=planning.overlap_warnings(event.slots), speaker_warnings=speakers.slot_warnings(rows),
        local_starts=speakers.local_starts(rows),
        hours_warnings=agenda.hours_warnings(event),
        pending=releases.preview(event) if event.status is EventStatus.PUBLISHED else [],
    )


COMFORT_WORDS = {
    Comfort.INSIDE: f"inside {Window()}",
    Comfort.EARLY_LATE: "early or late",
    Comfort.NIGHT: "night",
}


@dataclass(frozen=True)
class LocalTimes:
    """One row of a time preview: someone's (or a zone's) start and end, and how kind the hour is."""

    who: str
    zone: str
    start: str
    end: str
    comfort: Comfort
    comfort_words: str


@dataclass
class TimePreview:
    """A slot's typed new time as its speakers, the event's zone and the
    organiser's own zone would see it, before anything is saved."""

    rows: list[LocalTimes]


def time_preview(slot: Slot, data: SlotInput, viewer_zone: str) -> TimePreview:
    """Raises Invalid for times that saving would refuse, naming the field.

    Comfort is the planner's, with its default window for everyone: the
    builder knows no one's own hours."""
    event = slot.event
    start, end = agenda.checked_times(event, data)
    people = [Participant(f"{s.name} (speaker)", s.timezone) for s in speakers.slot_speakers(slot)]
    people += [Participant("The event's zone", event.timezone), Participant("Your zone", viewer_zone)]
    option = Plan(people, start, end).option(start, end - start)
    return TimePreview([
        LocalTimes(p.participant.label, p.participant.timezone, timezones.format_datetime(start, p.participant.timezone),
                   timezones.format_datetime(end, p.participant.timezone), p.comfort, COMFORT_WORDS[p.comfort])
        for p in option.placements
    ])


@dataclass
class RegistrationList:
    """One page of an event's registrations for its organisers (the HTML list and the API alike)."""

    rows: Sequence[Registration]
    total: int
    page: int
    per_page: int
    ranks: dict[int, int]  # waitlist places, by registration id
    counts: registrations.Counts  # the erased still counted


def registration_list(event: Event, query: str, status: str, page: int, per_page: int) -> RegistrationList:
    rows, total = registrations.listing(event, query, status, page, per_page)
    return RegistrationList(rows=rows, total=total, page=page, per_page=per_page,
                            ranks=registrations.waitlist_ranks(rows), counts=privacy.counts(event))


class GridCell(NamedTuple):
    """One participant at one start: their local time, comfort, and which
    local day it is (a tuple: a grid has thousands, and equal cells render once)."""

    time: str
    comfort: Comfort
    shift: int  # -1, 0 or +1: their day before, the day asked for, or the day after
    weekend: bool


@dataclass(frozen=True)
class GridColumn:
    """One start of the day grid, in the event's zone, and the agenda's slots at it."""

    start_utc: datetime
    time: str
    starting: list[str]  # titles of the slots that start within this step
    running: list[str]  # titles of the slots that started earlier and still go on


@dataclass(frozen=True)
class Suggestion:
    option: Option
    start: str  # UTC, as "use this time" posts it
    when: str  # in the event's zone
    utc: str
    explained: str
    people: list[tuple[plans.Member, str, Placement]]  # each one's local start and end in words


@dataclass
class PlannerPage:
    """The planner of one event: who is in the plan and, when the query was
    accepted and the plan has anyone in it, the day grid and the best starts
    (for the day, and across the range when one was asked for)."""

    members: list[plans.Member]
    slots: list[Slot]
    day: date | None = None
    columns: list[GridColumn] = field(default_factory=list)
    rows: list[tuple[plans.Member, list[GridCell]]] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    across: list[Suggestion] = field(default_factory=list)
    days: list[date] = field(default_factory=list)  # of the range
    sessions: list[SessionView] = field(default_factory=list)  # of a split into regional sessions
    session_of: list[int] = field(default_factory=list)  # each member's session number, in members' order


@dataclass(frozen=True)
class SessionView:
    number: int
    suggestion: Suggestion  # its start, explained, with only its members
    who: str  # its members, as the slot's description says


def planner_page(event: Event, query: plans.PlanQuery | None) -> PlannerPage:
    """The page; without a query (the one typed was refused), who is in the plan only."""
    members = plans.members(event)
    page = PlannerPage(members, list(event.slots))
    if query is None or not members:
        return page
    asked = plans.plans(event, query, members)
    page.day = asked.day
    step = timedelta(minutes=asked.result.step_minutes)
    page.columns = [_column(event, start, step) for start in asked.result.starts(asked.day)]
    page.rows = [(member, [_cell(clock, asked.day) for clock in row])
                 for member, row in zip(members, asked.result.grid(asked.day), strict=True)]
    page.suggestions = [_suggestion(event, members, option) for option in asked.result.suggestions]
    if asked.across is not None:
        page.across = [_suggestion(event, members, option) for option in asked.across.suggestions]
        page.days = asked.across.days
    if asked.sessions:
        index = {id(p): n for n, p in enumerate(asked.result.participants)}
        page.session_of = [0] * len(members)
        for number, session in enumerate(asked.sessions, start=1):
            own = [members[index[id(p)]] for p in session.members]
            for p in session.members:
                page.session_of[index[id(p)]] = number
            page.sessions.append(SessionView(number, _suggestion(event, own, session.option), ", ".join(
                f"{m.label} ({_local_span(p)}, {m.timezone})" for m, p in zip(own, session.option.placements,
                                                                              strict=True))))
    return page


def _column(event: Event, start: datetime, step: timedelta) -> GridColumn:
    return GridColumn(start, timezones.format_time(start, event.timezone),
                      [s.title for s in event.slots if start <= s.start_utc < start + step],
                      [s.title for s in event.slots if s.start_utc < start < s.end_utc])


def _cell(clock: Clock, day: date) -> GridCell:
    return GridCell(timezones.format_minute(clock.minute), clock.comfort, clock.day_shift(day), clock.weekend)


def _suggestion(event: Event, members: list[plans.Member], option: Option) -> Suggestion:
    counts = option.counts
    night = counts[Comfort.NIGHT]
    explained = (
        f"{option.score:.3f} is the weighted mean of everyone's comfort: {counts[Comfort.INSIDE]} inside their "
        f"window (0.9 to 1.0 each, more the further from its edges), {counts[Comfort.EARLY_LATE]} early or late "
        f"(0.6, less 0.1 per hour outside the window), {night} in the night (0). "
        + (f"With {night} in the night it ranks below every time that has nobody in the night."
           if night else "Nobody is in the night.")
    )
    people = [(member, _local_span(p), p) for member, p in zip(members, option.placements, strict=True)]
    return Suggestion(option, timezones.utc_isoformat(option.start_utc),
                      timezones.format_span(option.start_utc, option.end_utc, event.timezone),
                      f"{_hours(option.start_utc, option.end_utc, 'UTC')} UTC",
                      explained, people)


def _local_span(placement: Placement) -> str:
    """'Wed 19 Aug 2026 10:00–11:00': a participant's own day and hours of a meeting."""
    start, end = placement.local_start, placement.local_end
    return f"{timezones.format_day(start.date())} {timezones.format_clock(start)}–{timezones.format_clock(end)}"


def _hours(start: datetime, end: datetime, zone: str) -> str:
    return f"{timezones.format_time(start, zone)}–{timezones.format_time(end, zone)}"
