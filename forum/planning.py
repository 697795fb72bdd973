"""Agenda rules that need no database: overlaps, shifting, reordering, day grouping.

Functions take slots (anything with start_utc, end_utc, track, id) and
return facts or new times; services apply them and views show them.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from forum import planner, timezones
from forum.models.speaker import InvitationStatus

MAX_SHIFT_MINUTES = 7 * 24 * 60


def clashes(a, b) -> bool:
    """Two slots clash when they overlap in time and share a room.

    A slot without a track is plenary: it clashes with every slot it
    overlaps. Slots in different named tracks run in parallel by design.
    """
    if a.start_utc >= b.end_utc or b.start_utc >= a.end_utc:
        return False
    return not a.track or not b.track or a.track == b.track


def overlap_warnings(slots: Sequence) -> dict[int, list]:
    """For each slot id, the slots it clashes with (sorted input, near-linear)."""
    ordered = sorted(slots, key=lambda s: (s.start_utc, s.end_utc))
    found: dict[int, list] = {}
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.start_utc >= a.end_utc:
                break
            if clashes(a, b):
                found.setdefault(a.id, []).append(b)
                found.setdefault(b.id, []).append(a)
    return found


def shifted(slots: Iterable, minutes: int) -> list[tuple]:
    """New (slot, start, end) for moving slots by `minutes`: durations kept in UTC."""
    delta = timedelta(minutes=minutes)
    return [(s, s.start_utc + delta, s.end_utc + delta) for s in slots]


def slots_from(slots: Sequence, first) -> list:
    """`first` and every slot that starts at or after it: 'everything after a slot'."""
    return [s for s in slots if (s.start_utc, s.position, s.id) >= (first.start_utc, first.position, first.id)]


def swap_times(earlier, later) -> list[tuple]:
    """Swap two neighbouring slots in a run-of-show, keeping the block in place.

    `later` takes `earlier`'s start; `earlier` follows after the gap that
    separated them. Each keeps its own duration, so the block that the two
    occupied neither grows nor moves.
    """
    gap = later.start_utc - earlier.end_utc
    new_later_start = earlier.start_utc
    new_later_end = new_later_start + later.duration
    new_earlier_start = new_later_end + gap
    return [
        (later, new_later_start, new_later_end),
        (earlier, new_earlier_start, new_earlier_start + earlier.duration),
    ]


def neighbour(slots: Sequence, slot, direction: int):
    """The slot just before (-1) or after (+1) `slot` in its own track, or None."""
    same_track = [s for s in slots if s.track == slot.track]
    index = next(i for i, s in enumerate(same_track) if s.id == slot.id)
    other = index + direction
    return same_track[other] if 0 <= other < len(same_track) else None


def event_days(start_utc: datetime, end_utc: datetime, zone: str) -> tuple[date, date]:
    """First and last local calendar day the event touches in its own zone."""
    last = end_utc - timedelta(microseconds=1)
    return timezones.local_date(start_utc, zone), timezones.local_date(last, zone)


def within_days(start_utc: datetime, end_utc: datetime, days: tuple[date, date], zone: str) -> bool:
    first, last = days
    return (
        timezones.start_of_day(first, zone) <= start_utc
        and end_utc <= timezones.start_of_day(last + timedelta(days=1), zone)
    )


@dataclass
class AgendaDay:
    day: date
    label: str
    entries: list = field(default_factory=list)


@dataclass
class AgendaEntry:
    """A slot as one viewer sees it: times in their zone and in the event's."""

    slot: object
    start: str
    end: str
    end_day_note: str
    event_start: str
    event_end: str
    state: str = ""
    warnings: list = field(default_factory=list)


def agenda_days(slots: Sequence, viewer_zone: str, event_zone: str, now: datetime | None = None) -> list[AgendaDay]:
    """Slots grouped under the viewer's local days, with now/next markers.

    A slot is listed under the day it starts in the viewer's zone, so the
    same agenda splits differently in Taipei and in Los Angeles.
    """
    now = now or timezones.now_utc()
    states = now_and_next(slots, now)
    days: dict[date, AgendaDay] = {}
    for slot in slots:
        day = timezones.local_date(slot.start_utc, viewer_zone)
        end_day = timezones.local_date(slot.end_utc - timedelta(microseconds=1), viewer_zone)
        group = days.get(day)
        if group is None:
            group = days[day] = AgendaDay(day, timezones.format_day(day))
        group.entries.append(
            AgendaEntry(
                slot=slot,
                start=timezones.format_time(slot.start_utc, viewer_zone),
                end=timezones.format_time(slot.end_utc, viewer_zone),
                end_day_note="" if end_day == day else f"(+{(end_day - day).days}d)",
                event_start=timezones.format_time(slot.start_utc, event_zone),
                event_end=timezones.format_time(slot.end_utc, event_zone),
                state=states.get(slot.id, ""),
            )
        )
    return list(days.values())


def now_and_next(slots: Sequence, now: datetime) -> dict[int, str]:
    """'now' for slots under way, 'next' for the earliest slots still to come."""
    states = {s.id: "now" for s in slots if s.start_utc <= now < s.end_utc}
    upcoming = [s for s in slots if s.start_utc > now]
    if upcoming:
        first = min(s.start_utc for s in upcoming)
        states.update({s.id: "next" for s in upcoming if s.start_utc == first})
    return states


# Speakers -------------------------------------------------------------------

def night_warning(start_utc: datetime, end_utc: datetime, zone: str) -> str | None:
    """Why a slot is unkind to someone in `zone` (any of it in their night,
    the planner's rule), or None."""
    start, end = timezones.local_naive(start_utc, zone), timezones.local_naive(end_utc, zone)
    if not planner.is_night(start.hour * 60 + start.minute, int((end - start).total_seconds() // 60)):
        return None
    return f"{start:%H:%M}–{end:%H:%M} in {zone} is outside {planner.waking_hours()} (night for the speaker)"


@dataclass(frozen=True)
class Engagement:
    """One person's part in one slot, wherever the slot is."""

    email: str
    slot_id: int
    start_utc: datetime
    end_utc: datetime
    label: str  # "Slot title (Event title)"


def double_bookings(engagements: Iterable[Engagement]) -> dict[tuple[str, int], list[Engagement]]:
    """For each (email, slot id): the other engagements of that person that overlap it."""
    by_person: dict[str, list[Engagement]] = {}
    for engagement in engagements:
        by_person.setdefault(engagement.email, []).append(engagement)
    found: dict[tuple[str, int], list[Engagement]] = {}
    for email, items in by_person.items():
        items.sort(key=lambda e: e.start_utc)
        for i, first in enumerate(items):
            for second in items[i + 1:]:
                if second.start_utc >= first.end_utc:
                    break
                found.setdefault((email, first.slot_id), []).append(second)
                found.setdefault((email, second.slot_id), []).append(first)
    return found


# Releases ---------------------------------------------------------------------

DETAIL_FIELDS = ("kind", "track", "description", "speakers_text")


def _confirmed_names(slot: dict) -> list[str]:
    return [s["name"] for s in slot.get("speakers", []) if s["status"] == InvitationStatus.CONFIRMED.value]


def agenda_changes(before: list[dict], after: list[dict]) -> list[dict]:
    """What changed between two published states of an agenda (slot dicts keyed
    by their stable uid): added, removed, or changed with its aspects (moved,
    renamed, details, speakers). Ordered by the new start, removals last."""
    old = {slot["uid"]: slot for slot in before}
    changes = []
    for slot in sorted(after, key=lambda s: (s["start_utc"], s["position"])):
        base = {"uid": slot["uid"], "title": slot["title"], "start_utc": slot["start_utc"], "end_utc": slot["end_utc"]}
        previous = old.get(slot["uid"])
        if previous is None:
            changes.append({**base, "kind": "added", "aspects": []})
            continue
        aspects = []
        if (previous["start_utc"], previous["end_utc"]) != (slot["start_utc"], slot["end_utc"]):
            aspects.append("moved")
        if previous["title"] != slot["title"]:
            aspects.append("renamed")
        if any(previous[name] != slot[name] for name in DETAIL_FIELDS):
            aspects.append("details")
        gained = [n for n in _confirmed_names(slot) if n not in _confirmed_names(previous)]
        lost = [n for n in _confirmed_names(previous) if n not in _confirmed_names(slot)]
        if gained or lost:
            aspects.append("speakers")
        if aspects:
            changes.append({**base, "kind": "changed", "aspects": aspects, "old_title": previous["title"],
                            "old_start_utc": previous["start_utc"], "old_end_utc": previous["end_utc"],
                            "speakers_added": gained, "speakers_removed": lost})
    new_uids = {slot["uid"] for slot in after}
    for slot in sorted(before, key=lambda s: s["start_utc"]):
        if slot["uid"] not in new_uids:
            changes.append({"uid": slot["uid"], "title": slot["title"], "start_utc": slot["start_utc"],
                            "end_utc": slot["end_utc"], "kind": "removed", "aspects": []})
    return changes


def changes_calendars(change: dict) -> bool:
    """Whether a change alters what a calendar entry shows (time, title, details, existence)."""
    return change["kind"] != "changed" or bool(set(change["aspects"]) - {"speakers"})
