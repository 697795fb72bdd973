"""What an attendee receives: the calendar entry of their seat, the feed of the
event's slots, and the e-mails that carry them.

Messages are queued in the caller's transaction (forum.mail). The join link
goes only into what a confirmed attendee receives. Times in a message are in
the attendee's own zone first, with the event's zone beside them.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from forum import calendar, mail, timezones
from forum.models import Event, Registration, RegistrationStatus, Slot

Status = RegistrationStatus


def page_url(token: str) -> str:
    return f"{current_app.config['BASE_URL']}/registrations/{token}/"


def event_url(event: Event) -> str:
    return f"{current_app.config['BASE_URL']}/events/{event.slug}/"


def organizer(event: Event) -> calendar.Person:
    return calendar.Person(event.title, current_app.config["MAIL_FROM"])


def sequence(registration: Registration) -> int:
    """Rises with every change of the event's time or place and with every
    cancellation of the seat: both counters only grow."""
    return registration.event.sequence + registration.sequence


def seat_entry(registration: Registration, page: str | None = None) -> calendar.Entry:
    """The whole event as one calendar entry, under the registration's own UID."""
    event = registration.event
    confirmed = registration.status is Status.CONFIRMED and event.status.value != "cancelled"
    description = event.description
    if page:
        description = f"{description}\n\nYour registration: {page}".strip()
    return calendar.Entry(
        uid=registration.uid,
        sequence=sequence(registration),
        start=event.start_utc,
        end=event.end_utc,
        summary=event.title,
        description=description,
        location=event.venue,
        url=event_url(event),
        join_url=event.join_url if confirmed else "",
        cancelled=not confirmed,
        stamp=max(event.updated_at, registration.since),
    )


def slot_entries(registration: Registration, slots: list[Slot]) -> list[calendar.Entry]:
    """The feed's entries: each slot under its own UID, the join link only while
    the seat is confirmed, and everything CANCELLED once it is not."""
    event = registration.event
    confirmed = registration.status is Status.CONFIRMED
    return [
        calendar.Entry(
            uid=slot.uid,
            sequence=slot.sequence + event.sequence + registration.sequence,
            start=slot.start_utc,
            end=slot.end_utc,
            summary=f"{slot.title} · {event.title}",
            description="\n".join(filter(None, [slot.speakers_text, slot.description])),
            location=event.venue,
            url=event_url(event),
            join_url=event.join_url if confirmed else "",
            cancelled=not confirmed or event.status.value == "cancelled",
        )
        for slot in slots
    ]


@dataclass
class When:
    """The event's time for one reader: theirs first, the event's beside it."""

    own: str
    event: str | None


def when(event: Event, zone: str) -> When:
    def span(z: str) -> str:
        start, end = event.start_utc, event.end_utc
        same_day = timezones.local_date(start, z) == timezones.local_date(end, z)
        tail = timezones.format_time(end, z) if same_day else timezones.format_datetime(end, z)
        return f"{timezones.format_datetime(start, z)} – {tail} ({z})"

    return When(span(zone), span(event.timezone) if zone != event.timezone else None)


def _send(registration: Registration, token: str, kind: str, subject: str, paragraphs: list[str],
          method: str | None = None) -> None:
    event = registration.event
    confirmed = registration.status is Status.CONFIRMED and method != "CANCEL"
    times = when(event, registration.timezone)
    rows = [("Event", event.title), ("When", times.own)]
    if times.event:
        rows.append(("Event time", times.event))
    if confirmed and event.join_url:
        rows.append(("Join online", event.join_url))
    rows.append(("Event page", event_url(event)))
    ics = None
    if method:
        entry = seat_entry(registration, page_url(token))
        entry.organizer = organizer(event)
        entry.attendees = [calendar.Person(registration.name, registration.email)]
        entry.cancelled = method == "CANCEL"
        ics = calendar.invitation(entry, event.timezone, method)
    mail.send_notice(
        registration.email, subject, kind, event.id, name=registration.name, paragraphs=paragraphs, rows=rows,
        action_url=page_url(token), action_label="Your registration (status, calendar, cancel)",
        footnote="This link is personal; do not forward it.", calendar=ics, method=method,
    )


def send_status(registration: Registration, token: str, promoted: bool, rank: int | None) -> None:
    """The message for where the registration stands now: an invitation for a
    seat, a number (`rank`) for the waitlist, an acknowledgement for a pending request."""
    title = registration.event.title
    if registration.status is Status.CONFIRMED:
        opening = (f"Good news: a seat at “{title}” is now yours." if promoted
                   else f"You have a seat at “{title}”.")
        _send(registration, token, "registration-confirmed", f"Invitation: {title}", [
            opening,
            "This e-mail carries a calendar invitation; accept it or open invite.ics to put the event "
            "in your calendar at the right time.",
        ], method="REQUEST")
    elif registration.status is Status.WAITLISTED:
        _send(registration, token, "registration-waitlisted", f"Waitlist: {title} (number {rank})", [
            f"“{title}” is full. You are on the waitlist, number {rank}.",
            "If a seat frees up it goes to the first person on the list, and we will e-mail you "
            "the invitation and the link to join.",
        ])
    elif registration.status is Status.PENDING:
        _send(registration, token, "registration-pending", f"Request received: {title}", [
            f"Thank you for registering for “{title}”. The organisers approve each registration; "
            "we will e-mail you as soon as they have decided.",
        ])


def send_cancellation(registration: Registration, token: str, had_seat: bool, by_organiser: bool) -> None:
    """A seat that ends gets METHOD:CANCEL so calendars drop the entry; a place
    in the queue or a request just gets a note."""
    title = registration.event.title
    opening = (f"The organisers have cancelled your registration for “{title}”." if by_organiser
               else f"Your registration for “{title}” is cancelled, as you asked.")
    paragraphs = [opening]
    if had_seat:
        paragraphs.append("Your seat has gone to the next person waiting; this e-mail removes the event "
                          "from your calendar.")
    paragraphs.append("Changed your mind? Register again on the event page while registration is open.")
    _send(registration, token, "registration-cancelled", f"Cancelled: {title}", paragraphs,
          method="CANCEL" if had_seat else None)


def send_reminder(registration: Registration, token: str, which: str) -> None:
    """A day or an hour before: when, in the reader's zone, and the join link."""
    event = registration.event
    soon = "tomorrow" if which == "day" else "in an hour"
    _send(registration, token, f"reminder-{which}", f"Reminder: {event.title} starts {soon}", [
        f"“{event.title}” starts {soon}: {when(event, registration.timezone).own}.",
    ], method=None)


def send_release_summary(registration: Registration, token: str, release) -> None:
    """One plain message per release: every change in the reader's own zone."""
    event, zone = registration.event, registration.timezone
    paragraphs = [f"The agenda of “{event.title}” has changed (update {release.number}). "
                  f"Times are your time, {zone}:"]
    paragraphs += [describe_change(change, zone) for change in release.changes]
    if release.comment:
        paragraphs.append(f"The organisers add: {release.comment}")
    paragraphs.append("Your calendar subscription (on your registration page) follows these changes by itself.")
    _send(registration, token, "agenda-update", f"Agenda update: {event.title}", paragraphs)


def send_event_update(registration: Registration, token: str) -> None:
    title = registration.event.title
    _send(registration, token, "event-update", f"Updated invitation: {title}", [
        f"The time, place or joining details of “{title}” have changed; the new ones are below. "
        "This e-mail updates the entry already in your calendar.",
    ], method="REQUEST")


def send_event_cancelled(registration: Registration, token: str) -> None:
    title = registration.event.title
    _send(registration, token, "event-cancelled", f"Cancelled: {title}", [
        f"We are sorry: “{title}” has been cancelled. This e-mail removes it from your calendar.",
    ], method="CANCEL")


def send_message(registration: Registration, token: str, subject: str, body: str) -> None:
    """An organiser's note to confirmed attendees, with the join link they are entitled to."""
    _send(registration, token, "organiser-message", subject, body.split("\n\n"))


def describe_change(change: dict, zone: str) -> str:
    """One change in words, with times in `zone` ("your time" for a reader)."""
    def when(start: str, end: str) -> str:
        begin, finish = timezones.parse_utc(start), timezones.parse_utc(end)
        return f"{timezones.format_datetime(begin, zone)} – {timezones.format_time(finish, zone)}"

    title = f"“{change['title']}”"
    if change["kind"] == "added":
        return f"Added: {title}, {when(change['start_utc'], change['end_utc'])}"
    if change["kind"] == "removed":
        return f"Removed: {title} (was {when(change['start_utc'], change['end_utc'])})"
    parts = []
    if "moved" in change["aspects"]:
        parts.append(f"moved from {when(change['old_start_utc'], change['old_end_utc'])} "
                     f"to {when(change['start_utc'], change['end_utc'])}")
    if "renamed" in change["aspects"]:
        parts.append(f"renamed from “{change['old_title']}”")
    if "speakers" in change["aspects"]:
        names = [f"+ {n}" for n in change["speakers_added"]] + [f"− {n}" for n in change["speakers_removed"]]
        parts.append("speakers " + ", ".join(names))
    if "details" in change["aspects"]:
        parts.append("details updated")
    return f"{title}: " + "; ".join(parts)

