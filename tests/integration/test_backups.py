"""Backups: `flask export EVENT` and `flask import FILE` into an empty
database lose nothing (a second export is the first but for ids), links
already mailed keep working with the same feed bytes, and a file that cannot
be restored is refused with a message, exit code 1 and nothing written."""
from __future__ import annotations

import io
import json

import icalendar
import pytest
from flask_migrate import upgrade
from PIL import Image
from sqlalchemy import func, select

from forum import create_app
from forum.extensions import db
from forum.models import Event, HeldEntry
from forum.services import (
    accounts,
    agenda,
    backups,
    demo,
    events,
    feeds,
    plans,
    privacy,
    registrations,
    releases,
    speakers,
)
from forum.services.plans import ParticipantFields
from tests.support.app import IsolatedClient, app_config
from tests.support.mail import mailed_link

SLUG = demo.fixture()["event"]["slug"] + demo.UPCOMING_SUFFIX
PEOPLE = (("ams@example.org", "Europe/Amsterdam"), ("ny@example.org", "America/New_York"),
          ("leaves@example.org", "Asia/Seoul"), ("erased@example.org", "Asia/Taipei"))


def _migrated(url: str):
    target = create_app(app_config(url))
    target.test_client_class = IsolatedClient
    with target.app_context():
        upgrade()
    return target


def _empty_url(backend: str, request, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'restore.sqlite3'}"
    return request.getfixturevalue("pg_cluster").create_database("forum_restore")


@pytest.fixture
def empty(app, request, tmp_path):
    """Another database of the app's backend after `flask db upgrade`: where a restore goes."""
    target = _migrated(_empty_url(app.backend, request, tmp_path))
    yield target
    with target.app_context():
        db.engine.dispose()


def _flask(app, *args: str):
    """A flask command as the shell runs it: in its own app context and database session."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _rows(app) -> dict[str, int]:
    with app.app_context():
        return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (20, 90, 160)).save(out, "PNG")
    return out.getvalue()


def _rich_event(client, co_organiser) -> dict:
    """The upcoming demo, lived in: a co-organiser with a feed link, four
    registrants (one cancelled, one erased), a speaker with a photo who confirmed, a
    renamed slot released to everyone, then a slot deleted (still in the
    released agenda), and a participant of the planner beside the speakers, one with a window of their own.
    Returns the secret links mailed, as their owners hold them."""
    demo.load_demo(upcoming=True)
    event = db.session.scalar(select(Event).where(Event.slug == SLUG))
    events.add_organiser(event, co_organiser.email)
    for email, zone in PEOPLE:
        response = client.post(f"/api/v1/events/{SLUG}/registrations",
                               json={"name": email.split("@")[0], "email": email, "timezone": zone})
        assert response.status_code == 202, response.data
    registrations.cancel(registrations.by_token(mailed_link(PEOPLE[2][0])))
    privacy.erase_registration(registrations.by_token(mailed_link(PEOPLE[3][0])), by_organiser=True)  # a tally
    speaker = next(s for s in event.speakers if s.name == demo.STILL_INVITED)
    speakers.update_profile(speaker, speakers.as_input(speaker), photo=_photo())
    speakers.send_invitation(speaker)
    speakers.confirm(speaker, speaker.invitations[0].id)
    opening = event.slots[0]
    data = agenda.as_input(opening)
    data.title = "Opening, with the mayor"
    agenda.update_slot(opening, data)
    releases.publish_changes(event, co_organiser, "The mayor opens")
    agenda.delete_slot(event.slots[-1])
    plans.add_participant(event, ParticipantFields(kind="audience", country="NZ", country_zone="Pacific/Chatham",
                                                   weight="12.5", window="22:00-06:00"))
    plans.set_speaker_window(speaker, "06:30-14:45")
    return {"attendee": mailed_link(PEOPLE[0][0]), "speaker": mailed_link(speaker.email, "speakers"),
            "organiser_feed": feeds.new_organiser_feed_link(co_organiser)}


def _pages(app, links: dict) -> dict[str, bytes]:
    """What the people of the event get from the links they hold."""
    client = app.test_client()
    paths = {"event feed": f"/events/{SLUG}/calendar.ics",
             "attendee feed": f"/registrations/{links['attendee']}/calendar.ics",
             "attendee download": f"/registrations/{links['attendee']}/event.ics",
             "speaker photo": f"/speakers/{links['speaker']}/photo.jpg",
             "organiser feed": f"/organisers/{links['organiser_feed']}/calendar.ics"}
    answers = {name: client.get(path) for name, path in paths.items()}
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(paths, 200)
    return {name: r.data for name, r in answers.items()}


def _normalised(document: dict) -> dict:
    """The export with each id replaced by its row's place in its table, and
    every reference (foreign keys, as the schema declares them, and the slot
    ids of releases' snapshots) likewise: two restores of one event compare equal."""
    tables = document["tables"]
    places = {name: {row["id"]: place for place, row in enumerate(rows)}
              for name, rows in tables.items() if "id" in db.metadata.tables[name].c}
    out = {}
    for name, rows in tables.items():
        table = db.metadata.tables[name]
        refs = {c.name: next(iter(c.foreign_keys)).column.table.name for c in table.c if c.foreign_keys}
        out[name] = []
        for row in rows:
            row = {**row, **{column: places[target].get(row[column]) for column, target in refs.items()}}
            if "id" in row:
                row["id"] = places[name][row["id"]]
            if name == "releases":
                row["snapshot_json"] = [{**slot, "id": places["slots"].get(slot["id"], "gone")}
                                        for slot in json.loads(row["snapshot_json"])]
            out[name].append(row)
    return {**document, "exported_at": None, "tables": out}


def _sequences(feed: bytes) -> dict[str, int]:
    return {str(v["UID"]): int(v["SEQUENCE"]) for v in icalendar.Calendar.from_ical(feed).walk("VEVENT")}


def _round_trip(source, target, tmp_path, links: dict) -> None:
    before, agenda_before = _pages(source, links), _agenda(source)
    exported = _flask(source, "export", SLUG)
    assert exported.exit_code == 0, exported.output
    first = json.loads(exported.stdout)
    assert all(first["tables"][part.name] for part in backups.PARTS), "the event fills every table"
    path = tmp_path / "event.json"
    path.write_text(exported.stdout, encoding="utf-8")

    restored = _flask(target, "import", str(path))
    assert restored.exit_code == 0, restored.output
    assert f"Event “{SLUG}” imported" in restored.output
    again = _flask(target, "export", SLUG, "--output", str(tmp_path / "again.json"))
    assert again.exit_code == 0, again.output
    assert _normalised(json.loads((tmp_path / "again.json").read_text("utf-8"))) == _normalised(first)
    with target.app_context():
        assert db.session.scalar(select(func.count()).select_from(HeldEntry)) == len(first["tables"]["held_entries"])

    after = _pages(target, links)
    assert after == before
    assert _agenda(target) == agenda_before and len(agenda_before["slots"]) == 8
    sequences = _sequences(after["attendee feed"])
    assert max(sequences.values()) >= 1 and sequences == _sequences(before["attendee feed"])
    page = target.test_client().get(f"/registrations/{links['attendee']}/").get_data(as_text=True)
    assert "Confirmed" in page and demo.fixture()["event"]["join_url"] in page
    speaker_page = target.test_client().get(f"/speakers/{links['speaker']}/").get_data(as_text=True)
    assert "<strong>Confirmed</strong> on" in speaker_page


def _without_ids(value):
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key != "id"}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _agenda(app) -> dict:
    """The public agenda as the API gives it: released slots (one deleted since) with their live speakers."""
    return _without_ids(app.test_client().get(f"/api/v1/events/{SLUG}?tz=Europe/Amsterdam").get_json())


def test_round_trip_into_an_empty_database_loses_nothing(app, client, organiser, empty, tmp_path):
    links = _rich_event(client, organiser)
    _round_trip(app, empty, tmp_path, links)
    with empty.app_context():
        assert accounts.authenticate(demo.DEMO_EMAIL, demo.DEMO_PASSWORD).email == demo.DEMO_EMAIL


def test_from_sqlite_into_postgresql(pg_cluster, tmp_path):
    source = _migrated(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    target = _migrated(pg_cluster.create_database("forum_cross"))
    try:
        with source.app_context():
            links = _rich_event(source.test_client(), accounts.create_organiser("ada@example.org", "correct horse"))
            _round_trip(source, target, tmp_path, links)
    finally:
        for one in (source, target):
            with one.app_context():
                db.engine.dispose()


def _export(app, tmp_path) -> dict:
    result = _flask(app, "export", SLUG, "--output", str(tmp_path / "event.json"))
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "event.json").read_text("utf-8"))


def _refused(app, tmp_path, content: str | bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = _rows(app)
    result = _flask(app, "import", str(path))
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert _rows(app) == before


def test_bad_files_are_refused_with_a_message_and_nothing_written(app, client, organiser, empty, tmp_path):
    _rich_event(client, organiser)
    document = _export(app, tmp_path)
    _refused(app, tmp_path, json.dumps(document), f"An event “{SLUG}” exists already; nothing was imported.")
    _refused(empty, tmp_path, "slug,title\nforum,Forum\n", "is not JSON")
    _refused(empty, tmp_path, b"\xff\xfe\x00garbage", "is not JSON")
    _refused(empty, tmp_path, json.dumps({**document, "version": 99}), "format version 99")
    _refused(empty, tmp_path, json.dumps([document]), "not an event export")
    twice = document["tables"]["registrations"]
    doubled = {**document, "tables": {**document["tables"], "registrations": twice + twice}}
    _refused(empty, tmp_path, json.dumps(doubled),
             f"registrations row {len(twice) + 1}: id {twice[0]['id']} is in the file twice")
    del document["tables"]["slots"][1]["title"]
    _refused(empty, tmp_path, json.dumps(document), "slots row 2: missing ['title']")


def test_a_file_that_fails_late_leaves_nothing_not_even_the_organiser(app, client, organiser, empty, tmp_path):
    """The last table breaks a rule only the database checks: the rows
    inserted before it, organisers first, go with the rollback."""
    _rich_event(client, organiser)
    document = _export(app, tmp_path)
    document["tables"]["outbox_messages"][-1]["attempts"] = -1
    _refused(empty, tmp_path, json.dumps(document), "nothing was imported")
    assert set(_rows(empty).values()) == {0}
    document["tables"]["outbox_messages"][-1]["attempts"] = 0
    document["tables"]["slots"][0]["start_utc"] = "2026-05-06T16:00:00+08:00"
    _refused(empty, tmp_path, json.dumps(document), "slots row 1, start_utc: '2026-05-06T16:00:00+08:00' is not a UTC")


def test_an_unknown_event_is_a_message(app):
    result = _flask(app, "export", "no-such-event")
    assert result.exit_code == 1 and "No event “no-such-event”" in result.output


def test_every_table_and_foreign_key_is_decided():
    """A new table must be exported or named as left out, and each foreign
    key of an exported table remapped: otherwise a restore would point at
    the source database's ids."""
    parts = {part.name: part for part in backups.PARTS}
    assert set(db.metadata.tables) == set(parts) | set(backups.NOT_EXPORTED)
    for name, part in parts.items():
        keys = {c.name: next(iter(c.foreign_keys)).column.table.name for c in part.table.c if c.foreign_keys}
        assert part.refs == keys, name
        order = [p.name for p in backups.PARTS]
        assert all(order.index(target) < order.index(name) for target in keys.values()), name


def test_outbox_rows_exported_are_the_unsent_ones(app, client, organiser, smtp_server):
    """Sent mail is history (and went out once); what is still waiting goes with the event."""
    from forum import mail

    _rich_event(client, organiser)
    mail.deliver_due()
    client.post(f"/api/v1/events/{SLUG}/registrations", json={"name": "Late", "email": "late@example.org",
                                                             "timezone": "UTC"})
    document = backups.export_event(db.session.scalar(select(Event).where(Event.slug == SLUG)))
    assert [(row["recipient"], row["status"]) for row in document["tables"]["outbox_messages"]] == [
        ("late@example.org", "waiting")]


def test_an_export_written_before_the_renames_restores(app, client, organiser, empty, tmp_path):
    """Until migration 0014_names an export called the invitations' tables
    and the columns that point at them by other names: such a file restores
    as one written today."""
    old = {"invitations": "slot_speakers", "invitation_log": "speaker_log", "invitation_id": "slot_speaker_id"}  # 0014_names
    _rich_event(client, organiser)
    document = _export(app, tmp_path)
    assert document["tables"]["invitation_log"] and any(r["invitation_id"] for r in document["tables"]["held_entries"])
    written_before = {**document, "tables": {
        old.get(name, name): [{old.get(column, column): value for column, value in row.items()} for row in rows]
        for name, rows in document["tables"].items()}}
    path = tmp_path / "before.json"
    path.write_text(json.dumps(written_before), encoding="utf-8")
    restored = _flask(empty, "import", str(path))
    assert restored.exit_code == 0, restored.output
    assert _normalised(_export(empty, tmp_path)) == _normalised(document)
    both = {**written_before, "tables": {**written_before["tables"], "invitations": document["tables"]["invitations"]}}
    _refused(empty, tmp_path, json.dumps(both), "names a table twice")


def test_an_export_written_before_the_planner_restores_with_its_defaults(app, client, organiser, empty, tmp_path):
    """Until 0015_plan_participants an export had no planner table, until
    0016_speaker_windows no speaker windows: such a file restores with none
    and with 08:00-20:00, and a column no schema had is still refused."""
    _rich_event(client, organiser)
    document = _export(app, tmp_path)
    assert any((row["window_start"], row["window_end"]) != (480, 1200) for row in document["tables"]["speakers"])
    tables = {name: rows for name, rows in document["tables"].items() if name != "plan_participants"}
    tables["speakers"] = [{k: v for k, v in row.items() if not k.startswith("window_")} for row in tables["speakers"]]
    path = tmp_path / "before.json"
    path.write_text(json.dumps({**document, "tables": tables}), encoding="utf-8")
    restored = _flask(empty, "import", str(path))
    assert restored.exit_code == 0, restored.output
    expected = {**document["tables"], "plan_participants": [],
                "speakers": [{**row, "window_start": 480, "window_end": 1200} for row in document["tables"]["speakers"]]}
    assert _normalised(_export(empty, tmp_path)) == _normalised({**document, "tables": expected})
    tables["speakers"] = [{**row, "window_middle": 600} for row in tables["speakers"]]
    _refused(empty, tmp_path, json.dumps({**document, "tables": tables}), "unknown ['window_middle']")
