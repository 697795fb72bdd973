"""Organiser log in and log out."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_login import login_required, login_user, logout_user

from forum.extensions import db, limiter
from forum.models import Organiser
from forum.services import accounts
from forum.web.auth import bp
from forum.web.auth.forms import LoginForm
from forum.web.forms import status_of, submit
from forum.web.limits import login_limit


def load_user(user_id: str) -> Organiser | None:
    return db.session.get(Organiser, int(user_id)) if user_id.isdigit() else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page cannot bounce people elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("organiser.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login():
    form = LoginForm()
    organiser = submit(form, lambda: accounts.authenticate(form.email.data, form.password.data))
    if organiser is None:
        return render_template("auth/login.html", form=form), status_of(form)
    login_user(organiser)
    return redirect(_safe_next(request.args.get("next")))


@bp.errorhandler(RateLimitExceeded)
def too_many_log_ins(error: RateLimitExceeded):
    """The log-in form again, with the typed address and how long to wait (also in Retry-After)."""
    form = LoginForm()
    limit = limiter.current_limit
    assert limit is not None, "a limit was exceeded, so the limiter names it"
    minutes = max(1, round((limit.reset_at - time.time()) / 60))
    form.form_errors.append(f"Too many failed log-ins for this address or from your network. "
                            f"Please wait {minutes} minute{'s' if minutes != 1 else ''} and try again.")
    return render_template("auth/login.html", form=form), 429


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are logged out.")
    return redirect(url_for("public.index"))
