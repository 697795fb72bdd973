"""The tally aggregate: anonymous counts of registrations whose rows are gone.

When personal data is erased (an attendee's wish, an organiser's erasure,
the retention purge), the rows go but the organisers keep their numbers:
per status, and where the people coming were (country, zone), exactly as
the registrations page counts them. Nothing here names anyone.
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model

DIMENSIONS = ("status", "country", "timezone")


class RegistrationTally(Model):
    __tablename__ = "registration_tallies"
    __table_args__ = (
        UniqueConstraint("event_id", "dimension", "value", name="uq_registration_tallies_event_dimension_value"),
        CheckConstraint("dimension IN ('status', 'country', 'timezone')", name="dimension_known"),
        CheckConstraint("count > 0", name="count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    dimension: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(100))  # a status, a country or a zone, as the counts label it
    count: Mapped[int] = mapped_column(Integer)
