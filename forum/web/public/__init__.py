from flask import Blueprint, Flask

bp = Blueprint("public", __name__)


def init_app(app: Flask) -> None:
    from forum.web.public import calendars, registrations, routes  # noqa: F401  (register the views on bp)

    app.register_blueprint(bp)
