"""Column types shared by the aggregates, and the shape of their state machines."""
from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import DateTime, Enum, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware UTC in Python, naive UTC in the column, on SQLite and PostgreSQL alike.

    Refuses naive values so that a wall-clock time can never be stored by
    mistake: conversion happens in forum.timezones, before the model.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def enum_column(enum_class: type[enum.Enum], name: str) -> Enum:
    """A portable enum: VARCHAR plus a named CHECK constraint on every database."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
        length=max(len(m.value) for m in enum_class),
    )


S = TypeVar("S", bound=enum.Enum)
# A status enum's transition table: per state, the actions it allows and where
# each leads: a state; the states that rules beyond the state choose among
# (seats left, say); or None, when the state stays. Enforced by forum.services.states.
Transitions = dict[S, dict[str, S | tuple[S, ...] | None]]


def new_uid() -> str:
    """Opaque stable identifier for calendar UIDs and public ids: never sequential."""
    return str(uuid.uuid4())


def uid_column():
    return String(36)
