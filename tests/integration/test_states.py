"""Every (state, action) pair of every state machine, through the real use
cases: what a table allows succeeds and lands where the table says; what it
does not is refused with the named error and changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect

from forum import timezones
from forum.extensions import db
from forum.models import (
    EventStatus,
    InvitationLogEntry,
    InvitationStatus,
    OutboxMessage,
    RegistrationStatus,
)
from forum.models.speaker import ACTIVE
from forum.services import agenda, events, registrations, speakers, states
from forum.services.agenda import SlotInput
from forum.services.errors import Conflict, NotFound
from forum.services.registrations import RegistrationInput
from forum.services.speakers import SpeakerInput
from tests.support.factories import future_wall, make_event, open_event_for

SPEAKER_ANSWERS = ("confirm", "decline", "propose")  # behind the speaker's link, which no longer covers a revoked slot


def _actions(table) -> list[str]:
    return list(dict.fromkeys(action for moves in table.values() for action in moves))


def _world(obj) -> tuple:
    """The object's row and what a use case would have queued or logged."""
    db.session.expire_all()
    row = {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}
    return row, OutboxMessage.query.count(), InvitationLogEntry.query.count()


def _walk(state, make, perform, refusal=lambda state, action: Conflict):
    """For each action of `state`'s machine: a fresh object in `state` (`make(tag)`),
    the use case run on it (`perform`); `refusal` names the error a refused pair
    raises, or None where the use case answers a repeat as before."""
    table = states.MACHINES[type(state)].table
    for action in _actions(table):
        obj = make(f"{state.value}-{action}".replace("_", "-"))  # a valid slug
        assert obj.status is state
        before = _world(obj)
        if action in table[state]:
            perform(obj, action)
            target = table[state][action]
            landed = (state,) if target is None else target if isinstance(target, tuple) else (target,)
            assert obj.status in landed, (state, action)
            continue
        error = refusal(state, action)
        if error is None:
            perform(obj, action)
        else:
            with pytest.raises(error):
                perform(obj, action)
            db.session.rollback()
        assert _world(obj) == before, (state, action)


# The tables themselves -------------------------------------------------------

@pytest.mark.parametrize("status", [EventStatus, RegistrationStatus, InvitationStatus])
def test_every_state_has_a_row_and_every_action_its_words(status):
    machine = states.MACHINES[status]
    assert set(machine.table) == set(status)
    for moves in machine.table.values():
        for target in moves.values():
            assert all(t in status for t in (target if isinstance(target, tuple) else (target,)) if t is not None)
    assert set(machine.refusals) == set(_actions(machine.table))


def test_active_speakers_are_those_the_organisers_can_revoke():
    assert set(ACTIVE) == {s for s, moves in states.MACHINES[InvitationStatus].table.items() if "revoke" in moves}


def test_an_unknown_action_is_refused(organiser):
    with pytest.raises(Conflict, match="“fly” is not something an event can do."):
        events.change_status(make_event(organiser), "fly")


# Events ----------------------------------------------------------------------

@pytest.mark.parametrize("state", list(EventStatus))
def test_event_states(organiser, state):
    def make(tag):
        event = make_event(organiser, slug=tag)
        if state is not EventStatus.DRAFT:
            events.change_status(event, "publish")
        if state is EventStatus.CANCELLED:
            events.change_status(event, "cancel")
        return event

    _walk(state, make, events.change_status)


# Registrations -------------------------------------------------------------------

@pytest.mark.parametrize("state", list(RegistrationStatus))
def test_registration_states(organiser, state):
    def register(event, who):
        return registrations.register_attendee(event, RegistrationInput(
            name=who, email=f"{who}@example.org", timezone="Europe/Amsterdam"))

    def make(tag):
        options = {RegistrationStatus.PENDING: {"approval_required": True},
                   RegistrationStatus.HELD: {"email_confirmation_hours": 24},
                   RegistrationStatus.WAITLISTED: {"capacity": 1}}.get(state, {"capacity": None})
        event = open_event_for(organiser, slug=tag, **options)
        if state is RegistrationStatus.WAITLISTED:
            register(event, "first")
        registration = register(event, "ada")
        if state is RegistrationStatus.CANCELLED:
            registrations.cancel(registration)
        return registration

    def perform(registration, action):
        if action == "edit":
            registrations.update_details(registration, registrations.as_input(registration))
        else:
            getattr(registrations, action)(registration)

    _walk(state, make, perform)


# Speakers on slots -------------------------------------------------------------

@pytest.mark.parametrize("state", list(InvitationStatus))
def test_speaker_states(organiser, state):
    def proposed_start(invitation):
        return timezones.local_naive(invitation.slot.start_utc + timedelta(hours=1), invitation.speaker.timezone)

    def perform(invitation, action):
        speaker = invitation.speaker
        if action == "confirm":
            speakers.confirm(speaker, invitation.id)
        elif action == "decline":
            speakers.decline(speaker, invitation.id, "A council meeting")
        elif action == "propose":
            speakers.propose(speaker, invitation.id, proposed_start(invitation))
        elif action == "accept":
            speakers.accept_proposal(invitation)
        elif action == "revoke":
            speakers.revoke(invitation)
        else:
            speakers.assign(invitation.slot, speaker, "speaker")

    def make(tag):
        event = open_event_for(organiser, slug=tag)
        slot = agenda.add_slot(event, SlotInput(title="Opening", start=future_wall(16),
                                                end=future_wall(16) + timedelta(minutes=30), timezone="Asia/Taipei"))
        speaker = speakers.add_speaker(event, SpeakerInput(name="Wim", email="wim@example.org",
                                                           timezone="Europe/Amsterdam"))
        invitation = speakers.assign(slot, speaker, "speaker")
        moves = {InvitationStatus.CONFIRMED: "confirm", InvitationStatus.DECLINED: "decline",
                 InvitationStatus.PROPOSED: "propose", InvitationStatus.REVOKED: "revoke"}
        if state in moves:
            perform(invitation, moves[state])
        return invitation

    def refusal(state, action):
        if state is InvitationStatus.REVOKED and action in SPEAKER_ANSWERS:
            return NotFound  # the speaker's link no longer covers the slot
        if (state, action) == (InvitationStatus.CONFIRMED, "confirm"):
            return None  # a second press of "confirm" is answered as the first
        return Conflict

    _walk(state, make, perform, refusal)
