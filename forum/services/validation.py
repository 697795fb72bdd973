"""Collects every field error of one use case, so a form shows them all at once."""
from __future__ import annotations

import re
from datetime import datetime

from email_validator import EmailNotValidError, validate_email

from forum import mail, timezones
from forum.services.errors import Invalid

URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class Checker:
    def __init__(self):
        self.errors: dict[str, str] = {}
        self.choices: dict[str, list] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def text(self, field: str, value: str | None, max_length: int, required: bool = True) -> str:
        value = (value or "").strip()
        if required and not value:
            self.fail(field, "This field is required.")
        elif len(value) > max_length:
            self.fail(field, f"Keep it to {max_length} characters (this has {len(value)}).")
        return value

    def line(self, field: str, value: str | None, max_length: int, required: bool = True) -> str:
        """A title or a name: one line, since it ends up in e-mail subjects and calendar summaries."""
        value = self.text(field, value, max_length, required)
        if any(c in value for c in "\r\n\t\v\f\x00"):
            self.fail(field, "Keep it on one line.")
        return value

    def url(self, field: str, value: str | None, max_length: int = 500) -> str:
        value = self.text(field, value, max_length, required=False)
        if value and not URL_RE.match(value):
            self.fail(field, f"“{value}” is not a web address starting with http:// or https://.")
        return value

    def email(self, field: str, value: str | None) -> str:
        """An address the outbox can deliver to, stored as it goes out (a non-ASCII
        domain in punycode): one person is one address however it was typed, and
        To:, RCPT TO and the calendar's mailto: agree."""
        value = self.text(field, value, 254)
        if value and field not in self.errors:
            try:
                validate_email(value, check_deliverability=False)
            except EmailNotValidError as error:
                self.fail(field, f"“{value}” is not an e-mail address: {error}")
            else:
                address = mail.wire_address(value)
                if not address.isascii() and not mail.takes_smtputf8():
                    local = address.rpartition("@")[0]
                    letters = ", ".join(f"“{c}”" for c in dict.fromkeys(local) if not c.isascii())
                    self.fail(field, f"Our mail server cannot deliver to an address with {letters} before the @, "
                                     f"as in “{value}”; please give another address.")
                value = address
        return value.lower()

    def zone(self, field: str, value: str | None) -> str | None:
        value = (value or "").strip()
        if not value:
            self.fail(field, "Choose a time zone.")
            return None
        if not timezones.is_valid_zone(value):
            self.fail(field, str(timezones.UnknownTimezone(value)))
            return None
        return value

    def instant(self, field: str, local: datetime | None, zone: str | None, fold: int | None):
        """Wall-clock input to UTC, recording gaps and overlaps against the field."""
        if local is None:
            self.fail(field, "Enter a date and time.")
            return None
        if zone is None:
            return None
        try:
            return timezones.localize(local, zone, fold)
        except timezones.AmbiguousLocalTime as error:
            self.fail(field, str(error))
            self.choices[field] = error.choices
        except timezones.TimezoneError as error:
            self.fail(field, str(error))
        return None

    def optional_instant(self, field: str, local: datetime | None, zone: str | None):
        """An optional wall-clock time; a repeated hour means its first occurrence."""
        return None if local is None else self.instant(field, local, zone, 0)

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid(self.errors, self.choices)
