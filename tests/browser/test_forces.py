"""The forces forms in a real browser: a delegate files their state's pledge through the page."""

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.browser.test_accessibility import violations

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALMATY = ZoneInfo("Asia/Almaty")


def test_a_delegate_files_a_pledge_through_the_page(browser_page, log_in, screenshot, alice, kz_case):
    from playwright.sync_api import expect

    from crisisdesk.forces.models import Pledge
    from crisisdesk.ledger.models import Event

    page = browser_page
    log_in(page, "alice")
    page.goto(f"{page.base}/forces/cases/{kz_case.ref}/")
    page.get_by_role("link", name="KZ's pledge: record or change").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pledge")
    form = page.locator("form", has=page.get_by_role("button", name="Record the pledge"))
    form.get_by_label("Personnel", exact=True).fill("many")
    form.get_by_label("Type, row 1").fill("BTR-80")
    form.get_by_label("Number of vehicles, row 1").fill("4")
    form.get_by_label("Home airfield").select_option("UACC")
    ready = (datetime.now(ALMATY) + timedelta(days=1)).replace(second=0, microsecond=0)
    form.get_by_label("Ready to leave at").fill(ready.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_role("button", name="Record the pledge").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a whole number of at least 0.")
    assert not Pledge.objects.exists()
    assert violations(page) == []  # the form with its errors shown

    form = page.locator("form", has=page.get_by_role("button", name="Record the pledge"))
    expect(form.get_by_label("Type, row 1")).to_have_value("BTR-80")  # what was typed comes back
    form.get_by_label("Personnel", exact=True).fill("250")
    form.get_by_label("National approval needed").fill("vote of the Mazhilis")
    screenshot(page, "20-forces-pledge-form")
    form.get_by_role("button", name="Record the pledge").click()
    expect(page.get_by_role("status")).to_contain_text("The pledge was recorded.")
    screenshot(page, "21-forces-pledge-recorded")
    pledge = Pledge.objects.get(case=kz_case, member="KZ")
    assert pledge.personnel == 250 and pledge.home_airfield == "UACC" and pledge.approval_status == "pending"
    assert pledge.vehicles[0]["type"] == "BTR-80" and pledge.vehicles[0]["count"] == 4
    assert pledge.ready_at == ready  # read in the delegate's zone, Almaty
    assert Event.objects.filter(case_ref=kz_case.ref, type="forces:pledge:recorded").count() == 1

    page.get_by_label("approved").check()
    page.get_by_label("The act").fill("Resolution 12")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("status")).to_contain_text("The outcome of the national approval was recorded.")
    pledge.refresh_from_db()
    assert pledge.approval_status == "approved"
    # The refused form answered 400 on purpose; Chromium logs that, and nothing else may fail.
    assert [e for e in page.errors if "status of 400" not in e] == []
