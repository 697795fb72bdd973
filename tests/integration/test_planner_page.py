"""The organiser's planner page: who is in the plan, everyone's day as a
table, the best starts explained, and "use this time" into the agenda.

Local times on the grid are checked against the zoneinfo oracle; pages are
read as a person reads them (the table's cells, the messages beside fields)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import ParticipantKind, PlanParticipant, Slot, Speaker
from forum.services import agenda, plans, registrations, speakers
from forum.services.agenda import SlotInput
from forum.services.planner import ParticipantInput, PlanInput, suggest
from forum.services.plans import ParticipantFields
from forum.services.registrations import RegistrationInput
from forum.services.speakers import SpeakerInput
from tests.support.factories import make_event, open_event_for
from tests.support.oracle import oracle_comfort, oracle_start_of_day, utc
from tests.support.web import login

TAIPEI = "Asia/Taipei"


class _Tables(HTMLParser):
    """The rows of every table with `class_` as lists of cell texts, header cells included."""

    def __init__(self, class_: str):
        super().__init__()
        self.class_, self.depth, self.rows, self.cell = class_, 0, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and self.class_ in (attrs.get("class") or "").split():
            self.depth = 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.depth = 0
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def _grid(response) -> dict[str, list[str]]:
    """The day grid: its rows by their header's first words (the label), cells after it."""
    parser = _Tables("plan-grid")
    parser.feed(response.get_data(as_text=True))
    return {row[0]: row[1:] for row in parser.rows}


def _page(client, slug="forum", **query):
    return client.get(f"/organiser/events/{slug}/planner", query_string=query)


@pytest.fixture
def forum(organiser):
    """The workshop 16:00-18:00 Taipei on Wed 6 May 2026, with a talk at 16:00 and speakers in Utrecht and Darwin."""
    event = make_event(organiser, slug="forum")
    agenda.add_slot(event, SlotInput(title="Opening talk", start=datetime(2026, 5, 6, 16),
                                     end=datetime(2026, 5, 6, 16, 45), timezone=TAIPEI))
    speakers.add_speaker(event, SpeakerInput(name="Wim de Vries", email="wim@example.org", city="Utrecht",
                                             timezone="Europe/Amsterdam"))
    speakers.add_speaker(event, SpeakerInput(name="Kylie Brown", email="kylie@example.org", city="Darwin",
                                             timezone="Australia/Darwin"))
    return event


def _added(event) -> dict[str, PlanParticipant]:
    db.session.expire_all()
    return {p.label: p for p in db.session.scalars(select(PlanParticipant).where(PlanParticipant.event_id == event.id))}


def _add(client, **fields):
    return client.post("/organiser/events/forum/planner/participants?date=2026-05-06", data=fields)


def test_speakers_rows_show_their_local_time_at_every_start(logged_in, forum):
    """Across the day Europe moves its clocks (Sun 29 Mar 2026), each cell against the oracle,
    with the marks for the next or previous local day and the weekend."""
    response = _page(logged_in, date="2026-03-29", duration="60", step="30")
    assert response.status_code == 200
    grid = _grid(response)
    first = oracle_start_of_day(date(2026, 3, 29), TAIPEI)
    starts = [first + timedelta(minutes=30 * n) for n in range(48)]
    assert grid["Event time (Asia/Taipei)"] == [f"{s.astimezone(ZoneInfo(TAIPEI)):%H:%M}" for s in starts]
    for label, zone in (("Wim de Vries", "Europe/Amsterdam"), ("Kylie Brown", "Australia/Darwin")):
        (row,) = [cells for name, cells in grid.items() if name.startswith(label)]
        assert len(row) == 48
        for start, cell in zip(starts, row, strict=True):
            local = start.astimezone(ZoneInfo(zone))
            assert cell.startswith(f"{local:%H:%M} "), (label, start, cell)
            shift = (local.date() - date(2026, 3, 29)).days
            assert (" -1" in cell, " +1" in cell) == (shift == -1, shift == 1), (label, start, cell)
            assert ("weekend" in cell) == (local.weekday() >= 5), (label, start, cell)
    wim = next(cells for name, cells in grid.items() if name.startswith("Wim"))
    # 17:00 Taipei is 11:00 in Utrecht after the change (UTC+2), 08:00 Taipei 01:00 before it (UTC+1)
    assert wim[34] == "11:00 ✓ inside weekend" and wim[16] == "01:00 ☾ night weekend"
    assert wim[6] == "20:00 ~ early/late -1 weekend"  # Saturday evening there, past the window


def test_the_agenda_is_marked_on_the_grid_and_speakers_are_listed(logged_in, forum):
    response = _page(logged_in)  # the event's first day, its first slot's 45 minutes
    text = response.get_data(as_text=True)
    assert 'value="2026-05-06"' in text and 'value="45"' in text
    marks = _grid(response)["Agenda"]
    assert marks[64] == "▶ Opening talk"  # 16:00 Taipei, in 15-minute steps
    assert marks[65] == marks[66] == "… Opening talk goes on" and marks[67] == ""
    assert "Everyone's day, Wed 6 May 2026" in text and "Speaker: Utrecht" in text


def test_adding_by_city_zone_country_and_audience(logged_in, forum):
    assert _add(logged_in, city="Edinburgh").status_code == 302
    asked = _add(logged_in, city="Portland", label="Portland office")
    assert asked.status_code == 422
    text = asked.get_data(as_text=True)
    assert "Several places are called “Portland”" in text and "Portland, Maine, US (America/New_York)" in text
    assert 'value="Portland office"' in text  # what was typed stays
    choice = next(n for n, place in enumerate(["Oregon", "Maine", "Texas"]) if place == "Maine")
    assert _add(logged_in, city="Portland", city_choice=str(choice), label="Portland office").status_code == 302
    assert _add(logged_in, timezone="Asia/Kolkata", label="Night owl", window="22:00-06:00").status_code == 302
    country = _add(logged_in, country="New Zealand")
    assert country.status_code == 422 and "New Zealand has 2 time zones; choose one." in country.get_data(as_text=True)
    assert _add(logged_in, country="nz", country_zone="Pacific/Chatham", label="Chatham").status_code == 302
    assert _add(logged_in, country="JP").status_code == 302  # one zone: no question
    for weight, zone in ((40, "Asia/Taipei"), (30, "Europe/London"), (30, "America/New_York")):
        assert _add(logged_in, kind="audience", timezone=zone, weight=str(weight)).status_code == 302
    added = _added(forum)
    assert {label: (p.timezone, p.kind, p.weight) for label, p in added.items()} == {
        "Edinburgh": ("Europe/London", ParticipantKind.PERSON, 1.0),
        "Portland office": ("America/New_York", ParticipantKind.PERSON, 1.0),
        "Night owl": ("Asia/Kolkata", ParticipantKind.PERSON, 1.0),
        "Chatham": ("Pacific/Chatham", ParticipantKind.PERSON, 1.0),
        "Japan": ("Asia/Tokyo", ParticipantKind.PERSON, 1.0),
        "Asia/Taipei": ("Asia/Taipei", ParticipantKind.AUDIENCE, 40.0),
        "Europe/London": ("Europe/London", ParticipantKind.AUDIENCE, 30.0),
        "America/New_York": ("America/New_York", ParticipantKind.AUDIENCE, 30.0),
    }
    assert (added["Night owl"].window_start, added["Night owl"].window_end) == (22 * 60, 6 * 60)
    assert added["Portland office"].place == "Portland, Maine, US" and added["Edinburgh"].place == "Edinburgh, GB"
    grid = _grid(_page(logged_in, date="2026-05-06", step="60"))
    owl = next(cells for name, cells in grid.items() if name.startswith("Night owl"))
    start = oracle_start_of_day(date(2026, 5, 6), TAIPEI)  # 16:00 UTC the day before
    # 04:30-05:15 is inside a window to 06:00; 05:30-06:15 runs past it, before 07:00: night (the plan's 45 minutes)
    assert owl[7] == f"{(start + timedelta(hours=7)).astimezone(ZoneInfo('Asia/Kolkata')):%H:%M} ✓ inside"
    assert owl[8] == f"{(start + timedelta(hours=8)).astimezone(ZoneInfo('Asia/Kolkata')):%H:%M} ☾ night"
    chatham = next(cells for name, cells in grid.items() if name.startswith("Chatham"))
    assert chatham[0] == f"{start.astimezone(ZoneInfo('Pacific/Chatham')):%H:%M} ☾ night"  # 04:45, UTC+12:45
    assert chatham[0].startswith("04:45")
    audience = next(name for name in grid if name.startswith("Asia/Taipei"))
    assert "weight 40" in audience


def test_audience_from_registrations_in_one_click(client, organiser):
    event = open_event_for(organiser, slug="forum", capacity=None)
    login(client)
    none_yet = client.post("/organiser/events/forum/planner/audience", follow_redirects=True)
    assert "Nobody has registered with a time zone yet" in none_yet.get_data(as_text=True)
    for n, zone in enumerate(["Europe/London", "Europe/London", "Asia/Taipei"]):
        registrations.register_attendee(event, RegistrationInput(name=f"P{n}", email=f"p{n}@example.org",
                                                                 timezone=zone))
    answer = client.post("/organiser/events/forum/planner/audience?date=2026-05-06")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/planner?date=2026-05-06")
    assert {label: p.weight for label, p in _added(event).items()} == {
        "Registered in Europe/London": 2.0, "Registered in Asia/Taipei": 1.0}
    registrations.register_attendee(event, RegistrationInput(name="P9", email="p9@example.org", timezone="Asia/Taipei"))
    client.post("/organiser/events/forum/planner/audience")
    assert {label: p.weight for label, p in _added(event).items()} == {
        "Registered in Europe/London": 2.0, "Registered in Asia/Taipei": 2.0}


def test_removing_a_participant_is_one_button(logged_in, forum, organiser):
    kept = plans.add_participant(forum, ParticipantFields(timezone="Europe/London", label="London"))
    gone = plans.add_participant(forum, ParticipantFields(timezone="Asia/Seoul", label="Seoul"))
    answer = logged_in.post(f"/organiser/events/forum/planner/participants/{gone.id}/delete", follow_redirects=True)
    assert "Seoul is out of the plan." in answer.get_data(as_text=True)
    assert set(_added(forum)) == {"London"}
    other = make_event(organiser, slug="other")
    theirs = plans.add_participant(other, ParticipantFields(timezone="Asia/Seoul", label="Seoul"))
    assert logged_in.post(f"/organiser/events/forum/planner/participants/{theirs.id}/delete").status_code == 404
    assert kept.id in {p.id for p in _added(forum).values()}


def test_suggestions_are_ranked_counted_and_explained(logged_in, organiser):
    """Edinburgh and Taipei on 19 August: 17:00 Taipei is 10:00 in Edinburgh,
    two hours inside both windows, the only start where both score 1.0."""
    event = make_event(organiser, slug="forum", start=datetime(2026, 8, 19, 9), end=datetime(2026, 8, 19, 20))
    plans.add_participant(event, ParticipantFields(city="Edinburgh"))
    plans.add_participant(event, ParticipantFields(timezone=TAIPEI, label="Taipei host"))
    response = _page(logged_in, date="2026-08-19", duration="60", date_from="2026-03-20", date_to="2026-04-05")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    best = utc(2026, 8, 19, 9)
    assert best.astimezone(ZoneInfo("Europe/London")).hour == 10
    day = text[text.index('id="day-suggestions"'):text.index('id="range-suggestions"')]
    first = day[day.index("<li>"):day.index("</li>")]
    assert "Wed 19 Aug 2026 17:00 (UTC+08:00) – 18:00" in first and "09:00–10:00 UTC" in first
    assert "score <strong>1.000</strong>" in first and "2 ✓ inside, 0 ~ early/late, 0 ☾ night" in first
    assert "Nobody is in the night." in first and 'value="2026-08-19T09:00:00Z"' in first
    assert "Edinburgh (Europe/London): Wed 19 Aug 2026 10:00–11:00, inside (1.00)" in first
    # across the range: the same ranking suggest() gives, best first
    expected = suggest(PlanInput([ParticipantInput(label="Edinburgh", city="Edinburgh"),
                                  ParticipantInput(label="Taipei host", timezone=TAIPEI)], 60,
                                 date_from=date(2026, 3, 20), date_to=date(2026, 4, 5), day_zone=TAIPEI))
    across = text[text.index('id="range-suggestions"'):]
    assert "Fri 20 Mar 2026 to Sun 5 Apr 2026 (17 days)" in across
    shown = [piece.split('"')[0] for piece in across.split('name="start" value="')[1:]]
    assert shown == [f"{o.start_utc:%Y-%m-%dT%H:%M:%SZ}" for o in expected.suggestions]


def test_a_night_for_someone_ranks_below_no_night(logged_in, organiser):
    """Taipei and New York cannot both be inside 08:00-20:00 for three hours; the first
    suggestion still has nobody in the night, and none with a night comes before one without."""
    event = make_event(organiser, slug="forum")
    for zone in (TAIPEI, "America/New_York"):
        plans.add_participant(event, ParticipantFields(timezone=zone))
    text = _page(logged_in, date="2026-05-06", duration="180").get_data(as_text=True)
    nights = [int(n) > 0 for n in re.findall(r"(\d+) ☾ night", text[text.index('id="day-suggestions"'):])]
    assert len(nights) == 10 and not nights[0]
    assert nights == sorted(nights)  # once someone is in the night, every later one has a night too


def test_use_this_time_moves_a_slot_and_creates_one(logged_in, forum):
    talk = forum.slots[0]
    sequence = talk.sequence
    moved = logged_in.post("/organiser/events/forum/planner/use?date=2026-05-06&duration=30",
                           data={"start": "2026-05-06T01:00:00Z", "slot_id": str(talk.id)})
    assert moved.status_code == 302 and "duration=30" in moved.headers["Location"]
    db.session.expire_all()
    talk = db.session.get(Slot, talk.id)
    assert (talk.start_utc, talk.end_utc) == (utc(2026, 5, 6, 1), utc(2026, 5, 6, 1, 45))  # its length kept
    assert talk.sequence == sequence + 1
    created = logged_in.post("/organiser/events/forum/planner/use?date=2026-05-06&duration=30",
                             data={"start": "2026-05-06T03:00:00Z", "slot_id": "", "title": "Q&A"},
                             follow_redirects=True)
    assert "“Q&amp;A” is now at Wed 6 May 2026 11:00 (UTC+08:00) – 11:30." in created.get_data(as_text=True)
    (qa,) = [s for s in db.session.scalars(select(Slot).where(Slot.event_id == forum.id)) if s.title == "Q&A"]
    assert (qa.start_utc, qa.end_utc) == (utc(2026, 5, 6, 3), utc(2026, 5, 6, 3, 30))


def test_use_this_time_refusals_keep_the_page(logged_in, forum):
    talk = forum.slots[0]
    outside = logged_in.post("/organiser/events/forum/planner/use?date=2026-05-08&duration=30",
                             data={"start": "2026-05-08T01:00:00Z", "slot_id": str(talk.id)})
    text = outside.get_data(as_text=True)
    assert outside.status_code == 422 and "outside the event&#39;s days" in text
    assert 'value="2026-05-08"' in text and 'value="30"' in text  # the page as it was asked
    untitled = logged_in.post("/organiser/events/forum/planner/use?date=2026-05-06",
                              data={"start": "2026-05-06T03:00:00Z", "slot_id": ""})
    assert untitled.status_code == 422 and 'id="title-error">This field is required.' in untitled.get_data(as_text=True)
    bogus = logged_in.post("/organiser/events/forum/planner/use", data={"start": "tomorrow", "slot_id": ""})
    assert bogus.status_code == 422 and "Choose one of the suggested times." in bogus.get_data(as_text=True)
    db.session.expire_all()
    assert [s.title for s in db.session.scalars(select(Slot).where(Slot.event_id == forum.id))] == ["Opening talk"]


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"date": "2026-02-30"}, "date", "“2026-02-30” is not a date; write it as YYYY-MM-DD."),
    ({"date": "9999-12-31"}, "date", "outside the dates an event can have"),
    ({"duration": "0"}, "duration", "Give a duration of 1 to 1,440 minutes (24 hours)."),
    ({"duration": "1441"}, "duration", "Give a duration of 1 to 1,440 minutes (24 hours)."),
    ({"duration": "an hour"}, "duration", "“an hour” is not a whole number of minutes."),
    ({"step": "7"}, "step", "Choose a step of 5, 10, 15, 30 or 60 minutes."),
    ({"date_from": "2026-05-01"}, "date_to", "Give a date, or a range with both its first and its last date."),
    ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to", "The last date comes before the first."),
    ({"date_from": "2026-01-01", "date_to": "2026-03-02"}, "date_to", "A range covers up to 60 days; this one has 61."),
])
def test_bad_questions_are_shown_beside_their_field(logged_in, forum, query, field, message):
    response = _page(logged_in, **query)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    error = text[text.index(f'id="{field}-error"'):]
    assert message in error[:error.index("</p>")]
    for name, typed in query.items():
        if name != "step":  # a choice, not typing
            assert f'value="{typed}"' in text, name
    assert "Who is in the plan" in text and "Wim de Vries" in text  # the rest of the page stays


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"city": "Edinbrugh"}, "city", "did you mean Edinburgh, GB"),
    ({"timezone": "Asia/Taipai"}, "timezone", "did you mean Asia/Taipei?"),
    ({"country": "Narnia"}, "country", "“Narnia” is not a country the tz database knows"),
    ({}, "city", "Give one of a city, a time zone or a country."),
    ({"city": "Taipei", "timezone": "Asia/Taipei"}, "city", "Give one of a city, a time zone or a country."),
    ({"timezone": "Asia/Taipei", "window": "8-20"}, "window", "“8” is not a time of day as HH:MM"),
    ({"timezone": "Asia/Taipei", "window": "08:00"}, "window", "“08:00” is not a window as HH:MM-HH:MM"),
    ({"timezone": "Asia/Taipei", "window": "09:00-09:00"}, "window", "A window needs an end other than its start."),
    ({"timezone": "Asia/Taipei", "weight": "-1"}, "weight", "Give a weight above 0"),
    ({"timezone": "Asia/Taipei", "weight": "lots"}, "weight", "“lots” is not a number"),
    ({"timezone": "Asia/Taipei", "label": "Wim's twin\nline"}, "label", "Keep it on one line."),
    ({"timezone": "Asia/Seoul", "label": "Taken"}, "label", "“Taken” is in this plan already; give another label."),
])
def test_bad_participants_are_shown_beside_their_field(logged_in, forum, fields, field, message):
    plans.add_participant(forum, ParticipantFields(timezone="Europe/London", label="Taken"))
    response = _add(logged_in, **fields)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    error = text[text.index(f'id="{field}-error"'):]
    assert message in error[:error.index("</p>")]
    for name, typed in fields.items():
        if name != "label":
            assert f'value="{typed}"' in text, name
    assert set(_added(forum)) == {"Taken"}


MARKS = {"inside": "✓ inside", "early_late": "~ early/late", "night": "☾ night"}


def _speaker(event, name: str) -> Speaker:
    db.session.expire_all()
    return db.session.scalar(select(Speaker).where(Speaker.event_id == event.id, Speaker.name == name))


def _set_window(client, speaker: Speaker, window: str, **query):
    return client.post(f"/organiser/events/forum/planner/speakers/{speaker.id}/window", query_string=query,
                       data={f"speaker-{speaker.id}-window": window})


def test_a_speakers_window_is_what_their_row_is_marked_by(logged_in, forum):
    """Wim keeps 10:00-12:00 (Amsterdam): every cell of his row on the day
    Europe moves its clocks, a 60-minute meeting at each start, against the
    oracle's comfort for that window; empty puts 08:00-20:00 back."""
    wim = _speaker(forum, "Wim de Vries")
    answer = _set_window(logged_in, wim, "10:00-12:00", date="2026-03-29", duration="60", step="30")
    assert answer.status_code == 302 and answer.location.endswith("?date=2026-03-29&duration=60&step=30")
    assert (_speaker(forum, "Wim de Vries").window_start, _speaker(forum, "Wim de Vries").window_end) == (600, 720)
    response = _page(logged_in, date="2026-03-29", duration="60", step="30")
    assert "The planner now counts 10:00-12:00 local time as the hours of Wim de Vries." in response.get_data(as_text=True)
    assert f'name="speaker-{wim.id}-window" placeholder="08:00-20:00" size="11" type="text" value="10:00-12:00"' \
        in response.get_data(as_text=True)
    first = oracle_start_of_day(date(2026, 3, 29), TAIPEI)
    row = next(cells for name, cells in _grid(response).items() if name.startswith("Wim"))
    marks = []
    for n, cell in enumerate(row):
        start = first + timedelta(minutes=30 * n)
        expected = oracle_comfort(start, start + timedelta(minutes=60), "Europe/Amsterdam", ("10:00", "12:00"))
        assert MARKS[expected] in cell, (start, cell)
        marks.append(expected)
    assert marks.count("inside") == 3  # 10:00, 10:30 and 11:00 there, after the change
    kylie = next(cells for name, cells in _grid(response).items() if name.startswith("Kylie"))
    assert sum("✓ inside" in cell for cell in kylie) == 23  # 08:00 to 19:00 in Darwin: her window did not move
    assert _set_window(logged_in, wim, "").status_code == 302
    assert (_speaker(forum, "Wim de Vries").window_start, _speaker(forum, "Wim de Vries").window_end) == (480, 1200)


@pytest.mark.parametrize(("typed", "message"), [
    ("8-20", "“8” is not a time of day as HH:MM"),
    ("08:00", "“08:00” is not a window as HH:MM-HH:MM"),
    ("09:00-09:00", "A window needs an end other than its start."),
    ("09:00-24:30", "“24:30” is not a time of day as HH:MM"),
])
def test_a_bad_speaker_window_is_shown_beside_their_field_and_kept(logged_in, forum, typed, message):
    wim = _speaker(forum, "Wim de Vries")
    response = _set_window(logged_in, wim, typed, date="2026-05-06")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    error = text[text.index(f'id="speaker-{wim.id}-window-error"'):]
    assert message in error[:error.index("</p>")]
    assert f'value="{typed}"' in text and 'aria-invalid="true"' in text
    assert "Everyone's day, Wed 6 May 2026" in text  # the plan asked for is still there
    assert (_speaker(forum, "Wim de Vries").window_start, _speaker(forum, "Wim de Vries").window_end) == (480, 1200)


def test_another_organiser_gets_404(client, forum, other_organiser):
    theirs = plans.add_participant(forum, ParticipantFields(timezone="Europe/London"))
    login(client, "bob@example.org", "battery staple")
    assert _page(client).status_code == 404
    wim = _speaker(forum, "Wim de Vries")
    for path in ("participants", f"participants/{theirs.id}/delete", "audience", "use", f"speakers/{wim.id}/window"):
        answer = client.post(f"/organiser/events/forum/planner/{path}", data={"timezone": "Asia/Seoul"})
        assert answer.status_code == 404, path
    assert set(_added(forum)) == {"Europe/London"}


def test_the_planner_is_linked_from_the_builder_and_the_event_pages(logged_in, forum):
    for path in ("/organiser/events/forum/", "/organiser/events/forum/speakers"):
        assert 'href="/organiser/events/forum/planner"' in logged_in.get(path).get_data(as_text=True), path
