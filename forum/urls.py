"""Every absolute link the forum writes, from one place.

Links that leave the request (e-mails, calendar feeds, which clients keep
for months) use BASE_URL: the worker and the CLI have no request to take a
host from. Links shown on a page or in an API answer use the host the
reader asked for, unless BASE_URL is set explicitly (behind a proxy that
rewrites the host, say).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def base_url() -> str:
    return current_app.config.get("BASE_URL") or DEFAULT_BASE_URL


def external(endpoint: str, **values) -> str:
    """`endpoint`'s URL under BASE_URL, with or without a request."""
    base = urlsplit(base_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def shown(endpoint: str, **values) -> str:
    """`endpoint`'s URL as the reader of this page reaches the site."""
    if current_app.config.get("BASE_URL") or not has_request_context():
        return external(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def webcal(url: str) -> str:
    """The subscribe form of an http(s) feed URL."""
    return "webcal://" + url.split("://", 1)[-1]
