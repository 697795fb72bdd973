from flask import Blueprint, Flask

bp = Blueprint("speaker", __name__)


def init_app(app: Flask) -> None:
    from forum.web.speaker import routes  # noqa: F401  (registers the views on bp)

    app.register_blueprint(bp)
