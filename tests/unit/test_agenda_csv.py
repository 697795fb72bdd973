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
    for text in ["=1+1", "+31 20", "-5", "@SUM(A1)", "'=1+1", "''-5"]:  # and what looks neutralised already
        assert spreadsheets.unneutralise(spreadsheets.neutralise(text)) == text
        assert spreadsheets.neutralise(text).startswith("'")
    assert spreadsheets.unneutralise("'quoted") == "'quoted"


def test_row_limit():
    rows = "".join(f"2026-05-06,16:00,16:10,T{i}\n" for i in range(agenda_csv.MAX_ROWS + 5))
    parsed = agenda_csv.read("date,start,end,title\n" + rows)
    assert len(parsed.rows) == agenda_csv.MAX_ROWS
    assert "more than 1000 rows" in parsed.problems[0]


def test_description_may_span_lines_and_may_be_missing():
    parsed = agenda_csv.read('date,start,end,title,description\n2026-05-06,16:00,16:10,Opening,"Welcome.\nThen ""Q&A"", briefly."\n'
                             "2026-05-06,16:10,16:20,Next,\n")
    (first, cells, problems), (second, _, _) = parsed.rows
    assert (first, second, problems) == (2, 4, [])
    assert cells["description"] == 'Welcome.\nThen "Q&A", briefly.'
    old = agenda_csv.read("date,start,end,title\n2026-05-06,16:00,16:10,Opening\n").rows[0][1]
    assert agenda_csv.slot_fields(old)["description"] == ""


def test_malformed_quotes_are_problems_of_their_row():
    parsed = agenda_csv.read(
        "date,start,end,title,kind\n"
        '2026-05-06,16:00,16:10,Opening "remarks,opening\n'
        '2026-05-06,16:10,16:20,"Policy, Demands,panel\n'
        "2026-05-06,16:20,16:30,Swallowed no more,talk\n"
        '2026-05-06,16:30,16:40,"Cities" share,talk\n'
        '2026-05-06,16:40,16:50,"Fine, ""quoted""",talk\n'
    )
    assert parsed.problems == []
    assert [(number, cells["title"], problems) for number, cells, problems in parsed.rows] == [
        (2, 'Opening "remarks', ["row 2: a quote opens in “title” but does not close; check the quotes in this row"]),
        (3, "Policy, Demands,panel", ["row 3: a quote opens in “title” but does not close; check the quotes in this row"]),
        (4, "Swallowed no more", []),
        (5, "Cities share", [("row 5: text follows the closing quote of “title” (inside quotes, a quote is written as two: \"\"); "
                             "check the quotes in this row")]),
        (6, 'Fine, "quoted"', []),
    ]


def test_a_description_that_never_closes_keeps_the_rows_below():
    parsed = agenda_csv.read('date,start,end,title,description\n2026-05-06,16:00,16:10,Opening,"Welcome\n'
                             '2026-05-06,16:10,16:20,Panel,"Cities ""share"""\n')
    (first, _, problems), (second, cells, clean) = parsed.rows
    assert (first, problems) == (2, ["row 2: a quote opens in “description” but does not close; check the quotes in this row"])
    assert (second, cells["description"], clean) == (3, 'Cities "share"', [])


def test_a_header_with_a_stray_quote_is_a_file_problem():
    parsed = agenda_csv.read('date,"start,end,title\n2026-05-06,16:00,16:10,Opening\n')
    assert parsed.rows == []
    assert parsed.problems == ["row 1: a quote opens in “column 2” but does not close; check the quotes in this row."]


def test_nul_characters_are_refused_before_any_row():
    parsed = agenda_csv.read("date,start,end,title\n2026-05-06,16:00,16:10,Op\x00ening\n")
    assert parsed.rows == [] and "NUL characters" in parsed.problems[0]
