"""Issue 12, findings 6 and 7: log-in attempts are limited and cost the same for
unknown addresses; every response carries the browser's security headers."""
from __future__ import annotations

import re

import pytest

from forum import create_app
from forum.services import accounts
from tests.support.factories import open_event_for
from tests.support.mail import mailed_link
from tests.support.web import login

WRONG = {"email": "ada@example.org", "password": "not the password"}
REFUSED = "E-mail or password is wrong."
TOO_MANY = "Too many failed log-ins"


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def _assert_kind_429(response, typed_email: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) > 0
    assert TOO_MANY in page and re.search(r"Please wait \d+ minutes? and try again", page)
    assert f'value="{typed_email}"' in page, "the typed address stays in the form"
    assert 'name="password"' in page and "not the password" not in page


def test_failed_log_ins_from_one_client_are_limited(app, client, organiser):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for i in range(3):
        refused = client.post("/login", data={**WRONG, "email": f"guess{i}@example.org"})
        assert refused.status_code == 422 and REFUSED in refused.get_data(as_text=True)
    _assert_kind_429(client.post("/login", data={**WRONG, "email": "guess3@example.org"}), "guess3@example.org")
    locked = client.post("/login", data={"email": "ada@example.org", "password": "correct horse"})
    assert locked.status_code == 429, "even the right password waits until the window passes"
    assert client.get("/login").status_code == 200, "the page itself stays readable"
    other_client = client.application.test_client()
    assert other_client.post("/login", data={"email": "ada@example.org", "password": "correct horse"},
                             **_from("192.0.2.9")).status_code == 302


def test_one_address_is_limited_however_it_is_typed_and_wherever_from(app, client, organiser, other_organiser):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for i, typed in enumerate(["ada@example.org", " ADA@example.org ", "Ada@Example.Org"]):
        assert client.post("/login", data={**WRONG, "email": typed}, **_from(f"198.51.100.{i}")).status_code == 422
    locked = client.post("/login", data={"email": "ADA@example.org ", "password": "correct horse"},
                         **_from("198.51.100.7"))
    _assert_kind_429(locked, "ADA@example.org ")
    other = client.post("/login", data={"email": "bob@example.org", "password": "battery staple"},
                        **_from("198.51.100.7"))
    assert other.status_code == 302, "another account is not locked"


def test_successful_log_ins_do_not_use_the_budget(app, client, organiser):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(4):
        login(client)
        client.post("/logout")
    assert client.post("/login", data=WRONG).status_code == 422


def test_an_unknown_address_costs_the_same_password_check_as_a_known_one(app, client, organiser, monkeypatch):
    checked = []
    real_check = accounts.check_password_hash

    def counting_check(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$")[0])  # the method and its cost, e.g. scrypt:32768:8:1
        return real_check(pwhash, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting_check)
    unknown = client.post("/login", data={**WRONG, "email": "nobody@example.org"})
    known = client.post("/login", data=WRONG)
    assert unknown.status_code == known.status_code == 422
    assert REFUSED in unknown.get_data(as_text=True) and REFUSED in known.get_data(as_text=True)
    method = organiser.password_hash.split("$")[0]
    assert checked == [method, method], "one check each, of the same cost"


def _assert_protected(response) -> None:
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers, "BASE_URL is http here"


@pytest.mark.parametrize("path", ["/", "/login", "/events/open/", "/events/missing/"])
def test_public_pages_cannot_be_framed(client, organiser, path):
    open_event_for(organiser)
    response = client.get(path)
    assert response.mimetype == "text/html"
    _assert_protected(response)
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_organiser_builder_cannot_be_framed_over_its_buttons(logged_in, organiser):
    open_event_for(organiser)
    response = logged_in.get("/organiser/events/open/")
    assert response.status_code == 200 and "Cancel" in response.get_data(as_text=True)
    _assert_protected(response)


def test_api_and_feed_keep_their_own_caching(client, organiser):
    open_event_for(organiser)
    api = client.get("/api/v1/events/open")
    assert api.status_code == 200 and api.mimetype == "application/json"
    _assert_protected(api)
    feed = client.get("/events/open/calendar.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    _assert_protected(feed)
    assert feed.headers["Cache-Control"] == "public, max-age=300" and feed.headers["ETag"]


def test_secret_link_pages_keep_no_referrer(client, organiser):
    open_event_for(organiser, capacity=5)
    form = {"name": "Ada Lovelace", "email": "attendee@example.org", "organisation": "Analytical Engines",
            "city": "London", "country": "UK", "timezone": "Europe/Amsterdam", "language": "en", "consent": "y"}
    client.post("/events/open/register", data=form)
    page = client.get(f"/registrations/{mailed_link('attendee@example.org')}/")
    assert page.status_code == 200
    _assert_protected(page)
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_hsts_only_when_the_site_is_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app.config["BASE_URL"] = "https://forum.example.org"
    assert re.fullmatch(r"max-age=\d{7,}", client.get("/").headers["Strict-Transport-Security"])


def test_new_token_and_feed_link_pages_are_not_stored(logged_in):
    token_page = logged_in.post("/organiser/account", data={"label": "sync"})
    assert token_page.status_code == 200 and 'id="new-token"' in token_page.get_data(as_text=True)
    assert "no-store" in token_page.headers["Cache-Control"]
    feed_page = logged_in.post("/organiser/account/feed")
    assert feed_page.status_code == 200 and 'id="feed-link"' in feed_page.get_data(as_text=True)
    assert "no-store" in feed_page.headers["Cache-Control"]
    _assert_protected(feed_page)


def test_passwords_are_stored_with_scrypt_outside_the_tests(tmp_path, monkeypatch):
    """The suite hashes cheaply (tests/support/app.py); a real app does not."""
    monkeypatch.setenv("SECRET_KEY", "x")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    with app.app_context():
        assert accounts._hash("correct horse").startswith("scrypt:")
