"""The planner issue's walk-through in the demo: the organiser opens the
workshop's planner, sees the speakers' rows and the best starts, and moves a
slot there with "use this time". Local times are checked against zoneinfo."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.browser.test_browser import _log_in_as_demo_organiser

SLUG = "smart-tech-fighting-covid-19-upcoming"

# Every grid row: its label, zone, and each cell's text with the column's UTC instant.
GRID_JS = """() => {
  const starts = [...document.querySelectorAll("table.plan-grid thead tr:first-child th time")].map(t => t.dateTime);
  return [...document.querySelectorAll("table.plan-grid tbody tr")].map(row => ({
    label: row.querySelector("th").childNodes[0].textContent.trim(),
    zone: row.querySelector("th small").textContent.split("·")[0].trim(),
    cells: [...row.querySelectorAll("td")].map((cell, n) => ({start: starts[n], text: cell.textContent.trim()})),
  }));
}"""


def test_organiser_plans_the_workshop_and_uses_a_suggested_time(server, new_page):
    page = new_page()
    _log_in_as_demo_organiser(page, server)
    page.goto(f"{server}/organiser/events/{SLUG}/")
    page.get_by_role("link", name="Planner").first.click()
    expect(page).to_have_title(re.compile(r"^Planner"))  # waits for the page the click opens

    rows = page.evaluate(GRID_JS)
    assert {"Darwin City representative", "Economic Board Utrecht representative"} <= {r["label"] for r in rows}
    for row in rows:
        zone = ZoneInfo(row["zone"])
        assert len(row["cells"]) == 96  # the day in 15-minute steps
        for cell in row["cells"]:
            local = datetime.fromisoformat(cell["start"]).astimezone(zone)
            assert cell["text"].startswith(f"{local:%H:%M}"), (row["label"], cell)

    suggestions = page.get_by_role("region", name="Best starts")
    first = suggestions.locator("ol.suggestions > li").first
    assert "score" in first.inner_text() and "inside" in first.inner_text()
    start_utc = first.get_by_role("button", name="Use this time").get_attribute("value")
    page.get_by_label("Use the time for").select_option(label=page.locator(
        "select#slot_id option", has_text="Conclusion").inner_text())
    first.get_by_role("button", name="Use this time").click()
    flash_box = page.locator("[role=status], .flash").first
    expect(flash_box).to_contain_text("is now at")  # waits for the page the button opens
    flash = flash_box.inner_text()
    taipei = datetime.fromisoformat(start_utc).astimezone(ZoneInfo("Asia/Taipei"))
    assert "“Conclusion” is now at" in flash and f"{taipei:%H:%M}" in flash
    page.goto(f"{server}/organiser/events/{SLUG}/")
    assert f"{taipei:%H:%M}" in page.locator("tr", has_text="Conclusion").first.inner_text()
