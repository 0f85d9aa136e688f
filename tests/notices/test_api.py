"""Every endpoint: another member state's user can neither read nor change what is not theirs; bad input is 4xx."""

import pytest

from crisisdesk.notices import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(adopted, kz_only, duty_officer):
    return actions.statement_draft(case=kz_only, user=duty_officer, about="decision", kind="alert",
                                   texts={"ru": {"headline": "р", "body": "т"}, "en": {"headline": "h", "body": "b"},
                                          "kk": {"headline": "қ", "body": "м"}})


@pytest.fixture
def lesson(adopted, kz_only, alice):
    return actions.lesson_add(case=kz_only, user=alice, observation="The letter left late")


def _endpoints(duty, statement, lesson):
    d, s, x = duty.pk, statement.pk, lesson.pk
    return [
        ("get", "/api/notices/duties?case=kz-notices", None),
        ("get", f"/api/notices/duties/{d}", None),
        ("post", f"/api/notices/duties/{d}/draft", {"facts": {}}),
        ("post", f"/api/notices/duties/{d}/approve", {}),
        ("post", f"/api/notices/duties/{d}/dispatch", {}),
        ("post", f"/api/notices/duties/{d}/delivery", {"note": "x"}),
        ("post", f"/api/notices/duties/{d}/acknowledge", {"note": "x"}),
        ("post", "/api/notices/duties", {"case": "kz-notices", "key": "r", "recipient": "members",
                                         "template": "report-completion"}),
        ("get", "/api/notices/statements?case=kz-notices", None),
        ("post", "/api/notices/statements", {"case": "kz-notices", "about": "decision",
                                             "texts": {"en": {"headline": "h", "body": "b"}}}),
        ("get", f"/api/notices/statements/{s}", None),
        ("patch", f"/api/notices/statements/{s}", {"texts": {"en": {"headline": "x", "body": "y"}}}),
        ("post", f"/api/notices/statements/{s}/review", {}),
        ("post", f"/api/notices/statements/{s}/approve", {}),
        ("post", f"/api/notices/statements/{s}/publish", None),
        ("get", f"/api/notices/statements/{s}/cap", None),
        ("get", "/api/notices/cases/kz-notices/time-to-statement", None),
        ("get", "/api/notices/cases/kz-notices/lessons", None),
        ("post", "/api/notices/cases/kz-notices/lessons", {"observation": "x"}),
        ("patch", f"/api/notices/lessons/{x}", {"status": "done"}),
        ("get", "/api/notices/export/notifications.csv?case=kz-notices", None),
        ("get", "/api/notices/export/ledger.csv?case=kz-notices", None),
    ]


def test_another_states_user_can_neither_read_nor_change(duties, statement, lesson, api, bob, charlie, outsider):
    from crisisdesk.notices.models import Duty, Lesson, Statement

    before = (list(Duty.objects.values()), list(Statement.objects.values()), list(Lesson.objects.values()))
    for user in (bob, charlie, outsider):
        client = api(user)
        for method, path, body in _endpoints(duties["un.security_council"], statement, lesson):
            response = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
            assert response.status_code in (403, 404), (user.username, method, path, response.content)
            data = response.json()
            assert {"error", "detail"} <= set(data) <= {"error", "detail", "fields"}
    after = (list(Duty.objects.values()), list(Statement.objects.values()), list(Lesson.objects.values()))
    assert before == after
    # Lists across cases hide the case entirely.
    assert api(bob).get("/api/notices/duties").json() == []
    assert api(bob).get("/api/notices/alarms").json() == []
    assert "kz-notices" not in api(bob).get("/api/notices/export/ledger.csv").content.decode()


def test_the_host_delegate_reads_but_cannot_approve_or_send(duties, statement, lesson, api, alice):
    client = api(alice)
    duty = duties["un.security_council"]
    assert client.get(f"/api/notices/duties/{duty.pk}").status_code == 200
    assert client.post(f"/api/notices/duties/{duty.pk}/approve", json={}).status_code == 403
    assert client.post(f"/api/notices/duties/{duty.pk}/dispatch", json={}).status_code == 403
    assert client.post(f"/api/notices/statements/{statement.pk}/review", json={}).status_code == 403
    assert client.patch(f"/api/notices/lessons/{lesson.pk}", json={"status": "done"}).status_code == 200


def test_a_delegate_cannot_change_anothers_lesson(adopted, kz_only, api, alice, kz_defence, analyst):
    lesson = actions.lesson_add(case=kz_only, user=analyst, observation="Analyst's note")
    response = api(kz_defence).patch(f"/api/notices/lessons/{lesson.pk}", json={"status": "done"})
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert api(analyst).patch(f"/api/notices/lessons/{lesson.pk}", json={"status": "done"}).json()["status"] == "done"


def test_the_full_flow_through_the_api(duties, api, secretariat, duty_officer):
    duty = duties["osce.secretary_general"]
    sg, officer = api(secretariat), api(duty_officer)
    assert officer.post(f"/api/notices/duties/{duty.pk}/approve", json={}).status_code == 403
    data = sg.post(f"/api/notices/duties/{duty.pk}/approve", json={}).json()
    assert data["status"] == "approved" and data["letter"]["approved_by"] == "secretariat"
    data = officer.post(f"/api/notices/duties/{duty.pk}/delivery", json={"note": "by hand"}).json()
    assert data["status"] == "sent" and data["delivery"] == "operator" and data["gap_hours"] < 0
    data = officer.post(f"/api/notices/duties/{duty.pk}/acknowledge",
                        json={"note": "receipt confirmed", "at": "2022-01-06T10:00:00Z"}).json()
    assert data["status"] == "acknowledged"
    lessons = api(duty_officer).post("/api/notices/cases/kz-notices/lessons",
                                     json={"observation": "o", "lesson": "l", "action": "a", "owner": "Secretariat"})
    assert lessons.status_code == 201 and lessons.json()["number"] == 1


@pytest.mark.parametrize("method, path, body, status", [
    ("get", "/api/notices/duties/abc", None, 404),
    ("get", "/api/notices/duties/99999999999999999999999", None, 404),
    ("post", "/api/notices/duties/{d}/draft", {"facts": {"nope": "x"}}, 400),
    ("post", "/api/notices/duties/{d}/draft", {"facts": "not a dict"}, 422),
    ("post", "/api/notices/duties/{d}/delivery", {"note": ""}, 422),
    ("post", "/api/notices/duties/{d}/acknowledge", {"note": "x", "at": "2022-01-06T10:00:00"}, 400),
    ("post", "/api/notices/duties/{d}/acknowledge", {"note": "x", "at": "yesterday"}, 422),
    ("post", "/api/notices/statements", {"case": "kz-notices", "about": "weather", "texts": {}}, 400),
    ("post", "/api/notices/statements", {"case": "kz-notices", "about": "decision",
                                         "texts": {"en": {"headline": "h", "body": "b"}}, "cap": {"urgency": "Now"}},
     400),
    ("post", "/api/notices/statements", {"case": "kz-notices", "about": "decision",
                                         "texts": {"english": {"headline": "h", "body": "b"}}}, 400),
    ("post", "/api/notices/statements", {"case": "kz-notices", "about": "decision",
                                         "texts": {"en": {"headline": "h", "body": "b"}},
                                         "sources": [{"url": "javascript:alert(1)"}]}, 400),
    ("post", "/api/notices/duties", {"case": "kz-notices", "key": "r", "recipient": "nobody",
                                     "template": "report-completion"}, 400),
    ("post", "/api/notices/duties", {"case": "kz-notices", "key": "r", "recipient": "members",
                                     "template": "no-such"}, 400),
    ("post", "/api/notices/duties", {"case": "kz-notices", "key": "r", "recipient": "members",
                                     "template": "report-completion", "deadline": "soon"}, 400),
    ("post", "/api/notices/cases/kz-notices/lessons", {"observation": "x", "status": "finished"}, 400),
    ("get", "/api/notices/export/passwords.csv", None, 404),
    ("get", "/api/notices/statements?case=nope", None, 404),
])
def test_bad_input_is_a_4xx_with_error_and_detail(duties, api, secretariat, method, path, body, status):
    path = path.format(d=duties["un.security_council"].pk)
    client = api(secretariat)
    response = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
    assert response.status_code == status, response.content
    body = response.json()
    # A schema-level 422 also names each field it refuses (`fields`).
    assert {"error", "detail"} <= set(body) <= {"error", "detail", "fields"}, body
    assert isinstance(body["detail"], str) and "\n" not in body["detail"], body


def test_malformed_json_is_a_4xx(duties, api, secretariat):
    response = api(secretariat).post(f"/api/notices/duties/{duties['un.security_council'].pk}/draft",
                                     data="{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert {"error", "detail"} <= set(response.json()) <= {"error", "detail", "fields"}
