"""Browser fixtures: Playwright driving Debian's /usr/bin/chromium against pytest-django's live server.

Never a downloaded browser: the network may be closed, and Playwright's own download fails here.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would then refuse database
# calls from the test as "async-unsafe". The tests do not share connections with that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium); browser tests need it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server, transactional_db):
    """A fresh browser context (own cookies and IndexedDB) with a page; console errors collected."""
    context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.base = live_server.url
    yield page
    context.close()


@pytest.fixture
def new_page(chromium, live_server, transactional_db):
    """Open further independent browsers (another operator at another desk)."""
    contexts = []

    def make():
        context = chromium.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.base = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def log_in():
    from tests.conftest import PASSWORD

    def go(page, username, *, user_label="User name", password_label="Password", button="Log in"):
        page.goto(page.base + "/login/")
        page.get_by_label(user_label).fill(username)
        page.get_by_label(password_label).fill(PASSWORD)
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()

    return go


@pytest.fixture
def live_hub(live_server):
    """The live stream's hub as a fresh process has it: no subscribers, nothing published yet.

    Streams left open by an earlier test's browser (closed only at their next keepalive) would keep
    the hub's last published seq from that test's ledger; each test flushes the database, so its
    ledger counts from 1 again and those seqs would look already published. A real ledger never
    goes back, so only tests need this.
    """
    from crisisdesk.sitreps import stream

    with stream.hub._lock:
        stream.hub._subscribers.clear()
        stream.hub.last_seq = None
    yield stream.hub


@pytest.fixture
def live_api(live_server):
    """Call the live server's HTTP API as a user with a Bearer token; return (status, JSON body)."""
    import json
    import urllib.error
    import urllib.request

    from crisisdesk.accounts.actions import token_create

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy
    tokens = {}

    def call(user, method, path, body=None):
        if user.username not in tokens:
            tokens[user.username] = token_create(username=user.username, actor="test")
        request = urllib.request.Request(
            live_server.url + path, method=method, data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {tokens[user.username]}", "Content-Type": "application/json",
                     "Accept": "application/json"})
        try:
            with opener.open(request, timeout=15) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    return call
