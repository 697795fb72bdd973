"""200 people register at once for 50 seats, through gunicorn on PostgreSQL."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from forum import create_app
from forum.extensions import db
from forum.models import OutboxMessage, Registration, RegistrationStatus
from forum.services import accounts, events
from forum.services.events import EventInput
from tests.conftest import future_wall
from tests.support.pg import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def race_app(pg_cluster):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": pg_cluster.create_database("forum_race")})
    with app.app_context():
        upgrade()
        organiser = accounts.create_organiser("race@example.org", "long enough")
        event = events.create_event(organiser, EventInput(
            title="Race", timezone="Asia/Taipei", capacity=50,
            start=future_wall(16), end=future_wall(18)))
        events.change_status(event, "publish")
        yield app, event.id
        db.engine.dispose()


@pytest.fixture
def gunicorn(race_app):
    app, _ = race_app
    port = free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "race", "REGISTRATION_RATE_LIMIT": "100000 per minute",
           "MAIL_SERVER": ""}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "4", "--bind", f"127.0.0.1:{port}",
         "--no-control-socket", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=15)


def _post(url: str, i: int) -> int:
    body = json.dumps({"name": f"Person {i}", "email": f"person{i}@example.org", "timezone": "Europe/Amsterdam"})
    request = urllib.request.Request(url, data=body.encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_hundred_at_once_never_oversell(race_app, gunicorn):
    app, event_id = race_app
    url = f"{gunicorn}/api/v1/events/race/registrations"
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda i: _post(url, i), range(200)))
    assert statuses.count(201) == 200, sorted(set(statuses))
    with app.app_context():
        rows = db.session.execute(select(Registration.status, Registration.waitlist_position)
                                  .where(Registration.event_id == event_id)).all()
        confirmed = [r for r in rows if r.status is RegistrationStatus.CONFIRMED]
        waitlisted = sorted(r.waitlist_position for r in rows if r.status is RegistrationStatus.WAITLISTED)
        assert len(confirmed) == 50
        assert waitlisted == list(range(1, 151))  # in order, without gaps
        assert OutboxMessage.query.count() == 200
