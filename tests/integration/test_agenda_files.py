"""The agenda as an Excel workbook, beside the CSV that imports back."""
from __future__ import annotations

import io
from datetime import datetime

import openpyxl

from forum.services import agenda
from forum.services.agenda import SlotInput
from tests.conftest import make_event


def test_agenda_xlsx_has_the_csv_columns_as_plain_text(logged_in, event):
    agenda.add_slot(event, SlotInput(title='=HYPERLINK("http://evil")', kind="opening", start=datetime(2026, 5, 6, 16, 0),
                                     end=datetime(2026, 5, 6, 16, 10), speakers_text="Taipei City",
                                     description="Welcome.\nThen questions."))
    agenda.add_slot(event, SlotInput(title="智慧科技防疫", kind="panel", start=datetime(2026, 5, 6, 16, 10),
                                     end=datetime(2026, 5, 6, 16, 55), track="Main"))
    response = logged_in.get(f"/organiser/events/{event.slug}/agenda.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event.slug}-agenda.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    csv_header = logged_in.get(f"/organiser/events/{event.slug}/agenda.csv").get_data(as_text=True).splitlines()[0]
    assert rows[0] == csv_header.split(",")
    assert rows[1:] == [
        ["2026-05-06", "16:00", "16:10", '=HYPERLINK("http://evil")', "opening", "", "Taipei City", "",
         "Welcome.\nThen questions."],
        ["2026-05-06", "16:10", "16:55", "智慧科技防疫", "panel", "Main", "", "", ""],
    ]
    assert sheet["D2"].data_type == "s"  # text, never a formula


def test_builder_and_import_pages_link_both_exports(logged_in, event):
    for page in (f"/organiser/events/{event.slug}/", f"/organiser/events/{event.slug}/import"):
        text = logged_in.get(page).get_data(as_text=True)
        assert f'href="/organiser/events/{event.slug}/agenda.csv"' in text, page
        assert f'href="/organiser/events/{event.slug}/agenda.xlsx"' in text, page


def test_another_organisers_agenda_xlsx_is_404(logged_in, other_organiser):
    theirs = make_event(other_organiser, slug="theirs")
    assert logged_in.get(f"/organiser/events/{theirs.slug}/agenda.xlsx").status_code == 404
