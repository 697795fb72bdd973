"""POST /api/v1/planner/suggestions: issue 14's contract, every local time
held to zoneinfo, and each bad input answered with the field at fault."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from openapi_spec_validator import validate as validate_spec

from forum.services import accounts
from tests.support.oracle import oracle

URL = "/api/v1/planner/suggestions"
EDINBURGH_AND_TAIPEI = [
    {"label": "Edinburgh", "city": "Edinburgh"},
    {"label": "Taipei host", "timezone": "Asia/Taipei", "weight": 2, "window": {"start": "08:00", "end": "20:00"}},
]
EXAMPLE = {"participants": EDINBURGH_AND_TAIPEI, "date": "2020-08-19", "duration_minutes": 60}


@pytest.fixture
def bearer(organiser):
    return {"Authorization": f"Bearer {accounts.issue_api_token(organiser)}"}


def _utc(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=UTC)


def _comfort(start: datetime, end: datetime, window: tuple[time, time] = (time(8), time(20))) -> str:
    """The issue's rule, written out for the oracle's wall-clock times of a
    meeting within one local day (a window that does not span midnight)."""
    if start.date() == end.date() and window[0] <= start.time() and end.time() <= window[1]:
        return "inside"
    night = [datetime.combine(start.date() + timedelta(days=d), time(22), start.tzinfo) for d in (-1, 0)]
    if any(start < dark + timedelta(hours=9) and end > dark for dark in night):
        return "night"
    return "early_late"


def _check_times(option: dict, zones: dict[str, str], minutes: int) -> None:
    """Everyone's local start and end are what zoneinfo makes of the UTC
    instants, with its offset; counts and comfort agree."""
    start, end = _utc(option["start_utc"]), _utc(option["end_utc"])
    assert end - start == timedelta(minutes=minutes)
    for placed in option["participants"]:
        zone = oracle(zones[placed["label"]])
        assert placed["timezone"] == zones[placed["label"]]
        assert placed["local_start"] == start.astimezone(zone).isoformat(timespec="seconds")
        assert placed["local_end"] == end.astimezone(zone).isoformat(timespec="seconds")
    comforts = [placed["comfort"] for placed in option["participants"]]
    assert option["counts"] == {kind: comforts.count(kind) for kind in ("inside", "early_late", "night")}


def test_the_issues_example_answers_as_specified(client, bearer):
    response = client.post(URL, json=EXAMPLE, headers=bearer)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"suggestions"}  # one session asked for: no split
    suggestions = body["suggestions"]
    assert len(suggestions) == 10  # the default limit
    zones = {"Edinburgh": "Europe/London", "Taipei host": "Asia/Taipei"}
    for option in suggestions:
        _check_times(option, zones, 60)
        assert _utc(option["start_utc"]).date() == date(2020, 8, 19)
        for placed in option["participants"]:
            seen = [datetime.fromisoformat(placed[end]) for end in ("local_start", "local_end")]
            assert placed["comfort"] == _comfort(*seen), placed
    best = suggestions[0]
    # 10:00-11:00 in Edinburgh (BST) and 17:00-18:00 in Taipei: two hours clear of both windows' edges.
    assert (best["start_utc"], best["end_utc"], best["score"]) == ("2020-08-19T09:00:00Z", "2020-08-19T10:00:00Z", 1.0)
    assert [p["local_start"] for p in best["participants"]] == ["2020-08-19T10:00:00+01:00", "2020-08-19T17:00:00+08:00"]
    ranks = [(o["counts"]["night"] > 0, -o["score"], o["start_utc"]) for o in suggestions]
    assert ranks == sorted(ranks)


def test_step_and_limit_shape_the_list(client, bearer):
    response = client.post(URL, json={**EXAMPLE, "step_minutes": 60, "limit": 3}, headers=bearer)
    starts = [_utc(o["start_utc"]) for o in response.get_json()["suggestions"]]
    assert len(starts) == 3 and all(start.minute == 0 for start in starts)


def test_a_range_ranks_the_weeks_between_the_dst_changes_first(client, bearer):
    """North America moves on 8 March 2020, Europe on 29 March: for three
    weeks London and New York are four hours apart, not five, and their
    windows overlap an hour more. Every best start of the range falls there."""
    people = [{"label": "London", "timezone": "Europe/London", "window": {"start": "08:00", "end": "17:00"}},
              {"label": "New York", "city": "New York City, US", "window": {"start": "09:00", "end": "18:00"}}]
    zones = {"London": "Europe/London", "New York": "America/New_York"}
    asked = {"participants": people, "duration_minutes": 60}
    ranged = client.post(URL, json={**asked, "dates": {"from": "2020-03-01", "to": "2020-04-15"}}, headers=bearer)
    assert ranged.status_code == 200
    suggestions = ranged.get_json()["suggestions"]
    for option in suggestions:
        _check_times(option, zones, 60)
        assert date(2020, 3, 8) <= _utc(option["start_utc"]).date() <= date(2020, 3, 28)
        assert [p["local_start"][-6:] for p in option["participants"]] == ["+00:00", "-04:00"]
    days = {_utc(option["start_utc"]).date() for option in suggestions}
    assert len(days) > 1  # across the dates, not one day's list
    outside = [client.post(URL, json={**asked, "date": day}, headers=bearer).get_json()["suggestions"][0]
               for day in ("2020-03-07", "2020-03-29")]
    assert all(best["score"] < suggestions[-1]["score"] for best in outside)
    assert [best["participants"][0]["local_start"][-6:] for best in outside] == ["+00:00", "+01:00"]


def test_sessions_split_the_participants(client, bearer):
    cities = ["Prague", "Izmir", "Moscow", "Medellin", "Guayaquil", "Scranton", "Wellington", "Goyang-si"]
    people = [{"label": city, "city": city} for city in cities] + [{"label": "Taipei host", "timezone": "Asia/Taipei"}]
    response = client.post(URL, json={"participants": people, "date": "2020-08-13", "duration_minutes": 90,
                                      "sessions": 3}, headers=bearer)
    assert response.status_code == 200
    body = response.get_json()
    sessions = body["sessions"]
    assert len(sessions) == 3 and body["suggestions"]
    members = [label for session in sessions for label in session["members"]]
    assert sorted(members) == sorted(p["label"] for p in people)
    zones = {p["label"]: p["timezone"] for option in body["suggestions"] for p in option["participants"]}
    assert zones["Wellington"] == "Pacific/Auckland" and zones["Medellin"] == "America/Bogota"
    assert [s["start_utc"] for s in sessions] == sorted(s["start_utc"] for s in sessions)
    session_of = {label: n for n, session in enumerate(sessions) for label in session["members"]}
    assert session_of["Prague"] == session_of["Moscow"] and session_of["Medellin"] == session_of["Guayaquil"]
    assert len({session_of[city] for city in ("Prague", "Medellin", "Wellington")}) == 3  # one per region
    for session in sessions:
        assert [p["label"] for p in session["participants"]] == session["members"]
        assert _utc(session["start_utc"]).date() == date(2020, 8, 13)
        assert session["counts"]["night"] == 0, session
        _check_times(session, zones, 90)


def test_without_a_token_it_is_401(client):
    response = client.post(URL, json=EXAMPLE)
    assert response.status_code == 401 and "Bearer" in response.get_json()["error"]["message"]


def _people(n: int) -> list[dict]:
    return [{"label": f"P{i}", "timezone": "Europe/Paris"} for i in range(n)]


def _with(**person) -> list[dict]:
    """The example's participants plus two, the fourth (participants.3) as given."""
    return [*EDINBURGH_AND_TAIPEI, {"timezone": "Asia/Tokyo"}, person]


BAD = [  # (what the body changes, the field named, part of its message)
    ({"participants": [{"city": "Edimburgo"}]}, "participants.0.city", "did you mean Edinburg"),
    ({"participants": _with(timezone="Asia/Taipie")}, "participants.3.timezone", "did you mean Asia/Taipei"),
    ({"duration_minutes": 0}, "duration_minutes", "1 to 1,440 minutes"),
    ({"duration_minutes": 24 * 60 + 1}, "duration_minutes", "1 to 1,440 minutes"),
    ({"step_minutes": 20}, "step_minutes", "5, 10, 15, 30 or 60"),
    ({"date": None, "dates": {"from": "2020-03-01", "to": "2020-04-30"}}, "dates", "up to 60 days; this one has 61"),
    ({"date": None, "dates": {"from": "2020-04-30", "to": "2020-03-01"}}, "dates", "comes before the first"),
    ({"date": None}, "date", "Give a date, or a range"),
    ({"dates": {"from": "2020-03-01", "to": "2020-03-02"}}, "date", "not both"),
    ({"date": "9999-12-31"}, "date", "from 1970 to 2200"),
    ({"sessions": 0}, "sessions", "1 to 4 sessions"),
    ({"sessions": 5, "participants": _people(6)}, "sessions", "1 to 4 sessions"),
    ({"sessions": 3}, "sessions", "at least 3 participants; this plan has 2"),
    ({"limit": 0}, "limit", "1 to 100"),
    ({"participants": []}, "participants", "at least one participant"),
    ({"participants": _people(501)}, "participants", "up to 500 participants; this one has 501"),
    ({"participants": _with(timezone="UTC", window={"start": "8am"})}, "participants.3.window", "“8am” is not"),
    ({"participants": _with(timezone="UTC", window={"start": "08:00", "end": "24:00"})},
     "participants.3.window", "HH:MM"),
    ({"participants": _with(timezone="UTC", window={"start": "08:00", "end": "08:00"})},
     "participants.3.window", "an end other than its start"),
    ({"participants": [{"city": "Taipei", "timezone": "Asia/Taipei"}]}, "participants.0.city", "one of the two"),
    ({"participants": [{"label": "Nobody"}]}, "participants.0.city", "one of the two"),
    ({"participants": _with(timezone="UTC", weight=0)}, "participants.3.weight", "above 0"),
    ({"participants": _with(timezone="UTC", label="A\nB")}, "participants.3.label", "one line"),
    # JSON of the wrong type, and what marshmallow refuses, named the same way
    ({"participants": "Edinburgh"}, "participants", "Not a valid list"),
    ({"participants": ["Edinburgh"]}, "participants.0", "Invalid input type"),
    ({"participants": _with(timezone=8)}, "participants.3.timezone", "Not a valid string"),
    ({"participants": _with(timezone="UTC", weight="heavy")}, "participants.3.weight", "Not a valid number"),
    ({"participants": _with(timezone="UTC", window="08:00-20:00")}, "participants.3.window", "Invalid input type"),
    ({"participants": _with(timezone="UTC", window={"start": 8})}, "participants.3.window", "start: Not a valid"),
    ({"participants": _with(timezone="UTC", window={"from": "08:00"})}, "participants.3.window", "from: Unknown"),
    ({"participants": _with(timezone="UTC", colour="red")}, "participants.3.colour", "Unknown field"),
    ({"date": 20200819}, "date", "Not a valid date"),
    ({"date": None, "dates": "2020-03"}, "dates", "Invalid input type"),
    ({"date": None, "dates": {"from": "2020-03-01"}}, "dates", "to: Missing data"),
    ({"date": None, "dates": {"from": "March", "to": "2020-03-02"}}, "dates", "from: Not a valid date"),
    ({"duration_minutes": None}, "duration_minutes", "Missing data"),
    ({"duration_minutes": "an hour"}, "duration_minutes", "Not a valid integer"),
    ({"duration_minutes": 60.5}, "duration_minutes", "not a whole number"),
    ({"sessions": True}, "sessions", "Not a valid integer"),
    ({"participants": None}, "participants", "Missing data"),
]


@pytest.mark.parametrize("changes, field, message", BAD, ids=[f"{field}-{n}" for n, (_, field, _) in enumerate(BAD)])
def test_bad_input_is_422_naming_the_field(client, bearer, changes, field, message):
    body = {key: value for key, value in {**EXAMPLE, **changes}.items() if value is not None}
    response = client.post(URL, json=body, headers=bearer)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error["fields"]) == {field}, error
    assert message in error["fields"][field]


def test_a_body_that_is_not_an_object_is_422_without_a_field(client, bearer):
    response = client.post(URL, json=[EXAMPLE], headers=bearer)
    assert response.status_code == 422
    assert response.get_json()["error"] == {"code": "unprocessable_entity", "message": "Invalid input type.",
                                            "fields": {}}


def test_the_openapi_document_describes_the_operation(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate_spec(spec)
    operation = spec["paths"][URL]["post"]
    assert operation["security"] == [{"bearerAuth": []}]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SuggestionsIn"}
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/SuggestionsOut"}
    assert {"401", "422"} <= set(operation["responses"])
    assert "UTC calendar days" in operation["description"]
    schemas = spec["components"]["schemas"]
    request = schemas["SuggestionsIn"]
    assert set(request["required"]) == {"participants", "duration_minutes"}
    assert request["properties"]["step_minutes"]["enum"] == [5, 10, 15, 30, 60]
    assert request["properties"]["step_minutes"]["default"] == 15
    assert request["properties"]["participants"]["maxItems"] == 500
    assert set(schemas["DateRangeIn"]["properties"]) == {"from", "to"}
    assert set(schemas["ParticipantIn"]["properties"]) == {"label", "city", "timezone", "weight", "window"}
    answered = schemas["SuggestionsOut"]
    assert answered["required"] == ["suggestions"]  # sessions only when asked for
    assert "more than one session" in answered["properties"]["sessions"]["description"]
    assert set(schemas["SessionOut"]["properties"]) == {"members", "start_utc", "end_utc", "score", "counts",
                                                        "participants"}
    assert schemas["PlacementOut"]["properties"]["comfort"]["enum"] == ["inside", "early_late", "night"]
