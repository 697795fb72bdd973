"""Named errors of the use cases; the web layer turns each into a form message
or a 4xx JSON answer, so a rule's wording lives in one place."""
from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Invalid(ServiceError):
    """Input that breaks a rule; `fields` maps each field to its message.

    `choices` holds, per field, the instants an ambiguous wall-clock time can
    mean, so a form can ask which one is meant.
    """

    status = 422
    code = "invalid"

    def __init__(self, fields: dict[str, str], choices: dict[str, list] | None = None):
        super().__init__("Some fields need another look.", fields)
        self.choices = choices or {}


class Conflict(ServiceError):
    status = 409
    code = "conflict"
