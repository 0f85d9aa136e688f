"""Signed positions through the API: only the right post, the right text, in time, with a valid signature."""

from datetime import timedelta

import pytest

from crisisdesk import clock
from tests.decisions.helpers import signed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]


@pytest.fixture
def decision(api, secretariat, kz_case):
    response = api(secretariat).post(f"/api/cases/{kz_case.ref}/decisions", json={
        "procedure": "council-decision", "purpose": "deployment", "mode": "written",
        "facts": {"purpose_ru": "охрана объектов", "purpose_en": "guard important objects"}})
    assert response.status_code == 201, response.content
    return response.json()


def test_it_circulates_a_bilingual_draft_from_the_template(decision):
    assert "Collective Security Council" in decision["text"]
    assert "Совет коллективной безопасности" in decision["text"]
    assert decision["required"] == ["AM", "BY", "KG", "KZ", "RU", "TJ"]
    assert decision["due"] == decision["required"]


def test_it_records_a_signed_position_and_shows_who_is_due(api, alice, keys, decision):
    body = signed(decision, "KZ", "agree", keys("KZ.head_of_state"))
    response = api(alice).post(f"/api/decisions/{decision['id']}/positions", json=body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert [p["member"] for p in data["positions"]] == ["KZ"]
    assert "KZ" not in data["due"]
    assert data["outcome"] is None


def test_it_adopts_when_every_required_member_agrees(api, org, keys, decision):
    people = org["people"]
    for name, member in [("alice", "KZ"), ("bob", "RU"), ("charlie", "BY"), ("armen", "AM"),
                         ("kyrgyz", "KG"), ("tajik", "TJ")]:
        response = api(people[name]).post(f"/api/decisions/{decision['id']}/positions",
                                          json=signed(decision, member, "agree", keys(f"{member}.head_of_state")))
        assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "adopted"
    timeline = api(people["alice"]).get("/api/cases/kazakhstan-test/timeline").json()
    assert "decision:outcome:adopted" in [e["type"] for e in timeline["events"]]


def test_it_validates_ownership_a_state_cannot_sign_for_another(api, bob, keys, decision):
    keys("RU.head_of_state")
    body = signed(decision, "KZ", "agree", keys("KZ.head_of_state"))
    response = api(bob).post(f"/api/decisions/{decision['id']}/positions", json=body)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert api(bob).get(f"/api/decisions/{decision['id']}").json()["positions"] == []


def test_it_refuses_a_bad_signature_and_changes_nothing(api, alice, bob, keys, decision):
    body = signed(decision, "KZ", "agree", keys("RU.head_of_state"))  # signed with someone else's key
    response = api(alice).post(f"/api/decisions/{decision['id']}/positions", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_signature"
    tampered = signed(decision, "KZ", "agree", keys("KZ.head_of_state"))
    tampered["position"] = "object"
    tampered["reason"] = "x"
    assert api(alice).post(f"/api/decisions/{decision['id']}/positions", json=tampered).status_code == 400
    assert api(alice).get(f"/api/decisions/{decision['id']}").json()["positions"] == []


def test_it_refuses_a_position_on_a_superseded_text(api, alice, secretariat, keys, decision):
    old = signed(decision, "KZ", "agree", keys("KZ.head_of_state"))
    amended = api(secretariat).post(f"/api/decisions/{decision['id']}/amend", json={"text": "Amended text"})
    assert amended.status_code == 200
    assert amended.json()["version"] == 2
    response = api(alice).post(f"/api/decisions/{decision['id']}/positions", json=old)
    assert response.status_code == 409
    assert response.json()["error"] == "superseded_text"
    fresh = signed(amended.json(), "KZ", "agree", keys("KZ.head_of_state"))
    assert api(alice).post(f"/api/decisions/{decision['id']}/positions", json=fresh).status_code == 201


def test_it_refuses_a_position_after_the_deadline(api, alice, keys, decision):
    from datetime import datetime

    body = signed(decision, "KZ", "agree", keys("KZ.head_of_state"))
    late = datetime.fromisoformat(decision["deadline"]) + timedelta(minutes=1)
    with clock.frozen_at(late):
        response = api(alice).post(f"/api/decisions/{decision['id']}/positions", json=body)
    assert response.status_code == 409
    assert response.json()["error"] == "deadline_passed"


def test_only_the_secretariat_circulates_and_amends(api, alice, decision, kz_case):
    response = api(alice).post(f"/api/cases/{kz_case.ref}/decisions",
                               json={"procedure": "council-decision", "purpose": "other", "text": "x"})
    assert response.status_code == 403
    assert api(alice).post(f"/api/decisions/{decision['id']}/amend", json={"text": "mine"}).status_code == 403


def test_a_delegate_registers_a_key_only_for_their_own_post(api, alice):
    import base64
    import os

    public = base64.b64encode(os.urandom(32)).decode()
    assert api(alice).post("/api/keys", json={"post": "RU.head_of_state", "public_key": public}).status_code == 403
    assert api(alice).post("/api/keys", json={"post": "KZ.head_of_state", "public_key": public}).status_code == 201
    bad = api(alice).post("/api/keys", json={"post": "KZ.head_of_state", "public_key": "not-base64!"})
    assert bad.status_code == 400


@pytest.mark.parametrize("body", [
    {"member": "KZ", "position": "maybe", "reason": "", "text_sha256": "0" * 64, "signature": "x"},
    {"member": "KZ", "position": "agree"},
    {"member": 5, "position": "agree", "reason": "", "text_sha256": "0" * 64, "signature": "x"},
])
def test_it_answers_wrong_input_with_422(api, alice, decision, body):
    response = api(alice).post(f"/api/decisions/{decision['id']}/positions", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid"


def test_it_answers_malformed_json_and_unknown_ids(api, alice, decision):
    response = api(alice).post(f"/api/decisions/{decision['id']}/positions", data="{not json")
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"
    assert api(alice).get("/api/decisions/999999").status_code == 404
    assert api(alice).get("/api/decisions/abc").status_code == 422
