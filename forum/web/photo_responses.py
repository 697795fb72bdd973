"""Serving a speaker's stored photo."""
from __future__ import annotations

from flask import Response

from forum.services.errors import NotFound


def photo_response(speaker) -> Response:
    """The re-encoded JPEG, never sniffed as anything else; 404 without a photo."""
    if not speaker.photo:
        raise NotFound("This speaker has no photo.")
    response = Response(speaker.photo, mimetype="image/jpeg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=300"
    response.last_modified = speaker.photo_updated_at
    return response
