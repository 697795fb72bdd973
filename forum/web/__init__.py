"""HTTP: one blueprint package per audience, plus what their templates share."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from forum import timezones


class DatabaseId(IntegerConverter):
    """An id in a URL fits the database's integer column (PostgreSQL's is
    32-bit); a larger number is no such page, a 404, not an overflow 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Ids that fit the database, and template filters: every time a page
    shows goes through forum.timezones. Runs before any blueprint is added."""
    app.url_map.converters["int"] = DatabaseId
    app.add_template_filter(timezones.format_time, "time_in")
    app.add_template_filter(timezones.format_datetime, "datetime_in")
    app.add_template_filter(timezones.format_day, "day_in")
    app.add_template_global(timezones.zone_options, "zone_options")
    app.add_template_global(
        lambda zone, at=None: timezones.format_offset(timezones.utc_offset(zone, at)), "utc_offset"
    )
