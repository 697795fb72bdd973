"""What the audiences' forms share: wall-clock fields and mapping service errors."""
from __future__ import annotations

import dataclasses

from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from forum.services.errors import Invalid

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


def submit(form, action):
    """Validate, then run the use case; None means: show the form again.

    The form keeps everything typed, with each message beside its field.
    """
    if not form.validate_on_submit():
        return None
    try:
        return action()
    except Invalid as error:
        show_errors(form, error)
        return None


def status_of(form) -> int:
    return 422 if form.errors else 200
