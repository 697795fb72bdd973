"""The agenda builder through its forms: slots, moves, warnings, CSV in and out."""
from __future__ import annotations

import html
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from forum.extensions import db
from forum.models import Event, Slot
from forum.services import accounts, agenda
from forum.services.agenda import SlotInput
from tests.support.factories import make_event

TAIPEI = ZoneInfo("Asia/Taipei")
SLOT = {"title": "Policy and Demands", "kind": "panel", "timezone": "Asia/Taipei",
        "start": "2026-05-06T16:10", "end": "2026-05-06T16:55", "track": "", "description": "Cities share.",
        "speakers_text": "Darwin; Utrecht"}


def _slot(**changes):
    return {**SLOT, **changes}


def _add(event, title, start, end, track=""):
    return agenda.add_slot(event, SlotInput(title=title, kind="talk", start=start, end=end, track=track))


def _times(event):
    return [(s.title, s.start_utc.astimezone(TAIPEI).strftime("%H:%M"), s.end_utc.astimezone(TAIPEI).strftime("%H:%M"))
            for s in db.session.get(Event, event.id).slots]


def test_add_slot_in_event_zone(logged_in, event):
    response = logged_in.post(f"/organiser/events/{event.slug}/slots", data=_slot())
    assert response.status_code == 302
    slot = Slot.query.one()
    assert slot.start_utc == datetime(2026, 5, 6, 16, 10, tzinfo=TAIPEI)
    assert slot.duration == timedelta(minutes=45)
    assert slot.kind.value == "panel" and slot.speakers_text == "Darwin; Utrecht"


def test_add_slot_typed_in_another_zone(logged_in, event):
    """A speaker in Utrecht says "10:00 my time": the organiser types it in Europe/Amsterdam."""
    logged_in.post(f"/organiser/events/{event.slug}/slots",
                   data=_slot(timezone="Europe/Amsterdam", start="2026-05-06T10:00", end="2026-05-06T10:30"))
    slot = Slot.query.one()
    assert slot.start_utc == datetime(2026, 5, 6, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert slot.start_utc.astimezone(TAIPEI).hour == 16


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"title": ""}, "title", "This field is required"),
        ({"title": "t" * 250}, "title", "Keep it to 200 characters (this has 250)"),
        ({"end": "2026-05-06T16:00"}, "end", "The end must come after the start"),
        ({"start": "2026-05-08T10:00", "end": "2026-05-08T11:00"}, "start", "outside the event&#39;s days (Wed 6 May 2026, Asia/Taipei)"),
        ({"start": "2026-05-06T23:30", "end": "2026-05-07T00:30"}, "end", "outside the event&#39;s days (Wed 6 May 2026, Asia/Taipei)"),
        ({"timezone": "Asia/Taipeii"}, "timezone", "“Asia/Taipeii” is not a time zone"),
        ({"kind": "party"}, "kind", "Not a valid choice"),
        ({"track": "x" * 101}, "track", "Keep it to 100 characters"),
        ({"timezone": "Europe/Amsterdam", "start": "2026-03-29T02:30", "end": "2026-03-29T03:30"}, "start",
         "02:30 on 2026-03-29 does not exist in Europe/Amsterdam"),
    ],
)
def test_bad_slot_input_comes_back_on_the_builder(logged_in, event, changes, field, message):
    response = logged_in.post(f"/organiser/events/{event.slug}/slots", data=_slot(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page
    assert "Cities share." in page  # the description typed is still there
    for value in changes.values():
        if value and field != "kind":
            assert html.escape(value) in page
    assert Slot.query.count() == 0


def test_ambiguous_slot_time_asks_and_then_saves_the_chosen_instant(logged_in, organiser):
    event = make_event(organiser, slug="ny", timezone="America/New_York",
                       start=datetime(2026, 11, 1, 0, 0), end=datetime(2026, 11, 1, 4, 0))
    data = _slot(timezone="America/New_York", start="2026-11-01T01:30", end="2026-11-01T02:30")
    response = logged_in.post(f"/organiser/events/{event.slug}/slots", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "happens twice in America/New_York" in page
    assert "01:30 first time, EDT (UTC-04:00)" in page and "01:30 second time, EST (UTC-05:00)" in page
    assert Slot.query.count() == 0
    assert logged_in.post(f"/organiser/events/{event.slug}/slots", data={**data, "start_fold": "0"}).status_code == 302
    expected = datetime(2026, 11, 1, 1, 30, fold=0, tzinfo=ZoneInfo("America/New_York")).astimezone(ZoneInfo("UTC"))
    slot = Slot.query.one()
    assert slot.start_utc == expected
    assert slot.duration == timedelta(hours=2)  # 01:30 EDT to 02:30 EST: real length across the change


def test_edit_slot_bumps_sequence_only_when_time_changes(logged_in, event):
    slot = _add(event, "Opening", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 16, 10))
    url = f"/organiser/events/{event.slug}/slots/{slot.id}/edit"
    form = logged_in.get(url).get_data(as_text=True)
    assert 'value="2026-05-06T16:00"' in form
    logged_in.post(url, data=_slot(title="Opening remarks", start="2026-05-06T16:00", end="2026-05-06T16:10"))
    assert Slot.query.one().sequence == 0 and Slot.query.one().title == "Opening remarks"
    logged_in.post(url, data=_slot(title="Opening remarks", start="2026-05-06T16:05", end="2026-05-06T16:15"))
    assert Slot.query.one().sequence == 1
    bad = logged_in.post(url, data=_slot(title="", start="2026-05-06T16:05", end="2026-05-06T16:15"))
    assert bad.status_code == 422 and Slot.query.one().title == "Opening remarks"


def test_delete_and_duplicate(logged_in, event):
    slot = _add(event, "Talk", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 16, 20))
    assert logged_in.post(f"/organiser/events/{event.slug}/slots/{slot.id}/duplicate").status_code == 302
    assert _times(event) == [("Talk", "16:00", "16:20"), ("Talk", "16:20", "16:40")]
    copy = db.session.get(Event, event.id).slots[1]
    assert copy.uid != slot.uid
    logged_in.post(f"/organiser/events/{event.slug}/slots/{slot.id}/delete")
    assert _times(event) == [("Talk", "16:20", "16:40")]


def test_duplicate_past_the_event_days_is_refused(logged_in, event):
    slot = _add(event, "Late", datetime(2026, 5, 6, 23, 0), datetime(2026, 5, 6, 23, 50))
    response = logged_in.post(f"/organiser/events/{event.slug}/slots/{slot.id}/duplicate", follow_redirects=True)
    assert "falls outside the event&#39;s days" in response.get_data(as_text=True)
    assert Slot.query.count() == 1


def test_reorder_swaps_neighbours_keeping_the_block(logged_in, event):
    a = _add(event, "A", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 16, 10))
    _add(event, "B", datetime(2026, 5, 6, 16, 10), datetime(2026, 5, 6, 16, 55))
    _add(event, "C", datetime(2026, 5, 6, 17, 0), datetime(2026, 5, 6, 17, 30))
    logged_in.post(f"/organiser/events/{event.slug}/slots/{a.id}/down")
    assert _times(event) == [("B", "16:00", "16:45"), ("A", "16:45", "16:55"), ("C", "17:00", "17:30")]
    logged_in.post(f"/organiser/events/{event.slug}/slots/{a.id}/down")  # the 5-minute gap stays between them
    assert _times(event) == [("B", "16:00", "16:45"), ("C", "16:45", "17:15"), ("A", "17:20", "17:30")]
    edge = logged_in.post(f"/organiser/events/{event.slug}/slots/{a.id}/down", follow_redirects=True)
    assert "already at the edge" in edge.get_data(as_text=True)
    logged_in.post(f"/organiser/events/{event.slug}/slots/{a.id}/up")
    assert _times(event) == [("B", "16:00", "16:45"), ("A", "16:45", "16:55"), ("C", "17:00", "17:30")]


def test_shift_whole_agenda_and_from_a_slot(logged_in, event):
    _add(event, "A", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 16, 10))
    b = _add(event, "B", datetime(2026, 5, 6, 16, 10), datetime(2026, 5, 6, 16, 55))
    _add(event, "C", datetime(2026, 5, 6, 17, 0), datetime(2026, 5, 6, 17, 30))
    assert logged_in.post(f"/organiser/events/{event.slug}/shift", data={"minutes": "15", "after": ""}).status_code == 302
    assert _times(event) == [("A", "16:15", "16:25"), ("B", "16:25", "17:10"), ("C", "17:15", "17:45")]
    logged_in.post(f"/organiser/events/{event.slug}/shift", data={"minutes": "-5", "after": str(b.id)})
    assert _times(event) == [("A", "16:15", "16:25"), ("B", "16:20", "17:05"), ("C", "17:10", "17:40")]
    assert all(s.sequence >= 1 for s in Slot.query.all())


@pytest.mark.parametrize("minutes, message", [("0", "other than 0"), ("600", "outside the event&#39;s days"),
                                              ("abc", "Not a valid integer value")])
def test_bad_shift_is_refused_and_nothing_moves(logged_in, event, minutes, message):
    _add(event, "A", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 16, 10))
    response = logged_in.post(f"/organiser/events/{event.slug}/shift", data={"minutes": minutes, "after": ""})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _times(event) == [("A", "16:00", "16:10")]


def test_a_shift_past_the_event_days_says_so_once(logged_in, event):
    """One slot would end past midnight, the next start after it: one message, not one per field."""
    _add(event, "A", datetime(2026, 5, 6, 23, 30), datetime(2026, 5, 6, 23, 50))
    _add(event, "B", datetime(2026, 5, 6, 23, 50), datetime(2026, 5, 6, 23, 55))
    response = logged_in.post(f"/organiser/events/{event.slug}/shift", data={"minutes": "15", "after": ""})
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("falls outside the event&#39;s days") == 1
    assert _times(event) == [("A", "23:30", "23:50"), ("B", "23:50", "23:55")]


def test_overlaps_in_the_same_track_are_warned(logged_in, event):
    _add(event, "Plenary", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 16, 30))
    _add(event, "Clash", datetime(2026, 5, 6, 16, 20), datetime(2026, 5, 6, 16, 40))
    _add(event, "Room A", datetime(2026, 5, 6, 17, 0), datetime(2026, 5, 6, 17, 30), track="A")
    _add(event, "Room B", datetime(2026, 5, 6, 17, 0), datetime(2026, 5, 6, 17, 30), track="B")
    page = logged_in.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
    assert page.count("Overlaps “") == 2
    assert "Overlaps “Clash”" in page and "Overlaps “Plenary”" in page
    assert "Overlaps “Room" not in page


CSV_OK = (
    "date,start,end,title,kind,track,speakers\r\n"
    "2026-05-06,16:00,16:10,Opening and Introduction,opening,,Taipei City\r\n"
    "2026-05-06,16:10,16:55,\"Policy, Demands\",panel,,\"Darwin; Utrecht\"\r\n"
    "2026-05-06,17:50,17:57,Group Discussion and Q&A,Q&A,,Moderator\r\n"
    "2026-05-06,17:57,18:00,智慧科技防疫 結論,closing,,\r\n"
)


def _upload(client, event, content: bytes, **extra):
    data = {"file": (io.BytesIO(content), "agenda.csv"), "timezone": "Asia/Taipei", **extra}
    return client.post(f"/organiser/events/{event.slug}/import", data=data, content_type="multipart/form-data")


def test_import_previews_then_saves_on_confirm(logged_in, event):
    preview = _upload(logged_in, event, CSV_OK.encode("utf-8-sig"))
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Import 4 slot(s)" in page
    assert Slot.query.count() == 0  # nothing saved by the preview
    confirm = logged_in.post(f"/organiser/events/{event.slug}/import",
                             data={"csv_text": CSV_OK, "timezone": "Asia/Taipei", "confirm": "y"})
    assert confirm.status_code == 302
    assert _times(event) == [("Opening and Introduction", "16:00", "16:10"), ("Policy, Demands", "16:10", "16:55"),
                             ("Group Discussion and Q&A", "17:50", "17:57"), ("智慧科技防疫 結論", "17:57", "18:00")]
    assert [s.kind.value for s in db.session.get(Event, event.id).slots] == ["opening", "panel", "qa", "closing"]


def test_broken_import_lists_every_row_and_saves_nothing(logged_in, event):
    broken = (
        "date,start,end,title,kind,track,speakers\n"
        "2026-05-06,16:00,16:10,Fine,talk,,\n"
        "2026-05-06,25:00,16:10,Bad start,talk,,\n"
        "2026-05-06,16:30,16:20,Backwards,talk,,\n"
        "2026-05-09,10:00,11:00,Wrong day,talk,,\n"
        "2026-05-06,16:40,16:50,,talk,,\n"
        "2026-05-06,16:50,17:00,Odd kind,party,,\n"
        "yesterday,16:50,17:00,Bad date,talk,,\n"
    )
    response = _upload(logged_in, event, broken.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for problem in ["start: “25:00” is not a time", "end: The end must come after the start",
                    "outside the event&#39;s days", "title: This field is required", "“party” is not a kind of slot",
                    "date: “yesterday” is not a date"]:
        assert problem in page, problem
    assert "Import " not in page.split("<h2>Preview</h2>")[1]
    assert Slot.query.count() == 0
    forced = logged_in.post(f"/organiser/events/{event.slug}/import",
                            data={"csv_text": broken, "timezone": "Asia/Taipei", "confirm": "y"})
    assert forced.status_code == 422 and Slot.query.count() == 0


@pytest.mark.parametrize("content, message", [
    (b"", "Choose a CSV file to import."),
    (b"\xff\xfe\x00broken", "not UTF-8"),
    (b"when,what\n2026-05-06,Opening\n", "Missing column(s): date, end, start, title"),
    (b"date,start,end,title\n", "no agenda rows"),
])
def test_unreadable_files_are_explained(logged_in, event, content, message):
    response = _upload(logged_in, event, content)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_import_with_unknown_zone_is_refused(logged_in, event):
    response = _upload(logged_in, event, CSV_OK.encode(), timezone="Asia/Taipai")
    assert response.status_code == 422
    assert "“Asia/Taipai” is not a time zone" in response.get_data(as_text=True)


def test_export_round_trips_and_neutralises_formulas(logged_in, organiser, event):
    _add(event, "=HYPERLINK(\"http://evil\")", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 16, 10))
    _add(event, "Policy, \"Demands\"", datetime(2026, 5, 6, 16, 10), datetime(2026, 5, 6, 16, 55), track="Main")
    exported = logged_in.get(f"/organiser/events/{event.slug}/agenda.csv")
    assert exported.headers["Content-Type"].startswith("text/csv")
    text = exported.get_data(as_text=True)
    assert text.splitlines()[0] == "date,start,end,title,kind,track,speakers,end_date,description"
    assert "'=HYPERLINK" in text
    copy = make_event(organiser, slug="copy")
    preview = agenda.preview_import(copy, text)
    assert preview.clean, [r.problems for r in preview.rows]
    agenda.import_agenda(copy, preview)
    assert _times(copy) == _times(event)
    assert db.session.get(Event, copy.id).slots[0].title == "=HYPERLINK(\"http://evil\")"


def test_add_form_starts_where_the_agenda_ends(logged_in, event):
    empty = logged_in.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
    assert 'value="2026-05-06T16:00"' in empty and 'value="2026-05-06T16:30"' in empty
    _add(event, "Long", datetime(2026, 5, 6, 16, 0), datetime(2026, 5, 6, 17, 0))
    _add(event, "Short", datetime(2026, 5, 6, 16, 10), datetime(2026, 5, 6, 16, 20), track="B")
    page = logged_in.get(f"/organiser/events/{event.slug}/").get_data(as_text=True)
    assert 'name="start" required type="datetime-local" value="2026-05-06T17:00"' in page
    assert 'aria-invalid="None"' not in page and 'aria-describedby="None"' not in page


def test_slot_past_midnight_round_trips_through_csv(logged_in, organiser):
    """An evening event in Honolulu: the last slot ends after local midnight."""
    event = make_event(organiser, slug="late-night", timezone="Pacific/Honolulu",
                       start=datetime(2026, 5, 6, 22, 0), end=datetime(2026, 5, 7, 1, 0))
    _add(event, "Night session", datetime(2026, 5, 6, 23, 30), datetime(2026, 5, 7, 0, 30))
    text = logged_in.get(f"/organiser/events/{event.slug}/agenda.csv").get_data(as_text=True)
    assert text.splitlines()[1].endswith(",2026-05-07,")  # end_date, then an empty description
    copy = make_event(organiser, slug="late-copy", timezone="Pacific/Honolulu",
                      start=datetime(2026, 5, 6, 22, 0), end=datetime(2026, 5, 7, 1, 0))
    agenda.import_agenda(copy, agenda.preview_import(copy, text))
    original, imported = db.session.get(Event, event.id).slots[0], db.session.get(Event, copy.id).slots[0]
    assert (imported.start_utc, imported.end_utc) == (original.start_utc, original.end_utc)
    assert imported.duration == timedelta(hours=1)


def _slots(event):
    return [(s.title, s.kind.value, s.start_utc, s.end_utc, s.track, s.speakers_text, s.description)
            for s in db.session.get(Event, event.id).slots]


def test_export_then_import_gives_the_same_slots(logged_in, organiser, event):
    agenda.add_slot(event, SlotInput(title="Opening", kind="opening", start=datetime(2026, 5, 6, 16, 0),
                                     end=datetime(2026, 5, 6, 16, 10), speakers_text="Taipei City",
                                     description="Welcome from the mayor.\r\nThen \"Q&A\", briefly.\n\nNotes: none"))
    agenda.add_slot(event, SlotInput(title="Policy, Demands", kind="panel", start=datetime(2026, 5, 6, 16, 10),
                                     end=datetime(2026, 5, 6, 16, 55), track="Main", speakers_text="Darwin; Utrecht",
                                     description="=cmd|' /C calc'!A0"))
    text = logged_in.get(f"/organiser/events/{event.slug}/agenda.csv").get_data(as_text=True)
    assert "'=cmd" in text
    copy = make_event(organiser, slug="copy")
    preview = agenda.preview_import(copy, text)
    assert preview.clean, [r.problems for r in preview.rows]
    agenda.import_agenda(copy, preview)
    assert _slots(copy) == _slots(event)
    assert _slots(copy)[0][-1] == "Welcome from the mayor.\r\nThen \"Q&A\", briefly.\n\nNotes: none"


def test_malformed_quotes_are_listed_per_row_and_nothing_is_saved(logged_in, event):
    broken = (
        "date,start,end,title,kind,track,speakers\n"
        '2026-05-06,16:00,16:10,Opening "remarks,opening,,Taipei City\n'
        '2026-05-06,16:10,16:55,"Policy, Demands,panel,,\n'
        '2026-05-06,17:00,17:30,Next row,talk,,"Darwin; Utrecht"\n'
        '2026-05-06,17:30,17:50,"Group" Discussion,qa,,\n'
    )
    response = _upload(logged_in, event, broken.encode())
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    for problem in ["row 2: a quote opens in “title” but does not close; check the quotes in this row",
                    "row 3: a quote opens in “title” but does not close; check the quotes in this row",
                    "row 5: text follows the closing quote of “title”"]:
        assert problem in page, problem
    assert "<td>4</td>" in page and "Next row" in page  # the row after the unclosed quote is read on its own
    assert Slot.query.count() == 0
    forced = logged_in.post(f"/organiser/events/{event.slug}/import",
                            data={"csv_text": broken, "timezone": "Asia/Taipei", "confirm": "y"})
    assert forced.status_code == 422 and Slot.query.count() == 0


def test_an_import_row_ending_past_the_event_days_names_its_end(logged_in, event):
    rows = ("date,start,end,title,end_date\n2026-05-06,23:30,00:30,Late,2026-05-07\n"
            "2026-05-07,00:30,01:00,Later,\n")
    late, later = agenda.preview_import(event, rows).rows
    assert late.problems == ["end: The slot falls outside the event's days (Wed 6 May 2026, Asia/Taipei)."]
    assert later.problems == ["start: The slot falls outside the event's days (Wed 6 May 2026, Asia/Taipei)."]


def test_api_slot_ending_past_the_event_days_is_422_on_end(client, organiser, event):
    bearer = {"Authorization": f"Bearer {accounts.issue_api_token(organiser)}"}
    response = client.post(f"/api/v1/events/{event.slug}/slots", headers=bearer, json={
        "title": "Late", "kind": "talk", "start": "2026-05-06T23:30", "end": "2026-05-07T00:30"})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"end"}
    assert "outside the event's days" in response.get_json()["error"]["fields"]["end"]
    assert Slot.query.count() == 0
