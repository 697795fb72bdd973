"""The outbox: e-mail is queued in the transaction of the change that causes it
and delivered afterwards by `flask outbox work`, so a mail server that is down
never loses a message and never rolls back a registration.

Each delivery locks one row (`FOR UPDATE SKIP LOCKED` on PostgreSQL), sends
it and commits, so any number of workers can run without sending twice.
Whatever one message does while being sent is recorded on that message, so
no message can hold up the ones behind it.

Delivery is at least once, made idempotent by the Message-ID. A worker
killed after the server accepted a message but before committing that it
was sent cannot leave a trace of that success, and no worker after it can
know whether the server got the message; the only choice that loses
nothing is to send it again. So every message carries a Message-ID fixed
when it is queued (recorded in its row, `message_id`), the same bytes go
on every attempt, and a second copy is recognisable as the first by mail
servers and clients alike. The worker also commits that an attempt is
under way before it starts one (`sending_since`), so the next worker knows
which message was interrupted, says so on that message, and gives up on a
message that interrupts every attempt (one that crashes the worker) after
MAX_ATTEMPTS. A worker stopped between messages, or before the server
accepted the one it was sending, sends nothing twice.

Committing that mark releases the row's lock, so on PostgreSQL the worker
also holds an advisory lock on the message for the whole attempt, on a
connection of its own: a mark whose advisory lock another worker holds is
an attempt in flight, to be left alone, and one whose lock is free was
interrupted, since the server frees it when its worker's connection dies.
"""
from __future__ import annotations

import contextlib
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from forum import timezones
from forum.extensions import db
from forum.models import OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class CalendarPart:
    """An iTIP body and what the outbox needs to keep one UID's messages in order."""

    uid: str
    sequence: int
    method: str
    body: bytes


RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class Undeliverable(Exception):
    """This message can never go out through this server: retrying cannot help."""


def wire_address(address: str) -> str:
    """`address` as it goes into To: and RCPT TO.

    A non-ASCII domain has an ASCII (IDNA) form every server takes; a
    non-ASCII local part has none and needs SMTPUTF8 (RFC 6531), so the result
    is non-ASCII exactly when the message needs it. What is no address at all
    goes unchanged: queuing never fails on it, the server answers for it.
    """
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return address
    return checked.ascii_email or checked.normalized


def takes_smtputf8() -> bool:
    """Whether mail can reach an address with a non-ASCII local part.

    .eml files take any address; an SMTP server only when it offers SMTPUTF8,
    which the MAIL_SMTPUTF8 setting declares. A setting rather than a probe:
    web processes never talk to the mail server, and the worker checks the
    server's EHLO before each such message anyway, so a wrong setting fails
    those messages with the reason and never stops the others.
    """
    config = current_app.config
    return not config["MAIL_SERVER"] or config["MAIL_SMTPUTF8"]


def new_message(
    recipient: str, subject: str, text: str, html: str | None = None,
    calendar: bytes | None = None, method: str | None = None,
) -> EmailMessage:
    """A message from MAIL_FROM: text, optional HTML, optional iTIP calendar part.

    The calendar part follows RFC 6047 as Gmail and Outlook expect it: the
    calendar is the last alternative, `text/calendar; method=...`, and the
    same bytes ride along as an `invite.ics` attachment. Both are given as
    bytes (base64 on the wire) so icalendar's CRLF line ends survive.
    """
    sender = current_app.config["MAIL_FROM"]
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = wire_address(recipient)
    message["Subject"] = " ".join(subject.splitlines()).strip()  # a header is one line, whatever a title holds
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    if calendar is not None:
        message.add_alternative(
            calendar, maintype="text", subtype="calendar", params={"method": method, "charset": "UTF-8"}
        )
        message.add_attachment(calendar, maintype="application", subtype="ics", filename="invite.ics")
    return message


def send_notice(recipient: str, subject: str, kind: str, event_id: int | None, *, name: str,
                paragraphs: list[str], rows: list[tuple[str, str]], action_url: str, action_label: str,
                footnote: str = "", calendar: CalendarPart | None = None) -> OutboxMessage:
    """Queue the one shape every notice takes: greeting, paragraphs, a table of
    facts, one button, in text and HTML, with an optional iTIP calendar part."""
    context = {"subject": subject, "name": name, "paragraphs": paragraphs, "rows": rows,
               "action_url": action_url, "action_label": action_label, "footnote": footnote}
    text = render_template("mail/notice.txt", **context)
    html = render_template("mail/notice.html", **context)
    body, method = (calendar.body, calendar.method) if calendar else (None, None)
    return queue(new_message(recipient, subject, text, html, body, method), kind, event_id, calendar)


def queue(message: EmailMessage, kind: str, event_id: int | None = None,
          calendar: CalendarPart | None = None) -> OutboxMessage:
    """Add to the caller's transaction; nothing is sent until it commits.

    A recipient that needs SMTPUTF8 gets UTF-8 headers (RFC 6532): RFC 2047
    encoded-words are not allowed inside an address, and only servers that
    take UTF-8 headers can deliver to it anyway.
    """
    recipient = str(message["To"])
    row = OutboxMessage(
        event_id=event_id, kind=kind, recipient=recipient, subject=str(message["Subject"])[:300],
        message=message.as_bytes(policy=policy.SMTP if recipient.isascii() else policy.SMTPUTF8),
        message_id=str(message["Message-ID"]),
        calendar_uid=calendar.uid if calendar else None, calendar_sequence=calendar.sequence if calendar else None,
    )
    db.session.add(row)
    return row


class SmtpTransport:
    """One connection to MAIL_SERVER, opened on the first message."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def send(self, row: OutboxMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        recipient = wire_address(row.recipient)
        options = []
        if not recipient.isascii():
            if not self.connection.has_extn("smtputf8"):
                raise Undeliverable(
                    f"{recipient} has non-ASCII characters before the @, which need SMTPUTF8 (RFC 6531); "
                    f"the mail server {self.config['MAIL_SERVER']} does not offer it (see MAIL_SMTPUTF8)")
            options.append("SMTPUTF8")
        self.connection.sendmail(self.config["MAIL_FROM"], [recipient], row.message, mail_options=options)

    def _connect(self) -> smtplib.SMTP:
        connection = smtplib.SMTP(self.config["MAIL_SERVER"], self.config["MAIL_PORT"], timeout=30)
        if self.config["MAIL_USE_TLS"]:
            connection.starttls()
        if self.config["MAIL_USERNAME"]:
            connection.login(self.config["MAIL_USERNAME"], self.config["MAIL_PASSWORD"])
        connection.ehlo_or_helo_if_needed()  # its extensions, for has_extn
        return connection

    def drop(self) -> None:
        """Forget a connection that failed, so the next message reconnects."""
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.close()
        self.connection = None

    close = drop


class FileTransport:
    """Without MAIL_SERVER: each message becomes an .eml file a mail client opens."""

    def __init__(self, directory: Path):
        self.directory = directory

    def send(self, row: OutboxMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = timezones.now_utc().strftime("%Y%m%dT%H%M%SZ")
        (self.directory / f"{stamp}-{row.id:06d}-{row.kind}.eml").write_bytes(row.message)

    def drop(self) -> None:
        """Nothing to reconnect."""

    close = drop


def mail_directory() -> Path:
    return Path(current_app.config.get("MAIL_DIR") or Path(current_app.instance_path) / "mail")


def transport():
    config = current_app.config
    return SmtpTransport(config) if config["MAIL_SERVER"] else FileTransport(mail_directory())


@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    superseded: int = 0
    interrupted: int = 0  # an earlier attempt on it never finished: sent again (or given up)


class AttemptGuard:
    """Advisory locks (PostgreSQL) telling which attempts are in flight; each
    lasts until released or until the worker's connection ends. SQLite has a
    single writer and no such locks: every message is free there."""

    SPACE = 0x6D61696C  # the advisory-lock key space of the outbox ("mail")

    def __init__(self):
        self.connection: Connection | None = None
        if db.engine.dialect.name == "postgresql":
            self.connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")

    def take(self, message_id: int) -> bool:
        """False when another worker's attempt on this message is in flight."""
        if self.connection is None:
            return True
        return bool(self.connection.scalar(select(func.pg_try_advisory_lock(self.SPACE, message_id))))

    def release(self, message_id: int) -> None:
        if self.connection is not None:
            self.connection.scalar(select(func.pg_advisory_unlock(self.SPACE, message_id)))

    def close(self) -> None:
        """Give the connection back without a lock an exception left taken:
        a pooled connection keeps its advisory locks."""
        if self.connection is not None:
            try:
                self.connection.scalar(select(func.pg_advisory_unlock_all()))
            except SQLAlchemyError:
                self.connection.invalidate()
            self.connection.close()


def _next_due(now: datetime, passed: set[int]) -> OutboxMessage | None:
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.WAITING, OutboxMessage.next_attempt_at <= now,
               OutboxMessage.id.not_in(passed))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _superseded(row: OutboxMessage) -> bool:
    """A newer calendar message for the same UID exists: sending this one after
    it would put an older state back in the person's calendar."""
    if row.calendar_uid is None:
        return False
    return db.session.execute(
        select(func.count()).where(OutboxMessage.calendar_uid == row.calendar_uid,
                                   OutboxMessage.calendar_sequence > row.calendar_sequence)
    ).scalar_one() > 0


def _start_attempt(row: OutboxMessage, report: Delivery) -> OutboxMessage | None:
    """Count the attempt and commit that it is under way, then lock the row
    again for the send; None when it interrupted every attempt it had.

    The commit releases the row's lock but not the caller's advisory lock,
    so the row is still this worker's: it waits for the lock of a worker
    that only looked at the row, and finds the row as it left it."""
    if row.sending_since is not None:
        report.interrupted += 1
        if row.attempts >= MAX_ATTEMPTS:
            row.status, row.sending_since = OutboxStatus.FAILED, None
            row.last_error = f"Every attempt was interrupted ({row.attempts}): given up on {row.message_id}."
            report.failed += 1
            db.session.commit()
            return None
        row.last_error = (f"The attempt started {row.sending_since:%Y-%m-%d %H:%M:%S} UTC did not finish (the worker "
                          f"stopped): the mail server may have the message already. {row.message_id} is sent again.")
    row.attempts += 1
    row.sending_since = timezones.now_utc()
    row_id = row.id
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.id == row_id).with_for_update()).one()


def deliver_due(now: datetime | None = None) -> Delivery:
    """Send every message due at `now`, one locked row per transaction.

    A calendar message that a newer one for the same UID has replaced is
    not sent (SUPERSEDED): each person's messages for one entry arrive in
    SEQUENCE order, whatever the retries did to the queue. A message that
    fails, however, waits for its retry (or is FAILED when no retry can help)
    and the pass goes on with the next. A message whose last attempt was
    interrupted goes again at once, with the same Message-ID (see the module).
    """
    now = now or timezones.now_utc()
    report = Delivery()
    sender = transport()
    guard = AttemptGuard()
    passed: set[int] = set()  # in flight in another worker
    try:
        while (row := _next_due(now, passed)) is not None:
            message_id = row.id
            if not guard.take(message_id):
                passed.add(message_id)
                db.session.rollback()
                continue
            _deliver(row, sender, report, now)
            guard.release(message_id)
    finally:
        guard.close()
        sender.close()
    return report


def _deliver(row: OutboxMessage, sender, report: Delivery, now: datetime) -> None:
    """One message's attempt, ended by a commit whatever happens."""
    if _superseded(row):
        row.status = OutboxStatus.SUPERSEDED
        report.superseded += 1
        _erase_if_owed(row)
        db.session.commit()
        return
    if (sending := _start_attempt(row, report)) is None:
        return
    try:
        sender.send(sending)
    except Exception as error:  # noqa: BLE001  a server's answer, bad data or a bug: this message's failure only
        sender.drop()  # it may have left a transaction open
        _record_failure(sending, error, now)
        report.failed += sending.status is OutboxStatus.FAILED
        report.retrying += sending.status is OutboxStatus.WAITING
    else:
        sending.status, sending.sent_at = OutboxStatus.SENT, timezones.now_utc()
        report.sent += 1
        _erase_if_owed(sending)
    sending.sending_since = None
    db.session.commit()


def erase_content(row: OutboxMessage) -> None:
    """Keep that a message went (kind, subject, state, times) but not to whom
    or what it said: its recipient's personal data is erased."""
    row.recipient, row.message, row.last_error = "", b"", ""


def _erase_if_owed(row: OutboxMessage) -> None:
    """A message owed to someone whose data is erased goes once; then its content goes too."""
    if row.erase_after_sending:
        erase_content(row)


def _record_failure(row: OutboxMessage, error: Exception, now: datetime) -> None:
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    if isinstance(error, Undeliverable) or row.attempts >= MAX_ATTEMPTS:
        row.status = OutboxStatus.FAILED
    else:
        row.next_attempt_at = now + RETRY_DELAYS[row.attempts - 1]


DAY = 24 * 3600


def work(interval: float, once: bool, log=print, daily=(), every_pass=()) -> None:
    """The worker's loop: run the `daily` jobs (at start, then every 24 hours)
    and the `every_pass` jobs, deliver what is due, sleep; `once` stops after
    one pass. Jobs queue messages; this pass delivers them.

    A database that stops answering (a restart) stops nothing but the pass:
    what was not committed is redone by a later one, which reconnects."""
    last_daily = None
    while True:
        jobs = list(every_pass)
        if last_daily is None or time.monotonic() - last_daily >= DAY:
            jobs += daily
            last_daily = time.monotonic()
        for job in jobs:
            try:
                done = job()
            except Exception as error:  # noqa: BLE001  a failing job must not stop the mail behind it
                db.session.rollback()
                log(f"{job.__module__}.{job.__name__} failed: {type(error).__name__}: {error}")
                continue
            if done:
                log(f"{job.__module__}.{job.__name__}: {done}")
        try:
            report = deliver_due()
        except OperationalError as error:
            with contextlib.suppress(SQLAlchemyError):  # the connection may be gone: nothing left to undo
                db.session.rollback()
            if once:
                raise
            log(f"outbox: the database is not answering ({error.orig}); trying again in {interval:g} s")
        else:
            if report.sent or report.retrying or report.failed or report.superseded or report.interrupted:
                log(f"outbox: {report.sent} sent, {report.retrying} to retry later, {report.failed} failed, "
                    f"{report.superseded} superseded, {report.interrupted} interrupted earlier")
        if once:
            return
        time.sleep(interval)
