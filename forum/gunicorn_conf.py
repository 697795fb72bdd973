"""gunicorn settings for `make run` (`gunicorn -c python:forum.gunicorn_conf`):
an access log without secrets, and a warning when rate limits cannot hold
across its workers."""
from __future__ import annotations

import os
import re

from gunicorn.glogging import Logger

from forum.config import rate_limit_storage

# A secret link's token is the path segment after these; whoever reads the
# log must not be able to open an attendee's page or a speaker's answers.
SECRET_PATH = re.compile(r"(/(?:registrations|speakers|organisers)/)[^/?\s]+")


def mask(text: str) -> str:
    return SECRET_PATH.sub(r"\1[secret]", text)


class MaskedLogger(Logger):
    """gunicorn's access log with secret links' tokens replaced."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = mask(atoms[key])
        return atoms


logger_class = MaskedLogger


def when_ready(server) -> None:
    """With several workers, `memory://` counts each worker's requests apart:
    a limit of 10 lets 10 through per worker. Redis counts them together."""
    storage = rate_limit_storage(os.environ)
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        server.log.warning(
            "rate limits are counted per worker (%s workers on %s): each worker lets the full limit "
            "through; set REDIS_URL to count them together", server.cfg.workers, storage)
