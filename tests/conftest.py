"""Fixtures: the app on SQLite and on a real PostgreSQL cluster, clients, data.

Helpers that tests call live in tests/support/; this file holds only fixtures
and the hooks that mark each test by its folder (unit, integration, browser),
by its backend (postgresql) and, for the few that start real servers, slow.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import event as sa_event

from forum import create_app
from forum.extensions import db, limiter
from forum.services import accounts
from tests.support.app import BACKENDS, IsolatedClient, app_config, wipe_database
from tests.support.factories import make_event, open_event_for
from tests.support.mail import SmtpServer, serving
from tests.support.pg import Cluster
from tests.support.web import login

os.environ.setdefault("SECRET_KEY", "test-secret")
TESTS = Path(__file__).parent
KINDS = ("unit", "integration", "browser")  # one folder each, and the marker of its tests


def pytest_collection_modifyitems(items):
    """Mark every test by its folder, and `postgresql` every test that needs
    the cluster (a "postgresql" parameter, or the pg_cluster fixture), so
    `-m unit`, `-m "not postgresql"` and the like select them."""
    for item in items:
        kind = Path(item.fspath).relative_to(TESTS).parts[0]
        if kind in KINDS:
            item.add_marker(kind)
        params = getattr(item, "callspec", None).params.values() if hasattr(item, "callspec") else ()
        if "postgresql" in params or "pg_cluster" in item.fixturenames:
            item.add_marker("postgresql")


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


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


def in_memory_folder(tmp_path_factory) -> Path:
    """A folder on tmpfs where there is one: SQLite's commits then wait for no
    disk, the largest cost of many tests."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        return tmp_path_factory.mktemp("db")
    folder = Path(tempfile.mkdtemp(prefix="forum-tests-", dir=shm))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


@pytest.fixture(scope="session")
def database_urls(request, tmp_path_factory):
    """One migrated database per backend for the whole session (via Alembic)."""
    urls = {}

    def get(backend: str) -> str:
        if backend not in urls:
            if backend == "sqlite":
                url = f"sqlite:///{in_memory_folder(tmp_path_factory) / 'test.sqlite3'}"
            else:
                url = request.getfixturevalue("pg_cluster").create_database("forum_test")
            app = create_app(app_config(url))
            with app.app_context():
                upgrade()
                db.engine.dispose()
            urls[backend] = url
        return urls[backend]

    return get


@pytest.fixture(scope="session")
def apps(database_urls):
    """One app per backend for the session: building one (routes, the OpenAPI
    document, compiled templates) costs more than most tests."""
    built = {}

    def get(backend: str):
        if backend not in built:
            app = create_app(app_config(database_urls(backend)))
            app.test_client_class = IsolatedClient
            app.backend = backend
            built[backend] = app
        return built[backend]

    return get


@pytest.fixture(params=BACKENDS)
def app(request, apps):
    """The backend's app, given back as it was taken: its settings restored,
    its rate limits forgotten, its database emptied."""
    app = apps(request.param)
    settings = dict(app.config)
    with app.app_context():
        yield app
        wipe_database()
    app.config.clear()
    app.config.update(settings)
    limiter.reset()


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


@pytest.fixture
def logged_in(client, organiser):
    login(client)
    return client


@pytest.fixture
def open_event(organiser):
    return open_event_for(organiser)


@pytest.fixture
def event(organiser):
    return make_event(organiser)


@pytest.fixture
def count_queries(app):
    """Counts SQL statements run inside a `with count_queries() as n:` block."""

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


@pytest.fixture
def smtp_server(app):
    """A server without SMTPUTF8, as many are."""
    yield from serving(app, SmtpServer())


@pytest.fixture
def smtputf8_server(app):
    """A server that offers SMTPUTF8, and the setting that tells the app so."""
    yield from serving(app, SmtpServer(smtputf8=True), MAIL_SMTPUTF8=True)


def pytest_sessionfinish(session, exitstatus):
    """Under CI=true a skipped test is a failure: it hides a missing part."""
    if os.environ.get("CI") != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"CI=true: {len(skipped)} skipped test(s) count as failures.", red=True)
        session.exitstatus = 1
