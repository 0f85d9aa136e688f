"""The shell in a real browser: logging in in both languages, signing a position in the page
with WebCrypto Ed25519, and the decision panel following answers live."""

import base64
import json
import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def decision(org, secretariat, kz_case):
    """A decision circulated now (the live server runs on the real clock, not a frozen one)."""
    from crisisdesk.decisions.actions import decision_circulate

    return decision_circulate(case=kz_case, user=secretariat, procedure="council-decision", purpose="deployment",
                              mode="written", facts={"purpose_ru": "охрана объектов",
                                                     "purpose_en": "guard important objects"})


def test_login_in_english_and_in_russian(browser_page, new_page, log_in, screenshot, alice, kz_case, decision):
    from playwright.sync_api import expect

    page = browser_page
    page.goto(page.base + "/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    screenshot(page, "01-login-en")
    log_in(page, "alice")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    expect(page.get_by_role("link", name="Unrest in Kazakhstan (test)")).to_be_visible()
    screenshot(page, "02-cases-en")

    russian = new_page()
    russian.goto(russian.base + "/login/")
    russian.get_by_role("button", name="Русский").click()
    expect(russian.get_by_role("heading", level=1)).to_have_text("Вход")
    expect(russian.locator("html")).to_have_attribute("lang", "ru")
    screenshot(russian, "03-login-ru")
    log_in(russian, "bob", user_label="Имя пользователя", password_label="Пароль", button="Вход")
    expect(russian.get_by_role("heading", level=1)).to_have_text("Дела")
    expect(russian.get_by_role("link", name="Беспорядки в Казахстане (тест)")).to_be_visible()
    expect(russian.get_by_role("button", name="Выйти")).to_be_visible()
    screenshot(russian, "04-cases-ru")
    russian.get_by_role("link", name="Беспорядки в Казахстане (тест)").click()
    expect(russian.get_by_role("heading", name="Разосланный текст")).to_be_visible()
    expect(russian.locator(".countdown")).to_contain_text("осталось")
    expect(russian.get_by_role("button", name="Подписать и записать позицию")).to_be_visible()
    expect(russian.locator(f"#status-{decision.pk} tr[data-member=KZ]")).to_contain_text("ожидается")
    screenshot(russian, "05-case-ru")
    assert page.errors == [] and russian.errors == []


def test_a_delegate_signs_a_position_in_the_page(browser_page, log_in, screenshot, alice, kz_case, decision):
    from playwright.sync_api import expect

    from crisisdesk.decisions.models import Position
    from crisisdesk.engines import signing
    from crisisdesk.organization.models import PostKey

    page = browser_page
    log_in(page, "alice")
    page.goto(f"{page.base}/cases/{kz_case.ref}/")
    kz_row = page.locator(f"#status-{decision.pk} tr[data-member=KZ]")
    expect(kz_row).to_have_class("is-due")
    expect(page.locator(".countdown")).to_contain_text("left")
    form = page.locator("form.sign-form")
    reason = 'Согласны; "quoted" \\ backslash,\ttab,\nnew line, emoji 🙂'
    form.get_by_label("abstain").check()
    form.get_by_label("Reason").fill(reason)
    screenshot(page, "06-case-sign-form")
    form.get_by_role("button", name="Sign and record the position").click()
    expect(form.locator(".sign-result")).to_have_text("Your position was signed and recorded.")
    expect(kz_row).to_have_class("is-answered")  # refreshed in place, no reload
    screenshot(page, "07-case-signed")

    position = Position.objects.get(decision=decision, member="KZ")
    assert (position.position, position.reason, position.signed_by) == ("abstain", reason, "alice")
    text = decision.current_text
    expected = signing.position_message(case=kz_case.ref, decision=decision.pk, version=text.version,
                                        text=text.body, member="KZ", position="abstain", reason=reason)
    assert bytes(position.message) == expected
    key = PostKey.objects.get(post__code="KZ.head_of_state")
    assert key.registered_by == "alice" and position.key_id == key.pk
    assert signing.verify(key.public_key, expected, position.signature)

    # The private key stays in this browser, non-extractable; only its public half was sent.
    stored = page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open("crisisdesk-keys", 1);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction("keys").objectStore("keys").get("alice|KZ.head_of_state");
          get.onsuccess = () => resolve({
            extractable: get.result.privateKey.extractable,
            algorithm: get.result.privateKey.algorithm.name,
            publicKey: btoa(String.fromCharCode(...get.result.publicRaw)),
          });
        };
      })""")
    assert stored == {"extractable": False, "algorithm": "Ed25519", "publicKey": key.public_key}

    # A second position (a change of mind) reuses the key: nothing new is registered.
    form.get_by_label("agree", exact=True).check()
    form.get_by_role("button", name="Sign and record the position").click()
    expect(form.locator(".sign-result")).to_have_text("Your position was signed and recorded.")
    assert PostKey.objects.filter(post__code="KZ.head_of_state").count() == 1
    assert list(Position.objects.filter(member="KZ").values_list("position", flat=True)) == ["abstain", "agree"]
    assert page.errors == []


def test_the_page_refuses_to_sign_an_objection_without_a_reason(browser_page, log_in, alice, kz_case, decision):
    from playwright.sync_api import expect

    from crisisdesk.decisions.models import Position

    page = browser_page
    log_in(page, "alice")
    page.goto(f"{page.base}/cases/{kz_case.ref}/")
    form = page.locator("form.sign-form")
    form.get_by_label("object", exact=True).check()
    form.get_by_role("button", name="Sign and record the position").click()
    expect(form.locator(".sign-result")).to_have_text("An objection needs a reason.")
    expect(form.get_by_label("Reason")).to_be_focused()
    assert not Position.objects.exists()


def test_the_page_shows_who_is_due_and_follows_answers_live(browser_page, log_in, screenshot, bob, keys, kz_case,
                                                            decision):
    """Bob (Russia) watches; Kazakhstan signs elsewhere (the CLI's way); Bob's page follows."""
    from playwright.sync_api import expect

    from crisisdesk.decisions.actions import position_sign
    from crisisdesk.engines import signing

    page = browser_page
    log_in(page, "bob")
    page.goto(f"{page.base}/cases/{kz_case.ref}/")
    status = page.locator(f"#status-{decision.pk}")
    due = status.locator("tr.is-due")
    expect(due.first).to_be_visible()
    due_members = due.evaluate_all("rows => rows.map(r => r.dataset.member)")
    assert "KZ" in due_members and "RU" in due_members
    assert "UZ" not in due_members  # suspended since 2012: not required
    assert page.locator("form.sign-form").count() == 1  # Bob may sign for Russia only
    assert page.locator("form.sign-form").get_attribute("data-member") == "RU"
    expect(status.locator("tr[data-member=KZ]")).to_contain_text("due")

    text = decision.current_text
    message = signing.position_message(case=kz_case.ref, decision=decision.pk, version=text.version,
                                       text=text.body, member="KZ", position="agree", reason="")
    position_sign(decision=decision, user=user_named("alice"), member="KZ", position="agree", reason="",
                  text_sha256=text.sha256, signature=signing.sign(keys("KZ.head_of_state"), message))
    expect(status.locator("tr[data-member=KZ]")).to_have_class("is-answered", timeout=15000)
    expect(page.locator(f"#status-{decision.pk} tr.is-due")).to_have_count(len(due_members) - 1)
    screenshot(page, "08-case-live-update")
    assert page.errors == []


def user_named(name):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_the_history_page(browser_page, log_in, screenshot, alice, kz_case, decision):
    from playwright.sync_api import expect

    page = browser_page
    log_in(page, "alice")
    page.goto(f"{page.base}/cases/{kz_case.ref}/")
    page.get_by_role("link", name="History of this case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("History")
    expect(page.locator("table.history")).to_contain_text("appeal received")
    expect(page.locator("table.history")).to_contain_text("draft circulated")
    screenshot(page, "09-history")


REASONS = [
    "", "plain", 'quote " and backslash \\', "new\nline\r\ncrlf\ttab", "control \x00\x01\x1f\x7f \b\f",
    "Кириллица и «ёлочки»", "emoji 🙂 and 𝄞", "line\u2028separator\u2029para", "</script><b>x</b>", "é" * 50,
]


def test_the_signed_bytes_match_python_byte_for_byte(browser_page, log_in, alice, kz_case, decision):
    """position-message.js against crisisdesk.engines.signing.position_message, on awkward text."""
    from crisisdesk.engines import signing

    page = browser_page
    log_in(page, "alice")
    page.goto(f"{page.base}/cases/{kz_case.ref}/")
    body = "Текст\r\nwith CRLF, a trailing space \n\u00a0and 🙂"
    for reason in REASONS:
        made = page.evaluate("""async (p) => {
            const bytes = await window.crisisdesk.positionMessage(p);
            return btoa(String.fromCharCode(...bytes));
          }""", {"case": "kz-1", "decision": 7, "version": 2, "text": body, "member": "KZ",
                 "position": "object", "reason": reason})
        expected = signing.position_message(case="kz-1", decision=7, version=2, text=body, member="KZ",
                                            position="object", reason=reason)
        assert base64.b64decode(made) == expected, json.dumps(reason)



def test_the_api_reference_renders_from_the_app_itself(browser_page, screenshot):
    """Swagger UI (vendored by django-ninja, no CDN) parses the published schema and lists the
    operations; its YAML parser refuses a document with a duplicated key, which JSON allows."""
    from playwright.sync_api import expect

    page = browser_page
    page.goto(page.base + "/api/docs")
    expect(page.locator(".opblock-summary-path", has_text="/api/sitreps").first).to_be_visible()
    assert page.locator(".opblock").count() > 50
    expect(page.locator(".errors-wrapper")).to_have_count(0)
    assert not [e for e in page.errors if "YAML" in e or "duplicated" in e], page.errors
    screenshot(page, "20-api-reference")
