"""Speakers for organisers: add them, put them on slots, see who has answered."""
from __future__ import annotations

from flask import g

from forum.services import agenda, speakers
from forum.services.speakers import SpeakerInput
from forum.web.api import present
from forum.web.api.auth import BEARER, own_event, require_organiser
from forum.web.api.blueprint import ApiBlueprint
from forum.web.api.schemas import AssignIn, InvitationListOut, InvitationOut, SpeakerIn, SpeakerProfileOut

blp = ApiBlueprint("api_speakers", __name__, url_prefix="/api/v1", description="Speakers (organisers)")


@blp.before_request
def authenticate():
    g.organiser = require_organiser()


@blp.route("/events/<slug>/speakers", methods=["POST"])
@blp.arguments(SpeakerIn)
@blp.response(201, SpeakerProfileOut)
@blp.errors(401, 404)
@blp.doc(security=BEARER)
def add_speaker(payload: dict, slug: str):
    """Add a speaker to the event (422 when the e-mail is already one of its speakers)."""
    return speakers.add_speaker(own_event(slug), SpeakerInput(**payload))


@blp.route("/events/<slug>/speakers", methods=["GET"])
@blp.response(200, InvitationListOut)
@blp.errors(401, 404)
@blp.doc(security=BEARER)
def board(slug: str):
    """Every speaker on every slot: status, their local time, night and double-booking warnings."""
    return {"invitations": [present.invitation(row) for row in speakers.board(own_event(slug))]}


@blp.route("/events/<slug>/slots/<int:slot_id>/speakers", methods=["POST"])
@blp.arguments(AssignIn)
@blp.response(201, InvitationOut)
@blp.errors(401, 404, (409, "The speaker is already on this slot"))
@blp.doc(security=BEARER)
def assign(payload: dict, slug: str, slot_id: int):
    """Put a speaker on a slot with a role and (by default) e-mail the invitation."""
    event = own_event(slug)
    slot = agenda.slot_of(event, slot_id)
    speaker = speakers.speaker_of(event, payload["speaker_id"])
    invitation = speakers.assign(slot, speaker, payload["role"], payload["send"])
    row = next(r for r in speakers.board(event) if r.invitation.id == invitation.id)
    return present.invitation(row)
