"""Personal data that goes: an attendee deleting their registration, an
organiser erasing a person from an event, and the retention purge of events
long over. The organisers keep anonymous counts (RegistrationTally).

What a person leaves behind, and what happens to it:
- their registration row and its links: deleted, so every link they were
  mailed is at once the ordinary "link not known";
- the copy of the calendar entry they hold (held_entries): deleted, once the
  CANCEL that removes it from their calendar is queued;
- their e-mail in the outbox: the CANCEL (or cancellation note) still owed
  to them goes, then its content is erased; other unsent mail to them is
  dropped; sent mail keeps its kind, subject and times, not its recipient or
  bytes.
Speakers of a past event stay on its agenda by name and title (public
record); their address, links, calendar entries, e-mail and private notes to
the organisers go.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import defer

from forum import mail, timezones
from forum.extensions import db
from forum.models import (
    Event,
    HeldEntry,
    Invitation,
    InvitationLogEntry,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationLink,
    RegistrationStatus,
    RegistrationTally,
    Speaker,
    SpeakerLink,
)
from forum.models.speaker import ERASED_DOMAIN
from forum.services import locks, registrations, states
from forum.services.errors import Invalid
from forum.services.registrations import Counts

MAX_RETENTION_DAYS = 36500
# What may still be sent (a failed message can be retried), and what is done.
UNSENT = (OutboxStatus.WAITING, OutboxStatus.FAILED)
# Messages that take an attendee's entry out of their calendar: owed to them even after erasure.
OWED_KINDS = ("registration-cancelled", "event-cancelled")
SPEAKER_KINDS = "speaker-"  # every message to a speaker (forum.services.speaker_mail) has a kind starting so
PRIVATE_LOG_ACTIONS = ("declined", "proposed")  # their detail is the speaker's own words


# One person ------------------------------------------------------------------

def erase_registration(registration: Registration, by_organiser: bool) -> None:
    """Delete a registration and the personal data around it, at the
    attendee's wish or by an organiser of the event.

    A seat or place still held is first cancelled exactly as
    `registrations.cancel` (or `remove`) does, in its own transaction: the
    CANCEL is queued to the person and the waitlist moves up. Then, under
    the event's lock, the person is counted in the event's tallies (as
    cancelled) and their data goes (see the module's docstring). Pressing
    the button twice erases once.
    """
    event, registration_id = registration.event, registration.id
    current = _under_lock(event, registration_id)
    action, use_case = ("remove", registrations.remove) if by_organiser else ("cancel", registrations.cancel)
    if current is not None and action in states.allowed_actions(current):
        use_case(current)
        current = _under_lock(event, registration_id)
    if current is None:  # erased by a request that ran meanwhile
        db.session.rollback()
        return
    _add_tally(event, Counts({RegistrationStatus.CANCELLED.value: 1}))
    _erase_attendee_mail(event, current.email)
    _delete_registrations(Registration.id == registration_id)
    db.session.commit()


def _under_lock(event: Event, registration_id: int) -> Registration | None:
    """The registration as it is now, read under the event's lock; None once gone."""
    locks.lock_event(event)
    return db.session.scalar(
        select(Registration).where(Registration.id == registration_id).execution_options(populate_existing=True))


def _erase_attendee_mail(event: Event, email: str) -> None:
    """Of the event's mail to this attendee: what is owed is marked to be
    erased once sent, the rest of the unsent is dropped, the sent is erased.

    The order matters when a worker is sending one of these messages right
    now (its row locked): each statement waits for it, and the last one
    finds it sent.
    """
    addresses = sorted({email, mail.wire_address(email)})
    person = (OutboxMessage.event_id == event.id, OutboxMessage.recipient.in_(addresses),
              ~OutboxMessage.kind.startswith(SPEAKER_KINDS))
    owed = OutboxMessage.kind.in_(OWED_KINDS)
    db.session.execute(update(OutboxMessage).where(*person, owed, OutboxMessage.status.in_(UNSENT))
                       .values(erase_after_sending=True).execution_options(synchronize_session=False))
    db.session.execute(delete(OutboxMessage).where(*person, ~owed, OutboxMessage.status.in_(UNSENT))
                       .execution_options(synchronize_session=False))
    _erase_sent(*person)


def _erase_sent(*conditions) -> int:
    rows = db.session.scalars(
        select(OutboxMessage).options(defer(OutboxMessage.message))
        .where(*conditions, OutboxMessage.status.not_in(UNSENT), OutboxMessage.recipient != "")
        .execution_options(populate_existing=True)
    ).all()
    for row in rows:
        mail.erase_content(row)
    return len(rows)


def _delete_registrations(*conditions) -> int:
    """The rows, their links and the seats their people hold. Deleted one
    table at a time: SQLite does not cascade."""
    chosen = select(Registration.id).where(*conditions)
    for statement in (delete(HeldEntry).where(HeldEntry.registration_id.in_(chosen)),
                      delete(RegistrationLink).where(RegistrationLink.registration_id.in_(chosen))):
        db.session.execute(statement.execution_options(synchronize_session=False))
    deleted = db.session.execute(delete(Registration).where(*conditions)
                                 .execution_options(synchronize_session="fetch"))
    return cast(CursorResult, deleted).rowcount  # a DELETE's result, typed as any Result


# Anonymous counts ------------------------------------------------------------

def _dimensions(counts: Counts) -> list[tuple[str, list[tuple[str, int]]]]:
    return [("status", list(counts.by_status.items())), ("country", counts.by_country),
            ("timezone", counts.by_timezone)]


def _tallies(event: Event) -> Sequence[RegistrationTally]:
    return db.session.scalars(select(RegistrationTally).where(RegistrationTally.event_id == event.id)).all()


def _add_tally(event: Event, counts: Counts) -> None:
    """Keep `counts` for people whose rows are about to go (under the event's lock)."""
    kept = {(row.dimension, row.value): row for row in _tallies(event)}
    for dimension, pairs in _dimensions(counts):
        for value, count in pairs:
            if not count:
                continue
            row = kept.get((dimension, value))
            if row is None:
                db.session.add(RegistrationTally(event_id=event.id, dimension=dimension, value=value, count=count))
            else:
                row.count += count


def counts(event: Event) -> Counts:
    """`registrations.counts`, with the people whose data was erased still counted."""
    live = registrations.counts(event)
    kept = _tallies(event)
    if not kept:
        return live
    merged = {dimension: Counter(dict(pairs)) for dimension, pairs in _dimensions(live)}
    for row in kept:
        merged[row.dimension][row.value] += row.count

    def ranked(counter: Counter) -> list[tuple[str, int]]:
        return sorted(counter.items(), key=lambda item: (-item[1], item[0]))

    return Counts({status: merged["status"][status] for status in live.by_status},
                  ranked(merged["country"]), ranked(merged["timezone"]))


# Retention -------------------------------------------------------------------

@dataclass
class Holdings:
    """The personal data one event still holds."""

    event: Event
    registrations: int
    speakers: int  # with their address, links or calendar entries still kept
    messages: int  # outbox messages with a recipient and content
    entries: int  # calendar entries held by the event's people

    @property
    def people(self) -> int:
        return self.registrations + self.speakers

    def __bool__(self) -> bool:
        return bool(self.people or self.messages or self.entries)


def _days(value: str | int) -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and int(text) <= MAX_RETENTION_DAYS):
        raise Invalid({"older_than": f"“{value}” is not a number of days: type a whole number from 0 to "
                                     f"{MAX_RETENTION_DAYS}."})
    return int(text)


def purge_ended(older_than: str | int, dry_run: bool = False, now: datetime | None = None) -> list[Holdings]:
    """Erase the personal data of every event that ended more than
    `older_than` days ago; return what each held (with `dry_run`, what it
    holds: nothing changes).

    Registrations are counted into the event's tallies and deleted with
    their links; every calendar entry held for the event goes; its unsent
    mail is dropped and its sent mail erased (a past event owes nobody a
    message); its speakers keep name, title and public profile on the
    agenda but lose their address, links and private notes. Each event is
    its own transaction; an event holding nothing is left alone, so a
    second run changes nothing.
    """
    days = _days(older_than)
    cutoff = (now or timezones.now_utc()) - timedelta(days=days)
    ended = db.session.scalars(select(Event).where(Event.end_utc < cutoff).order_by(Event.end_utc, Event.id)).all()
    found = [holdings for event in ended if (holdings := _holdings(event))]
    if not dry_run:
        for holdings in found:
            _purge(holdings.event)
    return found


def _count(query) -> int:
    return db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()


def _speakers_with_contact(event: Event):
    return select(Speaker.id).where(Speaker.event_id == event.id, ~Speaker.email.endswith(f"@{ERASED_DOMAIN}"))


def _holdings(event: Event) -> Holdings:
    return Holdings(
        event,
        registrations=_count(select(Registration.id).where(Registration.event_id == event.id)),
        speakers=_count(_speakers_with_contact(event)),
        messages=_count(select(OutboxMessage.id).where(OutboxMessage.event_id == event.id,
                                                       OutboxMessage.recipient != "")),
        entries=_count(select(HeldEntry.id).where(HeldEntry.event_id == event.id)),
    )


def _purge(event: Event) -> None:
    locks.lock_event(event)
    _add_tally(event, registrations.counts(event))
    _delete_registrations(Registration.event_id == event.id)
    db.session.execute(delete(HeldEntry).where(HeldEntry.event_id == event.id)
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.event_id == event.id,
                                                   OutboxMessage.status.in_(UNSENT))
                       .execution_options(synchronize_session=False))
    _erase_sent(OutboxMessage.event_id == event.id)
    _erase_speakers_contact(event)
    db.session.commit()


def _erase_speakers_contact(event: Event) -> None:
    """Name, title, organisation, bio and photo were published with the
    agenda and stay; the address, the links and what the speaker wrote to
    the organisers (a reason to decline, a note with a proposal) go."""
    speaker_ids = _speakers_with_contact(event)
    invitations = select(Invitation.id).where(Invitation.speaker_id.in_(speaker_ids))
    db.session.execute(update(InvitationLogEntry).where(InvitationLogEntry.invitation_id.in_(invitations),
                                                        InvitationLogEntry.action.in_(PRIVATE_LOG_ACTIONS))
                       .values(detail="").execution_options(synchronize_session=False))
    db.session.execute(update(Invitation).where(Invitation.speaker_id.in_(speaker_ids))
                       .values(decline_reason="", proposal_note="").execution_options(synchronize_session=False))
    db.session.execute(delete(SpeakerLink).where(SpeakerLink.speaker_id.in_(speaker_ids))
                       .execution_options(synchronize_session=False))
    for speaker in db.session.scalars(select(Speaker).where(Speaker.id.in_(speaker_ids))).all():
        speaker.email = f"erased-{speaker.id}@{ERASED_DOMAIN}"
