"""Which zone a viewer reads times in: ?tz=, else their saved cookie, else the event's."""
from __future__ import annotations

from dataclasses import dataclass

from flask import request

from forum import timezones

COOKIE = "tz"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class ViewerZone:
    name: str
    source: str  # "query", "cookie" or "default"

    @property
    def remember(self) -> bool:
        return self.source == "query"


def asked_zone() -> str | None:
    """The ?tz= of the request, None without one; raises UnknownTimezone for a
    name that is no zone (the user asked for it by name: never a silent fallback)."""
    asked = request.args.get("tz")
    if asked is not None:
        timezones.get_zone(asked)
    return asked


def viewer_zone(default: str) -> ViewerZone:
    """Raises UnknownTimezone for a bad ?tz=.

    A stale cookie is different: nobody typed it just now, so it is ignored
    and the page says which zone it shows.
    """
    asked = asked_zone()
    if asked is not None:
        return ViewerZone(asked, "query")
    saved = request.cookies.get(COOKIE)
    if timezones.is_valid_zone(saved):
        return ViewerZone(saved, "cookie")
    return ViewerZone(default, "default")


def remember(response, zone: ViewerZone):
    if zone.remember:
        response.set_cookie(COOKIE, zone.name, max_age=COOKIE_MAX_AGE, samesite="Lax")
    return response


def page_zone(default: str) -> tuple[ViewerZone, timezones.UnknownTimezone | None]:
    """For HTML pages: a bad ?tz= is reported beside the picker (with the
    status web/errors.py gives it), and the page still shows, in the default
    zone, saying so."""
    try:
        return viewer_zone(default), None
    except timezones.UnknownTimezone as error:
        return ViewerZone(default, "default"), error
