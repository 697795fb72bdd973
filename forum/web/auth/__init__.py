from flask import Blueprint, Flask

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    from forum.extensions import login_manager
    from forum.web.auth import routes

    login_manager.user_loader(routes.load_user)
    app.register_blueprint(bp)
