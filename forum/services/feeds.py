"""The subscription feeds (METHOD:PUBLISH): what each reader may see, and when
it last changed (DTSTAMP and Last-Modified), so an unchanged feed is the same
bytes and answers 304.

- the public feed of an event: its slots, never the join link;
- a registration's feed: the slots with the join link while the seat is
  confirmed, everything CANCELLED once it is not;
- a speaker's feed: their confirmed slots across events, with the join link;
- an organiser's feed: each of their events as one entry, with the join link.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from forum import calendar
from forum.extensions import db
from forum.models import Event, EventStatus, Organiser, Registration, Slot, SlotSpeaker, Speaker, SpeakerStatus
from forum.models import event_organisers
from forum.services import invitations, releases, speaker_mail
from forum.services.errors import NotFound
from forum.services.tokens import hash_token, new_token


@dataclass
class Feed:
    body: bytes
    changed_at: datetime


def event_entry(event: Event) -> calendar.Entry:
    """The whole event as the public may see it: no join link."""
    return calendar.Entry(
        uid=event.uid, sequence=event.sequence, start=event.start_utc, end=event.end_utc, summary=event.title,
        description=event.description, location=event.venue, url=invitations.event_url(event),
        cancelled=event.status is EventStatus.CANCELLED, zone=event.timezone,
    )


def slot_entry(event: Event, slot) -> calendar.Entry:
    """A published slot as the public may see it: no join link."""
    return calendar.Entry(
        uid=slot.uid, sequence=event.sequence + slot.sequence, start=slot.start_utc, end=slot.end_utc,
        summary=f"{slot.title} · {event.title}",
        description="\n".join(filter(None, [slot.speakers_text, slot.description])),
        location=event.venue, url=invitations.event_url(event), cancelled=event.status is EventStatus.CANCELLED,
    )


def slot_links(event: Event, slot) -> dict[str, str]:
    """"Add to calendar" links for one slot (Google Calendar, Outlook.com)."""
    entry = slot_entry(event, slot)
    return {"google": calendar.google_link(entry), "outlook": calendar.outlook_link(entry)}


def event_feed(event: Event) -> Feed:
    view = releases.public_view(event)
    stamp = view.changed_at
    entries = [slot_entry(event, slot) for slot in view.slots]
    return Feed(calendar.feed(event.title, entries, event.timezone, stamp), stamp)


def registration_feed(registration: Registration) -> Feed:
    event = registration.event
    view = releases.public_view(event)
    stamp = max(view.changed_at, registration.since)
    entries = invitations.slot_entries(registration, view.slots)
    return Feed(calendar.feed(event.title, entries, event.timezone, stamp), stamp)


def speaker_feed(speaker: Speaker) -> Feed:
    invitations_ = db.session.scalars(
        select(SlotSpeaker).join(Speaker).join(Slot)
        .where(Speaker.email == speaker.email, SlotSpeaker.status == SpeakerStatus.CONFIRMED)
        .order_by(Slot.start_utc)
    ).all()
    entries = []
    for invitation in invitations_:
        entry = speaker_mail.slot_entry(invitation)
        entry.zone = invitation.slot.event.timezone
        entries.append(entry)
    stamps = [speaker.event.updated_at] + [
        max(filter(None, [i.answered_at, i.slot.updated_at, i.slot.event.updated_at])) for i in invitations_
    ]
    stamp = max(stamps)
    return Feed(calendar.feed(f"{speaker.name}: speaking", entries, speaker.event.timezone, stamp), stamp)


def organiser_feed(organiser: Organiser) -> Feed:
    events = db.session.scalars(
        select(Event).join(event_organisers).where(event_organisers.c.organiser_id == organiser.id)
        .order_by(Event.start_utc)
    ).all()
    entries = []
    for event in events:
        entry = event_entry(event)
        entry.join_url = event.join_url  # organisers may see it
        if event.status is EventStatus.DRAFT:
            entry.summary = f"{event.title} (draft)"
        entries.append(entry)
    stamp = max([organiser.created_at] + [e.updated_at for e in events])
    return Feed(calendar.feed(f"{organiser.name or organiser.email}: events", entries, "UTC", stamp), stamp)


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
