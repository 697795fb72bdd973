"""Calendar entries: what each person's calendar shows, built in one place for
feeds, downloads, e-mails and "add to calendar" links.

- the event as the public sees it, and each released slot: feeds and links;
- a seat: the whole event under the registration's UID, with the join link
  while the seat is confirmed;
- a speaker's part: one slot under the invitation's UID, with the join link
  while the speaker is confirmed.

Seats and parts are mailed. `update_seat` and `update_part` compare what the
rows say the entry shows now (`Shown`) with what the person holds (HeldEntry,
as last mailed); when they differ the held row takes the new state with the
next SEQUENCE, and the caller mails the returned `Change` in the same
transaction. Feeds and downloads render held rows, so what a person's feed
shows and what their last calendar e-mail said are the same data.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from forum import calendar, mail, timezones, urls
from forum.extensions import db
from forum.models import (
    Event,
    EventStatus,
    HeldEntry,
    Invitation,
    InvitationStatus,
    Registration,
    RegistrationStatus,
    Slot,
)

JOIN_EARLY = "Please join 15 minutes early for a sound and video check."
SEAT, PART = "seat", "part"


@dataclass(frozen=True)
class Shown:
    """What a calendar shows of an entry: a change to any of these is a
    change its holder is told about, with a higher SEQUENCE."""

    summary: str
    start_utc: datetime
    end_utc: datetime
    location: str
    join_url: str
    role: str

    def differences(self, other: Shown) -> list[str]:
        """What changed from `other` to this, in words for a message."""
        aspects = {"time": (self.start_utc, self.end_utc) != (other.start_utc, other.end_utc),
                   "title": self.summary != other.summary, "place": self.location != other.location,
                   "joining details": self.join_url != other.join_url, "role": self.role != other.role}
        return [name for name, changed in aspects.items() if changed]


def seat_shown(registration: Registration) -> Shown | None:
    """The seat's entry now; None when the person should hold nothing."""
    event = registration.event
    if registration.status is not RegistrationStatus.CONFIRMED or event.status is EventStatus.CANCELLED:
        return None
    return Shown(event.title, event.start_utc, event.end_utc, event.venue, event.join_url, "attendee")


def part_shown(invitation: Invitation) -> Shown | None:
    """The speaker's entry for one slot now; None when they should hold nothing."""
    slot, event = invitation.slot, invitation.slot.event
    if (invitation.status is not InvitationStatus.CONFIRMED or event.status is EventStatus.CANCELLED
            or invitation.speaker.contact_erased):  # nobody to hold it any more
        return None
    return Shown(f"{slot.title} · {event.title}", slot.start_utc, slot.end_utc, event.venue, event.join_url,
                 invitation.role.value)


def _shown_of(held: HeldEntry) -> Shown:
    return Shown(held.summary, held.start_utc, held.end_utc, held.location, held.join_url, held.role)


@dataclass
class Change:
    """An entry a person must be told about: `held` is already the new state."""

    held: HeldEntry
    before: Shown | None  # what they held; None: nothing, or an entry cancelled earlier

    @property
    def method(self) -> str:
        return "CANCEL" if self.held.cancelled else "REQUEST"

    @property
    def is_new(self) -> bool:
        return self.before is None

    @property
    def aspects(self) -> list[str]:
        if self.before is None or self.held.cancelled:
            return []
        return _shown_of(self.held).differences(self.before)


def _locked(query):
    """Held rows as they are now, locked until the commit (PostgreSQL), so
    two changes at once take two SEQUENCE numbers, never the same one twice."""
    return query.with_for_update().execution_options(populate_existing=True)


def held_by_uid(event: Event, kind: str) -> dict[str, HeldEntry]:
    """Every entry of one kind the event's people hold, in one query (for `known`)."""
    rows = db.session.scalars(_locked(
        select(HeldEntry).where(HeldEntry.event_id == event.id, HeldEntry.kind == kind).order_by(HeldEntry.id)))
    return {held.uid: held for held in rows}


def _update(kind: str, uid: str, event: Event, name: str, email: str, shown: Shown | None,
            known: dict[str, HeldEntry] | None, **holder) -> Change | None:
    """`known`: the held entries already read (held_by_uid), to save a query per person."""
    held = known.get(uid) if known is not None else db.session.scalar(
        _locked(select(HeldEntry).where(HeldEntry.uid == uid)))
    if held is not None:
        held.name = name
    if shown is None:
        if held is None or held.cancelled:
            return None
        return _cancel(held)
    if held is not None and not held.cancelled and _shown_of(held) == shown:
        return None
    before = None if held is None or held.cancelled else _shown_of(held)
    if held is None:
        held = HeldEntry(uid=uid, kind=kind, event_id=event.id, event=event, email=email, name=name,
                         zone=event.timezone, sequence=0, **holder)
        db.session.add(held)
    else:
        held.sequence += 1
    _record(held, shown)
    return Change(held, before)


def _record(held: HeldEntry, shown: Shown) -> None:
    held.summary, held.start_utc, held.end_utc = shown.summary, shown.start_utc, shown.end_utc
    held.location, held.join_url, held.role = shown.location, shown.join_url, shown.role
    held.cancelled, held.zone, held.sent_at = False, held.event.timezone, timezones.now_utc()


def _cancel(held: HeldEntry) -> Change:
    before = _shown_of(held)
    held.sequence += 1
    held.cancelled, held.join_url, held.sent_at = True, "", timezones.now_utc()
    return Change(held, before)


def update_seat(registration: Registration, known: dict[str, HeldEntry] | None = None) -> Change | None:
    return _update(SEAT, registration.uid, registration.event, registration.name, registration.email,
                   seat_shown(registration), known, registration=registration)


def update_part(invitation: Invitation, known: dict[str, HeldEntry] | None = None) -> Change | None:
    speaker = invitation.speaker
    return _update(PART, invitation.uid, invitation.slot.event, speaker.name, speaker.email,
                   part_shown(invitation), known, invitation=invitation)


def removed_parts(event: Event) -> list[Change]:
    """Parts whose invitation is gone without its CANCEL (kept by an older
    release of the schema, or any future path that deletes invitations)."""
    orphans = db.session.scalars(
        select(HeldEntry).where(HeldEntry.event_id == event.id, HeldEntry.kind == PART,
                                HeldEntry.invitation_id.is_(None), HeldEntry.cancelled.is_(False))
        .order_by(HeldEntry.id).execution_options(populate_existing=True)
    ).all()
    return [_cancel(held) for held in orphans]


def remove_part(invitation: Invitation) -> Change | None:
    """The invitation is about to be deleted with its slot: its entry is
    cancelled and the held row, kept for feeds, lets go of it."""
    held = db.session.scalar(select(HeldEntry).where(HeldEntry.uid == invitation.uid))
    if held is None:
        return None
    held.invitation = None
    return None if held.cancelled else _cancel(held)


def assume_held(event: Event) -> None:
    """Record the entries the event's confirmed people already hold, without
    mailing them: for data made outside the use cases (the demo)."""
    db.session.flush()
    for invitation in db.session.scalars(select(Invitation).join(Slot).where(
            Invitation.status == InvitationStatus.CONFIRMED, Slot.event_id == event.id)):
        update_part(invitation)
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)):
        update_seat(registration)


def held_seat(registration: Registration) -> HeldEntry | None:
    return db.session.scalar(select(HeldEntry).where(HeldEntry.uid == registration.uid))


def held_parts(email: str) -> Sequence[HeldEntry]:
    """Every slot this address has been sent, in all events, as last sent."""
    return db.session.scalars(
        select(HeldEntry).where(HeldEntry.email == email, HeldEntry.kind == PART).order_by(HeldEntry.start_utc)
    ).all()


# Building iCalendar entries -----------------------------------------------------

def event_url(event: Event) -> str:
    return urls.external("public.event_page", slug=event.slug)


def organizer(event: Event) -> calendar.Person:
    return calendar.Person(event.title, current_app.config["MAIL_FROM"])


def sequence_of(event: Event, slot=None, registration: Registration | None = None) -> int:
    """SEQUENCE of the entries that are only published, never mailed (the
    event and its slots in feeds and links): the sum of counters that each
    only grow, with the event's time, place or status, the slot's time, and
    the seat's status."""
    return event.sequence + (slot.sequence if slot is not None else 0) + (
        registration.sequence if registration is not None else 0)


def event_entry(event: Event, with_join_url: bool = False) -> calendar.Entry:
    """The whole event as the public sees it (organisers: with the join link)."""
    return calendar.Entry(
        uid=event.uid, sequence=sequence_of(event), start=event.start_utc, end=event.end_utc, summary=event.title,
        description=event.description, location=event.venue, url=event_url(event),
        join_url=event.join_url if with_join_url else "", cancelled=event.status is EventStatus.CANCELLED,
        zone=event.timezone,
    )


def slot_entry(event: Event, slot, registration: Registration | None = None) -> calendar.Entry:
    """A released slot, for the public or, with `registration`, in that
    person's feed: the join link while their seat is confirmed, everything
    CANCELLED once it is not."""
    confirmed = registration is None or registration.status is RegistrationStatus.CONFIRMED
    cancelled = not confirmed or event.status is EventStatus.CANCELLED
    return calendar.Entry(
        uid=slot.uid, sequence=sequence_of(event, slot, registration), start=slot.start_utc, end=slot.end_utc,
        summary=f"{slot.title} · {event.title}",
        description="\n".join(filter(None, [slot.speakers_text, slot.description])),
        location=event.venue, url=event_url(event),
        join_url=event.join_url if registration is not None and not cancelled else "",
        cancelled=cancelled,
    )


def _description(held: HeldEntry) -> str:
    """What the entry says beside its facts. Never a personal link: calendars
    sync to third parties, and add-to-calendar links pass through them."""
    if held.cancelled:
        return ""
    event = held.event
    if held.kind == SEAT:
        return event.description
    slot = held.invitation.slot if held.invitation is not None else None
    return "\n\n".join(filter(None, [
        f"You speak as {held.role} at “{event.title}”.", JOIN_EARLY if held.join_url else "",
        slot.description if slot is not None else "",
    ]))


def held_entry(held: HeldEntry) -> calendar.Entry:
    """A seat or part exactly as last mailed."""
    return calendar.Entry(
        uid=held.uid, sequence=held.sequence, start=held.start_utc, end=held.end_utc, summary=held.summary,
        description=_description(held), location=held.location, url=event_url(held.event),
        join_url=held.join_url, cancelled=held.cancelled, stamp=held.sent_at, zone=held.zone,
    )


def calendar_part(change: Change) -> mail.CalendarPart:
    """The iTIP message (RFC 5546) of a change: ORGANIZER us, ATTENDEE the holder only."""
    held = change.held
    entry = held_entry(held)
    entry.organizer = organizer(held.event)
    entry.attendees = [calendar.Person(held.name, held.email)]
    if held.kind == PART:
        entry.attendee_partstat = "DECLINED" if held.cancelled else "ACCEPTED"
    return mail.CalendarPart(held.uid, held.sequence, change.method,
                             calendar.itip_message(entry, held.zone, change.method))


def stamp_of(*instants: datetime | None) -> datetime:
    """Last-Modified of a calendar response: the latest change of any row its bytes come from."""
    return max(filter(None, instants))


# "Add to calendar" --------------------------------------------------------------

@dataclass(frozen=True)
class Links:
    google: str = ""
    outlook: str = ""
    feed: str = ""  # the http(s) URL of the feed to subscribe to
    webcal: str = ""


def links(entry: calendar.Entry | None, feed: str = "") -> Links:
    """The links beside an entry (Google Calendar, Outlook.com) and a feed (webcal)."""
    add = {"google": calendar.google_link(entry), "outlook": calendar.outlook_link(entry)} if entry else {}
    return Links(**add, feed=feed, webcal=urls.webcal(feed) if feed else "")


def feed_links(endpoint: str, token: str) -> Links:
    """A personal feed's subscribe links, at the host the reader is on."""
    return links(None, urls.shown(endpoint, token=token))


def event_links(event: Event) -> Links:
    return links(event_entry(event), urls.shown("public.event_feed", slug=event.slug))


def slot_links(event: Event, slot) -> Links:
    return links(slot_entry(event, slot))


def seat_links(registration: Registration, token: str) -> Links | None:
    """The seat's links while it is held: the same entry the e-mails carried."""
    held = held_seat(registration)
    if held is None or held.cancelled:
        return None
    return links(held_entry(held), urls.shown("public.registration_feed", token=token))


def part_links(invitation: Invitation) -> Links | None:
    held = db.session.scalar(select(HeldEntry).where(HeldEntry.uid == invitation.uid))
    if held is None or held.cancelled:
        return None
    return links(held_entry(held))
