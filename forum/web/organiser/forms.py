from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from forum.models import ParticipantKind, SlotKind, SpeakerRole
from forum.planner import MAX_SESSIONS, STEPS
from forum.web.forms import LOCAL_FORMATS, SpeakerFields, WallClockRange

TZ_HINT = "Type to search, e.g. Taipei or Amsterdam; the current UTC offset is shown beside each name."


class EventForm(WallClockRange, FlaskForm):
    title = StringField("Title")
    slug = StringField("Address (slug)")
    description = TextAreaField("Description")
    timezone = StringField("Time zone of the event")
    venue = StringField("Venue (for hybrid events)")
    livestream_url = URLField("Public livestream URL")
    join_url = URLField("Private join URL (only confirmed attendees and speakers see it)")
    capacity = IntegerField("Capacity (empty for unlimited)", validators=[Optional()])
    registration_opens = DateTimeLocalField("Registration opens (empty: when published)", format=LOCAL_FORMATS,
                                            validators=[Optional()])
    registration_closes = DateTimeLocalField("Registration closes (empty: when the event ends)",
                                             format=LOCAL_FORMATS, validators=[Optional()])
    approval_required = BooleanField("The organisers approve each registration")
    email_confirmation_hours = IntegerField("Confirm the e-mail before a seat: hold it this many hours "
                                            "(empty: no confirmation)", validators=[Optional()])
    remind_day_before = BooleanField("Remind confirmed attendees a day before", default=True)
    remind_hour_before = BooleanField("Remind confirmed attendees an hour before", default=True)
    speaker_reminder_days = IntegerField("Remind speakers after this many days without an answer", default=3,
                                         validators=[Optional()])
    speaker_reminder_max = IntegerField("At most this many reminders (0: none)", default=2,
                                        validators=[Optional()])
    show_unconfirmed_speakers = BooleanField("Show speakers who have not confirmed yet, as “to be confirmed”")
    speaker_edits_locked = BooleanField("Lock speakers' details and talk titles (only organisers change them)")
    move_agenda = BooleanField("Move the agenda with the event when the start changes", default=True)


class SlotForm(WallClockRange, FlaskForm):
    title = StringField("Title")
    kind = SelectField("Kind", choices=[SelectChoice(k.value, k.label) for k in SlotKind], default=SlotKind.TALK.value)
    timezone = StringField("Time zone of the times typed")
    track = StringField("Track (for parallel sessions; empty means everyone)")
    description = TextAreaField("Description")
    speakers_text = StringField("Speakers (free text)")


class SlotEditForm(SlotForm):
    """Editing a slot can first show everyone's local times for the typed ones, saving nothing."""

    preview = SubmitField("Show local times")


class ShiftForm(FlaskForm):
    minutes = IntegerField("Move by minutes (negative moves earlier)", validators=[InputRequired(), NumberRange(-10080, 10080)])
    after = SelectField("Which slots", coerce=str, default="")


class ImportForm(FlaskForm):
    file = FileField("CSV file")
    csv_text = TextAreaField("…or paste the CSV here (after a preview, fix the rows in place)")
    timezone = StringField("Time zone of the times in the file")
    confirm = BooleanField()


class OrganiserForm(FlaskForm):
    email = StringField("E-mail of another organiser")


class TokenForm(FlaskForm):
    label = StringField("Label", render_kw={"maxlength": 100, "placeholder": "e.g. registration sync"})
    days = StringField("Expires after this many days (empty: never)", render_kw={"inputmode": "numeric"})


class ActionForm(FlaskForm):
    """Buttons that only post (CSRF-protected)."""


class ReleaseForm(FlaskForm):
    comment = TextAreaField("Comment for the changelog and the e-mails (optional)", render_kw={"maxlength": 2000})


class MessageForm(FlaskForm):
    subject = StringField("Subject")
    body = TextAreaField("Message (blank lines separate paragraphs)")


class SpeakerForm(SpeakerFields, FlaskForm):
    email = StringField("E-mail")


class AssignForm(FlaskForm):
    speaker_id = SelectField("Speaker", coerce=int, validate_choice=False)
    slot_id = SelectField("Slot", coerce=int, validate_choice=False)
    role = SelectField("Role", choices=[SelectChoice(r.value, r.value.capitalize()) for r in SpeakerRole])
    send = BooleanField("Send the invitation now", default=True)


class PlannerForm(FlaskForm):
    """The planner's question, asked by GET (a link to it is the same plan): no token."""

    class Meta:
        csrf = False

    date = StringField("Day (in the event's zone)", render_kw={"placeholder": "YYYY-MM-DD", "inputmode": "numeric"})
    duration = StringField("Duration (minutes)", render_kw={"inputmode": "numeric"})
    step = SelectField("Step", choices=[SelectChoice(str(m), f"{m} minutes") for m in STEPS], validate_choice=False)
    date_from = StringField("Also rank across the days from", render_kw={"placeholder": "YYYY-MM-DD"})
    date_to = StringField("to (up to 60 days)", render_kw={"placeholder": "YYYY-MM-DD"})
    sessions = SelectField("Regional sessions", choices=[SelectChoice(str(k), "One session for everyone" if k == 1
                                                                      else f"Split into {k} sessions")
                                                         for k in range(1, MAX_SESSIONS + 1)], validate_choice=False)


class ParticipantForm(FlaskForm):
    kind = SelectField("Who", choices=[SelectChoice(ParticipantKind.PERSON.value, "A person"),
                                       SelectChoice(ParticipantKind.AUDIENCE.value, "An audience region")],
                       default=ParticipantKind.PERSON.value, validate_choice=False)
    city = StringField("City", render_kw={"placeholder": "e.g. Edinburgh, or Portland, US"})
    city_choice = RadioField("Which one?", choices=[], validate_choice=False)
    timezone = StringField("…or a time zone", render_kw={"placeholder": "e.g. Asia/Taipei"})
    country = StringField("…or a country", render_kw={"placeholder": "e.g. NZ or New Zealand"})
    country_zone = RadioField("Which zone of the country?", choices=[], validate_choice=False)
    label = StringField("Label (empty: the place)", render_kw={"maxlength": 120})
    weight = StringField("Weight (1 for one person; for a region, the people it stands for)",
                         render_kw={"inputmode": "decimal", "placeholder": "1"})
    window = StringField("Glad to meet, local time (HH:MM-HH:MM; an end before the start crosses midnight)",
                         render_kw={"placeholder": "08:00-20:00"})


class SpeakerWindowForm(FlaskForm):
    """One speaker's window on the planner; each row's form has the speaker's prefix, so its field ids are its own."""

    window = StringField("Window (HH:MM-HH:MM; empty: 08:00-20:00)", render_kw={"placeholder": "08:00-20:00",
                                                                              "size": 11})


class UseTimeForm(FlaskForm):
    """“Use this time”: each suggestion's button posts its start."""

    start = StringField()
    slot_id = SelectField("Use the time for", validate_choice=False)
    title = StringField("Title of the new slot", render_kw={"maxlength": 200})


class SessionsForm(FlaskForm):
    """“Create these sessions”: the starts and members come as hidden inputs, one per session."""

    title = StringField("Title the sessions share", render_kw={"maxlength": 150, "placeholder": "Regional session"})
