"""Registrations: anyone may take a seat; the event's organisers list them."""
from __future__ import annotations

from forum.services import events, pages, privacy, registrations
from forum.services.registrations import RegistrationInput
from forum.web.api import present
from forum.web.api.auth import BEARER, own_event
from forum.web.api.blueprint import ApiBlueprint
from forum.web.api.schemas import RegistrationIn, RegistrationListQuery, RegistrationPageOut, RegistrationReceivedOut
from forum.web.limits import registration_limit

blp = ApiBlueprint("api_registrations", __name__, url_prefix="/api/v1", description="Registrations")


@blp.route("/events/<slug>/registrations", methods=["POST"])
@registration_limit
@blp.arguments(RegistrationIn)
@blp.response(202, RegistrationReceivedOut)
@blp.errors(404, (409, "The event is cancelled, over, not published or not open yet"),
            (429, "Too many registrations from this address; see Retry-After"))
def register(payload: dict, slug: str):
    """Register for a seat, or a place on the waitlist when the event is full.

    The answer is the same for a new and a repeated address (case and
    spaces ignored): where the registration stands, and the link to its
    page, go to the address by e-mail, so knowing an address tells nothing
    and gives no seat or join link. A repeated address never takes a second
    seat; its owner gets a fresh link at most once an hour.
    """
    registrations.register_attendee(events.public_event(slug), RegistrationInput(**payload))
    return {"status": "received", "message": registrations.RECEIVED}


@blp.route("/events/<slug>/registrations", methods=["GET"])
@blp.arguments(RegistrationListQuery, location="query", as_kwargs=True)
@blp.response(200, RegistrationPageOut)
@blp.errors(401, 404)
@blp.doc(security=BEARER)
def list_registrations(slug: str, page: int, per_page: int, status: str, q: str):
    """The event's registrations, oldest first, for its organisers (bearer token)."""
    return present.registration_page(pages.registration_list(own_event(slug), q, status, page, per_page))


@blp.route("/events/<slug>/registrations/<int:registration_id>", methods=["DELETE"])
@blp.response(204)
@blp.errors(401, (404, "Not one of your events, or no such registration (any more)"))
@blp.doc(security=BEARER)
def erase_registration(slug: str, registration_id: int):
    """Erase a person from the event (organisers, bearer token).

    A seat or place still held is cancelled first, as the organiser's
    "remove" does: the person is e-mailed, the event leaves their calendar and
    the waitlist moves up. Then their registration, links, calendar entry and
    the event's e-mail to them are deleted; the counts keep them as one
    cancelled registration. Afterwards the id is a 404.
    """
    event = own_event(slug)
    privacy.erase_registration(registrations.registration_of(event, registration_id), by_organiser=True)
