"""Locks that serialise use cases: the one home of row locking, so every
service takes the same lock for the same rule."""
from __future__ import annotations

from sqlalchemy import select, text

from forum.extensions import db
from forum.models import Event


def lock_event(event: Event) -> None:
    """Serialise seat-taking per event for the rest of the transaction.

    PostgreSQL locks the event's row; SQLite has no row locks, so a no-op
    write takes its database-wide write lock before seats are counted.
    """
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("UPDATE events SET id = id WHERE id = :id"), {"id": event.id})
    else:
        db.session.execute(select(Event.id).where(Event.id == event.id).with_for_update())
