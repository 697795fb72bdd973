"""Speakers: organisers add them and invite them to slots; speakers answer
behind a secret link (confirm, decline, propose another time) without an
account; reminders go to those who have not answered.

Every state change writes a line to the invitation's log and queues its
e-mail in the same transaction (forum.mail).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from forum import images, planning, timezones
from forum.extensions import db
from forum.models import (
    Event,
    Invitation,
    InvitationLogEntry,
    InvitationStatus,
    Slot,
    Speaker,
    SpeakerLink,
    SpeakerRole,
    event_organisers,
)
from forum.models.speaker import ACTIVE, ANSWERED
from forum.services import agenda, calendar_sync, entries, speaker_mail, states, tokens
from forum.services.agenda import AgendaSlot, public_statuses
from forum.services.errors import Conflict, Invalid, NotFound
from forum.services.releases import public_agenda
from forum.services.tokens import hash_token
from forum.services.validation import Checker


@dataclass
class SpeakerInput:
    name: str = ""
    email: str = ""
    organisation: str = ""
    role_title: str = ""
    city: str = ""
    timezone: str = ""
    bio: str = ""


def _zone_from_city(check: Checker, city: str, zone: str) -> str:
    """An empty zone is taken from the city when its name means one zone."""
    if zone.strip() or not city.strip():
        return zone
    found, candidates = timezones.zone_of_city(city)
    if found:
        return found
    if candidates:
        options = ", ".join(sorted({f"{c.zone} ({c.city}, {c.country})" for c in candidates})[:6])
        check.fail("timezone", f"There are several places called {city.strip()}: {options}. Choose the zone.")
    return zone


def _checked(data: SpeakerInput, with_email: bool = True, photo: bytes | None = None,
             remove_photo: bool = False) -> dict:
    check = Checker()
    values: dict[str, object] = {
        "name": check.line("name", data.name, 200),
        "organisation": check.text("organisation", data.organisation, 200, required=False),
        "role_title": check.text("role_title", data.role_title, 200, required=False),
        "city": check.text("city", data.city, 100, required=False),
        "bio": check.text("bio", data.bio, 3000, required=False),
    }
    values["timezone"] = check.zone("timezone", _zone_from_city(check, data.city or "", data.timezone or ""))
    if with_email:
        values["email"] = check.email("email", data.email)
    _with_photo(check, values, photo, remove_photo)
    check.raise_if_any()
    return values


def as_input(speaker: Speaker) -> SpeakerInput:
    return SpeakerInput(name=speaker.name, email=speaker.email, organisation=speaker.organisation,
                        role_title=speaker.role_title, city=speaker.city, timezone=speaker.timezone, bio=speaker.bio)


def _with_photo(check: Checker, values: dict, photo: bytes | None, remove_photo: bool) -> dict:
    """Add the re-encoded photo to `values` (or its removal); a bad file is a message on `photo`."""
    if remove_photo:
        values.update(photo=None, photo_updated_at=None)
    elif photo:
        try:
            values.update(photo=images.reencode_photo(photo), photo_updated_at=timezones.now_utc())
        except images.PhotoError as error:
            check.fail("photo", str(error))
    return values


def add_speaker(event: Event, data: SpeakerInput, photo: bytes | None = None) -> Speaker:
    """A speaker of this event; the same person in another event is matched by e-mail."""
    values = _checked(data, photo=photo)
    taken = db.session.scalar(select(Speaker).where(Speaker.event_id == event.id, Speaker.email == values["email"]))
    if taken is not None:
        raise Invalid({"email": f"{taken.name} <{taken.email}> is already a speaker of this event."})
    speaker = Speaker(event_id=event.id, **values)
    db.session.add(speaker)
    db.session.commit()
    return speaker


def update_speaker(speaker: Speaker, data: SpeakerInput, photo: bytes | None = None,
                   remove_photo: bool = False) -> Speaker:
    """Profile fields and photo; the e-mail stays, as it is how the person is matched."""
    for name, value in _checked(data, with_email=False, photo=photo, remove_photo=remove_photo).items():
        setattr(speaker, name, value)
    db.session.commit()
    return speaker


def speaker_of(event: Event, speaker_id: int) -> Speaker:
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None or speaker.event_id != event.id:
        raise NotFound("No such speaker in this event.")
    return speaker


def invitation_of(event: Event, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.slot.event_id != event.id:
        raise NotFound("No such invitation in this event.")
    return invitation


def _log(invitation: Invitation, action: str, detail: str = "") -> None:
    invitation.log.append(InvitationLogEntry(action=action, detail=detail))


def assign(slot: Slot, speaker: Speaker, role: str, send: bool = False) -> Invitation:
    """Put a speaker on a slot, and with `send` mail them the invitation in
    the same transaction. A declined or revoked invitation is opened again
    rather than duplicated."""
    if speaker.event_id != slot.event_id:
        raise NotFound("No such speaker in this event.")
    try:
        role_value = SpeakerRole(role)
    except ValueError:
        raise Invalid({"role": f"“{role}” is not a role; use one of: "
                               f"{', '.join(r.value for r in SpeakerRole)}."}) from None
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.slot_id == slot.id, Invitation.speaker_id == speaker.id))
    if invitation is not None:
        states.require(invitation, "assign")
    else:
        position = len(slot.invitations)
        invitation = Invitation(slot=slot, speaker=speaker, position=position)
        db.session.add(invitation)
    invitation.role, invitation.status = role_value, InvitationStatus.INVITED
    invitation.invited_at = invitation.answered_at = invitation.last_contacted_at = None
    invitation.reminders_sent, invitation.decline_reason = 0, ""
    _log(invitation, "assigned", role_value.value)
    if send:
        _invite(speaker)
    db.session.commit()
    return invitation


def send_invitation(speaker: Speaker) -> int:
    """Mail the speaker a link listing every slot they are on; how many it lists."""
    count = _invite(speaker)
    db.session.commit()
    return count


def _invite(speaker: Speaker) -> int:
    invitations = [i for i in speaker.invitations if i.status in ACTIVE]
    if not invitations:
        raise Conflict(f"{speaker.name} is not on any slot yet; assign a slot first.")
    token = tokens.new_link(speaker)
    now = timezones.now_utc()
    for invitation in invitations:
        _log(invitation, "re-sent" if invitation.invited_at else "invited")
        invitation.invited_at = invitation.invited_at or now
        invitation.last_contacted_at = now  # the next reminder counts from here
    speaker_mail.send_invitation(speaker, token, invitations)
    return len(invitations)


def revoke(invitation: Invitation) -> None:
    """Take a speaker off a slot; a calendar entry they had is cancelled."""
    invitation.status = states.require(invitation, "revoke")
    invitation.proposed_start_utc = None
    _log(invitation, "revoked")
    _tell(invitation, f"The organisers have taken you off “{invitation.slot.title}”.")
    speaker = invitation.speaker
    if not any(i.status in ACTIVE for i in speaker.invitations):
        for link in speaker.links:
            if link.ended_at is None:
                link.ended_at, link.end_reason = timezones.now_utc(), "revoked"
    db.session.commit()


def note_event_cancelled(event: Event) -> None:
    """The board's history says why each open or confirmed invitation ended."""
    for invitation in db.session.scalars(
            select(Invitation).join(Slot).where(Slot.event_id == event.id, Invitation.status.in_(ACTIVE))):
        _log(invitation, "event cancelled")


def _tell(invitation: Invitation, why: str) -> None:
    """Mail the speaker's calendar entry for this slot if it changed, in words of the use case."""
    change = entries.update_part(invitation)
    if change is not None:
        speaker_mail.send_change(change, why)


# The speaker's side ----------------------------------------------------------

class LinkEnded(NotFound):
    """A link that worked once: the page says why it stopped."""


def by_token(token: str) -> Speaker:
    link = db.session.scalar(select(SpeakerLink).where(SpeakerLink.token_hash == hash_token(token or "")))
    if link is None:
        raise NotFound("This speaker link is not known. Please use the link in your latest invitation, "
                       "or contact the organisers of the event.")
    if link.ended_at is not None:
        raise LinkEnded("This speaker link no longer works: the organisers withdrew the invitation. "
                        "Please contact the organisers of the event.")
    if tokens.touched(link):
        db.session.commit()
    return link.speaker


@dataclass
class SpeakerSlot:
    """One slot on the speaker's own page."""

    invitation: Invitation
    slot: Slot
    times: SlotTimes
    local_wall: datetime  # its start on the speaker's clock, where a proposal starts from
    answered: str | None  # when they answered, in their zone
    links: entries.Links | None  # to add their calendar entry by hand


def speaker_page(speaker: Speaker) -> list[SpeakerSlot]:
    """The speaker's slots, soonest first, without those the organisers took them off."""
    return [
        SpeakerSlot(
            invitation=invitation, slot=invitation.slot, times=slot_times(invitation),
            local_wall=timezones.local_naive(invitation.slot.start_utc, speaker.timezone),
            answered=timezones.format_datetime(invitation.answered_at, speaker.timezone)
            if invitation.answered_at else None,
            links=entries.part_links(invitation),
        )
        for invitation in sorted(speaker.invitations, key=lambda i: i.slot.start_utc)
        if invitation.status is not InvitationStatus.REVOKED
    ]


def _own(speaker: Speaker, invitation_id: int) -> Invitation:
    """An invitation of this speaker (hence of this link's event), or a 404."""
    for invitation in speaker.invitations:
        if invitation.id == invitation_id and invitation.status is not InvitationStatus.REVOKED:
            return invitation
    raise NotFound("This link does not cover that slot. Please contact the organisers of the event.")


def confirm(speaker: Speaker, invitation_id: int) -> Invitation:
    invitation = _own(speaker, invitation_id)
    if invitation.status is InvitationStatus.CONFIRMED:  # a second press of the button: answered as the first
        return invitation
    target = states.require(invitation, "confirm")
    invitation.status, invitation.answered_at = target, timezones.now_utc()
    invitation.proposed_start_utc = None
    _log(invitation, "confirmed")
    _tell(invitation, f"Thank you for confirming “{invitation.slot.title}”. This e-mail carries the calendar entry.")
    db.session.commit()
    return invitation


def decline(speaker: Speaker, invitation_id: int, reason: str = "") -> Invitation:
    invitation = _own(speaker, invitation_id)
    target = states.require(invitation, "decline")
    check = Checker()
    reason = check.text("reason", reason, 1000, required=False)
    check.raise_if_any()
    invitation.status, invitation.answered_at = target, timezones.now_utc()
    invitation.decline_reason, invitation.proposed_start_utc = reason, None
    _log(invitation, "declined", reason)
    _tell(invitation, f"You have declined “{invitation.slot.title}”; the organisers are told.")
    db.session.commit()
    return invitation


def propose(speaker: Speaker, invitation_id: int, local_start: datetime | None, fold: int | None = None,
            note: str = "") -> Invitation:
    """Another start, typed in the speaker's own zone; the slot keeps its length."""
    invitation = _own(speaker, invitation_id)
    target = states.require(invitation, "propose")
    check = Checker()
    start = check.instant("start", local_start, speaker.timezone, fold)
    note = check.text("note", note, 1000, required=False)
    slot = invitation.slot
    if start is not None:
        if start <= timezones.now_utc():
            check.fail("start", "Propose a time in the future.")
        elif start == slot.start_utc:
            check.fail("start", "That is the slot's current time; confirm instead, or pick another time.")
        else:
            problem = agenda.outside_event(slot.event, start, start + slot.duration, speaker.timezone)
            if problem:
                check.fail("start", f"{problem} Please propose a time within it.")
    check.raise_if_any()
    invitation.status, invitation.answered_at = target, timezones.now_utc()
    invitation.proposed_start_utc, invitation.proposal_note = start, note
    _log(invitation, "proposed", f"{timezones.utc_isoformat(start)} {note}".strip())
    _tell(invitation, f"Your proposal for “{slot.title}” is with the organisers; until they accept it, "
                      "the current time leaves your calendar.")
    db.session.commit()
    return invitation


def update_profile(speaker: Speaker, data: SpeakerInput, photo: bytes | None = None,
                   remove_photo: bool = False) -> Speaker:
    if speaker.event.speaker_edits_locked:
        raise Conflict("The organisers have locked speakers' details; please write to them for changes.")
    return update_speaker(speaker, data, photo, remove_photo)


def update_talk(speaker: Speaker, invitation_id: int, title: str, abstract: str) -> Slot:
    """A speaker names their own talk, unless the organisers locked it or the slot is shared."""
    invitation = _own(speaker, invitation_id)
    slot = invitation.slot
    if speaker.event.speaker_edits_locked:
        raise Conflict("The organisers have locked talk titles and abstracts; please write to them for changes.")
    if invitation.role is not SpeakerRole.SPEAKER:
        raise Conflict("Only the speaker of a talk can rename it; a panel's title is the organisers' to change.")
    check = Checker()
    title, abstract = check.line("title", title, 200), check.text("abstract", abstract, 5000, required=False)
    check.raise_if_any()
    slot.title, slot.description = title, abstract
    _log(invitation, "edited talk", slot.title)
    calendar_sync.sync_parts(slot.event)
    db.session.commit()
    return slot


# The organiser's side --------------------------------------------------------

def accept_proposal(invitation: Invitation) -> Slot:
    """Move the slot to the proposed start (same length) and confirm the speaker;
    every speaker whose calendar has the slot gets the new time."""
    target = states.require(invitation, "accept")
    slot, event = invitation.slot, invitation.slot.event
    start = invitation.proposed_start_utc
    assert start is not None, "a proposal carries its start"
    problem = agenda.outside_event(event, start, start + slot.duration, event.timezone)
    if problem:
        raise Conflict(f"{problem} Change the event's hours first, or ask {invitation.speaker.name} "
                       "for another time.")
    slot.start_utc, slot.end_utc = start, start + slot.duration
    slot.sequence += 1
    _log(invitation, "proposal accepted", timezones.utc_isoformat(slot.start_utc))
    invitation.status, invitation.proposed_start_utc = target, None
    invitation.answered_at = timezones.now_utc()
    _tell(invitation, f"The organisers accepted the time you proposed for “{slot.title}”; this e-mail "
                      "carries the calendar entry.")
    calendar_sync.sync_parts(event)  # the slot's other speakers: it moved
    db.session.commit()
    return slot


@dataclass
class SlotTimes:
    """A speaker's slot as the board and the speaker's own page show it: in
    the speaker's zone, in the event's, and whether it falls in their night."""

    local_start: str
    local_time: str  # the start on the speaker's clock, HH:MM, for a line of several speakers
    day_note: str  # "(+1 day)" when that start falls on another day than in the event's zone
    local_span: str  # start and end, in the speaker's zone
    event_start: str
    event_span: str
    night: str | None
    proposed_local: str | None = None
    proposed_event: str | None = None


def slot_times(invitation: Invitation) -> SlotTimes:
    slot, mine, theirs = invitation.slot, invitation.speaker.timezone, invitation.slot.event.timezone
    shift = (timezones.local_date(slot.start_utc, mine) - timezones.local_date(slot.start_utc, theirs)).days
    times = SlotTimes(
        local_start=timezones.format_datetime(slot.start_utc, mine),
        local_time=timezones.format_time(slot.start_utc, mine),
        day_note=f"({shift:+d} day{'s' if abs(shift) > 1 else ''})" if shift else "",
        local_span=timezones.format_span(slot.start_utc, slot.end_utc, mine),
        event_start=timezones.format_datetime(slot.start_utc, theirs),
        event_span=timezones.format_span(slot.start_utc, slot.end_utc, theirs),
        night=planning.night_warning(slot.start_utc, slot.end_utc, mine),
    )
    if invitation.proposed_start_utc:
        times.proposed_local = timezones.format_datetime(invitation.proposed_start_utc, mine)
        times.proposed_event = timezones.format_datetime(invitation.proposed_start_utc, theirs)
    return times


@dataclass
class BoardRow:
    """One speaker on one slot, as the organiser's board and the API show it."""

    invitation: Invitation
    speaker: Speaker
    slot: Slot
    times: SlotTimes
    waiting_days: int | None  # no answer for this many days
    conflicts: list[planning.Engagement]


@dataclass
class Board:
    rows: list[BoardRow]
    answered: int  # rows whose speaker has confirmed or declined


def _engagements(event: Event) -> list[planning.Engagement]:
    """Active engagements of this event's speakers in every event sharing an organiser."""
    emails = select(Speaker.email).where(Speaker.event_id == event.id)
    sibling_events = select(event_organisers.c.event_id).where(
        event_organisers.c.organiser_id.in_(
            select(event_organisers.c.organiser_id).where(event_organisers.c.event_id == event.id)))
    rows = db.session.execute(
        select(Speaker.email, Slot.id, Slot.start_utc, Slot.end_utc, Slot.title, Event.title)
        .join(Invitation, Invitation.speaker_id == Speaker.id)
        .join(Slot, Invitation.slot_id == Slot.id)
        .join(Event, Slot.event_id == Event.id)
        .where(Speaker.email.in_(emails), Event.id.in_(sibling_events), Invitation.status.in_(ACTIVE))
    )
    return [planning.Engagement(email, slot_id, start, end, f"{title} ({event_title})")
            for email, slot_id, start, end, title, event_title in rows]


def board(event: Event, now: datetime | None = None) -> list[BoardRow]:
    """Every speaker on every slot of the event, in agenda order."""
    now = now or timezones.now_utc()
    invitations = db.session.scalars(
        select(Invitation).join(Slot).where(Slot.event_id == event.id)
        .options(joinedload(Invitation.slot), joinedload(Invitation.speaker), selectinload(Invitation.log))
        .order_by(Slot.start_utc, Slot.position, Invitation.position, Invitation.id)
    ).all()
    clashes = planning.double_bookings(_engagements(event))
    rows = []
    for invitation in invitations:
        waiting = None
        if invitation.status is InvitationStatus.INVITED and invitation.invited_at:
            waiting = (now - invitation.invited_at).days
        rows.append(BoardRow(
            invitation=invitation, speaker=invitation.speaker, slot=invitation.slot, times=slot_times(invitation),
            waiting_days=waiting,
            conflicts=[] if invitation.status not in ACTIVE
            else clashes.get((invitation.speaker.email, invitation.slot_id), []),
        ))
    return rows


def board_page(event: Event) -> Board:
    """The organiser's board: its rows and how many of them are answered."""
    rows = board(event)
    return Board(rows, sum(r.invitation.status in ANSWERED for r in rows))


def slot_warnings(rows: list[BoardRow]) -> dict[int, list[str]]:
    """For the builder: per slot, the night and double-booking warnings of its speakers (rows of `board`)."""
    warnings: dict[int, list[str]] = {}
    for row in rows:
        if row.invitation.status not in ACTIVE:
            continue
        if row.times.night:
            warnings.setdefault(row.slot.id, []).append(f"{row.speaker.name}: {row.times.night}")
        for other in row.conflicts:
            warnings.setdefault(row.slot.id, []).append(f"{row.speaker.name} is also on {other.label} at that time")
    return warnings


def slot_speakers(slot: Slot) -> list[Speaker]:
    """The speakers on a slot or asked to be, in the slot's order (one query)."""
    return list(db.session.scalars(
        select(Speaker).join(Invitation, Invitation.speaker_id == Speaker.id)
        .where(Invitation.slot_id == slot.id, Invitation.status.in_(ACTIVE))
        .order_by(Invitation.position, Invitation.id)
    ))


def local_starts(rows: list[BoardRow]) -> dict[int, list[BoardRow]]:
    """For the builder: per slot, the speakers on it or asked to be (rows of `board`), whose
    own start times it shows inline."""
    starts: dict[int, list[BoardRow]] = {}
    for row in rows:
        if row.invitation.status in ACTIVE:
            starts.setdefault(row.slot.id, []).append(row)
    return starts


# Reminders ----------------------------------------------------------------------

def send_reminders(now: datetime | None = None) -> int:
    """Remind speakers who have not answered: after the event's number of days
    since we last wrote to them (invitation, re-send or reminder), at most its
    number of times."""
    now = now or timezones.now_utc()
    candidates = db.session.scalars(
        select(Invitation).join(Slot).join(Event)
        .where(Invitation.status == InvitationStatus.INVITED, Invitation.invited_at.is_not(None),
               Invitation.reminders_sent < Event.speaker_reminder_max, Slot.start_utc > now)
        .options(joinedload(Invitation.speaker), joinedload(Invitation.slot))
    ).all()
    due: dict[int, list[Invitation]] = {}
    for invitation in candidates:
        last = invitation.last_contacted_at or invitation.invited_at
        assert last is not None, "the query keeps invited speakers only"
        if now - last >= timedelta(days=invitation.slot.event.speaker_reminder_days):
            due.setdefault(invitation.speaker_id, []).append(invitation)
    for invitations in due.values():
        speaker = invitations[0].speaker
        token = tokens.new_link(speaker)
        for invitation in invitations:
            invitation.reminders_sent += 1
            invitation.last_contacted_at = now
            _log(invitation, "reminded", str(invitation.reminders_sent))
        speaker_mail.send_reminder(speaker, token, invitations)
    db.session.commit()
    return len(due)


@dataclass
class PublicSpeaker:
    speaker: Speaker
    slots: list[tuple[AgendaSlot, SpeakerRole, bool]]  # (slot as released, role, confirmed)


def public_speakers(event: Event) -> list[PublicSpeaker]:
    """Who the public may see, by name, with their released slots; never e-mails or declines."""
    released = {slot.id: slot for slot in public_agenda(event)}
    shown = public_statuses(event)
    invitations = db.session.scalars(
        select(Invitation).join(Slot).where(Slot.event_id == event.id, Invitation.status.in_(shown))
        .options(joinedload(Invitation.slot), joinedload(Invitation.speaker))
        .order_by(Slot.start_utc, Invitation.position)
    ).all()
    people: dict[int, PublicSpeaker] = {}
    for invitation in invitations:
        if invitation.slot_id not in released:
            continue
        entry = people.setdefault(invitation.speaker_id, PublicSpeaker(invitation.speaker, []))
        entry.slots.append((released[invitation.slot_id], invitation.role,
                            invitation.status is InvitationStatus.CONFIRMED))
    return sorted(people.values(), key=lambda p: p.speaker.name.lower())
