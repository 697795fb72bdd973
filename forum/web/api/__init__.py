"""JSON API under /api/v1/, described by the OpenAPI document its schemas generate."""
from flask import Flask

from forum.extensions import api, csrf


def init_app(app: Flask) -> None:
    from forum.web.api import registrations, speakers
    from forum.web.api.routes import blp

    api.init_app(app, spec_kwargs={"info": {"description": "Multi-timezone agendas for online forums."}})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "Token from `flask organiser token EMAIL`."}
    )
    for blueprint in (blp, registrations.blp, speakers.blp):
        csrf.exempt(blueprint)  # bearer tokens, never cookies: nothing for a forged form to ride on
        api.register_blueprint(blueprint)
