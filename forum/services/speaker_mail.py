"""What a speaker receives: the invitation listing their slots in their own
time first, reminders, and one calendar message per slot whenever their
entry for it changes (built in forum.services.entries): REQUEST when they
confirm or the slot changes, CANCEL when it is withdrawn.

One iTIP object carries one UID, so each slot is its own message.
"""
from __future__ import annotations

from datetime import datetime

from forum import mail, planning, timezones, urls
from forum.models import EventStatus, Invitation, Speaker
from forum.services import entries


def page_url(token: str) -> str:
    return urls.external("speaker.page", token=token)


def _when_rows(label: str, start: datetime, end: datetime, zone: str, event_zone: str) -> list[tuple[str, str]]:
    rows = [(label, f"{timezones.format_span(start, end, zone)} your time ({zone})")]
    if zone != event_zone:
        rows.append(("Event time", f"{timezones.format_datetime(start, event_zone)} ({event_zone})"))
    night = planning.night_warning(start, end, zone)
    if night:
        rows.append(("Please note", f"{night}. If it does not suit you, propose another time."))
    return rows


def _slot_rows(invitation: Invitation, zone: str) -> list[tuple[str, str]]:
    slot = invitation.slot
    return _when_rows(f"{slot.title} ({invitation.role.value})", slot.start_utc, slot.end_utc, zone,
                      slot.event.timezone)


def _list(speaker: Speaker, token: str, invitations: list[Invitation], kind: str, subject: str,
          paragraphs: list[str]) -> None:
    event = speaker.event
    rows = [row for invitation in invitations for row in _slot_rows(invitation, speaker.timezone)]
    mail.send_notice(
        speaker.email, subject, kind, event.id, name=speaker.name, paragraphs=paragraphs, rows=rows,
        action_url=page_url(token), action_label="See your slots: confirm, decline or propose another time",
        footnote="This link is personal; links in earlier e-mails keep working. No account is needed.",
    )


def send_invitation(speaker: Speaker, token: str, invitations: list[Invitation]) -> None:
    event = speaker.event
    _list(speaker, token, invitations, "speaker-invitation", f"Invitation to speak: {event.title}", [
        f"The organisers of “{event.title}” invite you to speak. Your part, in your own time first:",
    ])


def send_reminder(speaker: Speaker, token: str, invitations: list[Invitation]) -> None:
    event = speaker.event
    _list(speaker, token, invitations, "speaker-reminder", f"Reminder: your invitation to speak at {event.title}", [
        (f"We have not yet heard from you about speaking at “{event.title}”. Could you confirm, decline "
         "or propose another time?"),
    ])


def send_change(change: entries.Change, paragraph: str = "") -> None:
    """One slot's calendar message; `paragraph` says why, else the change speaks for itself."""
    held, event = change.held, change.held.event
    invitation = held.invitation
    if change.method == "CANCEL":
        subject, kind = f"Cancelled: {held.summary}", "speaker-cancel"
        if not paragraph:
            paragraph = (f"We are sorry: “{event.title}” has been cancelled." if event.status is EventStatus.CANCELLED
                         else "This slot has been removed from the agenda." if invitation is None
                         else "You are no longer speaking in this slot.")
        paragraphs = [paragraph, "This message removes it from your calendar."]
    elif change.is_new:
        subject, kind = f"Confirmed: {held.summary}", "speaker-confirmed"
        paragraphs = [paragraph or "Thank you for confirming. This e-mail carries the calendar entry."]
    else:
        moved = "time" in change.aspects
        subject, kind = f"{'Moved' if moved else 'Updated'}: {held.summary}", "speaker-update"
        paragraphs = [paragraph or f"The {' and '.join(change.aspects)} of your slot changed; "
                                   "your calendar entry follows."]
        if moved and (was := change.before) is not None:
            zone = invitation.speaker.timezone if invitation is not None else held.zone
            paragraphs.append(f"It was {timezones.format_datetime(was.start_utc, zone)} – "
                              f"{timezones.format_time(was.end_utc, zone)} your time.")
    rows = []
    if invitation is not None:
        rows = _slot_rows(invitation, invitation.speaker.timezone)
    if held.join_url:
        paragraphs.append(entries.JOIN_EARLY)
        rows.append(("Join online", held.join_url))
    mail.send_notice(
        held.email, subject, kind, event.id, name=held.name, paragraphs=paragraphs, rows=rows,
        action_url=entries.event_url(event), action_label="The event page", calendar=entries.calendar_part(change),
    )
