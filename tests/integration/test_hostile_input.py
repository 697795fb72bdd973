"""Hostile input gets a clear 4xx and changes nothing: dates no forum has, text
no database stores, JSON no parser survives, pages past the last, numbers
that are not whole, and a request whose way back cannot be built.

Any text at all (control characters, lone surrogates, very long strings,
HTML/JS, CRLF, RTL marks, U+2028/U+0085, NUL) goes through every form and
API write that takes text (WRITERS), every choice, number, zone and time
field (CHOSEN), and every address that takes text (LOOKUPS): it is stored
exactly and shown escaped, or refused with a message and the typing kept.
A new form is a new row. Not in the tables, and why:

- buttons that post only a CSRF token (the speaker's confirm, cancelling a
  registration, slot delete/duplicate/up/down, approve/promote/remove a
  registration, revoke/accept an invitation, send an invitation, retry the
  outbox, a new feed link, revoke a token, log out): nothing is typed;
- file fields (speakers' photos, the import's file): bytes, not text; photos
  are in test_speakers.py, an XLSX given to the import is below;
- the registration's consent box: any value means yes.
"""
from __future__ import annotations

import dataclasses
import io
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from urllib.parse import quote

import hypothesis
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from openpyxl.utils.escape import unescape  # _x000D_ and the like, as Excel reads them
from sqlalchemy import func, select

from forum import agenda_csv, spreadsheets
from forum.extensions import db
from forum.models import ApiToken, Event, OutboxMessage, Registration, Slot, Speaker
from forum.services import accounts, agenda, registrations, releases, speakers, tokens
from forum.services.agenda import SlotInput
from forum.services.errors import Invalid
from forum.services.registrations import RegistrationInput
from forum.services.speakers import SpeakerInput
from tests.support.factories import future_wall, make_event, open_event_for
from tests.support.mail import mailed_link

EVENT = {"title": "Mayors' Summit", "timezone": "Asia/Taipei", "start": "2026-06-10T09:00", "end": "2026-06-10T12:00"}
EVENT_FORM = {**EVENT, "slug": "", "description": "", "venue": "", "livestream_url": "", "join_url": "",
              "capacity": "", "speaker_reminder_days": "3", "speaker_reminder_max": "2"}
PERSON = {"name": "Ada Lovelace", "email": "ada@example.org", "organisation": "Analytical Engines",
          "city": "London", "country": "UK", "timezone": "Europe/Amsterdam", "language": "en"}
OUT_OF_RANGE = "pick a date from 1970 to 2200"


@pytest.fixture
def bearer(organiser):
    return {"Authorization": f"Bearer {accounts.issue_api_token(organiser)}"}


def _error(response) -> dict:
    assert response.is_json, response.get_data(as_text=True)[:300]
    return response.get_json()["error"]


def _messages(html: str) -> list[str]:
    return re.findall(r'class="error"[^>]*>([^<]*)<', html)


def _register(client, **changes) -> str:
    """Register by the form; the registration's link comes by e-mail."""
    data = {**PERSON, **changes}
    response = client.post("/events/open/register", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return mailed_link(data["email"].strip().lower())


# Finding 5: dates outside any sane range ----------------------------------

@pytest.mark.parametrize("changes, field", [
    ({"end": "9999-12-31T23:59"}, "end"),
    ({"timezone": "UTC", "end": "9999-12-31T23:00"}, "end"),  # stored fine, but Taipei could not show it
    ({"start": "0001-01-01T00:00"}, "start"),
    ({"start": "1969-12-31T23:59"}, "start"),
    ({"end": "2201-01-01T00:00"}, "end"),
    ({"registration_opens": "0001-01-01T00:00"}, "registration_opens"),
    ({"registration_closes": "9999-12-31T00:00"}, "registration_closes"),
    ({"timezone": "Mars/Olympus", "start": "0001-01-01T00:00"}, "start"),  # named even without a zone
])
def test_api_refuses_dates_outside_1970_to_2200(client, bearer, changes, field):
    response = client.post("/api/v1/events", json={**EVENT, **changes}, headers=bearer)
    assert response.status_code == 422
    assert OUT_OF_RANGE in _error(response)["fields"][field]
    assert Event.query.count() == 0


def test_api_edits_and_slots_refuse_them_too(client, bearer, organiser):
    event = make_event(organiser)
    patched = client.patch(f"/api/v1/events/{event.slug}", json={"end": "9999-12-31T23:59"}, headers=bearer)
    assert patched.status_code == 422 and OUT_OF_RANGE in _error(patched)["fields"]["end"]
    assert Event.query.one().end_utc == event.end_utc
    slot = client.post(f"/api/v1/events/{event.slug}/slots", headers=bearer, json={
        "title": "Opening", "start": "0001-01-01T10:00", "end": "2026-05-06T16:30", "timezone": "America/New_York"})
    assert slot.status_code == 422 and OUT_OF_RANGE in _error(slot)["fields"]["start"]
    assert Slot.query.count() == 0


def test_forms_refuse_them_beside_the_field_and_keep_the_typing(logged_in, organiser):
    created = logged_in.post("/organiser/events/new", data={**EVENT_FORM, "end": "9999-12-31T23:59"})
    assert created.status_code == 422
    html = created.get_data(as_text=True)
    assert any(OUT_OF_RANGE in message for message in _messages(html))
    assert 'value="9999-12-31T23:59"' in html and Event.query.count() == 0
    early = logged_in.post("/organiser/events/new", data={**EVENT_FORM, "registration_opens": "0001-01-01T00:00"})
    assert early.status_code == 422 and OUT_OF_RANGE in early.get_data(as_text=True)

    event = make_event(organiser)
    slot = logged_in.post(f"/organiser/events/{event.slug}/slots", data={
        "title": "Opening", "kind": "talk", "timezone": "Asia/Taipei", "start": "9999-12-31T23:00",
        "end": "9999-12-31T23:30"})
    assert slot.status_code == 422 and OUT_OF_RANGE in slot.get_data(as_text=True) and Slot.query.count() == 0


def test_agenda_import_names_the_rows(logged_in, organiser):
    event = make_event(organiser)
    csv_text = "date,start,end,title\n2026-05-06,16:00,16:30,Opening\n9999-12-31,23:00,23:30,Far away\n"
    response = logged_in.post(f"/organiser/events/{event.slug}/import",
                              data={"csv_text": csv_text, "timezone": "America/New_York", "confirm": "y"})
    assert response.status_code == 422
    assert f"start: 9999-12-31 is outside the dates an event can have; {OUT_OF_RANGE}" in response.get_data(as_text=True)
    assert Slot.query.count() == 0


def test_a_speaker_proposal_is_refused_too(client, organiser):
    event = open_event_for(organiser, slug="forum")
    slot = agenda.add_slot(event, SlotInput(title="Talk", start=future_wall(16), end=future_wall(17),
                                            timezone="Asia/Taipei"))
    speaker = speakers.add_speaker(event, SpeakerInput(name="Kylie", email="kylie@example.org",
                                                       timezone="Australia/Darwin"))
    invitation = speakers.assign(slot, speaker, "speaker")
    speakers.send_invitation(speaker)
    mail = message_from_bytes(OutboxMessage.query.one().message, policy=policy.default)
    token = re.search(r"/speakers/([\w-]+)/", mail.get_body(("plain",)).get_content()).group(1)
    prefix = f"p{invitation.id}-"
    response = client.post(f"/speakers/{token}/slots/{invitation.id}/propose",
                           data={prefix + "start": "0001-01-01T00:00", prefix + "note": "keep me"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert OUT_OF_RANGE in html and "keep me" in html
    assert invitation.status.value == "invited"


def test_events_at_the_edges_of_the_range_list_in_every_zone(client, bearer):
    """The latest date in the zone furthest west, seen from the furthest east, and the reverse;
    an event ending 9999-12-31 never gets in, so it cannot break the listings."""
    beyond = client.post("/api/v1/events", json={**EVENT, "timezone": "UTC", "end": "9999-12-31T23:00"}, headers=bearer)
    assert beyond.status_code == 422
    edges = [{"title": "Last", "timezone": "Etc/GMT+12", "start": "2200-12-31T22:00", "end": "2200-12-31T23:59"},
             {"title": "First", "timezone": "Pacific/Kiritimati", "start": "1970-01-01T00:00",
              "end": "1970-01-01T02:00"}]
    for data in edges:
        created = client.post("/api/v1/events", json=data, headers=bearer)
        assert created.status_code == 201, created.get_data(as_text=True)
        assert client.post(f"/api/v1/events/{created.get_json()['slug']}/publish", headers=bearer).status_code == 200
    for zone in ("Asia/Taipei", "Pacific/Kiritimati", "Etc/GMT%2B12"):
        assert client.get(f"/?tz={zone}").status_code == 200
        listed = client.get(f"/api/v1/events?tz={zone}")
        assert listed.status_code == 200 and len(listed.get_json()["events"]) == 2
        assert client.get(f"/events/last/?tz={zone}").status_code == 200
    registered = client.post("/api/v1/events/last/registrations", json={**PERSON, "timezone": "Pacific/Kiritimati"})
    assert registered.status_code == 202 and registered.get_json()["status"] == "received"
    assert client.get("/events/last/calendar.ics").status_code == 200


# Finding 9: text no database stores ----------------------------------------

@pytest.mark.parametrize("field, value, says", [
    ("name", "\ud800", "lone surrogate"),
    ("name", "Ada\udfffLovelace", "lone surrogate"),
    ("organisation", "Analytical\x00Engines", "U+0000"),
    ("city", "Lon\x1bdon", "U+001B"),
    ("country", "U\x7fK", "U+007F"),
])
def test_registration_api_refuses_text_that_cannot_be_stored(client, open_event, field, value, says):
    response = client.post("/api/v1/events/open/registrations", json={**PERSON, field: value})
    assert response.status_code == 422
    assert says in _error(response)["fields"][field]
    assert Registration.query.count() == 0 and OutboxMessage.query.count() == 0


@pytest.mark.parametrize("field, value", [("title", "\ud800"), ("description", "a\x00b"), ("venue", "\udc00")])
def test_event_api_refuses_text_that_cannot_be_stored(client, bearer, field, value):
    response = client.post("/api/v1/events", json={**EVENT, field: value}, headers=bearer)
    assert response.status_code == 422 and field in _error(response)["fields"]
    assert Event.query.count() == 0


def test_registration_form_refuses_it_and_keeps_the_rest(client, open_event):
    response = client.post("/events/open/register", data={**PERSON, "organisation": "Analytical\x00Engines"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert any("U+0000" in message for message in _messages(html)) and 'value="Ada Lovelace"' in html
    assert Registration.query.count() == 0


@pytest.mark.parametrize("content_type, body", [
    ("application/x-www-form-urlencoded", b"name=%ED%A0%80&email=ada%40example.org&timezone=UTC&language=en"),
    ("multipart/form-data; boundary=XX",
     (b'--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\n\xed\xa0\x80\r\n'
     b'--XX\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@example.org\r\n'
     b'--XX\r\nContent-Disposition: form-data; name="timezone"\r\n\r\nUTC\r\n--XX--\r\n')),
])
def test_a_surrogate_sent_as_bytes_to_the_form_is_no_500(client, open_event, content_type, body):
    """Browsers cannot send a lone surrogate (they send U+FFFD); a script can send
    its bytes, which are not UTF-8 and reach the form as replacement text."""
    response = client.post("/events/open/register", data=body, content_type=content_type)
    assert response.status_code in (302, 422)
    for row in Registration.query.all():
        row.name.encode("utf-8")  # what was stored is text


def test_attendee_details_refuse_it_and_change_nothing(client, open_event):
    token = _register(client)
    response = client.post(f"/registrations/{token}/", data={**PERSON, "name": "Ada King", "city": "Lon\x00don"})
    assert response.status_code == 422 and "U+0000" in response.get_data(as_text=True)
    assert (Registration.query.one().name, Registration.query.one().city) == ("Ada Lovelace", "London")


# Finding 9: one line means one line -----------------------------------------

SEPARATORS = ["\u2028", "\u2029", "\x85", "\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\t"]


@pytest.mark.parametrize("separator", SEPARATORS)
def test_names_and_titles_stay_on_one_line(client, bearer, open_event, separator):
    registered = client.post("/api/v1/events/open/registrations", json={**PERSON, "name": f"Ada{separator}Lovelace"})
    assert registered.status_code == 422 and _error(registered)["fields"]["name"] == "Keep it on one line."
    created = client.post("/api/v1/events", json={**EVENT, "title": f"Summit{separator}Bcc: x@example.org"},
                          headers=bearer)
    assert created.status_code == 422 and _error(created)["fields"]["title"] == "Keep it on one line."
    assert Registration.query.count() == 0 and Event.query.count() == 1


def test_multi_line_text_keeps_its_separators(client, bearer):
    description = "First paragraph.\u2029Second\u2028line;\r\nthird\ttabbed."
    created = client.post("/api/v1/events", json={**EVENT, "description": description}, headers=bearer)
    assert created.status_code == 201 and created.get_json()["description"] == description
    assert Event.query.one().description == description


# Finding 9: JSON no parser survives -----------------------------------------

def _api_writes(organiser) -> list[tuple[str, str]]:
    event = make_event(organiser, slug="summit")
    slot = agenda.add_slot(event, SlotInput(title="Talk", start=event.start_utc.replace(tzinfo=None),
                                            end=event.end_utc.replace(tzinfo=None), timezone="UTC"))
    return [("POST", "/api/v1/events"), ("PATCH", "/api/v1/events/summit"), ("POST", "/api/v1/events/summit/slots"),
            ("PATCH", f"/api/v1/events/summit/slots/{slot.id}"), ("POST", "/api/v1/events/summit/registrations"),
            ("POST", "/api/v1/events/summit/speakers"), ("POST", f"/api/v1/events/summit/slots/{slot.id}/speakers"),
            ("POST", "/api/v1/events/summit/releases"), ("POST", "/api/v1/events/summit/publish")]


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 50_000, '{"title": ' + "[" * 33 + "]" * 33 + "}"])
def test_deeply_nested_json_is_a_400_everywhere(client, bearer, organiser, body):
    for method, url in _api_writes(organiser):
        response = client.open(url, method=method, data=body, content_type="application/json", headers=bearer)
        assert response.status_code == 400, (method, url, response.status_code)
        assert "levels deep" in _error(response)["message"] and _error(response)["code"] == "bad_request"
    assert Event.query.one().title == "Smart City Forum" and Slot.query.one().title == "Talk"


def test_brackets_inside_strings_are_only_text(client, bearer):
    title = '[[[{{{"' * 20 + "\\"
    created = client.post("/api/v1/events", json={**EVENT, "title": title}, headers=bearer)
    assert created.status_code == 201 and created.get_json()["title"] == title


def test_pages_take_forms_not_json(client, open_event):
    for body in ("[" * 100_000, "[1, 2]", '{"name": 5, "email": "ada@example.org"}'):
        response = client.post("/events/open/register", data=body, content_type="application/json")
        assert response.status_code == 415 and "form data, not JSON" in response.get_data(as_text=True)
    assert Registration.query.count() == 0


# Finding 9: pages past the last ----------------------------------------------

@pytest.fixture
def three_registered(client, open_event):
    open_event.capacity = None
    for i in range(3):
        client.post("/api/v1/events/open/registrations", json={**PERSON, "email": f"p{i}@example.org"})
    assert Registration.query.count() == 3
    return open_event


def test_api_pages_past_the_last_are_empty(client, bearer, three_registered):
    for page in ("10000000000000000000", "4", "2"):
        response = client.get(f"/api/v1/events/open/registrations?page={page}&per_page=2", headers=bearer)
        assert response.status_code == 200
        body = response.get_json()
        assert body["total"] == 3 and body["page"] == int(page)
        assert len(body["registrations"]) == (1 if page == "2" else 0)


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("page=-1", "page"), ("page=1.5", "page"), ("per_page=0", "per_page"),
    ("per_page=-5", "per_page"), ("per_page=501", "per_page"), ("per_page=100000000000000000000", "per_page"),
    ("q=%00", "q"), ("q=" + "x" * 201, "q"),
])
def test_api_page_and_search_out_of_bounds_are_422(client, bearer, three_registered, query, field):
    response = client.get(f"/api/v1/events/open/registrations?{query}", headers=bearer)
    assert response.status_code == 422 and field in _error(response)["fields"]


def test_organiser_list_pages_never_overflow(logged_in, three_registered):
    far = logged_in.get("/organiser/events/open/registrations?page=10000000000000000000")
    assert far.status_code == 200
    html = far.get_data(as_text=True)
    assert "3 registration(s)." in html and "Ada Lovelace" not in html
    assert "Ada Lovelace" in logged_in.get("/organiser/events/open/registrations?page=-3").get_data(as_text=True)
    for url in ("/organiser/events/open/registrations?q=%00", "/organiser/events/open/registrations.csv?q=%00"):
        refused = logged_in.get(url)
        assert refused.status_code == 422 and "U+0000" in refused.get_data(as_text=True)


# Finding 9: a bad request changes nothing -----------------------------------

def test_an_action_whose_way_back_is_bad_changes_nothing(logged_in, open_event):
    logged_in.post("/api/v1/events/open/registrations", json=PERSON)
    registration = Registration.query.one()
    sent = OutboxMessage.query.count()
    url = f"/organiser/events/open/registrations/{registration.id}/remove"
    refused = logged_in.post(f"{url}?slug=x")
    assert refused.status_code == 422 and "Nothing was changed" in refused.get_data(as_text=True)
    assert Registration.query.one().status.value == "confirmed" and OutboxMessage.query.count() == sent
    removed = logged_in.post(f"{url}?q=ada&status=confirmed")
    assert removed.status_code == 302
    assert removed.headers["Location"] == "/organiser/events/open/registrations?q=ada&status=confirmed"
    assert Registration.query.one().status.value == "cancelled"


# Finding 9: editing details keeps consent -----------------------------------

@pytest.mark.parametrize("consent", [True, False])
def test_editing_details_keeps_consent(client, open_event, consent):
    token = _register(client, **({"consent": "y"} if consent else {}))
    assert Registration.query.one().consent is consent
    details = {name: PERSON[name] for name in ("organisation", "city", "country", "timezone", "language")}
    assert client.post(f"/registrations/{token}/", data={**details, "name": "Ada King"}).status_code == 302
    row = Registration.query.one()
    assert (row.name, row.consent) == ("Ada King", consent)


# Finding 9: whole numbers -------------------------------------------------------

@pytest.mark.parametrize("changes, field", [
    ({"capacity": 1.5}, "capacity"),
    ({"capacity": 1e400}, "capacity"),  # infinity
    ({"speaker_reminder_days": 2.5}, "speaker_reminder_days"),
    ({"start_fold": 0.5}, "start_fold"),
])
def test_api_refuses_fractions(client, bearer, changes, field):
    response = client.post("/api/v1/events", json={**EVENT, **changes}, headers=bearer)
    assert response.status_code == 422 and "is not a whole number" in _error(response)["fields"][field]
    assert Event.query.count() == 0


def test_api_edit_refuses_a_fraction_and_keeps_the_capacity(client, bearer, organiser):
    event = make_event(organiser, capacity=10)
    response = client.patch(f"/api/v1/events/{event.slug}", json={"capacity": 1.5}, headers=bearer)
    assert response.status_code == 422 and _error(response)["fields"]["capacity"] == "1.5 is not a whole number."
    assert Event.query.one().capacity == 10
    whole = client.patch(f"/api/v1/events/{event.slug}", json={"capacity": 12.0}, headers=bearer)
    assert whole.status_code == 200 and whole.get_json()["capacity"] == 12


def test_event_form_refuses_a_fraction_beside_the_field(logged_in):
    response = logged_in.post("/organiser/events/new", data={**EVENT_FORM, "capacity": "1.5"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="capacity"[^>]*value="1.5"', html) and "Not a valid integer value." in _messages(html)
    assert Event.query.count() == 0


# Any text at all, through every form and API write ---------------------------------

SPECIALS = ["<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>", "Ada\r\nBcc: x@example.org",
            "\u202eevil\u202c", "\u200fשלום\u200e", "\ud800", "\udfff", "\x00", "\x07", "\x1b[31m", "\ufeff",
            "\u2028", "\u0085", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩🏽‍💻", "e\u0301", "=HYPERLINK(\"x\")", "'=1+1", "  padded  ", "\t", "\\",
            "%s{0}", "a,\"b\"\r", "{{ 7*7 }}"]
PIECES = st.one_of(
    st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=12),
    st.text(st.characters(exclude_categories=()), min_size=1, max_size=3),  # control characters and surrogates too
    st.sampled_from(SPECIALS),
)
LONG = st.builds(lambda c, n: c * n, st.sampled_from(["a", "測", "\u200f", " ", "😀"]),
                 st.one_of(st.integers(95, 205), st.sampled_from([20000, 20001])))
TEXT = st.one_of(st.lists(PIECES, min_size=1, max_size=4).map("".join), LONG)
FUZZ = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PER_WRITER = settings(FUZZ, max_examples=10)  # for each row of a table, besides the sweep of SPECIALS
UNIQUE = itertools.count()


def _typed_into(names):
    """Arbitrary text for one or more of the fields `names`."""
    return st.dictionaries(st.sampled_from(sorted(names)), TEXT, min_size=1)


def _some_of(fields: dict):
    """`fields` with one or more of them replaced by arbitrary text."""
    return _typed_into(fields).map(lambda typed: {**fields, **typed})


def _as_json_reads(values: dict) -> dict:
    """JSON escapes surrogates one by one, and reading them back joins a pair into its character."""
    return json.loads(json.dumps(values))


def _as_browser_sends(text: str) -> str:
    """A browser joins surrogate pairs and replaces a lone surrogate with U+FFFD before it encodes a form."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _one_line_ends(text: str) -> str:
    """E-mail text ends its lines with CRLF, whichever end was typed."""
    return re.sub(r"\r\n|\r|\n", "\n", text)


@dataclass(frozen=True)
class Target:
    """What one example writes to: made afresh, so that examples do not meet."""

    url: str
    read: Callable[[], dict | None]  # what the write changes, by field name; None while nothing is stored
    extra: dict = dataclasses.field(default_factory=dict)  # what it needs (a free slug, its ids); fuzzed text wins
    prefix: str = ""  # of the form's field names, where a page has one form per slot
    page: Callable[[], str] | None = None  # an address that then shows the stored text


@dataclass(frozen=True)
class Writer:
    """A form or an API write: valid input, of which the `fuzzed` fields get any text at all."""

    name: str
    target: Callable[[object], Target]  # from the organiser who owns what it needs
    fields: dict
    fuzzed: tuple[str, ...]
    api: str = ""  # the JSON method; empty: an HTML form
    done: int = 302
    echoes: bool = True  # the API answers with what it stored (else with a receipt only)
    hidden: tuple[str, ...] = ()  # what a form never shows again (a password)
    body: Callable[[dict], dict] = dict  # what is sent, made from the fields
    expect: Callable[[str], str] = str.strip  # what is stored of a text that is taken


def _picked(row, *names: str, **renamed: str) -> dict | None:
    """Fields of a stored row, by the names the form gives them (`form_name="attribute"` where they differ)."""
    names_of = {**{name: name for name in names}, **renamed}
    return None if row is None else {name: getattr(row, attribute) for name, attribute in names_of.items()}


def _event(organiser):
    """A published event of its own, half a year ahead (16:00-18:00 Taipei), with one slot 16:00-17:00."""
    event = open_event_for(organiser, slug=f"w{next(UNIQUE)}", capacity=None)
    agenda.add_slot(event, SlotInput(title="Talk", start=future_wall(16), end=future_wall(17), timezone="Asia/Taipei"))
    return event


def _invited(organiser):
    """A speaker invited to the slot of a new event, and the token of their mailed link."""
    event = _event(organiser)
    speaker = speakers.add_speaker(event, SpeakerInput(name="Kylie", email=f"kylie{next(UNIQUE)}@example.org",
                                                       timezone="Asia/Taipei"))
    invitation = speakers.assign(event.slots[0], speaker, "speaker")
    speakers.send_invitation(speaker)
    return invitation, mailed_link(speaker.email, "speakers")


def _registered(event) -> tuple[Registration, str]:
    registration = registrations.register_attendee(event, RegistrationInput(**{**PERSON, "email": "grace@example.org"}))
    token = tokens.new_link(registration)
    db.session.commit()
    return registration, token


EVENT_TEXT = ("title", "description", "venue")
SLOT = {"title": "Opening", "kind": "talk", "timezone": "Asia/Taipei", "track": "Main", "description": "Welcome.",
        "speakers_text": "The mayor"}
SLOT_TEXT = ("title", "track", "description", "speakers_text")
SPEAKER = {"name": "Wim de Vries", "organisation": "Utrecht", "role_title": "Alderman", "city": "Utrecht",
           "timezone": "Europe/Amsterdam", "bio": "Smart city lead."}
SPEAKER_TEXT = ("name", "organisation", "role_title", "city", "bio")
DETAILS_TEXT = ("name", "organisation", "city", "country")


def _slot_times(hours: tuple[int, int] = (17, 18)) -> dict:
    return {"start": future_wall(hours[0]).isoformat(timespec="minutes"),
            "end": future_wall(hours[1]).isoformat(timespec="minutes")}


def _new_event(organiser) -> Target:
    slug = f"n{next(UNIQUE)}"
    return Target("/organiser/events/new", lambda: _picked(Event.query.filter_by(slug=slug).one_or_none(),
                                                           *EVENT_TEXT),
                  extra={"slug": slug}, page=lambda: f"/organiser/events/{slug}/edit")


def _api_new_event(organiser) -> Target:
    slug = f"n{next(UNIQUE)}"
    return Target("/api/v1/events", lambda: _picked(Event.query.filter_by(slug=slug).one_or_none(),
                                                    *EVENT_TEXT), extra={"slug": slug})


def _edited_event(url: str, with_slug: bool):
    def target(organiser) -> Target:
        event = _event(organiser)
        return Target(url.format(slug=event.slug), lambda: _picked(event, *EVENT_TEXT),
                      extra={"slug": event.slug} if with_slug else {},
                      page=lambda: f"/organiser/events/{event.slug}/edit")
    return target


def _slot_page(slot_of):
    return lambda: f"/organiser/events/{slot_of().event.slug}/slots/{slot_of().id}/edit"


def _new_slot(url: str):
    def target(organiser) -> Target:
        event = _event(organiser)

        def added():
            return Slot.query.filter(Slot.event_id == event.id, Slot.title != "Talk").one_or_none()

        return Target(url.format(slug=event.slug), lambda: _picked(added(), *SLOT_TEXT),
                      extra=_slot_times(), page=_slot_page(added))
    return target


def _edited_slot(url: str):
    def target(organiser) -> Target:
        slot = _event(organiser).slots[0]
        return Target(url.format(slug=slot.event.slug, id=slot.id), lambda: _picked(slot, *SLOT_TEXT),
                      extra=_slot_times((16, 17)), page=_slot_page(lambda: slot))
    return target


def _new_speaker(url: str):
    def target(organiser) -> Target:
        event, email = _event(organiser), f"wim{next(UNIQUE)}@example.org"

        def added():
            return Speaker.query.filter_by(email=email).one_or_none()

        return Target(url.format(slug=event.slug), lambda: _picked(added(), *SPEAKER_TEXT),
                      extra={"email": email},
                      page=lambda: f"/organiser/events/{event.slug}/speakers/{added().id}/edit")
    return target


def _edited_speaker(organiser) -> Target:
    invitation, _ = _invited(organiser)
    speaker = invitation.speaker
    url = f"/organiser/events/{speaker.event.slug}/speakers/{speaker.id}/edit"
    return Target(url, lambda: _picked(speaker, *SPEAKER_TEXT), page=lambda: url)


def _answer(action: str, prefix: str, read, shown: bool = False):
    """A form on the speaker's own page, about one invitation."""
    def target(organiser) -> Target:
        invitation, token = _invited(organiser)
        return Target(f"/speakers/{token}/slots/{invitation.id}/{action}", lambda: read(invitation),
                      prefix=f"{prefix}{invitation.id}-", page=(lambda: f"/speakers/{token}/") if shown else None)
    return target


def _declined(invitation) -> dict | None:
    return {"reason": invitation.decline_reason} if invitation.status.value == "declined" else None


def _proposed(invitation) -> dict | None:
    return {"note": invitation.proposal_note} if invitation.status.value == "proposed" else None


def _profile(organiser) -> Target:
    invitation, token = _invited(organiser)
    return Target(f"/speakers/{token}/profile", lambda: _picked(invitation.speaker, *SPEAKER_TEXT),
                  page=lambda: f"/speakers/{token}/")


def _assignment(url: str, ids: bool):
    """A speaker not yet on the event's slot; `ids` (as the form sends them) go in the body."""
    def target(organiser) -> Target:
        event = _event(organiser)
        speaker = speakers.add_speaker(event, SpeakerInput(name="Wim", email="wim@example.org", timezone="UTC"))
        slot = event.slots[0]
        return Target(url.format(slug=event.slug, id=slot.id), lambda: {"assigned": len(speaker.invitations)},
                      extra={"speaker_id": str(speaker.id), "slot_id": str(slot.id)} if ids else
                      {"speaker_id": speaker.id})
    return target


def _any_new_event(organiser) -> Target:
    return Target("/organiser/events/new", lambda: {"events": Event.query.count()})


def _new_registration(url: str):
    def target(organiser) -> Target:
        event, email = _event(organiser), f"fuzz{next(UNIQUE)}@example.org"
        return Target(url.format(slug=event.slug),
                      lambda: _picked(Registration.query.filter_by(email=email).one_or_none(),
                                      *DETAILS_TEXT), extra={"email": email})
    return target


def _details(organiser) -> Target:
    registration, token = _registered(_event(organiser))
    return Target(f"/registrations/{token}/", lambda: _picked(registration, *DETAILS_TEXT),
                  page=lambda: f"/registrations/{token}/")


def _mailed(event) -> dict | None:
    """The organiser's message as its reader gets it: the Subject and the paragraphs of the text."""
    row = OutboxMessage.query.filter_by(event_id=event.id, kind="organiser-message").one_or_none()
    if row is None:
        return None
    message = message_from_bytes(row.message, policy=policy.default)
    text = _one_line_ends(message.get_body(("plain",)).get_content())
    opening, rows = f"Dear {PERSON['name']},\n\n", f"\n\nEvent: {event.title}\n"
    return {"subject": str(message["Subject"]), "body": text[len(opening):text.rindex(rows)]}


def _message(organiser) -> Target:
    event = _event(organiser)
    _registered(event)
    return Target(f"/organiser/events/{event.slug}/message", lambda: _mailed(event))


def _login(organiser) -> Target:
    return Target("/login", lambda: None)


def _token(organiser) -> Target:
    def issued():
        return ApiToken.query.filter(ApiToken.id > newest).one_or_none()

    newest = db.session.scalar(select(func.max(ApiToken.id))) or 0
    return Target("/organiser/account", lambda: _picked(issued(), label="label"), page=lambda: "/organiser/account")


def _co_organiser(organiser) -> Target:
    return Target(f"/organiser/events/{_event(organiser).slug}/organisers", lambda: None)


def _release(url: str):
    """A published event with a change to publish (a slot added since it was published)."""
    def target(organiser) -> Target:
        event = _event(organiser)
        releases.publish_changes(event, organiser)
        agenda.add_slot(event, SlotInput(title="Added", start=future_wall(17), end=future_wall(18),
                                         timezone="Asia/Taipei"))
        newest = releases.latest(event).number

        def released():
            latest = releases.latest(event)
            return {"comment": latest.comment} if latest.number > newest else None

        return Target(url.format(slug=event.slug), released)
    return target


def _imported(organiser) -> Target:
    event = _event(organiser)

    def added():
        return Slot.query.filter(Slot.event_id == event.id, Slot.title != "Talk").one_or_none()

    return Target(f"/organiser/events/{event.slug}/import",
                  lambda: _picked(added(), title="title", track="track", speakers="speakers_text",
                                  description="description"), page=_slot_page(added))


def _agenda_file(cells: dict) -> dict:
    """The import form with a CSV as the agenda export writes it, one row of `cells`."""
    day = future_wall(17).date().isoformat()
    row = [day, "17:00", "17:30", cells["title"], "talk", cells["track"], cells["speakers"], "", cells["description"]]
    return {"csv_text": spreadsheets.csv_text(agenda_csv.COLUMNS, [row]), "timezone": "Asia/Taipei", "confirm": "y"}


WRITERS = [
    Writer("event form, new", _new_event, EVENT_FORM | {"description": "Three regional sessions.", "venue": "Online"},
           EVENT_TEXT),
    Writer("event form, edit", _edited_event("/organiser/events/{slug}/edit", with_slug=True),
           EVENT_FORM | {"description": "Three regional sessions.", "venue": "Online", **_slot_times((16, 18))},
           EVENT_TEXT),
    Writer("event API, new", _api_new_event, EVENT | {"description": "Three regional sessions.", "venue": "Online"},
           EVENT_TEXT, api="POST", done=201),
    Writer("event API, edit", _edited_event("/api/v1/events/{slug}", with_slug=False),
           {"title": "Summit", "description": "Regional sessions.", "venue": "Online"}, EVENT_TEXT,
           api="PATCH", done=200),
    Writer("slot form, builder", _new_slot("/organiser/events/{slug}/slots"), SLOT, SLOT_TEXT),
    Writer("slot form, edit", _edited_slot("/organiser/events/{slug}/slots/{id}/edit"), SLOT, SLOT_TEXT),
    Writer("slot API, new", _new_slot("/api/v1/events/{slug}/slots"), SLOT, SLOT_TEXT, api="POST", done=201),
    Writer("slot API, edit", _edited_slot("/api/v1/events/{slug}/slots/{id}"), SLOT, SLOT_TEXT, api="PATCH",
           done=200),
    Writer("speaker form, invite", _new_speaker("/organiser/events/{slug}/speakers"), SPEAKER, SPEAKER_TEXT),
    Writer("speaker form, edit", _edited_speaker, SPEAKER, SPEAKER_TEXT),
    Writer("speaker API, new", _new_speaker("/api/v1/events/{slug}/speakers"), SPEAKER, SPEAKER_TEXT, api="POST",
           done=201),
    Writer("speaker's page, decline", _answer("decline", "d", _declined), {"reason": "Travelling."}, ("reason",)),
    Writer("speaker's page, propose", _answer("propose", "p", _proposed),
           {"start": future_wall(17).isoformat(timespec="minutes"), "note": "After lunch?"}, ("note",)),
    Writer("speaker's page, talk", _answer("talk", "t", lambda i: _picked(i.slot, title="title",
                                                                         abstract="description"), shown=True),
           {"title": "Data against the virus", "abstract": "What Taipei learnt."}, ("title", "abstract")),
    Writer("speaker's page, profile", _profile, SPEAKER, SPEAKER_TEXT),
    Writer("registration form", _new_registration("/events/{slug}/register"), PERSON | {"timezone": "UTC"},
           DETAILS_TEXT),
    Writer("registration API", _new_registration("/api/v1/events/{slug}/registrations"),
           PERSON | {"timezone": "UTC"}, DETAILS_TEXT, api="POST", done=202, echoes=False),
    Writer("attendee's details", _details, {name: PERSON[name] for name in (*DETAILS_TEXT, "timezone", "language")},
           DETAILS_TEXT),
    Writer("message to attendees", _message, {"subject": "Room change", "body": "We meet online.\n\nSee you."},
           ("subject", "body"), expect=lambda text: _one_line_ends(text.strip())),
    Writer("log-in form", _login, {"email": "ada@example.org", "password": "wrong horse"}, ("email", "password"),
           hidden=("password",)),
    Writer("account, API token", _token, {"label": "registration sync", "days": ""}, ("label",), done=200),
    Writer("builder, add an organiser", _co_organiser, {"email": "bob@example.org"}, ("email",)),
    Writer("builder, publish changes", _release("/organiser/events/{slug}/releases"), {"comment": "One more talk."},
           ("comment",)),
    Writer("releases API", _release("/api/v1/events/{slug}/releases"), {"comment": "One more talk."}, ("comment",),
           api="POST", done=201),
    Writer("agenda import, CSV", _imported, {"title": "Opening", "track": "Main", "speakers": "The mayor",
                                            "description": "Welcome,\r\nall."}, ("title", "track", "speakers",
                                                                                 "description"), body=_agenda_file),
]


@dataclass
class Written:
    """One write and what came of it."""

    response: object
    body: dict  # as sent
    sent: dict  # the fields as the server reads them
    before: dict | None
    stored: dict | None


def _write(client, bearer, organiser, writer: Writer, texts: dict) -> Written:
    target = writer.target(organiser)
    before = target.read()
    typed = {**writer.fields, **target.extra, **texts}
    if writer.api:
        body = writer.body(typed)
        response = client.open(target.url, method=writer.api, json=body, headers=bearer)
        sent = _as_json_reads(typed)
    else:
        sent = {name: _as_browser_sends(value) for name, value in typed.items()}
        body = writer.body(sent)
        response = client.post(target.url, data={target.prefix + name: value for name, value in body.items()})
    assert response.status_code < 500, (writer.name, texts)
    written = Written(response, body, sent, before, target.read())
    if response.status_code == writer.done and target.page:
        page = client.get(target.page()).get_data(as_text=True)
        assert all(str(escape(value)) in page for value in written.stored.values()), writer.name
    return written


def _refusal(writer: Writer, written: Written) -> str:
    """The message(s) of a refusal, which names only what was sent (API) or keeps all of it (form)."""
    if writer.api:
        error = _error(written.response)
        assert set(error["fields"]) <= set(written.body)
        return error["message"] + " ".join(error["fields"].values())
    html = written.response.get_data(as_text=True)
    assert all(str(escape(value)) in html for name, value in written.body.items() if name not in writer.hidden)
    return " ".join(_messages(html))


def _check_text(writer: Writer, written: Written) -> None:
    """Accepted: stored as sent, less surrounding whitespace (and the API answers with it).
    Refused: a 422 with a message, nothing changed, and the form shows again what was typed."""
    if written.response.status_code == writer.done:
        expected = {name: writer.expect(written.sent[name]) for name in writer.fuzzed if name not in writer.hidden}
        assert written.stored == expected, writer.name
        if writer.api:
            answer = written.response.get_json()
            echoed = {name: answer[name] for name in expected} if writer.echoes else set(answer)
            assert echoed == (expected if writer.echoes else {"status", "message"})
    else:
        assert written.response.status_code == 422 and written.stored == written.before, writer.name
        assert _refusal(writer, written), writer.name


@pytest.mark.slow  # a Hypothesis sweep: out of `make test-fast`
@PER_WRITER
@given(data=st.data())
@pytest.mark.parametrize("writer", WRITERS, ids=lambda writer: writer.name)
def test_any_text_is_stored_exactly_or_refused_and_kept(logged_in, organiser, bearer, writer, data):
    texts = data.draw(_typed_into(writer.fuzzed))
    written = _write(logged_in, bearer, organiser, writer, texts)
    hypothesis.event("accepted" if written.response.status_code == writer.done else "refused")
    _check_text(writer, written)


@pytest.mark.parametrize("writer", WRITERS, ids=lambda writer: writer.name)
def test_each_special_text_in_every_field(logged_in, organiser, bearer, writer):
    """What random examples may miss: each special text at once in all the text fields of every writer."""
    for special in SPECIALS:
        _check_text(writer, _write(logged_in, bearer, organiser, writer, dict.fromkeys(writer.fuzzed, special)))


AGENDA_TEXT = {"title": "Opening", "track": "Main", "speakers_text": "The mayor", "description": "Welcome."}


def _agenda_texts(event) -> list[dict]:
    return [{name: getattr(slot, name) for name in AGENDA_TEXT} for slot in event.slots]


@pytest.mark.slow  # a Hypothesis sweep: out of `make test-fast`
@FUZZ
@given(texts=_some_of(AGENDA_TEXT))
def test_agenda_files_carry_any_stored_text_exactly(logged_in, organiser, texts):
    """What a slot holds comes back from the CSV export imported into another event, and from the XLSX export."""
    event = _event(organiser)
    try:
        agenda.add_slot(event, SlotInput(start=future_wall(17), end=future_wall(18), timezone="Asia/Taipei", **texts))
    except Invalid:
        hypothesis.event("refused")
        return
    hypothesis.event("accepted")
    exported = logged_in.get(f"/organiser/events/{event.slug}/agenda.csv").get_data(as_text=True)
    copy = _event(organiser)
    agenda.delete_slot(copy.slots[0])
    imported = logged_in.post(f"/organiser/events/{copy.slug}/import",
                              data={"csv_text": exported, "timezone": "Asia/Taipei", "confirm": "y"})
    assert imported.status_code == 302, imported.get_data(as_text=True)[:2000]
    assert _agenda_texts(copy) == _agenda_texts(event)
    sheet = openpyxl.load_workbook(io.BytesIO(logged_in.get(f"/organiser/events/{event.slug}/agenda.xlsx").data)).active
    columns = {name: agenda_csv.COLUMNS.index("speakers" if name == "speakers_text" else name) for name in AGENDA_TEXT}
    cells = [{name: unescape(row[i].value or "") for name, i in columns.items()} for row in sheet.iter_rows(min_row=2)]
    assert cells == _agenda_texts(event)


def test_an_xlsx_file_given_to_the_import_is_refused_with_a_reason(logged_in, organiser):
    event = _event(organiser)
    agenda.add_slot(event, SlotInput(title="<b>=1+1</b>\u202e", start=future_wall(17), end=future_wall(18),
                                     timezone="Asia/Taipei"))
    workbook = logged_in.get(f"/organiser/events/{event.slug}/agenda.xlsx").data
    response = logged_in.post(f"/organiser/events/{event.slug}/import", content_type="multipart/form-data",
                              data={"file": (io.BytesIO(workbook), "agenda.xlsx"), "timezone": "Asia/Taipei",
                                    "confirm": "y"})
    assert response.status_code == 422 and "save it as “CSV UTF-8”" in response.get_data(as_text=True)
    assert len(Event.query.filter_by(slug=event.slug).one().slots) == 2


# Search boxes and other text in addresses ---------------------------------------

@dataclass(frozen=True)
class Lookup:
    """An address that takes text (`{q}`): a search box, a zone, an event's slug."""

    url: str
    shows: bool = False  # the page shows the text again (in its box, or in the message)
    api: bool = False


LOOKUPS = [
    Lookup("/organiser/events/{slug}/registrations?q={q}", shows=True),
    Lookup("/organiser/events/{slug}/registrations?status={q}"),
    Lookup("/organiser/events/{slug}/registrations.csv?q={q}"),
    Lookup("/organiser/events/{slug}/registrations.xlsx?status={q}"),
    Lookup("/organiser/events/{slug}/outbox?status={q}"),
    Lookup("/api/v1/events/{slug}/registrations?q={q}", api=True),
    Lookup("/zones/cities?q={q}"),
    Lookup("/events/{slug}/?tz={q}"),
    Lookup("/api/v1/events/{slug}?tz={q}", api=True),
    Lookup("/events/{q}/"),
    Lookup("/organiser/events/{q}/"),
    Lookup("/api/v1/events/{q}", api=True),
    Lookup("/login?next={q}"),
    Lookup("/?tz={q}"),
]


@pytest.fixture
def listed(organiser):
    """An event with a registration to search for, the same for all examples: looking changes nothing."""
    event = _event(organiser)
    registrations.register_attendee(event, RegistrationInput(**PERSON))
    return event


@pytest.mark.slow  # a Hypothesis sweep: out of `make test-fast`
@FUZZ
@given(q=TEXT)
@pytest.mark.parametrize("lookup", LOOKUPS, ids=lambda lookup: lookup.url)
def test_any_text_in_an_address_is_no_500(logged_in, bearer, listed, lookup, q):
    """A 200 (the search box keeps the text), or a 4xx that says why (JSON from the API)."""
    typed = _as_browser_sends(q)
    url = lookup.url.format(slug=listed.slug, q=quote(typed, safe=""))
    response = logged_in.get(url, headers=bearer if lookup.api else {})
    assert response.status_code < 500
    hypothesis.event(str(response.status_code))
    if response.status_code >= 400:
        assert _error(response)["message"] if lookup.api else response.get_data(as_text=True)
    if lookup.shows:
        assert str(escape(typed)) in response.get_data(as_text=True)


# Choices, numbers, zones and times typed as any text -----------------------------

CHOSEN = [  # a select or radio button shows its own choices again, not what was sent: `hidden`
    Writer("event form, new", _new_event, EVENT_FORM | {"registration_opens": "", "start_fold": ""},
           ("timezone", "start", "capacity", "speaker_reminder_days", "email_confirmation_hours", "registration_opens",
            "start_fold"),
           hidden=("start_fold",)),
    Writer("event API, new", _api_new_event, EVENT | {"capacity": 10, "start_fold": 0},
           ("timezone", "start", "capacity", "email_confirmation_hours", "start_fold"), api="POST", done=201),
    Writer("slot form, builder", _new_slot("/organiser/events/{slug}/slots"), SLOT | _slot_times() | {"end_fold": ""},
           ("kind", "timezone", "start", "end", "end_fold"), hidden=("kind", "end_fold")),
    Writer("slot API, new", _new_slot("/api/v1/events/{slug}/slots"), SLOT | _slot_times(),
           ("kind", "timezone", "end"), api="POST", done=201),
    Writer("shift", _edited_event("/organiser/events/{slug}/shift", with_slug=False), {"minutes": "15", "after": ""},
           ("minutes", "after"), hidden=("after",)),
    Writer("status", _edited_event("/organiser/events/{slug}/status", with_slug=False), {"action": "cancel"},
           ("action",)),
    Writer("speaker form, invite", _new_speaker("/organiser/events/{slug}/speakers"), SPEAKER, ("timezone",)),
    Writer("registration form", _new_registration("/events/{slug}/register"), PERSON,
           ("email", "timezone", "language"), hidden=("language",)),
    Writer("registration API", _new_registration("/api/v1/events/{slug}/registrations"), PERSON,
           ("email", "timezone", "language"), api="POST", done=202),
    Writer("speaker's page, propose", _answer("propose", "p", _proposed),
           {"start": future_wall(17).isoformat(timespec="minutes"), "start_fold": "0", "note": ""},
           ("start", "start_fold"), hidden=("start_fold",)),
    Writer("account, API token", _token, {"label": "", "days": "30"}, ("days",), done=200),
    Writer("event form, its address", _any_new_event, EVENT_FORM, ("slug",)),
    Writer("speakers board, assign", _assignment("/organiser/events/{slug}/speakers/assign", ids=True),
           {"role": "speaker", "send": "y"}, ("speaker_id", "slot_id", "role"),
           hidden=("speaker_id", "slot_id", "role")),
    Writer("assign API", _assignment("/api/v1/events/{slug}/slots/{id}/speakers", ids=False),
           {"role": "speaker", "send": True}, ("speaker_id", "role", "send"), api="POST", done=201),
]


@pytest.mark.slow  # a Hypothesis sweep: out of `make test-fast`
@PER_WRITER
@given(data=st.data())
@pytest.mark.parametrize("writer", CHOSEN, ids=lambda writer: writer.name)
def test_any_text_in_a_choice_or_number_is_taken_or_refused_with_a_message(logged_in, organiser, bearer, writer,
                                                                           data):
    written = _write(logged_in, bearer, organiser, writer,
                     data.draw(_typed_into(writer.fuzzed)))
    status = written.response.status_code
    hypothesis.event("accepted" if status == writer.done else str(status))
    if status != writer.done:  # a 404 for an id the API has no such thing for
        assert status in (404, 409, 422) and written.stored == written.before and _refusal(writer, written)


def test_ids_too_large_for_the_database_are_404s(logged_in, organiser):
    from forum.services import accounts

    event = open_event_for(organiser, slug="big")
    bearer = {"Authorization": f"Bearer {accounts.issue_api_token(organiser)}"}
    huge = 10**20
    assert logged_in.get(f"/organiser/events/{event.slug}/slots/{huge}/edit").status_code == 404
    assert logged_in.post(f"/organiser/events/{event.slug}/registrations/{huge}/remove").status_code == 404
    assert logged_in.patch(f"/api/v1/events/{event.slug}/slots/{2**31}", json={"title": "x"},
                           headers=bearer).status_code == 404
    assert logged_in.delete(f"/api/v1/events/{event.slug}/slots/{2**31}", headers=bearer).status_code == 404  # not 405
    assigned = logged_in.post(f"/api/v1/events/{event.slug}/slots/1/speakers", json={"speaker_id": 2**31},
                              headers=bearer)
    assert assigned.status_code == 422 and set(_error(assigned)["fields"]) == {"speaker_id"}
    assert logged_in.get(f"/organiser/events/{event.slug}/slots/{2**31 - 1}/edit").status_code == 404  # no such slot


def test_long_titles_give_each_event_its_own_address(organiser):
    title = "Smart City Forum on fighting the pandemic with technology " * 3
    slugs = [make_event(organiser, title=title).slug for _ in range(4)]
    assert len(set(slugs)) == 4 and all(len(s) <= 80 for s in slugs)
