"""The release aggregate: a numbered, published state of an event's agenda.

Organisers edit slots freely; the public (pages, API, feeds) reads the
latest release's snapshot, and each release records what changed.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.types import UTCDateTime
from forum.timezones import now_utc

if TYPE_CHECKING:  # relationships name the other aggregates as strings
    from forum.models.event import Event


class Release(Model):
    __tablename__ = "releases"
    __table_args__ = (
        UniqueConstraint("event_id", "number", name="uq_releases_event_number"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id", ondelete="SET NULL"))
    snapshot_json: Mapped[str] = mapped_column(Text)  # the agenda as published, JSON
    changes_json: Mapped[str] = mapped_column(Text, default="[]")  # what changed since the previous release
    notified: Mapped[int] = mapped_column(Integer, default=0)  # messages queued for it

    event: Mapped[Event] = relationship()

    @property
    def snapshot(self) -> list[dict]:
        return json.loads(self.snapshot_json)

    @property
    def changes(self) -> list[dict]:
        return json.loads(self.changes_json)

