"""Marshmallow schemas: they validate input and generate the OpenAPI document."""
from marshmallow import Schema, ValidationError, fields, validate, validates

from forum import planner, timezones
from forum.models import EventStatus, InvitationStatus, RegistrationStatus, SlotKind, SpeakerRole
from forum.services.accounts import MAX_ID
from forum.services.planner import HHMM, MAX_SUGGESTIONS
from forum.web.errors import in_words

INSTANT = "ISO 8601 with the offset of the requested zone"
UTC_INSTANT = "ISO 8601 in UTC, ending in Z"


class ErrorDetailOut(Schema):
    code = fields.String(required=True, metadata={"example": "not_found"})
    message = fields.String(required=True, metadata={"description": "What went wrong and what to do, in words"})
    per_field = fields.Dict(keys=fields.String(), values=fields.String(), required=True, data_key="fields",
                            metadata={"description": "A message per input field at fault; empty when none is"})


class ErrorOut(Schema):
    """Every 4xx answer of the API (web/errors.py writes them)."""

    error = fields.Nested(ErrorDetailOut, required=True)


class UtcInstant(fields.String):
    """An aware datetime sent as UTC ISO 8601 ending in Z (documented as a string)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else timezones.utc_isoformat(value)


class ZoneQuery(Schema):
    tz = fields.String(
        metadata={"description": "IANA zone to render times in (default: the event's zone)", "example": "Europe/Amsterdam"}
    )

    @validates("tz")
    def known_zone(self, value: str, **kwargs) -> None:
        if not timezones.is_valid_zone(value):
            raise ValidationError(str(timezones.UnknownTimezone(value)))


class EventListQuery(ZoneQuery):
    when = fields.String(
        load_default="all", validate=validate.OneOf(["upcoming", "past", "all"]),
        metadata={"description": "upcoming, past or all published events"},
    )


class TimedSchema(Schema):
    start = fields.String(required=True, metadata={"description": INSTANT, "example": "2020-04-29T16:00:00+08:00"})
    end = fields.String(required=True, metadata={"description": INSTANT})
    start_utc = fields.String(required=True, metadata={"description": UTC_INSTANT, "example": "2020-04-29T08:00:00Z"})
    end_utc = fields.String(required=True, metadata={"description": UTC_INSTANT})


class SpeakerOut(Schema):
    name = fields.String(required=True)
    organisation = fields.String(required=True)
    city = fields.String(required=True)
    timezone = fields.String(required=True)
    local_start = fields.String(required=True, metadata={"description": "The slot's start in the speaker's own zone"})
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in SpeakerRole]))
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in InvitationStatus]))


class SlotOut(TimedSchema):
    id = fields.Integer(required=True)
    uid = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in SlotKind]))
    track = fields.String(required=True)
    description = fields.String(required=True)
    speakers_text = fields.String(required=True)
    speakers = fields.List(fields.Nested(SpeakerOut), required=True)


class EventSummaryOut(TimedSchema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in EventStatus]))
    timezone = fields.String(required=True, metadata={"description": "The event's own zone"})
    display_timezone = fields.String(required=True, metadata={"description": "The zone `start` and `end` are in"})
    venue = fields.String(required=True)
    livestream_url = fields.String(required=True)
    capacity = fields.Integer(required=True, allow_none=True)
    url = fields.String(required=True)


class RegistrationStateOut(Schema):
    open = fields.Boolean(required=True, metadata={"description": "Takes registrations now"})
    closed_reason = fields.String(allow_none=True, required=True, metadata={"description": "Why not, in words"})
    seats_left = fields.Integer(allow_none=True, required=True, metadata={"description": "null: no limit"})
    approval_required = fields.Boolean(required=True)
    email_confirmation_hours = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Seats are held this many hours until the address is confirmed; null: no confirmation"})


class EventOut(EventSummaryOut):
    description = fields.String(required=True)
    registration = fields.Nested(RegistrationStateOut, required=True)
    slots = fields.List(fields.Nested(SlotOut), required=True)
    join_url = fields.String(metadata={"description": "Private: only with a bearer token of the event's organisers"})


class EventListOut(Schema):
    events = fields.List(fields.Nested(EventSummaryOut), required=True)


class WallClock(fields.Field):
    """An ISO local time without offset, read in the zone the payload names."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return timezones.parse_local(str(value))
        except ValueError as error:
            raise ValidationError(str(error)) from None


class WholeNumber(fields.Integer):
    """An integer that refuses 1.5 rather than cutting it to 1 (2.0 and "2" still count as 2)."""

    default_error_messages = {"fraction": "{input} is not a whole number."}  # noqa: RUF012  marshmallow merges it per class

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("fraction", input=value)
        return super()._validated(value)


WALL_CLOCK = {"type": "string", "example": "2026-05-06T16:00",
              "description": "Wall-clock time without offset, in `timezone` (default: the event's zone)"}
END_WALL_CLOCK = {**WALL_CLOCK, "example": "2026-05-06T18:00"}  # an example pair that makes a valid range
FOLD = {"description": "Which instant an ambiguous wall-clock time means: 0 the first, 1 the second"}


class WallClockRange(Schema):
    """Start and end as typed by an organiser, like the forms' WallClockRange."""

    timezone = fields.String(metadata={"description": "Zone of start and end", "example": "Asia/Taipei"})
    start = WallClock(metadata=WALL_CLOCK)
    end = WallClock(metadata=END_WALL_CLOCK)
    start_fold = WholeNumber(validate=validate.OneOf([0, 1]), allow_none=True, metadata=FOLD)
    end_fold = WholeNumber(validate=validate.OneOf([0, 1]), allow_none=True, metadata=FOLD)


class EventPatch(WallClockRange):
    """Fields of an event; every one optional when editing."""

    title = fields.String(validate=validate.Length(max=200))
    slug = fields.String(validate=validate.Length(max=80))
    description = fields.String()
    venue = fields.String()
    livestream_url = fields.String()
    join_url = fields.String()
    capacity = WholeNumber(allow_none=True)
    registration_opens = WallClock(allow_none=True, metadata={
        **WALL_CLOCK, "description": "Local time in `timezone` when registration opens; null: when published"})
    registration_closes = WallClock(allow_none=True, metadata={
        **WALL_CLOCK, "description": "Local time in `timezone` when registration closes; null: when the event ends"})
    approval_required = fields.Boolean(metadata={"description": "Organisers approve each registration"})
    email_confirmation_hours = WholeNumber(allow_none=True, validate=validate.Range(min=1, max=168), metadata={
        "description": "Hold a new seat this many hours until its owner confirms the address from the e-mail, "
                       "then give it to the next person waiting; null: no confirmation (default)"})
    speaker_reminder_days = WholeNumber(validate=validate.Range(min=1, max=60),
                                        metadata={"description": "Remind speakers after this many days (3)"})
    speaker_reminder_max = WholeNumber(validate=validate.Range(min=0, max=10),
                                       metadata={"description": "At most this many reminders (2)"})
    show_unconfirmed_speakers = fields.Boolean(metadata={"description": "Public pages list them as to be confirmed"})
    speaker_edits_locked = fields.Boolean(metadata={"description": "Speakers cannot edit their details or talk"})
    remind_day_before = fields.Boolean(metadata={"description": "Remind confirmed attendees a day before (true)"})
    remind_hour_before = fields.Boolean(metadata={"description": "Remind confirmed attendees an hour before (true)"})
    move_agenda = fields.Boolean(metadata={"description": "Slots follow a change of start (default true)"})


class EventIn(EventPatch):
    title = fields.String(required=True, validate=validate.Length(max=200))
    timezone = fields.String(required=True, metadata={"example": "Asia/Taipei"})
    start = WallClock(required=True, metadata=WALL_CLOCK)
    end = WallClock(required=True, metadata=END_WALL_CLOCK)


class SlotPatch(WallClockRange):
    """Fields of a slot; `timezone` defaults to the event's."""

    title = fields.String(validate=validate.Length(max=200))
    kind = fields.String(validate=validate.OneOf([k.value for k in SlotKind]))
    track = fields.String()
    description = fields.String()
    speakers_text = fields.String()


class SlotIn(SlotPatch):
    title = fields.String(required=True, validate=validate.Length(max=200))
    start = WallClock(required=True, metadata=WALL_CLOCK)
    end = WallClock(required=True, metadata=END_WALL_CLOCK)


class OrganiserEventOut(EventOut):
    join_url = fields.String(required=True, metadata={"description": "Private; shown only to the event's organisers"})


EMAIL = ("Trimmed and lower-cased; a non-ASCII domain is stored and sent in its ASCII (punycode) form. "
         "Non-ASCII characters before the @ need a mail server with SMTPUTF8 (setting MAIL_SMTPUTF8), "
         "else the answer is a 422 on `email`.")


class RegistrationIn(Schema):
    name = fields.String(required=True, metadata={"example": "Ada Lovelace"})
    email = fields.String(required=True, metadata={"example": "ada@example.org", "description": EMAIL})
    organisation = fields.String()
    city = fields.String()
    country = fields.String()
    timezone = fields.String(required=True, metadata={"example": "Europe/Amsterdam"})
    language = fields.String(metadata={"description": "en or zh-Hant"})
    consent = fields.Boolean(metadata={"description": "May be contacted about this event"})


STATUSES = [s.value for s in RegistrationStatus]
WAITLIST_PLACE = {"description": "Place in the queue now when waitlisted (people waiting ahead, plus one); "
                                 "null otherwise"}


class RegistrationReceivedOut(Schema):
    """The same for a new and a repeated address: where the registration
    stands, and its page's link, go to the address by e-mail."""

    status = fields.String(required=True, validate=validate.Equal("received"))
    message = fields.String(required=True)


class RegistrationListQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    status = fields.String(load_default="", validate=validate.OneOf(["", *STATUSES]))
    q = fields.String(load_default="", metadata={"description": "Search name, e-mail, organisation, city, country"})


class RegistrationRowOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    organisation = fields.String(required=True)
    city = fields.String(required=True)
    country = fields.String(required=True)
    timezone = fields.String(required=True)
    language = fields.String(required=True)
    consent = fields.Boolean(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    waitlist_position = fields.Integer(allow_none=True, required=True, metadata=WAITLIST_PLACE)
    registered_at = fields.String(required=True, metadata={"description": "UTC, ISO 8601"})
    held_until = fields.String(required=True, allow_none=True, metadata={
        "description": "When held: the seat goes to the next in line at this time (UTC, ISO 8601) unless the "
                       "address is confirmed; null otherwise"})


class RegistrationPageOut(Schema):
    registrations = fields.List(fields.Nested(RegistrationRowOut), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "Registrations per status, for the whole event, including "
                                                  "people whose personal data was erased"})


class SpeakerIn(Schema):
    name = fields.String(required=True, metadata={"example": "Wim de Vries"})
    email = fields.String(required=True, metadata={"example": "wim@utrecht.example.org", "description": EMAIL})
    organisation = fields.String()
    role_title = fields.String(metadata={"description": "e.g. Alderman"})
    city = fields.String()
    timezone = fields.String(metadata={
        "example": "Europe/Amsterdam",
        "description": "IANA zone; left out or empty, it is taken from `city` when that names one zone"})
    bio = fields.String(metadata={"description": "Plain text; HTML is shown as text"})


class SpeakerProfileOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    organisation = fields.String(required=True)
    role_title = fields.String(required=True)
    city = fields.String(required=True)
    timezone = fields.String(required=True)
    bio = fields.String(required=True)


class AssignIn(Schema):
    speaker_id = WholeNumber(required=True, validate=validate.Range(min=1, max=MAX_ID))
    role = fields.String(load_default="speaker", validate=validate.OneOf(["speaker", "panelist", "moderator", "host"]))
    send = fields.Boolean(load_default=True, metadata={"description": "E-mail the invitation now (default true)"})


class InvitationOut(Schema):
    id = fields.Integer(required=True)
    speaker_id = fields.Integer(required=True)
    speaker = fields.String(required=True)
    slot_id = fields.Integer(required=True)
    slot = fields.String(required=True)
    role = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "invited, confirmed, declined, proposed, revoked"})
    sent = fields.Boolean(required=True, metadata={"description": "The invitation e-mail has gone out"})
    timezone = fields.String(required=True, metadata={"description": "The speaker's zone"})
    local_start = fields.String(required=True, metadata={"description": "Slot start in the speaker's zone, ISO 8601"})
    start_utc = fields.String(required=True)
    night_warning = fields.String(allow_none=True, required=True,
                                  metadata={"description": "Set when the slot falls outside 07:00-22:00 for them"})
    conflicts = fields.List(fields.String(), required=True,
                            metadata={"description": "Their overlapping slots in this organiser's events"})
    waiting_days = fields.Integer(allow_none=True, required=True, metadata={"description": "Days without an answer"})
    proposed_start = fields.String(allow_none=True, required=True,
                                   metadata={"description": "Their proposed start, in the event's zone, ISO 8601"})


class InvitationListOut(Schema):
    invitations = fields.List(fields.Nested(InvitationOut), required=True)


class ReleaseIn(Schema):
    comment = fields.String(load_default="", metadata={"description": "For the changelog and the e-mails"})


class ReleaseOut(Schema):
    number = fields.Integer(required=True)
    comment = fields.String(required=True)
    created_at = UtcInstant(required=True, metadata={"description": "UTC, ISO 8601"})
    notified = fields.Integer(required=True, metadata={"description": "Messages queued for this release"})
    changes = fields.List(fields.Dict(), required=True, metadata={
        "description": "kind (added, removed, changed), aspects (moved, renamed, details, speakers), uid, "
                       "title, start_utc, end_utc and, for changes, the old values"})


class ReleaseListOut(Schema):
    releases = fields.List(fields.Nested(ReleaseOut), required=True)


class NestedAsOne(fields.Nested):
    """A small object whose faults are named at the object itself (`dates`,
    `participants.3.window`), as the planner's use case names them, the part
    at fault said in the message ("from: Not a valid date.")."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        try:
            return super()._deserialize(value, attr, data, partial=partial, **kwargs)
        except ValidationError as error:
            raise ValidationError(in_words(error.messages)) from None


CLOCK = {"type": "string", "pattern": HHMM.pattern, "description": "Local time of day, HH:MM (24-hour)"}


class WindowIn(Schema):
    """The local hours a participant is glad to meet; an end before the start spans midnight."""

    start = fields.String(metadata={**CLOCK, "example": "08:00", "default": "08:00"})
    end = fields.String(metadata={**CLOCK, "example": "20:00", "default": "20:00"})


class ParticipantIn(Schema):
    """One person or audience region: exactly one of `city` and `timezone`."""

    label = fields.String(metadata={"description": "How answers name them; default: the city or zone as given",
                                    "example": "Taipei host"})
    city = fields.String(metadata={"description": "A city of 15,000 people or more: \"Name\" (the biggest of that "
                                                  "name) or \"Name, CC\" with its ISO country code; an unknown one "
                                                  "is refused with the close matches", "example": "Edinburgh"})
    timezone = fields.String(metadata={"description": "IANA zone", "example": "Asia/Taipei"})
    weight = fields.Float(metadata={"description": "How much they count: 1 for one person, or the people an "
                                                   "audience region stands for (above 0)", "default": 1})
    window = NestedAsOne(WindowIn, metadata={"description": "Default 08:00-20:00 local"})


class DateRangeIn(Schema):
    first = fields.Date(required=True, data_key="from", metadata={"example": "2020-03-01"})
    last = fields.Date(required=True, data_key="to", metadata={"example": "2020-04-15"})


class SuggestionsIn(Schema):
    participants = fields.List(fields.Nested(ParticipantIn), required=True,
                               metadata={"minItems": 1, "maxItems": planner.MAX_PARTICIPANTS})
    date = fields.Date(metadata={"description": "A UTC calendar day; give this or `dates`", "example": "2020-08-19"})
    dates = NestedAsOne(DateRangeIn, metadata={
        "description": f"UTC calendar days, both ends included, at most {planner.MAX_DAYS}; give this or `date`"})
    duration_minutes = WholeNumber(required=True, metadata={"minimum": 1, "maximum": planner.DAY, "example": 60})
    step_minutes = WholeNumber(load_default=15, metadata={"enum": list(planner.STEPS),
                                                          "description": "Minutes between candidate starts"})
    sessions = WholeNumber(load_default=1, metadata={
        "minimum": 1, "maximum": planner.MAX_SESSIONS,
        "description": "Regional sessions to split the participants into (at most one per participant)"})
    limit = WholeNumber(load_default=10, metadata={"minimum": 1, "maximum": MAX_SUGGESTIONS,
                                                   "description": "How many suggestions"})


class ComfortCountsOut(Schema):
    inside = fields.Integer(required=True, metadata={"description": "Participants with the whole meeting in their window"})
    early_late = fields.Integer(required=True, metadata={"description": "Outside their window, but not in the night"})
    night = fields.Integer(required=True, metadata={"description": "Any minute of it from 22:00 to 07:00 local"})


class PlacementOut(Schema):
    label = fields.String(required=True)
    timezone = fields.String(required=True, metadata={"description": "Their zone (a city's, when they gave a city)"})
    local_start = fields.String(required=True, metadata={"description": "ISO 8601 with their offset at that instant",
                                                         "example": "2020-08-19T08:00:00+01:00"})
    local_end = fields.String(required=True, metadata={"description": "ISO 8601 with their offset at that instant"})
    comfort = fields.String(required=True, validate=validate.OneOf([c.value for c in planner.Comfort]))


class SuggestionOut(Schema):
    start_utc = fields.String(required=True, metadata={"description": UTC_INSTANT, "example": "2020-08-19T07:00:00Z"})
    end_utc = fields.String(required=True, metadata={"description": UTC_INSTANT})
    score = fields.Float(required=True, metadata={"description": "Weighted mean comfort, 0 to 1"})
    counts = fields.Nested(ComfortCountsOut, required=True)
    participants = fields.List(fields.Nested(PlacementOut), required=True)


class SessionOut(SuggestionOut):
    members = fields.List(fields.String(), required=True, metadata={"description": "Labels of its participants"})


class SuggestionsOut(Schema):
    suggestions = fields.List(fields.Nested(SuggestionOut), required=True, metadata={"description": "Best first"})
    sessions = fields.List(fields.Nested(SessionOut), metadata={
        "description": "Only when more than one session was asked for: the groups in order of start"})
