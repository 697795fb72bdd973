"""Events: creating, editing and moving them through their lifecycle."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from forum import planning, timezones
from forum.extensions import db
from forum.models import Event, EventStatus, Invitation, Organiser, Slot, event_organisers
from forum.services import calendar_sync, registrations, releases, speakers, states
from forum.services.errors import Invalid, NotFound
from forum.services.validation import Checker

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80


@dataclass
class EventInput:
    """What an organiser types for an event: wall-clock times in `timezone`."""

    title: str = ""
    slug: str = ""
    description: str = ""
    timezone: str = ""
    start: datetime | None = None
    end: datetime | None = None
    start_fold: int | None = None
    end_fold: int | None = None
    venue: str = ""
    livestream_url: str = ""
    join_url: str = ""
    capacity: int | None = None
    registration_opens: datetime | None = None
    registration_closes: datetime | None = None
    approval_required: bool = False
    email_confirmation_hours: int | None = None
    speaker_reminder_days: int = 3
    speaker_reminder_max: int = 2
    show_unconfirmed_speakers: bool = False
    speaker_edits_locked: bool = False
    remind_day_before: bool = True
    remind_hour_before: bool = True
    move_agenda: bool = True


def as_input(event: Event) -> EventInput:
    """The event as an organiser would type it: the starting point of an edit."""
    zone = event.timezone
    return EventInput(
        title=event.title, slug=event.slug, description=event.description, timezone=zone,
        start=timezones.local_naive(event.start_utc, zone), end=timezones.local_naive(event.end_utc, zone),
        start_fold=timezones.fold_of(event.start_utc, zone), end_fold=timezones.fold_of(event.end_utc, zone),
        venue=event.venue, livestream_url=event.livestream_url, join_url=event.join_url,
        capacity=event.capacity, approval_required=event.approval_required,
        email_confirmation_hours=event.email_confirmation_hours,
        speaker_reminder_days=event.speaker_reminder_days, speaker_reminder_max=event.speaker_reminder_max,
        show_unconfirmed_speakers=event.show_unconfirmed_speakers, speaker_edits_locked=event.speaker_edits_locked,
        remind_day_before=event.remind_day_before, remind_hour_before=event.remind_hour_before,
        registration_opens=_local_or_none(event.registration_opens_utc, zone),
        registration_closes=_local_or_none(event.registration_closes_utc, zone),
    )


def _local_or_none(instant: datetime | None, zone: str) -> datetime | None:
    return timezones.local_naive(instant, zone) if instant else None


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-")


def _free_slug(base: str, exclude_id: int | None) -> str:
    """`base`, or `base-2`, `base-3`... whichever no other event uses."""
    base = base or "event"
    stem = base[: SLUG_MAX - 8]  # what every candidate starts with, shortened to make room for "-n"
    taken = set(
        db.session.scalars(
            select(Event.slug).where(Event.slug.like(f"{stem}%"), Event.id != (exclude_id or 0))
        )
    )
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate, n = base[: SLUG_MAX - len(suffix)] + suffix, n + 1
    return candidate


def _checked(data: EventInput, event: Event | None) -> dict:
    check = Checker()
    values: dict[str, Any] = {
        "title": check.line("title", data.title, 200),
        "description": check.text("description", data.description, 20000, required=False),
        "venue": check.text("venue", data.venue, 300, required=False),
        "livestream_url": check.url("livestream_url", data.livestream_url),
        "join_url": check.url("join_url", data.join_url),
        "capacity": data.capacity,
    }
    zone = check.zone("timezone", data.timezone)
    values["timezone"] = zone
    values["start_utc"] = check.instant("start", data.start, zone, data.start_fold)
    values["end_utc"] = check.instant("end", data.end, zone, data.end_fold)
    if values["start_utc"] and values["end_utc"] and values["end_utc"] <= values["start_utc"]:
        check.fail("end", "The end must come after the start.")
    if data.capacity is not None and not 1 <= data.capacity <= 1_000_000:
        check.fail("capacity", "Capacity is a number of seats from 1 to 1,000,000, or empty for unlimited.")
    elif event is not None and data.capacity is not None:
        taken = registrations.seats_taken(event)
        if data.capacity < taken:
            check.fail("capacity", f"{taken} people already have a seat; the capacity cannot go below that. "
                                   "Remove registrations first if you must.")
    values["approval_required"] = bool(data.approval_required)
    values["email_confirmation_hours"] = data.email_confirmation_hours
    if data.email_confirmation_hours is not None and not 1 <= data.email_confirmation_hours <= 168:
        check.fail("email_confirmation_hours", "Hold a seat for 1 to 168 hours (a week), or leave it empty "
                                               "for seats without confirming the address.")
    values["show_unconfirmed_speakers"] = bool(data.show_unconfirmed_speakers)
    values["speaker_edits_locked"] = bool(data.speaker_edits_locked)
    values["remind_day_before"] = bool(data.remind_day_before)
    values["remind_hour_before"] = bool(data.remind_hour_before)
    values["speaker_reminder_days"] = data.speaker_reminder_days
    values["speaker_reminder_max"] = data.speaker_reminder_max
    if data.speaker_reminder_days is None or not 1 <= data.speaker_reminder_days <= 60:
        check.fail("speaker_reminder_days", "Remind after 1 to 60 days without an answer.")
    if data.speaker_reminder_max is None or not 0 <= data.speaker_reminder_max <= 10:
        check.fail("speaker_reminder_max", "Send 0 to 10 reminders (0: none).")
    values["registration_opens_utc"] = check.optional_instant("registration_opens", data.registration_opens, zone)
    values["registration_closes_utc"] = check.optional_instant("registration_closes", data.registration_closes, zone)
    opens, closes = values["registration_opens_utc"], values["registration_closes_utc"]
    if opens and closes and closes <= opens:
        check.fail("registration_closes", "Registration must close after it opens.")

    slug = (data.slug or "").strip().lower()
    own_id = event.id if event else None
    if slug:
        if len(slug) > SLUG_MAX:
            check.fail("slug", f"Keep it to {SLUG_MAX} characters (this has {len(slug)}).")
        elif not SLUG_RE.match(slug):
            check.fail("slug", "Use lower-case letters, digits and single hyphens, e.g. smart-city-forum.")
        elif _free_slug(slug, own_id) != slug:
            check.fail("slug", f"The address “{slug}” is already taken by another event; choose another.")
    else:
        slug = event.slug if event else _free_slug(slugify(values["title"]), own_id)
    values["slug"] = slug
    check.raise_if_any()
    return values


def create_event(organiser: Organiser, data: EventInput) -> Event:
    event = Event(**_checked(data, None))
    event.organisers.append(organiser)
    db.session.add(event)
    db.session.commit()
    return event


def update_event(event: Event, data: EventInput) -> Event:
    """Apply an edit; with `move_agenda`, slots follow a change of start.

    Slots that would fall outside the event's new days are refused rather
    than left stranded.
    """
    values = _checked(data, event)
    delta = values["start_utc"] - event.start_utc
    if data.move_agenda and delta:
        for slot, start, end in planning.shifted(event.slots, int(delta.total_seconds() // 60)):
            slot.start_utc, slot.end_utc = start, end
    days = planning.event_days(values["start_utc"], values["end_utc"], values["timezone"])
    stranded = [s for s in event.slots if not planning.within_days(s.start_utc, s.end_utc, days, values["timezone"])]
    if stranded:
        db.session.rollback()
        check = Checker()
        check.fail(
            "start",
            f"{len(stranded)} slot(s), such as “{stranded[0].title}”, would fall outside the event's days; "
            "move them first or keep “move the agenda with the event” ticked.",
        )
        check.raise_if_any()
    shown = ("start_utc", "end_utc", "venue", "join_url", "title")
    changed = any(values[name] != getattr(event, name) for name in shown)
    if changed:
        event.sequence += 1  # what the published entries show of the event changed
    for name, value in values.items():
        setattr(event, name, value)
    if data.move_agenda:
        releases.release_shift(event, delta)
    if changed:
        # Every seat's and every speaker's entry shows the event's time, place,
        # title and join link: whoever holds one is told now. Other edits
        # (a description, the capacity) spare the read of every attendee.
        calendar_sync.sync(event)
    registrations.fill_seats(event)  # a raised capacity moves the waitlist up, in order
    db.session.commit()
    return event


def add_organiser(event: Event, email: str) -> Organiser:
    """Share an event with another organiser, who must have an account."""
    from forum.services.accounts import find_organiser

    check = Checker()
    email = check.email("email", email)
    check.raise_if_any()  # what is no address is never looked up: PostgreSQL refuses NUL in a query
    other = find_organiser(email)
    if other is None:
        raise Invalid({"email": f"No organiser has the address {email}; create their account first."})
    if other in event.organisers:
        raise Invalid({"email": f"{email} already organises this event."})
    event.organisers.append(other)
    db.session.commit()
    return other


def change_status(event: Event, action: str) -> Event:
    """Publish, unpublish or cancel, as the event's table allows (forum.models.event)."""
    target = states.require(event, action)
    event.status = target
    if target is EventStatus.PUBLISHED and event.published_at is None:
        event.published_at = timezones.now_utc()
    if target is EventStatus.PUBLISHED:
        db.session.flush()
        releases.release_first(event)
    if target is EventStatus.CANCELLED:
        event.sequence += 1
        speakers.note_event_cancelled(event)
        calendar_sync.sync(event)  # everything sent before is withdrawn: seats and speakers' slots alike
    db.session.commit()
    return event


def _with_agenda(query):
    return query.options(
        selectinload(Event.slots)
        .selectinload(Slot.invitations)
        .selectinload(Invitation.speaker)
    )


def organiser_event(organiser: Organiser, slug: str, with_agenda: bool = False) -> Event:
    """The organiser's own event; anyone else's is NotFound, never Forbidden,
    so the existence of other organisers' drafts does not leak. A slug no
    event could have is not looked up (PostgreSQL refuses NUL in a query)."""
    query = (
        select(Event)
        .join(event_organisers)
        .where(Event.slug == slug, event_organisers.c.organiser_id == organiser.id)
    )
    event = db.session.scalar(_with_agenda(query) if with_agenda else query) if SLUG_RE.fullmatch(slug) else None
    if event is None:
        raise NotFound(f"No event “{slug}” among your events.")
    return event


def organiser_events(organiser: Organiser) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .join(event_organisers)
            .where(event_organisers.c.organiser_id == organiser.id)
            .order_by(Event.start_utc.desc())
        )
    )


def public_event(slug: str, viewer: Organiser | None = None) -> Event:
    """A public event (its agenda comes from agenda.agenda_view).

    Organisers of the event also see it while it is a draft (preview); the
    organisers are loaded only then, not on every public page view.
    """
    event = db.session.scalar(select(Event).where(Event.slug == slug)) if SLUG_RE.fullmatch(slug) else None
    if event is None or not (event.is_public or (viewer is not None and viewer in event.organisers)):
        raise NotFound(f"No published event “{slug}”.")
    return event


def public_events() -> tuple[list[Event], list[Event]]:
    """Published (or cancelled after publication) events: upcoming, then past."""
    now = timezones.now_utc()
    events = db.session.scalars(
        select(Event)
        .where(Event.published_at.is_not(None), Event.status != EventStatus.DRAFT)
        .order_by(Event.start_utc)
    ).all()
    upcoming = [e for e in events if e.end_utc > now]
    past = [e for e in reversed(events) if e.end_utc <= now]
    return upcoming, past
