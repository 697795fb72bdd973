"""Attendees take a seat, or a place on the waitlist, never a seat twice."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from forum import mail, timezones
from forum.extensions import db
from forum.models import Event, EventStatus, Registration, RegistrationStatus
from forum.services.errors import Conflict
from forum.services.tokens import new_token
from forum.services.validation import Checker

LANGUAGES = {"en": "English", "zh-Hant": "繁體中文"}


@dataclass
class RegistrationInput:
    name: str = ""
    email: str = ""
    organisation: str = ""
    city: str = ""
    country: str = ""
    timezone: str = ""
    language: str = "en"
    consent: bool = False


@dataclass
class Outcome:
    registration: Registration
    created: bool


def _checked(data: RegistrationInput) -> dict:
    check = Checker()
    values = {
        "name": check.text("name", data.name, 200),
        "email": check.email("email", data.email),
        "organisation": check.text("organisation", data.organisation, 200, required=False),
        "city": check.text("city", data.city, 100, required=False),
        "country": check.text("country", data.country, 100, required=False),
        "timezone": check.zone("timezone", data.timezone),
        "language": data.language or "en",
        "consent": bool(data.consent),
    }
    if values["language"] not in LANGUAGES:
        check.fail("language", f"“{data.language}” is not offered; choose one of: {', '.join(LANGUAGES)}.")
    check.raise_if_any()
    return values


def _refuse_if_closed(event: Event) -> None:
    if event.status is EventStatus.CANCELLED:
        raise Conflict("This event has been cancelled; it takes no registrations.")
    if event.status is not EventStatus.PUBLISHED:
        raise Conflict("This event is not open for registration.")
    if event.end_utc <= timezones.now_utc():
        raise Conflict("This event is over; it takes no registrations.")


def _lock_event(event: Event) -> None:
    """Serialise seat-taking per event for the rest of the transaction.

    PostgreSQL locks the event's row; SQLite has no row locks, so a no-op
    write takes its database-wide write lock before seats are counted.
    """
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("UPDATE events SET id = id WHERE id = :id"), {"id": event.id})
    else:
        db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def _existing(event: Event, email: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.event_id == event.id, Registration.email == email))


def register_attendee(event: Event, data: RegistrationInput) -> Outcome:
    """A seat if one is free, else the next place on the waitlist.

    The same e-mail again gets its registration back (and its message
    again), never a second seat; the database's unique index decides
    when two such requests race.
    """
    values = _checked(data)
    _refuse_if_closed(event)
    _lock_event(event)
    existing = _existing(event, values["email"])
    if existing is not None:
        _queue_message(existing)
        db.session.commit()
        return Outcome(existing, created=False)
    registration = Registration(event_id=event.id, **values)
    confirmed = db.session.scalar(
        select(func.count()).where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
    )
    if event.capacity is None or confirmed < event.capacity:
        registration.status = RegistrationStatus.CONFIRMED
    else:
        last = db.session.scalar(select(func.max(Registration.waitlist_position)).where(Registration.event_id == event.id))
        registration.status, registration.waitlist_position = RegistrationStatus.WAITLISTED, (last or 0) + 1
    _, registration.token_hash = new_token()
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = _existing(event, values["email"])
        if existing is None:
            raise
        return Outcome(existing, created=False)
    _queue_message(registration)
    db.session.commit()
    return Outcome(registration, created=True)


def waitlist_rank(registration: Registration) -> int:
    """Place in the queue now: people ahead of this one who still wait, plus one."""
    return 1 + db.session.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.waitlist_position < registration.waitlist_position,
        )
    )


def _queue_message(registration: Registration) -> None:
    """Plain confirmation or waitlist message.

    Still to come (registration issue): the calendar invitation and the link
    to the attendee's own page, which needs that page first.
    """
    event = registration.event
    zone = registration.timezone
    when = (
        f"{timezones.format_datetime(event.start_utc, zone)} – {timezones.format_time(event.end_utc, zone)} ({zone}), "
        f"that is {timezones.format_datetime(event.start_utc, event.timezone)} in {event.timezone}"
    )
    if registration.status is RegistrationStatus.CONFIRMED:
        subject = f"Registered: {event.title}"
        body = f"Dear {registration.name},\n\nyou have a seat at “{event.title}”, {when}.\n"
    else:
        subject = f"Waitlist: {event.title}"
        body = (
            f"Dear {registration.name},\n\n“{event.title}” ({when}) is full. You are on the waitlist, "
            f"number {waitlist_rank(registration)}; we will write when a seat frees up.\n"
        )
    kind = f"registration-{registration.status.value}"
    mail.queue(mail.new_message(registration.email, subject, body), kind, event.id)
