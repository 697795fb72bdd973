"""The forum scheduler: multi-timezone agendas for online forums and workshops."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build an application; `config` overrides the environment (tests)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    configure(app, config)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    configure_logger(app)
    return app


def configure(app: Flask, config: dict | None) -> None:
    from forum.config import from_environment

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(from_environment(instance))
    if config:
        app.config.from_mapping(config)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address, scheme
    and host come from their X-Forwarded-* headers (and only then)."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]  # Flask's way to wrap it


def register_extensions(app: Flask) -> None:
    from forum import models  # noqa: F401  (mappers must be known before use)
    from forum.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in to manage your events."


def register_blueprints(app: Flask) -> None:
    from forum import web
    from forum.web import api, auth, organiser, public, speaker

    web.init_app(app)
    public.init_app(app)
    auth.init_app(app)
    organiser.init_app(app)
    speaker.init_app(app)
    api.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from forum.web.errors import init_app

    init_app(app)


def register_security_headers(app: Flask) -> None:
    from forum.web.headers import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from forum.cli import init_app

    init_app(app)


def configure_logger(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
