"""The migrations build the schema the models describe, and undo it."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from forum import create_app
from forum.extensions import db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    else:
        yield request.getfixturevalue("pg_cluster").create_database("forum_migrations")


def test_upgrade_matches_models_and_downgrade_empties(empty_database):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"events", "slots", "speakers", "slot_speakers", "organisers", "api_tokens", "event_organisers",
                "outbox_messages", "registrations"} <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_database_enforces_constraints(empty_database):
    """Rules kept by the database itself, not only by Python."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        engine = create_engine(empty_database)
        insert = ("INSERT INTO events (uid, slug, title, description, timezone, start_utc, end_utc, venue, "
                  "livestream_url, join_url, capacity, status, sequence, created_at, updated_at) VALUES "
                  "(:uid, :slug, 't', '', 'UTC', :start, :end, '', '', '', :capacity, :status, 0, :start, :start)")
        good = {"uid": "u1", "slug": "a", "start": "2026-01-01 10:00:00", "end": "2026-01-01 11:00:00",
                "capacity": None, "status": "draft"}
        with engine.begin() as conn:
            conn.execute(text(insert), good)
        for bad in [{"uid": "u2", "slug": "a"}, {"uid": "u3", "slug": "b", "end": "2026-01-01 09:00:00"},
                    {"uid": "u4", "slug": "c", "capacity": 0}, {"uid": "u5", "slug": "d", "status": "archived"}]:
            with pytest.raises(IntegrityError):
                with engine.begin() as conn:
                    conn.execute(text(insert), {**good, **bad})
        engine.dispose()
        downgrade(revision="base")
        db.engine.dispose()
