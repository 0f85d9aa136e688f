"""The access matrix: every API endpoint and page under every role, against one table in the code.

The world is built once per rule; each role's request then runs in its own savepoint, rolled
back, so that one role's write never changes what the next role meets. Besides the status, every
answer is searched for markers of objects the role may not see.
"""

import base64
import json
import os
import re

import pytest
from django.db import transaction

from crisisdesk.accounts.matrix import API, EXEMPT_PAGES, PAGES, ROLES, SEES_CASE, SEES_KZ_ONLY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]

PEOPLE = {"owner": "alice", "released": "bob", "unreleased": "charlie", "secretariat": "secretariat",
          "duty_officer": "duty_officer", "force_command": "force_command", "analyst": "analyst",
          "outsider": "outsider", "anonymous": None}
MEMBER = {"owner": "KZ", "released": "RU", "unreleased": "BY"}
DENIED = {401, 403, 404}
FLEET = [{"type": "IL76MD", "count": 2, "base": "UUMU"}]

# Markers of the objects with a narrower audience; no answer to anyone else may contain them.
CASE_MARK = "Zq7CaseMark"  # the case's title: released to KZ and RU
REPORT_MARK = "Zq7ReportMark"  # the report released to KZ alone
SCREEN_MARK = "Zq7ScreenMark"  # the name Kazakhstan's delegate screened
MARKS = {CASE_MARK: SEES_CASE, REPORT_MARK: SEES_KZ_ONLY, SCREEN_MARK: SEES_KZ_ONLY}

# Rows that fail today because of a known leak, (method, path) -> why, run as strict xfail so
# that a fix must remove its entry. Empty: every leak the matrix found is fixed.
KNOWN_LEAKS: dict = {}


def _rows(rules):
    return [pytest.param(r, id=f"{r.method} {r.path}",
                         marks=[pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[(r.method, r.path)])]
                         if (r.method, r.path) in KNOWN_LEAKS else [])
            for r in rules]


def _user(username, post):
    from django.contrib.auth import get_user_model

    from crisisdesk.accounts.actions import post_assign
    from tests.conftest import _epoch_clock

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        with _epoch_clock():
            post_assign(user=user, post_code=post, organisation="csto", actor="test")
    return user


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """Build the world once for the module, inside a transaction rolled back at its end.

    Each test's own transaction (pytest-django) nests inside it as a savepoint.
    """
    from datetime import datetime, timezone

    from crisisdesk import clock
    from tests.conftest import _seed

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with clock.frozen_at(datetime(2022, 1, 5, 19, 0, tzinfo=timezone.utc)):
                built = _build_world(_seed())
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(_module_world, db):
    return _module_world


def _keys():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from crisisdesk.engines import signing
    from crisisdesk.organization.actions import key_register
    from crisisdesk.organization.models import Post

    made = {}
    for member in ("KZ", "RU", "BY"):
        private = Ed25519PrivateKey.generate()
        post = Post.objects.get(organisation__code="csto", code=f"{member}.head_of_state")
        key_register(post=post, public_key_b64=signing.public_b64(private), actor="test")
        made[member] = private
    return made


def _build_world(org):
    import contextlib
    import io
    from datetime import timedelta
    from unittest import mock

    from crisisdesk.cli import main

    from crisisdesk import clock
    from crisisdesk.cases.actions import case_appeal
    from crisisdesk.decisions.actions import decision_circulate
    from crisisdesk.engines.procedures.timing import parse_instant
    from crisisdesk.forces import actions as forces
    from crisisdesk.forces.models import Force
    from crisisdesk.notices import actions as notices
    from crisisdesk.registry import actions as registry
    from crisisdesk.registry.models import Organization
    from crisisdesk.sitreps import actions as sitreps

    people = org["people"]
    alice, sec, duty, fc = people["alice"], people["secretariat"], people["duty_officer"], people["force_command"]
    now = clock.now()
    case = case_appeal(user=alice, member="KZ", title_en=f"Matrix {CASE_MARK}", title_ru="Матрица",
                       ref="matrix-case", released_to=["KZ", "RU"])
    decision = decision_circulate(case=case, user=sec, procedure="council-decision", purpose="deployment",
                                  text="Matrix text")
    signing_keys = _keys()
    # forces
    forces.requirement_set(case=case, user=sec, tasks=["guard the airport"], personnel={"infantry": 100})
    forces.pledge_record(case=case, user=alice, member="KZ", personnel=100, home_airfield="UUMU",
                         destination="UAAA", ready_at=parse_instant("2022-01-06T06:00:00+06:00"), cargo_kg=2000,
                         vehicles=[{"type": "BTR-80", "count": 2}], approval_needed="parliament")
    plan = forces.plan_compute(case=case, user=fc, fleet=FLEET, time_limit=1)
    sortie = plan.sorties.order_by("pk").first()
    obj = forces.object_add(case=case, user=fc, name_ru="Аэропорт", name_en="Airport", kind="airport")
    # A formed force needs the defence ministers' adopted decision; its record is all the reads need.
    Force.objects.create(case=case, commander="Matrix commander", tasks=["guard"], formed_at=now)
    # sitreps: a report of Kazakhstan's, released to Kazakhstan alone
    report = sitreps.sitrep_file(
        user=alice, case=case, kind="field_observation", title=f"Report {REPORT_MARK}", body=REPORT_MARK,
        period_from=now - timedelta(hours=2), period_to=now - timedelta(hours=1), released_to=["KZ"],
        figures=[{"key": "injured", "value": 5, "unit": "people"}],
        attachments=[{"name": "note.txt", "mime_type": "text/plain",
                      "content_b64": base64.b64encode(REPORT_MARK.encode()).decode()}])
    sitreps.cadence_set(user=sec, case=case, source="KZ", every_hours=12)
    # notices
    duty_obj = notices.duty_open(case=case, user=sec, key="matrix-report", recipient="members",
                                 template="report-completion", deadline="P1D")
    texts = {lang: {"headline": f"Headline {lang}", "body": f"Body {lang}"}
             for lang in notices.required_languages(case)}
    statement = notices.statement_draft(case=case, user=duty, about="decision", texts=texts)
    drafter = _user("matrix-officer", "crc_duty_officer")
    public = notices.statement_draft(case=case, user=drafter, about="decision", texts=texts)
    notices.statement_review(statement=public, user=duty)
    notices.statement_approve(statement=public, user=sec)
    public = notices.statement_publish(statement=public, user=duty)
    lesson = notices.lesson_add(case=case, user=alice, observation="Matrix observation")
    # registry
    with contextlib.redirect_stdout(io.StringIO()), mock.patch("django.db.connections.close_all"):
        main(["registry", "import", "demo"])
    orgs = list(Organization.objects.order_by("ref")[:3])
    designation = registry.create_designation(user=alice, organization=orgs[0], data={
        "state": "KZ", "category": "terrorist", "status": "active", "basis_type": "court_decision",
        "act_number": "matrix-1", "source_url": "https://example.invalid/act/1"})
    proposal = registry.propose_for_unified(user=alice, organization=orgs[1], state="KZ")
    screening = registry.record_screening(actor=alice.get_username(), states=["KZ"], names=[SCREEN_MARK],
                                          results=[[]], threshold=0.85, registry_hash="matrix", source="api")
    params = {
        "ref": case.ref, "decision_id": decision.pk, "member": "KZ", "plan_id": plan.pk, "sortie_id": sortie.pk,
        "object_id": obj.pk, "report_id": report.pk, "figure_id": report.figures.first().pk,
        "attachment_id": report.attachments.first().pk, "duty_id": duty_obj.pk, "statement_id": statement.pk,
        "lesson_id": lesson.pk, "kind": "ledger", "screening": screening.ref, "organization": orgs[0].ref,
        "designation": designation.ref, "proposal": proposal.pk, "report_subject": f"sitrep:{report.pk}",
        "draft_verb": "draft", "publish_verb": "publish", "uid": str(public.uid),
    }
    return {"case": case, "decision": decision, "keys": signing_keys, "people": people, "params": params,
            "orgs": orgs}


def _url(rule, world):
    params = dict(world["params"])
    for placeholder, key in rule.bind:
        params[placeholder] = world["params"][key]
    return (rule.path + rule.query).format(**params)


def _body(name, world, role):
    from crisisdesk.engines import signing

    if name is None:
        return None
    member = MEMBER.get(role, "KZ")
    ref = world["case"].ref
    bodies = {
        "appeal": {"member": member, "title_en": "Appeal", "title_ru": "Обращение"},
        "termination": {"effective": "2022-01-13"},
        "close": {"reason": "test"},
        "empty": {},
        "circulate": {"procedure": "council-decision", "purpose": "other", "text": "Another text"},
        "amend": {"text": "Amended"},
        "key": {"post": f"{member}.head_of_state", "public_key": base64.b64encode(os.urandom(32)).decode()},
        "requirements": {"tasks": ["guard the airport"]},
        "pledge": {"personnel": 50, "home_airfield": "UUMU", "ready_at": "2022-01-06T06:00:00+06:00",
                   "approval_needed": "parliament"},
        "approval": {"status": "approved", "act": "Mazhilis vote"},
        "force": {"commander": "Gen. Test", "tasks": ["guard"]},
        "contingent": {"member": "KZ"},
        "plan": {"kind": "deployment", "fleet": FLEET, "time_limit": 1},
        "sortie_status": {"status": "cancelled"},
        "object": {"name_ru": "Объект", "name_en": "Object", "kind": "airport"},
        "sitrep": {"case": ref, "kind": "field_observation", "title": "Quiet night",
                   "period_from": "2022-01-05T16:00:00Z", "period_to": "2022-01-05T17:00:00Z"},
        "reason": {"reason": "the best source"},
        "cadence": {"case": ref, "source": "KZ", "every_hours": 6},
        "sitrep_update": {"revision": 1, "title": "Edited"},
        "duty": {"case": ref, "key": "matrix-two", "recipient": "members", "template": "report-completion"},
        "draft": {"facts": {}},
        "note": {"note": "noted"},
        "statement": {"case": ref, "about": "decision", "texts": {"en": {"headline": "h", "body": "b"}}},
        "statement_patch": {"texts": {"en": {"headline": "x", "body": "y"}}},
        "lesson": {"observation": "x"},
        "lesson_patch": {"status": "done"},
        "screen": {"names": ["Test name"]},
        "designation": {"organization": world["orgs"][2].ref, "state": "KZ", "category": "extremist",
                        "act_number": "matrix-2", "source_url": "https://example.invalid/act/2"},
        "designation_patch": {"note": "checked"},
        "proposal": {"organization": world["orgs"][2].ref, "state": "KZ"},
        "decide": {"outcome": "rejected", "decision_ref": "CSC-1", "decided_on": "2022-01-05"},
        # forms of pages
        "form_reason": {"reason": "the best source"},
        "form_plan": {"kind": "deployment", "fleet": json.dumps(FLEET), "time_limit": "1"},
        "form_sortie": {"status": "cancelled"},
        "form_requirements": {"tasks": "guard the airport", "personnel_name": "infantry", "personnel_count": "50"},
        "form_pledge": {"personnel": "50", "home_airfield": "UUMU", "destination": "UAAA",
                        "ready_at": "2022-01-06T06:00", "approval_needed": "parliament"},
        "form_approval": {"status": "approved", "act": "Mazhilis vote"},
        "form_force": {"commander": "Gen. Test", "tasks": "guard", "include_KZ": "1"},
        "form_contingent": {"member": "KZ", "returns_by": "air"},
        "form_object": {"name_ru": "Объект", "name_en": "Object", "kind": "airport"},
        "form_lesson": {"observation": "x"},
        "form_lesson_update": {"status": "done"},
        "form_facts": {},
        "form_empty": {},
    }
    if name == "position":
        decision = world["decision"]
        text = decision.current_text
        message = signing.position_message(case=decision.case.ref, decision=decision.pk, version=text.version,
                                           text=text.body, member=member, position="agree", reason="")
        key = world["keys"].get(member, world["keys"]["KZ"])
        return {"member": member, "position": "agree", "reason": "", "text_sha256": text.sha256,
                "signature": signing.sign(key, message)}
    if name not in bodies:
        raise KeyError(f"no body builder {name!r}")
    return bodies[name]


def _content(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _leaks(role, text) -> list[str]:
    return [mark for mark, audience in MARKS.items() if role not in audience and mark in text]


class _Rollback(Exception):
    pass


def _each_role(run):
    """Call run(role) for every role in a savepoint that is rolled back; return the problems."""
    problems = []
    for role in ROLES:
        try:
            with transaction.atomic():
                problem = run(role)
                raise _Rollback
        except _Rollback:
            pass
        if problem:
            problems.append(f"{role}: {problem}")
    return problems


@pytest.mark.parametrize("rule", _rows(API))
def test_api_access(api, world, rule):
    path = _url(rule, world)

    def run(role):
        user = world["people"][PEOPLE[role]] if PEOPLE[role] else None
        client = api(user)
        response = getattr(client, rule.method.lower())(path, json=_body(rule.body, world, role))
        status = response.status_code
        text = _content(response)
        if status >= 500:
            return f"{status} {text[:300]}"
        if role in rule.allow and status in DENIED:
            return f"allowed but got {status} {text[:300]}"
        if role not in rule.allow:
            if status not in DENIED:
                return f"denied but got {status} {text[:300]}"
            if set(response.json()) != {"error", "detail"}:
                return f"refusal not in the error shape: {text[:300]}"
        leaks = _leaks(role, text)
        return f"sees {leaks} ({status})" if leaks else None

    problems = _each_role(run)
    assert problems == [], "\n".join(problems)


def _page_refused(response) -> bool:
    """A page refuses with 403/404, or (for a form) redirects back with a `forbidden` message."""
    from django.contrib.messages import get_messages

    if response.status_code in DENIED:
        return True
    if response.status_code == 302:
        if any(str(m).startswith("forbidden:") for m in get_messages(response.wsgi_request)):
            return True
        if "error=" in response.get("Location", ""):
            return True
    return False


@pytest.mark.parametrize("rule", _rows(PAGES))
def test_page_access(client, world, rule):
    from django.test import Client

    path = _url(rule, world)

    def run(role):
        browser = Client()
        user = world["people"][PEOPLE[role]] if PEOPLE[role] else None
        if user is not None:
            browser.force_login(user)
        if rule.method == "GET":
            response = browser.get(path)
        else:
            response = browser.post(path, data=_body(rule.body, world, role))
        status = response.status_code
        if status >= 500:
            return f"{status}"
        if role in rule.allow:
            if rule.method == "GET" and status != 200:
                return f"allowed but got {status}"
            if rule.method != "GET" and _page_refused(response):
                return f"allowed but refused ({status})"
        elif role == "anonymous":
            if not (status == 302 and "/login/" in response["Location"]):
                return f"anonymous not sent to log in: {status}"
        elif not _page_refused(response):
            return f"denied but got {status}"
        leaks = _leaks(role, _content(response))
        return f"sees {leaks} ({status})" if leaks else None

    problems = _each_role(run)
    assert problems == [], "\n".join(problems)


def test_every_api_operation_has_a_row_in_the_table():
    from crisisdesk.api import api

    operations = {(method.upper(), path) for path, item in api.get_openapi_schema()["paths"].items()
                  for method in item}
    table = {(r.method, r.path) for r in API}
    assert operations - table == set(), "endpoints without an access rule in crisisdesk/accounts/matrix.py"
    assert table - operations == set(), "rules for endpoints that no longer exist"


def _page_routes():
    from django.urls import get_resolver

    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if any(route.startswith(e) for e in EXEMPT_PAGES):
                continue
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, route)
                continue
            found.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))

    walk(get_resolver().url_patterns)
    return found


def test_every_page_has_a_row_in_the_table():
    table = {r.path for r in PAGES}
    routes = _page_routes()
    assert [p for p in routes if p not in table] == [], "pages without an access rule in crisisdesk/accounts/matrix.py"
    assert sorted(table - set(routes)) == [], "rules for pages that no longer exist"


def test_the_stream_replays_only_what_is_released(api, world):
    """The live stream applies the page's rule: Russia sees the case's events but not Kazakhstan's report."""
    seen = {}
    for role in ("owner", "released", "unreleased", "analyst"):
        response = api(world["people"][PEOPLE[role]]).get("/api/stream?timeout=0&last_event_id=0")
        assert response.status_code == 200
        seen[role] = _content(response)
    assert REPORT_MARK in seen["owner"] and REPORT_MARK in seen["analyst"]
    assert CASE_MARK in seen["released"] and REPORT_MARK not in seen["released"]
    assert CASE_MARK not in seen["unreleased"]
