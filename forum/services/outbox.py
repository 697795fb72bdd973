"""Outbox administration: what organisers (and `flask outbox`) see of the
e-mail queue, and giving failed messages another series of attempts. The
queue itself, and sending, live in forum.mail."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from forum import timezones
from forum.extensions import db
from forum.models import OutboxMessage, OutboxStatus


def retry_failed(event_id: int | None = None) -> int:
    """Give messages that ran out of attempts a fresh series of attempts."""
    query = select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if event_id is not None:
        query = query.where(OutboxMessage.event_id == event_id)
    rows = db.session.scalars(query).all()
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = OutboxStatus.WAITING, 0, timezones.now_utc()
    db.session.commit()
    return len(rows)


def counts(event_id: int | None = None) -> dict[str, int]:
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if event_id is not None:
        query = query.where(OutboxMessage.event_id == event_id)
    found = {status.value: count for status, count in db.session.execute(query)}
    return {status.value: found.get(status.value, 0) for status in OutboxStatus}


def messages(event_id: int, status: str = "", limit: int = 500) -> Sequence[OutboxMessage]:
    """An event's messages, newest first, without their bodies' bytes."""
    query = select(OutboxMessage).options(defer(OutboxMessage.message)).where(OutboxMessage.event_id == event_id)
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    return db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)).all()
