"""The common operating picture in real browsers: a report filed through the API reaches the maps
of the operators it is released to, without a reload, and never the map of anyone else.

The live server runs in its own threads on the real clock (the injected clock is frozen per context
only), so reports here are dated now.
"""

import os
import time
from datetime import datetime, timedelta, timezone

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZHANAOZEN = {"type": "Point", "coordinates": [52.8619, 43.3412]}
ALMATY = {"type": "Point", "coordinates": [76.9457, 43.2383]}


def report_body(case, **over):
    now = datetime.now(timezone.utc)
    body = {"case": case.ref, "kind": "field_observation", "title": "Crowd blocks the road at Zhanaozen",
            "body": "About 2 000 people on the main road.", "period_from": (now - timedelta(hours=2)).isoformat(),
            "period_to": (now - timedelta(minutes=1)).isoformat(), "urgency": "Immediate", "severity": "Severe",
            "confidence": "Likely", "location": ZHANAOZEN, "place": "Zhanaozen, main square"}
    body.update(over)
    return body


def open_map(page, log_in, username, case):
    """Log in, open the case's map, wait until its stream is live; mark the document to catch a reload."""
    from playwright.sync_api import expect

    log_in(page, username)
    page.goto(f"{page.base}/map/?case={case.ref}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.ref)
    expect(page.locator("#map")).to_have_attribute("data-live", "live")
    expect(page.locator("#live-state")).to_have_text("live")
    page.evaluate("() => { window.sameDocument = true; }")
    return page


def marker(page, report_id):
    return page.locator(f'#map path.incident[data-sitrep-id="{report_id}"]')


def test_a_new_report_reaches_the_maps_it_is_released_to_and_no_other(
        browser_page, new_page, log_in, screenshot, live_hub, live_api, alice, bob, charlie, duty_officer, kz_case):
    from playwright.sync_api import expect

    alice_map = open_map(browser_page, log_in, "alice", kz_case)  # Kazakhstan
    bob_map = open_map(new_page(), log_in, "bob", kz_case)  # Russia
    charlie_map = open_map(new_page(), log_in, "charlie", kz_case)  # Belarus: not released to
    for page in (alice_map, bob_map, charlie_map):
        expect(page.locator("#map path.incident")).to_have_count(0)

    title = "Crowd blocks the road at Zhanaozen"
    filed_at = time.monotonic()
    status, report = live_api(duty_officer, "POST", "/api/sitreps",
                              report_body(kz_case, title=title, released_to=["KZ", "RU"]))
    assert status == 201, report
    assert report["released_to"] == ["KZ", "RU"] and report["source"] == "crc"

    for page in (alice_map, bob_map):
        expect(marker(page, report["id"])).to_be_visible(timeout=5000)
    elapsed = time.monotonic() - filed_at
    assert elapsed < 5, f"the marker took {elapsed:.1f} s"
    for page in (alice_map, bob_map):
        expect(page.locator("#feed")).to_contain_text(f"sitreps:report:filed — {title} (crc)")
        marker(page, report["id"]).click()
        popup = page.locator(".leaflet-popup-content")
        expect(popup).to_contain_text(f"Title: {title}")
        expect(popup).to_contain_text("Urgency / severity / confidence: Immediate / Severe / Likely")
        expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in
        assert page.evaluate("() => window.sameDocument") is True, "the page reloaded"
    screenshot(bob_map, "10-map-live-report-ru")

    # Belarus's stream is live and in order: a later report released to everyone reaches it ...
    status, later = live_api(duty_officer, "POST", "/api/sitreps",
                             report_body(kz_case, title="Situation calm in Almaty", location=ALMATY,
                                         place="Almaty", severity="Minor", released_to=["ALL"]))
    assert status == 201, later
    expect(marker(charlie_map, later["id"])).to_be_visible(timeout=5000)
    expect(charlie_map.locator("#feed")).to_contain_text("Situation calm in Almaty")
    for page in (alice_map, bob_map):
        expect(marker(page, later["id"])).to_be_visible(timeout=5000)
    # ... and the earlier one, released to KZ and RU only, never did.
    expect(marker(charlie_map, report["id"])).to_have_count(0)
    expect(charlie_map.locator("#map path.incident")).to_have_count(1)
    expect(charlie_map.locator("#feed li")).to_have_count(1)
    assert title not in charlie_map.content()
    assert charlie_map.evaluate("() => window.sameDocument") is True
    screenshot(charlie_map, "11-map-live-not-released-by")

    # Nor does a reload show it: the page's layers apply the same rule.
    charlie_map.reload()
    expect(marker(charlie_map, later["id"])).to_be_visible()
    expect(charlie_map.locator("#map path.incident")).to_have_count(1)
    assert title not in charlie_map.content()
    for page in (alice_map, bob_map, charlie_map):
        assert page.errors == []


def test_the_dashboard_follows_reports_live_and_links_to_the_sitrep(
        browser_page, log_in, screenshot, live_hub, live_api, bob, duty_officer, kz_case):
    from playwright.sync_api import expect

    page = browser_page
    log_in(page, "bob")
    # The dashboard's stream starts from "now": wait until it is open (its headers come after it has
    # subscribed) before filing.
    with page.expect_response(lambda r: "/api/stream" in r.url and r.status == 200):
        page.goto(f"{page.base}/dashboard/?case={kz_case.ref}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Dashboard · {kz_case.ref}")
    expect(page.get_by_role("heading", name="Reports: 0")).to_be_visible()
    page.evaluate("() => { window.sameDocument = true; }")

    status, report = live_api(duty_officer, "POST", "/api/sitreps",
                              report_body(kz_case, title="Checkpoint set up on the Zhanaozen road",
                                          released_to=["KZ", "RU"]))
    assert status == 201, report
    link = page.get_by_role("link", name="1. Checkpoint set up on the Zhanaozen road")
    expect(link).to_be_visible(timeout=5000)
    expect(page.get_by_role("heading", name="Reports: 1")).to_be_visible()
    assert page.evaluate("() => window.sameDocument") is True, "the page reloaded"
    screenshot(page, "12-dashboard")

    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report 1: Checkpoint set up on the Zhanaozen road")
    expect(page.locator("dl.data")).to_contain_text("KZ, RU")
    expect(page.get_by_label("Title")).to_have_value("Checkpoint set up on the Zhanaozen road")
    screenshot(page, "13-sitrep")
    assert page.errors == []
