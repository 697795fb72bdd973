"""Rate limits shared by the HTML form and the API that do the same thing."""
from flask import current_app


def registration_limit() -> str:
    """Read per request, so a deployment (or a test) sets it in configuration."""
    return current_app.config["REGISTRATION_RATE_LIMIT"]
