"""What only a browser shows: zone detection, the no-JavaScript path, the organiser's forms.

Expected local times come from zoneinfo (the app converts with pytz), so a
conversion bug on either side shows up as a mismatch.
"""
from __future__ import annotations

import json
import re
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

EVENT = "/events/smart-tech-fighting-covid-19/"
TAIPEI = ZoneInfo("Asia/Taipei")

# Every agenda row of the public page: its day heading, the viewer-zone times
# with their UTC instants (the <time datetime> attributes), and the "(+1d)" note.
AGENDA_JS = """() => [...document.querySelectorAll("section.day")].map(section => ({
  day: section.querySelector("h3").textContent.trim(),
  rows: [...section.querySelectorAll("tr.slot")].map(row => {
    const cell = row.querySelector("td.time:not(.event-zone)");
    const [start, end] = cell.querySelectorAll("time");
    return {start: start.dateTime, start_text: start.textContent, end: end.dateTime, end_text: end.textContent,
            note: cell.textContent.replace(start.textContent, "").replace(end.textContent, "").replace("–", "").trim()};
  }),
}))"""


def _local(wall: str, zone: str) -> datetime:
    """A wall-clock time of the workshop day in Taipei, seen in `zone`."""
    return datetime.fromisoformat(f"2020-04-29T{wall}").replace(tzinfo=TAIPEI).astimezone(ZoneInfo(zone))


def _day_label(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y}"  # e.g. "Wed 29 Apr 2020"


def _text(page, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())


def _opening_time(page) -> str:
    return page.locator("tr.slot").first.locator("td.time time").first.inner_text()


def _check_agenda(page, zone: str) -> list[dict]:
    """Every row shows its instants in `zone` under the heading of the local day it starts on."""
    days = page.evaluate(AGENDA_JS)
    assert days, "the agenda is empty"
    tz = ZoneInfo(zone)
    for day in days:
        for row in day["rows"]:
            start = datetime.fromisoformat(row["start"]).astimezone(tz)
            end = datetime.fromisoformat(row["end"]).astimezone(tz)
            assert (row["start_text"], row["end_text"]) == (f"{start:%H:%M}", f"{end:%H:%M}"), row
            assert day["day"] == _day_label(start), row
            extra_days = ((end - timedelta(microseconds=1)).date() - start.date()).days
            assert row["note"] == (f"(+{extra_days}d)" if extra_days else ""), row
    starts = [row["start"] for day in days for row in day["rows"]]
    assert starts == sorted(starts, key=datetime.fromisoformat)
    return days


def test_browser_zone_is_detected_with_one_reload_and_remembered(server, new_page):
    zone = "Europe/Amsterdam"
    page = new_page(timezone_id=zone)
    documents = []
    page.on("request", lambda request: request.resource_type == "document" and documents.append(request.url))

    page.goto(server + EVENT)  # no ?tz=, no cookie: served in the event's zone, then timezone.js reloads
    page.wait_for_selector(f'[data-zone-shown="{zone}"][data-zone-source="cookie"]')
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # room for a wrong second reload to start
    assert documents == [server + EVENT] * 2, "the first visit and exactly one reload"

    assert _text(page, ".zone-picker .hint").startswith(f"Times below are in {zone} (UTC")
    assert page.input_value("#tz") == zone
    opening = _local("16:00", zone)
    assert _opening_time(page) == f"{opening:%H:%M}" == "10:00"  # 16:00 CST = 10:00 CEST
    _check_agenda(page, zone)
    assert page.locator("td.event-zone").first.inner_text() == "16:00–16:10"  # the event's own zone beside

    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["tz"]["value"] == zone and cookies["tz"]["path"] == "/"

    page.goto(server + EVENT)  # a later visit needs no reload: the cookie decides on the server
    page.wait_for_load_state("load")
    assert len(documents) == 3
    assert page.locator("[data-zone-shown]").get_attribute("data-zone-source") == "cookie"
    assert _opening_time(page) == "10:00"


def test_agenda_splits_at_the_viewers_midnight(server, new_page):
    """In Pacific/Marquesas (UTC-09:30) the workshop starts on 28 April and ends on the 29th.

    (In Pacific/Honolulu it would not split: the last slot starts at 23:57 on
    the 28th and ends at midnight, and slots are listed by the day they start.)
    """
    zone = "Pacific/Marquesas"
    page = new_page(timezone_id=zone)
    page.goto(server + EVENT)
    page.wait_for_selector(f'[data-zone-shown="{zone}"]')
    days = _check_agenda(page, zone)

    first, last = _local("16:00", zone), _local("17:57", zone)
    assert first.date() != last.date()
    assert [day["day"] for day in days] == [_day_label(first), _day_label(last)] == ["Tue 28 Apr 2020", "Wed 29 Apr 2020"]
    assert days[0]["rows"][0]["start_text"] == f"{first:%H:%M}" == "22:30"
    assert days[1]["rows"][-1]["start_text"] == f"{last:%H:%M}" == "00:27"
    # The 17:25–17:30 break ends exactly at local midnight: it stays on the 28th, with no "(+1d)".
    last_of_first_day = days[0]["rows"][-1]
    assert (last_of_first_day["end_text"], last_of_first_day["note"]) == ("00:00", "")
    assert days[1]["rows"][0]["start_text"] == "00:00"


def test_without_javascript_the_picker_does_the_job(server, new_page):
    page = new_page(java_script_enabled=False, timezone_id="Europe/Amsterdam")
    page.goto(server + EVENT)
    assert page.locator("[data-zone-shown]").get_attribute("data-zone-shown") == "Asia/Taipei"
    assert _opening_time(page) == "16:00"
    assert page.locator("td.event-zone").count() == 0, "no second column when the zones agree"

    page.fill("#tz", "Asia/Seoul")
    with page.expect_navigation() as navigation:
        page.click(".zone-picker button[type=submit]")
    assert navigation.value.status == 200
    assert "tz=Asia%2FSeoul" in page.url  # a GET form: the choice is in the address, shareable
    assert _opening_time(page) == f"{_local('16:00', 'Asia/Seoul'):%H:%M}" == "17:00"
    _check_agenda(page, "Asia/Seoul")

    page.fill("#tz", "Mars/Olympus")
    with page.expect_navigation() as navigation:
        page.click(".zone-picker button[type=submit]")
    assert navigation.value.status == 422
    error = page.locator("#tz-error")
    assert error.get_attribute("role") == "alert"
    assert "“Mars/Olympus” is not a time zone" in error.inner_text()
    assert page.input_value("#tz") == "Mars/Olympus", "the typed value stays for correcting"
    assert page.get_attribute("#tz", "aria-invalid") == "true"
    assert page.get_attribute("#tz", "aria-describedby") == "tz-error"
    shown = page.locator("[data-zone-shown]").get_attribute("data-zone-shown")
    _check_agenda(page, shown)  # the page still shows the agenda, in the zone it says


def _log_in_as_demo_organiser(page, server: str) -> None:
    page.goto(server + "/login")
    page.fill("#email", "organiser@example.org")
    page.fill("#password", "gosmart-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("h1:has-text('My events')")


def test_organiser_answers_the_ambiguous_time_question(server, new_page):
    new_york = ZoneInfo("America/New_York")
    page = new_page(timezone_id="America/New_York")
    _log_in_as_demo_organiser(page, server)

    page.goto(server + "/organiser/events/new")
    page.fill("#title", "Fall-back night forum")
    page.fill("#timezone", "America/New_York")
    page.fill("#start", "2026-11-01T00:00")
    page.fill("#end", "2026-11-01T04:00")
    page.get_by_role("button", name="Create event").click()
    page.wait_for_selector("text=Add a slot")
    assert "created as a draft" in page.locator(".flash").inner_text()
    slug = page.url.rstrip("/").split("/")[-1]
    assert page.url == f"{server}/organiser/events/{slug}/"
    assert page.input_value("#timezone") == "America/New_York", "slot times are read in the event's zone"

    page.fill("#title", "Night owls")
    page.fill("#start", "2026-11-01T01:30")
    page.fill("#end", "2026-11-01T01:45")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Add slot").click()
    assert navigation.value.status == 422
    assert "01:30 on 2026-11-01 happens twice in America/New_York" in page.locator("#start-error").inner_text()
    assert page.input_value("#title") == "Night owls", "what was typed is kept"
    assert page.input_value("#start") == "2026-11-01T01:30"
    for field, wall in (("start", "01:30"), ("end", "01:45")):
        fieldset = page.locator("fieldset.fold").filter(has=page.locator(f"input[name={field}_fold]"))
        assert f"The {field} time happens twice" in fieldset.locator("legend").inner_text()
        radios = fieldset.get_by_role("radio")
        assert radios.count() == 2
        assert [radios.nth(i).get_attribute("value") for i in range(2)] == ["0", "1"]
        assert "EDT" in fieldset.locator("label").nth(0).inner_text()
        second = fieldset.get_by_role("radio", name=re.compile(rf"{wall} second time, EST"))
        second.check()
        assert second.get_attribute("value") == "1"
    page.get_by_role("button", name="Add slot").click()
    page.wait_for_selector("text=Added “Night owls”")
    assert page.locator("fieldset.fold").count() == 0

    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_selector("text=The event is now published")
    with urllib.request.urlopen(f"{server}/api/v1/events/{slug}") as response:
        slots = json.load(response)["slots"]
    assert [slot["title"] for slot in slots] == ["Night owls"]

    def utc(wall: str) -> str:
        moment = datetime.fromisoformat(f"2026-11-01T{wall}").replace(tzinfo=new_york, fold=1)
        return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"

    assert slots[0]["start_utc"] == utc("01:30") == "2026-11-01T06:30:00Z"  # 01:30 EST, not 05:30Z (EDT)
    assert slots[0]["end_utc"] == utc("01:45") == "2026-11-01T06:45:00Z"


def test_skip_link_is_the_first_stop(server, new_page):
    page = new_page()
    page.goto(server + "/login")
    page.keyboard.press("Tab")
    focused = page.evaluate("({text: document.activeElement.textContent.trim(),"
                            " href: document.activeElement.getAttribute('href')})")
    assert focused == {"text": "Skip to content", "href": "#main"}
    box = page.locator("a.skip").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_chromium_legacy_zone_names_are_detected(server, new_page):
    """Chromium reports ICU's names: Asia/Calcutta for Asia/Kolkata, Europe/Kiev for Europe/Kyiv."""
    page = new_page(timezone_id="Asia/Kolkata")
    reported = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    page.goto(server + EVENT)
    page.wait_for_selector(f'[data-zone-shown="{reported}"][data-zone-source="cookie"]')
    assert _opening_time(page) == f"{_local('16:00', 'Asia/Kolkata'):%H:%M}" == "13:30"


def test_builder_shows_its_organisers(server, new_page):
    page = new_page()
    _log_in_as_demo_organiser(page, server)
    page.goto(server + "/organiser/events/smart-tech-fighting-covid-19/")
    assert page.title() == "Smart Tech in Fighting COVID-19 · Agenda builder"
    organisers = page.get_by_role("region", name="Organisers")
    assert "organiser@example.org" in organisers.inner_text()
    assert organisers.get_by_role("button", name="Add organiser").is_visible()


def test_newcomer_registers_gets_an_invitation_and_cancels(server, new_page):
    """The issue's walk-through: the upcoming demo, the form with the browser's
    zone filled in, the .eml under the mail directory, the attendee's page."""
    from email import message_from_bytes, policy

    import icalendar

    zone = "Asia/Seoul"
    page = new_page(timezone_id=zone)
    page.goto(server + EVENT.rstrip("/") + "-upcoming/")
    page.wait_for_selector(f'[data-zone-shown="{zone}"][data-zone-source="cookie"]')
    assert page.input_value("#timezone") == zone
    page.fill("#name", "Kim Min-ji 김민지")
    page.fill("#email", "minji@example.org")
    page.check("#consent")
    page.click("button:has-text('Register')")
    page.wait_for_load_state("load")
    assert "your registration is received" in page.locator("p.flash").first.inner_text()
    assert "/registrations/" not in page.url  # the page and the join link come only through the e-mail

    (eml,) = [p for p in server.deliver_mail() if "minji" in p.read_text(errors="replace")]
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REQUEST"
    (vevent,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    link = re.search(r"http://127\.0\.0\.1:\d+/registrations/[\w-]+/", message.get_body(("plain",)).get_content())
    page.goto(link.group(0))
    assert "Confirmed" in _text(page, ".status")
    assert page.locator(".join a").inner_text() == "https://meet.example.org/gosmart-covid19"
    assert page.locator("a:has-text('Apple / other (.ics)')").is_visible()
    starts = vevent.decoded("DTSTART").astimezone(ZoneInfo(zone))
    assert f"{starts:%H:%M}" in message.get_body(("plain",)).get_content()

    page.click("button:has-text('Cancel my registration')")
    page.wait_for_load_state("load")
    assert "Cancelled" in _text(page, ".status")
    assert page.locator(".join").count() == 0


def test_organiser_sends_a_speaker_link_and_sees_the_confirmation(server, new_page):
    """The speakers issue's walk-through: the board of the upcoming demo, one
    speaker still to answer, their link from the .eml, confirmed, the board changes."""
    from email import message_from_bytes, policy

    board_url = server + "/organiser/events/smart-tech-fighting-covid-19-upcoming/speakers"
    organiser = new_page()
    _log_in_as_demo_organiser(organiser, server)
    organiser.goto(board_url)
    waiting = organiser.locator("tr.status-invited")
    assert waiting.count() == 1 and "no answer for 4 day(s)" in waiting.inner_text()
    assert organiser.locator("tr.status-proposed").count() == 1
    seoul_time = _local("16:10", "Asia/Seoul")
    assert f"{seoul_time:%H:%M}" in waiting.locator("td.time").first.inner_text()
    waiting.get_by_role("button", name=re.compile("^Re-send")).click()
    organiser.wait_for_load_state("load")
    assert "Invitation sent to" in _text(organiser, ".flash")

    (eml,) = [p for p in server.deliver_mail() if "speaker-invitation" in p.name]
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    link = re.search(r"http://127\.0\.0\.1:\d+/speakers/[\w-]+/", message.get_body(("plain",)).get_content()).group(0)

    speaker = new_page(java_script_enabled=False)
    speaker.goto(link)
    assert "Waiting for your answer" in _text(speaker, "section.invitation")
    speaker.get_by_role("button", name="Confirm: I will speak at this time").click()
    expect(speaker.locator("section.invitation")).to_contain_text("Confirmed")  # waits for the answer's page

    organiser.goto(board_url)
    assert organiser.locator("tr.status-invited").count() == 0


CSP_REFUSAL = "Content Security Policy"


def _csp_refusals(page) -> list[str]:
    """Chromium reports everything the policy blocks as a console message naming it."""
    refusals = []
    page.on("console", lambda message: CSP_REFUSAL in message.text and refusals.append(message.text))
    return refusals


def _new_speaker_link(server, page) -> str:
    """Re-send a confirmed speaker of the past demo their link and read it from the .eml.

    The file is removed once read, so the walk-through above counts only its own mail.
    """
    from email import message_from_bytes, policy

    before = set(server.mail_dir.glob("*.eml"))
    page.goto(server + "/organiser/events/smart-tech-fighting-covid-19/speakers")
    page.locator("tr.status-confirmed").first.get_by_role("button", name=re.compile("^Re-send")).click()
    page.wait_for_selector("text=Invitation sent to")
    (eml,) = [p for p in server.deliver_mail() if p not in before and "speaker-invitation" in p.name]
    text = message_from_bytes(eml.read_bytes(), policy=policy.default).get_body(("plain",)).get_content()
    link = re.search(r"http://127\.0\.0\.1:\d+/speakers/[\w-]+/", text).group(0)
    eml.unlink()
    return link


def test_pages_work_under_the_content_security_policy(server, new_page):
    """The event page (timezone.js), the builder and the speaker page (city-zone.js) run
    without a refusal; then an inline style proves that refusals would be heard."""
    page = new_page(timezone_id="Europe/Amsterdam")
    refusals = _csp_refusals(page)
    page.goto(server + EVENT)
    page.wait_for_selector('[data-zone-shown="Europe/Amsterdam"][data-zone-source="cookie"]')

    _log_in_as_demo_organiser(page, server)
    page.goto(server + "/organiser/events/smart-tech-fighting-covid-19/")
    page.wait_for_selector("text=Add a slot")

    page.goto(_new_speaker_link(server, page))
    page.fill("input[name=city]", "Utrecht")
    page.wait_for_selector("p.hint[aria-live=polite]:has-text('is in Europe/Amsterdam')")
    assert refusals == []

    with page.expect_console_message(lambda message: CSP_REFUSAL in message.text):
        page.evaluate("document.body.setAttribute('style', 'color: red')")
    assert len(refusals) == 1


def test_slot_form_previews_local_times_while_typing(server, new_page):
    """local-times.js refreshes "Everyone's local time" as the start is typed, saving nothing."""
    page = new_page(timezone_id="Europe/Amsterdam")
    refusals = _csp_refusals(page)
    _log_in_as_demo_organiser(page, server)
    builder = server + "/organiser/events/smart-tech-fighting-covid-19/"
    page.goto(builder)
    row = page.locator("tr", has_text="Policy and Demands")
    before = _text(row, "td.time")
    assert "Economic Board Utrecht representative" in row.locator("p.local-starts").inner_text()
    row.get_by_role("link", name="Edit Policy and Demands").click()
    stored = page.input_value("#start")
    typed = f"{stored[:10]}T19:00"
    assert page.locator("#local-times table").count() == 0
    page.fill("#start", typed)
    page.fill("#end", f"{stored[:10]}T19:45")
    page.wait_for_selector("#local-times table")
    utrecht = page.locator("#local-times tr", has_text="Economic Board Utrecht representative")
    seen = datetime.fromisoformat(typed).replace(tzinfo=TAIPEI).astimezone(ZoneInfo("Europe/Amsterdam"))
    assert f"{seen:%H:%M} (UTC+0{seen.utcoffset().seconds // 3600}:00)" in utrecht.locator("td").nth(1).inner_text()
    assert page.input_value("#start") == typed
    assert refusals == []
    page.goto(builder)
    assert _text(page.locator("tr", has_text="Policy and Demands"), "td.time") == before, "nothing was saved"
