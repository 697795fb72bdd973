"""Models as the API shows them: every instant in the asked zone and in UTC."""
from __future__ import annotations

from flask import url_for

from forum import timezones


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
        "url": url_for("public.event_page", slug=event.slug, _external=True),
        **timed(event.start_utc, event.end_utc, zone),
    }


def event_detail(event, zone: str, for_organiser: bool) -> dict:
    """The event and its agenda; the join link and unconfirmed speakers only
    for its organisers."""
    body = {
        **event_summary(event, zone),
        "description": event.description,
        "slots": [slot_detail(slot, zone, for_organiser) for slot in event.slots],
    }
    if for_organiser:
        body["join_url"] = event.join_url
    return body


def slot_detail(slot, zone: str, all_speakers: bool) -> dict:
    links = slot.speaker_links if all_speakers else slot.confirmed_speakers
    return {
        "id": slot.id, "uid": slot.uid, "title": slot.title, "kind": slot.kind.value,
        "track": slot.track, "description": slot.description, "speakers_text": slot.speakers_text,
        **timed(slot.start_utc, slot.end_utc, zone),
        "speakers": [
            {
                "name": link.speaker.name, "organisation": link.speaker.organisation,
                "city": link.speaker.city, "timezone": link.speaker.timezone,
                "local_start": timezones.isoformat(slot.start_utc, link.speaker.timezone),
                "role": link.role.value, "status": link.status.value,
            }
            for link in links
        ],
    }
