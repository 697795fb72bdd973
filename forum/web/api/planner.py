"""The planner for organisers' own tools: ranked start times and regional
sessions for participants anywhere, no event needed."""
from __future__ import annotations

from flask import g

from forum.services import planner
from forum.services.planner import ParticipantInput, PlanInput
from forum.web.api import present
from forum.web.api.auth import BEARER, require_organiser
from forum.web.api.blueprint import ApiBlueprint
from forum.web.api.schemas import SuggestionsIn, SuggestionsOut

blp = ApiBlueprint("api_planner", __name__, url_prefix="/api/v1", description="Planner (organisers)")


@blp.before_request
def authenticate():
    g.organiser = require_organiser()


@blp.route("/planner/suggestions", methods=["POST"])
@blp.arguments(SuggestionsIn)
@blp.response(200, SuggestionsOut)
@blp.errors(401)
@blp.doc(security=BEARER)
def suggestions(payload: dict):
    """The best start times for the participants, and their split into regional sessions.

    Days are UTC calendar days: `date`, or every day from `dates.from` to
    `dates.to` (at most 60), offers the starts from 00:00 to 24:00 UTC every
    `step_minutes`. `suggestions` come best first, across all the dates.

    A participant is `inside` when the whole meeting lies in their window,
    `night` when any minute of it lies between 22:00 and 07:00 their time,
    `early_late` otherwise. `score` is the weighted mean of their values:
    inside 0.9 to 1 (1 two hours or more from the window's edges), early or
    late 0.6 less 0.1 per hour outside the window (at least 0.2), night 0.
    A start with anyone in the night never ranks above one with nobody in
    it; equal scores rank the earlier first.

    `sessions` is in the answer only when `sessions` is more than 1: the
    participants grouped so that as many as possible are inside their window
    and nobody is in the night where a grouping allows it, each group at its
    best start on `date` (or `dates.from`), in order of start.

    A refused field is named in `error.fields` by its dotted path:
    `participants.0.city`, `participants.3.window`, `dates`, `sessions`.
    """
    return present.plan(planner.suggest(_plan_input(payload)))


def _plan_input(payload: dict) -> PlanInput:
    """The body as the use case takes it: windows and the range in its own fields."""
    dates = payload.get("dates", {})
    return PlanInput([_participant(**person) for person in payload["participants"]], payload["duration_minutes"],
                     date=payload.get("date"), date_from=dates.get("first"), date_to=dates.get("last"),
                     step_minutes=payload["step_minutes"], sessions=payload["sessions"], limit=payload["limit"],
                     day_zone="UTC")


def _participant(window: dict | None = None, **typed) -> ParticipantInput:
    window = window or {}
    return ParticipantInput(**typed, window_start=window.get("start"), window_end=window.get("end"))
