"""The agenda's CSV format: columns date, start, end, title, kind, track, speakers.

Times are wall-clock in a zone the importer names (the event's by default),
so a file exported from one event imports into another unchanged. An
optional `end_date` column carries the end's date when a slot runs past
midnight; export always writes it (empty on same-day slots).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time

from forum import spreadsheets, timezones
from forum.models import SlotKind

COLUMNS = ["date", "start", "end", "title", "kind", "track", "speakers", "end_date"]
REQUIRED = {"date", "start", "end", "title"}
MAX_ROWS = 1000
_KIND_ALIASES = {k.label.lower(): k.value for k in SlotKind} | {"q & a": "qa", "q&a": "qa"}


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
    reader = csv.DictReader(io.StringIO(raw.lstrip("\ufeff")))
    try:
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        parsed.problems.append(f"The file is not readable CSV: {error}.")
        return parsed
    missing = REQUIRED - set(header)
    if missing:
        parsed.problems.append(
            "Missing column(s): " + ", ".join(sorted(missing)) + f". The first line must name the columns: {','.join(COLUMNS)}."
        )
        return parsed
    reader.fieldnames = header
    try:
        for record in reader:
            number = reader.line_num
            if len(parsed.rows) >= MAX_ROWS:
                parsed.problems.append(f"The file has more than {MAX_ROWS} rows; split it.")
                break
            cells = {k: spreadsheets.unneutralise((v or "").strip()) for k, v in record.items() if k in COLUMNS}
            if not any(cells.values()):
                continue
            extra = record.get(None)
            problems = [f"has {len(extra)} cell(s) more than the header"] if extra else []
            parsed.rows.append((number, cells, problems + _cell_problems(cells)))
    except csv.Error as error:
        parsed.problems.append(f"Line {reader.line_num} is not readable CSV: {error}.")
    return parsed


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
    }


def write(slots, zone: str) -> str:
    def row(slot) -> list[str]:
        start = timezones.local_naive(slot.start_utc, zone)
        end = timezones.local_naive(slot.end_utc, zone)
        speakers = "; ".join(link.speaker.name for link in slot.speaker_links) or slot.speakers_text
        return [
            start.date().isoformat(), f"{start:%H:%M}", f"{end:%H:%M}", slot.title, slot.kind.value, slot.track,
            speakers, end.date().isoformat() if end.date() != start.date() else "",
        ]

    return spreadsheets.csv_text(COLUMNS, (row(slot) for slot in slots))
