from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from forum.services.registrations import LANGUAGES


class DetailsForm(FlaskForm):
    """What an attendee may change on their own page."""

    name = StringField("Name")
    organisation = StringField("Organisation")
    city = StringField("City")
    country = StringField("Country")
    timezone = StringField("Your time zone")
    language = SelectField("Preferred language", choices=[SelectChoice(k, v) for k, v in LANGUAGES.items()])


class RegistrationForm(DetailsForm):
    email = EmailField("E-mail")
    consent = BooleanField("The organisers may e-mail me about this event")


class ButtonForm(FlaskForm):
    """A button that only posts (CSRF-protected)."""
