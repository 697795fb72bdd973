"""The CSV format on its own: tolerant reading, safe writing."""
from __future__ import annotations

from forum import agenda_csv, spreadsheets


def test_reads_bom_and_header_case():
    parsed = agenda_csv.read("\ufeffDate,Start,End,Title\n2026-05-06,16:00,16:10,Opening\n".encode())
    assert parsed.problems == []
    (number, cells, problems), = parsed.rows
    assert number == 2 and cells["title"] == "Opening" and problems == []


def test_extra_cells_and_blank_lines():
    parsed = agenda_csv.read("date,start,end,title\n\n2026-05-06,16:00,16:10,Opening,surplus\n")
    (number, _, problems), = parsed.rows
    assert number == 3 and problems == ["has 1 cell(s) more than the header"]


def test_kind_labels_are_understood():
    fields = agenda_csv.slot_fields({"date": "2026-05-06", "start": "16:00", "end": "16:10", "title": "x", "kind": "Q&A"})
    assert fields["kind"] == "qa"
    assert agenda_csv.slot_fields({"date": "2026-05-06", "start": "16:00", "end": "16:10", "title": "x"})["kind"] == "talk"


def test_formula_cells_round_trip():
    for text in ["=1+1", "+31 20", "-5", "@SUM(A1)"]:
        assert spreadsheets.unneutralise(spreadsheets.neutralise(text)) == text
        assert spreadsheets.neutralise(text).startswith("'")
    assert spreadsheets.unneutralise("'quoted") == "'quoted"


def test_row_limit():
    rows = "".join(f"2026-05-06,16:00,16:10,T{i}\n" for i in range(agenda_csv.MAX_ROWS + 5))
    parsed = agenda_csv.read("date,start,end,title\n" + rows)
    assert len(parsed.rows) == agenda_csv.MAX_ROWS
    assert "more than 1000 rows" in parsed.problems[0]
