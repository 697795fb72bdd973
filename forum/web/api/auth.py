"""Bearer tokens for organiser endpoints."""
from __future__ import annotations

from flask import abort, g, request

from forum.models import Event
from forum.services import accounts, events

BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]  # the OpenAPI security of organisers' operations


def bearer_organiser():
    """The organiser behind `Authorization: Bearer`, None without the header.

    A header with a wrong token is a 401, not anonymous access: a client
    with a revoked token must learn it rather than silently see less.
    """
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    try:
        organiser = accounts.organiser_for_token(token.strip()) if scheme.lower() == "bearer" else None
    except accounts.TokenExpired as expired:
        abort(401, description=f"The bearer token {expired}; create a new one on your account page "
                               "or with `flask organiser token EMAIL`.")
    if organiser is None:
        abort(401, description="The bearer token is not valid; create one with `flask organiser token EMAIL`.")
    return organiser


def require_organiser():
    organiser = bearer_organiser()
    if organiser is None:
        abort(401, description="This needs `Authorization: Bearer <token>` from `flask organiser token EMAIL`.")
    return organiser


def own_event(slug: str) -> Event:
    """The bearer organiser's event; another organiser's is a 404, as a missing one is."""
    if "organiser" not in g:
        g.organiser = require_organiser()
    return events.organiser_event(g.organiser, slug)
