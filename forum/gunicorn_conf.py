"""gunicorn settings for `make run` (`gunicorn -c python:forum.gunicorn_conf`):
a warning when rate limits cannot hold across its workers."""
from __future__ import annotations

import os

from forum.config import rate_limit_storage


def when_ready(server) -> None:
    """With several workers, `memory://` counts each worker's requests apart:
    a limit of 10 lets 10 through per worker. Redis counts them together."""
    storage = rate_limit_storage(os.environ)
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        server.log.warning(
            "rate limits are counted per worker (%s workers on %s): each worker lets the full limit "
            "through; set REDIS_URL to count them together", server.cfg.workers, storage)
