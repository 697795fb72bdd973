"""Backups of one event: everything that belongs to it as one JSON document,
and its restore into another database (an empty one after `flask db upgrade`).

The tables and the foreign keys that tie them to the event are listed here,
in `PARTS`; their columns are walked, so a new column travels without a
change to this module (and a new table or foreign key fails
tests/integration/test_backups.py until it is listed here or in
`NOT_EXPORTED`). Rows keep their source ids in the file; on import each row
gets a new id and every listed reference is rewritten, as are the slot ids a
release's snapshot names.

What a restore keeps, so that it works as the original did:
- link hashes (registrations, speakers, the organiser's feed): links already
  mailed keep working;
- held calendar entries: what people's calendars hold, so the next change
  reaches them with the next SEQUENCE and feeds stay the same bytes;
- the event's messages not yet sent (waiting, or failed and retryable with
  `flask outbox retry`): the replacement database delivers what the lost
  one would have. Sent and superseded messages are history and stay out;
- the event's organisers and the authors of its releases (e-mail, name,
  password hash...): an organiser already in the target database (same
  e-mail) is used as is, without a change.
API tokens are credentials and stay out: organisers issue new ones.

Values: instants as UTC ISO 8601 strings with microseconds, enums by value,
binary columns (speakers' photos, messages' bytes) in base64.
"""
from __future__ import annotations

import base64
import binascii
import enum
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, insert, inspect, or_, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.types import TypeDecorator

from forum import timezones
from forum.extensions import db
from forum.models import (
    Event,
    HeldEntry,
    Invitation,
    InvitationLogEntry,
    Organiser,
    OutboxMessage,
    OutboxStatus,
    PlanParticipant,
    Registration,
    RegistrationLink,
    RegistrationTally,
    Release,
    Slot,
    Speaker,
    SpeakerLink,
    event_organisers,
)
from forum.services.errors import Conflict, NotFound, ServiceError

FORMAT = "forum-event-export"
FORMAT_VERSION = 1
UNSENT = (OutboxStatus.WAITING, OutboxStatus.FAILED)
NOT_EXPORTED = {"api_tokens": "credentials; organisers issue new ones after a restore"}

RENAMED_TABLES = {"slot_speakers": "invitations", "speaker_log": "invitation_log"}  # in exports before 0014_names
RENAMED_COLUMNS = {"slot_speaker_id": "invitation_id"}  # in exports before 0014_names
# What later schemas added: a file written before has none of it, and restores with the defaults.
ADDED_TABLES = {"plan_participants"}  # 0015_plan_participants
ADDED_COLUMNS = {"speakers": {"window_start", "window_end"}}  # 0016_speaker_windows


class NotAnExport(ServiceError):
    """The file is not an export this version can restore; nothing was written."""


@dataclass(frozen=True)
class Part:
    """One table of the export: which of its rows belong to the event, and
    which of its columns refer to rows of other parts (by part name)."""

    table: Table
    belongs: Callable[[Event], ColumnElement[bool]]
    refs: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def has_id(self) -> bool:
        return "id" in self.table.c


def _ids_of(model, event_column: InstrumentedAttribute[int], event: Event):
    return select(model.id).where(event_column == event.id)


def _invitations(event: Event):
    return select(Invitation.id).join(Slot).where(Slot.event_id == event.id)


def _organisers(event: Event) -> ColumnElement[bool]:
    """The event's organisers, and whoever made one of its releases."""
    return or_(
        Organiser.id.in_(select(event_organisers.c.organiser_id).where(event_organisers.c.event_id == event.id)),
        Organiser.id.in_(select(Release.organiser_id).where(Release.event_id == event.id)),
    )


# In the order of insertion: every part after the parts it refers to.
PARTS = (
    Part(Organiser.__table__, _organisers),
    Part(Event.__table__, lambda event: Event.id == event.id),
    Part(event_organisers, lambda event: event_organisers.c.event_id == event.id,
         {"event_id": "events", "organiser_id": "organisers"}),
    Part(Slot.__table__, lambda event: Slot.event_id == event.id, {"event_id": "events"}),
    Part(Speaker.__table__, lambda event: Speaker.event_id == event.id, {"event_id": "events"}),
    Part(SpeakerLink.__table__, lambda event: SpeakerLink.speaker_id.in_(_ids_of(Speaker, Speaker.event_id, event)),
         {"speaker_id": "speakers"}),
    Part(Invitation.__table__, lambda event: Invitation.slot_id.in_(_ids_of(Slot, Slot.event_id, event)),
         {"slot_id": "slots", "speaker_id": "speakers"}),
    Part(InvitationLogEntry.__table__, lambda event: InvitationLogEntry.invitation_id.in_(_invitations(event)),
         {"invitation_id": "invitations"}),
    Part(Registration.__table__, lambda event: Registration.event_id == event.id, {"event_id": "events"}),
    Part(RegistrationLink.__table__,
         lambda event: RegistrationLink.registration_id.in_(_ids_of(Registration, Registration.event_id, event)),
         {"registration_id": "registrations"}),
    Part(Release.__table__, lambda event: Release.event_id == event.id,
         {"event_id": "events", "organiser_id": "organisers"}),
    Part(HeldEntry.__table__, lambda event: HeldEntry.event_id == event.id,
         {"event_id": "events", "registration_id": "registrations", "invitation_id": "invitations"}),
    Part(OutboxMessage.__table__,
         lambda event: (OutboxMessage.event_id == event.id) & OutboxMessage.status.in_(UNSENT),
         {"event_id": "events"}),
    Part(RegistrationTally.__table__, lambda event: RegistrationTally.event_id == event.id, {"event_id": "events"}),
    Part(PlanParticipant.__table__, lambda event: PlanParticipant.event_id == event.id, {"event_id": "events"}),
)


# Values ---------------------------------------------------------------------------

def _python_type(column: Column) -> type:
    """What the column holds in Python; a TypeDecorator (UTCDateTime) says it of its implementation."""
    kind = column.type
    return (kind.impl_instance if isinstance(kind, TypeDecorator) else kind).python_type


def _encode(column: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = _python_type(column)
    if kind is datetime:
        return timezones.to_utc(value).isoformat(timespec="microseconds")
    if kind is bytes:
        return base64.b64encode(value).decode("ascii")
    if issubclass(kind, enum.Enum):
        return value.value
    return value


def _decode(column: Column, value: Any) -> Any:
    """The column's Python value from the file's; ValueError says what is wrong."""
    if value is None:
        if not column.nullable:
            raise ValueError("must not be null")
        return None
    kind = _python_type(column)
    if kind is datetime:
        instant = datetime.fromisoformat(_of_type(value, str))
        if instant.utcoffset() != timedelta(0):
            raise ValueError(f"{value!r} is not a UTC instant")
        return instant
    if kind is bytes:
        return base64.b64decode(_of_type(value, str), validate=True)
    if issubclass(kind, enum.Enum):
        return kind(value)
    _of_type(value, kind)
    length = getattr(column.type, "length", None)
    if length is not None and len(value) > length:
        raise ValueError(f"is longer than {length} characters")
    return value


def _of_type(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"{value!r} is not of type {kind.__name__}")
    return value


def _columns(part: Part) -> list[Column]:
    return list(part.table.columns)


# Export ---------------------------------------------------------------------------

def event_for_export(slug: str) -> Event:
    """The event, at the start of a transaction that reads the whole export
    in one snapshot (REPEATABLE READ on PostgreSQL): a registration made
    meanwhile is in the file whole or not at all."""
    if db.engine.dialect.name == "postgresql":
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    event = db.session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound(f"No event “{slug}”.")
    return event


def _schema_revision() -> str | None:
    """The migration this database is at (Alembic's record), for the file and for messages."""
    connection = db.session.connection()
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def export_event(event: Event) -> dict:
    """The event and everything that belongs to it, as plain JSON data."""
    tables = {}
    for part in PARTS:
        columns = _columns(part)
        rows = db.session.execute(select(part.table).where(part.belongs(event)).order_by(*part.table.primary_key))
        tables[part.name] = [{c.name: _encode(c, value) for c, value in zip(columns, row, strict=True)} for row in rows]
    return {"format": FORMAT, "version": FORMAT_VERSION, "event": event.slug, "schema": _schema_revision(),
            "exported_at": timezones.utc_isoformat(timezones.now_utc()), "tables": tables}


# Import ---------------------------------------------------------------------------

def _current_names(tables: Any) -> Any:
    """The file's tables and columns under this schema's names (RENAMED_TABLES, RENAMED_COLUMNS)."""
    if not isinstance(tables, dict):
        return tables
    current = {RENAMED_TABLES.get(name, name): [
        {RENAMED_COLUMNS.get(column, column): value for column, value in row.items()} if isinstance(row, dict) else row
        for row in rows] if isinstance(rows, list) else rows for name, rows in tables.items()}
    if len(current) != len(tables):
        raise NotAnExport("This export names a table twice, under its old and its new name.")
    return current


def _checked_tables(data: Any) -> dict[str, list[dict]]:
    """The file's tables, each row with exactly the columns of this schema."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise NotAnExport(f"This is not an event export (no “format”: “{FORMAT}”).")
    if data.get("version") != FORMAT_VERSION:
        raise NotAnExport(f"This export has format version {data.get('version')!r}; "
                          f"this version of the forum reads version {FORMAT_VERSION}.")
    tables = _current_names(data.get("tables"))
    if isinstance(tables, dict):
        tables = {name: [] for name in ADDED_TABLES} | tables
    if not isinstance(tables, dict) or set(tables) != {part.name for part in PARTS}:
        raise NotAnExport(f"An export has the tables {', '.join(part.name for part in PARTS)}.")
    for part in PARTS:
        expected = {column.name for column in _columns(part)}
        rows = tables[part.name]
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise NotAnExport(f"“{part.name}” must be a list of rows.")
        for number, row in enumerate(rows, 1):
            if set(row) != expected and not (expected - set(row) <= ADDED_COLUMNS.get(part.name, set()) <= expected
                                             and set(row) <= expected):
                missing, unknown = sorted(expected - set(row)), sorted(set(row) - expected)
                raise NotAnExport(f"{part.name} row {number}: missing {missing or 'nothing'}, "
                                  f"unknown {unknown or 'nothing'} (the file was written at schema "
                                  f"{data.get('schema')}, this database is at {_schema_revision()}).")
    if len(tables["events"]) != 1:
        raise NotAnExport("An export holds exactly one event.")
    return tables


def _decoded(part: Part, number: int, row: dict) -> dict:
    values = {}
    for column in _columns(part):
        if column.name not in row:  # ADDED_COLUMNS: the column's default
            continue
        try:
            values[column.name] = _decode(column, row[column.name])
        except (ValueError, TypeError, binascii.Error) as error:
            raise NotAnExport(f"{part.name} row {number}, {column.name}: {error}.") from None
    return values


class _Ids:
    """Source id -> new id, per part; a release's snapshot may name a slot
    deleted since, which gets an id no row has (negative), the same each time."""

    def __init__(self):
        self.new: dict[str, dict[int, int]] = {part.name: {} for part in PARTS}
        self.gone_slots: dict[int, int] = {}

    def ref(self, part: Part, number: int, column: str, old: int | None) -> int | None:
        if old is None:
            return None
        try:
            return self.new[part.refs[column]][old]
        except KeyError:
            raise NotAnExport(f"{part.name} row {number}, {column}: "
                              f"{part.refs[column]} {old} is not in the file.") from None

    def snapshot(self, text: str) -> str:
        slots = json.loads(text)
        for slot in slots:
            old = slot["id"]
            if old in self.new["slots"]:
                slot["id"] = self.new["slots"][old]
            else:
                slot["id"] = self.gone_slots.setdefault(old, -len(self.gone_slots) - 1)
        return json.dumps(slots, ensure_ascii=False)


def _insert(part: Part, number: int, values: dict, ids: _Ids) -> None:
    old_id = values.pop("id", None)
    if old_id in ids.new[part.name]:
        raise NotAnExport(f"{part.name} row {number}: id {old_id} is in the file twice.")
    for column in part.refs:
        values[column] = ids.ref(part, number, column, values[column])
    if part.table is Release.__table__:
        try:
            values["snapshot_json"] = ids.snapshot(values["snapshot_json"])
        except (ValueError, TypeError, KeyError) as error:
            raise NotAnExport(f"releases row {number}, snapshot_json: not a snapshot ({error}).") from None
    if part.table is Organiser.__table__:
        existing = db.session.scalar(select(Organiser.id).where(Organiser.email == values["email"]))
        if existing is not None:
            ids.new[part.name][old_id] = existing
            return
    result = db.session.execute(insert(part.table).values(**values))
    if part.has_id:
        ids.new[part.name][old_id] = result.inserted_primary_key[0]  # type: ignore[attr-defined]  # an INSERT's CursorResult


def _restore(data: Any) -> Event:
    tables = _checked_tables(data)
    rows = [(part, number, _decoded(part, number, row))
            for part in PARTS for number, row in enumerate(tables[part.name], 1)]
    slug = next(values["slug"] for part, _, values in rows if part.name == "events")
    if db.session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
        raise Conflict(f"An event “{slug}” exists already; nothing was imported.")
    ids = _Ids()
    for part, number, values in rows:
        _insert(part, number, values, ids)
    return db.session.get_one(Event, ids.new["events"][tables["events"][0]["id"]])


def import_event(data: Any) -> Event:
    """Restore an export in one transaction: all of it, or (refused with a
    message) nothing at all."""
    try:
        event = _restore(data)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise Conflict(f"The export clashes with this database or breaks one of its rules; nothing was imported "
                       f"({error.orig}).") from None
    except StatementError as error:
        db.session.rollback()
        raise NotAnExport(f"The export holds a value this database refuses; nothing was imported "
                          f"({error.orig}).") from None
    except Exception:
        db.session.rollback()
        raise
    return event
