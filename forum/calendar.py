"""Every iCalendar byte the forum writes: iTIP messages, feeds, single-event files
and the "add to calendar" links that sit beside them.

Rules from CALENDAR-NOTES.md kept here: stable UIDs and SEQUENCE come from
the caller's stored rows; times carry the event's TZID with a VTIMEZONE built
from the tz database for the years around the event, a yearly RRULE where the
zone follows one there (Outlook keeps nothing else) and one RDATE line per
other change, so ical.js, vobject and Outlook all read the same instants; bytes
leave icalendar untouched (CRLF, folding at 75 octets).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vRecur,
    vText,
)

from forum import timezones

PRODID = "-//Forum scheduler//forum//EN"
ZONE_WINDOW = timedelta(days=366)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545 BYDAY, Monday first as date.weekday()


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass
class Entry:
    """One VEVENT: what the caller knows about an event, a slot or an invitation."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    join_url: str = ""
    cancelled: bool = False
    organizer: Person | None = None
    attendees: list[Person] = field(default_factory=list)
    attendee_partstat: str = "NEEDS-ACTION"
    stamp: datetime | None = None
    zone: str | None = None  # its own zone, in a feed that mixes events; else the calendar's


def _vtimezone(zone: str, start: datetime, end: datetime) -> Timezone:
    component = Timezone()
    component.add("tzid", zone)
    for run in timezones.observance_runs(zone, start - ZONE_WINDOW, end + ZONE_WINDOW):
        block = TimezoneDaylight() if run.is_dst else TimezoneStandard()
        block.add("dtstart", run.onsets[0])
        block.add("tzoffsetfrom", run.offset_from)
        block.add("tzoffsetto", run.offset_to)
        block.add("tzname", run.name)
        if run.rule is not None:
            block.add("rrule", _rrule(run.rule))
        else:
            # One RDATE line per onset, the DTSTART one included: parsers that
            # read only the first value of a comma-separated RDATE get every change.
            for onset in run.onsets:
                block.add("rdate", onset)
        component.add_component(block)
    return component


def _rrule(rule: timezones.YearlyRule) -> vRecur:
    recur = vRecur(freq="YEARLY", bymonth=rule.month, byday=f"{rule.week}{WEEKDAYS[rule.weekday]}")
    if rule.until is not None:
        recur["until"] = rule.until
    return recur


def _add_time(component, name: str, instant: datetime, zone: str) -> None:
    if zone == "UTC":
        component.add(name, timezones.to_utc(instant))
    else:
        component.add(name, timezones.local_naive(instant, zone), parameters={"TZID": zone})


def _address(person: Person, **parameters) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name)
    for key, value in parameters.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def _vevent(entry: Entry, zone: str, stamp: datetime) -> Event:
    component = Event()
    component.add("uid", entry.uid)
    component.add("sequence", entry.sequence)
    component.add("dtstamp", timezones.to_utc(entry.stamp or stamp))
    _add_time(component, "dtstart", entry.start, zone)
    _add_time(component, "dtend", entry.end, zone)
    component.add("summary", entry.summary)
    component.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    component.add("transp", "OPAQUE")
    location = entry.join_url or entry.location
    if location:
        component.add("location", location)
    description = entry.description
    if entry.join_url:
        description = f"Join: {entry.join_url}\n\n{description}".strip()
        component.add("conference", entry.join_url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    if description:
        component.add("description", description)
    if entry.url:
        component.add("url", entry.url)
    if entry.organizer is not None:
        component.add("organizer", _address(entry.organizer))
    for attendee in entry.attendees:
        component.add(
            "attendee",
            _address(attendee, role="REQ-PARTICIPANT", partstat=entry.attendee_partstat, rsvp="FALSE"),
        )
    return component


def _calendar(method: str, entries: list[Entry], zone: str, stamp: datetime, extra: dict | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    for name, value in (extra or {}).items():
        value, parameters = value if isinstance(value, tuple) else (value, None)
        calendar.add(name, value, parameters=parameters)
    spans: dict[str, tuple[datetime, datetime]] = {}
    for entry in entries:  # one VTIMEZONE per zone used, covering its own entries
        own = entry.zone or zone
        first, last = spans.get(own, (entry.start, entry.end))
        spans[own] = (min(first, entry.start), max(last, entry.end))
    for own, (first, last) in sorted(spans.items()):
        if own != "UTC":
            calendar.add_component(_vtimezone(own, first, last))
    for entry in entries:
        calendar.add_component(_vevent(entry, entry.zone or zone, stamp))
    return calendar.to_ical()


def itip_message(entry: Entry, zone: str, method: str = "REQUEST") -> bytes:
    """An iTIP REQUEST or CANCEL (RFC 5546) for one UID, dated now."""
    if method not in {"REQUEST", "CANCEL"}:
        raise ValueError(f"unsupported iTIP method {method}")
    return _calendar(method, [entry], zone, timezones.now_utc())


def single(entry: Entry, zone: str) -> bytes:
    """A downloadable .ics for "Apple / other": PUBLISH, so nothing asks for a reply."""
    return _calendar("PUBLISH", [entry], zone, entry.stamp or timezones.now_utc())


def feed(name: str, entries: list[Entry], zone: str, stamp: datetime, refresh: timedelta = timedelta(hours=1)) -> bytes:
    """A subscription feed. `stamp` is the last change, so an unchanged feed
    is byte-identical from one request to the next."""
    # vDuration by hand: icalendar's helper drops VALUE=DURATION, and a bare
    # timedelta for X-PUBLISHED-TTL would be written as "1:00:00".
    extra = {
        "x-wr-calname": name,
        "refresh-interval": (vDuration(refresh), {"VALUE": "DURATION"}),
        "x-published-ttl": (vDuration(refresh), None),
    }
    return _calendar("PUBLISH", entries, zone, stamp, extra)


def _utc_stamp(instant: datetime) -> str:
    """Google's compact UTC form, with the year always in four digits."""
    return timezones.utc_isoformat(instant).replace("-", "").replace(":", "")


def google_link(entry: Entry) -> str:
    """Google Calendar's event template; times in UTC so no zone is guessed."""
    details = f"{entry.description}\n\n{entry.url}".strip() if entry.url else entry.description
    query = {
        "action": "TEMPLATE",
        "text": entry.summary,
        "dates": f"{_utc_stamp(entry.start)}/{_utc_stamp(entry.end)}",
        "details": details,
        "location": entry.join_url or entry.location,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_link(entry: Entry) -> str:
    """Outlook.com's compose deep link; ISO times in UTC."""
    details = f"{entry.description}\n\n{entry.url}".strip() if entry.url else entry.description
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": entry.summary,
        "startdt": timezones.utc_isoformat(entry.start),
        "enddt": timezones.utc_isoformat(entry.end),
        "body": details,
        "location": entry.join_url or entry.location,
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
