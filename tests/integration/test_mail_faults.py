"""One message cannot stop the outbox, and each address goes out in the form its
mail server takes: a real SMTP server (aiosmtpd) with and without SMTPUTF8."""
from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from forum import mail, timezones
from forum.extensions import db
from forum.models import OutboxMessage, OutboxStatus, Registration
from forum.services import accounts
from tests.support.factories import open_event_for

PERSON = {"name": "Jörg Müller", "organisation": "Stadt Wien", "timezone": "Europe/Vienna"}


@pytest.fixture
def open_event(organiser):
    return open_event_for(organiser, capacity=None)


def _queue_to(*recipients: str) -> None:
    for recipient in recipients:
        mail.queue(mail.new_message(recipient, "Hello", "Body"), "test")
    db.session.commit()


def _row(recipient: str) -> OutboxMessage:
    return OutboxMessage.query.filter_by(recipient=recipient).one()


def _register(client, email: str, slug: str = "open"):
    return client.post(f"/api/v1/events/{slug}/registrations", json={**PERSON, "email": email})


def test_an_address_the_server_cannot_take_fails_alone_and_the_worker_exits_0(app, smtp_server, runner):
    """Stored before this check existed (or with MAIL_SMTPUTF8 wrongly on): the worker
    used to die on it at RCPT TO, at every restart, with all other mail behind it."""
    _queue_to("ada@example.org", "jörg@example.org", "bob@example.org")
    result = runner.invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output and "1 failed" in result.output
    assert [e.rcpt_tos for e in smtp_server.received] == [["ada@example.org"], ["bob@example.org"]]
    row = _row("jörg@example.org")
    assert row.status is OutboxStatus.FAILED and row.attempts == 1  # no retry can help
    assert "SMTPUTF8" in row.last_error and "jörg@example.org" in row.last_error


class FaultyTransport(mail.SmtpTransport):
    """The real transport, except that one recipient's message raises halfway
    through its SMTP transaction (after MAIL FROM), as a bug or bad data would."""

    def __init__(self, config, recipient: str, fault: Exception):
        super().__init__(config)
        self.recipient, self.fault = recipient, fault

    def send(self, row):
        if row.recipient != self.recipient:
            return super().send(row)
        if self.connection is None:
            self.connection = self._connect()
        self.connection.mail(self.config["MAIL_FROM"])
        raise self.fault


@pytest.mark.parametrize("fault", [
    UnicodeEncodeError("ascii", "jörg", 1, 2, "ordinal not in range(128)"),
    ValueError("header line too long"),
    KeyError("a bug"),
], ids=type)
def test_whatever_one_message_raises_the_next_ones_are_delivered(app, smtp_server, monkeypatch, fault):
    monkeypatch.setattr(mail, "transport", lambda: FaultyTransport(app.config, "bad@example.org", fault))
    _queue_to("ada@example.org", "bad@example.org", "bob@example.org")
    now = timezones.now_utc()
    report = mail.deliver_due(now)
    assert (report.sent, report.retrying, report.failed) == (2, 1, 0)
    # bob's message went out after a transaction left open: the connection was dropped and reopened
    assert [e.rcpt_tos for e in smtp_server.received] == [["ada@example.org"], ["bob@example.org"]]
    row = _row("bad@example.org")
    assert row.status is OutboxStatus.WAITING and row.attempts == 1
    assert row.last_error == f"{type(fault).__name__}: {fault}"
    assert row.next_attempt_at == now + mail.RETRY_DELAYS[0]


def test_a_non_ascii_local_part_goes_out_with_smtputf8_when_the_server_offers_it(app, smtputf8_server):
    _queue_to("jörg@example.org")
    assert mail.deliver_due().sent == 1
    (envelope,) = smtputf8_server.received
    assert envelope.rcpt_tos == ["jörg@example.org"] and "SMTPUTF8" in envelope.mail_options
    assert "To: jörg@example.org\r\n" in envelope.original_content.decode()
    assert smtputf8_server.messages()[0]["To"] == "jörg@example.org"


def test_a_non_ascii_domain_goes_out_as_punycode_to_any_server(client, open_event, smtp_server):
    assert _register(client, "x@bücher.example").status_code == 202
    assert _register(client, "X@xn--bcher-kva.example").status_code == 202
    assert Registration.query.one().email == "x@xn--bcher-kva.example"  # the same address, one seat
    assert mail.deliver_due().sent == 1  # its link went out a moment ago
    assert [e.rcpt_tos for e in smtp_server.received] == [["x@xn--bcher-kva.example"]]
    assert {m["To"] for m in smtp_server.messages()} == {"x@xn--bcher-kva.example"}


def _add_speaker(client, organiser, email: str):
    headers = {"Authorization": f"Bearer {accounts.issue_api_token(organiser)}"}
    speaker = {"name": "Jörg Müller", "email": email, "timezone": "Europe/Vienna"}
    return client.post("/api/v1/events/open/speakers", json=speaker, headers=headers)


@pytest.mark.parametrize("submit", [
    lambda client, organiser, email: _register(client, email),
    _add_speaker,
], ids=["registration", "speaker"])
def test_an_address_the_server_cannot_take_is_refused_where_it_is_typed(client, organiser, open_event, smtp_server,
                                                                        submit):
    response = submit(client, organiser, "jörg@example.org")
    assert response.status_code == 422
    message = response.get_json()["error"]["fields"]["email"]
    assert "“ö” before the @" in message and "jörg@example.org" in message
    assert OutboxMessage.query.count() == 0


def test_the_registration_form_says_why_and_keeps_the_typing(client, open_event, smtp_server):
    form = {**PERSON, "email": "jörg@example.org", "language": "en"}
    response = client.post("/events/open/register", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "cannot deliver to an address with “ö” before the @" in html
    assert 'value="jörg@example.org"' in html and 'value="Jörg Müller"' in html
    assert Registration.query.count() == 0


def test_with_mail_smtputf8_on_such_an_address_registers_and_is_delivered(client, open_event, smtputf8_server):
    assert _register(client, "jörg@example.org").status_code == 202
    assert mail.deliver_due().sent == 1
    assert smtputf8_server.received[0].rcpt_tos == ["jörg@example.org"]


@pytest.mark.parametrize("typed, header", [
    ("jörg@example.org", "To: jörg@example.org"),
    ("x@bücher.example", "To: x@xn--bcher-kva.example"),
])
def test_an_eml_file_carries_the_address_itself(app, client, open_event, tmp_path, typed, header):
    app.config.update(MAIL_SERVER="", MAIL_DIR=str(tmp_path))
    assert _register(client, typed).status_code == 202
    assert mail.deliver_due().sent == 1
    (path,) = tmp_path.glob("*.eml")
    raw = path.read_bytes()
    (to_line,) = [line for line in raw.decode().split("\r\n") if line.startswith("To:")]
    assert to_line == header
    assert message_from_bytes(raw, policy=policy.default)["To"] == header[4:]


def test_a_failing_job_does_not_stop_the_mail_behind_it(app, smtp_server):
    _queue_to("ada@example.org")
    said = []

    def broken():
        raise RuntimeError("a bug in a daily job")

    mail.work(interval=0, once=True, log=said.append, daily=[broken])
    assert any("broken failed: RuntimeError: a bug in a daily job" in line for line in said)
    assert _row("ada@example.org").status is OutboxStatus.SENT


def test_an_organiser_with_a_non_ascii_domain_logs_in_with_either_spelling(app, client):
    accounts.create_organiser("ana@bücher.example", "correct horse")
    for typed in ("ana@bücher.example", " ANA@xn--bcher-kva.example "):
        response = client.post("/login", data={"email": typed, "password": "correct horse"})
        assert response.status_code == 302, typed
        client.post("/logout")
