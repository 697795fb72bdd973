"""Models as the API shows them: every instant in the asked zone and in UTC."""
from __future__ import annotations

from forum import timezones, urls
from forum.services import registrations


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
