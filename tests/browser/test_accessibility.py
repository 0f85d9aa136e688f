"""axe-core (the accessibility engine, bundled by axe-playwright-python: nothing is fetched) on
the main screens in Chromium (labels, contrast, accessible names, ARIA use); serious and critical
findings fail the test."""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/", "/cases/{ref}/", "/cases/{ref}/history/", "/sitreps/", "/map/", "/dashboard/", "/forces/",
    "/forces/cases/{ref}/", "/forces/cases/{ref}/requirements/", "/forces/cases/{ref}/force/",
    "/forces/cases/{ref}/pledges/KZ/", "/forces/catalogue/", "/notices/", "/notices/cases/{ref}/", "/registry/", "/registry/unified/",
    "/registry/screen/", "/preferences/", "/two-factor/",
]


def violations(page):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="axe-playwright-python is not installed (pip install -e '.[test]')")
    results = axe_module.Axe().run(page)
    found = results.response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in found if v["impact"] in ("serious", "critical")]


def test_the_main_screens_have_no_serious_accessibility_violations(browser_page, log_in, secretariat, kz_case):
    page = browser_page
    page.goto(page.base + "/login/")
    problems = {"/login/": violations(page)}
    log_in(page, "secretariat")
    for path in PAGES:
        url = path.format(ref=kz_case.ref)
        response = page.goto(page.base + url)
        assert response is not None and response.ok, url
        page.wait_for_load_state("networkidle")
        problems[url] = violations(page)
    assert not {url: found for url, found in problems.items() if found}


def test_the_check_finds_an_unlabelled_field_and_low_contrast(browser_page, log_in, secretariat):
    page = browser_page
    log_in(page, "secretariat")
    # Playwright's evaluate is not subject to the page's CSP; the app itself never does this.
    page.evaluate("""() => {
        const main = document.querySelector('main') || document.body;
        const input = document.createElement('input');
        input.type = 'text';
        main.appendChild(input);
        const faint = document.createElement('p');
        faint.textContent = 'faint text';
        faint.style.color = '#eeeeee';
        faint.style.background = '#ffffff';
        main.appendChild(faint);
    }""")
    found = " ".join(violations(page))
    assert "label" in found and "color-contrast" in found
