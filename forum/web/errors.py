"""One answer per error: JSON under /api/, a friendly page elsewhere; never a stack trace.

The services' named errors carry no HTTP: ANSWERS below gives each its
status and code, once, for pages, feeds and the API alike.
"""
from __future__ import annotations

import contextlib

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, TooManyRequests

from forum import timezones
from forum.extensions import db
from forum.services.backups import NotAnExport
from forum.services.errors import Conflict, Invalid, NotFound, ServiceError

DATABASE_AWAY = ("The database is not answering right now, perhaps for a restart. Please try again in a minute; "
                 "what you typed is not lost if you go back.")

FORM_EXPIRED = "The form expired: reload the page and send it again."

# (status, code) of each named error; a subclass answers as its nearest listed
# class (LinkEnded as NotFound). A bad parameter (an unknown ?tz=, a field
# that breaks a rule) is a 422 on pages, feeds and the API, as the API's
# validation has always answered it; an unknown zone keeps the code that
# validation gives it.
ANSWERS: dict[type[Exception], tuple[int, str]] = {
    NotAnExport: (422, "not_an_export"),
    NotFound: (404, "not_found"),
    Invalid: (422, "invalid"),
    Conflict: (409, "conflict"),
    ServiceError: (400, "bad_request"),
    timezones.UnknownTimezone: (422, "unprocessable_entity"),
}


def answer_of(error: Exception) -> tuple[int, str]:
    """The status and code of a named error, from its nearest class in ANSWERS."""
    return next(ANSWERS[kind] for kind in type(error).__mro__ if kind in ANSWERS)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_bare(template: str, **context) -> str:
    """A template with Jinja alone, without Flask's context processors: one of
    them (Flask-Login's) asks the database who is logged in."""
    return current_app.jinja_env.get_template(template).render(**context)


def error_response(status: int, code: str, message: str, fields: dict | None = None,
                   template: str = "errors/error.html", render=render_template):
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return make_response(jsonify(body), status)
    if request.path.endswith(".ics"):  # a calendar client shows text, not a page
        return make_response(message + "\n", status, {"Content-Type": "text/plain; charset=utf-8"})
    return make_response(render(template, status=status, message=message, fields=fields or {}), status)


def in_words(problems) -> str:
    """marshmallow's messages, however nested, as one text ("from: Not a
    valid date."); an object's own fault (`_schema`) without its key."""
    if isinstance(problems, dict):
        return " ".join(in_words(value) if key == "_schema" else f"{key}: {in_words(value)}"
                        for key, value in problems.items())
    if isinstance(problems, (list, tuple)):
        return " ".join(in_words(p) for p in problems)
    return str(problems)


def by_path(problems, path: str = "") -> dict[str, str]:
    """marshmallow's nested messages by dotted path, the way the services
    name fields: {"participants": {0: {"city": [...]}}} as participants.0.city.
    An object's own fault (`_schema`: not an object at all) goes to the
    object's path, the body's own to ""."""
    if not isinstance(problems, dict):
        return {path: in_words(problems)}
    found: dict[str, str] = {}
    for key, value in problems.items():
        at = path if key == "_schema" else f"{path}.{key}" if path else str(key)
        for name, message in by_path(value, at).items():
            found[name] = f"{found[name]} {message}" if name in found else message
    return found


def _parsing_messages(data: dict) -> tuple[dict, list]:
    """webargs' {"json": {"field": [...]}} as per-field messages plus general ones."""
    fields: dict[str, str] = {}
    general = []
    for messages in (data.get("messages") or {}).values():
        if isinstance(messages, dict):
            fields.update(by_path(messages))
            if "" in fields:
                general.append(fields.pop(""))
        else:
            general.append(in_words(messages))
    return fields, general


def handle_http(error: HTTPException):
    fields, general = _parsing_messages(getattr(error, "data", None) or {})
    if general:
        message = " ".join(general)
    elif len(fields) == 1:
        message = next(iter(fields.values()))
    elif fields:
        message = "Some fields need another look: " + ", ".join(sorted(fields)) + "."
    else:
        message = error.description or error.name
    code = (error.name or "error").lower().replace(" ", "_")
    response = error_response(error.code or 500, code, message, fields)
    if error.code == 405 and hasattr(error, "valid_methods"):
        response.headers["Allow"] = ", ".join(error.valid_methods or [])
    return response


def handle_rate_limit(error: TooManyRequests):
    """Say plainly what happened and when to try again; keep the limiter's headers."""
    message = (f"Too many attempts from your address ({error.description}). "
               "Please wait a minute and try again; what you typed is not lost if you go back.")
    return error_response(429, "too_many_requests", message)


def service_response(error: ServiceError, fields: dict | None = None):
    """A named error as its status and code say; `fields` replaces its own when given."""
    status, code = answer_of(error)
    return error_response(status, code, error.message, error.fields if fields is None else fields)


def handle_zone(error: timezones.UnknownTimezone):
    """A ?tz= that names no zone, on a view that cannot show its page without one (a feed)."""
    status, code = answer_of(error)
    return error_response(status, code, str(error), {"tz": str(error)})


def handle_csrf(error: CSRFError):
    """Flask-WTF refuses every POST without a valid token before any view
    runs, so nothing changed; the page says so in one sentence for all forms."""
    return error_response(400, "bad_request", f"{error.description} {FORM_EXPIRED}")


def handle_database(error: DBAPIError):
    """A database that is restarting, unreachable or (SQLite) locked for too
    long is a 503 that says so, never a 500: the request's transaction is
    rolled back (the database drops what it had not committed anyway), and
    the page is one that needs no database (no account links in its header).
    Any other database error is a bug, answered as one."""
    if not (isinstance(error, OperationalError) or error.connection_invalidated):
        return handle_unexpected(error)
    with contextlib.suppress(SQLAlchemyError):  # the connection may be gone: there is nothing left to undo
        db.session.rollback()
    current_app.logger.warning("Database unavailable on %s: %s", request.path, error.orig)
    response = error_response(503, "service_unavailable", DATABASE_AWAY, template="errors/unavailable.html",
                              render=render_bare)
    response.headers["Retry-After"] = "30"
    return response


def handle_unexpected(error: Exception):
    current_app.logger.exception("Unhandled error on %s", request.path)
    return error_response(500, "internal_error", InternalServerError.description)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(TooManyRequests, handle_rate_limit)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(ServiceError, service_response)
    app.register_error_handler(timezones.UnknownTimezone, handle_zone)
    app.register_error_handler(DBAPIError, handle_database)
    app.register_error_handler(Exception, handle_unexpected)
