"""The app as the tests build it: its settings, a client that behaves like a
separate browser, and an empty database between tests."""
from __future__ import annotations

import contextvars

from flask import has_app_context
from flask.testing import FlaskClient

from forum.extensions import db
from tests.support import openapi

BACKENDS = ["sqlite", "postgresql"]


def app_config(url: str, **extra) -> dict:
    """Settings for a test app on the database at `url`: no CSRF, limits out of
    reach, passwords hashed cheaply (the method is the app's setting; the
    equal cost for unknown addresses is tested with whatever it is)."""
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
            "BASE_URL": "http://localhost", "REGISTRATION_RATE_LIMIT": "100000 per minute",
            "LOGIN_RATE_LIMIT": "100000 per minute", "PASSWORD_HASH": "pbkdf2:sha256:1000", **extra}


class IsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real request is.

    Flask reuses an active app context, and with it `g` (where Flask-Login
    keeps the user) and the database session: without this, one client's
    login would leak into another's requests. Afterwards the test's own
    session is expired so that it reads what the request wrote, and an
    answer of the API is held to its OpenAPI document (tests/support/openapi.py).
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        openapi.check(self.application, response)
        if has_app_context():  # not in the nested call that follows a redirect
            db.session.expire_all()
        return response


def wipe_database() -> None:
    """Every row gone, the schema kept: the next test (or example) starts empty."""
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
