"""HTTP: one blueprint package per audience, plus what their templates share."""
from __future__ import annotations

import functools

from flask import Flask
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from forum import timezones
from forum.models import EventStatus, InvitationStatus, RegistrationStatus
from forum.services import states
from forum.services.accounts import MAX_ID


class DatabaseId(IntegerConverter):
    """An id in a URL as the database can look it up. PostgreSQL's integer
    is 32-bit, so a larger number names no row: it is read as 0, which no row
    has (ids start at 1), and the view answers its own 404 rather than an
    overflow 500. Refusing the match instead made werkzeug answer 405 when a
    rule for another method shares the path."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


def init_app(app: Flask) -> None:
    """Ids that fit the database, and template filters: every time a page
    shows goes through forum.timezones; templates name statuses by their enum
    and draw buttons from the state tables. `items|render_each(macro)` joins
    a macro's output for each item in one call, and `rendered_once(macro)`
    renders it once per distinct item: the planner's grid has thousands of
    cells and few distinct ones. Runs before any blueprint is added."""
    app.url_map.converters["int"] = DatabaseId
    app.add_template_filter(timezones.format_time, "time_in")
    app.add_template_filter(timezones.format_datetime, "datetime_in")
    app.add_template_filter(timezones.format_day, "day_in")
    app.add_template_global(timezones.zone_options, "zone_options")
    app.add_template_global(
        lambda zone, at=None: timezones.format_offset(timezones.utc_offset(zone, at)), "utc_offset"
    )
    app.add_template_global(states.allowed_actions, "allowed_actions")
    app.add_template_global(functools.cache, "rendered_once")
    app.add_template_filter(lambda items, render: Markup("").join(map(render, items)), "render_each")
    for status in (EventStatus, RegistrationStatus, InvitationStatus):
        app.add_template_global(status, status.__name__)
