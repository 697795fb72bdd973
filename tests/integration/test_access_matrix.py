"""Who may use each route, read from the app's URL map: a route added without
an entry here fails the first test. Every route is tried by the people it is
not for (anonymous, another organiser, a wrong secret link) and by the one it
is for, on a fresh forum each time; nobody ever gets a 500."""
from __future__ import annotations

import pytest

from forum.services import accounts, agenda, feeds, plans, registrations, releases, speakers
from forum.services.agenda import SlotInput
from forum.services.plans import ParticipantFields
from forum.services.registrations import RegistrationInput
from forum.services.speakers import SpeakerInput
from tests.support.app import wipe_database
from tests.support.factories import future_wall, open_event_for
from tests.support.mail import mailed_link
from tests.support.web import login

PUBLIC, ORGANISER, ACCOUNT, API, API_OWN, REGISTRANT, SPEAKER, ORGANISER_FEED = (
    "public", "organiser", "account", "api", "api-own", "registrant", "speaker", "organiser-feed")

# endpoint -> (who it is for, values for the URL's choices)
MATRIX = {
    "static": (PUBLIC, {"filename": "css/site.css"}),
    "api-docs.openapi_json": (PUBLIC, {}),
    "auth.login": (PUBLIC, {}),
    "auth.logout": (PUBLIC, {}),
    "public.index": (PUBLIC, {}),
    "public.healthz": (PUBLIC, {}),
    "public.city_zones": (PUBLIC, {}),
    "public.event_page": (PUBLIC, {}),
    "public.event_feed": (PUBLIC, {}),
    "public.changelog": (PUBLIC, {}),
    "public.speakers_page": (PUBLIC, {}),
    "public.speaker_photo": (PUBLIC, {}),
    "public.add_session": (PUBLIC, {"service": "google"}),
    "public.register": (PUBLIC, {}),
    "api_events.list_events": (PUBLIC, {}),
    "api_events.get_event": (PUBLIC, {}),
    "api_events.list_releases": (PUBLIC, {}),  # the public changelog
    "api_registrations.register": (PUBLIC, {}),
    "public.registration_page": (REGISTRANT, {}),
    "public.update_registration": (REGISTRANT, {}),
    "public.cancel_registration": (REGISTRANT, {}),
    "public.confirm_address": (REGISTRANT, {}),
    "public.delete_registration": (REGISTRANT, {}),
    "public.registration_feed": (REGISTRANT, {}),
    "public.registration_ics": (REGISTRANT, {}),
    "public.organiser_feed": (ORGANISER_FEED, {}),
    "speaker.page": (SPEAKER, {}),
    "speaker.feed": (SPEAKER, {}),
    "speaker.photo": (SPEAKER, {}),
    "speaker.profile": (SPEAKER, {}),
    "speaker.confirm": (SPEAKER, {}),
    "speaker.decline": (SPEAKER, {}),
    "speaker.propose": (SPEAKER, {}),
    "speaker.talk": (SPEAKER, {}),
    "organiser.dashboard": (ACCOUNT, {}),
    "organiser.new_event": (ACCOUNT, {}),
    "organiser.account": (ACCOUNT, {}),
    "organiser.new_feed_link": (ACCOUNT, {}),
    "organiser.revoke_token": (ACCOUNT, {}),
    "api_events.create_event": (API, {}),
    "api_planner.suggestions": (API, {}),
    **{f"organiser.{name}": (ORGANISER, {}) for name in (
        "add_organiser", "add_plan_participant", "add_slot", "add_speaker", "assign_speaker",
        "audience_from_registrations", "builder", "create_sessions", "edit_event", "edit_slot", "edit_speaker", "erase_registration",
        "import_agenda", "message_attendees", "outbox_page", "planner", "publish_changes", "registrations_page",
        "remove_plan_participant", "retry_outbox", "send_invitation", "set_speaker_window", "shift", "speakers_board",
        "use_time")},
    "organiser.change_status": (ORGANISER, {"action": "unpublish"}),
    "organiser.export_agenda": (ORGANISER, {"kind": "xlsx"}),
    "organiser.export_registrations": (ORGANISER, {"kind": "csv"}),
    "organiser.invitation_action": (ORGANISER, {"action": "revoke"}),
    "organiser.registration_action": (ORGANISER, {"action": "remove"}),
    "organiser.slot_action": (ORGANISER, {"action": "duplicate"}),
    **{f"api_events.{name}": (API_OWN, {}) for name in (
        "add_slot", "delete_slot", "publish_changes", "update_event", "update_slot")},
    "api_events.change_status": (API_OWN, {"action": "unpublish"}),
    "api_registrations.list_registrations": (API_OWN, {}),
    "api_registrations.erase_registration": (API_OWN, {}),
    "api_speakers.add_speaker": (API_OWN, {}),
    "api_speakers.assign": (API_OWN, {}),
    "api_speakers.board": (API_OWN, {}),
}
WRONG_TOKEN = "n0t-a-real-link-but-long-enough-to-look-like-one-xxxxxx"


def test_every_route_has_an_entry(app):
    routed = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routed - set(MATRIX) == set(), "add the new route to the access matrix"
    assert set(MATRIX) - routed == set(), "a route in the matrix no longer exists"


class Forum:
    """One published event of Ada's with a released slot, a confirmed speaker
    without a photo, a registrant, a participant added to its plan, and the
    links each of them was mailed."""

    def __init__(self):
        self.ada = accounts.create_organiser("ada@example.org", "correct horse", "Ada")
        accounts.create_organiser("bob@example.org", "battery staple", "Bob")
        self.event = open_event_for(self.ada, capacity=5)
        self.slot = agenda.add_slot(self.event, SlotInput(title="Talk", start=future_wall(16), end=future_wall(17),
                                                          timezone="Asia/Taipei"))
        self.speaker = speakers.add_speaker(self.event, SpeakerInput(name="Wim", email="wim@example.org",
                                                                     timezone="Europe/Amsterdam"))
        releases.publish_changes(self.event, self.ada)  # the public sees the slot
        self.invitation = speakers.assign(self.slot, self.speaker, "speaker")
        speakers.send_invitation(self.speaker)
        speakers.confirm(self.speaker, self.invitation.id)
        self.registration = registrations.register_attendee(self.event, RegistrationInput(
            name="Ada L", email="attendee@example.org", timezone="UTC"))
        self.participant = plans.add_participant(self.event, ParticipantFields(timezone="Europe/London"))
        self.tokens = {REGISTRANT: mailed_link("attendee@example.org"),
                       SPEAKER: mailed_link("wim@example.org", "speakers"),
                       ORGANISER_FEED: feeds.new_organiser_feed_link(self.ada)}
        self.ada_bearer = {"Authorization": f"Bearer {accounts.issue_api_token(self.ada)}"}
        self.ada_token_id = self.ada.api_tokens[-1].id
        self.bob_bearer = {"Authorization": f"Bearer {accounts.issue_api_token(accounts.find_organiser('bob@example.org'))}"}

    def url(self, app, rule, token: str | None = None) -> str:
        _, choices = MATRIX[rule.endpoint]
        values = {"slug": self.event.slug, "slot_id": self.slot.id, "speaker_id": self.speaker.id,
                  "invitation_id": self.invitation.id, "registration_id": self.registration.id,
                  "participant_id": self.participant.id,
                  "uid": self.slot.uid, "token": token, "token_id": self.ada_token_id, **choices}
        with app.test_request_context():
            return app.url_map.bind("localhost").build(
                rule.endpoint, {name: values[name] for name in rule.arguments}, method=_method(rule))


def _method(rule) -> str:
    return min(rule.methods - {"HEAD", "OPTIONS"})  # GET before POST where both exist


def _body(world: Forum, endpoint: str) -> dict:
    """A valid body, so that an API call by another organiser is refused for
    whose event it is, not for what it sends."""
    start = future_wall(17).isoformat(timespec="minutes")
    return {
        "api_events.add_slot": {"title": "Added", "start": start, "end": future_wall(18).isoformat(timespec="minutes")},
        "api_events.update_event": {"title": "Renamed"},
        "api_events.update_slot": {"title": "Renamed"},
        "api_speakers.add_speaker": {"name": "Kim", "email": "kim@example.org", "timezone": "Asia/Seoul"},
        "api_speakers.assign": {"speaker_id": world.speaker.id, "role": "moderator"},
        "api_planner.suggestions": {"participants": [{"city": "Edinburgh"}], "date": "2020-08-19",
                                    "duration_minutes": 60},
    }.get(endpoint, {})


def _send(world: Forum, client, rule, url: str, headers: dict | None = None):
    method = _method(rule)
    body = {"json": _body(world, rule.endpoint)} if url.startswith("/api/") and method != "GET" else {}
    return client.open(url, method=method, headers=headers or {}, **body)


def _to_login(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint)


def _denied(response) -> bool:
    return response.status_code in (401, 403, 404) or _to_login(response)


@pytest.mark.parametrize("audience", [PUBLIC, ORGANISER, ACCOUNT, API, API_OWN, REGISTRANT, SPEAKER, ORGANISER_FEED])
def test_each_route_answers_only_the_people_it_is_for(app, audience):
    rules = [rule for rule in _rules(app) if MATRIX[rule.endpoint][0] == audience]
    assert rules
    for rule in rules:
        wipe_database()
        world = Forum()
        anonymous, bob, ada = app.test_client(), app.test_client(), app.test_client()
        login(bob, "bob@example.org", "battery staple")
        login(ada)
        tried = []
        if audience in (REGISTRANT, SPEAKER, ORGANISER_FEED):
            wrong = _send(world, anonymous, rule, world.url(app, rule, WRONG_TOKEN))
            assert wrong.status_code == 404, (rule.endpoint, wrong.status_code)
            tried.append(wrong)
            url = world.url(app, rule, world.tokens[audience])
            owner = _send(world, anonymous, rule, url)
        else:
            url = world.url(app, rule)
            if audience == ORGANISER:
                tried += [_send(world, anonymous, rule, url), _send(world, bob, rule, url)]
                assert _to_login(tried[0]), (rule.endpoint, tried[0].status_code)
                assert tried[1].status_code == 404, (rule.endpoint, "another organiser", tried[1].status_code)
            elif audience == ACCOUNT:
                tried.append(_send(world, anonymous, rule, url))
                assert _to_login(tried[0]), (rule.endpoint, tried[0].status_code)
            elif audience in (API, API_OWN):
                tried.append(_send(world, anonymous, rule, url))
                assert tried[0].status_code == 401, (rule.endpoint, tried[0].status_code)
                if audience == API_OWN:
                    tried.append(_send(world, anonymous, rule, url, world.bob_bearer))
                    assert tried[1].status_code == 404, (rule.endpoint, "another organiser", tried[1].status_code)
            headers = world.ada_bearer if audience in (API, API_OWN) else None
            owner = _send(world, anonymous if audience in (PUBLIC, API, API_OWN) else ada, rule, url, headers)
        assert not _denied(owner) or (rule.endpoint, owner.status_code) in EXPECTED_404, \
            (rule.endpoint, "the one it is for", owner.status_code)
        assert all(r.status_code < 500 for r in [*tried, owner]), (rule.endpoint, [r.status_code for r in tried])


# Answers that look like a refusal to the rightful caller, for a reason of the data, not of access.
EXPECTED_404 = {
    ("public.speaker_photo", 404),  # the speaker has no photo
    ("speaker.photo", 404),
    ("auth.logout", 302),  # logging out leads to the log-in page
}
