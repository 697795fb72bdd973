"""Secret links and bearer tokens: 32 random bytes, only their SHA-256 stored."""
from __future__ import annotations

import hashlib
import secrets


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(token to hand out once, hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)
