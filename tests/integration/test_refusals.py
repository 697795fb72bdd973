"""A refused action looks the same on every audience's pages (web/forms.py):
input at fault comes back as typed with the message beside its field (422);
a state that refuses is flashed, on the form as typed (409) or on the page a
button goes back to; an expired form is a 400 that changes nothing; a bad
?tz= is a 422 on a page, a feed and the API (web/errors.py)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from forum.models import Event, EventStatus, Invitation, InvitationStatus, Registration
from forum.services import agenda, events, registrations, speakers
from forum.services.agenda import SlotInput
from forum.services.errors import Conflict, Invalid, NotFound, ServiceError
from forum.services.registrations import RegistrationInput
from forum.services.speakers import LinkEnded, SpeakerInput
from forum.timezones import UnknownTimezone
from forum.web.errors import FORM_EXPIRED, answer_of
from tests.support.factories import future_wall
from tests.support.mail import mailed_link

PERSON = {"name": "Grace Hopper", "email": "grace@example.org", "organisation": "Navy", "city": "Arlington",
          "country": "US", "timezone": "America/New_York", "language": "en", "consent": "y"}
WIM = SpeakerInput(name="Wim de Vries", email="wim@utrecht.example.org", city="Utrecht", timezone="Europe/Amsterdam")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _slot(event, title: str = "Opening", hour: int = 16):
    return agenda.add_slot(event, SlotInput(title=title, start=future_wall(hour),
                                            end=future_wall(hour) + timedelta(minutes=30), timezone="Asia/Taipei"))


@pytest.fixture
def seat(open_event):
    """A registration's secret token."""
    registrations.register_attendee(open_event, RegistrationInput(**{**PERSON, "consent": True}))
    return mailed_link(PERSON["email"])


@pytest.fixture
def speaker_token(open_event):
    """The secret token of a speaker invited to one slot of the open event."""
    speaker = speakers.add_speaker(open_event, WIM)
    speakers.assign(_slot(open_event), speaker, "speaker")
    speakers.send_invitation(speaker)
    return mailed_link(WIM.email, "speakers")


def test_each_named_error_answers_as_the_table_says():
    assert answer_of(NotFound("gone")) == (404, "not_found")
    assert answer_of(LinkEnded("withdrawn")) == (404, "not_found")  # a subclass answers as its parent
    assert answer_of(Invalid({"name": "Needed."})) == (422, "invalid")
    assert answer_of(Conflict("full")) == (409, "conflict")
    assert answer_of(ServiceError("other")) == (400, "bad_request")
    assert answer_of(UnknownTimezone("Mars/Olympus")) == (422, "unprocessable_entity")


# An expired form: Flask-WTF refuses it before the view, on every audience's page ----------

def _expired(app, client, page: str, url: str, data: dict | None = None):
    """POST the form of `page` with its token once that token has expired."""
    app.config["WTF_CSRF_ENABLED"] = True
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', _text(client.get(page))).group(1)
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # any token is older than that
    response = client.post(url, data={**(data or {}), "csrf_token": token})
    assert response.status_code == 400
    assert "The CSRF token has expired." in _text(response) and FORM_EXPIRED in _text(response)
    return response


def test_an_expired_registration_form_registers_nobody(app, client, open_event):
    _expired(app, client, "/events/open/", "/events/open/register", PERSON)
    assert Registration.query.count() == 0


def test_an_expired_speaker_button_confirms_nothing(app, client, speaker_token):
    _expired(app, client, f"/speakers/{speaker_token}/", f"/speakers/{speaker_token}/slots/"
             f"{Invitation.query.one().id}/confirm")
    assert Invitation.query.one().status is InvitationStatus.INVITED


def test_an_expired_organiser_button_changes_no_status(app, logged_in, organiser):
    events.create_event(organiser, events.EventInput(title="Draft", timezone="Asia/Taipei", start=future_wall(16),
                                                     end=future_wall(18), slug="draft"))
    _expired(app, logged_in, "/organiser/events/draft/", "/organiser/events/draft/status", {"action": "publish"})
    assert Event.query.one().status is EventStatus.DRAFT


# A state that refuses: flashed, on the form as typed or where the button goes back to -----

def test_details_of_a_cancelled_registration_are_a_409_that_says_why(client, seat):
    cancelled = client.post(f"/registrations/{seat}/cancel", follow_redirects=True)
    assert "Your registration is cancelled" in _text(cancelled)
    again = client.post(f"/registrations/{seat}/cancel", follow_redirects=True)  # a button: flashed on its page
    assert again.status_code == 200 and "was already cancelled on" in _text(again)
    refused = client.post(f"/registrations/{seat}/", data={**PERSON, "name": "Amazing Grace"})
    assert refused.status_code == 409
    assert "its details can no longer be changed" in _text(refused)
    assert Registration.query.one().name == "Grace Hopper"


def test_a_locked_speaker_profile_is_a_409_that_says_why(client, open_event, speaker_token):
    open_event.speaker_edits_locked = True
    events.db.session.commit()
    refused = client.post(f"/speakers/{speaker_token}/profile", data={"name": "Wim", "timezone": "Europe/Amsterdam"})
    assert refused.status_code == 409
    assert "The organisers have locked speakers' details" in _text(refused)
    assert Invitation.query.one().speaker.name == "Wim de Vries"


def test_assigning_a_speaker_twice_keeps_the_choice_and_says_why(logged_in, open_event, speaker_token):
    invitation = Invitation.query.one()
    form = {"speaker_id": invitation.speaker_id, "slot_id": invitation.slot_id, "role": "moderator"}
    refused = logged_in.post("/organiser/events/open/speakers/assign", data=form)
    assert refused.status_code == 409
    assert "Wim de Vries is already on “Opening” (invited)." in _text(refused)
    assert '<option selected value="moderator">' in _text(refused)  # the choice as made
    assert Invitation.query.count() == 1


def test_a_refused_status_change_is_flashed_on_the_builder(logged_in, open_event):
    refused = logged_in.post("/organiser/events/open/status", data={"action": "publish"}, follow_redirects=True)
    assert refused.status_code == 200 and "A published event cannot be published." in _text(refused)


# Input at fault: beside its field, as typed; a button flashes it --------------------------

def test_a_speakers_too_long_reason_comes_back_as_typed(client, speaker_token):
    invitation = Invitation.query.one()
    reason = "No. " * 300
    refused = client.post(f"/speakers/{speaker_token}/slots/{invitation.id}/decline",
                          data={f"d{invitation.id}-reason": reason})
    assert refused.status_code == 422
    assert reason.strip() in _text(refused) and 'aria-invalid="true"' in _text(refused)
    assert Invitation.query.one().status is InvitationStatus.INVITED


def test_a_refused_button_flashes_the_fields_message(logged_in, open_event):
    slot = _slot(open_event)
    refused = logged_in.post(f"/organiser/events/open/slots/{slot.id}/up", follow_redirects=True)
    assert refused.status_code == 200 and "That slot is already at the edge of its track." in _text(refused)


def test_a_registration_form_refused_keeps_what_was_typed(client, open_event):
    refused = client.post("/events/open/register", data={**PERSON, "email": "grace@", "name": "Grace 測試"})
    assert refused.status_code == 422 and 'value="Grace 測試"' in _text(refused)
    assert Registration.query.count() == 0


# A bad parameter is a 422 everywhere ------------------------------------------------------

def test_an_unknown_zone_is_a_422_on_a_page_a_feed_and_the_api(client, seat):
    page = client.get("/events/open/?tz=Mars/Olympus")
    assert page.status_code == 422 and "“Mars/Olympus” is not a time zone" in _text(page)
    feed = client.get("/events/open/calendar.ics?tz=Mars/Olympus")
    assert feed.status_code == 422 and feed.mimetype == "text/plain"
    assert "“Mars/Olympus” is not a time zone" in _text(feed)
    private = client.get(f"/registrations/{seat}/calendar.ics?tz=Mars/Olympus")
    assert private.status_code == 422
    assert client.get("/events/open/calendar.ics?tz=Europe/Amsterdam").status_code == 200  # a zone is no harm
    api = client.get("/api/v1/events/open?tz=Mars/Olympus")
    assert api.status_code == 422 and "Mars/Olympus" in api.get_json()["error"]["fields"]["tz"]


def test_a_slot_gone_since_the_board_was_shown_is_named_above_the_form(logged_in, open_event):
    speaker, _ = speakers.add_speaker(open_event, WIM), _slot(open_event)
    refused = logged_in.post("/organiser/events/open/speakers/assign",
                             data={"speaker_id": speaker.id, "slot_id": 0, "role": "speaker"})
    assert refused.status_code == 404
    assert '<p class="error" role="alert">No such slot in this event.</p>' in _text(refused)
    assert Invitation.query.count() == 0
