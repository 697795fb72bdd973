"""The speaker aggregate: people who speak at an event, and their part in each slot."""
from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.types import enum_column

if TYPE_CHECKING:  # relationships name the other aggregates as strings
    from forum.models.agenda import Slot
    from forum.models.event import Event


class SpeakerRole(enum.Enum):
    SPEAKER = "speaker"
    PANELIST = "panelist"
    MODERATOR = "moderator"
    HOST = "host"


class SpeakerStatus(enum.Enum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    PROPOSED = "proposed"
    REVOKED = "revoked"


class Speaker(db.Model):
    __tablename__ = "speakers"
    __table_args__ = (UniqueConstraint("event_id", "email", name="uq_speakers_event_email"),)

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

    event: Mapped["Event"] = relationship(back_populates="speakers")
    slot_links: Mapped[list["SlotSpeaker"]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan"
    )


class SlotSpeaker(db.Model):
    """A speaker's part in one slot; the answer is per speaker and per slot."""

    __tablename__ = "slot_speakers"
    __table_args__ = (UniqueConstraint("slot_id", "speaker_id", name="uq_slot_speakers_slot_speaker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int] = mapped_column(
        ForeignKey("speakers.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[SpeakerRole] = mapped_column(
        enum_column(SpeakerRole, "speaker_role"), default=SpeakerRole.SPEAKER
    )
    status: Mapped[SpeakerStatus] = mapped_column(
        enum_column(SpeakerStatus, "speaker_status"), default=SpeakerStatus.INVITED
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    slot: Mapped["Slot"] = relationship(back_populates="speaker_links")
    speaker: Mapped[Speaker] = relationship(back_populates="slot_links")
