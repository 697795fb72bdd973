"""Attendees take a seat, or a place on the waitlist, never a seat twice; they
change their details or cancel; organisers approve, promote and remove.

Every change that frees or takes a seat runs under the event's lock, so the
seat count read is the seat count written (see `locks.lock_event`).

Where the event asks for it (`email_confirmation_hours`), a seat is first
only held: its owner confirms the address from the e-mailed link within the
hours given, or the seat goes to the next person waiting (`release_lapsed`).
Secret links to a registration's page are capped (`tokens.MAX_LIVE_LINKS`) and a
cancelled registration's links show only that it is cancelled; registering
the address again ends them.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from forum import timezones
from forum.extensions import db
from forum.models import Event, EventStatus, Registration, RegistrationLink, RegistrationStatus
from forum.models.registration import SEATED
from forum.services import attendee_mail, states, tokens
from forum.services.errors import Conflict, NotFound
from forum.services.locks import lock_event
from forum.services.tokens import hash_token
from forum.services.validation import Checker

LANGUAGES = {"en": "English", "zh-Hant": "繁體中文"}
RELINK_AFTER = timedelta(hours=1)
# The one answer to a registration, new or repeated: whoever typed the address learns nothing more.
RECEIVED = ("Thank you: your registration is received. Where it stands (a seat, a place on the waitlist, "
            "or a request the organisers approve) and the link to your own page are on their way to the "
            "address you gave.")


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


def _checked(data: RegistrationInput, with_email: bool = True) -> dict:
    check = Checker()
    values = {
        "name": check.line("name", data.name, 200),
        "organisation": check.text("organisation", data.organisation, 200, required=False),
        "city": check.text("city", data.city, 100, required=False),
        "country": check.text("country", data.country, 100, required=False),
        "timezone": check.zone("timezone", data.timezone),
        "language": data.language or "en",
        "consent": bool(data.consent),
    }
    if with_email:
        values["email"] = check.email("email", data.email)
    if values["language"] not in LANGUAGES:
        check.fail("language", f"“{data.language}” is not offered; choose one of: {', '.join(LANGUAGES)}.")
    check.raise_if_any()
    return values


def closed_reason(event: Event, now: datetime | None = None) -> str | None:
    """Why the event takes no registrations now, in words for the attendee; None when open."""
    now = now or timezones.now_utc()
    if event.status is EventStatus.CANCELLED:
        return "This event has been cancelled; it takes no registrations."
    if event.status is not EventStatus.PUBLISHED:
        return "This event is not open for registration yet."
    if event.end_utc <= now:
        return "This event is over; it takes no registrations."
    if event.registration_opens_utc and now < event.registration_opens_utc:
        return f"Registration opens on {timezones.format_datetime(event.registration_opens_utc, event.timezone)}."
    if event.registration_closes_utc and now >= event.registration_closes_utc:
        return f"Registration closed on {timezones.format_datetime(event.registration_closes_utc, event.timezone)}."
    return None


def _existing(event: Event, email: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.event_id == event.id, Registration.email == email))


def confirmed_registrations(event: Event) -> Sequence[Registration]:
    """Everyone with a seat: those whom calendar requests, updates and messages reach."""
    return db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Registration.id)
    ).all()


def seats_taken(event: Event) -> int:
    return db.session.execute(
        select(func.count()).where(Registration.event_id == event.id, Registration.status.in_(SEATED))
    ).scalar_one()


def seats_left(event: Event) -> int | None:
    """Free seats now; None when the event has no limit."""
    return None if event.capacity is None else max(event.capacity - seats_taken(event), 0)


def _has_seat(event: Event) -> bool:
    return event.capacity is None or seats_taken(event) < event.capacity


def _set_status(registration: Registration, status: RegistrationStatus, position: int | None = None,
                held_until: datetime | None = None) -> None:
    """Each change of status changes what the person's feed shows (the join
    link, CANCELLED), so its SEQUENCE counter rises too."""
    if registration.status is not None and registration.status is not status:
        registration.sequence = (registration.sequence or 0) + 1
    registration.status, registration.waitlist_position = status, position
    registration.held_until = held_until
    registration.status_changed_at = timezones.now_utc()


def _seat(registration: Registration) -> None:
    """A seat: confirmed, or held for the owner to confirm the address first."""
    hours = registration.event.email_confirmation_hours
    if hours and registration.email_confirmed_at is None:
        _set_status(registration, RegistrationStatus.HELD, held_until=timezones.now_utc() + timedelta(hours=hours))
    else:
        _set_status(registration, RegistrationStatus.CONFIRMED)


def _join_queue(registration: Registration) -> None:
    last = db.session.scalar(
        select(func.max(Registration.waitlist_position)).where(Registration.event_id == registration.event_id)
    )
    _set_status(registration, RegistrationStatus.WAITLISTED, (last or 0) + 1)


def _seat_or_queue(event: Event, registration: Registration) -> None:
    if _has_seat(event):
        _seat(registration)
    else:
        _join_queue(registration)


def register_attendee(event: Event, data: RegistrationInput) -> Registration:
    """A seat if one is free, else the next place on the waitlist (or, when the
    organiser approves each registration, a pending request).

    Whoever registers learns nothing but that the request was received: the
    seat or place, and the link to the registration's page, go to the
    address by e-mail. The same address again (any case or spacing) is
    answered the same way, never gets a second seat, and its owner gets a
    fresh link at most once an hour (RELINK_AFTER); the database's unique
    index decides when two such requests race. A cancelled registration is
    taken up again.
    """
    values = _checked(data)
    now = timezones.now_utc()
    reason = closed_reason(event, now)
    live = event.status is EventStatus.PUBLISHED and event.end_utc > now
    if reason and not live:
        raise Conflict(reason)
    lock_event(event)
    existing = _existing(event, values["email"])
    if existing is not None and existing.status is not RegistrationStatus.CANCELLED:
        _again(existing, now)  # even outside the window: a lost link must be recoverable
        if reason:
            raise Conflict(reason)  # as a new address would hear
        return existing
    if reason:
        raise Conflict(reason)
    registration = existing or Registration(event_id=event.id, event=event, email=values["email"])
    if existing is not None:  # whoever registers the address now must not see the old owner's page
        existing.links.clear()
        existing.email_confirmed_at = None
    for name, value in values.items():
        setattr(registration, name, value)
    if event.approval_required:
        _set_status(registration, RegistrationStatus.PENDING)
    else:
        _seat_or_queue(event, registration)
    token = tokens.new_link(registration)
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = _existing(event, values["email"])
        if existing is None:
            raise
        _again(existing, now)
        return existing
    _tell(registration, token)
    db.session.commit()
    return registration


def _again(registration: Registration, now: datetime) -> None:
    """A known address registered again: its link once more, unless one went
    out within the hour (registering in a loop must not flood a mailbox)."""
    if registration.link_mailed_at is None or now - registration.link_mailed_at >= RELINK_AFTER:
        _tell(registration)
    db.session.commit()


def _tell(registration: Registration, token: str | None = None, promoted: bool = False) -> None:
    """Mail where the registration stands now, with a new link to its page."""
    registration.link_mailed_at = timezones.now_utc()
    db.session.flush()
    rank = waitlist_rank(registration) if registration.status is RegistrationStatus.WAITLISTED else None
    attendee_mail.send_status(registration, token or tokens.new_link(registration), promoted, rank)


def by_token(token: str) -> Registration:
    """The registration behind a secret link; a wrong or ended link is a friendly 404.
    Its use is recorded (tokens.touched), so the links in use are the ones kept."""
    link = db.session.scalar(select(RegistrationLink).where(RegistrationLink.token_hash == hash_token(token or "")))
    if link is None:
        raise NotFound(
            "This registration link is not known. Use the link in your latest e-mail, "
            "or register again with the same address to receive a fresh one."
        )
    if tokens.touched(link):
        db.session.commit()
    return link.registration


def as_input(registration: Registration) -> RegistrationInput:
    return RegistrationInput(**{
        name: getattr(registration, name)
        for name in ("name", "email", "organisation", "city", "country", "timezone", "language", "consent")
    })


def update_details(registration: Registration, data: RegistrationInput) -> Registration:
    """Name, organisation, place, zone and language; the e-mail is the seat's identity and stays.
    A cancelled registration keeps nothing to edit: its address may be registered again by anyone."""
    states.require(registration, "edit")
    for name, value in _checked(data, with_email=False).items():
        setattr(registration, name, value)
    db.session.commit()
    return registration


def waitlist_ranks(rows: list[Registration]) -> dict[int, int]:
    """Place in the queue now, by registration id, of those among `rows` who wait:
    people still waiting ahead, plus one.

    The stored `waitlist_position` only orders the queue (it never shrinks
    when people ahead leave), so it is never shown. One query for a whole
    listing or export, whatever page or filter `rows` come from.
    """
    waiting = {r.id: r.event_id for r in rows if r.status is RegistrationStatus.WAITLISTED}
    if not waiting:
        return {}
    queue = select(
        Registration.id,
        func.row_number().over(partition_by=Registration.event_id, order_by=Registration.waitlist_position)
        .label("rank"),
    ).where(Registration.event_id.in_(set(waiting.values())),
            Registration.status == RegistrationStatus.WAITLISTED).subquery()
    return dict(db.session.execute(select(queue.c.id, queue.c.rank).where(queue.c.id.in_(waiting))).all())


def waitlist_rank(registration: Registration) -> int | None:
    """Place in the queue now, as `waitlist_ranks` counts it; None when not waiting."""
    return waitlist_ranks([registration]).get(registration.id)


def _fill_seats(event: Event) -> list[Registration]:
    """Promote from the waitlist, first come first served, while seats are free."""
    promoted = []
    while _has_seat(event):
        first = db.session.scalar(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.waitlist_position)
            .limit(1)
        )
        if first is None:
            break
        _seat(first)
        _tell(first, promoted=True)
        promoted.append(first)
    return promoted


def fill_seats(event: Event) -> list[Registration]:
    """After the organiser raises the capacity: the waitlist moves up, in order.
    A step of the organiser's edit (events.update_event), which commits."""
    lock_event(event)
    return _fill_seats(event)


def _cancel(registration: Registration, action: str, by: str) -> None:
    """Cancel under the event's lock, as the table allows `action` (the
    attendee's "cancel", the organiser's "remove"); `by`: attendee, organiser,
    or lapsed for a hold nobody confirmed. The e-mail saying so carries no
    link, for the registration's page now shows only that it is cancelled."""
    target = states.require(registration, action)
    event = registration.event
    lock_event(event)
    had_seat = registration.has_seat
    _set_status(registration, target)
    db.session.flush()
    attendee_mail.send_cancellation(registration, by)
    if had_seat:
        _fill_seats(event)
    db.session.commit()


def cancel(registration: Registration) -> None:
    """The attendee gives up their seat (or place); the next in line gets it."""
    _cancel(registration, "cancel", "attendee")


def remove(registration: Registration) -> None:
    """The organiser takes someone off the list; they are told, and the queue moves."""
    _cancel(registration, "remove", "organiser")


def approve(registration: Registration) -> None:
    """A pending request becomes a seat, or a place on the waitlist when full."""
    states.require(registration, "approve")
    lock_event(registration.event)
    _seat_or_queue(registration.event, registration)
    _tell(registration, promoted=True)
    db.session.commit()


def promote(registration: Registration) -> bool:
    """Give a waiting person a seat now, ahead of the queue.

    When the event is full, the organiser's decision adds a seat: capacity
    rises by one rather than being exceeded. Returns whether it rose. A held
    seat is confirmed at once: the organiser vouches for the address.
    """
    target = states.require(registration, "promote")
    event = registration.event
    lock_event(event)
    raised = not registration.has_seat and not _has_seat(event)
    if raised:
        assert event.capacity is not None, "only a capped event runs out of seats"
        event.capacity += 1
    _set_status(registration, target)
    _tell(registration, promoted=True)
    db.session.commit()
    return raised


def confirm_address(registration: Registration) -> None:
    """The owner of the address pressed "confirm" on the page the e-mailed link
    opens (a POST: mail scanners open links). A held seat becomes theirs; a
    place on the waitlist or a request will take a seat without holding it."""
    lock_event(registration.event)
    db.session.refresh(registration)  # the deadline may have passed while the page was open
    try:
        target = states.require(registration, "confirm_address")
    except Conflict:
        db.session.rollback()  # the event's lock goes at once
        raise
    if registration.email_confirmed_at is None:
        registration.email_confirmed_at = timezones.now_utc()
        if target is not None:  # a held seat
            _set_status(registration, target)
            _tell(registration)
    db.session.commit()


def awaits_confirmation(registration: Registration) -> bool:
    """Whether the page offers "confirm my seat": the event asks for it and the
    owner has not confirmed yet (a place on the waitlist may confirm early)."""
    return bool(registration.event.email_confirmation_hours and registration.email_confirmed_at is None
                and "confirm_address" in states.allowed_actions(registration))


def release_lapsed(now: datetime | None = None) -> int:
    """Held seats whose owners did not confirm in time go to the next in line
    (the outbox worker calls it on every pass). Returns how many were freed."""
    now = now or timezones.now_utc()
    lapsed = db.session.scalars(
        select(Registration).where(Registration.status == RegistrationStatus.HELD, Registration.held_until <= now)
        .order_by(Registration.held_until, Registration.id)
    ).all()
    freed = 0
    for registration in lapsed:
        lock_event(registration.event)
        db.session.refresh(registration)  # another worker may have released it, or its owner confirmed
        if registration.status is RegistrationStatus.HELD:
            _cancel(registration, "cancel", "lapsed")  # silence gives the seat up
            freed += 1
        else:
            db.session.commit()
    return freed


# Organisers' view ----------------------------------------------------------

@dataclass
class Counts:
    by_status: dict[str, int]
    by_country: list[tuple[str, int]] = field(default_factory=list)
    by_timezone: list[tuple[str, int]] = field(default_factory=list)


def counts(event: Event) -> Counts:
    """Totals per status, and where the people still coming are."""
    found = dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.event_id == event.id).group_by(Registration.status)
    ).all())
    by_status = {status.value: found.get(status, 0) for status in RegistrationStatus}
    coming = (Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)

    def grouped(column):
        rows = db.session.execute(
            select(column, func.count()).where(*coming).group_by(column).order_by(func.count().desc(), column)
        )
        return [(value or "(not given)", count) for value, count in rows]

    return Counts(by_status, grouped(Registration.country), grouped(Registration.timezone))


def listing(event: Event, query: str = "", status: str = "", page: int = 1, per_page: int | None = None):
    """Registrations matching a search in name, e-mail, organisation, city or
    country, and a status; oldest first. Returns (rows, total).

    A page past the last is empty without asking the database: its offset
    could exceed the integers the database takes.
    """
    check = Checker()
    query = check.text("q", query, 200, required=False)
    if status and status not in {s.value for s in RegistrationStatus}:
        check.fail("status",
                   f"“{status}” is not a status; use one of: {', '.join(s.value for s in RegistrationStatus)}.")
    check.raise_if_any()
    conditions = [Registration.event_id == event.id]
    if status:
        conditions.append(Registration.status == RegistrationStatus(status))
    if query:
        pattern = f"%{query.lower()}%"
        conditions.append(or_(*(
            func.lower(column).like(pattern)
            for column in (Registration.name, Registration.email, Registration.organisation,
                           Registration.city, Registration.country)
        )))
    total = db.session.execute(select(func.count()).where(*conditions)).scalar_one()
    rows = select(Registration).where(*conditions).order_by(Registration.created_at, Registration.id)
    if per_page:
        if (page - 1) * per_page >= total:
            return [], total
        rows = rows.limit(per_page).offset((page - 1) * per_page)
    return db.session.scalars(rows).all(), total


def registration_of(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise NotFound("No such registration for this event.")
    return registration


def send_reminders(now: datetime | None = None) -> int:
    """Remind confirmed attendees a day and an hour before the start, as the
    event allows; each at most once, and only the hour one when both are due
    (someone who registers 30 minutes before gets one reminder, not two).

    Rows are locked (`SKIP LOCKED` on PostgreSQL) so workers running side by
    side never send the same reminder twice.
    """
    now = now or timezones.now_utc()
    due = db.session.scalars(
        select(Registration).join(Event)
        .where(Registration.status == RegistrationStatus.CONFIRMED, Event.status == EventStatus.PUBLISHED,
               Event.start_utc > now, Event.start_utc <= now + timedelta(days=1),
               Registration.reminded_hour_at.is_(None))
        .order_by(Registration.id)
        .with_for_update(skip_locked=True, of=Registration)
    ).all()
    sent = 0
    for registration in due:
        event = registration.event
        if event.start_utc - now <= timedelta(hours=1):
            which, registration.reminded_hour_at = "hour", now
        elif registration.reminded_day_at is None:
            which = "day"
        else:
            continue
        registration.reminded_day_at = registration.reminded_day_at or now
        if getattr(event, f"remind_{which}_before"):
            attendee_mail.send_reminder(registration, tokens.new_link(registration), which)
            sent += 1
    db.session.commit()
    return sent


def message_confirmed(event: Event, subject: str, body: str) -> int:
    """Queue one e-mail per confirmed attendee, each with their own link."""
    check = Checker()
    subject = check.line("subject", subject, 200)
    body = check.text("body", body, 20000)
    check.raise_if_any()
    people = confirmed_registrations(event)
    for registration in people:
        attendee_mail.send_message(registration, tokens.new_link(registration), subject, body)
    db.session.commit()
    return len(people)


EXPORT_COLUMNS = [
    "name", "email", "organisation", "city", "country", "timezone", "language", "consent", "status",
    "waitlist_position", "registered_utc", "registered_event_time",
]


def export_rows(event: Event, query: str = "", status: str = "") -> list[list]:
    """The registrations as spreadsheet rows, matching the organiser's filter."""
    rows, _ = listing(event, query, status)
    ranks = waitlist_ranks(rows)
    return [
        [r.name, r.email, r.organisation, r.city, r.country, r.timezone, r.language, "yes" if r.consent else "no",
         r.status.value, ranks.get(r.id, ""),
         timezones.utc_isoformat(r.created_at), timezones.isoformat(r.created_at, event.timezone)]
        for r in rows
    ]
