"""The access matrix: every API endpoint and page under every role, against one table in the code."""

import base64
import os

import pytest

from crisisdesk.accounts.matrix import API, PAGES, ROLES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]

PEOPLE = {"owner": "alice", "released": "bob", "unreleased": "charlie", "secretariat": "secretariat",
          "duty_officer": "duty_officer", "force_command": "force_command", "analyst": "analyst",
          "outsider": "outsider", "anonymous": None}
MEMBER = {"owner": "KZ", "released": "RU", "unreleased": "BY"}
DENIED = {401, 403, 404}


@pytest.fixture
def world(org, keys):
    from crisisdesk.cases.actions import case_appeal
    from crisisdesk.decisions.actions import decision_circulate

    people = org["people"]
    case = case_appeal(user=people["alice"], member="KZ", title_en="Matrix", title_ru="Матрица", ref="matrix-case",
                       released_to=["KZ", "RU"])
    decision = decision_circulate(case=case, user=people["secretariat"], procedure="council-decision",
                                  purpose="deployment", text="Matrix text")
    signing_keys = {m: keys(f"{m}.head_of_state") for m in ("KZ", "RU", "BY")}
    return {"case": case, "decision": decision, "keys": signing_keys, "people": people,
            "params": {"ref": case.ref, "decision_id": decision.pk}}


def _body(name, world, role):
    from crisisdesk.engines import signing

    if name is None:
        return None
    member = MEMBER.get(role, "KZ")
    if name == "appeal":
        return {"member": member, "title_en": "Appeal", "title_ru": "Обращение"}
    if name == "termination":
        return {"effective": "2022-01-13"}
    if name == "close":
        return {"reason": "test"}
    if name == "empty":
        return {}
    if name == "circulate":
        return {"procedure": "council-decision", "purpose": "other", "text": "Another text"}
    if name == "amend":
        return {"text": "Amended"}
    if name == "key":
        return {"post": f"{member}.head_of_state", "public_key": base64.b64encode(os.urandom(32)).decode()}
    if name == "position":
        decision = world["decision"]
        text = decision.current_text
        message = signing.position_message(case=decision.case.ref, decision=decision.pk, version=text.version,
                                           text=text.body, member=member, position="agree", reason="")
        key = world["keys"].get(member, world["keys"]["KZ"])
        return {"member": member, "position": "agree", "reason": "", "text_sha256": text.sha256,
                "signature": signing.sign(key, message)}
    raise KeyError(f"no body builder {name!r}")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", API, ids=lambda r: f"{r.method} {r.path}")
def test_api_access(api, world, rule, role):
    user = world["people"][PEOPLE[role]] if PEOPLE[role] else None
    client = api(user)
    path = rule.path.format(**world["params"])
    response = getattr(client, rule.method.lower())(path, json=_body(rule.body, world, role))
    assert response.status_code < 500, response.content
    if role in rule.allow:
        assert response.status_code not in DENIED, (role, response.status_code, response.content)
    else:
        assert response.status_code in DENIED, (role, response.status_code, response.content)
        assert set(response.json()) == {"error", "detail"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", PAGES, ids=lambda r: f"{r.method} {r.path}")
def test_page_access(client, world, rule, role):
    user = world["people"][PEOPLE[role]] if PEOPLE[role] else None
    if user is not None:
        client.force_login(user)
    response = client.get(rule.path.format(**world["params"]))
    assert response.status_code < 500
    if role in rule.allow:
        assert response.status_code == 200, (role, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code in DENIED, (role, response.status_code)


def test_every_api_operation_has_a_row_in_the_table():
    from crisisdesk.api import api

    operations = {(method.upper(), path) for path, item in api.get_openapi_schema()["paths"].items()
                  for method in item}
    table = {(r.method, r.path) for r in API}
    assert operations - table == set(), "endpoints without an access rule in crisisdesk/accounts/matrix.py"
    assert table - operations == set(), "rules for endpoints that no longer exist"


def test_every_page_has_a_row_in_the_table():
    from django.urls import get_resolver

    exempt = {"login/", "logout/", "i18n/", "admin/", "api/"}
    table = {r.path for r in PAGES}
    missing = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if any(route.startswith(e) for e in exempt):
                continue
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, route)
                continue
            path = "/" + route.replace("<slug:ref>", "{ref}").replace("<int:decision_id>", "{decision_id}")
            if path not in table:
                missing.append(path)

    walk(get_resolver().url_patterns)
    assert missing == [], "pages without an access rule in crisisdesk/accounts/matrix.py"
