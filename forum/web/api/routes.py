"""JSON API: published events for anyone; writes for the event's organisers."""
from __future__ import annotations

from dataclasses import replace

from flask import g, request

from forum.services import agenda, events, releases
from forum.services.agenda import SlotInput
from forum.services.errors import Invalid
from forum.services.events import EventInput
from forum.web.api import present
from forum.web.api.auth import BEARER, bearer_organiser, own_event, require_organiser
from forum.web.api.blueprint import ApiBlueprint
from forum.web.api.schemas import (
    EventIn,
    EventListOut,
    EventListQuery,
    EventOut,
    EventPatch,
    OrganiserEventOut,
    ReleaseIn,
    ReleaseListOut,
    ReleaseOut,
    SlotIn,
    SlotOut,
    SlotPatch,
    ZoneQuery,
)
from forum.web.errors import service_response

blp = ApiBlueprint("api_events", __name__, url_prefix="/api/v1", description="Events and their agendas")


@blp.errorhandler(Invalid)
def name_the_fold(error: Invalid):
    """A wall-clock time that happens twice is settled by its `<field>_fold`:
    name that field too, with what each value means. (Forms ask with radio
    buttons beside the field instead, so the services do not name it.)"""
    fields = dict(error.fields)
    for name, choices in error.choices.items():
        meanings = ", or to ".join(f"{choice.fold} for {choice.label}" for choice in choices)
        fields[f"{name}_fold"] = f"Set {name}_fold to {meanings}."
    return service_response(error, fields)


@blp.before_request
def authenticate_writes():
    """Every write needs an organiser's token, checked before the body is."""
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        g.organiser = require_organiser()


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
@blp.errors(401, 404)
@blp.doc(security=[{}, *BEARER])
def get_event(slug: str, tz: str | None = None):
    """An event with its agenda; `start`/`end` in `tz` (default: the event's zone).

    With an organiser's bearer token, their drafts, the join link and
    unconfirmed speakers show too.
    """
    organiser = bearer_organiser()
    event = events.public_event(slug, organiser)
    return _detail(event, organiser is not None and organiser in event.organisers, tz)


def _detail(event, for_organiser: bool, zone: str | None = None) -> dict:
    slots = agenda.agenda_view(event, all_speakers=True) if for_organiser else releases.public_agenda(event)
    return present.event_detail(event, slots, zone or event.timezone, for_organiser)


def _slot_detail(event, slot) -> dict:
    (row,) = agenda.agenda_view(event, all_speakers=True, slot_id=slot.id)
    return present.slot_detail(row, event.timezone)


@blp.route("/events", methods=["POST"])
@blp.arguments(EventIn)
@blp.response(201, OrganiserEventOut)
@blp.errors(401)
@blp.doc(security=BEARER)
def create_event(payload: dict):
    """Create a draft event; `start` and `end` are wall-clock times in `timezone`."""
    event = events.create_event(g.organiser, EventInput(**payload))
    return _detail(event, True)


def _patched(current, payload: dict):
    """The stored input with the fields sent replaced. A stored time keeps
    its fold (it may lie in a repeated hour); a time or zone sent anew does not."""
    renewed = {f"{name}_fold": None for name in ("start", "end") if name in payload or "timezone" in payload}
    return replace(current, **{**renewed, **payload})


@blp.route("/events/<slug>", methods=["PATCH"])
@blp.arguments(EventPatch)
@blp.response(200, OrganiserEventOut)
@blp.errors(401, 404)
@blp.doc(security=BEARER)
def update_event(payload: dict, slug: str):
    """Change some fields of an event; the others keep their values."""
    event = own_event(slug)
    events.update_event(event, _patched(events.as_input(event), payload))
    return _detail(event, True)


@blp.route("/events/<slug>/<any(publish, unpublish, cancel):action>", methods=["POST"])
@blp.response(200, OrganiserEventOut)
@blp.errors(401, 404, (409, "The event cannot make this move from its current state"))
@blp.doc(security=BEARER)
def change_status(slug: str, action: str):
    """Publish, unpublish or cancel an event (409 when the move is not allowed)."""
    event = own_event(slug)
    events.change_status(event, action)
    return _detail(event, True)


@blp.route("/events/<slug>/slots", methods=["POST"])
@blp.arguments(SlotIn)
@blp.response(201, SlotOut)
@blp.errors(401, 404)
@blp.doc(security=BEARER)
def add_slot(payload: dict, slug: str):
    """Add a slot; `start` and `end` are wall-clock times in `timezone` (default: the event's)."""
    event = own_event(slug)
    slot = agenda.add_slot(event, SlotInput(**payload))
    return _slot_detail(event, slot)


@blp.route("/events/<slug>/slots/<int:slot_id>", methods=["PATCH"])
@blp.arguments(SlotPatch)
@blp.response(200, SlotOut)
@blp.errors(401, 404)
@blp.doc(security=BEARER)
def update_slot(payload: dict, slug: str, slot_id: int):
    event = own_event(slug)
    slot = agenda.slot_of(event, slot_id)
    agenda.update_slot(slot, _patched(agenda.as_input(slot), payload))
    return _slot_detail(event, slot)


@blp.route("/events/<slug>/slots/<int:slot_id>", methods=["DELETE"])
@blp.response(204)
@blp.errors(401, 404)
@blp.doc(security=BEARER)
def delete_slot(slug: str, slot_id: int):
    agenda.delete_slot(agenda.slot_of(own_event(slug), slot_id))


@blp.route("/events/<slug>/releases", methods=["POST"])
@blp.arguments(ReleaseIn)
@blp.response(201, ReleaseOut)
@blp.errors(401, 404, (409, "Nothing to publish, or the event is not published"))
@blp.doc(security=BEARER)
def publish_changes(payload: dict, slug: str):
    """Publish the draft agenda: a new release, and one message to each person it affects."""
    return releases.publish_changes(own_event(slug), g.organiser, payload["comment"])


@blp.route("/events/<slug>/releases", methods=["GET"])
@blp.response(200, ReleaseListOut)
@blp.errors(401, 404)
@blp.doc(security=[{}, *BEARER])
def list_releases(slug: str):
    """The changelog: each release with its changes, newest first."""
    event = events.public_event(slug, bearer_organiser())
    return {"releases": releases.history(event)}
