"""A real server (gunicorn on a migrated SQLite file, demo loaded) and Debian's Chromium.

These tests do not use the `app` fixture of tests/conftest.py: the browser
needs a server listening on a port, run the way production runs it.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.support import gunicorn
from tests.support.gunicorn import BIN, ROOT
from tests.support.pg import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 10_000  # a page of this app answers in well under a second; fail fast instead of at 30 s


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


class Server(str):
    """The base URL, plus what a test needs to run the app's commands beside it."""

    def __new__(cls, base: str, env: dict, mail_dir: Path):
        server = super().__new__(cls, base)
        server.env, server.mail_dir = env, mail_dir
        return server

    def deliver_mail(self) -> list[Path]:
        """Run the outbox worker once, as `make run` does in the background."""
        _run([str(BIN / "flask"), "outbox", "work", "--once"], self.env)
        return sorted(self.mail_dir.glob("*.eml"))


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Base URL of gunicorn serving the demo; stopped at the end of the session."""
    tmp = tmp_path_factory.mktemp("browser")
    port = free_port()
    env = {
        **os.environ, "FLASK_APP": "wsgi", "SECRET_KEY": "test",
        "DATABASE_URL": f"sqlite:///{tmp / 'b.sqlite3'}", "MAIL_SERVER": "", "MAIL_DIR": str(tmp / "mail"),
        "BASE_URL": f"http://127.0.0.1:{port}",
    }
    _run([str(BIN / "flask"), "db", "upgrade"], env)
    _run([str(BIN / "flask"), "demo", "--upcoming"], env)
    with gunicorn.serve(env, tmp / "gunicorn.log", workers=1, port=port) as base:
        yield Server(base, env, tmp / "mail")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        raise RuntimeError("Debian's chromium is missing: apt-get install chromium (`make test` does).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Pages in fresh contexts (cookies, zone, JavaScript) closed after the test."""
    contexts = []

    def make(**context_options):
        context = browser.new_context(**context_options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
