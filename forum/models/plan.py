"""The plan aggregate: the people an organiser adds to an event's planner.

The event's speakers are in every plan without a row here (the planner reads
them live, so a speaker's new zone counts at once); these rows are the rest:
people found by city, zone or country, and audience regions weighted by how
many they stand for. Windows are minutes after local midnight; an end before
the start is a window across midnight.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.types import UTCDateTime, enum_column
from forum.timezones import now_utc

# A planner's window in minutes after local midnight (speakers' and added participants' alike).
WINDOW_WITHIN_A_DAY = ("window_start >= 0 AND window_start < 1440 AND window_end >= 0 AND window_end < 1440 "
                       "AND window_start <> window_end")


class ParticipantKind(enum.Enum):
    PERSON = "person"
    AUDIENCE = "audience"  # a region of the audience, weighted by the people it stands for


class PlanParticipant(Model):
    __tablename__ = "plan_participants"
    __table_args__ = (
        UniqueConstraint("event_id", "label", name="uq_plan_participants_event_label"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint(WINDOW_WITHIN_A_DAY, name="window_within_a_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ParticipantKind] = mapped_column(enum_column(ParticipantKind, "participant_kind"))
    label: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(200), default="")  # how it was found: "Portland, Oregon, US"
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    window_start: Mapped[int] = mapped_column(Integer, default=8 * 60)
    window_end: Mapped[int] = mapped_column(Integer, default=20 * 60)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
