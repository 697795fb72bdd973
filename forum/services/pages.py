"""What the pages that gather several services show, built here once: a view
adds its forms and renders. (The speakers' board and page are built in
services/speakers.py, beside the rows they share.)"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from forum import planning, timezones
from forum.models import Event, EventStatus, Registration, Release
from forum.services import agenda, attendee_mail, entries, privacy, registrations, releases, speakers


def context(page) -> dict:
    """A view model's fields as template variables (not asdict: that copies nested dataclasses to dicts)."""
    return {field.name: getattr(page, field.name) for field in fields(page)}


@dataclass
class EventPage:
    """The public agenda in the reader's zone, and whether a seat can be had."""

    days: list[planning.AgendaDay]
    now: datetime
    closed: str | None  # why registration is closed, in words
    seats_left: int | None
    links: entries.Links
    release: Release | None


def event_page(event: Event, zone: str, closed: str | None = None) -> EventPage:
    now = timezones.now_utc()
    view = releases.public_view(event)
    return EventPage(
        days=planning.agenda_days(view.slots, zone, event.timezone, now), now=now,
        closed=closed or registrations.closed_reason(event, now), seats_left=registrations.seats_left(event),
        links=entries.event_links(event), release=view.release,
    )


@dataclass
class AttendeePage:
    """A registration's own page: the released agenda in the person's zone and what their seat gives them."""

    days: list[planning.AgendaDay]
    zone: str
    when: attendee_mail.When
    rank: int | None  # place on the waitlist
    join_url: str
    links: entries.Links | None
    awaits_confirmation: bool


def attendee_page(registration: Registration, token: str) -> AttendeePage:
    event, zone = registration.event, registration.timezone
    shown = entries.seat_shown(registration)
    return AttendeePage(
        days=planning.agenda_days(releases.public_agenda(event), zone, event.timezone, timezones.now_utc()),
        zone=zone, when=attendee_mail.when(event, zone),
        rank=registrations.waitlist_rank(registration) if registration.waitlist_position else None,
        join_url=shown.join_url if shown else "", links=entries.seat_links(registration, token),
        awaits_confirmation=registrations.awaits_confirmation(registration),
    )


@dataclass
class BuilderPage:
    """The organiser's agenda builder: the draft in the event's zone and every warning about it."""

    days: list[planning.AgendaDay]
    warnings: dict[int, list]  # slots that overlap
    speaker_warnings: dict[int, list[str]]
    hours_warnings: dict[int, str]
    pending: list[releases.Preview]  # changes the next release would publish


def builder_page(event: Event) -> BuilderPage:
    return BuilderPage(
        days=planning.agenda_days(event.slots, event.timezone, event.timezone),
        warnings=planning.overlap_warnings(event.slots), speaker_warnings=speakers.slot_warnings(event),
        hours_warnings=agenda.hours_warnings(event),
        pending=releases.preview(event) if event.status is EventStatus.PUBLISHED else [],
    )


@dataclass
class RegistrationList:
    """One page of an event's registrations for its organisers (the HTML list and the API alike)."""

    rows: Sequence[Registration]
    total: int
    page: int
    per_page: int
    ranks: dict[int, int]  # waitlist places, by registration id
    counts: registrations.Counts  # the erased still counted


def registration_list(event: Event, query: str, status: str, page: int, per_page: int) -> RegistrationList:
    rows, total = registrations.listing(event, query, status, page, per_page)
    return RegistrationList(rows=rows, total=total, page=page, per_page=per_page,
                            ranks=registrations.waitlist_ranks(rows), counts=privacy.counts(event))
