from flask import Blueprint, Flask
from flask_login import login_required

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """Every organiser page needs a logged-in organiser."""


def init_app(app: Flask) -> None:
    from forum.web.organiser import planner, registrations, routes, speakers  # noqa: F401

    app.register_blueprint(bp)
