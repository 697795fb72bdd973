"""The planner of one event: who is in its plan (its speakers, read live, and
the participants the organiser adds), what the planner page asks
`planner.suggest` for, and a suggested start put into the agenda.

Participants are checked by `planner.participant`, as the API's are; the
agenda changes go through `agenda.add_slot` and `agenda.update_slot`, so
the event's days, the calendars and the releases follow their usual rules.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum import planner as rules
from forum import timezones
from forum.extensions import db
from forum.models import Event, ParticipantKind, PlanParticipant, Slot, Speaker
from forum.models.speaker import ACTIVE
from forum.planner import Window
from forum.services import agenda, privacy
from forum.services.agenda import SlotInput
from forum.services.errors import Conflict, Invalid, NotFound
from forum.services.planner import ParticipantInput, PlanInput, PlanResult, checked_window, participant, suggest
from forum.services.validation import Checker

DEFAULT_DURATION = 60
DEFAULT_STEP = 15


@dataclass(frozen=True)
class Member:
    """One participant of the plan, whichever way they are in it."""

    label: str
    timezone: str
    source: str  # "speaker", "person" or "audience"
    place: str = ""
    weight: float = 1.0
    window: Window = dataclasses.field(default_factory=Window)
    participant_id: int | None = None  # an added participant, which the organiser can remove
    speaker_id: int | None = None  # a speaker, whose window the organiser can change

    def as_input(self) -> ParticipantInput:
        return ParticipantInput(label=self.label, timezone=self.timezone, weight=self.weight,
                                window_start=f"{self.window.start:%H:%M}", window_end=f"{self.window.end:%H:%M}")


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _window(row: Speaker | PlanParticipant) -> Window:
    return Window(_clock(row.window_start), _clock(row.window_end))


def members(event: Event) -> list[Member]:
    """The speakers still on (or asked onto) a slot, or not yet on one, then
    the participants added: people first, then the audience."""
    speakers = sorted(db.session.scalars(select(Speaker).where(Speaker.event_id == event.id)
                                         .options(selectinload(Speaker.invitations))), key=lambda s: s.name)
    added = db.session.scalars(select(PlanParticipant).where(PlanParticipant.event_id == event.id)
                               .order_by(PlanParticipant.kind.desc(), PlanParticipant.id)).all()
    return [Member(s.name, s.timezone, "speaker", s.city, window=_window(s), speaker_id=s.id) for s in speakers
            if not s.invitations or any(i.status in ACTIVE for i in s.invitations)] + [
        Member(p.label, p.timezone, p.kind.value, p.place, p.weight, _window(p), p.id) for p in added]


def set_speaker_window(speaker: Speaker, text: str) -> Window:
    """The hours the planner counts as the speaker's; empty puts back 08:00-20:00."""
    check = Checker()
    start, end = _window_ends(check, text)
    window = checked_window(check, "window", start, end)
    check.raise_if_any()
    speaker.window_start, speaker.window_end = _minutes(window.start), _minutes(window.end)
    db.session.commit()
    return window


# Adding and removing participants ---------------------------------------------

@dataclass
class ParticipantFields:
    """A participant as typed on the page: one of a city, a zone or a country;
    `city_choice` and `country_zone` answer the page's question when the name
    means several places or the country has several zones."""

    kind: str = ParticipantKind.PERSON.value
    label: str = ""
    city: str = ""
    city_choice: str = ""
    timezone: str = ""
    country: str = ""
    country_zone: str = ""
    weight: str = ""  # empty: 1
    window: str = ""  # HH:MM-HH:MM, empty: 08:00-20:00


def add_participant(event: Event, data: ParticipantFields) -> PlanParticipant:
    check = Checker()
    kind = next((k for k in ParticipantKind if k.value == data.kind), None)
    if kind is None:
        check.fail("kind", "Choose a person or an audience region.")
    zone, city, place = _where(check, data)
    start, end = _window_ends(check, data.window)
    found = _checked(check, ParticipantInput(label=(data.label or "").strip() or place or None, city=city,
                                             timezone=zone, weight=_weight(check, data.weight),
                                             window_start=start, window_end=end))
    if found is not None and _label_taken(event, found.label):
        check.fail("label", f"“{found.label}” is in this plan already; give another label.")
    check.raise_if_any()
    assert found is not None and kind is not None  # raise_if_any() refused anything else
    if city:  # a city found by its name alone: keep where it is
        place = timezones.find_city(city).place
    row = PlanParticipant(event_id=event.id, kind=kind, label=found.label, timezone=found.timezone, place=place,
                          weight=found.weight, window_start=_minutes(found.window.start),
                          window_end=_minutes(found.window.end))
    db.session.add(row)
    _commit(f"“{found.label}” is in this plan already; give another label.")
    return row


def _window_ends(check: Checker, text: str) -> tuple[str, str]:
    """The two ends of a window typed as HH:MM-HH:MM, for `checked_window`; empty ends when nothing was typed."""
    start, _, end = (text or "").strip().partition("-")
    if text and text.strip() and not end:
        check.fail("window", f"“{text}” is not a window as HH:MM-HH:MM (such as 08:00-20:00).")
    return start.strip(), end.strip()


def _where(check: Checker, data: ParticipantFields) -> tuple[str | None, str | None, str]:
    """(zone, city to look up, place in words) from what was typed: a city
    whose name means places in several zones, and a country of several
    zones, ask which (the choices go with the refusal)."""
    city, zone, country = ((value or "").strip() for value in (data.city, data.timezone, data.country))
    if sum(map(bool, (city, zone, country))) != 1:
        check.fail("city", "Give one of a city, a time zone or a country.")
        return None, None, ""
    if zone:
        return zone, None, ""
    if city:
        one_zone, exact = timezones.zone_of_city(city)
        if one_zone is not None or not exact:  # find_city() finds it, or refuses it with close names
            return None, city, ""
        check.choices["city_choice"] = [(str(n), f"{c.place} ({c.zone})") for n, c in enumerate(exact)]
        picked = next((c for n, c in enumerate(exact) if data.city_choice == str(n)), None)
        if picked is None:
            check.fail("city", f"Several places are called “{city}”, in different zones; choose one.")
            return None, None, ""
        return picked.zone, None, picked.place
    code = timezones.country_code(country)
    zones = timezones.country_zones(code) if code else []
    if not zones:
        check.fail("country", f"“{country}” is not a country the tz database knows; give its name or its "
                              "two-letter code (such as NZ or New Zealand).")
        return None, None, ""
    assert code is not None
    name = timezones.country_name(code)
    if len(zones) == 1:
        return zones[0], None, name
    check.choices["country_zone"] = [(zone, f"{zone} (UTC{timezones.format_offset(timezones.utc_offset(zone))} now)")
                                     for zone in zones]
    if data.country_zone in zones:
        return data.country_zone, None, f"{name} ({data.country_zone})"
    check.fail("country", f"{name} has {len(zones)} time zones; choose one.")
    return None, None, ""


def _weight(check: Checker, text: str) -> float | None:
    """The weight typed, for `planner.participant` to check (above 0, finite); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        check.fail("weight", f"“{text}” is not a number; give a weight such as 1 or 40.")
        return None


def _checked(check: Checker, typed: ParticipantInput) -> rules.Participant | None:
    """`planner.participant`, with its messages under the page's own field names."""
    inner = Checker()
    found = participant(inner, "participant", typed)
    for name, message in inner.errors.items():
        check.fail(name.removeprefix("participant."), message)
    return found


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _label_taken(event: Event, label: str) -> bool:
    return db.session.scalar(select(PlanParticipant.id).where(PlanParticipant.event_id == event.id,
                                                              PlanParticipant.label == label)) is not None


def _commit(taken: str) -> None:
    """Commit; when the unique label refuses, another organiser's click took it meanwhile: say `taken`."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Invalid({"label": taken}) from None


def audience_from_registrations(event: Event) -> int:
    """One audience row per zone of the people coming (the erased still
    counted), weighted by how many they are; a second click brings the
    weights up to date. Returns the number of zones."""
    zones = [(zone, count) for zone, count in privacy.counts(event).by_timezone if timezones.is_valid_zone(zone)]
    if not zones:
        raise Conflict("Nobody has registered with a time zone yet: add audience regions by hand.")
    kept = {p.label: p for p in db.session.scalars(select(PlanParticipant).where(
        PlanParticipant.event_id == event.id, PlanParticipant.kind == ParticipantKind.AUDIENCE))}
    for zone, count in zones:
        label = f"Registered in {zone}"
        row = kept.get(label)
        if row is None:
            db.session.add(PlanParticipant(event_id=event.id, kind=ParticipantKind.AUDIENCE, label=label,
                                           timezone=zone, place="from the registrations", weight=float(count),
                                           window_start=8 * 60, window_end=20 * 60))
        else:
            row.weight = float(count)
    _commit("Another organiser took the audience from the registrations at the same moment; press again.")
    return len(zones)


def participant_of(event: Event, participant_id: int) -> PlanParticipant:
    row = db.session.get(PlanParticipant, participant_id)
    if row is None or row.event_id != event.id:
        raise NotFound("No such participant in this plan.")
    return row


def remove_participant(row: PlanParticipant) -> str:
    label = row.label
    db.session.delete(row)
    db.session.commit()
    return label


# What the page asks for -------------------------------------------------------

@dataclass
class PlanQuery:
    """The planner page's GET form, as typed: the day in the event's zone,
    minutes, and an optional range of days."""

    date: str = ""
    duration: str = ""
    step: str = ""
    date_from: str = ""
    date_to: str = ""
    sessions: str = ""  # k regional sessions; more than 1 splits the plan
    groups: tuple[str, ...] = ()  # the session (1-k) the organiser put each member in, in members' order


def default_query(event: Event) -> PlanQuery:
    """The event's first day, its first slot's length (or an hour), 15-minute steps."""
    first = min(event.slots, key=lambda s: s.start_utc, default=None)
    minutes = int(first.duration.total_seconds() // 60) if first else DEFAULT_DURATION
    return PlanQuery(date=timezones.local_date(event.start_utc, event.timezone).isoformat(),
                     duration=str(minutes), step=str(DEFAULT_STEP), sessions="1")


def _filled(event: Event, query: PlanQuery) -> PlanQuery:
    """What was typed, the defaults where nothing was."""
    return dataclasses.replace(default_query(event), **{k: v for k, v in dataclasses.asdict(query).items() if v})


@dataclass
class Plans:
    """The plan of the chosen day (its grid and best starts) and, with a range, the best starts across it."""

    day: date
    result: PlanResult
    across: PlanResult | None
    sessions: list[rules.Session] = dataclasses.field(default_factory=list)  # the split, or the organiser's groups


# suggest()'s field names, as the page's form names them
FIELDS = {"date": "date", "dates": "date_to", "duration_minutes": "duration", "step_minutes": "step",
          "sessions": "sessions"}


def plans(event: Event, query: PlanQuery, people: list[Member]) -> Plans:
    """Everyone's comfort on the day asked for, and across the range when one is given."""
    check = Checker()
    filled = _filled(event, query)
    day = _day(check, "date", filled.date)
    first, last = _day(check, "date_from", query.date_from), _day(check, "date_to", query.date_to)
    duration, step = _number(check, "duration", filled.duration), _number(check, "step", filled.step)
    sessions = _number(check, "sessions", filled.sessions)
    typed = [m.as_input() for m in people]
    asked = PlanInput(typed, duration, date=day, step_minutes=step, sessions=sessions, day_zone=event.timezone)
    result = _suggested(check, asked)
    across = None
    if query.date_from or query.date_to:
        across = _suggested(check, dataclasses.replace(asked, date=None, date_from=first, date_to=last, sessions=1))
    check.raise_if_any()
    assert day is not None and result is not None and sessions is not None
    return Plans(day, result, across, _regrouped(result, sessions, query.groups) or result.sessions)


def _regrouped(result: PlanResult, k: int, groups: tuple[str, ...]) -> list[rules.Session]:
    """The sessions of the groups the organiser chose; none when the choice
    does not fit this plan (one session number, 1 to k, per member)."""
    if k < 2 or len(groups) != len(result.participants) or any(g not in map(str, range(1, k + 1)) for g in groups):
        return []
    return result.regroup([[n for n, g in enumerate(groups) if g == str(number)] for number in range(1, k + 1)])


def _suggested(check: Checker, asked: PlanInput) -> PlanResult | None:
    try:
        return suggest(asked)
    except Invalid as error:
        for name, message in error.fields.items():
            check.fail(FIELDS.get(name, "participants" if name.startswith("participants") else name), message)
        return None


def _day(check: Checker, field: str, text: str | None) -> date | None:
    text = text or ""
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
        timezones.check_plannable(datetime.combine(day, time()))
    except timezones.DateOutOfRange as error:
        check.fail(field, str(error))
        return None
    except ValueError:
        check.fail(field, f"“{text}” is not a date; write it as YYYY-MM-DD.")
        return None
    return day


def _number(check: Checker, field: str, text: str | None) -> int | None:
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) < 7):
        check.fail(field, f"“{text}” is not a whole number of minutes.")
        return None
    return int(text)


# Using a suggested time -------------------------------------------------------

@dataclass
class UseFields:
    """“Use this time”: the start chosen (UTC, as the page wrote it), and the
    slot to move there, or a title for a new slot as long as the plan."""

    start: str = ""
    slot_id: str = ""
    title: str = ""


def use_time(event: Event, data: UseFields, query: PlanQuery) -> Slot:
    """Move the chosen slot to the start, keeping its length, or add a new
    one there: the agenda's own use cases check and write it."""
    try:
        start = timezones.parse_utc(data.start or "")
    except ValueError:
        raise Invalid({"start": "Choose one of the suggested times."}) from None
    zone = event.timezone
    if data.slot_id:
        slot = agenda.slot_of(event, int(data.slot_id) if data.slot_id.isdigit() else 0)
        return agenda.update_slot(slot, _at(agenda.as_input(slot), start, start + slot.duration, zone))
    check = Checker()
    minutes = _number(check, "duration", _filled(event, query).duration)
    check.raise_if_any()
    assert minutes is not None
    new = SlotInput(title=data.title, timezone=zone)
    return agenda.add_slot(event, _at(new, start, start + timedelta(minutes=minutes), zone))


@dataclass
class SessionFields:
    """“Create these sessions”: each session's start (UTC, as the page wrote
    it) and who is in it, and the title the slots share."""

    starts: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    title: str = ""


def create_sessions(event: Event, data: SessionFields, query: PlanQuery) -> list[Slot]:
    """The regional sessions as slots of this event, all or none: "Title
    (session 2 of 3)", as long as the plan, each listing who it is for."""
    check = Checker()
    minutes = _number(check, "duration", _filled(event, query).duration)
    title = check.line("title", data.title or "Regional session", 150)
    try:
        starts = [timezones.parse_utc(text) for text in data.starts]
    except ValueError:
        check.fail("starts", "Choose the sessions the planner proposed.")
        starts = []
    if not 1 < len(starts) == len(data.members) <= rules.MAX_SESSIONS:
        check.fail("starts", "Choose the sessions the planner proposed.")
    check.raise_if_any()
    assert minutes is not None
    zone, count = event.timezone, len(starts)
    return agenda.add_slots(event, [
        _at(SlotInput(title=f"{title} (session {n} of {count})", timezone=zone, description=f"For {who}."),
            start, start + timedelta(minutes=minutes), zone)
        for n, (start, who) in enumerate(zip(starts, data.members, strict=True), start=1)
    ])


def _at(data: SlotInput, start: datetime, end: datetime, zone: str) -> SlotInput:
    """The slot input with its times set to these instants, as wall-clock times (and folds) in `zone`."""
    return dataclasses.replace(data, timezone=zone, start=timezones.local_naive(start, zone),
                               end=timezones.local_naive(end, zone), start_fold=timezones.fold_of(start, zone),
                               end_fold=timezones.fold_of(end, zone))
