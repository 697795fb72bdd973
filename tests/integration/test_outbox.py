"""The outbox against a real SMTP server: queued with the change, sent once, never lost."""
from __future__ import annotations

import threading
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from forum import create_app, mail, timezones
from forum.extensions import db
from forum.models import OutboxMessage, OutboxStatus
from forum.services import outbox
from tests.support.app import app_config
from tests.support.mail import SmtpServer


def _queue(n: int = 1, kind: str = "test"):
    for i in range(n):
        mail.queue(mail.new_message(f"person{i}@example.org", f"Hello {i} 你好", f"Body {i}", f"<p>Body {i}</p>"), kind)


def test_queued_message_lives_and_dies_with_its_transaction(app, smtp_server):
    _queue()
    db.session.rollback()
    assert OutboxMessage.query.count() == 0
    _queue()
    db.session.commit()
    assert smtp_server.received == []  # nothing leaves before the worker runs
    assert mail.deliver_due().sent == 1
    (message,) = smtp_server.messages()
    assert message["Subject"] == "Hello 0 你好" and message["To"] == "person0@example.org"
    assert message.get_body(("plain",)).get_content().strip() == "Body 0"
    assert message.get_body(("html",)).get_content().strip() == "<p>Body 0</p>"
    row = OutboxMessage.query.one()
    assert row.status is OutboxStatus.SENT and row.attempts == 1 and row.sent_at is not None


def test_mail_server_down_then_up_delivers_each_message_once(app, smtp_server):
    _queue(3)
    db.session.commit()
    smtp_server.stop()
    now = timezones.now_utc()
    report = mail.deliver_due(now)
    assert (report.sent, report.retrying) == (0, 3)
    rows = OutboxMessage.query.all()
    assert all(r.status is OutboxStatus.WAITING and r.attempts == 1 for r in rows)
    assert all("ConnectionRefusedError" in r.last_error for r in rows)
    assert all(r.next_attempt_at == now + mail.RETRY_DELAYS[0] for r in rows)
    assert mail.deliver_due(now + timedelta(seconds=30)).sent == 0  # not due yet

    smtp_server.start()
    assert mail.deliver_due(now + timedelta(minutes=2)).sent == 3
    assert mail.deliver_due(now + timedelta(hours=2)).sent == 0
    assert sorted(m["To"] for m in smtp_server.messages()) == [f"person{i}@example.org" for i in range(3)]


def test_growing_delays_then_failed_then_retried(app, smtp_server):
    _queue()
    db.session.commit()
    smtp_server.stop()
    waits = []
    for _ in range(mail.MAX_ATTEMPTS):
        row = OutboxMessage.query.one()
        mail.deliver_due(row.next_attempt_at)
        db.session.refresh(row)
        waits.append(row.next_attempt_at)
    assert row.status is OutboxStatus.FAILED and row.attempts == mail.MAX_ATTEMPTS
    gaps = [b - a for a, b in pairwise(waits[:-1])]
    assert gaps == sorted(gaps) and gaps[0] < gaps[-1]
    assert outbox.counts() == {"waiting": 0, "sent": 0, "failed": 1, "superseded": 0}
    assert outbox.retry_failed() == 1
    smtp_server.start()
    assert mail.deliver_due(timezones.now_utc() + timedelta(seconds=1)).sent == 1
    assert len(smtp_server.messages()) == 1


def test_without_mail_server_messages_become_eml_files(app, tmp_path, runner):
    app.config.update(MAIL_SERVER="", MAIL_DIR=str(tmp_path / "mail"))
    _queue(2)
    db.session.commit()
    result = runner.invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0 and "2 sent" in result.output
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    from email import message_from_bytes, policy

    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["Subject"].startswith("Hello") and b"\r\n" in files[0].read_bytes()
    assert "0 waiting, 2 sent, 0 failed" in runner.invoke(args=["outbox", "status"]).output


@pytest.fixture
def pg_url(pg_cluster, database_urls):
    """Named after the cluster so that the test is marked `postgresql`."""
    return database_urls("postgresql")


def test_concurrent_workers_never_send_twice(pg_url):
    """Four workers on PostgreSQL share 40 messages through FOR UPDATE SKIP LOCKED."""
    app = create_app(app_config(pg_url))
    server = SmtpServer().start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_FROM="forum@example.org")
    try:
        with app.app_context():
            _queue(40)
            db.session.commit()

        barrier = threading.Barrier(4)
        reports = []

        def worker():
            with app.app_context():
                barrier.wait()
                reports.append(mail.deliver_due())
                db.session.remove()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        recipients = [m["To"] for m in server.messages()]
        assert len(recipients) == 40 and len(set(recipients)) == 40
        assert sum(r.sent for r in reports) == 40
        with app.app_context():
            assert outbox.counts()["sent"] == 40
            db.session.query(OutboxMessage).delete()
            db.session.commit()
    finally:
        server.stop()


def test_an_attempt_in_flight_elsewhere_is_left_alone_until_its_worker_is_gone(pg_url):
    """Between committing `sending_since` and sending, a message is unlocked;
    a second worker seeing it then must not take it for an interrupted one
    (counting an attempt each time, up to FAILED), only once its worker's
    connection, and with it the advisory lock, is gone."""
    app = create_app(app_config(pg_url))
    server = SmtpServer().start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_FROM="forum@example.org")
    try:
        with app.app_context():
            _queue(2)
            db.session.commit()
            first = OutboxMessage.query.filter_by(recipient="person0@example.org").one()
            first.attempts, first.sending_since = 1, timezones.now_utc()  # as the other worker committed it
            db.session.commit()
            other_worker = db.engine.connect()
            other_worker.execute(select(func.pg_advisory_lock(mail.AttemptGuard.SPACE, first.id)))
            report = mail.deliver_due()
            assert (report.sent, report.interrupted) == (1, 0)
            db.session.refresh(first)
            assert first.status is OutboxStatus.WAITING and first.attempts == 1 and first.last_error == ""
            other_worker.invalidate()  # that worker died mid-attempt: its connection is gone
            report = mail.deliver_due()
            assert (report.sent, report.interrupted) == (1, 1)
            db.session.refresh(first)
            assert first.status is OutboxStatus.SENT and first.attempts == 2 and "did not finish" in first.last_error
            assert sorted(m["To"] for m in server.messages()) == ["person0@example.org", "person1@example.org"]
            db.session.query(OutboxMessage).delete()
            db.session.commit()
    finally:
        server.stop()
