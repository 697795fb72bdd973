"""Fixtures: the app on SQLite and on a real PostgreSQL cluster, clients, data."""
from __future__ import annotations

import contextvars
import os
from datetime import datetime, timedelta

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event as sa_event

from forum import create_app
from forum.extensions import db
from forum.services import accounts, events
from forum.services.events import EventInput
from tests.support.pg import Cluster

os.environ.setdefault("SECRET_KEY", "test-secret")
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


def _config(url: str, **extra) -> dict:
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
            "BASE_URL": "http://localhost", "REGISTRATION_RATE_LIMIT": "100000 per minute",
            "LOGIN_RATE_LIMIT": "100000 per minute", **extra}


@pytest.fixture(scope="session")
def redis_server():
    from tests.support.redis import RedisServer

    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    from tests.support.radicale import Radicale

    server = Radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_urls(request, tmp_path_factory):
    """One migrated database per backend for the whole session (via Alembic)."""
    urls = {}

    def get(backend: str) -> str:
        if backend not in urls:
            if backend == "sqlite":
                url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
            else:
                url = request.getfixturevalue("pg_cluster").create_database("forum_test")
            app = create_app(_config(url))
            with app.app_context():
                upgrade()
                db.engine.dispose()
            urls[backend] = url
        return urls[backend]

    return get


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real request is.

    Flask reuses an active app context, and with it `g` (where Flask-Login
    keeps the user) and the database session: without this, one client's
    login would leak into another's requests. Afterwards the test's own
    session is expired so that it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():  # not in the nested call that follows a redirect
            db.session.expire_all()
        return response


@pytest.fixture(params=BACKENDS)
def app(request, database_urls):
    app = create_app(_config(database_urls(request.param)))
    app.test_client_class = IsolatedClient
    app.backend = request.param
    with app.app_context():
        yield app
        wipe_database()
        db.engine.dispose()


def wipe_database() -> None:
    """Every row gone, the schema kept: the next test (or example) starts empty."""
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def organiser(app):
    return accounts.create_organiser("ada@example.org", "correct horse", "Ada")


@pytest.fixture
def other_organiser(app):
    return accounts.create_organiser("bob@example.org", "battery staple", "Bob")


def login(client, email="ada@example.org", password="correct horse"):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.data
    return response


@pytest.fixture
def logged_in(client, organiser):
    login(client)
    return client


def future_wall(hour: int, days_ahead: int = 180) -> datetime:
    """A wall-clock time half a year ahead: registrations need an event not yet over,
    and a fixed date would make these tests fail once it has passed."""
    day = datetime.now().date() + timedelta(days=days_ahead)
    return datetime(day.year, day.month, day.day, hour, 0)


def make_event(organiser, **overrides):
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


@pytest.fixture
def open_event(organiser):
    return open_event_for(organiser)


@pytest.fixture
def event(organiser):
    return make_event(organiser)


@pytest.fixture
def count_queries(app):
    """Counts SQL statements run inside a `with count_queries() as n:` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", record)

    return counting


def pytest_sessionfinish(session, exitstatus):
    """Under CI=true a skipped test is a failure: it hides a missing part."""
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"CI=true: {len(skipped)} skipped test(s) count as failures.", red=True)
        session.exitstatus = 1


def mailed_link(email: str, audience: str = "registrations") -> str:
    """The token of the newest link to `audience` ("registrations" or
    "speakers") mailed to `email`, read from the outbox as its owner would."""
    import re
    from email import message_from_bytes, policy

    from forum.models import OutboxMessage

    for row in OutboxMessage.query.filter_by(recipient=email).order_by(OutboxMessage.id.desc()):
        text = message_from_bytes(row.message, policy=policy.default).get_body(("plain",)).get_content()
        found = re.search(rf"/{audience}/([\w-]+)/", text)
        if found:
            return found.group(1)
    raise AssertionError(f"no {audience} link was mailed to {email}")


def calendar_part(message):
    """(METHOD, the one VEVENT) of a message's text/calendar part, or (None, None)."""
    import icalendar

    part = next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)
    if part is None:
        return None, None
    (vevent,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    return part.get_param("method"), vevent


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives;
    with `smtputf8`, it offers SMTPUTF8 (RFC 6531) and takes non-ASCII addresses."""

    def __init__(self, smtputf8: bool = False):
        from tests.support.pg import free_port

        self.received = []
        self.port = free_port()
        self.smtputf8 = smtputf8
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 Message accepted for delivery"

    def start(self):
        """Start (or restart, on the same port, keeping what it received)."""
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=self.smtputf8)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self):
        from email import message_from_bytes, policy

        return [message_from_bytes(e.original_content, policy=policy.default) for e in self.received]


def _serving(app, server: SmtpServer, **config):
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_FROM="forum@example.org", **config)
    yield server
    server.stop()


@pytest.fixture
def smtp_server(app):
    """A server without SMTPUTF8, as many are."""
    yield from _serving(app, SmtpServer())


@pytest.fixture
def smtputf8_server(app):
    """A server that offers SMTPUTF8, and the setting that tells the app so."""
    yield from _serving(app, SmtpServer(smtputf8=True), MAIL_SMTPUTF8=True)
