"""Speakers for organisers: add them, put them on slots, see who has answered."""
from __future__ import annotations

from flask import g, jsonify

from forum import timezones
from forum.services import agenda, events, speakers
from forum.services.speakers import SpeakerInput
from forum.web.api.auth import require_organiser
from forum.web.api.blueprint import ApiBlueprint
from forum.web.api.schemas import AssignIn, InvitationListOut, InvitationOut, SpeakerIn, SpeakerProfileOut

blp = ApiBlueprint("api_speakers", __name__, url_prefix="/api/v1", description="Speakers (organisers)")
BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


@blp.before_request
def authenticate():
    g.organiser = require_organiser()


def _event(slug: str):
    return events.organiser_event(g.organiser, slug)


def _profile(speaker) -> dict:
    return {name: getattr(speaker, name)
            for name in ("id", "name", "email", "organisation", "role_title", "city", "timezone", "bio")}


def _invitation(row: speakers.BoardRow) -> dict:
    invitation, slot, speaker = row.invitation, row.slot, row.speaker
    return {
        "id": invitation.id, "speaker_id": speaker.id, "speaker": speaker.name, "slot_id": slot.id,
        "slot": slot.title, "role": invitation.role.value, "status": invitation.status.value,
        "sent": invitation.invited_at is not None, "timezone": speaker.timezone,
        "local_start": timezones.isoformat(slot.start_utc, speaker.timezone),
        "start_utc": timezones.utc_isoformat(slot.start_utc), "night_warning": row.night,
        "conflicts": [other.label for other in row.conflicts], "waiting_days": row.waiting_days,
        "proposed_start": timezones.isoformat(invitation.proposed_start_utc, slot.event.timezone)
        if invitation.proposed_start_utc else None,
    }


@blp.route("/events/<slug>/speakers", methods=["POST"])
@blp.arguments(SpeakerIn)
@blp.response(201, SpeakerProfileOut)
@blp.errors(401, 404)
@blp.doc(security=BEARER)
def add_speaker(payload: dict, slug: str):
    """Add a speaker to the event (422 when the e-mail is already one of its speakers)."""
    speaker = speakers.add_speaker(_event(slug), SpeakerInput(**payload))
    return jsonify(_profile(speaker)), 201


@blp.route("/events/<slug>/speakers", methods=["GET"])
@blp.response(200, InvitationListOut)
@blp.errors(401, 404)
@blp.doc(security=BEARER)
def board(slug: str):
    """Every speaker on every slot: status, their local time, night and double-booking warnings."""
    return jsonify({"invitations": [_invitation(row) for row in speakers.board(_event(slug))]})


@blp.route("/events/<slug>/slots/<int:slot_id>/speakers", methods=["POST"])
@blp.arguments(AssignIn)
@blp.response(201, InvitationOut)
@blp.errors(401, 404, (409, "The speaker is already on this slot"))
@blp.doc(security=BEARER)
def assign(payload: dict, slug: str, slot_id: int):
    """Put a speaker on a slot with a role and (by default) e-mail the invitation."""
    event = _event(slug)
    slot = agenda.slot_of(event, slot_id)
    speaker = speakers.speaker_of(event, payload["speaker_id"])
    invitation = speakers.assign(slot, speaker, payload["role"])
    if payload["send"]:
        speakers.send_invitation(speaker)
    row = next(r for r in speakers.board(event) if r.invitation.id == invitation.id)
    return jsonify(_invitation(row)), 201
