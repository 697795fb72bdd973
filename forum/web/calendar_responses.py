"""Serving iCalendar bytes: the headers calendar clients and caches rely on."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import Response, request

from forum import timezones
from forum.web import secret_links
from forum.web.zone import asked_zone


def calendar_response(body: bytes, last_modified: datetime, filename: str | None = None,
                      private: bool = False) -> Response:
    """text/calendar with a strong ETag of the bytes and Last-Modified; a
    matching conditional GET gets 304 with no body.

    A calendar writes each time with its TZID, so ?tz= changes nothing here;
    one that names no zone is still refused as everywhere else (a 422 that
    says why), rather than silently ignored.
    """
    asked_zone()
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.set_etag(hashlib.sha256(body).hexdigest())
    # Last-Modified counts whole seconds: one from the current second could
    # stay the same through a second change and turn it into a stale 304
    # (RFC 9110 8.8.2.2), so it is sent only once that second has passed.
    if last_modified <= timezones.now_utc() - timedelta(seconds=1):
        response.last_modified = last_modified
    if private:
        secret_links.private(response)
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    response.make_conditional(request)  # in place; it answers 304 or 412 where the request asks
    return response
