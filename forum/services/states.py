"""Every state machine in one form. Each status enum's table, beside the enum
in forum/models, lists per state the actions allowed and where they lead.
Use cases call `require` before they act, so whatever the table forbids is a
Conflict in the words below; templates draw buttons from `allowed_actions`,
so a button shows exactly where its action would pass."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from forum import timezones
from forum.models.event import EVENT_TRANSITIONS, EventStatus
from forum.models.registration import REGISTRATION_TRANSITIONS, RegistrationStatus
from forum.models.speaker import INVITATION_TRANSITIONS, InvitationStatus
from forum.services.errors import Conflict


@dataclass(frozen=True)
class Machine:
    noun: str  # what the object is called in a refusal
    table: Mapping[Any, Mapping[str, Any]]
    refusals: Mapping[str, Callable[[Any], str]]  # per action: what whoever tried it out of turn reads


def _event_cannot_be(done: str) -> Callable[[Any], str]:
    return lambda event: f"A {event.status.value} event cannot be {done}."


def _already_cancelled(registration) -> str:
    since = timezones.format_datetime(registration.since, registration.timezone)
    return f"This registration was already cancelled on {since}."


def _already(invitation) -> str:
    return f"This invitation is already {invitation.status.value}."


MACHINES: dict[type[Enum], Machine] = {
    EventStatus: Machine("an event", EVENT_TRANSITIONS, {
        "publish": _event_cannot_be("published"),
        "unpublish": _event_cannot_be("unpublished"),
        "cancel": _event_cannot_be("cancelled"),
    }),
    RegistrationStatus: Machine("a registration", REGISTRATION_TRANSITIONS, {
        "approve": lambda r: f"{r.name} is {r.status.value}, not waiting for approval.",
        "promote": lambda r: f"{r.name} is {r.status.value}; only waiting people can be promoted.",
        "remove": _already_cancelled,
        "cancel": _already_cancelled,
        "edit": lambda r: ("This registration is cancelled, so its details can no longer be changed. "
                           "Register again on the event page to come after all."),
        "confirm_address": lambda r: ("This registration is cancelled (a held seat goes back when its address is "
                                      "not confirmed in time); register again on the event page to come after all."),
    }),
    InvitationStatus: Machine("an invitation", INVITATION_TRANSITIONS, {
        "confirm": _already,
        "decline": _already,
        "propose": _already,
        "accept": lambda i: "There is no proposal to accept for this invitation.",
        "revoke": _already,
        "assign": lambda i: f"{i.speaker.name} is already on “{i.slot.title}” ({i.status.value}).",
    }),
}


def _machine(obj) -> Machine:
    return MACHINES[type(obj.status)]


def allowed_actions(obj) -> tuple[str, ...]:
    """What `obj` (an event, registration or invitation) may do now, in its table's order."""
    return tuple(_machine(obj).table[obj.status])


def require(obj, action: str) -> Any:
    """Refuse, as a Conflict, an action that `obj`'s state does not allow;
    otherwise return where the table says it leads (see forum.models.types.Transitions)."""
    machine = _machine(obj)
    if action not in machine.refusals:
        raise Conflict(f"“{action}” is not something {machine.noun} can do.")
    moves = machine.table[obj.status]
    if action not in moves:
        raise Conflict(machine.refusals[action](obj))
    return moves[action]
