"""Settings from environment variables, with defaults that run out of the box."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _instance_secret(instance_path: Path) -> str:
    """A development secret generated once and kept under instance/.

    Sessions survive restarts of `make run` without anyone having to pick a
    key; production sets SECRET_KEY instead.
    """
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def rate_limit_storage(environ) -> str:
    """Where rate limits are counted: Redis when REDIS_URL is set, so every
    worker and host shares one count; else each process counts alone."""
    return environ.get("RATELIMIT_STORAGE_URI") or environ.get("REDIS_URL") or "memory://"


def from_environment(instance_path: Path) -> dict:
    database_url = os.environ.get(
        "DATABASE_URL", f"sqlite:///{instance_path / 'forum.sqlite3'}"
    )
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://"):]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A pooled connection is tested before each use, so after the database
        # restarts the next request reconnects instead of failing on a dead one.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Empty: e-mails use http://127.0.0.1:8000 and pages the host they are served at (forum.urls).
        "BASE_URL": os.environ.get("BASE_URL", "").rstrip("/"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        # The server offers SMTPUTF8 (RFC 6531): only then are addresses like jörg@example.org accepted.
        "MAIL_SMTPUTF8": _bool("MAIL_SMTPUTF8"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "forum@localhost"),
        "MAIL_DIR": os.environ.get("MAIL_DIR", ""),  # without MAIL_SERVER; default instance/mail
        # Per client address, on the registration form and API.
        "REGISTRATION_RATE_LIMIT": os.environ.get("REGISTRATION_RATE_LIMIT", "10 per minute; 60 per hour"),
        # Failed log-ins, per client address and per e-mail address, each counted on its own.
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute; 20 per hour"),
        "RATELIMIT_STORAGE_URI": rate_limit_storage(os.environ),
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host
        # are trusted (werkzeug's ProxyFix): without it, behind a proxy every
        # visitor shares the proxy's address, and its one rate-limit budget.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "RATELIMIT_HEADERS_ENABLED": True,
        # werkzeug's method for organisers' passwords; the tests set a cheap one
        # (each test's organiser would otherwise cost a tenth of a second).
        "PASSWORD_HASH": "scrypt",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE"),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,  # above the photo limit, so a large photo gets a message
        "API_TITLE": "Forum scheduler API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
