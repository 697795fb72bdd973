"""The registration aggregate: an attendee's seat (or place in the queue) at an event."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.types import Transitions, UTCDateTime, enum_column, new_uid, uid_column
from forum.timezones import now_utc

if TYPE_CHECKING:  # relationships name the other aggregates as strings
    from forum.models.event import Event


class RegistrationStatus(enum.Enum):
    PENDING = "pending"  # waits for the organiser's approval
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    HELD = "held"  # a seat kept until the address is confirmed (see Event.email_confirmation_hours)
    CANCELLED = "cancelled"


_S = RegistrationStatus
SEATED = (_S.CONFIRMED, _S.HELD)  # a held seat is taken until its deadline
# The organiser approves, promotes or removes; the attendee cancels, edits,
# and confirms the address, which turns a held seat into a seat.
REGISTRATION_TRANSITIONS: Transitions[RegistrationStatus] = {
    _S.PENDING: {"approve": (_S.CONFIRMED, _S.HELD, _S.WAITLISTED),  # a seat, or the queue when full
                 "remove": _S.CANCELLED, "cancel": _S.CANCELLED, "edit": None, "confirm_address": None},
    _S.WAITLISTED: {"promote": _S.CONFIRMED,
                    "remove": _S.CANCELLED, "cancel": _S.CANCELLED, "edit": None, "confirm_address": None},
    _S.CONFIRMED: {"remove": _S.CANCELLED, "cancel": _S.CANCELLED, "edit": None, "confirm_address": None},
    _S.HELD: {"promote": _S.CONFIRMED,
              "remove": _S.CANCELLED, "cancel": _S.CANCELLED, "edit": None, "confirm_address": _S.CONFIRMED},
    _S.CANCELLED: {},
}


class Registration(Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # One seat per person: e-mail is stored trimmed and lower-cased.
        UniqueConstraint("event_id", "email", name="uq_registrations_event_email"),
        UniqueConstraint("event_id", "waitlist_position", name="uq_registrations_event_waitlist_position"),
        CheckConstraint("email = lower(trim(email))", name="email_normalised"),
        CheckConstraint(
            "(status = 'waitlisted') = (waitlist_position IS NOT NULL)", name="waitlisted_have_a_position"
        ),
        CheckConstraint("(status = 'held') = (held_until IS NOT NULL)", name="held_have_a_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(uid_column(), unique=True, default=new_uid)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(10), default="en")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "registration_status"))
    waitlist_position: Mapped[int | None] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    link_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a repeat mails it once an hour at most
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # its owner pressed "confirm"
    # A held seat goes back after this; indexed for the worker, which looks on every pass.
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reminded_day_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # never twice
    reminded_hour_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    links: Mapped[list[RegistrationLink]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def since(self) -> datetime:
        return self.status_changed_at or self.created_at

    @property
    def has_seat(self) -> bool:
        """A seat rather than a place: what cancelling gives to the next person waiting."""
        return self.status in SEATED


class RegistrationLink(Model):
    """One secret link to an attendee's page; only its hash is kept.

    Each e-mail carries a new link rather than replacing the old ones, so a
    calendar already subscribed to an older feed keeps working; only the few
    used most recently stay alive (`tokens.MAX_LIVE_LINKS`).
    """

    __tablename__ = "registration_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # to the hour: which links to keep

    registration: Mapped[Registration] = relationship(back_populates="links")
