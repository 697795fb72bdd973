"""The speaker aggregate: people who speak at an event, and their part in each slot."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.plan import WINDOW_WITHIN_A_DAY
from forum.models.types import Transitions, UTCDateTime, enum_column, new_uid, uid_column
from forum.timezones import now_utc

if TYPE_CHECKING:  # relationships name the other aggregates as strings
    from forum.models.agenda import Slot
    from forum.models.event import Event


class SpeakerRole(enum.Enum):
    SPEAKER = "speaker"
    PANELIST = "panelist"
    MODERATOR = "moderator"
    HOST = "host"


class InvitationStatus(enum.Enum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    PROPOSED = "proposed"
    REVOKED = "revoked"


_S = InvitationStatus
ACTIVE = (_S.INVITED, _S.PROPOSED, _S.CONFIRMED)  # on the slot, or asked to be
ANSWERED = (_S.CONFIRMED, _S.DECLINED)  # a proposal still waits for the organisers
# The speaker confirms, declines or proposes another time; the organisers
# accept a proposal, revoke, or assign a speaker to the slot again.
INVITATION_TRANSITIONS: Transitions[InvitationStatus] = {
    _S.INVITED: {"confirm": _S.CONFIRMED, "decline": _S.DECLINED, "propose": _S.PROPOSED, "revoke": _S.REVOKED},
    _S.PROPOSED: {"confirm": _S.CONFIRMED, "decline": _S.DECLINED, "propose": _S.PROPOSED,
                  "accept": _S.CONFIRMED, "revoke": _S.REVOKED},
    _S.CONFIRMED: {"decline": _S.DECLINED, "propose": _S.PROPOSED, "revoke": _S.REVOKED},
    _S.DECLINED: {"confirm": _S.CONFIRMED, "propose": _S.PROPOSED, "assign": _S.INVITED},
    _S.REVOKED: {"assign": _S.INVITED},
}


# RFC 2606: no mail can ever reach this domain. A speaker's address is
# replaced by one in it when their contact data is erased (the agenda keeps
# their name and title), so the (event, e-mail) uniqueness still holds.
ERASED_DOMAIN = "erased.invalid"


class Speaker(Model):
    __tablename__ = "speakers"
    __table_args__ = (
        UniqueConstraint("event_id", "email", name="uq_speakers_event_email"),
        CheckConstraint(WINDOW_WITHIN_A_DAY, name="window_within_a_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))  # stored lower-case, trimmed
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role_title: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    bio: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # re-encoded JPEG (forum.images)
    photo_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The hours the planner counts as theirs, in minutes after their local midnight (as plan participants').
    window_start: Mapped[int] = mapped_column(Integer, default=8 * 60, server_default="480")
    window_end: Mapped[int] = mapped_column(Integer, default=20 * 60, server_default="1200")

    event: Mapped[Event] = relationship(back_populates="speakers")
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan"
    )
    links: Mapped[list[SpeakerLink]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def contact_erased(self) -> bool:
        return self.email.endswith(f"@{ERASED_DOMAIN}")


class SpeakerLink(Model):
    """The secret link to a speaker's page; only its hash is kept.

    Every e-mail carries a new link; the few used most recently, or newest,
    keep working (`tokens.MAX_LIVE_LINKS`). Links also end when the
    organisers withdraw the last invitation; such an ended link keeps its row
    so its page can say why it no longer works.
    """

    __tablename__ = "speaker_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("speakers.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # to the hour: which links to keep
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(String(20), default="")  # "revoked"

    speaker: Mapped[Speaker] = relationship(back_populates="links")


class Invitation(Model):
    """A speaker's invitation to one slot: their role there, and their answer
    (per speaker and per slot), which the speaker's page and the board show."""

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("slot_id", "speaker_id", name="uq_invitations_slot_speaker"),
        CheckConstraint(
            "(status = 'proposed') = (proposed_start_utc IS NOT NULL)", name="proposals_have_a_time"
        ),
        CheckConstraint("reminders_sent >= 0", name="reminders_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(uid_column(), unique=True, default=new_uid)  # the speaker's calendar entry
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int] = mapped_column(
        ForeignKey("speakers.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[SpeakerRole] = mapped_column(
        enum_column(SpeakerRole, "speaker_role"), default=SpeakerRole.SPEAKER
    )
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus, "invitation_status"), default=InvitationStatus.INVITED
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: not sent yet
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    proposed_start_utc: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposal_note: Mapped[str] = mapped_column(Text, default="")
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # invitation, re-send or reminder

    slot: Mapped[Slot] = relationship(back_populates="invitations")
    speaker: Mapped[Speaker] = relationship(back_populates="invitations")
    log: Mapped[list[InvitationLogEntry]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", passive_deletes=True,
        order_by="InvitationLogEntry.id",
    )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class InvitationLogEntry(Model):
    """What happened to one invitation, in order: sent, answered, revoked..."""

    __tablename__ = "invitation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    invitation: Mapped[Invitation] = relationship(back_populates="log")

    @property
    def shown_detail(self) -> str:
        """The detail the history shows: a proposal's holds a UTC instant for
        the machine, and the proposal itself is shown with its local times."""
        return "" if self.action == "proposed" else self.detail
