"""What organisers do with registrations: see, search, approve, promote, remove,
raise the capacity, export, message everyone, and watch the outbox."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict
from email import message_from_bytes, policy

import openpyxl
import pytest

from forum.extensions import db
from forum.models import OutboxMessage, OutboxStatus, Registration
from forum.services import accounts, events, outbox
from tests.support.factories import open_event_for
from tests.support.mail import mailed_link
from tests.support.web import login

PERSON = {"name": "Ada Lovelace", "organisation": "Analytical Engines", "timezone": "Europe/Amsterdam",
          "country": "UK"}


@pytest.fixture
def full_event(organiser, client):
    """Two seats, two confirmed, two waiting."""
    event = open_event_for(organiser, slug="full", capacity=2)
    people = [("陳美玲", "TW", "Asia/Taipei"), ("Bob", "NL", "Europe/Amsterdam"),
              ("=HYPERLINK(\"http://evil\")", "NL", "Europe/Amsterdam"), ("Dana", "AU", "Australia/Darwin")]
    for i, (name, country, zone) in enumerate(people):
        client.post("/api/v1/events/full/registrations",
                    json={**PERSON, "name": name, "email": f"p{i}@example.org", "country": country, "timezone": zone})
    return event


def _status(email: str) -> str:
    return Registration.query.filter_by(email=email).one().status.value


def _kinds_to(email: str) -> list[str]:
    return [m.kind for m in OutboxMessage.query.filter_by(recipient=email).order_by(OutboxMessage.id)]


def test_list_with_counts_search_and_filter(logged_in, full_event):
    page = logged_in.get("/organiser/events/full/registrations").get_data(as_text=True)
    assert "<strong>2</strong> confirmed" in page and "<strong>2</strong> waitlisted" in page
    assert "陳美玲" in page and "Australia/Darwin" in page and "(queue #1)" in page
    by_country = logged_in.get("/organiser/events/full/registrations?q=tw").get_data(as_text=True)
    assert "1 registration(s) match" in by_country and "陳美玲" in by_country and "Bob" not in by_country
    assert logged_in.get("/organiser/events/full/registrations?q=dana").get_data(as_text=True).count(
        'class="status-') == 1
    waiting = logged_in.get("/organiser/events/full/registrations?status=waitlisted").get_data(as_text=True)
    assert "2 registration(s) match" in waiting and "陳美玲" not in waiting
    bad = logged_in.get("/organiser/events/full/registrations?status=maybe")
    assert bad.status_code == 422 and "“maybe” is not a status" in bad.get_data(as_text=True)


def test_another_organiser_sees_nothing(client, full_event, other_organiser):
    login(client, "bob@example.org", "battery staple")
    for path in ("registrations", "registrations.csv", "registrations.xlsx", "message", "outbox"):
        assert client.get(f"/organiser/events/full/{path}").status_code == 404
    row = Registration.query.first()
    assert client.post(f"/organiser/events/full/registrations/{row.id}/remove").status_code == 404
    assert Registration.query.filter_by(status="cancelled").count() == 0


def test_raising_capacity_promotes_the_waitlist_in_order(logged_in, full_event):
    form = {k: v for k, v in asdict(events.as_input(full_event)).items() if v is not None}
    form.update(start=form["start"].isoformat(), end=form["end"].isoformat(), capacity=3)
    form.pop("move_agenda")
    form.pop("approval_required")
    assert logged_in.post("/organiser/events/full/edit", data=form).status_code == 302
    assert [_status(f"p{i}@example.org") for i in range(4)] == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    assert _kinds_to("p2@example.org") == ["registration-waitlisted", "registration-confirmed"]
    form["capacity"] = 1
    response = logged_in.post("/organiser/events/full/edit", data=form)
    assert response.status_code == 422 and "3 people already have a seat" in response.get_data(as_text=True)


def test_promote_by_hand_adds_a_seat_and_remove_moves_the_queue(logged_in, full_event):
    last = Registration.query.filter_by(email="p3@example.org").one()
    response = logged_in.post(f"/organiser/events/full/registrations/{last.id}/promote", follow_redirects=True)
    assert "capacity rose to 3" in response.get_data(as_text=True)
    assert _status("p3@example.org") == "confirmed" and db.session.get(type(full_event), full_event.id).capacity == 3
    first = Registration.query.filter_by(email="p0@example.org").one()
    logged_in.post(f"/organiser/events/full/registrations/{first.id}/remove")
    assert _status("p0@example.org") == "cancelled" and _status("p2@example.org") == "confirmed"
    assert _kinds_to("p0@example.org")[-1] == "registration-cancelled"
    again = logged_in.post(f"/organiser/events/full/registrations/{first.id}/remove", follow_redirects=True)
    assert "already cancelled" in again.get_data(as_text=True)


def test_approval_mode(client, logged_in, organiser):
    open_event_for(organiser, slug="approve", approval_required=True)
    for i in range(2):
        client.post("/api/v1/events/approve/registrations", json={**PERSON, "email": f"a{i}@example.org"})
        assert _status(f"a{i}@example.org") == "pending"
    assert _kinds_to("a0@example.org") == ["registration-pending"]
    for i in range(2):
        row = Registration.query.filter_by(email=f"a{i}@example.org").one()
        logged_in.post(f"/organiser/events/approve/registrations/{row.id}/approve")
    assert [_status("a0@example.org"), _status("a1@example.org")] == ["confirmed", "waitlisted"]
    assert _kinds_to("a0@example.org")[-1] == "registration-confirmed"
    assert _kinds_to("a1@example.org")[-1] == "registration-waitlisted"


def test_csv_export_opens_in_excel_and_neutralises_formulas(logged_in, full_event):
    response = logged_in.get("/organiser/events/full/registrations.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["name"] for r in rows][:2] == ["陳美玲", "Bob"]
    assert rows[2]["name"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[2]["status"] == "waitlisted" and rows[2]["waitlist_position"] == "1"
    assert rows[0]["registered_event_time"].endswith("+08:00")
    only_waiting = logged_in.get("/organiser/events/full/registrations.csv?status=waitlisted").data
    assert only_waiting.decode("utf-8-sig").count("\r\n") == 3


def test_xlsx_export_keeps_text_as_text(logged_in, full_event):
    response = logged_in.get("/organiser/events/full/registrations.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["name", "email"] and values[1][0] == "陳美玲"
    cell = sheet.cell(row=4, column=1)
    assert cell.value == "=HYPERLINK(\"http://evil\")" and cell.data_type == "s"


def test_message_all_confirmed(logged_in, full_event):
    before = OutboxMessage.query.count()
    bad = logged_in.post("/organiser/events/full/message", data={"subject": "", "body": "Hello"})
    assert bad.status_code == 422 and "This field is required" in bad.get_data(as_text=True)
    assert 'Hello</textarea>' in bad.get_data(as_text=True)
    response = logged_in.post("/organiser/events/full/message",
                              data={"subject": "Slides", "body": "The slides are online.\n\nSee you!"})
    assert response.status_code == 302 and OutboxMessage.query.count() == before + 2
    sent = OutboxMessage.query.filter_by(kind="organiser-message").all()
    assert sorted(m.recipient for m in sent) == ["p0@example.org", "p1@example.org"]


def test_a_message_typed_in_a_browser_keeps_its_paragraphs_and_a_one_line_subject(logged_in, full_event):
    """A textarea sends CRLF line ends, so its blank lines are CRLF CRLF; a subject is one header line."""
    two_lines = logged_in.post("/organiser/events/full/message", data={"subject": "Slides\r\nBcc: x@example.org",
                                                                      "body": "Hello"})
    assert two_lines.status_code == 422 and "Keep it on one line." in two_lines.get_data(as_text=True)
    sent = logged_in.post("/organiser/events/full/message",
                          data={"subject": "Slides  and\u00a0notes", "body": "The slides are online.\r\n\r\nSee you!"})
    assert sent.status_code == 302
    row = OutboxMessage.query.filter_by(kind="organiser-message").first()
    message = message_from_bytes(row.message, policy=policy.default)
    assert str(message["Subject"]) == "Slides  and\u00a0notes"
    assert "<p>The slides are online.</p><p>See you!</p>" in message.get_body(("html",)).get_content()


def test_outbox_page_shows_failures_and_retries(logged_in, full_event):
    row = OutboxMessage.query.first()
    row.status, row.attempts, row.last_error = OutboxStatus.FAILED, 8, "SMTPRecipientsRefused: mailbox full"
    db.session.commit()
    page = logged_in.get("/organiser/events/full/outbox").get_data(as_text=True)
    assert "mailbox full" in page and "Retry the 1 failed message(s)" in page
    logged_in.post("/organiser/events/full/outbox/retry")
    assert outbox.counts(full_event.id)["failed"] == 0


def test_api_lists_registrations_for_organisers_only(app, client, full_event, other_organiser):
    token = accounts.issue_api_token(accounts.find_organiser("ada@example.org"), "test")
    assert client.get("/api/v1/events/full/registrations").status_code == 401
    headers = {"Authorization": f"Bearer {token}"}
    body = client.get("/api/v1/events/full/registrations?per_page=3", headers=headers).get_json()
    assert body["total"] == 4 and len(body["registrations"]) == 3 and body["counts"]["waitlisted"] == 2
    second = client.get("/api/v1/events/full/registrations?per_page=3&page=2", headers=headers).get_json()
    assert [r["name"] for r in second["registrations"]] == ["Dana"]
    waiting = client.get("/api/v1/events/full/registrations?status=waitlisted", headers=headers).get_json()
    assert [r["waitlist_position"] for r in waiting["registrations"]] == [1, 2]
    bad = client.get("/api/v1/events/full/registrations?status=maybe", headers=headers)
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]
    other = accounts.issue_api_token(other_organiser, "test")
    assert client.get("/api/v1/events/full/registrations",
                      headers={"Authorization": f"Bearer {other}"}).status_code == 404


def _queue(client, organiser, waiting: int) -> list[str]:
    """One seat taken by W0, then `waiting` people on the waitlist: the links they were mailed."""
    open_event_for(organiser, slug="queue", capacity=1)
    for i in range(waiting + 1):
        client.post("/api/v1/events/queue/registrations", json={**PERSON, "name": f"W{i}", "email": f"w{i}@example.org"})
    return [mailed_link(f"w{i}@example.org") for i in range(waiting + 1)]


def test_every_view_shows_the_place_in_the_queue_now(client, logged_in, organiser):
    """Five wait; the first is promoted, the second cancels: the other three are
    1, 2 and 3 everywhere, not the 3, 4 and 5 stored when they joined."""
    links = _queue(client, organiser, waiting=5)
    assert [r.waitlist_position for r in Registration.query.order_by(Registration.id)] == [None, 1, 2, 3, 4, 5]
    first = Registration.query.filter_by(name="W1").one()
    assert logged_in.post(f"/organiser/events/queue/registrations/{first.id}/promote").status_code == 302
    assert client.post(f"/registrations/{links[2]}/cancel").status_code == 302
    expected = {"W0": None, "W1": None, "W2": None, "W3": 1, "W4": 2, "W5": 3}
    assert Registration.query.filter_by(name="W5").one().waitlist_position == 5  # the order key stays

    headers = {"Authorization": f"Bearer {accounts.issue_api_token(organiser, 'test')}"}
    listing = client.get("/api/v1/events/queue/registrations", headers=headers).get_json()["registrations"]
    assert {r["name"]: r["waitlist_position"] for r in listing} == expected
    last_page = client.get("/api/v1/events/queue/registrations?per_page=2&page=3", headers=headers).get_json()
    assert [r["waitlist_position"] for r in last_page["registrations"]] == [2, 3]  # not counted per page

    exported = csv.DictReader(io.StringIO(logged_in.get("/organiser/events/queue/registrations.csv")
                                          .data.decode("utf-8-sig")))
    assert {r["name"]: r["waitlist_position"] for r in exported} == {
        name: "" if place is None else str(place) for name, place in expected.items()}
    sheet = openpyxl.load_workbook(io.BytesIO(logged_in.get("/organiser/events/queue/registrations.xlsx").data)).active
    column = [c.value for c in sheet[1]].index("waitlist_position")
    assert [row[column].value for row in sheet.iter_rows(min_row=5)] == [1, 2, 3]

    page = logged_in.get("/organiser/events/queue/registrations").get_data(as_text=True)
    for name, place in expected.items():
        row = Registration.query.filter_by(name=name).one()
        cells = re.findall(r"<td>(.*?)</td>", re.search(rf'<tr id="registration-{row.id}".*?</tr>', page, re.DOTALL)[0])
        assert cells[5] == (row.status.value if place is None else f"waitlisted (queue #{place})")

    for link, place in zip(links[3:], (1, 2, 3), strict=False):
        own_page = client.get(f"/registrations/{link}/").get_data(as_text=True)
        assert f"On the waitlist, number {place}</strong>" in own_page

    client.post("/api/v1/events/queue/registrations", json={**PERSON, "name": "W6", "email": "w6@example.org"})
    (mail,) = OutboxMessage.query.filter_by(recipient="w6@example.org").all()
    assert mail.subject.endswith("(number 4)")


def test_queue_places_cost_no_query_per_row(client, logged_in, organiser, count_queries):
    headers = {"Authorization": f"Bearer {accounts.issue_api_token(organiser, 'test')}"}
    _queue(client, organiser, waiting=2)
    client.get("/api/v1/events/queue/registrations", headers=headers)  # records the token's first use
    counts = []
    for more in range(3, 7):
        with count_queries() as statements:
            client.get("/api/v1/events/queue/registrations", headers=headers)
            logged_in.get("/organiser/events/queue/registrations")
            logged_in.get("/organiser/events/queue/registrations.csv")
        counts.append(len(statements))
        client.post("/api/v1/events/queue/registrations",
                    json={**PERSON, "name": f"W{more}", "email": f"w{more}@example.org"})
    assert len(set(counts)) == 1, counts
