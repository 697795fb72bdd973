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
        assert {"events", "slots", "speakers", "invitations", "organisers", "api_tokens", "event_organisers",
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
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(text(insert), {**good, **bad})
        engine.dispose()
        downgrade(revision="base")
        db.engine.dispose()


def test_events_published_before_releases_get_release_one(empty_database):
    """Their public agenda stays what it was, and the first "Publish changes"
    compares with it rather than announcing every slot as new."""
    from flask_migrate import upgrade as migrate_to
    from sqlalchemy import text

    from forum import timezones
    from forum.models import Event
    from forum.services import releases

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        migrate_to(revision="0006_feed_stamps")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO events (uid, slug, title, description, timezone, start_utc, end_utc, venue, "
                "livestream_url, join_url, status, sequence, created_at, updated_at, approval_required, "
                "published_at) VALUES ('e1', 'old', 'Old forum', '', 'Asia/Taipei', '2030-01-01 08:00:00', "
                "'2030-01-01 10:00:00', '', '', '', 'published', 0, '2029-01-01 00:00:00', "
                "'2029-01-01 00:00:00', false, '2029-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO slots (uid, event_id, title, kind, start_utc, end_utc, track, description, "
                "speakers_text, position, sequence) VALUES ('s1', 1, '智慧 opening', 'opening', "
                "'2030-01-01 08:00:00', '2030-01-01 08:30:00', '', '', '', 0, 0)"))
        migrate_to()
        event = Event.query.one()
        assert [r.number for r in releases.history(event)] == [1]
        assert releases.pending_changes(event) == []
        (slot,) = releases.public_agenda(event)
        assert (slot.title, timezones.utc_isoformat(slot.start_utc)) == ("智慧 opening", "2030-01-01T08:00:00Z")
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


def test_calendars_already_sent_are_carried_into_held_entries(empty_database):
    """An upgraded forum keeps telling people about what they hold: a confirmed
    seat and a speaker's slot at the SEQUENCE the old formulas gave them, a
    CANCEL that waited for the next release, and speaker links a newer e-mail
    had ended work again."""
    from flask_migrate import upgrade as migrate_to
    from sqlalchemy import text

    from forum.models import Event, HeldEntry, SpeakerLink
    from forum.services import calendar_sync

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database, "MAIL_DIR": "/nonexistent"})
    with app.app_context():
        migrate_to(revision="0007_releases")
        with db.engine.begin() as conn:
            for statement in (
                ("INSERT INTO events (uid, slug, title, description, timezone, start_utc, end_utc, venue, "
                "livestream_url, join_url, status, sequence, created_at, updated_at, approval_required, "
                "published_at) VALUES ('e1', 'old', 'Old forum', '', 'Asia/Taipei', '2030-01-01 08:00:00', "
                "'2030-01-01 10:00:00', '', '', 'https://meet.example.org/room', 'published', 2, "
                "'2029-01-01 00:00:00', '2029-01-01 00:00:00', false, '2029-01-01 00:00:00')"),
                ("INSERT INTO slots (uid, event_id, title, kind, start_utc, end_utc, track, description, "
                "speakers_text, position, sequence) VALUES ('s1', 1, 'Talk', 'talk', '2030-01-01 08:00:00', "
                "'2030-01-01 08:30:00', '', '', '', 0, 1)"),
                ("INSERT INTO speakers (event_id, name, email, organisation, role_title, city, timezone, bio) "
                "VALUES (1, 'Sita', 'sita@example.org', '', '', '', 'Asia/Kathmandu', '')"),
                ("INSERT INTO slot_speakers (slot_id, speaker_id, role, status, position, uid, sequence, "
                "decline_reason, proposal_note, reminders_sent, in_calendar) VALUES (1, 1, 'speaker', "
                "'confirmed', 0, 'p1', 1, '', '', 0, true)"),
                ("INSERT INTO registrations (uid, event_id, name, email, organisation, city, country, timezone, "
                "language, consent, status, sequence, created_at) VALUES ('r1', 1, 'Ada', 'ada@example.org', "
                "'', '', '', 'UTC', 'en', false, 'confirmed', 0, '2029-02-01 00:00:00')"),
                ("INSERT INTO pending_cancellations (event_id, slot_uid, invitation_uid, sequence, name, email, "
                "title, start_utc, end_utc, created_at) VALUES (1, 's0', 'p0', 5, 'Wim', 'wim@example.org', "
                "'Deleted talk', '2030-01-01 09:00:00', '2030-01-01 09:30:00', '2029-03-01 00:00:00')"),
                ("INSERT INTO speaker_links (speaker_id, token_hash, created_at, ended_at, end_reason) VALUES "
                "(1, 'h1', '2029-01-01 00:00:00', '2029-01-02 00:00:00', 'replaced'), "
                "(1, 'h2', '2029-01-01 00:00:00', '2029-01-03 00:00:00', 'revoked')"),
            ):
                conn.execute(text(statement))
        migrate_to()
        held = {h.uid: h for h in HeldEntry.query.all()}
        assert {uid: (h.kind, h.sequence, h.cancelled) for uid, h in held.items()} == {
            "r1": ("seat", 2, False), "p1": ("part", 4, False), "p0": ("part", 4, False)}
        assert held["p1"].summary == "Talk · Old forum" and held["p1"].join_url == "https://meet.example.org/room"
        assert {link.token_hash: link.ended_at is None for link in SpeakerLink.query.all()} == {"h1": True, "h2": False}
        assert calendar_sync.sync_parts(Event.query.one()) == 1  # the waiting CANCEL goes out now
        assert (held["p0"].sequence, held["p0"].cancelled) == (5, True)
        db.session.rollback()
        db.session.remove()
        downgrade(revision="0007_releases")  # with the data in place
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT in_calendar, sequence FROM slot_speakers")).one() == (True, 4)
            for table in ("speaker_links", "registrations", "slot_speakers", "speakers", "slots", "releases",
                          "pending_cancellations", "events"):
                conn.execute(text(f"DELETE FROM {table}"))
        downgrade(revision="base")
        db.engine.dispose()


def test_invitations_keep_their_rows_through_the_renames(empty_database):
    """0014_names renames slot_speakers and speaker_log, and the columns that
    point at them, with every constraint and index: the rows and the links
    between them stay, up and down."""
    import re

    from alembic.script import ScriptDirectory
    from flask_migrate import upgrade as migrate_to
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        before = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_revision(
            "0014_names").down_revision
        migrate_to(revision=before)
        with db.engine.begin() as conn:
            for statement in (
                ("INSERT INTO events (uid, slug, title, description, timezone, start_utc, end_utc, venue, "
                "livestream_url, join_url, status, sequence, created_at, updated_at, approval_required) VALUES "
                "('e1', 'old', 'Old forum', '', 'UTC', '2030-01-01 08:00:00', '2030-01-01 10:00:00', '', '', '', "
                "'published', 0, '2029-01-01 00:00:00', '2029-01-01 00:00:00', false)"),
                ("INSERT INTO slots (uid, event_id, title, kind, start_utc, end_utc, track, description, "
                "speakers_text, position, sequence) VALUES ('s1', 1, 'Talk', 'talk', '2030-01-01 08:00:00', "
                "'2030-01-01 08:30:00', '', '', '', 0, 0)"),
                ("INSERT INTO speakers (event_id, name, email, organisation, role_title, city, timezone, bio) "
                "VALUES (1, 'Sita', 'sita@example.org', '', '', '', 'Asia/Kathmandu', ''), "
                "(1, 'Wim', 'wim@example.org', '', '', '', 'Australia/Darwin', '')"),
                ("INSERT INTO slot_speakers (id, slot_id, speaker_id, role, status, position, uid, decline_reason, "
                "proposal_note, reminders_sent) VALUES (7, 1, 1, 'speaker', 'confirmed', 0, 'p1', '', '', 0)"),
                ("INSERT INTO speaker_log (slot_speaker_id, action, detail, at) VALUES "
                "(7, 'confirmed', '', '2029-01-02 00:00:00')"),
                ("INSERT INTO held_entries (uid, kind, event_id, slot_speaker_id, email, name, sequence, cancelled, "
                "summary, start_utc, end_utc, location, join_url, role, zone, sent_at) VALUES ('p1', 'part', 1, 7, "
                "'sita@example.org', 'Sita', 2, false, 'Talk', '2030-01-01 08:00:00', '2030-01-01 08:30:00', '', "
                "'', 'speaker', 'UTC', '2029-01-02 00:00:00')"),
            ):
                conn.execute(text(statement))
        migrate_to()
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT id, uid, status FROM invitations")).all() == [(7, "p1", "confirmed")]
            assert conn.execute(text("SELECT invitation_id, action FROM invitation_log")).all() == [(7, "confirmed")]
            assert conn.execute(text("SELECT invitation_id, sequence FROM held_entries")).all() == [(7, 2)]
            conn.execute(text("INSERT INTO invitations (slot_id, speaker_id, role, status, position, uid, "
                              "decline_reason, proposal_note, reminders_sent) VALUES (1, 2, 'host', 'invited', 1, "
                              "'p2', '', '', 0)"))  # the renamed sequence still gives ids
        schema = inspect(db.engine)
        names = {table: {c["name"] for c in [*schema.get_indexes(table), *schema.get_unique_constraints(table),
                                             *schema.get_foreign_keys(table), *schema.get_check_constraints(table),
                                             schema.get_pk_constraint(table)]}
                 for table in ("invitations", "invitation_log", "held_entries")}
        assert not [n for found in names.values() for n in found if re.search(r"slot_speakers|slot_speaker_id|speaker_log", n)]
        assert {"pk_invitations", "uq_invitations_slot_speaker", "ix_invitations_slot_id",
                "ck_invitations_invitation_status"} <= names["invitations"]
        assert {"fk_invitation_log_invitation_id_invitations", "ix_invitation_log_invitation_id"} <= names[
            "invitation_log"]
        assert {"fk_held_entries_invitation_id_invitations", "ck_held_entries_parts_held_by_speakers"} <= names[
            "held_entries"]
        with pytest.raises(IntegrityError), db.engine.begin() as conn:  # the CHECK follows its column
            conn.execute(text("UPDATE held_entries SET kind = 'seat'"))
        db.engine.dispose()
        downgrade(revision=before)
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT id FROM slot_speakers WHERE uid = 'p1'")).scalar() == 7
            assert conn.execute(text("SELECT slot_speaker_id FROM speaker_log")).all() == [(7,)]
            assert conn.execute(text("SELECT slot_speaker_id FROM held_entries")).all() == [(7,)]
            for table in ("held_entries", "speaker_log", "slot_speakers", "speakers", "slots", "events"):
                conn.execute(text(f"DELETE FROM {table}"))
        downgrade(revision="base")
        db.engine.dispose()


def _old_event(conn) -> None:
    """Event 1, as the schema of 0014 and 0015 had it."""
    from sqlalchemy import text

    conn.execute(text(
        "INSERT INTO events (uid, slug, title, description, timezone, start_utc, end_utc, venue, "
        "livestream_url, join_url, status, sequence, created_at, updated_at, approval_required) VALUES "
        "('e1', 'old', 'Old forum', '', 'UTC', '2030-01-01 08:00:00', '2030-01-01 10:00:00', '', '', '', "
        "'draft', 0, '2029-01-01 00:00:00', '2029-01-01 00:00:00', false)"))


def test_plan_participants_keep_their_rules_in_the_database(empty_database):
    """0015_plan_participants: a weight above 0, one label per event, a window
    within a day that ends other than it starts, and the rows go with their
    event; down, the table goes and the rest stays."""
    from alembic.script import ScriptDirectory
    from flask_migrate import upgrade as migrate_to
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        before = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_revision(
            "0015_plan_participants").down_revision
        migrate_to(revision="0015_plan_participants")
        engine = create_engine(empty_database)
        if engine.dialect.name == "sqlite":  # SQLite enforces foreign keys when asked, per connection
            from sqlalchemy import event as sa_event
            sa_event.listen(engine, "connect", lambda connection, _: connection.execute("PRAGMA foreign_keys=ON"))
        insert = ("INSERT INTO plan_participants (event_id, kind, label, timezone, place, weight, window_start, "
                  "window_end, created_at) VALUES (1, :kind, :label, 'Asia/Taipei', '', :weight, :start, :end, "
                  "'2029-01-01 00:00:00')")
        good = {"kind": "audience", "label": "Taipei", "weight": 40, "start": 480, "end": 1200}
        with engine.begin() as conn:
            _old_event(conn)
            conn.execute(text(insert), good)
            conn.execute(text(insert), {**good, "label": "Night owl", "start": 1320, "end": 360})  # across midnight
        for bad in [{"label": "Taipei"}, {"label": "b", "weight": 0}, {"label": "c", "weight": -1},
                    {"label": "d", "start": 600, "end": 600}, {"label": "e", "end": 1440},
                    {"label": "f", "kind": "robot"}]:
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(text(insert), {**good, **bad})
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM events"))
            assert conn.execute(text("SELECT count(*) FROM plan_participants")).scalar() == 0
        engine.dispose()
        downgrade(revision=before)
        assert "plan_participants" not in inspect(db.engine).get_table_names()
        assert "events" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        db.engine.dispose()


def test_speakers_already_there_get_the_default_window(empty_database):
    """0016_speaker_windows: speakers added before it get 08:00-20:00, the
    database refuses a window that is not within a day or ends as it starts;
    down, the columns go and the speakers stay."""
    from flask_migrate import upgrade as migrate_to
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        migrate_to(revision="0015_plan_participants")
        engine = create_engine(empty_database)
        with engine.begin() as conn:
            _old_event(conn)
            conn.execute(text("INSERT INTO speakers (event_id, name, email, organisation, role_title, city, timezone, "
                              "bio) VALUES (1, 'Wim', 'wim@example.org', '', '', 'Utrecht', 'Europe/Amsterdam', '')"))
        engine.dispose()
        migrate_to(revision="0016_speaker_windows")
        engine = create_engine(empty_database)
        with engine.begin() as conn:
            assert conn.execute(text("SELECT window_start, window_end FROM speakers")).one() == (480, 1200)
            conn.execute(text("UPDATE speakers SET window_start = 1320, window_end = 360"))  # across midnight
        for start, end in [(600, 600), (480, 1440), (-1, 1200)]:
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(text("UPDATE speakers SET window_start = :s, window_end = :e"), {"s": start, "e": end})
        engine.dispose()
        downgrade(revision="0015_plan_participants")
        columns = {c["name"] for c in inspect(db.engine).get_columns("speakers")}
        assert "window_start" not in columns and "name" in columns
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM speakers")).scalar_one() == "Wim"
        downgrade(revision="base")
        db.engine.dispose()
