"""One answer per error: JSON under /api/, a friendly page elsewhere; never a stack trace."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from forum import timezones
from forum.services.errors import ServiceError


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message, fields=fields or {}), status


def handle_http(error: HTTPException):
    fields = {}
    data = getattr(error, "data", None) or {}
    for location, messages in (data.get("messages") or {}).items():
        for name, problems in messages.items():
            fields[name] = " ".join(problems) if isinstance(problems, list) else str(problems)
    message = " ".join(fields.values()) if fields else (data.get("message") or error.description or error.name)
    code = (error.name or "error").lower().replace(" ", "_")
    response = error_response(error.code or 500, code, message, fields)
    if error.code == 405 and hasattr(error, "valid_methods"):
        response[0].headers["Allow"] = ", ".join(error.valid_methods or [])
    return response


def handle_service(error: ServiceError):
    return error_response(error.status, error.code, error.message, error.fields)


def handle_zone(error: timezones.UnknownTimezone):
    return error_response(400, "unknown_timezone", str(error), {"tz": str(error)})


def handle_unexpected(error: Exception):
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s", request.path)
    return error_response(500, "internal_error", InternalServerError.description)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(ServiceError, handle_service)
    app.register_error_handler(timezones.UnknownTimezone, handle_zone)
    app.register_error_handler(Exception, handle_unexpected)
