"""What an attendee receives by e-mail: their seat's calendar entry (its
request, updates and cancellation, built in forum.services.entries), waitlist
notes, reminders and agenda summaries.

Messages are queued in the caller's transaction (forum.mail). The join link
goes only into what a confirmed attendee receives. Times in a message are in
the attendee's own zone first, with the event's zone beside them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from forum import mail, timezones, urls
from forum.models import Event, Registration, RegistrationStatus
from forum.services import entries


def page_url(token: str) -> str:
    return urls.external("public.registration_page", token=token)


@dataclass
class When:
    """The event's time for one reader: theirs first, the event's beside it."""

    own: str
    event: str | None


def span(start: datetime, end: datetime, zone: str) -> str:
    same_day = timezones.local_date(start, zone) == timezones.local_date(end, zone)
    tail = timezones.format_time(end, zone) if same_day else timezones.format_datetime(end, zone)
    return f"{timezones.format_datetime(start, zone)} – {tail} ({zone})"


def when(event: Event, zone: str) -> When:
    own = span(event.start_utc, event.end_utc, zone)
    return When(own, span(event.start_utc, event.end_utc, event.timezone) if zone != event.timezone else None)


def _send(registration: Registration, token: str | None, kind: str, subject: str, paragraphs: list[str],
          change: entries.Change | None = None) -> None:
    """One notice; with `change`, it carries the seat's new calendar entry.
    Without `token` it points to the event page instead of the person's own."""
    event = registration.event
    shown = entries.seat_shown(registration)
    times = when(event, registration.timezone)
    rows = [("Event", event.title), ("When", times.own)]
    if times.event:
        rows.append(("Event time", times.event))
    if shown is not None and shown.join_url:
        rows.append(("Join online", shown.join_url))
    rows.append(("Event page", entries.event_url(event)))
    action = ({"action_url": page_url(token), "action_label": "Your registration (status, calendar, cancel)",
               "footnote": "This link is personal; do not forward it."} if token else
              {"action_url": entries.event_url(event), "action_label": "The event page"})
    mail.send_notice(
        registration.email, subject, kind, event.id, name=registration.name, paragraphs=paragraphs, rows=rows,
        **action,
        calendar=entries.calendar_part(change) if change else None,
    )


def send_status(registration: Registration, token: str, promoted: bool, rank: int | None,
                change: entries.Change | None = None) -> None:
    """The message for where the registration stands now: a calendar request for a
    seat, a number (`rank`) for the waitlist, an acknowledgement for a pending request."""
    title = registration.event.title
    if registration.status is RegistrationStatus.CONFIRMED:
        opening = (f"Good news: a seat at “{title}” is now yours." if promoted
                   else f"You have a seat at “{title}”.")
        _send(registration, token, "registration-confirmed", f"Invitation: {title}", [
            opening,
            ("This e-mail carries a calendar invitation; accept it or open invite.ics to put the event "
             "in your calendar at the right time."),
        ], change or entries.update_seat(registration))
    elif registration.status is RegistrationStatus.WAITLISTED:
        _send(registration, token, "registration-waitlisted", f"Waitlist: {title} (number {rank})", [
            f"“{title}” is full. You are on the waitlist, number {rank}.",
            ("If a seat frees up it goes to the first person on the list, and we will e-mail you "
             "the invitation and the link to join."),
        ])
    elif registration.status is RegistrationStatus.HELD:
        assert registration.held_until is not None, "a held seat has its deadline"
        deadline = timezones.format_datetime(registration.held_until, registration.timezone)
        _send(registration, token, "registration-held", f"Confirm your seat: {title}", [
            (f"A seat at “{title}” is free for you." if promoted else f"A seat at “{title}” is kept for you."),
            (f"To take it, open your registration page with the button below and press “Confirm my seat” "
             f"before {deadline} ({registration.timezone}). Otherwise it goes to the next person waiting."),
            "Did not register? Then someone typed your address; ignore this e-mail and the seat goes back.",
        ])
    elif registration.status is RegistrationStatus.PENDING:
        _send(registration, token, "registration-pending", f"Request received: {title}", [
            (f"Thank you for registering for “{title}”. The organisers approve each registration; "
             "we will e-mail you as soon as they have decided."),
        ])


CANCELLED_BY = {
    "attendee": "Your registration for “{}” is cancelled, as you asked.",
    "organiser": "The organisers have cancelled your registration for “{}”.",
    "lapsed": "The seat kept for you at “{}” has gone back: the address was not confirmed in time.",
}


def send_cancellation(registration: Registration, by: str) -> None:
    """A seat that ends gets METHOD:CANCEL so calendars drop the entry; a place
    in the queue, a held seat or a request just gets a note. `by`: a key of
    CANCELLED_BY. No personal link: a cancelled registration's page shows
    nothing more."""
    title = registration.event.title
    change = entries.update_seat(registration)
    had_seat = change is not None
    paragraphs = [CANCELLED_BY[by].format(title)]
    if had_seat:
        paragraphs.append("Your seat has gone to the next person waiting; this e-mail removes the event "
                          "from your calendar.")
    paragraphs.append("Changed your mind? Register again on the event page while registration is open.")
    _send(registration, None, "registration-cancelled", f"Cancelled: {title}", paragraphs, change)


def send_reminder(registration: Registration, token: str, which: str) -> None:
    """A day or an hour before: when, in the reader's zone, and the join link."""
    event = registration.event
    soon = "tomorrow" if which == "day" else "in an hour"
    _send(registration, token, f"reminder-{which}", f"Reminder: {event.title} starts {soon}", [
        f"“{event.title}” starts {soon}: {when(event, registration.timezone).own}.",
    ])


def send_release_summary(registration: Registration, token: str, release) -> None:
    """One plain message per release: every change in the reader's own zone."""
    event, zone = registration.event, registration.timezone
    paragraphs = [(f"The agenda of “{event.title}” has changed (update {release.number}). "
                   f"Times are your time, {zone}:")]
    paragraphs += [describe_change(change, zone) for change in release.changes]
    if release.comment:
        paragraphs.append(f"The organisers add: {release.comment}")
    paragraphs.append("Your calendar subscription (on your registration page) follows these changes by itself.")
    _send(registration, token, "agenda-update", f"Agenda update: {event.title}", paragraphs)


def send_change(registration: Registration, token: str, change: entries.Change) -> None:
    """The seat's entry changed with the event itself: its time, place, title,
    join link, or the event was cancelled."""
    title = registration.event.title
    if change.method == "CANCEL":
        _send(registration, token, "event-cancelled", f"Cancelled: {title}", [
            f"We are sorry: “{title}” has been cancelled. This e-mail removes it from your calendar.",
        ], change)
    elif change.is_new:
        send_status(registration, token, promoted=False, rank=None, change=change)
    else:
        paragraphs = [(f"The {' and '.join(change.aspects)} of “{title}” changed; the new ones are below. "
                       "This e-mail updates the entry already in your calendar.")]
        if "time" in change.aspects and (was := change.before) is not None:
            paragraphs.append(f"It was {span(was.start_utc, was.end_utc, registration.timezone)}.")
        _send(registration, token, "event-update", f"Updated invitation: {title}", paragraphs, change)


def send_message(registration: Registration, token: str, subject: str, body: str) -> None:
    """An organiser's note to confirmed attendees, with the join link they are entitled to.

    A blank line starts a paragraph, whichever line ends the browser sent (a textarea sends CRLF)."""
    _send(registration, token, "organiser-message", subject, re.sub(r"\r\n?", "\n", body).split("\n\n"))


def describe_change(change: dict, zone: str) -> str:
    """One change in words, with times in `zone` ("your time" for a reader)."""
    def when(start: str, end: str) -> str:
        begin, finish = timezones.parse_utc(start), timezones.parse_utc(end)
        return timezones.format_span(begin, finish, zone)

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

