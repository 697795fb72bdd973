"""Rate limits shared by the HTML form and the API that do the same thing."""
from flask import current_app

from forum.extensions import limiter


def _registration_limit() -> str:
    """Read per request, so a deployment (or a test) sets it in configuration."""
    return current_app.config["REGISTRATION_RATE_LIMIT"]


# One budget per client address for the form and the API together: switching
# from one to the other buys no extra attempts.
registration_limit = limiter.shared_limit(_registration_limit, scope="registration")
