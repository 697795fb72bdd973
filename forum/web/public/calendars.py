"""Feeds a calendar subscribes to without a session: an event's public feed,
and an organiser's feed of all their events behind its secret link."""
from __future__ import annotations

from forum.services import events, feeds
from forum.web.calendar_responses import calendar_response
from forum.web.public import bp


@bp.get("/events/<slug>/calendar.ics")
def event_feed(slug: str):
    """Published (or cancelled) events only: a draft's feed is a 404 to everyone."""
    feed = feeds.event_feed(events.public_event(slug))
    return calendar_response(feed.body, feed.changed_at)


@bp.get("/organisers/<token>/calendar.ics")
def organiser_feed(token: str):
    feed = feeds.organiser_feed(feeds.organiser_for_feed(token))
    return calendar_response(feed.body, feed.changed_at, private=True)
