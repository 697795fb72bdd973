"""Schemathesis against the API's own OpenAPI document: no 5xx, and every
answer (status, content type, body) is one the document describes, for an
organiser's token, for no token, and for text and numbers no client should send."""
from __future__ import annotations

import contextvars

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from forum import create_app
from forum.services import accounts, agenda, speakers
from forum.services.agenda import SlotInput
from forum.services.speakers import SpeakerInput
from tests.support.factories import future_wall, open_event_for

pytestmark = pytest.mark.slow  # thousands of generated requests: the full suite only

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation and database, positive and negative. The coverage
# phase is off: its deterministic cases are not bounded by max-examples.
CONFIG = {"generation": {"max-examples": 25}, "phases": {"coverage": {"enabled": False}}}
# The document is the same for every database; its operations must be known when tests are collected.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}),
    config=schemathesis.Config.from_dict(CONFIG),
)


def _wall(hour: int) -> str:
    return future_wall(hour).isoformat(timespec="minutes")


SLOT = {"title": "Panel", "start": _wall(17), "end": _wall(18)}
PERSON = {"name": "Ada", "email": "ada@example.org", "timezone": "Europe/Amsterdam"}
VALID_BODIES = {  # what each write needs to succeed on the seeded event, so fuzzed optional fields get past it
    "POST /api/v1/events": {"title": "Fuzz Forum", "timezone": "Asia/Taipei", "start": _wall(9), "end": _wall(12)},
    "PATCH /api/v1/events/{slug}": {"start": _wall(16), "end": _wall(18)},
    "POST /api/v1/events/{slug}/slots": SLOT,
    "PATCH /api/v1/events/{slug}/slots/{slot_id}": SLOT,
    "POST /api/v1/events/{slug}/registrations": PERSON,
    "POST /api/v1/events/{slug}/speakers": {**PERSON, "name": "Grace", "email": "grace@example.org"},
    "POST /api/v1/planner/suggestions": {"participants": [{"timezone": "Asia/Taipei"}], "date": "2020-08-19",
                                         "duration_minutes": 60},
}
SEEDED: dict = {}  # the running test's slug, slot_id and speaker_id, set by the `seeded` fixture


def isolated(app):
    """The app as a server runs it: each request in its own context, not the test's."""
    def wsgi(environ, start_response):
        return contextvars.Context().run(app, environ, start_response)
    return wsgi


@pytest.fixture
def seeded(organiser):
    """A published event, 16:00-18:00 Taipei, with a slot, a speaker on it and one to put there."""
    event = open_event_for(organiser, slug="fuzz", capacity=5)
    slot = agenda.add_slot(event, SlotInput(title="Opening", start=future_wall(16), end=future_wall(17)))
    on_slot, free = (speakers.add_speaker(event, SpeakerInput(name=name, email=f"{name.lower()}@example.org",
                                                              timezone="Europe/Amsterdam")) for name in ("Wim", "Ana"))
    speakers.assign(slot, on_slot, "speaker")
    SEEDED.update(slug=event.slug, slot_id=slot.id, speaker_id=free.id)
    yield SEEDED
    SEEDED.clear()


@pytest.fixture
def bearer(organiser):
    return {"Authorization": f"Bearer {accounts.issue_api_token(organiser, 'fuzz')}"}


def _or_valid(generated, valid):
    """Mostly the generated values with `valid()` laid over them (read when
    drawn: the seeded ids exist only once the test runs); the rest as
    generated, for the 404s and 422s, which need fewer examples."""
    if not isinstance(generated, dict):
        return st.just(generated)
    return st.integers(0, 3).map(lambda n: {**generated, **valid()} if n else generated)


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _or_valid(path_parameters, lambda: {name: SEEDED[name] for name in path_parameters if name in SEEDED})


@schema.hook
def flatmap_body(context, body):
    valid = VALID_BODIES.get(context.operation.label, {})
    return _or_valid(body, lambda: {**valid, **({"speaker_id": SEEDED["speaker_id"]} if "speaker_id" in body else {})})


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_api_answers_as_its_document_says(case, app, bearer, seeded):
    """One database per operation; its examples share it, as calls to a real API
    do. Schemathesis drops the token itself in some examples, for the 401s.
    (too_slow measures a machine's load, not the API.)"""
    case.call_and_validate(app=isolated(app), headers=bearer, checks=CHECKS)
