"""Organiser accounts: creation, passwords and API tokens."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from forum.extensions import db
from forum.mail import wire_address
from forum.models import ApiToken, Organiser
from forum.services.errors import Conflict, Invalid, NotFound
from forum.services.tokens import hash_token, new_token
from forum.services.validation import UNFIT_RE, Checker
from forum.timezones import now_utc

MIN_PASSWORD_LENGTH = 8
MAX_TOKEN_DAYS = 3650
# How stale a token's "last used" may get: finer would write on every API call.
LAST_USED_STEP = timedelta(minutes=1)
MAX_ID = 2**31 - 1  # past it, PostgreSQL's integer overflows


class TokenExpired(Exception):
    """A known token past its expiry: its owner is told so, not just "not valid"."""

    def __init__(self, expires_at: datetime):
        super().__init__(f"expired at {expires_at:%Y-%m-%d %H:%M} UTC")
        self.expires_at = expires_at


def normalise_email(email: str) -> str:
    """As addresses are stored (forum.mail.wire_address): either spelling of a domain finds the account."""
    return wire_address((email or "").strip()).lower()


def create_organiser(email: str, password: str, name: str = "") -> Organiser:
    check = Checker()
    email = check.email("email", email)
    check.text("name", name, 200, required=False)
    if len(password or "") < MIN_PASSWORD_LENGTH:
        check.fail("password", f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if email and find_organiser(email):
        check.fail("email", f"An organiser with {email} already exists.")
    check.raise_if_any()
    organiser = Organiser(email=email, name=name.strip(), password_hash=_hash(password))
    db.session.add(organiser)
    db.session.commit()
    return organiser


def find_organiser(email: str) -> Organiser | None:
    """None too for text no address holds: PostgreSQL refuses a query with NUL in it."""
    address = normalise_email(email)
    if UNFIT_RE.search(address):
        return None
    return db.session.scalar(select(Organiser).where(Organiser.email == address))


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH"])


@cache
def _unknown_address_hash(method: str) -> str:
    """A hash made like an organiser's (same method and cost) that no password matches."""
    return generate_password_hash(secrets.token_urlsafe(32), method=method)


def authenticate(email: str, password: str) -> Organiser:
    """The organiser with these credentials; one message for both failures.

    An unknown address is checked against a hash of the same cost, so the time
    an answer takes does not tell which addresses have accounts.
    """
    organiser = find_organiser(email)
    password_hash = organiser.password_hash if organiser else _unknown_address_hash(current_app.config["PASSWORD_HASH"])
    if not check_password_hash(password_hash, password or "") or organiser is None:
        raise Invalid({"password": "E-mail or password is wrong."})
    return organiser


def _expiry(check: Checker, days: str | int | None) -> datetime | None:
    """When a token made now for `days` (text as typed, or a number) expires; empty: never."""
    text = str(days if days is not None else "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_TOKEN_DAYS):
        check.fail("days", f"Type a whole number of days from 1 to {MAX_TOKEN_DAYS}, "
                           "or leave it empty for a token that never expires.")
        return None
    return now_utc() + timedelta(days=int(text))


def issue_api_token(organiser: Organiser, label: str = "", days: str | int | None = None) -> str:
    """A new bearer token; returned once, stored only as a hash."""
    check = Checker()
    label = check.line("label", label, 100, required=False)
    expires_at = _expiry(check, days)
    check.raise_if_any()
    token, token_hash = new_token()
    db.session.add(ApiToken(organiser=organiser, token_hash=token_hash, label=label, expires_at=expires_at))
    db.session.commit()
    return token


def organiser_for_token(token: str) -> Organiser | None:
    """The token's organiser, None for an unknown (or revoked) token; TokenExpired past its expiry."""
    if not token:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None:
        return None
    now = now_utc()
    if row.expires_at is not None and row.expires_at <= now:
        raise TokenExpired(row.expires_at)
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_STEP:
        row.last_used_at = now
        db.session.commit()
    return row.organiser


def revoke_api_token(organiser: Organiser, which: int | str) -> str:
    """Delete one of the organiser's tokens, named by id or by label (an id first); its label.

    The row is deleted rather than marked: a revoked token can never be valid
    again and nothing refers to it, so a kept row would only be one more
    condition on every API call. The token then answers like any unknown one.
    """
    text = str(which).strip()
    by_id = text.isascii() and text.isdigit() and int(text) <= MAX_ID
    rows = db.session.scalars(select(ApiToken).where(
        ApiToken.organiser_id == organiser.id,
        ApiToken.id == int(text) if by_id else ApiToken.label == text,
    )).all()
    if not rows:
        raise NotFound(f"{organiser.email} has no API token with the id or label “{text}”.")
    if len(rows) > 1:
        ids = ", ".join(str(row.id) for row in rows)
        raise Conflict(f"{len(rows)} tokens are labelled “{text}” (ids {ids}); give the id.")
    (row,) = rows
    label = row.label
    db.session.delete(row)
    db.session.commit()
    return label
