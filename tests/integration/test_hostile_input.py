"""Hostile input gets a clear 4xx and changes nothing: dates no forum has, text
no database stores, JSON no parser survives, pages past the last, numbers
that are not whole, and a request whose way back cannot be built."""
from __future__ import annotations

import itertools
import json
import re
from email import message_from_bytes, policy

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from forum.models import Event, OutboxMessage, Registration, Slot
from forum.services import accounts, agenda, speakers
from forum.services.agenda import SlotInput
from forum.services.speakers import SpeakerInput
from tests.conftest import future_wall, mailed_link, make_event, open_event_for

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
     b'--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\n\xed\xa0\x80\r\n'
     b'--XX\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@example.org\r\n'
     b'--XX\r\nContent-Disposition: form-data; name="timezone"\r\n\r\nUTC\r\n--XX--\r\n'),
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
    assert refused.status_code == 400 and "Nothing was changed" in refused.get_data(as_text=True)
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


# Any text at all -------------------------------------------------------------------

SPECIALS = ["<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>", "Ada\r\nBcc: x@example.org",
            "\u202eevil\u202c", "\u200fשלום\u200e", "\ud800", "\udfff", "\x00", "\x07", "\x1b[31m", "\ufeff",
            "\u2028", "\u0085", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩🏽‍💻", "e\u0301", "=HYPERLINK(\"x\")", "  padded  ", "\t", "\\", "%s{0}"]
PIECES = st.one_of(
    st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=12),
    st.text(st.characters(exclude_categories=()), min_size=1, max_size=3),  # control characters and surrogates too
    st.sampled_from(SPECIALS),
)
LONG = st.builds(lambda c, n: c * n, st.sampled_from(["a", "測", "\u200f", " ", "😀"]),
                 st.one_of(st.integers(95, 205), st.sampled_from([20000, 20001])))
TEXT = st.one_of(st.lists(PIECES, min_size=1, max_size=4).map("".join), LONG)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _some_of(fields: dict):
    """`fields` with one or more of them replaced by arbitrary text."""
    return st.dictionaries(st.sampled_from(sorted(fields)), TEXT, min_size=1).map(lambda typed: {**fields, **typed})


PEOPLE = _some_of({name: PERSON[name] for name in ("name", "organisation", "city", "country")})
UNIQUE = itertools.count()


def _as_json_reads(values: dict) -> dict:
    """JSON escapes surrogates one by one, and reading them back joins a pair into its character."""
    return json.loads(json.dumps(values))


def _as_browser_sends(text: str) -> str:
    """A browser joins surrogate pairs and replaces a lone surrogate with U+FFFD before it encodes a form."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _check_answer(response, sent: dict, stored, created: int) -> None:
    """Accepted: stored exactly as sent, less surrounding whitespace. Refused:
    a 422 that names only fields that were sent, and nothing stored."""
    assert response.status_code < 500
    hypothesis.event("accepted" if response.status_code == created else "refused")  # --hypothesis-show-statistics
    if response.status_code == created:
        assert {name: getattr(stored, name) for name in sent} == {name: value.strip() for name, value in sent.items()}
    else:
        assert response.status_code == 422 and stored is None


@FUZZ
@given(people=PEOPLE)
def test_registration_api_stores_any_text_exactly_or_says_why(client, open_event, people):
    open_event.capacity = None
    email = f"fuzz{next(UNIQUE)}@example.org"
    response = client.post("/api/v1/events/open/registrations",
                           json={**people, "email": email, "timezone": "UTC", "language": "en"})
    sent = _as_json_reads(people)
    _check_answer(response, sent, Registration.query.filter_by(email=email).one_or_none(), 202)
    if response.status_code == 202:
        assert set(response.get_json()) == {"status", "message"}  # nothing of what was sent comes back
    else:
        assert set(_error(response)["fields"]) <= set(people)


@FUZZ
@given(people=PEOPLE)
def test_registration_form_stores_any_text_exactly_or_keeps_it(client, open_event, people):
    open_event.capacity = None
    typed = {name: _as_browser_sends(value) for name, value in people.items()}
    email = f"fuzz{next(UNIQUE)}@example.org"
    response = client.post("/events/open/register", data={**typed, "email": email, "timezone": "UTC", "language": "en"})
    _check_answer(response, typed, Registration.query.filter_by(email=email).one_or_none(), 302)
    if response.status_code == 422:
        html = response.get_data(as_text=True)
        assert all(str(escape(value)) in html for value in typed.values())  # the typing is kept


@FUZZ
@given(texts=_some_of({"title": EVENT["title"], "description": "Three regional sessions."}))
def test_event_api_stores_any_text_exactly_or_says_why(client, bearer, texts):
    before = Event.query.count()
    slug = f"fuzz-{next(UNIQUE)}"  # a slug of its own: this is about the text, not about finding free slugs
    response = client.post("/api/v1/events", json={**EVENT, **texts, "slug": slug}, headers=bearer)
    sent = _as_json_reads(texts)
    _check_answer(response, sent, Event.query.filter_by(slug=slug).one_or_none(), 201)
    if response.status_code == 201:
        body = response.get_json()
        assert {name: body[name] for name in sent} == {name: value.strip() for name, value in sent.items()}
    else:
        assert set(_error(response)["fields"]) <= set(sent) and Event.query.count() == before


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
