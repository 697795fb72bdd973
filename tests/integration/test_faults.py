"""Faults, with the real parts: PostgreSQL restarted under gunicorn, an outbox
worker and a gunicorn worker killed with SIGKILL mid-way. Nothing is lost,
nothing is done twice, nobody sees a 500, and the app recovers by itself.

(SMTP down for a while, then back, delivering each message once:
test_outbox.py::test_mail_server_down_then_up_delivers_each_message_once.)
"""
from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
import requests
from flask_migrate import upgrade
from sqlalchemy import select

from forum import create_app, mail
from forum.extensions import db
from forum.models import OutboxMessage, OutboxStatus, Registration
from forum.services import accounts
from forum.web.errors import DATABASE_AWAY
from tests.support.app import app_config
from tests.support.factories import open_event_for
from tests.support.gunicorn import BIN, ROOT, gunicorn, serve
from tests.support.mail import SmtpServer
from tests.support.pg import Cluster

pytestmark = pytest.mark.slow  # real servers, killed and restarted: the full suite only

PASSWORD = "correct horse"


def _env(database_url: str, **extra) -> dict:
    """What gunicorn and `flask outbox work` need, as `make run` gives it them."""
    env = {**os.environ, "FLASK_APP": "wsgi", "SECRET_KEY": "faults", "DATABASE_URL": database_url,
           "MAIL_SERVER": "", "REGISTRATION_RATE_LIMIT": "100000 per minute",
           "LOGIN_RATE_LIMIT": "100000 per minute", **extra}
    env.pop("REDIS_URL", None)
    env.pop("RATELIMIT_STORAGE_URI", None)
    return env


def _register(base: str, email: str) -> int | None:
    """The API's answer, or None when the connection broke (a killed worker)."""
    body = {"name": "Ada Lovelace", "email": email, "timezone": "Europe/London"}
    try:
        return requests.post(f"{base}/api/v1/events/open/registrations", json=body, timeout=30).status_code
    except requests.ConnectionError:
        return None


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _logged_in(base: str) -> requests.Session:
    browser = requests.Session()
    token = _csrf(browser.get(f"{base}/login").text)
    answer = browser.post(f"{base}/login", data={"csrf_token": token, "email": "ada@example.org",
                                                 "password": PASSWORD}, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return browser


def _outbox_matches_registrations(app) -> Counter:
    """Each registration stored once with exactly its one message (written in
    its transaction), and no message without its registration; the emails."""
    with app.app_context():
        emails = Counter(db.session.scalars(select(Registration.email)))
        recipients = Counter(db.session.scalars(select(OutboxMessage.recipient)))
        db.session.remove()
    assert max(emails.values()) == 1
    assert recipients == emails, recipients - emails or emails - recipients
    return emails


@dataclass
class Answer:
    email: str
    status: int | None
    phase: str  # the phase the request started in


@dataclass
class Crowd:
    """Clients registering distinct addresses at once, `total` requests at most.

    A client that gets a 503 waits until `up` is set before it sends again
    (as one honouring Retry-After would), so an outage does not burn the
    budget; with `retries`, a client repeats a request that failed (broken
    connection or 503) up to that many times before it takes the next address.
    """

    base: str
    total: int
    clients: int = 6
    retries: int = 0
    phase: str = "start"
    answers: list[Answer] = field(default_factory=list)
    up: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self):
        self.up.set()
        self._budget = iter(range(self.total))
        self._pool = ThreadPoolExecutor(self.clients)
        self._running = [self._pool.submit(self._client) for _ in range(self.clients)]

    def _client(self) -> None:
        while not self.stopped.is_set():
            with self.changed:
                i = next(self._budget, None)
            if i is None:
                return
            email = f"crowd{i}@example.org"
            for _ in range(self.retries + 1):
                answer = Answer(email, None, self.phase)
                answer.status = _register(self.base, email)
                with self.changed:
                    self.answers.append(answer)
                    self.changed.notify_all()
                if answer.status == 202:
                    break
                if answer.status == 503:
                    self.up.wait()

    def wait_until(self, condition) -> None:
        """Until `condition(answers)` holds; fails if the budget runs out first."""
        with self.changed:
            reached = self.changed.wait_for(lambda: condition(self.answers) or self.done(), timeout=60)
            assert reached and condition(self.answers), Counter((a.phase, a.status) for a in self.answers)

    def done(self) -> bool:
        return all(client.done() for client in self._running)

    def stop(self) -> list[Answer]:
        """Let the clients finish the requests they are sending, and no more."""
        self.stopped.set()
        return self.finish()

    def finish(self) -> list[Answer]:
        """Every answer, once every client is done (stopped, or the budget spent)."""
        self.up.set()
        self._pool.shutdown()
        for client in self._running:
            client.result()  # a client that raised fails the test here
        return self.answers


def _answered(phase: str, status: int, at_least: int):
    return lambda answers: sum(a.phase == phase and a.status == status for a in answers) >= at_least


# PostgreSQL restarted under requests


@pytest.fixture
def restartable(tmp_path):
    """A cluster of this test's own, to halt and resume (the session's serves the others)."""
    cluster = Cluster().start()
    app = create_app(app_config(cluster.create_database("forum_restart")))
    with app.app_context():
        upgrade()
        open_event_for(accounts.create_organiser("ada@example.org", PASSWORD), capacity=None)
        db.session.remove()
    yield app, cluster
    with app.app_context():
        db.engine.dispose()
    cluster.stop()


def _while_down(base: str, organiser: requests.Session, visitor: requests.Session, form: dict) -> None:
    """Every kind of request that needs the database says, in its own form, that it is away."""
    html = {
        "the event page": requests.get(f"{base}/events/open/"),
        "an organiser's page": organiser.get(f"{base}/organiser/"),
        "the registration form": visitor.post(f"{base}/events/open/register", data=form, allow_redirects=False),
    }
    json = {
        "the API's events": requests.get(f"{base}/api/v1/events"),
        "registering by the API": requests.post(f"{base}/api/v1/events/open/registrations",
                                                json={"name": "Bo", "email": "bo@example.org", "timezone": "UTC"}),
    }
    feed = requests.get(f"{base}/events/open/calendar.ics")
    for name, answer in {**html, **json, "the feed": feed}.items():
        assert answer.status_code == 503 and answer.headers["Retry-After"], (name, answer.status_code, answer.text)
    for name, answer in html.items():
        assert answer.headers["Content-Type"].startswith("text/html"), name
        assert "Not available right now" in answer.text and "database is not answering" in answer.text, name
    assert "Log out" not in html["an organiser's page"].text  # a page that needs no database, not even for who
    for answer in json.values():
        assert answer.json() == {"error": {"code": "service_unavailable", "message": DATABASE_AWAY, "fields": {}}}
    assert feed.headers["Content-Type"].startswith("text/plain") and feed.text == DATABASE_AWAY + "\n"
    health = requests.get(f"{base}/healthz")  # liveness only: it never claimed to ask the database
    assert health.status_code == 200 and health.json() == {"status": "ok"}


@pytest.mark.postgresql  # its own cluster, to restart
def test_postgresql_restarted_under_requests(restartable, tmp_path):
    """While PostgreSQL is down every request that needs it is a clean 503, those
    in flight too (their transactions rolled back whole); once it is back the
    same gunicorn serves every request again, even workers idle all along."""
    app, cluster = restartable
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with serve(_env(url, MAIL_DIR=str(tmp_path / "mail")), tmp_path / "gunicorn.log", workers=2) as base:
        organiser, visitor = _logged_in(base), requests.Session()
        form = {"csrf_token": _csrf(visitor.get(f"{base}/events/open/").text), "name": "Bo",
                "email": "bo@example.org", "timezone": "UTC", "language": "en"}
        assert [_register(base, f"before{i}@example.org") for i in range(10)] == [202] * 10
        cluster.halt()  # a restart while nobody asks: every pooled connection is dead when they do
        cluster.resume()
        assert [_register(base, f"after{i}@example.org") for i in range(10)] == [202] * 10

        crowd = Crowd(base, total=200)
        crowd.wait_until(_answered("start", 202, 10))
        crowd.up.clear()
        crowd.phase = "stopping"  # requests in flight now may go either way, cleanly
        cluster.halt()
        crowd.phase = "down"
        _while_down(base, organiser, visitor, form)
        crowd.phase = "starting"
        cluster.resume()
        crowd.phase = "up"
        crowd.up.set()
        crowd.wait_until(_answered("up", 202, 20))
        answers = crowd.stop()
        assert "Log out" in organiser.get(f"{base}/organiser/").text  # logged in all along
    seen = Counter((a.phase, a.status) for a in answers)
    assert {a.status for a in answers} <= {202, 503}, seen  # never a 500, never a broken connection
    assert {a.status for a in answers if a.phase == "down"} <= {503}, seen
    assert {a.status for a in answers if a.phase == "up"} == {202}, seen
    emails = _outbox_matches_registrations(app)
    assert {a.email for a in answers if a.status == 202} <= set(emails)
    assert {f"before{i}@example.org" for i in range(10)} | {f"after{i}@example.org" for i in range(10)} <= set(emails)


def _eventually(condition, what: str) -> None:
    """Wait for something another process does (never a measure of how fast)."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


@pytest.mark.postgresql  # its own cluster, to restart
def test_the_outbox_worker_rides_out_a_postgresql_restart(restartable, tmp_path):
    """A worker running when PostgreSQL restarts keeps running, and delivers
    what is queued once it is back, each message once."""
    app, cluster = restartable
    server = SmtpServer().start()
    log = tmp_path / "worker.log"
    env = _env(app.config["SQLALCHEMY_DATABASE_URI"], MAIL_SERVER="127.0.0.1", MAIL_PORT=str(server.port),
               MAIL_FROM="forum@example.org")

    def queue(recipient: str) -> None:
        with app.app_context():
            mail.queue(mail.new_message(recipient, "Hello", "Body"), "test")
            db.session.commit()

    with log.open("wb") as sink:
        worker = subprocess.Popen([str(BIN / "flask"), "outbox", "work", "--interval", "0.1"], cwd=ROOT, env=env,
                                  stdout=sink, stderr=subprocess.STDOUT)
    try:
        queue("before@example.org")
        _eventually(lambda: len(server.received) == 1, "the first message")
        cluster.halt()
        _eventually(lambda: "the database is not answering" in log.read_text(), "the worker to notice")
        cluster.resume()
        queue("after@example.org")
        _eventually(lambda: len(server.received) == 2, "the second message")
        assert worker.poll() is None, log.read_text()  # it never stopped
    finally:
        worker.terminate()
        worker.wait(timeout=15)
        server.stop()
    assert [e.rcpt_tos for e in server.received] == [["before@example.org"], ["after@example.org"]]


# A gunicorn worker killed under load


def test_a_gunicorn_worker_killed_under_load_loses_and_doubles_nothing(app, organiser, tmp_path):
    """Requests the killed worker was serving break; their clients repeat them.
    A repeat of a registration that had committed is the same seat and no
    second message; one that had not is registered once, with its message."""
    open_event_for(organiser, capacity=None)
    db.session.commit()
    env = _env(app.config["SQLALCHEMY_DATABASE_URI"], MAIL_DIR=str(tmp_path / "mail"))
    with gunicorn(env, tmp_path / "gunicorn.log", workers=2) as server:
        crowd = Crowd(server.base, total=150, clients=8, retries=5)
        crowd.wait_until(lambda answers: len(answers) >= 50)
        while not (busy := server.busy_workers()):  # one in the middle of a request, as a load gives plenty
            assert not crowd.done(), "no worker was ever seen serving a request"
        os.kill(min(busy), signal.SIGKILL)
        answers = crowd.finish()
    last = {a.email: a.status for a in answers}  # each address's final answer
    assert len(last) == 150 and set(last.values()) == {202}, Counter(a.status for a in answers)
    assert set(_outbox_matches_registrations(app)) == set(last)


# An outbox worker killed mid-batch


class HeldSmtpServer(SmtpServer):
    """A real SMTP server that holds the `nth` message for as long as the test
    wants: `before accepting` while its recipient is given (the server has
    nothing yet), `after accepting` once it has stored the message, before it
    answers 250 (the worker cannot know it arrived)."""

    def __init__(self, nth: int, when: str):
        super().__init__()
        self.nth, self.when, self.recipients = nth, when, 0
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.recipients += 1
        if self.when == "before accepting" and self.recipients == self.nth:
            await self._hold()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        if self.when == "after accepting" and len(self.received) == self.nth:
            await self._hold()
        return "250 Message accepted for delivery"

    async def _hold(self):
        self.holding.set()
        while not self.release.is_set():
            await asyncio.sleep(0.01)


def _worker(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "flask"), "outbox", "work", "--once"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


@pytest.mark.parametrize("when", ["before accepting", "after accepting"])
def test_an_outbox_worker_killed_mid_batch_loses_nothing(app, tmp_path, when):
    """30 messages; the worker is killed (SIGKILL) while the 10th is being sent.
    Killed before the server took it, nothing arrives twice; killed after, the
    one message the server got but the worker never heard of arrives twice,
    with the same Message-ID, so the receiving side sees one message."""
    for i in range(30):
        mail.queue(mail.new_message(f"person{i}@example.org", f"Hello {i}", "Body"), "test")
    db.session.commit()
    queued = set(db.session.scalars(select(OutboxMessage.message_id)))
    server = HeldSmtpServer(nth=10, when=when).start()
    env = _env(app.config["SQLALCHEMY_DATABASE_URI"], MAIL_SERVER="127.0.0.1", MAIL_PORT=str(server.port),
               MAIL_FROM="forum@example.org")
    log = tmp_path / "worker.log"
    try:
        with log.open("wb") as sink:
            killed = _worker(env, sink)
            assert server.holding.wait(timeout=30), log.read_text()
            killed.send_signal(signal.SIGKILL)
            assert killed.wait(timeout=30) == -signal.SIGKILL
            server.release.set()
            assert _worker(env, sink).wait(timeout=60) == 0, log.read_text()
    finally:
        server.stop()
    ids = [message["Message-ID"] for message in server.messages()]
    assert set(ids) == queued  # every message arrived
    twice = [message_id for message_id, n in Counter(ids).items() if n > 1]
    assert twice == ([] if when == "before accepting" else [ids[9]]), twice
    rows = OutboxMessage.query.all()
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    (interrupted,) = [row for row in rows if "did not finish" in row.last_error]  # the worker knew which
    assert interrupted.message_id == ids[9] and interrupted.attempts == 2 and interrupted.sending_since is None
    assert "1 interrupted earlier" in log.read_text()


def test_a_message_that_interrupts_every_attempt_is_given_up_and_the_rest_go(app, smtp_server):
    """One that kills its worker each time (as a crash would) must not stop the
    queue behind it at every restart: after MAX_ATTEMPTS it is FAILED, with why."""
    for recipient in ("crasher@example.org", "ada@example.org"):
        mail.queue(mail.new_message(recipient, "Hello", "Body"), "test")
    db.session.commit()
    crasher = OutboxMessage.query.filter_by(recipient="crasher@example.org").one()
    crasher.attempts, crasher.sending_since = mail.MAX_ATTEMPTS, crasher.created_at  # as the last worker left it
    db.session.commit()
    report = mail.deliver_due()
    assert (report.sent, report.failed, report.interrupted) == (1, 1, 1)
    assert [e.rcpt_tos for e in smtp_server.received] == [["ada@example.org"]]
    db.session.refresh(crasher)
    assert crasher.status is OutboxStatus.FAILED and crasher.sending_since is None
    assert f"Every attempt was interrupted ({mail.MAX_ATTEMPTS})" in crasher.last_error
