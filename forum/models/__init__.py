"""SQLAlchemy models, one module per aggregate; imported here so mappers resolve."""
from forum.models.agenda import Slot, SlotKind
from forum.models.entry import HeldEntry
from forum.models.event import Event, EventStatus, event_organisers
from forum.models.outbox import OutboxMessage, OutboxStatus
from forum.models.plan import ParticipantKind, PlanParticipant
from forum.models.registration import Registration, RegistrationLink, RegistrationStatus
from forum.models.release import Release
from forum.models.speaker import Invitation, InvitationLogEntry, InvitationStatus, Speaker, SpeakerLink, SpeakerRole
from forum.models.tally import RegistrationTally
from forum.models.user import ApiToken, Organiser

__all__ = [
    "ApiToken", "Event", "EventStatus", "HeldEntry", "Invitation", "InvitationLogEntry", "InvitationStatus",
    "Organiser", "OutboxMessage", "OutboxStatus", "ParticipantKind", "PlanParticipant", "Registration",
    "RegistrationLink", "RegistrationStatus", "RegistrationTally", "Release", "Slot", "SlotKind", "Speaker", "SpeakerLink", "SpeakerRole", "event_organisers",
]
