"""Rate limits that hold: counted in Redis across gunicorn's workers, per
visitor behind trusted proxies, and a warning at start when they cannot hold."""
from __future__ import annotations

import os
import subprocess
import urllib.error
import urllib.request

import pytest

from forum import create_app
from forum.services import accounts
from tests.support.app import app_config, wipe_database
from tests.support.factories import open_event_for
from tests.support.gunicorn import BIN, ROOT, serve

FIVE = "5 per minute"


@pytest.fixture
def served_env(tmp_path):
    """What gunicorn needs to serve a migrated SQLite file."""
    env = {**os.environ, "FLASK_APP": "wsgi", "SECRET_KEY": "limits", "MAIL_SERVER": "",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'limits.sqlite3'}", "REGISTRATION_RATE_LIMIT": FIVE}
    env.pop("REDIS_URL", None)
    env.pop("RATELIMIT_STORAGE_URI", None)
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def _statuses(base: str, count: int) -> list[int]:
    statuses = []
    for _ in range(count):
        request = urllib.request.Request(f"{base}/api/v1/events/nope/registrations", data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


@pytest.mark.slow  # gunicorn
def test_two_workers_share_one_budget_in_redis(served_env, redis_server, tmp_path):
    log = tmp_path / "gunicorn.log"
    with serve({**served_env, "REDIS_URL": redis_server.url}, log, workers=2) as base:
        statuses = _statuses(base, 12)
    assert 429 not in statuses[:5] and statuses[5:] == [429] * 7, statuses
    assert "counted per worker" not in log.read_text()


@pytest.mark.slow  # gunicorn
def test_several_workers_counting_in_memory_are_warned_about(served_env, tmp_path):
    log = tmp_path / "gunicorn.log"
    with serve(served_env, log, workers=2):
        pass
    assert "rate limits are counted per worker (2 workers on memory://)" in log.read_text()
    with serve(served_env, log, workers=1):
        pass
    assert "counted per worker" not in log.read_text()  # one worker counts everything itself


@pytest.mark.parametrize("trusted", [0, 1])
def test_behind_a_proxy_each_visitor_has_their_own_budget_only_when_trusted(database_urls, trusted):
    app = create_app(app_config(database_urls("sqlite"), REGISTRATION_RATE_LIMIT="2 per minute",
                             TRUSTED_PROXIES=trusted, BASE_URL=""))
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    def post(visitor: str) -> int:
        return client.post("/api/v1/events/nope/registrations", json={}, environ_base=proxy,
                           headers={"X-Forwarded-For": visitor}).status_code

    assert [post("203.0.113.5") for _ in range(3)] == [422, 422, 429]
    assert post("198.51.100.7") == (422 if trusted else 429)  # else all share the proxy's budget
    with app.app_context():
        open_event_for(accounts.create_organiser("ada@example.org", "correct horse"))
        listing = client.get("/api/v1/events", environ_base=proxy,
                             headers={"X-Forwarded-Host": "forum.example.org", "X-Forwarded-Proto": "https"})
        (event,) = listing.get_json()["events"]
        assert event["url"] == ("https://forum.example.org/events/open/" if trusted else "http://localhost/events/open/")
        wipe_database()


@pytest.mark.slow  # gunicorn
def test_the_access_log_masks_secret_links(served_env, tmp_path):
    log = tmp_path / "gunicorn.log"
    token = "c2VjcmV0LXRva2VuLW9mLWFuLWF0dGVuZGVlLWxpbms"
    with serve(served_env, log, workers=1, access_log=True) as base:
        for path in (f"/registrations/{token}/", f"/speakers/{token}/calendar.ics", f"/organisers/{token}/calendar.ics"):
            try:
                urllib.request.urlopen(base + path, timeout=10).close()
            except urllib.error.HTTPError as error:
                assert error.code == 404
    text = log.read_text()
    assert token not in text
    assert "GET /registrations/[secret]/ HTTP/1.1" in text and "/speakers/[secret]/calendar.ics" in text
