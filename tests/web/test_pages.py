"""Every page through the Django test client: login required, releasability, CSRF, no 500s."""

import re

import pytest
from django.test import Client

from tests.decisions.helpers import signed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]


def page_urls(case, decision):
    return [
        "/",
        f"/cases/{case.ref}/",
        f"/cases/{case.ref}/history/",
        f"/cases/{case.ref}/decisions/{decision.pk}/status/",
        f"/cases/{case.ref}/decisions/{decision.pk}/history/",
        f"/history/decision:{decision.pk}/",
        f"/history/case:{case.ref}/",
        "/preferences/",
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client, kz_case, decision):
    for url in page_urls(kz_case, decision):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


def test_the_login_page_logs_in_and_logout_needs_a_post(client, alice):
    from tests.conftest import PASSWORD

    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "Wrong user name or password." in response.content.decode()
    response = client.post("/login/", {"username": "alice", "password": PASSWORD, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/logout/").status_code == 405  # a link must not log anyone out
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_every_page_answers_a_member_of_the_case(login, alice, kz_case, decision):
    client = login(alice)
    for url in page_urls(kz_case, decision):
        assert client.get(url).status_code == 200, url


def test_a_delegate_of_another_state_gets_404_for_a_case_not_released_to_them(login, charlie, secretariat,
                                                                               kz_only_case):
    from crisisdesk.decisions.actions import decision_circulate

    restricted = decision_circulate(case=kz_only_case, user=secretariat, procedure="council-decision",
                                    purpose="deployment", mode="written",
                                    facts={"purpose_ru": "x", "purpose_en": "x"})
    client = login(charlie)
    for url in page_urls(kz_only_case, restricted):
        if url in ("/", "/preferences/"):
            continue
        assert client.get(url).status_code == 404, url
    assert "kz-only" not in client.get("/").content.decode()
    # The same pages answer the state it is released to, and the Centre's staff.
    assert login(secretariat).get(f"/cases/{kz_only_case.ref}/").status_code == 200


def test_a_user_without_a_post_sees_no_case(login, outsider, kz_case):
    client = login(outsider)
    assert client.get(f"/cases/{kz_case.ref}/").status_code == 404
    page = client.get("/")
    assert page.status_code == 200
    assert "No cases are visible to you." in page.content.decode()


def test_a_decision_is_reached_only_through_its_own_case(login, alice, kz_case, kz_only_case, secretariat, decision):
    client = login(alice)
    for tail in ("status", "history"):
        assert client.get(f"/cases/{kz_only_case.ref}/decisions/{decision.pk}/{tail}/").status_code == 404
        assert client.get(f"/cases/{kz_case.ref}/decisions/999999/{tail}/").status_code == 404
        assert client.get(f"/cases/{kz_case.ref}/decisions/{decision.pk}/{tail}/").status_code == 200


@pytest.mark.parametrize("subject", ["decision:abc", "decision:999999", "case:nope", "nothing-here",
                                     "sortie:1", "post:KZ.head_of_state"])
def test_the_history_of_unknown_or_unreachable_objects_is_404(login, alice, kz_case, subject):
    assert login(alice).get(f"/history/{subject}/").status_code == 404


def test_history_outside_any_case_is_for_the_centres_staff(login, alice, secretariat, keys):
    keys("KZ.head_of_state")  # records organization:key:registered on post:KZ.head_of_state, no case
    assert login(alice).get("/history/post:KZ.head_of_state/").status_code == 404
    page = login(secretariat).get("/history/post:KZ.head_of_state/")
    assert page.status_code == 200
    assert "signing key registered" in page.content.decode()


@pytest.mark.parametrize("url,data", [
    ("/language/", {"language": "ru"}),
    ("/preferences/", {"language": "ru", "zone": "UTC"}),
    ("/logout/", {}),
])
def test_forms_refuse_a_post_without_the_csrf_token(alice, kz_case, url, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(url, data).status_code == 403
    from crisisdesk.web.models import Preference

    assert not Preference.objects.filter(user=alice).exists()


def test_the_login_form_needs_the_csrf_token(alice):
    from tests.conftest import PASSWORD

    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 403
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post("/login/", {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_the_api_refuses_a_session_write_without_the_csrf_header(alice):
    """The page registers keys and signs with the session; without X-CSRFToken that must fail."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/api/keys", data={"post": "KZ.head_of_state", "public_key": "A" * 43 + "="},
                           content_type="application/json")
    assert response.status_code == 403
    from crisisdesk.organization.models import PostKey

    assert not PostKey.objects.exists()


def test_the_case_page_shows_the_text_the_deadline_in_both_zones_and_who_is_due(login, bob, kz_case, decision):
    page = login(bob).get(f"/cases/{kz_case.ref}/").content.decode()
    text = decision.current_text
    assert "Совет коллективной безопасности" in page and "guard important objects" in page
    # Circulated 2022-01-05 19:00 UTC with a 12-hour deadline: 07:00 UTC next day.
    assert text.deadline.isoformat() == "2022-01-06T07:00:00+00:00"
    assert "2022-01-06 10:00</time>" in page  # Bob reads Moscow time (UTC+3)
    assert "2022-01-06 13:00" in page  # and Almaty's, the host's (UTC+6 in 2022)
    assert 'data-deadline="2022-01-06T' in page
    due = re.findall(r'<tr data-member="(\w\w)" class="is-due">', page)
    assert due == ["AM", "BY", "KG", "KZ", "RU", "TJ"]


def test_the_sign_form_appears_only_for_a_post_that_may_sign(login, alice, kz_defence, secretariat, kz_case,
                                                             decision):
    page = login(alice).get(f"/cases/{kz_case.ref}/").content.decode()
    assert 'class="sign-form"' in page
    assert 'data-member="KZ" data-post="KZ.head_of_state"' in page
    assert f'data-text-sha256="{decision.current_text.sha256}"' in page
    for other in (kz_defence, secretariat):  # wrong seat; staff do not sign for a state
        assert 'class="sign-form"' not in login(other).get(f"/cases/{kz_case.ref}/").content.decode()


def test_the_status_partial_follows_a_signed_position(login, api, alice, keys, kz_case, decision):
    client = login(alice)
    url = f"/cases/{kz_case.ref}/decisions/{decision.pk}/status/"
    before = client.get(url).content.decode()
    assert '<tr data-member="KZ" class="is-due">' in before
    assert 'hx-trigger="every' in before
    shown = api(alice).get(f"/api/decisions/{decision.pk}").json()
    body = signed(shown, "KZ", "object", keys("KZ.head_of_state"), reason="<script>alert(1)</script>")
    assert api(alice).post(f"/api/decisions/{decision.pk}/positions", json=body).status_code == 201
    after = client.get(url).content.decode()
    assert '<tr data-member="KZ" class="is-answered">' in after
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in after and "<script>alert" not in after


def test_a_settled_decision_stops_polling(login, api, org, keys, kz_case, decision):
    people = org["people"]
    shown = api(people["alice"]).get(f"/api/decisions/{decision.pk}").json()
    for name, member in [("alice", "KZ"), ("bob", "RU"), ("charlie", "BY"), ("armen", "AM"),
                         ("kyrgyz", "KG"), ("tajik", "TJ")]:
        body = signed(shown, member, "agree", keys(f"{member}.head_of_state"))
        assert api(people[name]).post(f"/api/decisions/{decision.pk}/positions", json=body).status_code == 201
    partial = login(people["alice"]).get(f"/cases/{kz_case.ref}/decisions/{decision.pk}/status/").content.decode()
    assert "hx-trigger" not in partial
    assert 'data-open="false"' in partial and "adopted" in partial


def test_the_history_lists_who_changed_what_and_when(login, api, alice, keys, kz_case, decision):
    shown = api(alice).get(f"/api/decisions/{decision.pk}").json()
    api(alice).post(f"/api/decisions/{decision.pk}/positions", json=signed(shown, "KZ", "agree",
                                                                           keys("KZ.head_of_state")))
    page = login(alice).get(f"/cases/{kz_case.ref}/decisions/{decision.pk}/history/").content.decode()
    rows = re.findall(r'<tr id="event-\d+">(.*?)</tr>', page, re.S)
    generic = login(alice).get(f"/history/decision:{decision.pk}/").content.decode()
    assert re.findall(r'<tr id="event-\d+">(.*?)</tr>', generic, re.S) == rows
    assert len(rows) == 2
    assert "draft circulated" in rows[0] and "secretariat" in rows[0]
    assert "position signed" in rows[1] and "alice" in rows[1] and "KZ.head_of_state" in rows[1]
    assert "2022-01-06 01:00</time>" in rows[0]  # Alice reads Almaty time
    case_page = login(alice).get(f"/cases/{kz_case.ref}/history/").content.decode()
    assert "appeal received" in case_page and "position signed" in case_page


def test_text_typed_by_users_is_shown_as_text(login, org, alice):
    from crisisdesk.cases.actions import case_appeal

    case = case_appeal(user=alice, member="KZ", title_en='<img src=x onerror="alert(1)">',
                       title_ru="<script>alert(2)</script>", ref="xss-case")
    for url in ("/", f"/cases/{case.ref}/", f"/cases/{case.ref}/history/"):
        page = login(alice).get(url).content.decode()
        assert "<img src=x" not in page and "<script>alert" not in page, url


def test_every_page_carries_a_csp_and_no_inline_script_or_style(login, alice, kz_case, decision, keys):
    keys("KZ.head_of_state")
    client = login(alice)
    for url in [*page_urls(kz_case, decision), "/login/"]:
        if url == "/login/":
            client = Client()
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert "<style" not in html and not re.search(r'\sstyle\s*=', html), url
        assert not re.search(r'(src|href)="(https?:)?//', html), url  # nothing from another origin


def test_the_api_docs_come_from_the_package_not_a_cdn(login, alice):
    html = login(alice).get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html
