"""The subscription feeds (METHOD:PUBLISH) and downloads: what each reader may
see, and when it last changed (DTSTAMP and Last-Modified), so an unchanged
feed is the same bytes and answers 304, and a changed one never does.

- the public feed of an event: its released slots, never the join link;
- a registration's feed: the seat's entry as last mailed, and the released
  slots with the join link while the seat is confirmed, CANCELLED once not;
- a speaker's feed: every slot they were sent, in all events, as last mailed;
- an organiser's feed: each of their events as one entry, with the join link.

Entries come from forum.services.entries, as the e-mails' do.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from forum import calendar
from forum.extensions import db
from forum.models import Event, EventStatus, Organiser, Registration, Speaker, event_organisers
from forum.services import entries, releases
from forum.services.errors import NotFound
from forum.services.tokens import hash_token, new_token


@dataclass
class CalendarFile:
    body: bytes
    changed_at: datetime


def event_feed(event: Event) -> CalendarFile:
    view = releases.public_view(event)
    stamp = view.changed_at
    items = [entries.slot_entry(event, slot) for slot in view.slots]
    return CalendarFile(calendar.feed(event.title, items, event.timezone, stamp), stamp)


def registration_feed(registration: Registration) -> CalendarFile:
    event = registration.event
    view = releases.public_view(event)
    held = entries.held_seat(registration)
    items = [entries.held_entry(held)] if held is not None else []
    items += [entries.slot_entry(event, slot, registration) for slot in view.slots]
    stamp = entries.stamp_of(view.changed_at, registration.since, held.sent_at if held else None)
    return CalendarFile(calendar.feed(event.title, items, event.timezone, stamp), stamp)


def registration_download(registration: Registration) -> CalendarFile:
    """The seat's entry as one .ics ("Apple / other"), as last mailed; nothing
    to download before the seat is confirmed."""
    held = entries.held_seat(registration)
    if held is None:
        raise NotFound("There is nothing to put in a calendar yet: the entry comes with a confirmed seat.")
    entry = entries.held_entry(held)
    stamp = entries.stamp_of(held.sent_at, registration.event.updated_at)
    return CalendarFile(calendar.single(entry, held.zone), stamp)


def speaker_feed(speaker: Speaker) -> CalendarFile:
    held = entries.held_parts(speaker.email)
    items = [entries.held_entry(h) for h in held]
    stamp = entries.stamp_of(speaker.event.updated_at, *[h.sent_at for h in held], *[h.event.updated_at for h in held],
                             *[h.invitation.slot.updated_at for h in held if h.invitation is not None])
    return CalendarFile(calendar.feed(f"{speaker.name}: speaking", items, speaker.event.timezone, stamp), stamp)


def organiser_feed(organiser: Organiser) -> CalendarFile:
    events = db.session.scalars(
        select(Event).join(event_organisers).where(event_organisers.c.organiser_id == organiser.id)
        .order_by(Event.start_utc)
    ).all()
    items = []
    for event in events:
        entry = entries.event_entry(event, with_join_url=True)  # organisers may see it
        if event.status is EventStatus.DRAFT:
            entry.summary = f"{event.title} (draft)"
        items.append(entry)
    stamp = entries.stamp_of(organiser.created_at, *[e.updated_at for e in events])
    return CalendarFile(calendar.feed(f"{organiser.name or organiser.email}: events", items, "UTC", stamp), stamp)


def new_organiser_feed_link(organiser: Organiser) -> str:
    """A fresh secret for the organiser's feed; the previous link stops working."""
    token, organiser.feed_token_hash = new_token()
    db.session.commit()
    return token


def organiser_for_feed(token: str) -> Organiser:
    organiser = db.session.scalar(select(Organiser).where(Organiser.feed_token_hash == hash_token(token or "")))
    if organiser is None:
        raise NotFound("This calendar link is not known or was replaced by a newer one.")
    return organiser
