"""The event aggregate: an event, its organisers and its lifecycle."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import false, true

from forum.extensions import Model, db
from forum.models.types import Transitions, UTCDateTime, enum_column, new_uid, uid_column
from forum.timezones import now_utc

if TYPE_CHECKING:  # relationships name the other aggregates as strings
    from forum.models.agenda import Slot
    from forum.models.speaker import Speaker
    from forum.models.user import Organiser


class EventStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


EVENT_TRANSITIONS: Transitions[EventStatus] = {
    EventStatus.DRAFT: {"publish": EventStatus.PUBLISHED, "cancel": EventStatus.CANCELLED},
    EventStatus.PUBLISHED: {"unpublish": EventStatus.DRAFT, "cancel": EventStatus.CANCELLED},
    EventStatus.CANCELLED: {},
}


event_organisers = Table(
    "event_organisers",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("organiser_id", ForeignKey("organisers.id", ondelete="CASCADE"), primary_key=True),
)


class Event(Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("end_utc > start_utc", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint(
            "registration_closes_utc IS NULL OR registration_opens_utc IS NULL"
            " OR registration_closes_utc > registration_opens_utc",
            name="registration_closes_after_opening",
        ),
        CheckConstraint("speaker_reminder_days > 0", name="speaker_reminder_days_positive"),
        CheckConstraint("speaker_reminder_max >= 0", name="speaker_reminder_max_not_negative"),
        CheckConstraint("email_confirmation_hours IS NULL OR email_confirmation_hours BETWEEN 1 AND 168",
                        name="email_confirmation_hours_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(uid_column(), unique=True, default=new_uid)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64))
    start_utc: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_utc: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str] = mapped_column(String(300), default="")
    livestream_url: Mapped[str] = mapped_column(String(500), default="")
    join_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Without times, registration is open from publication until the event ends.
    registration_opens_utc: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_utc: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When set, a new seat is held this many hours for its owner to confirm the address, then freed.
    email_confirmation_hours: Mapped[int | None] = mapped_column(Integer)
    # Speakers: reminders after this many days without an answer, at most this many times.
    speaker_reminder_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    speaker_reminder_max: Mapped[int] = mapped_column(Integer, default=2, server_default="2")
    show_unconfirmed_speakers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    speaker_edits_locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Reminders to confirmed attendees, with the join link.
    remind_day_before: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    remind_hour_before: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    status: Mapped[EventStatus] = mapped_column(
        enum_column(EventStatus, "event_status"), default=EventStatus.DRAFT, index=True
    )
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=now_utc, onupdate=now_utc
    )

    organisers: Mapped[list[Organiser]] = relationship(secondary=event_organisers)
    slots: Mapped[list[Slot]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="(Slot.start_utc, Slot.position, Slot.id)",
    )
    speakers: Mapped[list[Speaker]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        """Published events, and cancelled ones people may already have seen."""
        return self.status is EventStatus.PUBLISHED or (
            self.status is EventStatus.CANCELLED and self.published_at is not None
        )

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"
