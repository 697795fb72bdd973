"""Secret links and bearer tokens: 32 random bytes, only their SHA-256 stored."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from forum import timezones

MAX_LIVE_LINKS = 5  # per registration or speaker; every e-mail carries a new one
TOUCH_EVERY = timedelta(hours=1)  # how finely a link's last use is recorded


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(token to hand out once, hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def new_link(owner) -> str:
    """Give `owner` (a registration or a speaker) a fresh link for the next
    e-mail, ending those beyond MAX_LIVE_LINKS: first the ones in old e-mails
    nobody opened, oldest first, then the least recently used, so the link a
    calendar subscribed to outlives any number of e-mails."""
    links = owner.links  # a delete-orphan collection
    link_class = type(owner).links.property.mapper.class_
    token, token_hash = new_token()
    live = sorted((link for link in links if getattr(link, "ended_at", None) is None), key=lambda link: (
        link.last_used_at is not None, link.last_used_at or link.created_at, link.id))
    for stale in live[:max(len(live) - MAX_LIVE_LINKS + 1, 0)]:
        links.remove(stale)
    links.append(link_class(token_hash=token_hash, created_at=timezones.now_utc()))
    return token


def touched(link) -> bool:
    """Record the link's use, to the hour (so `new_link` keeps the links in use);
    whether it changed, for the caller to commit."""
    now = timezones.now_utc()
    if link.last_used_at is None or now - link.last_used_at >= TOUCH_EVERY:
        link.last_used_at = now
        return True
    return False
