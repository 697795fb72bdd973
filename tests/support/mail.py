"""Mail as its recipients get it: a real SMTP server, and links read from the outbox."""
from __future__ import annotations

import re
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from forum.models import OutboxMessage
from tests.support.pg import free_port


def mailed_link(email: str, audience: str = "registrations") -> str:
    """The token of the newest link to `audience` ("registrations" or
    "speakers") mailed to `email`, read from the outbox as its owner would."""
    for row in OutboxMessage.query.filter_by(recipient=email).order_by(OutboxMessage.id.desc()):
        text = message_from_bytes(row.message, policy=policy.default).get_body(("plain",)).get_content()
        found = re.search(rf"/{audience}/([\w-]+)/", text)
        if found:
            return found.group(1)
    raise AssertionError(f"no {audience} link was mailed to {email}")


class SmtpServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives;
    with `smtputf8`, it offers SMTPUTF8 (RFC 6531) and takes non-ASCII addresses."""

    def __init__(self, smtputf8: bool = False):
        self.received = []
        self.port = free_port()
        self.smtputf8 = smtputf8
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 Message accepted for delivery"

    def start(self):
        """Start (or restart, on the same port, keeping what it received)."""
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=self.smtputf8)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self):
        return [message_from_bytes(e.original_content, policy=policy.default) for e in self.received]


def serving(app, server: SmtpServer, **config):
    """Start `server`, point `app` at it for the test, stop it afterwards (a fixture's body)."""
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_FROM="forum@example.org", **config)
    yield server
    server.stop()
