from flask import Blueprint, Flask

bp = Blueprint("public", __name__)


def init_app(app: Flask) -> None:
    from forum.web.public import routes  # noqa: F401  (registers the views on bp)

    app.register_blueprint(bp)
