"""After a use case changed an event, its slots or its people: every calendar
entry that now shows something else than its holder was last mailed gets
its message, once (entries.Change), in the same transaction.

Use cases with words of their own (a confirmation, a cancellation) mail the
change themselves first; this catches everything else, such as the join
link of an event reaching its confirmed speakers as well as its attendees.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import Event, HeldEntry, Invitation, Registration, RegistrationStatus, Slot
from forum.services import attendee_mail, entries, speaker_mail, tokens


def sync_parts(event: Event) -> int:
    """Speakers' entries of the event: after slots or the event changed."""
    db.session.flush()
    parts = db.session.scalars(
        select(Invitation).join(Slot).where(Slot.event_id == event.id).order_by(Invitation.id)
        .options(joinedload(Invitation.slot), joinedload(Invitation.speaker))).all()
    known = entries.held_by_uid(event, entries.PART)
    changes = [change for part in parts if (change := entries.update_part(part, known)) is not None]
    changes += entries.removed_parts(event)
    for change in changes:
        speaker_mail.send_change(change)
    return len(changes)


def sync_seats(event: Event) -> int:
    """Attendees' entries of the event: those with a seat, and those who hold
    an entry the seat no longer justifies."""
    db.session.flush()
    holders = select(HeldEntry.registration_id).where(HeldEntry.event_id == event.id, HeldEntry.kind == entries.SEAT)
    people = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .where((Registration.status == RegistrationStatus.CONFIRMED) | Registration.id.in_(holders))
        .order_by(Registration.id)
    ).all()
    known = entries.held_by_uid(event, entries.SEAT)
    sent = 0
    for registration in people:
        change = entries.update_seat(registration, known)
        if change is not None:
            attendee_mail.send_change(registration, tokens.new_link(registration), change)
            sent += 1
    return sent


def sync(event: Event) -> int:
    """Everyone's entries of the event: after the event itself changed."""
    return sync_seats(event) + sync_parts(event)
