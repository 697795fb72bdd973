"""Organisers create, edit and publish events through the real forms."""
from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from forum.extensions import db
from forum.models import Event, EventStatus
from tests.support.factories import make_event
from tests.support.web import login

FORM = {
    "title": "Mayors' Summit: Asia-Pacific session", "slug": "", "description": "Three regional sessions.",
    "timezone": "Asia/Seoul", "start": "2026-06-10T09:00", "end": "2026-06-10T12:00",
    "venue": "", "livestream_url": "", "join_url": "https://meet.example.org/mayors", "capacity": "120",
}


def _form(**changes):
    return {**FORM, **changes}


def test_create_event_stores_utc_and_generates_slug(logged_in):
    response = logged_in.post("/organiser/events/new", data=_form())
    assert response.status_code == 302
    event = Event.query.one()
    assert event.slug == "mayors-summit-asia-pacific-session"
    expected = datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    assert event.start_utc == expected
    assert event.capacity == 120 and event.status is EventStatus.DRAFT


def test_slug_collision_gets_suffix_when_generated(logged_in):
    logged_in.post("/organiser/events/new", data=_form())
    logged_in.post("/organiser/events/new", data=_form())
    assert sorted(e.slug for e in Event.query.all()) == [
        "mayors-summit-asia-pacific-session", "mayors-summit-asia-pacific-session-2"]


def test_chinese_title_gets_a_usable_slug(logged_in):
    logged_in.post("/organiser/events/new", data=_form(title="智慧科技防疫"))
    assert Event.query.one().slug == "event"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "“Mars/Olympus” is not a time zone"),
        ({"timezone": ""}, "timezone", "Choose a time zone"),
        ({"title": "   "}, "title", "This field is required"),
        ({"title": "x" * 201}, "title", "Keep it to 200 characters"),
        ({"end": "2026-06-10T08:00"}, "end", "The end must come after the start"),
        ({"start": "not a date"}, "start", "Not a valid datetime value"),
        ({"slug": "Bad Slug!"}, "slug", "Use lower-case letters"),
        ({"join_url": "javascript:alert(1)"}, "join_url", "is not a web address"),
        ({"capacity": "0"}, "capacity", "Capacity is a number of seats"),
        ({"timezone": "Europe/Amsterdam", "start": "2026-03-29T02:30", "end": "2026-03-29T05:00"},
         "start", "02:30 on 2026-03-29 does not exist in Europe/Amsterdam"),
    ],
)
def test_bad_event_input_comes_back_with_message_and_typing_kept(logged_in, changes, field, message):
    data = _form(**changes)
    response = logged_in.post("/organiser/events/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page
    assert "Three regional sessions." in page  # the rest of the typing is kept
    for value in changes.values():
        if value.strip():
            assert html.escape(value) in page, value  # and the bad value too, to be corrected
    assert Event.query.count() == 0


def test_slug_already_taken_is_refused(logged_in, organiser):
    make_event(organiser, slug="taken")
    response = logged_in.post("/organiser/events/new", data=_form(slug="taken"))
    assert response.status_code == 422
    assert "The address “taken” is already taken" in response.get_data(as_text=True)
    assert Event.query.count() == 1


def test_ambiguous_start_asks_which_instant(logged_in):
    data = _form(timezone="America/New_York", start="2026-11-01T01:30", end="2026-11-01T03:00")
    response = logged_in.post("/organiser/events/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "01:30 on 2026-11-01 happens twice in America/New_York" in page
    assert 'name="start_fold"' in page and "EDT" in page and "EST" in page
    assert Event.query.count() == 0

    response = logged_in.post("/organiser/events/new", data={**data, "start_fold": "1"})
    assert response.status_code == 302
    expected = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York"))
    assert Event.query.one().start_utc == expected.astimezone(ZoneInfo("UTC"))


def test_edit_moves_agenda_with_the_event(logged_in, organiser, app):
    from forum.services import agenda

    event = make_event(organiser)
    agenda.add_slot(event, agenda.SlotInput(title="Opening", kind="opening", start=datetime(2026, 5, 6, 16, 0),
                                            end=datetime(2026, 5, 6, 16, 10)))
    response = logged_in.post(f"/organiser/events/{event.slug}/edit", data=_form(
        title=event.title, slug=event.slug, timezone="Asia/Taipei",
        start="2026-05-07T16:00", end="2026-05-07T18:00", move_agenda="y"))
    assert response.status_code == 302
    db.session.expire_all()
    slot = Event.query.one().slots[0]
    assert slot.start_utc == datetime(2026, 5, 7, 16, 0, tzinfo=ZoneInfo("Asia/Taipei"))


def test_edit_without_moving_agenda_refuses_stranded_slots(logged_in, organiser):
    from forum.services import agenda

    event = make_event(organiser)
    agenda.add_slot(event, agenda.SlotInput(title="Opening", kind="opening", start=datetime(2026, 5, 6, 16, 0),
                                            end=datetime(2026, 5, 6, 16, 10)))
    response = logged_in.post(f"/organiser/events/{event.slug}/edit", data=_form(
        title=event.title, slug=event.slug, timezone="Asia/Taipei",
        start="2026-05-08T16:00", end="2026-05-08T18:00"))
    assert response.status_code == 422
    assert "would fall outside the event&#39;s days" in response.get_data(as_text=True)
    db.session.expire_all()
    assert Event.query.one().start_utc == datetime(2026, 5, 6, 16, 0, tzinfo=ZoneInfo("Asia/Taipei"))


def test_publish_unpublish_cancel(logged_in, organiser, client):
    event = make_event(organiser)
    assert client.get(f"/events/{event.slug}/").status_code in (200,)  # organiser preview
    anonymous = client.application.test_client()
    assert anonymous.get(f"/events/{event.slug}/").status_code == 404

    for action, status in [("publish", "published"), ("unpublish", "draft"), ("publish", "published"), ("cancel", "cancelled")]:
        assert logged_in.post(f"/organiser/events/{event.slug}/status", data={"action": action}).status_code == 302
        db.session.expire_all()
        assert Event.query.one().status.value == status
    page = anonymous.get(f"/events/{event.slug}/").get_data(as_text=True)
    assert "This event has been cancelled" in page

    response = logged_in.post(f"/organiser/events/{event.slug}/status", data={"action": "publish"}, follow_redirects=True)
    assert "A cancelled event cannot be published" in response.get_data(as_text=True)


def test_another_organisers_event_is_404_everywhere(client, organiser, other_organiser):
    event = make_event(other_organiser, slug="bobs-event")
    login(client)
    for url in ["/organiser/events/bobs-event/", "/organiser/events/bobs-event/edit",
                "/organiser/events/bobs-event/agenda.csv", "/organiser/events/bobs-event/import"]:
        assert client.get(url).status_code == 404, url
    for url, data in [("/organiser/events/bobs-event/status", {"action": "cancel"}),
                      ("/organiser/events/bobs-event/slots", {"title": "x"}),
                      ("/organiser/events/bobs-event/shift", {"minutes": "10"})]:
        assert client.post(url, data=data).status_code == 404, url
    assert client.get("/events/bobs-event/").status_code == 404  # a draft, not ours
    db.session.expire_all()
    assert db.session.get(Event, event.id).status is EventStatus.DRAFT


def test_dashboard_lists_only_own_events(logged_in, organiser, other_organiser):
    make_event(organiser, title="Ada's forum")
    make_event(other_organiser, title="Bob's forum")
    page = logged_in.get("/organiser/").get_data(as_text=True)
    assert "Ada&#39;s forum" in page and "Bob" not in page


def test_organiser_pages_need_login(client):
    response = client.get("/organiser/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_wrong_password_is_refused_without_saying_which(client, organiser):
    response = client.post("/login", data={"email": "ada@example.org", "password": "wrong"})
    assert response.status_code == 422
    assert "E-mail or password is wrong" in response.get_data(as_text=True)
    assert 'value="ada@example.org"' in response.get_data(as_text=True)


def test_login_ignores_offsite_next(client, organiser):
    response = client.post("/login?next=https://evil.example/", data={"email": "ada@example.org", "password": "correct horse"})
    assert response.headers["Location"] == "/organiser/"


def test_csrf_is_enforced(app, organiser):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post("/login", data={"email": "ada@example.org", "password": "correct horse"})
    assert response.status_code == 400
    assert "CSRF token is missing" in response.get_data(as_text=True)
    assert client.get("/organiser/").status_code == 302  # not logged in


def test_account_page_issues_a_working_token(logged_in, organiser):
    page = logged_in.post("/organiser/account", data={"label": "sync"}).get_data(as_text=True)
    token = page.split('<code id="new-token">')[1].split("<")[0]
    make_event(organiser, slug="mine")
    anonymous = logged_in.application.test_client()
    assert anonymous.get("/api/v1/events/mine", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert token not in logged_in.get("/organiser/account").get_data(as_text=True)  # shown once


def test_co_organiser_sees_and_edits_the_event(client, organiser, other_organiser):
    event = make_event(organiser, slug="shared")
    login(client)
    for email, message in [("nobody@example.org", "No organiser has the address nobody@example.org"),
                           ("not an address", "is not an e-mail address"),
                           ("ada@example.org", "already organises this event")]:
        response = client.post("/organiser/events/shared/organisers", data={"email": email})
        assert response.status_code == 422 and message in response.get_data(as_text=True), email
        assert html.escape(email) in response.get_data(as_text=True)
    assert client.post("/organiser/events/shared/organisers", data={"email": "BOB@example.org "}).status_code == 302
    assert {o.email for o in db.session.get(Event, event.id).organisers} == {"ada@example.org", "bob@example.org"}
    other = client.application.test_client()
    login(other, "bob@example.org", "battery staple")
    assert other.get("/organiser/events/shared/").status_code == 200
