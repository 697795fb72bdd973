"""The agenda as an Excel workbook, beside the CSV that imports back."""
from __future__ import annotations

import io
from datetime import datetime

import openpyxl

from forum.services import agenda
from forum.services.agenda import SlotInput
from tests.support.factories import make_event


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


def test_an_import_with_problems_keeps_the_text_to_fix_in_place(logged_in, event):
    from forum.models import Slot

    typed = "date,start,end,title,kind\n2026-05-06,16:00,16:10,Opening,opening\n2026-05-06,16:10,16:55,Panel,dance\n"
    response = logged_in.post(f"/organiser/events/{event.slug}/import",
                              data={"csv_text": typed, "timezone": "Asia/Taipei"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "“dance” is not a kind of slot" in html
    assert "2026-05-06,16:10,16:55,Panel,dance\n</textarea>" in html  # the typing is kept, to fix in place
    assert Slot.query.count() == 0
    fixed = typed.replace("dance", "panel")
    preview = logged_in.post(f"/organiser/events/{event.slug}/import", data={"csv_text": fixed, "timezone": "Asia/Taipei"})
    assert preview.status_code == 200 and "Import 2 slot(s)" in preview.get_data(as_text=True)
    done = logged_in.post(f"/organiser/events/{event.slug}/import",
                          data={"csv_text": fixed, "timezone": "Asia/Taipei", "confirm": "y"})
    assert done.status_code == 302 and Slot.query.count() == 2
