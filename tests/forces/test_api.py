"""The forces API: every endpoint checks who may write, reads follow the case, bad input is a 4xx."""

import math

import pytest

from tests.forces.conftest import FLEET, pledge_body

pytestmark = pytest.mark.django_db
BASE = "/api/forces"


def _events():
    from crisisdesk.ledger.models import Event

    return Event.objects.filter(type__startswith="forces:").count()


def _error(response, status):
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    # A schema's 422 also maps each field to its message (`fields`).
    assert {"error", "detail"} <= set(body) <= {"error", "detail", "fields"}, body
    assert isinstance(body["detail"], str) and "\n" not in body["detail"], body
    return body


@pytest.fixture
def kz_only(org, alice, jan2022):
    from crisisdesk.cases.actions import case_appeal

    return case_appeal(user=alice, member="KZ", title_en="KZ only", title_ru="Только КЗ", ref="kz-only",
                       released_to=["KZ"])


# -- requirements ------------------------------------------------------------------------------


def test_requirements_it_validates_ownership(api, kz_case, bob, analyst, outsider, secretariat, force_command,
                                             jan2022):
    url = f"{BASE}/cases/{kz_case.ref}/requirements"
    body = {"tasks": ["guard objects"], "personnel": {"peacekeepers": 500}, "vehicles": {"armoured": 20},
            "objects_to_guard": [{"kind": "airport", "count": 2}], "sustainment": {"cargo_kg": 10000}}
    before = _events()
    _error(api(bob).put(url, json=body), 403)
    _error(api(analyst).put(url, json=body), 403)
    _error(api(outsider).put(url, json=body), 403)
    _error(api().put(url, json=body), 401)
    assert _events() == before
    assert api(secretariat).put(url, json=body).status_code == 200
    r = api(force_command).put(url, json={**body, "personnel": {"peacekeepers": 600}})
    assert r.status_code == 200 and r.json()["personnel"] == {"peacekeepers": 600}
    assert api(bob).get(url).json()["tasks"] == ["guard objects"]
    _error(api(outsider).get(url), 403)


def test_requirements_refuse_bad_input_whole(api, kz_case, secretariat, jan2022):
    url = f"{BASE}/cases/{kz_case.ref}/requirements"
    _error(api(secretariat).put(url, json={"tasks": ["x"], "personnel": {"a": -1}}), 400)
    _error(api(secretariat).put(url, json={"tasks": "x"}), 422)
    _error(api(secretariat).put(url, data="{not json"), 400)
    _error(api(secretariat).get(url), 404)


def test_reads_follow_the_case(api, kz_only, alice, bob, secretariat):
    for path in ("requirements", "pledges", "gap", "force", "plans", "sorties", "objects", "progress"):
        _error(api(bob).get(f"{BASE}/cases/{kz_only.ref}/{path}"), 404)
    assert api(alice).get(f"{BASE}/cases/{kz_only.ref}/pledges").status_code == 200
    assert api(secretariat).get(f"{BASE}/cases/{kz_only.ref}/gap").status_code == 200


# -- pledges -----------------------------------------------------------------------------------


def test_pledge_it_validates_ownership(api, kz_case, bob, charlie, ru_defence, secretariat, force_command, jan2022):
    url = f"{BASE}/cases/{kz_case.ref}/pledges"
    before = _events()
    _error(api(bob).put(f"{url}/BY", json=pledge_body()), 403)
    _error(api(charlie).put(f"{url}/RU", json=pledge_body()), 403)
    _error(api(secretariat).put(f"{url}/RU", json=pledge_body()), 403)
    _error(api(force_command).put(f"{url}/RU", json=pledge_body()), 403)
    assert _events() == before
    r = api(bob).put(f"{url}/RU", json=pledge_body(approval_needed="vote of the Duma"))
    assert r.status_code == 200, r.content
    assert r.json()["vehicles_total"] == 2 and r.json()["vehicles"][0]["weight_kg"] == 13600
    assert r.json()["approval_status"] == "pending"
    r = api(ru_defence).put(f"{url}/ru", json=pledge_body(personnel=120, approval_needed="vote of the Duma"))
    assert r.status_code == 200 and r.json()["personnel"] == 120
    assert [p["member"] for p in api(charlie).get(url).json()] == ["RU"]
    # National approval: only the pledging state records it.
    _error(api(charlie).post(f"{url}/RU/approval", json={"status": "approved"}), 403)
    _error(api(secretariat).post(f"{url}/RU/approval", json={"status": "approved"}), 403)
    _error(api(charlie).post(f"{url}/BY/approval", json={"status": "approved"}), 409)
    r = api(bob).post(f"{url}/RU/approval", json={"status": "approved", "act": "Federation Council resolution"})
    assert r.status_code == 200 and r.json()["approval_status"] == "approved"


def test_pledge_refuses_bad_input_and_saves_nothing(api, kz_case, bob, jan2022):
    from crisisdesk.forces.models import Pledge

    url = f"{BASE}/cases/{kz_case.ref}/pledges/RU"
    before = _events()
    d = _error(api(bob).put(url, json=pledge_body(home_airfield="NOWHERE")), 400)
    assert "NOWHERE" in d["detail"]
    d = _error(api(bob).put(url, json=pledge_body(vehicles=[{"type": "T-1000", "count": 1}])), 400)
    assert "T-1000" in d["detail"]
    _error(api(bob).put(url, json=pledge_body(vehicles=[{"type": "BTR-80", "count": 0}])), 422)
    _error(api(bob).put(url, json=pledge_body(cargo_kg=math.nan)), 422)
    _error(api(bob).put(url, json=pledge_body(personnel="many")), 422)
    _error(api(bob).put(url, json=pledge_body(ready_at="2022-01-06T06:00:00")), 400)
    d = _error(api(bob).put(url, json=pledge_body(elements=[
        {"id": "RU-1", "origin": "UUMU", "destination": "UAAA", "ready_at": "2022-01-06T06:00:00+06:00",
         "personnel": 50, "cargo_kg": 2000, "vehicles": {"BTR-80": 2}}])), 400)
    assert "50 personnel" in d["detail"]
    _error(api(bob).put(url, json=pledge_body(personnel=0, vehicles=[], cargo_kg=0)), 400)
    d = _error(api(bob).put(url, json=pledge_body(ready_at="0001-01-01T00:00:00+06:00")), 422)
    assert d["detail"].startswith("ready_at: 0001-01-01") and "before case" in d["detail"]
    _error(api(bob).put(f"{BASE}/cases/{kz_case.ref}/pledges/UZ", json=pledge_body()), 403)
    assert Pledge.objects.count() == 0 and _events() == before


def test_gap_shows_requirements_against_pledges(api, kz_case, ru_pledge, secretariat, charlie, outsider):
    api(secretariat).put(f"{BASE}/cases/{kz_case.ref}/requirements",
                         json={"tasks": ["t"], "personnel": {"peacekeepers": 150}, "vehicles": {"armoured": 5}})
    r = api(charlie).get(f"{BASE}/cases/{kz_case.ref}/gap")
    assert r.status_code == 200
    rows = {row["capability"]: row for row in r.json()["rows"]}
    assert rows["personnel"]["required"] == 150 and rows["personnel"]["pledged"] == 100
    assert rows["personnel"]["gap"] == -50
    assert rows["vehicles:armoured"]["gap"] == -3 and rows["vehicles:armoured"]["by_state"] == {"RU": 2}
    _error(api(outsider).get(f"{BASE}/cases/{kz_case.ref}/gap"), 403)


# -- force -------------------------------------------------------------------------------------


def test_force_it_validates_ownership(api, force_decided, ru_pledge, bob, force_command, secretariat):
    url = f"{BASE}/cases/{force_decided.ref}/force"
    body = {"commander": "Col.-Gen. Test", "tasks": ["guard the airport"]}
    _error(api(bob).post(url, json=body), 403)
    _error(api(force_command).post(url, json=body), 403)
    _error(api(secretariat).post(url, json={**body, "members": ["BY"]}), 409)
    r = api(secretariat).post(url, json=body)
    assert r.status_code == 201, r.content
    assert [c["member"] for c in r.json()["contingents"]] == ["RU"]
    force_decided.refresh_from_db()
    assert force_decided.status == "force_formed"
    _error(api(secretariat).post(url, json=body), 409)
    assert api(bob).get(url).json()["commander"] == "Col.-Gen. Test"


def test_force_needs_the_defence_ministers_decision(api, kz_case, ru_pledge, secretariat):
    from crisisdesk.forces.models import Force

    d = _error(api(secretariat).post(f"{BASE}/cases/{kz_case.ref}/force", json={"commander": "X"}), 409)
    assert "defence ministers" in d["detail"]
    assert not Force.objects.exists()


def test_contingent_add_it_validates_ownership(api, force_decided, ru_pledge, bob, charlie, secretariat, jan2022):
    api(secretariat).post(f"{BASE}/cases/{force_decided.ref}/force", json={"commander": "X", "members": []})
    assert api(charlie).put(f"{BASE}/cases/{force_decided.ref}/pledges/BY", json=pledge_body(
        home_airfield="UMLI")).status_code == 200
    url = f"{BASE}/cases/{force_decided.ref}/contingents"
    _error(api(charlie).post(url, json={"member": "BY"}), 403)
    assert api(secretariat).post(url, json={"member": "BY", "returns_by": "road"}).status_code == 201
    _error(api(secretariat).post(url, json={"member": "BY"}), 409)
    _error(api(secretariat).post(url, json={"member": "AM"}), 409)


# -- plans and sorties -------------------------------------------------------------------------


def test_plan_it_validates_ownership(api, kz_case, ru_pledge, bob, analyst, duty_officer, force_command, charlie):
    url = f"{BASE}/cases/{kz_case.ref}/plans"
    body = {"fleet": FLEET, "time_limit": 1}
    for user in (bob, analyst, duty_officer):
        _error(api(user).post(url, json=body), 403)
    r = api(force_command).post(url, json=body)
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["summary"]["sorties"] >= plan["summary"]["lower_bound_sorties"] >= 1
    assert api(charlie).get(url).json()[0]["id"] == plan["id"]
    detail = api(charlie).get(f"{BASE}/plans/{plan['id']}").json()
    assert detail["plan"]["summary"]["sorties"] == len(detail["plan"]["sorties"])
    sorties = api(charlie).get(f"{BASE}/cases/{kz_case.ref}/sorties").json()
    assert len(sorties) == plan["summary"]["sorties"] and {s["status"] for s in sorties} == {"planned"}
    _error(api(charlie).get(f"{BASE}/plans/999999"), 404)
    _error(api(charlie).get(f"{BASE}/plans/abc"), 404)


def test_plan_gives_the_clis_one_line_reasons(api, kz_case, ru_pledge, force_command, cli, tmp_path):
    import json

    from crisisdesk.forces.models import AirliftPlan

    url = f"{BASE}/cases/{kz_case.ref}/plans"
    before = _events()
    d = _error(api(force_command).post(url, json={"fleet": [{"type": "IL76MD", "count": 2, "base": "NOWHERE"}]}), 400)
    assert d["detail"] == "invalid input: unknown airfield 'NOWHERE': not in the airlift catalogue"
    d = _error(api(force_command).post(url, json={"fleet": [{"type": "IL76MD", "count": -1, "base": "UUMU"}]}), 400)
    # The same input through the CLI gives the same line.
    from crisisdesk.forces.airlift import build_input

    doc = build_input([ru_pledge], epoch=kz_case.appealed_at, fleet=[{"type": "IL76MD", "count": -1, "base": "UUMU"}])
    source = tmp_path / "in.json"
    source.write_text(json.dumps(doc))
    _error(api(force_command).post(url, json={"fleet": []}), 400)
    d2 = _error(api(force_command).post(url, json={"fleet": [{"type": ["IL76MD"], "count": 3, "base": "UUMU"}]}), 400)
    assert "fleet[0]" in d2["detail"] and "type" in d2["detail"]
    _error(api(force_command).post(url, json={"fleet": FLEET, "time_limit": 0}), 422)
    _error(api(force_command).post(url, json={"fleet": FLEET, "kind": "withdrawal"}), 409)
    _error(api(force_command).post(url, json={"fleet": FLEET, "parking": {"UAAA": 0}}), 400)
    assert not AirliftPlan.objects.exists() and _events() == before
    code, _, err = cli("airlift", "plan", source, "--out", tmp_path / "out.json")  # last: it closes the connection
    assert code == 1 and err.strip().splitlines()[-1] == f"crisisdesk: {d['detail']}"


def test_sortie_status_it_validates_ownership(api, kz_case, deployment_plan, bob, analyst, duty_officer, outsider,
                                              cli):
    sortie = deployment_plan.sorties.order_by("number").first()
    url = f"{BASE}/sorties/{sortie.pk}/status"
    for user in (bob, analyst):
        _error(api(user).post(url, json={"status": "departed"}), 403)
    _error(api(outsider).post(url, json={"status": "departed"}), 403)
    _error(api(duty_officer).post(url, json={"status": "landed"}), 409)
    _error(api(duty_officer).post(url, json={"status": "departed", "at": "2030-01-01T00:00:00Z"}), 400)
    _error(api(duty_officer).post(url, json={"status": "flying"}), 422)
    _error(api(duty_officer).post(f"{BASE}/sorties/0/status", json={"status": "departed"}), 404)
    r = api(duty_officer).post(url, json={"status": "departed", "at": "2022-01-05T18:00:00Z"})
    assert r.status_code == 200 and r.json()["status"] == "departed"
    _error(api(duty_officer).post(url, json={"status": "landed", "at": "2022-01-05T17:00:00Z"}), 400)
    # (`cli` closes the database connection, as Django's commands do: one call per test, last.)
    code, out, err = cli("airlift", "sortie", sortie.pk, "--status", "landed", "--user", "duty_officer",
                         "--at", "2022-01-05T18:30:00Z")
    assert code == 0, err
    assert "landed" in out


def test_the_sortie_cli_refuses_in_one_line(kz_case, deployment_plan, duty_officer, bob, cli):
    sortie = deployment_plan.sorties.order_by("number").first()
    code, out, err = cli("airlift", "sortie", sortie.pk, "--status", "landed", "--user", "duty_officer")
    assert code == 1 and err.strip().splitlines()[-1].endswith("is planned; it cannot become landed")


def test_the_sortie_cli_checks_the_operators_post(kz_case, deployment_plan, bob, cli):
    sortie = deployment_plan.sorties.order_by("number").first()
    code, out, err = cli("airlift", "sortie", sortie.pk, "--status", "cancelled", "--user", "bob")
    assert code == 1 and "post" in err and len(err.strip().splitlines()) == 1


def test_deployment_complete_follows_the_sorties(api, kz_case, deployment_plan, duty_officer, force_command, bob,
                                                 secretariat):
    from crisisdesk.events import EventType
    from crisisdesk.forces.models import Force
    from crisisdesk.ledger.models import Event

    Force.objects.create(case=kz_case, commander="X", formed_at=kz_case.appealed_at)  # formed elsewhere in this test
    url = f"{BASE}/cases/{kz_case.ref}/deployment/complete"
    _error(api(bob).post(url, json={}), 403)
    d = _error(api(force_command).post(url, json={}), 409)
    assert "0 %" in d["detail"]
    for s in deployment_plan.sorties.all():
        for status in ("departed", "landed"):
            assert api(duty_officer).post(f"{BASE}/sorties/{s.pk}/status", json={"status": status}).status_code == 200
    progress = api(bob).get(f"{BASE}/cases/{kz_case.ref}/progress").json()
    assert progress["deployment"]["percent"] == 100 and progress["deployment"]["rows"][0]["member"] == "RU"
    assert api(force_command).post(url, json={}).status_code == 200
    assert Event.objects.filter(type=EventType.DEPLOYMENT_COMPLETED, case_ref=kz_case.ref).count() == 1
    _error(api(secretariat).post(url, json={}), 409)
    _error(api(force_command).post(f"{BASE}/cases/{kz_case.ref}/withdrawal/complete", json={}), 409)


# -- guarded objects ---------------------------------------------------------------------------


def test_objects_it_validates_ownership(api, force_decided, ru_pledge, bob, analyst, force_command, secretariat,
                                        charlie):
    api(secretariat).post(f"{BASE}/cases/{force_decided.ref}/force", json={"commander": "X"})
    url = f"{BASE}/cases/{force_decided.ref}/objects"
    body = {"name_ru": "Аэропорт", "name_en": "Airport", "kind": "airport", "lat": 43.35, "lon": 77.04,
            "contingent": "RU"}
    before = _events()
    _error(api(bob).post(url, json=body), 403)
    _error(api(analyst).post(url, json=body), 403)
    _error(api(force_command).post(url, json={**body, "kind": "castle"}), 400)
    _error(api(force_command).post(url, json={**body, "lat": 91}), 422)
    _error(api(force_command).post(url, json={**body, "contingent": "BY"}), 409)
    assert _events() == before
    r = api(force_command).post(url, json=body)
    assert r.status_code == 201, r.content
    oid = r.json()["id"]
    _error(api(bob).post(f"{BASE}/objects/{oid}/guard", json={}), 403)
    _error(api(force_command).post(f"{BASE}/objects/{oid}/hand-back", json={}), 409)
    assert api(force_command).post(f"{BASE}/objects/{oid}/guard", json={}).json()["status"] == "guarded"
    _error(api(charlie).post(f"{BASE}/objects/{oid}/hand-back", json={}), 403)
    assert api(secretariat).post(f"{BASE}/objects/{oid}/hand-back", json={}).json()["status"] == "handed_back"
    _error(api(secretariat).post(f"{BASE}/objects/{oid}/hand-back", json={}), 409)
    assert api(charlie).get(url).json()[0]["contingent"] == "RU"
    _error(api(charlie).post(f"{BASE}/objects/x/guard", json={}), 404)


def test_a_closed_case_refuses_forces_writes(api, kz_case, ru_pledge, bob, secretariat, force_command):
    from crisisdesk.cases.actions import case_close

    case_close(case=kz_case, user=secretariat, reason="test")
    d = _error(api(bob).put(f"{BASE}/cases/{kz_case.ref}/pledges/RU", json=pledge_body()), 409)
    assert "closed" in d["detail"]
    _error(api(force_command).post(f"{BASE}/cases/{kz_case.ref}/plans", json={"fleet": FLEET}), 409)
