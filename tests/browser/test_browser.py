"""What only a browser shows: zone detection, the no-JavaScript path, the organiser's forms."""
from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

EVENT = "/events/smart-tech-fighting-covid-19/"
TAIPEI = ZoneInfo("Asia/Taipei")


def _local(wall: str, zone: str) -> datetime:
    return datetime.fromisoformat(f"2020-04-29T{wall}").replace(tzinfo=TAIPEI).astimezone(ZoneInfo(zone))


def _opening_time(page) -> str:
    return page.locator("tr.slot").first.locator("td.time time").first.inner_text()


def test_browser_zone_is_detected_and_remembered(server, new_page):
    page = new_page(timezone_id="Europe/Amsterdam")
    page.goto(server + EVENT)
    page.wait_for_selector('[data-zone-shown="Europe/Amsterdam"]')
    assert _opening_time(page) == f"{_local('16:00', 'Europe/Amsterdam'):%H:%M}" == "10:00"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies["tz"] == "Europe/Amsterdam"
    page.goto(server + EVENT)  # a later visit needs no reload: the cookie decides
    assert page.locator("[data-zone-shown]").get_attribute("data-zone-source") == "cookie"


def test_agenda_splits_at_the_viewers_midnight(server, new_page):
    """In Pacific/Marquesas (-09:30) the workshop starts on 28 April and ends on the 29th."""
    page = new_page(timezone_id="Pacific/Marquesas")
    page.goto(server + EVENT)
    page.wait_for_selector('[data-zone-shown="Pacific/Marquesas"]')
    headings = page.locator("section.day h3").all_inner_texts()
    first, last = _local("16:00", "Pacific/Marquesas"), _local("17:57", "Pacific/Marquesas")
    assert headings == [f"{d:%a} {d.day} {d:%b %Y}" for d in (first, last)] == ["Tue 28 Apr 2020", "Wed 29 Apr 2020"]


def test_without_javascript_the_picker_does_the_job(server, new_page):
    page = new_page(java_script_enabled=False, timezone_id="Europe/Amsterdam")
    page.goto(server + EVENT)
    assert page.locator("[data-zone-shown]").get_attribute("data-zone-shown") == "Asia/Taipei"
    assert _opening_time(page) == "16:00"
    page.fill("#tz", "Asia/Seoul")
    page.click(".zone-picker button[type=submit]")
    assert _opening_time(page) == f"{_local('16:00', 'Asia/Seoul'):%H:%M}" == "17:00"

    page.fill("#tz", "Mars/Olympus")
    with page.expect_navigation() as navigation:
        page.click(".zone-picker button[type=submit]")
    assert navigation.value.status == 400
    assert "“Mars/Olympus” is not a time zone" in page.locator("#tz-error").inner_text()
    assert page.input_value("#tz") == "Mars/Olympus"


def test_organiser_answers_the_ambiguous_time_question(server, new_page):
    page = new_page(timezone_id="America/New_York")
    page.goto(server + "/login")
    page.fill("#email", "organiser@example.org")
    page.fill("#password", "gosmart-demo")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=My events")
    page.goto(server + "/organiser/events/new")
    assert page.input_value("#timezone") == "", "the event zone is typed, not guessed"
    page.fill("#title", "Fall-back night forum")
    page.fill("#timezone", "America/New_York")
    page.fill("#start", "2026-11-01T00:00")
    page.fill("#end", "2026-11-01T04:00")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Add a slot")
    slug = page.url.rstrip("/").split("/")[-1]

    page.fill("#title", "Night owls")
    page.fill("#start", "2026-11-01T01:30")
    page.fill("#end", "2026-11-01T02:30")
    page.click("section[aria-labelledby=add-slot] button[type=submit]")
    assert "happens twice in America/New_York" in page.locator("#start-error").inner_text()
    assert page.input_value("#title") == "Night owls"
    page.check("input[name=start_fold][value='1']")
    page.click("section[aria-labelledby=add-slot] button[type=submit]")
    page.wait_for_selector("text=Added “Night owls”")

    page.click("button:has-text('Publish')")
    page.wait_for_selector("text=The event is now published")
    with urllib.request.urlopen(f"{server}/api/v1/events/{slug}") as response:
        slot = json.load(response)["slots"][0]
    second = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")).astimezone(ZoneInfo("UTC"))
    assert slot["start_utc"] == f"{second:%Y-%m-%dT%H:%M:%SZ}" == "2026-11-01T06:30:00Z"
    assert slot["end_utc"] == "2026-11-01T07:30:00Z"  # 02:30 EST: one real hour later


def test_skip_link_is_the_first_stop(server, new_page):
    page = new_page()
    page.goto(server + "/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
