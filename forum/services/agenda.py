"""The agenda builder's use cases: slots added, edited, moved, imported."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select

from forum import agenda_csv, planning, timezones
from forum.extensions import db
from forum.models import Event, Invitation, InvitationStatus, Slot, SlotKind, Speaker, SpeakerRole
from forum.models.speaker import ACTIVE
from forum.services import calendar_sync, entries, speaker_mail
from forum.services.errors import Invalid, NotFound
from forum.services.validation import Checker


@dataclass
class SlotInput:
    """What an organiser types for a slot: wall-clock times in `timezone`."""

    title: str = ""
    kind: str = SlotKind.TALK.value
    start: datetime | None = None
    end: datetime | None = None
    timezone: str = ""
    start_fold: int | None = None
    end_fold: int | None = None
    track: str = ""
    description: str = ""
    speakers_text: str = ""


def as_input(slot: Slot) -> SlotInput:
    """The slot as an organiser would type it, in the event's zone."""
    zone = slot.event.timezone
    return SlotInput(
        title=slot.title, kind=slot.kind.value, timezone=zone, track=slot.track,
        start=timezones.local_naive(slot.start_utc, zone), end=timezones.local_naive(slot.end_utc, zone),
        start_fold=timezones.fold_of(slot.start_utc, zone), end_fold=timezones.fold_of(slot.end_utc, zone),
        description=slot.description, speakers_text=slot.speakers_text,
    )


def next_slot_input(event: Event, minutes: int = 30) -> SlotInput:
    """A new slot starts where the agenda ends (or with the event), 30 minutes long."""
    start = max((s.end_utc for s in event.slots), default=event.start_utc)
    zone = event.timezone
    return SlotInput(
        timezone=zone, start=timezones.local_naive(start, zone),
        end=timezones.local_naive(start + timedelta(minutes=minutes), zone),
    )


def _checked(event: Event, data: SlotInput) -> dict:
    check = Checker()
    values: dict[str, object] = {
        "title": check.line("title", data.title, 200),
        "track": check.line("track", data.track, 100, required=False),  # lines, as the agenda file has them
        "description": check.text("description", data.description, 20000, required=False),
        "speakers_text": check.line("speakers_text", data.speakers_text, 500, required=False),
    }
    try:
        values["kind"] = SlotKind(data.kind)
    except ValueError:
        known = ", ".join(k.value for k in SlotKind)
        check.fail("kind", f"“{data.kind}” is not a kind of slot; use one of {known}.")
    values["start_utc"], values["end_utc"] = _times(check, event, data)
    check.raise_if_any()
    return values


def checked_times(event: Event, data: SlotInput) -> tuple[datetime, datetime]:
    """The UTC start and end that saving `data` would give a slot, refused as
    saving refuses them (a time in a DST gap, an end before the start); the
    other fields are not looked at and nothing is written: a preview."""
    check = Checker()
    start, end = _times(check, event, data)
    check.raise_if_any()
    assert start and end  # raise_if_any() refused anything else
    return start, end


def _times(check: Checker, event: Event, data: SlotInput) -> tuple[datetime | None, datetime | None]:
    zone = check.zone("timezone", data.timezone or event.timezone)
    start = check.instant("start", data.start, zone, data.start_fold)
    end = check.instant("end", data.end, zone, data.end_fold)
    if start and end:
        if end <= start:
            check.fail("end", "The end must come after the start.")
        else:
            _check_within_days(check, event, start, end)
    return start, end


def _check_within_days(check: Checker, event: Event, start: datetime, end: datetime) -> None:
    """Names the end when only it runs past the event's days, so the form marks the field to fix."""
    days = planning.event_days(event.start_utc, event.end_utc, event.timezone)
    if not planning.within_days(start, end, days, event.timezone):
        first, last = (timezones.format_day(d) for d in days)
        span = first if first == last else f"{first} to {last}"
        message = f"The slot falls outside the event's days ({span}, {event.timezone})."
        starts_within = days[0] <= timezones.local_date(start, event.timezone) <= days[1]
        if message not in check.errors.values():  # a shift checks many slots: say it once
            check.fail("end" if starts_within else "start", message)


@dataclass(frozen=True, slots=True)
class SpeakerLine:
    name: str
    organisation: str
    city: str
    timezone: str
    role: SpeakerRole
    status: InvitationStatus


@dataclass(slots=True)
class AgendaSlot:
    """A slot as readers see it: plain values, no ORM identity to track."""

    id: int
    uid: str
    title: str
    kind: SlotKind
    track: str
    description: str
    speakers_text: str
    start_utc: datetime
    end_utc: datetime
    position: int
    sequence: int
    speakers: list[SpeakerLine] = field(default_factory=list)

    @classmethod
    def from_snapshot(cls, slot: dict) -> AgendaSlot:
        """A slot as a release recorded it (see services.releases)."""
        return cls(
            id=slot["id"], uid=slot["uid"], title=slot["title"], kind=SlotKind(slot["kind"]), track=slot["track"],
            description=slot["description"], speakers_text=slot["speakers_text"],
            start_utc=timezones.parse_utc(slot["start_utc"]), end_utc=timezones.parse_utc(slot["end_utc"]),
            position=slot["position"], sequence=slot["sequence"],
        )


_SLOT_COLUMNS = [getattr(Slot, name) for name in AgendaSlot.__slots__ if name != "speakers"]
_SPEAKER_COLUMNS = [Speaker.name, Speaker.organisation, Speaker.city, Speaker.timezone, Invitation.role,
                    Invitation.status]


PUBLIC_STATUSES = (InvitationStatus.CONFIRMED,)


def public_statuses(event: Event) -> tuple[InvitationStatus, ...]:
    """Whose names the public sees: confirmed speakers, and those still to
    answer when the organisers choose to show them ("to be confirmed")."""
    return ACTIVE if event.show_unconfirmed_speakers else PUBLIC_STATUSES


def agenda_view(event: Event, all_speakers: bool = False, slot_id: int | None = None,
                published: list[dict] | None = None) -> list[AgendaSlot]:
    """The agenda for pages and the API in two queries, whatever its size.

    Rows rather than ORM objects: on a 1,000-slot agenda, building and
    tracking objects cost more than everything else in the request. The
    public sees `public_statuses`; organisers (`all_speakers`) see all.
    With `published` (a release's snapshot) the slots are as released and
    only their speakers are read live.
    """
    slots_query = select(*_SLOT_COLUMNS).where(Slot.event_id == event.id).order_by(Slot.start_utc, Slot.position, Slot.id)
    speakers_query = (
        select(Invitation.slot_id, *_SPEAKER_COLUMNS)
        .join(Speaker, Invitation.speaker_id == Speaker.id)
        .join(Slot, Invitation.slot_id == Slot.id)
        .where(Slot.event_id == event.id)
        .order_by(Invitation.slot_id, Invitation.position, Invitation.id)
    )
    if slot_id is not None:
        slots_query = slots_query.where(Slot.id == slot_id)
        speakers_query = speakers_query.where(Slot.id == slot_id)
    if not all_speakers:
        speakers_query = speakers_query.where(Invitation.status.in_(public_statuses(event)))
    if published is None:
        slots = {row.id: AgendaSlot(*row) for row in db.session.execute(slots_query)}
    else:
        slots = {item["id"]: AgendaSlot.from_snapshot(item) for item in published}
    for slot_key, *speaker in db.session.execute(speakers_query):
        if slot_key in slots:
            slots[slot_key].speakers.append(SpeakerLine(*speaker))
    return list(slots.values())


def slot_of(event: Event, slot_id: int) -> Slot:
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.event_id != event.id:
        raise NotFound("No such slot in this event.")
    return slot


def add_slot(event: Event, data: SlotInput) -> Slot:
    return add_slots(event, [data])[0]


def add_slots(event: Event, inputs: list[SlotInput]) -> list[Slot]:
    """Several slots in one change, all or none (the planner's sessions):
    a refusal names the slot, "Slot 2: ...", when there are several."""
    values = []
    for n, data in enumerate(inputs, start=1):
        try:
            values.append(_checked(event, data))
        except Invalid as error:
            if len(inputs) == 1:
                raise
            raise Invalid({"starts": f"Slot {n}: " + " ".join(error.fields.values())}) from None
    slots = [Slot(event=event, **checked) for checked in values]
    db.session.add_all(slots)
    db.session.commit()
    return slots


def update_slot(slot: Slot, data: SlotInput) -> Slot:
    """Speakers who have the slot in their calendar get the change now; the
    public and attendees with the next release."""
    values = _checked(slot.event, data)
    if (values["start_utc"], values["end_utc"]) != (slot.start_utc, slot.end_utc):
        slot.sequence += 1
    for name, value in values.items():
        setattr(slot, name, value)
    calendar_sync.sync_parts(slot.event)
    db.session.commit()
    return slot


def delete_slot(slot: Slot) -> None:
    """Speakers who have the slot in their calendar get its CANCEL now; the
    public and attendees see it go with the next release."""
    event = slot.event
    event.updated_at = timezones.now_utc()  # a feed without the slot is a change too
    for invitation in slot.invitations:
        change = entries.remove_part(invitation)
        if change is not None:
            speaker_mail.send_change(change, f"“{slot.title}” has been removed from the agenda.")
    db.session.delete(slot)
    db.session.commit()


def outside_event(event: Event, start: datetime, end: datetime, zone: str) -> str | None:
    """Why a time is outside the event's own hours, in `zone` (the reader's)
    and the event's; None when it is within them."""
    if event.start_utc <= start and end <= event.end_utc:
        return None
    hours = timezones.format_span(event.start_utc, event.end_utc, zone)
    if zone != event.timezone:
        theirs = timezones.format_span(event.start_utc, event.end_utc, event.timezone)
        hours += f" your time ({theirs} {event.timezone})"
    else:
        hours += f" ({zone})"
    return f"That falls outside the event's hours, {hours}."


def hours_warnings(event: Event) -> dict[int, str]:
    """For the builder: slots outside the event's hours (allowed while the
    agenda takes shape, but readers would see a session outside the event)."""
    return {slot.id: problem for slot in event.slots
            if (problem := outside_event(event, slot.start_utc, slot.end_utc, event.timezone))}


def changed_at(event: Event) -> datetime:
    """When the event or any of its slots last changed: the feeds' Last-Modified and DTSTAMP."""
    latest = db.session.scalar(select(func.max(Slot.updated_at)).where(Slot.event_id == event.id))
    return max(filter(None, [event.updated_at, latest]))


def duplicate_slot(slot: Slot) -> Slot:
    """A copy right after the original, same length, ready to be edited."""
    start = slot.end_utc
    end = start + slot.duration
    check = Checker()
    _check_within_days(check, slot.event, start, end)
    check.raise_if_any()
    copy = Slot(
        event=slot.event, title=slot.title, kind=slot.kind, start_utc=start, end_utc=end,
        track=slot.track, description=slot.description, speakers_text=slot.speakers_text,
    )
    db.session.add(copy)
    db.session.commit()
    return copy


def _apply(event: Event, moves: list[tuple]) -> None:
    """Write new times, refusing the whole change if any slot would leave the event's days."""
    check = Checker()
    for _, start, end in moves:
        _check_within_days(check, event, start, end)
    check.raise_if_any()
    for slot, start, end in moves:
        if (start, end) != (slot.start_utc, slot.end_utc):
            slot.start_utc, slot.end_utc = start, end
            slot.sequence += 1
    calendar_sync.sync_parts(event)
    db.session.commit()


def reorder_slot(slot: Slot, direction: int) -> None:
    """Swap a slot with its neighbour in the same track (run-of-show order)."""
    other = planning.neighbour(slot.event.slots, slot, direction)
    if other is None:
        raise Invalid({"slot": "That slot is already at the edge of its track."})
    earlier, later = (other, slot) if direction < 0 else (slot, other)
    _apply(slot.event, planning.swap_times(earlier, later))


def shift_agenda(event: Event, minutes: int | None, first: Slot | None = None) -> int:
    """Move the whole agenda, or `first` and everything after it, by `minutes`."""
    if not minutes or abs(minutes) > planning.MAX_SHIFT_MINUTES:
        raise Invalid({"minutes": f"Enter a number of minutes other than 0, at most {planning.MAX_SHIFT_MINUTES} either way."})
    slots = planning.slots_from(event.slots, first) if first else list(event.slots)
    _apply(event, planning.shifted(slots, minutes))
    return len(slots)


@dataclass
class ImportRow:
    number: int
    raw: dict
    values: dict = field(default_factory=dict)  # filled for a row without problems
    problems: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    problems: list[str]

    @property
    def clean(self) -> bool:
        return not self.problems and all(not r.problems for r in self.rows)


def preview_import(event: Event, raw: bytes | str, zone: str | None = None) -> ImportPreview:
    """Check every row of an agenda CSV without saving anything.

    Raises Invalid only when there is nothing to check (no file, unknown
    zone); problems of the file itself are listed in the preview.
    """
    check = Checker()
    if not (raw or "").strip():
        check.fail("file", "Choose a CSV file to import.")
    zone = check.zone("timezone", zone or event.timezone)
    check.raise_if_any()
    assert zone is not None, "raise_if_any() refused a missing zone"
    parsed = agenda_csv.read(raw)
    rows = []
    for number, cells, problems in parsed.rows:
        row = ImportRow(number, cells, problems=list(problems))
        if not problems:
            try:
                row.values = _checked(event, SlotInput(timezone=zone, **agenda_csv.slot_fields(cells)))
            except Invalid as error:
                row.problems.extend(f"{_label(name)}: {message}" for name, message in error.fields.items())
        rows.append(row)
    if parsed.problems or rows:
        return ImportPreview(rows, parsed.problems)
    return ImportPreview(rows, ["The file has no agenda rows."])


def _label(field_name: str) -> str:
    return {"speakers_text": "speakers", "timezone": "zone"}.get(field_name, field_name)


def import_agenda(event: Event, preview: ImportPreview) -> int:
    """Save every row of a clean preview in one transaction; nothing if any row is wrong."""
    if not preview.clean:
        raise Invalid({"file": "The file has problems; fix them and preview again."})
    db.session.add_all(Slot(event=event, **row.values) for row in preview.rows)
    db.session.commit()
    return len(preview.rows)


def export_agenda(event: Event, kind: str = "csv") -> str | bytes:
    """The agenda to edit offline and import back (CSV), or to read in a spreadsheet (XLSX)."""
    return agenda_csv.write(event.slots, event.timezone, kind)
