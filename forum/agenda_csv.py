"""The agenda's CSV format: columns date, start, end, title, kind, track, speakers, end_date, description.

Times are wall-clock in a zone the importer names (the event's by default),
so a file exported from one event imports into another unchanged. The
optional `end_date` column carries the end's date when a slot runs past
midnight, and `description` a slot's text, which may span lines; export
always writes both, and files without them still import.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from forum import spreadsheets, timezones
from forum.models import SlotKind

COLUMNS = ["date", "start", "end", "title", "kind", "track", "speakers", "end_date", "description"]
REQUIRED = {"date", "start", "end", "title"}
MULTI_LINE = {"description"}
MAX_ROWS = 1000
_KIND_ALIASES = {k.label.lower(): k.value for k in SlotKind} | {"q & a": "qa", "q&a": "qa"}
_NEWLINE = re.compile(r"\r\n|\r|\n")
_UNQUOTED = re.compile(r"[^,\r\n]*")
_BLANKS = re.compile(r"[ \t]*")
_REST = re.compile(r"[^\r\n]*")
_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)"')


@dataclass
class Parsed:
    rows: list[tuple[int, dict, list[str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read(raw: bytes | str) -> Parsed:
    """Rows with their line numbers and format problems; never raises on user data."""
    parsed = Parsed()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            parsed.problems.append("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.")
            return parsed
    if "\x00" in raw:
        parsed.problems.append("The file holds NUL characters, so it is not CSV text; save it as “CSV UTF-8” and try again.")
        return parsed
    records = _records(raw.lstrip("\ufeff"))
    number, names, problem = next(records, (1, [], ""))
    if problem:
        parsed.problems.append(f"row {number}: {problem}.")
        return parsed
    header = _names(names)
    missing = REQUIRED - set(header)
    if missing:
        parsed.problems.append(
            "Missing column(s): " + ", ".join(sorted(missing)) + f". The first line must name the columns: {','.join(COLUMNS)}."
        )
        return parsed
    for number, values, problem in records:
        if len(parsed.rows) >= MAX_ROWS:
            parsed.problems.append(f"The file has more than {MAX_ROWS} rows; split it.")
            break
        padded = values + [""] * (len(header) - len(values))
        cells = {name: _cell(value) for name, value in zip(header, padded, strict=False) if name in COLUMNS}
        if not (problem or any(cells.values())):
            continue
        extra = len(values) - len(header)
        problems = [f"row {number}: {problem}"] if problem else []
        problems += [f"has {extra} cell(s) more than the header"] if extra > 0 else []
        parsed.rows.append((number, cells, problems + _cell_problems(cells)))
    return parsed


def _cell(value: str) -> str:
    """A cell's text without the spaces round it; the apostrophe the export put before a
    formula comes off first, as what follows it may be a tab that the stripping would take."""
    return spreadsheets.unneutralise(value.lstrip(" ")).strip()


def _names(cells: list[str]) -> list[str]:
    return [cell.strip().lower() for cell in cells]


def _records(text: str) -> Iterator[tuple[int, list[str], str]]:
    """The non-blank records, each with the line it starts on and its quoting problem.

    Stricter than the csv module, which takes a stray quote as text and lets
    a quote that never closes swallow the rows after it: only a description
    may run over several lines, and after a quote that does not close,
    reading goes on with the next line, so the rows below are still checked.
    The first record names the columns.
    """
    names: list[str] = []
    position, line = 0, 1
    while position < len(text):
        cells, problem, end = _record(text, position, names)
        if any(cell.strip() for cell in cells):
            yield line, cells, problem
            names = names or _names(cells)
        line += len(_NEWLINE.findall(text, position, end))
        position = end


def _record(text: str, position: int, names: list[str]) -> tuple[list[str], str, int]:
    """The cells of the record at `position`, its first quoting problem, and where the next record starts."""
    cells: list[str] = []
    problem = ""
    while True:
        name = names[len(cells)] if len(cells) < len(names) else f"column {len(cells) + 1}"
        start = _always(_BLANKS, text, position).end()
        if text.startswith('"', start):
            quoted = _QUOTED.match(text, start)
            trailing = _always(_UNQUOTED, text, quoted.end() if quoted else start)
            swallowed = quoted and _NEWLINE.search(quoted.group()) and (name not in MULTI_LINE or trailing.group().strip())
            if not quoted or swallowed:
                rest = _always(_REST, text, start)
                newline = _NEWLINE.match(text, rest.end())
                return [*cells, rest.group()[1:]], _unclosed(name), newline.end() if newline else len(text)
            if trailing.group().strip():
                problem = problem or (f"text follows the closing quote of “{name}” (inside quotes, a quote is written "
                                      f"as two: \"\"); check the quotes in this row")
            value, position = quoted.group(1).replace('""', '"') + trailing.group(), trailing.end()
        else:
            unquoted = _always(_UNQUOTED, text, position)
            value, position = unquoted.group(), unquoted.end()
            if value.count('"') % 2:
                problem = problem or _unclosed(name)
        cells.append(value)
        if text.startswith(",", position):
            position += 1
            continue
        newline = _NEWLINE.match(text, position)
        return cells, problem, newline.end() if newline else len(text)


def _always(pattern: re.Pattern[str], text: str, position: int) -> re.Match[str]:
    """match() of a pattern that also matches nothing, so it never fails."""
    found = pattern.match(text, position)
    assert found is not None, pattern
    return found


def _unclosed(name: str) -> str:
    return f"a quote opens in “{name}” but does not close; check the quotes in this row"


def _cell_problems(cells: dict) -> list[str]:
    problems = []
    for name in ("date", "end_date"):
        value = cells.get(name, "")
        if name == "date" or value:
            try:
                date.fromisoformat(value)
            except ValueError:
                problems.append(f"{name}: “{value}” is not a date like 2020-04-29")
    for name in ("start", "end"):
        try:
            time.fromisoformat(cells.get(name, ""))
        except ValueError:
            problems.append(f"{name}: “{cells.get(name, '')}” is not a time like 16:00")
    return problems


def slot_fields(cells: dict) -> dict:
    """SlotInput fields of a row whose date and times already parse."""
    day = date.fromisoformat(cells["date"])
    end_day = date.fromisoformat(cells["end_date"]) if cells.get("end_date") else day
    kind = cells.get("kind", "") or "talk"
    return {
        "title": cells.get("title", ""),
        "kind": _KIND_ALIASES.get(kind.lower(), kind.lower()),
        "start": datetime.combine(day, time.fromisoformat(cells["start"])),
        "end": datetime.combine(end_day, time.fromisoformat(cells["end"])),
        "track": cells.get("track", ""),
        "speakers_text": cells.get("speakers", ""),
        "description": cells.get("description", ""),
    }


def write(slots, zone: str, kind: str = "csv") -> str | bytes:
    """The agenda as CSV text, which `read` takes back, or as an XLSX workbook with the same columns."""
    def row(slot) -> list[str]:
        start = timezones.local_naive(slot.start_utc, zone)
        end = timezones.local_naive(slot.end_utc, zone)
        speakers = "; ".join(invitation.speaker.name for invitation in slot.invitations) or slot.speakers_text
        return [
            start.date().isoformat(), f"{start:%H:%M}", f"{end:%H:%M}", slot.title, slot.kind.value, slot.track,
            speakers, end.date().isoformat() if end.date() != start.date() else "", slot.description,
        ]

    rows = (row(slot) for slot in slots)
    if kind == "xlsx":
        return spreadsheets.xlsx_bytes(COLUMNS, rows, "Agenda")
    return spreadsheets.csv_text(COLUMNS, rows)
