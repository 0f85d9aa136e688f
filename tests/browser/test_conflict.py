"""The conflict screen in real browsers: two people edit the same report; the second sees both
versions and nothing is overwritten silently."""

import os
from datetime import datetime, timedelta, timezone

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORIGINAL = "Crowd at the akimat"
FIRST = "Crowd at the akimat dispersed"
SECOND = "Crowd at the akimat growing"


@pytest.fixture
def report(duty_officer, kz_case):
    """A report filed now (the live server runs on the real clock)."""
    from crisisdesk.sitreps.actions import sitrep_file

    now = datetime.now(timezone.utc)
    return sitrep_file(user=duty_officer, case=kz_case, kind="field_observation", title=ORIGINAL,
                       body="About 300 people near the square.", period_from=now - timedelta(hours=3),
                       period_to=now - timedelta(minutes=5), urgency="Immediate", severity="Severe",
                       confidence="Likely", location={"type": "Point", "coordinates": [76.9457, 43.2383]},
                       place="Almaty, Republic Square", released_to=["ALL"])


def save(page):
    """Press "Save changes"; return the HTTP status of the form's POST."""
    with page.expect_response(lambda r: r.request.method == "POST" and "/sitreps/" in r.url) as posted:
        page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    return posted.value.status


def test_the_second_writer_sees_the_conflict_and_nothing_is_overwritten(
        browser_page, new_page, log_in, screenshot, live_api, duty_officer, secretariat, analyst, report):
    from playwright.sync_api import expect

    url = f"/sitreps/{report.pk}/"
    first, second = browser_page, new_page()
    log_in(first, "duty_officer")
    log_in(second, "secretariat")
    for page in (first, second):  # both open the edit form of revision 1
        page.goto(first.base + url)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Report {report.number}: {ORIGINAL}")
        expect(page.get_by_label("Title")).to_have_value(ORIGINAL)

    first.get_by_label("Title").fill(FIRST)
    first.get_by_label("Severity").select_option("Moderate")
    assert save(first) == 302  # saved, and redirected to the report
    expect(first.get_by_role("heading", level=1)).to_have_text(f"Report {report.number}: {FIRST}")
    expect(first.locator("dl.data")).to_contain_text("Immediate / Moderate / Likely")
    screenshot(first, "14-sitrep-after-edit")

    second.get_by_label("Title").fill(SECOND)
    second.get_by_label("Text").fill("Now about 1 000 people.")
    assert save(second) == 409
    expect(second.get_by_role("heading", level=1)).to_have_text(
        "Your changes were not saved: someone else changed this report")
    expect(second.get_by_role("alert")).to_be_visible()
    table = second.locator("#conflict-table")
    expect(table.locator("thead")).to_contain_text("Current version (revision 2, duty_officer)")
    expect(table.locator("thead")).to_contain_text("Your version (based on revision 1)")
    title_row = table.locator("tbody tr").filter(has=second.get_by_role("rowheader", name="Title", exact=True))
    expect(title_row).to_have_class("differs")
    expect(title_row.locator("td.theirs")).to_have_text(FIRST)
    expect(title_row.locator("td.yours")).to_have_text(SECOND)
    body_row = table.locator("tbody tr").filter(has=second.get_by_role("rowheader", name="Text", exact=True))
    expect(body_row.locator("td.theirs")).to_have_text("About 300 people near the square.")
    expect(body_row.locator("td.yours")).to_have_text("Now about 1 000 people.")
    severity_row = table.locator("tbody tr").filter(has=second.get_by_role("rowheader", name="Severity"))
    expect(severity_row.locator("td.theirs")).to_have_text("Moderate")
    expect(severity_row.locator("td.yours")).to_have_text("Severe")  # the form it saved still said Severe
    screenshot(second, "15-conflict")

    # Nothing was overwritten: the first edit stands, the second was not stored anywhere.
    status, stored = live_api(analyst, "GET", f"/api/sitreps/{report.pk}")
    assert status == 200, stored
    assert (stored["title"], stored["severity"], stored["body"]) == (FIRST, "Moderate",
                                                                     "About 300 people near the square.")
    assert (stored["revision"], stored["updated_by"]) == (2, "duty_officer")
    status, revisions = live_api(analyst, "GET", f"/api/sitreps/{report.pk}/revisions")
    assert status == 200, revisions
    assert [(r["revision"], r["by"], r["snapshot"]["title"]) for r in revisions] == [
        (1, "duty_officer", ORIGINAL), (2, "duty_officer", FIRST)]

    # The second writer opens the current version and saves again, now knowingly.
    second.get_by_role("link", name="Open the current version").click()
    expect(second.get_by_label("Title")).to_have_value(FIRST)
    expect(second.get_by_label("Severity")).to_have_value("Moderate")
    second.get_by_label("Title").fill(SECOND)
    assert save(second) == 302
    expect(second.get_by_role("heading", level=1)).to_have_text(f"Report {report.number}: {SECOND}")
    status, stored = live_api(analyst, "GET", f"/api/sitreps/{report.pk}")
    assert (stored["title"], stored["severity"], stored["revision"], stored["updated_by"]) == (
        SECOND, "Moderate", 3, "secretariat")

    # The first writer, still on the form of revision 2 after its save, is now the one refused.
    first.get_by_label("Title").fill("Crowd at the akimat gone")
    assert save(first) == 409
    expect(first.locator("#conflict-table thead")).to_contain_text("Current version (revision 3, secretariat)")
    assert live_api(analyst, "GET", f"/api/sitreps/{report.pk}")[1]["title"] == SECOND
    # Chromium logs the 409 of the conflict page itself as a console error; nothing else may fail.
    for page in (first, second):
        assert [e for e in page.errors if "status of 409 (Conflict)" not in e] == []
