"""Public registration endpoint: anyone may take a seat, no token needed."""
from __future__ import annotations

from flask import jsonify
from flask_smorest import Blueprint

from forum.services import events, registrations
from forum.services.registrations import RegistrationInput
from forum.web.api.schemas import RegistrationIn, RegistrationOut

blp = Blueprint("api_registrations", __name__, url_prefix="/api/v1", description="Registrations")


@blp.route("/events/<slug>/registrations", methods=["POST"])
@blp.arguments(RegistrationIn)
@blp.response(201, RegistrationOut)
@blp.alt_response(200, schema=RegistrationOut, description="The same e-mail was already registered")
@blp.alt_response(409, description="The event is cancelled, over or not published")
def register(payload: dict, slug: str):
    """Take a seat, or a place on the waitlist when the event is full.

    The same e-mail again (case and spaces ignored) returns the existing
    registration with 200 and re-sends its message: never a second seat.
    """
    outcome = registrations.register_attendee(events.public_event(slug), RegistrationInput(**payload))
    registration = outcome.registration
    body = {
        "status": registration.status.value, "waitlist_position": registration.waitlist_position,
        "name": registration.name, "email": registration.email, "timezone": registration.timezone,
        "event": slug,
    }
    return jsonify(body), 201 if outcome.created else 200
