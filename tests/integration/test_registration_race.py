"""200 people register at once for 50 seats, through gunicorn on PostgreSQL."""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from forum import create_app
from forum.extensions import db
from forum.models import OutboxMessage, Registration, RegistrationStatus
from forum.services import accounts, events
from forum.services.events import EventInput
from tests.support.factories import future_wall
from tests.support.gunicorn import serve

pytestmark = pytest.mark.slow  # gunicorn and two hundred clients: the full suite only


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
def gunicorn(race_app, tmp_path):
    app, _ = race_app
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "race",
           "REGISTRATION_RATE_LIMIT": "100000 per minute", "MAIL_SERVER": ""}
    with serve(env, tmp_path / "gunicorn.log", workers=4) as base:
        yield base


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
    assert statuses.count(202) == 200, sorted(set(statuses))
    with app.app_context():
        rows = db.session.execute(select(Registration.status, Registration.waitlist_position)
                                  .where(Registration.event_id == event_id)).all()
        confirmed = [r for r in rows if r.status is RegistrationStatus.CONFIRMED]
        waitlisted = sorted(r.waitlist_position for r in rows if r.status is RegistrationStatus.WAITLISTED)
        assert len(confirmed) == 50
        assert waitlisted == list(range(1, 151))  # in order, without gaps
        assert OutboxMessage.query.count() == 200
