"""Retried API writes with the same Idempotency-Key create nothing twice."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]


def test_a_retried_appeal_is_answered_from_the_first_write(api, alice):
    from crisisdesk.cases.models import Case

    client = api(alice)
    client.headers["HTTP_IDEMPOTENCY_KEY"] = "appeal-1"
    body = {"member": "KZ", "title_en": "Unrest", "title_ru": "Беспорядки", "ref": "kz-idem"}
    first = client.post("/api/cases", json=body)
    second = client.post("/api/cases", json=body)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replay"] == "true"
    assert Case.objects.filter(ref="kz-idem").count() == 1


def test_reusing_a_key_for_another_request_is_refused(api, alice):
    client = api(alice)
    client.headers["HTTP_IDEMPOTENCY_KEY"] = "appeal-2"
    assert client.post("/api/cases", json={"member": "KZ", "title_en": "A", "title_ru": "A"}).status_code == 201
    response = client.post("/api/cases", json={"member": "KZ", "title_en": "B", "title_ru": "B"})
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"


def test_keys_belong_to_their_client(api, alice, bob):
    from crisisdesk.cases.models import Case

    a, b = api(alice), api(bob)
    a.headers["HTTP_IDEMPOTENCY_KEY"] = b.headers["HTTP_IDEMPOTENCY_KEY"] = "same"
    assert a.post("/api/cases", json={"member": "KZ", "title_en": "A", "title_ru": "A"}).status_code == 201
    assert b.post("/api/cases", json={"member": "RU", "title_en": "A", "title_ru": "A"}).status_code == 201
    assert Case.objects.count() == 2
