"""What the audiences' forms share: wall-clock fields, and how every posted
form or button shows a use case's refusal, the same on every page.

- Invalid (the input is at fault): the form comes back with what was typed
  and each message beside its field (422).
- Conflict (the state refuses: full, cancelled, locked): the message is
  flashed at the top of the page, which a typed form comes back on, as typed
  (409), and a button goes back to. The flash shows even where the refusal
  also hides the form (a cancelled registration has no details to edit).
- NotFound inside a form's use case (it names a speaker or slot gone since
  the page was shown): above the form, as typed (404).

`submit` does this for forms, `ask` for GET forms, `press` for buttons. Elsewhere NotFound is an
error page (web/errors.py), as on the API; so is an expired form, which
Flask-WTF refuses before any view runs.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from flask import flash, redirect
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from forum.services.errors import Conflict, Invalid, NotFound
from forum.web.errors import answer_of

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _fold(value):
    return int(value) if str(value) in {"0", "1"} else None


def fold_field(label: str) -> RadioField:
    """Which of two instants an ambiguous time means; shown only when asked."""
    return RadioField(label, choices=[], coerce=_fold, validate_choice=False, default=None)


def local_field(label: str) -> DateTimeLocalField:
    return DateTimeLocalField(label, format=LOCAL_FORMATS, validators=[InputRequired()])


class SpeakerFields:
    """A speaker's profile, as the organiser types it and as the speaker edits it."""

    name = StringField("Name")
    organisation = StringField("Organisation")
    role_title = StringField("Role or title (e.g. Mayor of Taipei)")
    city = StringField("City")
    timezone = StringField("Time zone (empty: taken from the city)")
    bio = TextAreaField("Short bio (plain text)")
    photo = FileField("Photo (optional; JPEG, PNG, WebP or GIF, up to 5 MB; a small copy is kept)")


class WallClockRange:
    """Start and end typed as wall-clock times, each with its fold question."""

    start = local_field("Start")
    end = local_field("End")
    start_fold = fold_field("The start time happens twice; which one?")
    end_fold = fold_field("The end time happens twice; which one?")


def show_errors(form, error: Invalid) -> None:
    """Put each service message beside its field; offer choices for ambiguous times."""
    for name, message in error.fields.items():
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, message]
        else:
            form.form_errors.append(message)
    for name, choices in error.choices.items():
        fold = getattr(form, f"{name}_fold", None)
        if fold is not None:
            fold.choices = [SelectChoice(str(c.fold), c.label) for c in choices]
        elif name in form:  # a question of another kind (which city, which zone): (value, label) pairs
            form[name].choices = [SelectChoice(value, label) for value, label in choices]


def to_input(form, input_class, current=None):
    """The use case's input dataclass from the form fields of the same names.

    A field the form does not show keeps its value in `current` (the stored
    input, when editing), else the dataclass default: a form without a box
    for it must not reset it.
    """
    typed = {f.name: form[f.name].data for f in dataclasses.fields(input_class) if f.name in form}
    return input_class(**typed) if current is None else dataclasses.replace(current, **typed)


def uploaded(field) -> bytes | None:
    """The bytes of a file field, or None when nothing was chosen."""
    return field.data.read() if field.data and getattr(field.data, "filename", "") else None


def refuse(form, error: Invalid | Conflict | NotFound) -> None:
    """Show a refusal on a form shown again: an Invalid beside its fields, a
    Conflict as a flash, a NotFound above the fields."""
    if isinstance(error, Invalid):
        show_errors(form, error)
    elif isinstance(error, Conflict):
        flash(error.message, "error")
    else:
        form.form_errors.append(error.message)
    form.refused_with = answer_of(error)[0]


def submit(form, action):
    """Validate, then run the use case; None means: show the form again.

    The form keeps everything typed, with each message beside its field (or
    flashed, for a Conflict); `status_of(form)` is the status to show it with.
    """
    return _run(form, form.validate_on_submit(), action)


def ask(form, action):
    """`submit` for a GET form (a question, not a change): no token, no POST."""
    return _run(form, form.validate(), action)


def _run(form, valid: bool, action):
    if not valid:
        return None
    try:
        return action()
    except (Invalid, Conflict, NotFound) as error:
        refuse(form, error)
        return None


def status_of(form) -> int:
    """The status to show a form with: its refusal's, else 422 for messages of its own checks, else 200."""
    return getattr(form, "refused_with", None) or (422 if form.errors else 200)


def press(action, back: str, done: str | Callable[[Any], str | None] | None = None):
    """A button, nothing typed: run the use case, flash what it did (`done`,
    or `done(result)`) or why it refused, and go back to the page."""
    try:
        result = action()
    except Invalid as error:
        flash(" ".join(error.fields.values()) or error.message, "error")
    except Conflict as error:
        flash(error.message, "error")
    else:
        message = done(result) if callable(done) else done
        if message:
            flash(message)
    return redirect(back)
