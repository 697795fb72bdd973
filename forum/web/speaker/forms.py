from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField

from forum.web.forms import SpeakerFields, fold_field, local_field


class ProfileForm(SpeakerFields, FlaskForm):
    remove_photo = BooleanField("Remove my photo")


class DeclineForm(FlaskForm):
    reason = TextAreaField("Reason (optional, only the organisers see it)")


class ProposeForm(FlaskForm):
    start = local_field("Start, in your time zone")
    start_fold = fold_field("That time happens twice in your zone; which one?")
    note = TextAreaField("Note to the organisers (optional)")


class TalkForm(FlaskForm):
    title = StringField("Title of your talk")
    abstract = TextAreaField("Abstract")


class AnswerForm(FlaskForm):
    """A button that only posts (CSRF-protected)."""
