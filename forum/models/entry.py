"""The held-entry aggregate: what one person's calendar holds for one UID, as
we last mailed it.

A seat's entry (the whole event) and a speaker's entry (one slot) are built
from live rows; this record is the other side of the comparison. When the
two differ, the person gets a message with the next SEQUENCE and this row
takes the new state, in the same transaction. Feeds show these rows, so a
feed and the last e-mail can never disagree.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql import false

from forum.extensions import Model
from forum.models.types import UTCDateTime, uid_column
from forum.timezones import now_utc

if TYPE_CHECKING:  # relationships name the other aggregates as strings
    from forum.models.event import Event
    from forum.models.registration import Registration
    from forum.models.speaker import Invitation


class HeldEntry(Model):
    __tablename__ = "held_entries"
    __table_args__ = (
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint("end_utc > start_utc", name="ends_after_start"),
        CheckConstraint("kind IN ('seat', 'part')", name="kind_known"),
        CheckConstraint("registration_id IS NULL OR kind = 'seat'", name="seats_held_by_registrations"),
        CheckConstraint("invitation_id IS NULL OR kind = 'part'", name="parts_held_by_speakers"),
        CheckConstraint("NOT cancelled OR join_url = ''", name="cancelled_without_join_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(uid_column(), unique=True)  # the seat's or the invitation's
    kind: Mapped[str] = mapped_column(String(4))  # "seat": the whole event; "part": a speaker's slot
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # The holder; NULL once its row is gone (a slot deleted): the entry
    # still needs its CANCEL, sent from what is kept here.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    summary: Mapped[str] = mapped_column(String(420))
    start_utc: Mapped[datetime] = mapped_column(UTCDateTime)
    end_utc: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str] = mapped_column(String(300), default="")
    join_url: Mapped[str] = mapped_column(String(500), default="")
    role: Mapped[str] = mapped_column(String(20), default="")  # attendee, speaker, panelist...
    zone: Mapped[str] = mapped_column(String(64))  # the event's, for the feed's VTIMEZONE
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()

    def __repr__(self) -> str:
        return f"<HeldEntry {self.uid} #{self.sequence}{' cancelled' if self.cancelled else ''}>"
