"""Cases through the API: appeals, visibility by releasability, bad input."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]


def test_a_head_of_state_appeals_for_their_own_state(api, alice):
    response = api(alice).post("/api/cases", json={"member": "KZ", "title_en": "Unrest", "title_ru": "Беспорядки"})
    assert response.status_code == 201, response.content
    assert response.json()["host"] == "KZ"
    assert response.json()["status"] == "appealed"


def test_it_validates_ownership_no_appeal_in_another_states_name(api, bob):
    response = api(bob).post("/api/cases", json={"member": "KZ", "title_en": "x", "title_ru": "x"})
    assert response.status_code == 403
    assert api(bob).get("/api/cases").json() == []


def test_a_suspended_member_cannot_appeal(api, uzbek):
    response = api(uzbek).post("/api/cases", json={"member": "UZ", "title_en": "x", "title_ru": "x"})
    assert response.status_code == 403
    assert "not an active member" in response.json()["detail"]


def test_it_validates_ownership_a_case_released_to_others_is_invisible(api, alice, bob, charlie, analyst):
    created = api(alice).post("/api/cases", json={"member": "KZ", "title_en": "Restricted", "title_ru": "Ограничено",
                                                  "released_to": ["KZ", "RU"], "ref": "restricted-case"})
    assert created.status_code == 201
    assert api(bob).get("/api/cases/restricted-case").status_code == 200
    assert api(charlie).get("/api/cases/restricted-case").status_code == 404
    assert api(charlie).get("/api/cases/restricted-case/timeline").status_code == 404
    assert api(charlie).get("/api/cases/restricted-case/decisions").status_code == 404
    assert [c["ref"] for c in api(charlie).get("/api/cases").json()] == []
    assert api(analyst).get("/api/cases/restricted-case").status_code == 200


def test_an_outsider_and_an_anonymous_user_see_nothing(api, outsider, kz_case):
    assert api(outsider).get("/api/cases").status_code == 403
    assert api(outsider).get(f"/api/cases/{kz_case.ref}").status_code == 403
    assert api().get("/api/cases").status_code == 401


def test_only_the_host_requests_termination(api, bob, kz_case):
    response = api(bob).post(f"/api/cases/{kz_case.ref}/termination-request", json={"effective": "2022-01-13"})
    assert response.status_code == 403


@pytest.mark.parametrize("body,status", [
    ({"member": "KZ"}, 422),
    ({"member": "KZ", "title_en": "", "title_ru": "x"}, 422),
    ({"member": "KZ", "title_en": "x", "title_ru": "x", "released_to": ["ZZ"]}, 400),
    ({"member": "KZ", "title_en": "x", "title_ru": "x", "ref": "Bad Ref!"}, 400),
    ({"member": "KZ", "title_en": "x" * 301, "title_ru": "x"}, 422),
])
def test_it_refuses_bad_appeals_without_writing(api, alice, body, status):
    from crisisdesk.cases.models import Case
    from crisisdesk.ledger.models import Event

    client = api(alice)
    before = Event.objects.count()
    response = client.post("/api/cases", json=body)
    assert response.status_code == status
    assert {"error", "detail"} <= set(response.json()) <= {"error", "detail", "fields"}
    assert Case.objects.count() == 0
    assert Event.objects.count() == before


def test_it_refuses_an_oversized_body(api, alice):
    response = api(alice).post("/api/cases", data="x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
