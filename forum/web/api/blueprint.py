"""The API's blueprints: each operation lists the errors it can answer, so the
OpenAPI document names every status a client may see, with its body."""
from __future__ import annotations

from flask_smorest import Blueprint

from forum.web.api import MAX_JSON_DEPTH
from forum.web.api.schemas import ErrorOut

MEANINGS = {
    400: f"The body is not JSON, or nests arrays or objects more than {MAX_JSON_DEPTH} levels deep",
    401: "No bearer token, or one that is unknown, revoked or expired",
    404: "No such event or slot among those the caller may see (another organiser's event is a 404)",
    409: "The event's state does not allow this now",
    503: "The database does not answer (a restart, say); nothing was done: try again after Retry-After seconds",
}


class ApiBlueprint(Blueprint):
    def route(self, rule, *, parameters=None, **options):
        """As flask-smorest's, plus the answers of web/api/__init__.py's guards:
        the 503 while the database is away, and for a request that may carry
        a body (whether the operation reads one or not), the 400 of one that
        nests too deep."""
        register = super().route(rule, parameters=parameters, **options)
        statuses = (400, 503) if set(options.get("methods", ["GET"])) - {"GET"} else (503,)
        return lambda view: register(self.errors(*statuses)(view))

    def errors(self, *statuses: int | tuple[int, str]):
        """Document error answers: a status with its usual meaning, or (status, meaning)."""
        def document(view):
            for status in statuses:
                code, meaning = status if isinstance(status, tuple) else (status, MEANINGS[status])
                view = self.alt_response(code, schema=ErrorOut, description=meaning)(view)
            return view
        return document
