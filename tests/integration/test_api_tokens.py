"""API tokens: listed on the account page, revoked there or from the CLI, optionally expiring."""
from __future__ import annotations

from datetime import timedelta

import pytest

from forum.extensions import db
from forum.models import ApiToken
from forum.services import accounts
from forum.timezones import now_utc
from tests.support.factories import make_event


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _api(app, token: str):
    """An organiser-only API call, from a client that is not logged in."""
    return app.test_client().get("/api/v1/events/mine/registrations", headers=_bearer(token))


def _new_token(client, **data) -> str:
    page = client.post("/organiser/account", data=data).get_data(as_text=True)
    return page.split('<code id="new-token">')[1].split("<")[0]


def _row(token: str) -> ApiToken:
    from forum.services.tokens import hash_token

    return db.session.scalar(db.select(ApiToken).filter_by(token_hash=hash_token(token)))


def test_account_page_lists_tokens_and_revoke_stops_them_at_once(app, logged_in, organiser):
    make_event(organiser, slug="mine")
    token = _new_token(logged_in, label="sync")
    assert _api(app, token).status_code == 200
    row = _row(token)

    page = logged_in.get("/organiser/account")
    assert page.headers["Cache-Control"] == "private, no-store"
    listed = page.get_data(as_text=True).split('id="tokens"')[1].split("</table>")[0]
    assert f"sync <small>(id {row.id})" in listed and f"/organiser/account/tokens/{row.id}/revoke" in listed
    assert listed.count("never") == 1  # used already; no expiry
    assert token not in page.get_data(as_text=True)

    response = logged_in.post(f"/organiser/account/tokens/{row.id}/revoke", follow_redirects=True)
    assert "Token “sync” revoked" in response.get_data(as_text=True)
    refused = _api(app, token)
    assert refused.status_code == 401
    assert "The bearer token is not valid" in refused.get_json()["error"]["message"]
    assert 'id="tokens"' not in logged_in.get("/organiser/account").get_data(as_text=True)


def test_another_organisers_token_cannot_be_revoked(app, logged_in, other_organiser):
    make_event(other_organiser, slug="mine")
    theirs = accounts.issue_api_token(other_organiser, "theirs")
    response = logged_in.post(f"/organiser/account/tokens/{_row(theirs).id}/revoke")
    assert response.status_code == 404
    assert _api(app, theirs).status_code == 200


def test_revoke_needs_the_csrf_token(app, logged_in, organiser):
    make_event(organiser, slug="mine")
    token = accounts.issue_api_token(organiser, "kept")
    app.config["WTF_CSRF_ENABLED"] = True
    assert logged_in.post(f"/organiser/account/tokens/{_row(token).id}/revoke").status_code == 400
    assert _api(app, token).status_code == 200


def test_token_with_expiry_works_until_it_expires(app, logged_in, organiser):
    make_event(organiser, slug="mine")
    token = _new_token(logged_in, label="month", days="30")
    row = _row(token)
    assert abs(row.expires_at - (now_utc() + timedelta(days=30))) < timedelta(minutes=1)
    assert _api(app, token).status_code == 200

    row.expires_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    refused = _api(app, token)
    assert refused.status_code == 401
    assert "The bearer token expired at" in refused.get_json()["error"]["message"]
    assert "expired" in logged_in.get("/organiser/account").get_data(as_text=True).split('id="tokens"')[1]


@pytest.mark.parametrize("days", ["abc", "0", "3651", "-1", "1.5", "٣", "99999999999999999999"])
def test_bad_expiry_is_a_message_beside_the_field(logged_in, days):
    response = logged_in.post("/organiser/account", data={"label": "typed label", "days": days})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="days-error">Type a whole number of days from 1 to 3650' in page
    assert f'value="{days}"' in page and 'value="typed label"' in page
    assert 'id="new-token"' not in page
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_label_that_cannot_be_stored_is_a_message_not_a_500(logged_in):
    response = logged_in.post("/organiser/account", data={"label": "nul\x00byte"})
    assert response.status_code == 422
    assert 'id="label-error">This holds U+0000' in response.get_data(as_text=True)


def test_last_use_is_written_at_most_once_a_minute(app, organiser):
    make_event(organiser, slug="mine")
    token = accounts.issue_api_token(organiser)
    assert _row(token).last_used_at is None
    _api(app, token)
    first = _row(token).last_used_at
    assert first is not None
    _api(app, token)
    assert _row(token).last_used_at == first

    _row(token).last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    _api(app, token)
    assert _row(token).last_used_at > first - timedelta(minutes=2)


def test_cli_token_with_days_and_refused_days(runner, organiser):
    result = runner.invoke(args=["organiser", "token", "ada@example.org", "--days", "7"])
    assert result.exit_code == 0, result.output
    expires_at = _row(result.output.strip()).expires_at
    assert abs(expires_at - (now_utc() + timedelta(days=7))) < timedelta(minutes=1)

    refused = runner.invoke(args=["organiser", "token", "ada@example.org", "--days", "0"])
    assert refused.exit_code != 0
    assert "days: Type a whole number of days from 1 to 3650" in refused.output


def test_cli_revokes_by_label_or_id_and_only_the_organisers_own(app, runner, organiser, other_organiser):
    make_event(organiser, slug="mine")
    sync = accounts.issue_api_token(organiser, "sync")
    first, second = accounts.issue_api_token(organiser, "ci"), accounts.issue_api_token(organiser, "ci")
    theirs = accounts.issue_api_token(other_organiser, "sync")

    result = runner.invoke(args=["organiser", "revoke-token", "ada@example.org", "sync"])
    assert result.exit_code == 0, result.output
    assert _api(app, sync).status_code == 401
    assert _row(theirs) is not None

    ambiguous = runner.invoke(args=["organiser", "revoke-token", "ada@example.org", "ci"])
    assert ambiguous.exit_code != 0 and "2 tokens are labelled “ci”" in ambiguous.output
    assert _api(app, first).status_code == 200

    by_id = runner.invoke(args=["organiser", "revoke-token", "ada@example.org", str(_row(first).id)])
    assert by_id.exit_code == 0, by_id.output
    assert _api(app, first).status_code == 401 and _api(app, second).status_code == 200

    foreign = runner.invoke(args=["organiser", "revoke-token", "ada@example.org", str(_row(theirs).id)])
    assert foreign.exit_code != 0 and "has no API token" in foreign.output
    assert _row(theirs) is not None
    unknown = runner.invoke(args=["organiser", "revoke-token", "nobody@example.org", "sync"])
    assert unknown.exit_code != 0 and "No organiser nobody@example.org" in unknown.output

