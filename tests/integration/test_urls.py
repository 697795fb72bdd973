"""Absolute links: e-mails and feeds under BASE_URL, pages at the host they are
served at unless BASE_URL is set; forum.urls agrees with Flask's url_for."""
from __future__ import annotations

import pytest
from flask import url_for

from forum import mail, urls
from tests.support.factories import open_event_for

ENDPOINTS = [
    ("public.event_page", {"slug": "open"}), ("public.event_feed", {"slug": "open"}),
    ("public.registration_page", {"token": "t0k3n"}), ("public.registration_feed", {"token": "t0k3n"}),
    ("speaker.page", {"token": "t0k3n"}), ("speaker.feed", {"token": "t0k3n"}),
    ("public.organiser_feed", {"token": "t0k3n"}),
]


@pytest.mark.parametrize("endpoint, values", ENDPOINTS)
def test_external_links_agree_with_url_for(app, endpoint, values):
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        expected = url_for(endpoint, _external=True, **values)
        assert urls.external(endpoint, **values) == expected
    assert urls.external(endpoint, **values) == expected  # the worker and the CLI have no request


def test_a_base_url_with_a_path_prefixes_every_link(app):
    app.config["BASE_URL"] = "https://forum.example.org/city"
    assert urls.external("public.event_page", slug="open") == "https://forum.example.org/city/events/open/"
    with app.test_request_context(base_url="http://10.0.0.5:8000"):
        assert urls.shown("public.event_feed", slug="open") == "https://forum.example.org/city/events/open/calendar.ics"


def test_without_base_url_pages_show_their_own_host_and_e_mails_the_default(app, client, organiser, smtp_server):
    open_event_for(organiser)
    app.config["BASE_URL"] = ""
    page = client.get("/events/open/", base_url="http://forum.test:8080").get_data(as_text=True)
    assert "webcal://forum.test:8080/events/open/calendar.ics" in page
    assert "<code>http://forum.test:8080/events/open/calendar.ics</code>" in page
    assert "127.0.0.1:8000" not in page
    client.post("/api/v1/events/open/registrations", base_url="http://forum.test:8080",
                json={"name": "Ada", "email": "ada@example.org", "timezone": "UTC"})
    mail.deliver_due()
    (message,) = smtp_server.messages()
    text = message.get_body(("plain",)).get_content()
    assert f"{urls.DEFAULT_BASE_URL}/registrations/" in text and "forum.test" not in text
