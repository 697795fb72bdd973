"""JSON API under /api/v1/, described by the OpenAPI document its schemas generate."""
import re

from flask import Flask, abort, request

from forum.extensions import api, csrf
from forum.web.errors import wants_json

MAX_JSON_DEPTH = 32  # the API's bodies are flat objects
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def init_app(app: Flask) -> None:
    from forum.web.api import planner, registrations, speakers
    from forum.web.api.routes import blp
    from forum.web.api.schemas import ErrorOut

    app.before_request(guard_json_body)
    api.ERROR_SCHEMA = ErrorOut  # the one error body web/errors.py writes
    api.DEFAULT_ERROR_RESPONSE_NAME = None  # each operation lists the errors it can answer instead
    api.init_app(app, spec_kwargs={"info": {"description": "Multi-timezone agendas for online forums."}})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "Token from `flask organiser token EMAIL`."}
    )
    for blueprint in (blp, registrations.blp, speakers.blp, planner.blp):
        csrf.exempt(blueprint)  # bearer tokens, never cookies: nothing for a forged form to ride on
        api.register_blueprint(blueprint)


def guard_json_body():
    """Refuse JSON bodies no parser should see, wherever they are posted.

    Pages take forms, but Flask-WTF would read a JSON body as form data (a
    list or a number there fails deep inside): 415. Under /api/, nesting is
    bounded before a parser recurses into it, since 100,000 `[` exhaust
    Python's stack: 400.
    """
    body = request.get_data(cache=True) if request.is_json else b""
    if not body:
        return
    if not wants_json():
        abort(415, description="Pages take form data, not JSON; the JSON API lives under /api/v1/.")
    if _depth_exceeds(body, MAX_JSON_DEPTH):
        abort(400, description=f"The JSON body nests arrays or objects more than {MAX_JSON_DEPTH} levels deep.")


def _depth_exceeds(body: bytes, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit`, without recursing."""
    depth = 0
    for bracket in _STRINGS.sub(b"", body).translate(None, _NOT_BRACKETS):
        depth += 1 if bracket in b"[{" else -1
        if depth > limit:
            return True
    return False
