"""What a speaker receives: the invitation listing their slots in their own
time first, reminders, and one calendar message per slot (REQUEST when they
confirm or the slot moves, CANCEL when it is withdrawn).

One iTIP object carries one UID, so each slot is its own message.
"""
from __future__ import annotations

from flask import current_app

from forum import calendar, mail, planning, timezones
from forum.models import SlotSpeaker, Speaker
from forum.services.invitations import event_url, organizer

JOIN_EARLY = "Please join 15 minutes early for a sound and video check."


def page_url(token: str) -> str:
    return f"{current_app.config['BASE_URL']}/speakers/{token}/"


def sequence(invitation: SlotSpeaker) -> int:
    """Rises with the event's, the slot's and the invitation's own changes."""
    slot = invitation.slot
    return slot.event.sequence + slot.sequence + invitation.sequence


def slot_entry(invitation: SlotSpeaker, cancelled: bool = False) -> calendar.Entry:
    slot, event = invitation.slot, invitation.slot.event
    description = "\n\n".join(filter(None, [
        f"You speak as {invitation.role.value} at “{event.title}”.", JOIN_EARLY if event.join_url else "",
        slot.description,
    ]))
    return calendar.Entry(
        uid=invitation.uid, sequence=sequence(invitation), start=slot.start_utc, end=slot.end_utc,
        summary=f"{slot.title} · {event.title}", description=description, location=event.venue,
        url=event_url(event), join_url="" if cancelled else event.join_url, cancelled=cancelled,
    )


def _when_rows(invitation: SlotSpeaker, zone: str) -> list[tuple[str, str]]:
    slot, event = invitation.slot, invitation.slot.event
    rows = [
        (f"{slot.title} ({invitation.role.value})",
         f"{timezones.format_datetime(slot.start_utc, zone)} – {timezones.format_time(slot.end_utc, zone)} "
         f"your time ({zone})"),
    ]
    if zone != event.timezone:
        rows.append(("Event time", f"{timezones.format_datetime(slot.start_utc, event.timezone)} "
                                   f"({event.timezone})"))
    night = planning.night_warning(slot.start_utc, slot.end_utc, zone)
    if night:
        rows.append(("Please note", f"{night}. If it does not suit you, propose another time."))
    return rows


def _list(speaker: Speaker, token: str, invitations: list[SlotSpeaker], kind: str, subject: str,
          paragraphs: list[str]) -> None:
    event = speaker.event
    rows = [row for invitation in invitations for row in _when_rows(invitation, speaker.timezone)]
    mail.send_notice(
        speaker.email, subject, kind, event.id, name=speaker.name, paragraphs=paragraphs, rows=rows,
        action_url=page_url(token), action_label="See your slots: confirm, decline or propose another time",
        footnote="This link is personal and replaces any earlier one; no account is needed.",
    )


def send_invitation(speaker: Speaker, token: str, invitations: list[SlotSpeaker]) -> None:
    event = speaker.event
    _list(speaker, token, invitations, "speaker-invitation", f"Invitation to speak: {event.title}", [
        f"The organisers of “{event.title}” invite you to speak. Your part, in your own time first:",
    ])


def send_reminder(speaker: Speaker, token: str, invitations: list[SlotSpeaker]) -> None:
    event = speaker.event
    _list(speaker, token, invitations, "speaker-reminder", f"Reminder: your invitation to speak at {event.title}", [
        f"We have not yet heard from you about speaking at “{event.title}”. Could you confirm, decline "
        "or propose another time?",
    ])


def send_calendar(invitation: SlotSpeaker, method: str, moved: bool = False) -> None:
    """One slot's calendar message: the speaker is the ATTENDEE who accepted."""
    speaker, slot, event = invitation.speaker, invitation.slot, invitation.slot.event
    cancelled = method == "CANCEL"
    entry = slot_entry(invitation, cancelled)
    entry.organizer = organizer(event)
    entry.attendees = [calendar.Person(speaker.name, speaker.email)]
    entry.attendee_partstat = "DECLINED" if cancelled else "ACCEPTED"
    if cancelled:
        subject, kind = f"Cancelled: {slot.title} · {event.title}", "speaker-cancel"
        paragraphs = [f"You are no longer speaking in “{slot.title}”; this message removes it from your calendar."]
    else:
        subject = f"{'Moved' if moved else 'Confirmed'}: {slot.title} · {event.title}"
        kind = "speaker-update" if moved else "speaker-confirmed"
        paragraphs = [f"“{slot.title}” has moved; your calendar entry follows." if moved
                      else f"Thank you for confirming “{slot.title}”. This e-mail carries the calendar entry."]
        if event.join_url:
            paragraphs.append(JOIN_EARLY)
    rows = _when_rows(invitation, speaker.timezone)
    if event.join_url and not cancelled:
        rows.append(("Join online", event.join_url))
    mail.send_notice(
        speaker.email, subject, kind, event.id, name=speaker.name, paragraphs=paragraphs, rows=rows,
        action_url=event_url(event), action_label="The event page",
        calendar=calendar.invitation(entry, event.timezone, method), method=method,
    )




def send_removed(event, cancellation) -> None:
    """CANCEL for a slot deleted from the agenda, from what was kept of it
    (a PendingCancellation): same UID, a SEQUENCE above anything sent."""
    entry = calendar.Entry(
        uid=cancellation.invitation_uid, sequence=cancellation.sequence, start=cancellation.start_utc,
        end=cancellation.end_utc, summary=f"{cancellation.title} · {event.title}", url=event_url(event),
        cancelled=True, organizer=organizer(event),
        attendees=[calendar.Person(cancellation.name, cancellation.email)], attendee_partstat="DECLINED",
    )
    mail.send_notice(
        cancellation.email, f"Cancelled: {cancellation.title} · {event.title}", "speaker-cancel", event.id,
        name=cancellation.name, paragraphs=[f"“{cancellation.title}” has been removed from the agenda; this "
                                            "message removes it from your calendar."],
        rows=[], action_url=event_url(event), action_label="The event page",
        calendar=calendar.invitation(entry, event.timezone, "CANCEL"), method="CANCEL",
    )
