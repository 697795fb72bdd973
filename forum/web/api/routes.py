"""Read API: published events and their agendas in any zone."""
from __future__ import annotations

from flask_smorest import Blueprint

from forum.services import events
from forum.web.api import present
from forum.web.api.auth import bearer_organiser
from forum.web.api.schemas import EventListOut, EventListQuery, EventOut, ZoneQuery

blp = Blueprint("api_events", __name__, url_prefix="/api/v1", description="Events and their agendas")


@blp.route("/events")
@blp.arguments(EventListQuery, location="query", as_kwargs=True)
@blp.response(200, EventListOut)
def list_events(when: str, tz: str = "UTC"):
    """Published events, upcoming first, then past (or one of the two with `when`)."""
    upcoming, past = events.public_events()
    chosen = {"upcoming": upcoming, "past": past, "all": upcoming + past}[when]
    return {"events": [present.event_summary(e, tz) for e in chosen]}


@blp.route("/events/<slug>")
@blp.arguments(ZoneQuery, location="query", as_kwargs=True)
@blp.response(200, EventOut)
@blp.doc(security=[{}, {"bearerAuth": []}])
def get_event(slug: str, tz: str | None = None):
    """An event with its agenda; `start`/`end` in `tz` (default: the event's zone).

    With an organiser's bearer token, their drafts and unconfirmed speakers show too.
    """
    organiser = bearer_organiser()
    event = events.public_event(slug, organiser)
    all_speakers = organiser is not None and organiser in event.organisers
    return present.event_detail(event, tz or event.timezone, all_speakers)

