"""SQLAlchemy models, one module per aggregate; imported here so mappers resolve."""
from forum.models.agenda import Slot, SlotKind
from forum.models.entry import HeldEntry
from forum.models.event import Event, EventStatus, event_organisers
from forum.models.outbox import OutboxMessage, OutboxStatus
from forum.models.registration import Registration, RegistrationLink, RegistrationStatus
from forum.models.release import Release
from forum.models.speaker import SlotSpeaker, Speaker, SpeakerLink, SpeakerLogEntry, SpeakerRole, SpeakerStatus
from forum.models.tally import RegistrationTally
from forum.models.user import ApiToken, Organiser

__all__ = [
    "ApiToken",
    "Event",
    "EventStatus",
    "HeldEntry",
    "Organiser",
    "OutboxMessage",
    "OutboxStatus",
    "Registration",
    "RegistrationLink",
    "RegistrationStatus",
    "RegistrationTally",
    "Release",
    "Slot",
    "SlotKind",
    "SlotSpeaker",
    "Speaker",
    "SpeakerLink",
    "SpeakerLogEntry",
    "SpeakerRole",
    "SpeakerStatus",
    "event_organisers",
]
