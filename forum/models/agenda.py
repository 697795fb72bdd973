"""The agenda aggregate: timed slots of an event."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.types import UTCDateTime, enum_column, new_uid, uid_column
from forum.timezones import now_utc

if TYPE_CHECKING:  # relationships name the other aggregates as strings
    from forum.models.event import Event
    from forum.models.speaker import Invitation


class SlotKind(enum.Enum):
    OPENING = "opening"
    KEYNOTE = "keynote"
    TALK = "talk"
    PANEL = "panel"
    DISCUSSION = "discussion"
    QA = "qa"
    BREAK = "break"
    CLOSING = "closing"

    @property
    def label(self) -> str:
        return "Q&A" if self is SlotKind.QA else self.value.capitalize()


class Slot(Model):
    __tablename__ = "slots"
    __table_args__ = (
        CheckConstraint("end_utc > start_utc", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(uid_column(), unique=True, default=new_uid)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SlotKind] = mapped_column(enum_column(SlotKind, "slot_kind"))
    start_utc: Mapped[datetime] = mapped_column(UTCDateTime)
    end_utc: Mapped[datetime] = mapped_column(UTCDateTime)
    track: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    speakers_text: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Feeds' Last-Modified; NULL only for rows older than migration 0006.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    event: Mapped[Event] = relationship(back_populates="slots")
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="slot", cascade="all, delete-orphan", order_by="Invitation.position"
    )

    @property
    def duration(self):
        return self.end_utc - self.start_utc

    def __repr__(self) -> str:
        return f"<Slot {self.title!r} {self.start_utc:%Y-%m-%d %H:%M}Z>"
