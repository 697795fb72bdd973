"""Models as the API shows them: every instant in the asked zone and in UTC.

The views return these values and their response schema dumps them, so a
body never carries a field the OpenAPI document does not describe. A model
whose attributes are already its body (a speaker's profile, a release) goes
to its schema as it is.
"""
from __future__ import annotations

from forum import planner, timezones, urls
from forum.services import pages, registrations, speakers
from forum.services.planner import PlanResult


def timed(start, end, zone: str) -> dict:
    return {
        "start": timezones.isoformat(start, zone),
        "end": timezones.isoformat(end, zone),
        "start_utc": timezones.utc_isoformat(start),
        "end_utc": timezones.utc_isoformat(end),
    }


def event_summary(event, zone: str) -> dict:
    return {
        "slug": event.slug, "title": event.title, "status": event.status.value,
        "timezone": event.timezone, "display_timezone": zone, "venue": event.venue,
        "livestream_url": event.livestream_url, "capacity": event.capacity,
        "url": urls.shown("public.event_page", slug=event.slug),
        **timed(event.start_utc, event.end_utc, zone),
    }


def event_detail(event, slots, zone: str, for_organiser: bool) -> dict:
    """The event and its agenda (agenda.agenda_view rows); the join link only
    for its organisers."""
    closed = registrations.closed_reason(event)
    body = {
        **event_summary(event, zone),
        "description": event.description,
        "registration": {
            "open": closed is None,
            "closed_reason": closed,
            "seats_left": registrations.seats_left(event),
            "approval_required": event.approval_required,
            "email_confirmation_hours": event.email_confirmation_hours,
        },
        "slots": [slot_detail(slot, zone) for slot in slots],
    }
    if for_organiser:
        body["join_url"] = event.join_url
    return body


def slot_detail(slot, zone: str) -> dict:
    return {
        "id": slot.id, "uid": slot.uid, "title": slot.title, "kind": slot.kind.value,
        "track": slot.track, "description": slot.description, "speakers_text": slot.speakers_text,
        **timed(slot.start_utc, slot.end_utc, zone),
        "speakers": [
            {
                "name": speaker.name, "organisation": speaker.organisation,
                "city": speaker.city, "timezone": speaker.timezone,
                "local_start": timezones.isoformat(slot.start_utc, speaker.timezone),
                "role": speaker.role.value, "status": speaker.status.value,
            }
            for speaker in slot.speakers
        ],
    }


def registration_page(listed: pages.RegistrationList) -> dict:
    return {
        "registrations": [
            {
                "id": r.id, "name": r.name, "email": r.email, "organisation": r.organisation, "city": r.city,
                "country": r.country, "timezone": r.timezone, "language": r.language, "consent": r.consent,
                "status": r.status.value, "waitlist_position": listed.ranks.get(r.id),
                "registered_at": timezones.utc_isoformat(r.created_at),
                "held_until": timezones.utc_isoformat(r.held_until) if r.held_until else None,
            }
            for r in listed.rows
        ],
        "page": listed.page, "per_page": listed.per_page, "total": listed.total,
        "counts": listed.counts.by_status,
    }


def invitation(row: speakers.BoardRow) -> dict:
    """A row of the speakers' board, its instants in ISO 8601 where the board writes them out."""
    invitation, slot, speaker = row.invitation, row.slot, row.speaker
    return {
        "id": invitation.id, "speaker_id": speaker.id, "speaker": speaker.name, "slot_id": slot.id,
        "slot": slot.title, "role": invitation.role.value, "status": invitation.status.value,
        "sent": invitation.invited_at is not None, "timezone": speaker.timezone,
        "local_start": timezones.isoformat(slot.start_utc, speaker.timezone),
        "start_utc": timezones.utc_isoformat(slot.start_utc), "night_warning": row.times.night,
        "conflicts": [other.label for other in row.conflicts], "waiting_days": row.waiting_days,
        "proposed_start": timezones.isoformat(invitation.proposed_start_utc, slot.event.timezone)
        if invitation.proposed_start_utc else None,
    }


def plan(result: PlanResult) -> dict:
    """The planner's answer; `sessions` only when a split was asked for."""
    body = {"suggestions": [plan_option(option) for option in result.suggestions]}
    if result.sessions:
        body["sessions"] = [{"members": [member.label for member in session.members], **plan_option(session.option)}
                            for session in result.sessions]
    return body


def plan_option(option: planner.Option) -> dict:
    """A meeting time with everyone's local times, written with the offsets the plan saw."""
    return {
        "start_utc": timezones.utc_isoformat(option.start_utc),
        "end_utc": timezones.utc_isoformat(option.end_utc),
        "score": option.score,
        "counts": {comfort.value: count for comfort, count in option.counts.items()},
        "participants": [
            {"label": placed.participant.label, "timezone": placed.participant.timezone,
             "local_start": timezones.local_isoformat(placed.local_start),
             "local_end": timezones.local_isoformat(placed.local_end), "comfort": placed.comfort.value}
            for placed in option.placements
        ],
    }
