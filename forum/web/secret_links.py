"""Pages and files behind a secret link: nothing may leak the link onwards."""
from __future__ import annotations

from werkzeug.wrappers import Response


def private(response: Response) -> Response:
    """No Referer to other sites, no shared caches, no search engines."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, no-cache" if response.mimetype == "text/calendar" else "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
