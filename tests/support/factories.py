"""Events as the tests need them, built through the services (as organisers build them)."""
from __future__ import annotations

from datetime import datetime, timedelta

from forum.extensions import db
from forum.models import Invitation, InvitationStatus, Slot, SlotKind, Speaker
from forum.services import events
from forum.services.events import EventInput


def future_wall(hour: int, days_ahead: int = 180) -> datetime:
    """A wall-clock time half a year ahead: registrations need an event not yet over,
    and a fixed date would make these tests fail once it has passed."""
    day = datetime.now().date() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, 0)


def make_event(organiser, **overrides):
    """A draft event, 2026-05-06 16:00-18:00 Taipei, with a join link; `overrides` set EventInput fields."""
    data = EventInput(
        title="Smart City Forum", timezone="Asia/Taipei",
        start=datetime(2026, 5, 6, 16, 0), end=datetime(2026, 5, 6, 18, 0),
        join_url="https://meet.example.org/secret-room",
    )
    for name, value in overrides.items():
        setattr(data, name, value)
    return events.create_event(organiser, data)


def open_event_for(organiser, slug: str = "open", capacity: int | None = 1, **overrides):
    """A published event half a year ahead, 16:00-18:00 Taipei: registration is open."""
    event = make_event(organiser, slug=slug, capacity=capacity, start=future_wall(16), end=future_wall(18), **overrides)
    events.change_status(event, "publish")
    return event


def event_with_slots(organiser, n: int, slug: str, start=datetime(2026, 5, 6, 0, 0)):
    """A published event of n consecutive 10-minute slots, each with a confirmed speaker."""
    event = make_event(organiser, slug=slug, start=start, end=start + timedelta(minutes=10 * n + 10))
    first = event.start_utc
    for i in range(n):
        slot = Slot(event=event, title=f"Talk {i}", kind=SlotKind.TALK,
                    start_utc=first + timedelta(minutes=10 * i), end_utc=first + timedelta(minutes=10 * i + 10))
        speaker = Speaker(event=event, name=f"Speaker {i}", email=f"s{i}@{slug}.example.org",
                          timezone="Europe/Amsterdam", city="Utrecht")
        slot.invitations.append(Invitation(speaker=speaker, status=InvitationStatus.CONFIRMED))
        db.session.add(slot)
    db.session.commit()
    events.change_status(event, "publish")
    return event
