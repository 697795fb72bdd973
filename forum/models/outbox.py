"""The outbox aggregate: e-mail written in the same transaction as its cause."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import false

from forum.extensions import Model
from forum.models.types import UTCDateTime, enum_column
from forum.timezones import now_utc


class OutboxStatus(enum.Enum):
    WAITING = "waiting"  # due now or retried later: see next_attempt_at
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS; an organiser may retry
    SUPERSEDED = "superseded"  # a newer calendar message for the same UID replaced it unsent


class OutboxMessage(Model):
    """One e-mail, kept whole as the bytes the mail server will receive.

    `message_id` is the Message-ID header inside those bytes, the same on
    every attempt: whoever receives the message twice (see forum.mail on why
    that can happen) can tell it is one message. `sending_since` is set
    while an attempt is under way; found set by the next worker, it tells
    that an attempt was interrupted and may or may not have reached the server.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("(calendar_uid IS NULL) = (calendar_sequence IS NULL)", name="calendar_uid_with_sequence"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        UniqueConstraint("message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    message: Mapped[bytes] = mapped_column(LargeBinary)
    message_id: Mapped[str] = mapped_column(String(250))
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.WAITING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sending_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A calendar message: its UID and SEQUENCE, so that a person's messages for
    # one UID leave in order and an older one is never sent after a newer one.
    calendar_uid: Mapped[str | None] = mapped_column(String(36), index=True)
    calendar_sequence: Mapped[int | None] = mapped_column(Integer)
    # The recipient's personal data was erased while this message was owed to
    # them (the CANCEL of their seat): once it is sent, its content goes too.
    erase_after_sending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
