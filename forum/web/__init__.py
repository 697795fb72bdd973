"""HTTP: one blueprint package per audience, plus what their templates share."""
from __future__ import annotations

from flask import Flask

from forum import timezones


def init_app(app: Flask) -> None:
    """Template filters: every time a page shows goes through forum.timezones."""
    app.add_template_filter(timezones.format_time, "time_in")
    app.add_template_filter(timezones.format_datetime, "datetime_in")
    app.add_template_filter(timezones.format_day, "day_in")
    app.add_template_global(timezones.zone_options, "zone_options")
    app.add_template_global(
        lambda zone, at=None: timezones.format_offset(timezones.utc_offset(zone, at)), "utc_offset"
    )
