"""Organiser accounts: creation, passwords and API tokens."""
from __future__ import annotations

import secrets
from functools import cache

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from forum.extensions import db
from forum.mail import wire_address
from forum.models import ApiToken, Organiser
from forum.services.errors import Invalid
from forum.services.tokens import hash_token, new_token
from forum.services.validation import Checker

MIN_PASSWORD_LENGTH = 8


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
    organiser = Organiser(email=email, name=name.strip(), password_hash=generate_password_hash(password))
    db.session.add(organiser)
    db.session.commit()
    return organiser


def find_organiser(email: str) -> Organiser | None:
    return db.session.scalar(select(Organiser).where(Organiser.email == normalise_email(email)))


@cache
def _unknown_address_hash() -> str:
    """A hash made like an organiser's (same method and cost) that no password matches."""
    return generate_password_hash(secrets.token_urlsafe(32))


def authenticate(email: str, password: str) -> Organiser:
    """The organiser with these credentials; one message for both failures.

    An unknown address is checked against a hash of the same cost, so the time
    an answer takes does not tell which addresses have accounts.
    """
    organiser = find_organiser(email)
    password_hash = organiser.password_hash if organiser else _unknown_address_hash()
    if not check_password_hash(password_hash, password or "") or organiser is None:
        raise Invalid({"password": "E-mail or password is wrong."})
    return organiser


def issue_api_token(organiser: Organiser, label: str = "") -> str:
    """A new bearer token; returned once, stored only as a hash."""
    token, token_hash = new_token()
    db.session.add(ApiToken(organiser=organiser, token_hash=token_hash, label=label[:100]))
    db.session.commit()
    return token


def organiser_for_token(token: str) -> Organiser | None:
    if not token:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    return row.organiser if row else None

