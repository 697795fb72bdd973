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
        """As flask-smorest's, plus the 503 any operation answers while the database is away."""
        register = super().route(rule, parameters=parameters, **options)
        return lambda view: register(self.errors(503)(view))

    def arguments(self, schema, *, location="json", **kwargs):
        """As flask-smorest's (which documents the 422), plus the 400 for a body that is not JSON."""
        parse = super().arguments(schema, location=location, **kwargs)
        return (lambda view: self.errors(400)(parse(view))) if location == "json" else parse

    def errors(self, *statuses: int | tuple[int, str]):
        """Document error answers: a status with its usual meaning, or (status, meaning)."""
        def document(view):
            for status in statuses:
                code, meaning = status if isinstance(status, tuple) else (status, MEANINGS[status])
                view = self.alt_response(code, schema=ErrorOut, description=meaning)(view)
            return view
        return document
