"""Marshmallow schemas: they validate input and generate the OpenAPI document."""
from marshmallow import Schema, ValidationError, fields, validate, validates

from forum import timezones
from forum.models import EventStatus, SlotKind, SpeakerRole, SpeakerStatus

INSTANT = "ISO 8601 with the offset of the requested zone"
UTC_INSTANT = "ISO 8601 in UTC, ending in Z"


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
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in SpeakerStatus]))


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


class EventOut(EventSummaryOut):
    description = fields.String(required=True)
    slots = fields.List(fields.Nested(SlotOut), required=True)


class EventListOut(Schema):
    events = fields.List(fields.Nested(EventSummaryOut), required=True)
