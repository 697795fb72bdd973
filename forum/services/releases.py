"""Schedule releases: organisers edit the agenda as a draft; the public reads
the latest release; "Publish changes" makes a new release and tells everyone
affected, once.

A release stores the agenda as published (a snapshot) and what changed since
the previous one. Publishing runs under the event's lock, so a double click
or two organisers at once make one release, and the second finds nothing new.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from forum import planning, timezones
from forum.extensions import db
from forum.models import Event, EventStatus, Invitation, Organiser, Release, Slot, Speaker
from forum.services import agenda, attendee_mail, tokens
from forum.services.errors import Conflict, NotFound
from forum.services.locks import lock_event
from forum.services.registrations import confirmed_registrations
from forum.services.validation import Checker


def snapshot(event: Event) -> list[dict]:
    """The live agenda as plain data, with each speaker's name and answer (for the diff)."""
    slots = agenda.agenda_view(event, all_speakers=True)
    parts: dict[int, list[dict]] = {}
    rows = db.session.execute(
        select(Invitation, Speaker).join(Speaker, Invitation.speaker_id == Speaker.id)
        .join(Slot, Invitation.slot_id == Slot.id).where(Slot.event_id == event.id)
        .order_by(Invitation.position, Invitation.id)
    )
    for invitation, speaker in rows:
        parts.setdefault(invitation.slot_id, []).append({
            "name": speaker.name, "status": invitation.status.value, "role": invitation.role.value,
        })
    return [
        {
            "id": slot.id, "uid": slot.uid, "title": slot.title, "kind": slot.kind.value, "track": slot.track,
            "description": slot.description, "speakers_text": slot.speakers_text,
            "start_utc": timezones.utc_isoformat(slot.start_utc), "end_utc": timezones.utc_isoformat(slot.end_utc),
            "position": slot.position, "sequence": slot.sequence, "speakers": parts.get(slot.id, []),
        }
        for slot in slots
    ]


def latest(event: Event) -> Release | None:
    return db.session.scalar(
        select(Release).where(Release.event_id == event.id).order_by(Release.number.desc()).limit(1))


def history(event: Event) -> Sequence[Release]:
    return db.session.scalars(
        select(Release).where(Release.event_id == event.id).order_by(Release.number.desc())).all()


@dataclass
class PublicView:
    """The agenda as readers see it, the release it comes from, and when it last changed."""

    slots: list[agenda.AgendaSlot]
    release: Release | None
    changed_at: datetime


def public_view(event: Event) -> PublicView:
    """What readers see: the latest release (an event never released shows its
    live agenda). One read of the release serves the slots and the stamp."""
    release = latest(event)
    if release is None:
        return PublicView(agenda.agenda_view(event), None, agenda.changed_at(event))
    return PublicView(agenda.agenda_view(event, published=release.snapshot), release,
                      max(event.updated_at, release.created_at))


def public_agenda(event: Event) -> list[agenda.AgendaSlot]:
    return public_view(event).slots


def released_slot(event: Event, uid: str) -> agenda.AgendaSlot:
    """One session as published, for links that point at it."""
    for slot in public_agenda(event):
        if slot.uid == uid:
            return slot
    raise NotFound("No such session in this event's published agenda.")


def pending_changes(event: Event) -> list[dict]:
    release = latest(event)
    return planning.agenda_changes(release.snapshot if release else [], snapshot(event))


@dataclass
class Preview:
    """One pending change and how many people it will reach."""

    change: dict
    attendees: int


def preview(event: Event) -> list[Preview]:
    """Speakers are not counted: their calendars follow each edit as it is saved."""
    confirmed = len(confirmed_registrations(event))
    return [Preview(change, confirmed) for change in pending_changes(event)]


def _record(event: Event, organiser: Organiser | None, comment: str, changes: list[dict],
            agenda_now: list[dict] | None = None) -> Release:
    number = (db.session.scalar(select(func.max(Release.number)).where(Release.event_id == event.id)) or 0) + 1
    release = Release(event_id=event.id, number=number, comment=comment,
                      organiser_id=organiser.id if organiser else None,
                      snapshot_json=json.dumps(snapshot(event) if agenda_now is None else agenda_now,
                                               ensure_ascii=False),
                      changes_json=json.dumps(changes, ensure_ascii=False))
    db.session.add(release)
    return release


def release_first(event: Event, organiser: Organiser | None = None, comment: str = "Published") -> Release | None:
    """Make the live agenda public at first publication, telling nobody: no
    attendee has anything of it yet. Once released, an agenda changes only
    with "Publish changes", so published again after a pause it keeps its
    pending changes pending."""
    if latest(event) is not None:
        return None
    return _record(event, organiser, comment, pending_changes(event))


def release_shift(event: Event, delta: timedelta, organiser: Organiser | None = None) -> Release | None:
    """The event moved and its agenda with it: the published agenda moves at
    once too, so no reader sees the event at one time and its sessions at
    another. Only the shift is released; other draft edits stay pending.
    Attendees hear of it in their seat's updated calendar entry."""
    previous = latest(event)
    if previous is None or not delta:
        return None
    moved = [{**slot, "start_utc": timezones.utc_isoformat(timezones.parse_utc(slot["start_utc"]) + delta),
              "end_utc": timezones.utc_isoformat(timezones.parse_utc(slot["end_utc"]) + delta)}
             for slot in previous.snapshot]
    return _record(event, organiser, "The event moved, and its agenda with it.",
                   planning.agenda_changes(previous.snapshot, moved), moved)


def publish_changes(event: Event, organiser: Organiser | None, comment: str = "") -> Release:
    """Release the draft and tell each confirmed attendee, once, in one summary
    (speakers' calendars followed each edit already)."""
    check = Checker()
    comment = check.text("comment", comment, 2000, required=False)
    check.raise_if_any()
    if event.status is not EventStatus.PUBLISHED:
        raise Conflict("Only a published event has releases; publish the event first.")
    lock_event(event)
    previous = latest(event)
    changes = pending_changes(event)
    if not changes:
        raise Conflict("There are no changes to publish: the public agenda is already up to date.")
    before = {slot["uid"]: slot for slot in (previous.snapshot if previous else [])}
    for change in changes:  # calendars act on an update only when SEQUENCE rises past what they have
        if change["kind"] == "changed" and planning.changes_calendars(change):
            slot = db.session.execute(select(Slot).where(Slot.uid == change["uid"])).scalar_one()
            slot.sequence = max(slot.sequence, before[change["uid"]]["sequence"] + 1)
    db.session.flush()
    release = _record(event, organiser, comment, changes)
    sent = 0
    if previous is not None:
        for registration in confirmed_registrations(event):
            attendee_mail.send_release_summary(registration, tokens.new_link(registration), release)
            sent += 1
    release.notified = sent
    db.session.commit()
    return release

