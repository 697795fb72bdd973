"""Collects every field error of one use case, so a form shows them all at once."""
from __future__ import annotations

import re
from datetime import datetime

from email_validator import EmailNotValidError, validate_email

from forum import mail, timezones
from forum.services.errors import Invalid

URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
UNFIT_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _unfit_message(character: str) -> str:
    code = f"U+{ord(character):04X}"
    if "\ud800" <= character <= "\udfff":
        return f"This holds {code}, half of a character (a lone surrogate), which cannot be stored; remove it."
    return f"This holds {code}, an invisible control character, which cannot be kept; remove it."


class Checker:
    def __init__(self):
        self.errors: dict[str, str] = {}
        self.choices: dict[str, list] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def text(self, field: str, value: str | None, max_length: int, required: bool = True) -> str:
        """Text to store, with surrounding whitespace stripped (as str.strip() counts it).

        Refused: a lone surrogate (half of a UTF-16 pair, which no UTF-8
        database can store) and control characters other than tab, LF and CR
        (PostgreSQL refuses NUL; the rest are invisible, and calendar files
        may not carry them).
        """
        value = (value or "").strip()
        unfit = UNFIT_RE.search(value)
        if required and not value:
            self.fail(field, "This field is required.")
        elif unfit:
            self.fail(field, _unfit_message(unfit.group()))
        elif len(value) > max_length:
            self.fail(field, f"Keep it to {max_length} characters (this has {len(value)}).")
        return value

    def line(self, field: str, value: str | None, max_length: int, required: bool = True) -> str:
        """A title or a name: one line, since it ends up in e-mail subjects and calendar summaries.

        A line ends wherever str.splitlines() ends one (CR, LF, VT, FF, the
        file separators, NEL, U+2028, U+2029); a tab is refused too.
        """
        stripped = (value or "").strip()
        if "\t" in stripped or len(stripped.splitlines()) > 1:
            self.fail(field, "Keep it on one line.")
        return self.text(field, value, max_length, required)

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
        try:
            timezones.check_plannable(local)
            return None if zone is None else timezones.localize(local, zone, fold)
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
