"""Rate limits: the registration budget shared by the form and the API, and log-in attempts."""
from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address

from forum.extensions import limiter
from forum.services.accounts import normalise_email


def _configured(name: str) -> Callable[[], str]:
    """Read per request, so a deployment (or a test) sets it in configuration."""
    return lambda: current_app.config[name]


# One budget per client address for the form and the API together: switching
# from one to the other buys no extra attempts.
registration_limit = limiter.shared_limit(_configured("REGISTRATION_RATE_LIMIT"), scope="registration")


def _submitted_email() -> str:
    """The address as the account lookup reads it: another case or spaces buy no extra attempts."""
    return "email:" + normalise_email(request.form.get("email", ""))


def _failed(response: Response) -> bool:
    """Only a refused log-in counts, so an organiser who logs in often is never locked out."""
    return response.status_code == 422


def login_limit(view):
    """Failed log-ins per client address (one client trying many accounts) and per
    submitted e-mail address (many clients trying one account), each with its own budget."""
    for key in (get_remote_address, _submitted_email):
        view = limiter.limit(_configured("LOGIN_RATE_LIMIT"), key_func=key, methods=["POST"],
                             deduct_when=_failed)(view)
    return view
