"""The planner's regional split on the organiser's page: sessions that keep
everyone out of the night, moving people between them, and creating them as
slots of the event in one change.

The cities are the 2020 Smart City Mayors' Summit's (three regional sessions
hosted from Taipei); local times are checked against the zoneinfo oracle."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import OutboxMessage, Slot
from forum.services import plans
from forum.services.plans import ParticipantFields
from tests.support.factories import make_event

DAY = "2020-08-13"
CITIES = {  # label: zone, as GeoNames gives each city (Midvaal is a municipality: its zone)
    "Prague": "Europe/Prague", "Midvaal": "Africa/Johannesburg", "Izmir": "Europe/Istanbul",
    "Budapest": "Europe/Budapest", "Moscow": "Europe/Moscow", "Taipei": "Asia/Taipei",
    "Cranston": "America/New_York", "Medellin": "America/Bogota", "Belmopan": "America/Belize",
    "Guayaquil": "America/Guayaquil", "Wellington": "Pacific/Auckland", "Goyang": "Asia/Seoul",
}


@pytest.fixture
def summit(organiser):
    """A two-day event around 13 August 2020 (Taipei) with the summit's cities in its plan."""
    event = make_event(organiser, slug="summit", start=datetime(2020, 8, 13, 0, 0), end=datetime(2020, 8, 14, 23, 0))
    for label, zone in CITIES.items():
        plans.add_participant(event, ParticipantFields(label=label, timezone=zone))
    return event


def _sessions(client, **query):
    return client.get("/organiser/events/summit/planner", query_string={"date": DAY, "duration": "90", **query})


def _view(event, **query):
    from forum.services import pages

    return pages.planner_page(event, plans.PlanQuery(date=DAY, duration="90", **query))


def test_three_sessions_keep_every_city_out_of_the_night(logged_in, summit):
    response = _sessions(logged_in, sessions="3")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "3 regional sessions on" in html
    page = _view(summit, sessions="3")
    assert len(page.sessions) == 3
    seen = []
    for session in page.sessions:
        for member, _, placement in session.suggestion.people:
            local = session.suggestion.option.start_utc.astimezone(ZoneInfo(member.timezone))
            assert placement.local_start.replace(tzinfo=None) == local.replace(tzinfo=None)
            end = session.suggestion.option.end_utc.astimezone(ZoneInfo(member.timezone))
            assert 7 <= local.hour and (end.hour, end.minute) <= (22, 0) and end.date() == local.date(), member.label
            seen.append(member.label)
        assert f"Session {session.number}" in html and session.suggestion.when in html
    assert sorted(seen) == sorted(CITIES)


def test_moving_a_person_recomputes_that_sessions_start(logged_in, summit):
    page = _view(summit, sessions="3")
    groups = [str(n) for n in page.session_of]
    moscow = [m.label for m in page.members].index("Moscow")
    americas = next(s.number for s in page.sessions if any(m.label == "Cranston" for m, _, _ in s.suggestion.people))
    groups[moscow] = str(americas)
    moved = _view(summit, sessions="3", groups=tuple(groups))
    session = next(s for s in moved.sessions if "Moscow" in [m.label for m, _, _ in s.suggestion.people])
    assert "Cranston" in [m.label for m, _, _ in session.suggestion.people]
    before = next(s for s in page.sessions if s.number == americas)
    assert session.suggestion.option.score < before.suggestion.option.score  # Moscow's evening costs the Americas
    americas = session.number  # sessions are numbered by their start, after the move too
    response = logged_in.get("/organiser/events/summit/planner",
                             query_string=[("date", DAY), ("duration", "90"), ("sessions", "3")] +
                             [("g", g) for g in groups])
    assert response.status_code == 200
    select = response.get_data(as_text=True).split(f'id="g-{moscow}"')[1].split("</select>")[0]
    assert f'<option value="{americas}" selected>' in select


def test_stale_groups_fall_back_to_the_proposed_split(logged_in, summit):
    assert len(_view(summit, sessions="3", groups=("1", "9")).sessions) == 3


def test_creating_the_sessions_adds_one_slot_each_in_one_change(logged_in, summit):
    page = _view(summit, sessions="3")
    data = {"title": "Mayors' Summit", "start": [s.suggestion.start for s in page.sessions],
            "members": [s.who for s in page.sessions]}
    outbox = db.session.query(OutboxMessage).count()
    response = logged_in.post(f"/organiser/events/summit/planner/sessions?date={DAY}&duration=90&sessions=3", data=data)
    assert response.status_code == 302 and "/organiser/events/summit/" in response.headers["Location"]
    slots = db.session.scalars(select(Slot).where(Slot.event_id == summit.id).order_by(Slot.start_utc)).all()
    assert [s.title for s in slots] == [f"Mayors' Summit (session {n} of 3)" for n in (1, 2, 3)]
    for slot, session in zip(slots, page.sessions, strict=True):
        assert slot.start_utc == session.suggestion.option.start_utc
        assert (slot.end_utc - slot.start_utc).total_seconds() == 90 * 60
        assert slot.description == f"For {session.who}."
    assert db.session.query(OutboxMessage).count() == outbox  # a draft agenda: nobody is mailed yet


@pytest.mark.parametrize("change, message", [
    ({"start": ["2020-08-20T08:00:00Z", "2020-08-13T16:00:00Z"]}, "Slot 1: The slot falls outside the event"),
    ({"start": ["not a time", "2020-08-13T16:00:00Z"]}, "Choose the sessions the planner proposed."),
    ({"members": ["only one"]}, "Choose the sessions the planner proposed."),
    ({"title": "two\nlines"}, "Keep it on one line."),
])
def test_refused_sessions_change_nothing_and_keep_the_page(logged_in, summit, change, message):
    data = {"title": "Summit", "start": ["2020-08-13T02:00:00Z", "2020-08-13T16:00:00Z"],
            "members": ["Wellington", "Cranston"], **change}
    response = logged_in.post(f"/organiser/events/summit/planner/sessions?date={DAY}&duration=90&sessions=2", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert "2 regional sessions on" in html  # the page as it was asked
    assert db.session.query(Slot).filter_by(event_id=summit.id).count() == 0


def test_more_sessions_than_people_is_refused_beside_the_field(logged_in, organiser):
    event = make_event(organiser, slug="small")
    plans.add_participant(event, ParticipantFields(label="Solo", timezone="Asia/Taipei"))
    response = logged_in.get("/organiser/events/small/planner", query_string={"sessions": "2"})
    assert response.status_code == 422 and "2 sessions need at least 2 participants" in response.get_data(as_text=True)

