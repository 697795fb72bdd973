"""Random sequences of what organisers, speakers and attendees do, with the
calendar rule (tests/support/calendars.py) checked after every step, on
SQLite and PostgreSQL, with a real SMTP server that sometimes goes down."""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from forum import mail, timezones
from forum.extensions import db
from forum.models import Invitation, InvitationStatus, Registration, RegistrationStatus
from forum.services import accounts, agenda, events, registrations, releases, speakers
from forum.services.agenda import SlotInput
from forum.services.errors import Conflict, Invalid, NotFound
from forum.services.speakers import SpeakerInput
from tests.support import calendars
from tests.support.app import wipe_database
from tests.support.factories import future_wall, open_event_for

JOIN = "https://meet.example.org/"  # every join link the machine sets starts so
ATTENDEES = [("toronto@example.org", "America/Toronto"), ("chatham@example.org", "Pacific/Chatham"),
             ("kathmandu@example.org", "Asia/Kathmandu"), ("amsterdam@example.org", "Europe/Amsterdam")]
SPEAKERS = [SpeakerInput(name="Sita", email="sita@example.org", timezone="Asia/Kathmandu"),
            SpeakerInput(name="Wim", email="wim@example.org", timezone="Europe/Amsterdam"),
            SpeakerInput(name="Kylie", email="kylie@example.org", timezone="Australia/Darwin")]
REFUSED = (Conflict, Invalid, NotFound)


@pytest.mark.slow  # a Hypothesis state machine: out of `make test-fast`
def test_random_changes_keep_every_calendar_in_line(app, client, smtp_server):
    class Calendars(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            wipe_database()
            smtp_server.received.clear()
            if smtp_server.controller is None:
                smtp_server.start()
            organiser = accounts.create_organiser("ada@example.org", "correct horse", "Ada")
            self.event = open_event_for(organiser, capacity=2, join_url=JOIN + "room-0")
            self.organiser, self.rooms = organiser, 0
            for hour, title in ((16, "Opening"), (17, "Panel")):
                agenda.add_slot(self.event, SlotInput(title=title, start=future_wall(hour),
                                                      end=future_wall(hour) + timedelta(minutes=45),
                                                      timezone="Asia/Taipei"))
            releases.publish_changes(self.event, organiser)
            self.speakers = [speakers.add_speaker(self.event, data) for data in SPEAKERS]
            # A forum under way: two seats taken and two waiting, two speakers
            # confirmed and one still to answer; the rules go on from here.
            for who in range(len(ATTENDEES)):
                self.register(who)
            for person, slot in zip(self.speakers, (0, 1, 1), strict=False):
                speakers.assign(self._slot(slot), person, "panelist")
                speakers.send_invitation(person)
            for part in (0, 1):
                self.speaker_answers(part, "confirm")

        def _attempt(self, action) -> None:
            try:
                action()
            except REFUSED:
                db.session.rollback()

        def _part(self, index: int) -> Invitation | None:
            parts = Invitation.query.order_by(Invitation.id).all()
            return parts[index % len(parts)] if parts else None

        def _slot(self, index: int):
            slots = self.event.slots
            return slots[index % len(slots)] if slots else None

        @rule(who=st.integers(0, len(ATTENDEES) - 1))
        def register(self, who):
            email, zone = ATTENDEES[who]
            client.post("/api/v1/events/open/registrations", json={"name": email[:5], "email": email, "timezone": zone})

        @rule(who=st.integers(0, 9))
        def attendee_cancels(self, who):
            people = Registration.query.order_by(Registration.id).all()
            if people:
                self._attempt(lambda: registrations.cancel(people[who % len(people)]))

        @rule(who=st.integers(0, 9))
        def organiser_promotes(self, who):
            waiting = Registration.query.filter_by(status=RegistrationStatus.WAITLISTED).all()
            if waiting:
                self._attempt(lambda: registrations.promote(waiting[who % len(waiting)]))

        @rule(speaker=st.integers(0, len(SPEAKERS) - 1), slot=st.integers(0, 9))
        def invite(self, speaker, slot):
            target, person = self._slot(slot), self.speakers[speaker]
            if target is not None:
                self._attempt(lambda: speakers.assign(target, person, "speaker"))
                self._attempt(lambda: speakers.send_invitation(person))

        @rule(part=st.integers(0, 9), answer=st.sampled_from(["confirm", "decline", "propose"]))
        def speaker_answers(self, part, answer):
            invitation = self._part(part)
            if invitation is None or invitation.status is InvitationStatus.REVOKED:
                return
            speaker = invitation.speaker
            if answer == "confirm":
                self._attempt(lambda: speakers.confirm(speaker, invitation.id))
            elif answer == "decline":
                self._attempt(lambda: speakers.decline(speaker, invitation.id, "Cannot after all"))
            else:
                start = timezones.local_naive(self.event.start_utc + timedelta(minutes=15), speaker.timezone)
                self._attempt(lambda: speakers.propose(speaker, invitation.id, start))

        @rule(part=st.integers(0, 9), action=st.sampled_from(["accept", "revoke"]))
        def organiser_answers(self, part, action):
            invitation = self._part(part)
            if invitation is not None:
                self._attempt(lambda: speakers.accept_proposal(invitation) if action == "accept"
                              else speakers.revoke(invitation))

        @rule(slot=st.integers(0, 9), minutes=st.sampled_from([-30, 15, 30]), rename=st.booleans())
        def edit_slot(self, slot, minutes, rename):
            target = self._slot(slot)
            if target is None:
                return
            data = agenda.as_input(target)
            data.start, data.end = data.start + timedelta(minutes=minutes), data.end + timedelta(minutes=minutes)
            if rename:
                data.title = f"{data.title}*"
            self._attempt(lambda: agenda.update_slot(target, data))

        @rule(slot=st.integers(0, 9))
        def delete_slot(self, slot):
            target = self._slot(slot)
            if target is not None:
                self._attempt(lambda: agenda.delete_slot(target))

        @rule()
        def add_slot(self):
            self._attempt(lambda: agenda.add_slot(self.event, agenda.next_slot_input(self.event)))

        @rule()
        def publish_changes(self):
            self._attempt(lambda: releases.publish_changes(self.event, self.organiser))

        @rule(hours=st.sampled_from([0, 1, -1]), new_room=st.booleans(), venue=st.booleans())
        def edit_event(self, hours, new_room, venue):
            data = events.as_input(self.event)
            data.start, data.end = data.start + timedelta(hours=hours), data.end + timedelta(hours=hours)
            if new_room:
                self.rooms += 1
                data.join_url = f"{JOIN}room-{self.rooms}"
            if venue:
                data.venue = "Taipei City Hall" if data.venue != "Taipei City Hall" else ""
            self._attempt(lambda: events.update_event(self.event, data))

        @rule(action=st.sampled_from(["publish", "unpublish", "cancel"]))
        def change_status(self, action):
            self._attempt(lambda: events.change_status(self.event, action))

        @rule()
        def mail_outage(self):
            """The worker runs while SMTP is down: messages wait for their retry."""
            smtp_server.stop()
            mail.deliver_due()
            smtp_server.start()

        @invariant()
        def every_calendar_agrees(self):
            calendars.check(client, smtp_server, JOIN)

    run_state_machine_as_test(Calendars, settings=settings(
        max_examples=10 if app.backend == "postgresql" else 25, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
