"""Schedule releases: organisers edit the agenda as a draft; the public reads
the latest release; "Publish changes" makes a new release and tells everyone
affected, once.

A release stores the agenda as published (a snapshot) and what changed since
the previous one. Publishing runs under the event's lock, so a double click
or two organisers at once make one release, and the second finds nothing new.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from forum import planning, timezones
from forum.extensions import db
from forum.models import (
    Event, Organiser, PendingCancellation, Release, Slot, SlotSpeaker, Speaker,
)
from forum.services import agenda, invitations, speaker_mail
from forum.services.errors import Conflict, NotFound
from forum.services.registrations import confirmed_registrations, lock_event, new_link
from forum.services.validation import Checker


def snapshot(event: Event) -> list[dict]:
    """The live agenda as plain data, with each speaker's name and answer (for the diff)."""
    slots = agenda.agenda_view(event, all_speakers=True)
    parts: dict[int, list[dict]] = {}
    rows = db.session.execute(
        select(SlotSpeaker, Speaker).join(Speaker, SlotSpeaker.speaker_id == Speaker.id)
        .join(Slot, SlotSpeaker.slot_id == Slot.id).where(Slot.event_id == event.id)
        .order_by(SlotSpeaker.position, SlotSpeaker.id)
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


def history(event: Event) -> list[Release]:
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
    speakers: int


def preview(event: Event) -> list[Preview]:
    confirmed = confirmed_registrations(event)
    in_calendar = _in_calendar_by_slot_uid(event)
    cancellations = _cancellations(event)
    result = []
    for change in pending_changes(event):
        speakers = 0
        if change["kind"] == "removed":
            speakers = len([c for c in cancellations if c.slot_uid == change["uid"]])
        elif change["kind"] == "changed" and planning.changes_calendars(change):
            speakers = len(in_calendar.get(change["uid"], []))
        result.append(Preview(change, len(confirmed), speakers))
    return result


def _cancellations(event: Event) -> list[PendingCancellation]:
    return db.session.scalars(select(PendingCancellation).where(PendingCancellation.event_id == event.id)
                              .order_by(PendingCancellation.id)).all()


def _in_calendar_by_slot_uid(event: Event) -> dict[str, list[SlotSpeaker]]:
    found: dict[str, list[SlotSpeaker]] = {}
    rows = db.session.execute(
        select(Slot.uid, SlotSpeaker).join(Slot, SlotSpeaker.slot_id == Slot.id)
        .where(Slot.event_id == event.id, SlotSpeaker.in_calendar.is_(True)))
    for uid, invitation in rows:
        found.setdefault(uid, []).append(invitation)
    return found


def _record(event: Event, organiser: Organiser | None, comment: str, changes: list[dict]) -> Release:
    number = (db.session.scalar(select(func.max(Release.number)).where(Release.event_id == event.id)) or 0) + 1
    release = Release(event_id=event.id, number=number, comment=comment,
                      organiser_id=organiser.id if organiser else None,
                      snapshot_json=json.dumps(snapshot(event), ensure_ascii=False),
                      changes_json=json.dumps(changes, ensure_ascii=False))
    db.session.add(release)
    return release


def release_silently(event: Event, organiser: Organiser | None = None, comment: str = "Published") -> Release | None:
    """Make the live agenda public without telling anyone: at first publication
    (nobody has anything in a calendar yet) and for the demo."""
    if latest(event) is not None and not pending_changes(event):
        return None
    return _record(event, organiser, comment, pending_changes(event))


def publish_changes(event: Event, organiser: Organiser | None, comment: str = "") -> Release:
    """Release the draft and tell each person affected, once: one summary per
    confirmed attendee, one calendar message per changed slot per speaker."""
    check = Checker()
    comment = check.text("comment", comment, 2000, required=False)
    check.raise_if_any()
    if event.status.value != "published":
        raise Conflict("Only a published event has releases; publish the event first.")
    lock_event(event)
    previous = latest(event)
    changes = pending_changes(event)
    if not changes:
        raise Conflict("There are no changes to publish: the public agenda is already up to date.")
    before = {slot["uid"]: slot for slot in (previous.snapshot if previous else [])}
    in_calendar = _in_calendar_by_slot_uid(event)
    for change in changes:  # calendars act on an update only when SEQUENCE rises past what they have
        if change["kind"] == "changed" and planning.changes_calendars(change):
            slot = db.session.scalar(select(Slot).where(Slot.uid == change["uid"]))
            slot.sequence = max(slot.sequence, before[change["uid"]]["sequence"] + 1)
    db.session.flush()
    release = _record(event, organiser, comment, changes)
    sent = 0
    for change in changes:
        if change["kind"] == "changed" and planning.changes_calendars(change):
            for invitation in in_calendar.get(change["uid"], []):
                speaker_mail.send_calendar(invitation, "REQUEST", moved=True)
                sent += 1
    for cancellation in _cancellations(event):  # slots deleted from the draft, released or not
        speaker_mail.send_removed(event, cancellation)
        db.session.delete(cancellation)
        sent += 1
    if previous is not None:
        for registration in confirmed_registrations(event):
            invitations.send_release_summary(registration, new_link(registration), release)
            sent += 1
    release.notified = sent
    db.session.commit()
    return release

