"""Named errors of the use cases. They say what went wrong, in words, and
nothing about HTTP: forum/web/errors.py maps each class to its status and
code once, for pages and the API alike, so a rule's wording lives here and
its answer there."""
from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(ServiceError):
    """What was asked for does not exist, or is not the asker's to see."""


class Invalid(ServiceError):
    """Input that breaks a rule; `fields` maps each field to its message.

    `choices` holds, per field, the instants an ambiguous wall-clock time can
    mean, so a form can ask which one is meant.
    """

    def __init__(self, fields: dict[str, str], choices: dict[str, list] | None = None):
        super().__init__("Some fields need another look.", fields)
        self.choices = choices or {}


class Conflict(ServiceError):
    """The request is well formed but the data's state refuses it (full, cancelled, already answered)."""
