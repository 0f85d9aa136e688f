"""Supplementary plans: once sorties have flown, a new plan moves only what is still to move.

Everything goes through the HTTP API. The case is opened on 5 January 2022 (tests/forces/conftest.py);
sortie times default to the test's clock.
"""

import pytest

from tests.forces.conftest import answer, pledge_body, refusal

pytestmark = pytest.mark.django_db
BASE = "/api/forces"
FLEET = [{"type": "IL76MD", "count": 3, "base": "UUMU"}]
BIG = dict(personnel=300, cargo_kg=6000, vehicles=[{"type": "BTR-80", "count": 4}])


def _fly(api, user, sortie, *statuses):
    for status in statuses:
        answer(api(user).post(f"{BASE}/sorties/{sortie['id']}/status", json={"status": status}))


def _plan(api, user, ref, **body):
    return answer(api(user).post(f"{BASE}/cases/{ref}/plans", json={"fleet": FLEET, "time_limit": 1, **body}), 201)


def _sorties(api, user, ref, plan_id):
    return [s for s in answer(api(user).get(f"{BASE}/cases/{ref}/sorties")) if s["plan"] == plan_id]


def _load(sortie, key="personnel"):
    return sum(load[key] for load in sortie["loads"])


def _vehicles(sortie):
    return sum(v["count"] for load in sortie["loads"] for v in load["vehicles"])


def _units(api, user, plan_id):
    return answer(api(user).get(f"{BASE}/plans/{plan_id}"))["input"]["units"]


@pytest.fixture
def big_pledge(api, kz_case, bob):
    return answer(api(bob).put(f"{BASE}/cases/{kz_case.ref}/pledges/RU", json=pledge_body(**BIG)))


@pytest.fixture
def formed(kz_case):
    from crisisdesk.forces.models import Force

    # The force's record is all these tests need (forming it takes the defence ministers' decision).
    return Force.objects.create(case=kz_case, commander="X", formed_at=kz_case.appealed_at)


def test_replacing_a_plan_where_nothing_flew_works_as_before(api, kz_case, big_pledge, force_command, duty_officer,
                                                             bob):
    first = _plan(api, force_command, kz_case.ref)
    old = _sorties(api, bob, kz_case.ref, first["id"])
    second = _plan(api, force_command, kz_case.ref)
    assert second["supplements"] is None and second["summary"]["supplementary"] is False
    plans = {p["id"]: p for p in answer(api(bob).get(f"{BASE}/cases/{kz_case.ref}/plans"))}
    assert plans[first["id"]]["active"] is False and plans[second["id"]]["active"] is True
    assert sum(u["personnel"] for u in _units(api, bob, second["id"])) == 300
    # The replaced plan's sorties are cancelled and no longer listed; they cannot fly.
    assert _sorties(api, bob, kz_case.ref, first["id"]) == []
    d = refusal(api(duty_officer).post(f"{BASE}/sorties/{old[0]['id']}/status", json={"status": "departed"}), 409)
    assert "replaced" in d


def test_a_cancelled_sortie_is_planned_again_by_a_supplementary_plan(api, kz_case, big_pledge, formed, force_command,
                                                                     duty_officer, bob):
    from crisisdesk.events import EventType
    from crisisdesk.ledger.models import Event

    ref = kz_case.ref
    first = _plan(api, force_command, ref)
    sorties = _sorties(api, bob, ref, first["id"])
    assert len(sorties) >= 3
    landed, in_air, aborted = sorties[:3]
    _fly(api, duty_officer, landed, "departed", "landed")
    _fly(api, duty_officer, in_air, "departed")
    _fly(api, duty_officer, aborted, "departed", "cancelled")  # aborted: its load never arrived
    d = refusal(api(force_command).post(f"{BASE}/cases/{ref}/deployment/complete", json={}), 409)
    assert "RU" in d

    second = _plan(api, force_command, ref)
    assert second["supplements"] == first["id"]
    assert second["summary"]["supplementary"] is True and second["summary"]["supplements"] == first["id"]
    # It moves the pledge less what landed or is in the air; the aborted sortie's load is planned again.
    units = _units(api, bob, second["id"])
    assert sum(u["personnel"] for u in units) == 300 - _load(landed) - _load(in_air)
    assert sum(v["count"] for u in units for v in u["vehicles"]) == 4 - _vehicles(landed) - _vehicles(in_air)
    assert all(u["ready_h"] >= 0 for u in units)
    # The first plan stays tracked: its sortie in the air may land; its planned sorties are cancelled.
    plans = {p["id"]: p for p in answer(api(bob).get(f"{BASE}/cases/{ref}/plans"))}
    assert plans[first["id"]]["active"] is True
    statuses = {s["id"]: s["status"] for s in _sorties(api, bob, ref, first["id"])}
    assert statuses[in_air["id"]] == "departed" and statuses[landed["id"]] == "landed"
    assert all(statuses[s["id"]] == "cancelled" for s in sorties[3:])
    _fly(api, duty_officer, in_air, "landed")
    assert Event.objects.filter(type=EventType.PLAN_COMPUTED, data__supplements=first["id"]).count() == 1

    progress = answer(api(bob).get(f"{BASE}/cases/{ref}/progress"))["deployment"]
    assert progress["plan"] == second["id"] and progress["plans"] == [first["id"], second["id"]]
    assert progress["personnel"] == _load(landed) + _load(in_air) and progress["percent"] < 100
    for s in _sorties(api, bob, ref, second["id"]):
        _fly(api, duty_officer, s, "departed", "landed")
    progress = answer(api(bob).get(f"{BASE}/cases/{ref}/progress"))["deployment"]
    assert progress["percent"] == 100 and progress["personnel"] == 300 and progress["vehicles"] == 4
    assert progress["counts"]["landed"] == 2 + second["summary"]["sorties"]
    answer(api(force_command).post(f"{BASE}/cases/{ref}/deployment/complete", json={}))
    # Nothing is left to move: a further plan is refused.
    d = refusal(api(force_command).post(f"{BASE}/cases/{ref}/plans", json={"fleet": FLEET, "time_limit": 1}), 409)
    assert d.startswith("nothing left to move")


def test_a_pledge_that_grew_moves_the_difference(api, kz_case, big_pledge, force_command, duty_officer, bob):
    ref = kz_case.ref
    first = _plan(api, force_command, ref)
    for s in _sorties(api, bob, ref, first["id"]):
        _fly(api, duty_officer, s, "departed", "landed")
    d = refusal(api(force_command).post(f"{BASE}/cases/{ref}/plans", json={"fleet": FLEET, "time_limit": 1}), 409)
    assert "nothing left to move" in d
    answer(api(bob).put(f"{BASE}/cases/{ref}/pledges/RU", json=pledge_body(
        **{**BIG, "personnel": 350, "vehicles": [{"type": "BTR-80", "count": 5}, {"type": "UAZ-469", "count": 2}]})))
    second = _plan(api, force_command, ref)
    units = _units(api, bob, second["id"])
    assert [(u["id"], u["personnel"], {v["type"]: v["count"] for v in u["vehicles"]}, u["cargo_kg"]) for u in units] \
        == [("RU", 50, {"BTR-80": 1, "UAZ-469": 2}, 0)]
    progress = answer(api(bob).get(f"{BASE}/cases/{ref}/progress"))["deployment"]
    assert progress["rows"][0]["personnel"] == 350 and progress["rows"][0]["personnel_done"] == 300


def test_a_replaced_supplement_keeps_the_chain(api, kz_case, big_pledge, force_command, duty_officer, bob):
    """A supplementary plan where nothing flew is replaced by the next one, which supplements the
    plan that did fly."""
    ref = kz_case.ref
    first = _plan(api, force_command, ref)
    _fly(api, duty_officer, _sorties(api, bob, ref, first["id"])[0], "departed")
    second = _plan(api, force_command, ref)
    third = _plan(api, force_command, ref)
    assert third["supplements"] == first["id"]
    active = {p["id"]: p["active"] for p in answer(api(bob).get(f"{BASE}/cases/{ref}/plans"))}
    assert active == {first["id"]: True, second["id"]: False, third["id"]: True}
    assert answer(api(bob).get(f"{BASE}/cases/{ref}/progress"))["deployment"]["plans"] == [first["id"], third["id"]]


# -- withdrawal: what landed, not what was pledged -------------------------------------------------


def test_the_withdrawal_moves_what_landed_from_where_it_landed(api, kz_case, big_pledge, formed, force_command,
                                                                duty_officer, secretariat, bob):
    ref = kz_case.ref
    answer(api(secretariat).post(f"{BASE}/cases/{ref}/contingents", json={"member": "RU"}), 201)
    d = refusal(api(force_command).post(f"{BASE}/cases/{ref}/plans", json={"kind": "withdrawal"}), 409)
    assert "there is none" in d
    first = _plan(api, force_command, ref)
    d = refusal(api(force_command).post(f"{BASE}/cases/{ref}/plans", json={"kind": "withdrawal"}), 409)
    assert "nothing left to move" in d and "landed" in d
    one = _sorties(api, bob, ref, first["id"])[0]
    _fly(api, duty_officer, one, "departed", "landed")
    # The rest goes to Nur-Sultan instead.
    answer(api(bob).put(f"{BASE}/cases/{ref}/pledges/RU", json=pledge_body(**BIG, destination="UACC")))
    second = _plan(api, force_command, ref)
    assert {u["destination"] for u in _units(api, bob, second["id"])} == {"UACC"}
    rest = _sorties(api, bob, ref, second["id"])
    _fly(api, duty_officer, rest[0], "departed", "landed")

    back = _plan(api, force_command, ref, kind="withdrawal")
    units = {u["id"]: u for u in _units(api, bob, back["id"])}
    assert set(units) == {"RU-UAAA", "RU-UACC"}
    assert units["RU-UAAA"]["origin"] == "UAAA" and units["RU-UAAA"]["destination"] == "UUMU"
    assert units["RU-UAAA"]["personnel"] == _load(one) and units["RU-UACC"]["personnel"] == _load(rest[0])
    assert units["RU-UACC"]["cargo_kg"] == pytest.approx(_load(rest[0], "cargo_kg"))
    progress = answer(api(bob).get(f"{BASE}/cases/{ref}/progress"))["withdrawal"]
    assert progress["rows"][0]["personnel"] == _load(one) + _load(rest[0])

    # A withdrawal sortie flies; the next withdrawal plan moves only the rest (and what landed since).
    out = _sorties(api, bob, ref, back["id"])
    _fly(api, duty_officer, out[0], "departed")
    for s in rest[1:]:
        _fly(api, duty_officer, s, "departed", "landed")
    again = _plan(api, force_command, ref, kind="withdrawal")
    assert again["supplements"] == back["id"]
    moved = _load(out[0])
    assert sum(u["personnel"] for u in _units(api, bob, again["id"])) == 300 - moved
    _fly(api, duty_officer, out[0], "landed")
    for s in _sorties(api, bob, ref, again["id"]):
        _fly(api, duty_officer, s, "departed", "landed")
    progress = answer(api(bob).get(f"{BASE}/cases/{ref}/progress"))["withdrawal"]
    assert progress["percent"] == 100 and progress["personnel"] == 300 and progress["plans"] == [back["id"], again["id"]]
    answer(api(force_command).post(f"{BASE}/cases/{ref}/withdrawal/complete", json={}))


# -- contingents returning by road -------------------------------------------------------------


def test_a_road_contingent_counts_once_recorded_home(api, kz_case, big_pledge, formed, force_command, duty_officer,
                                                     secretariat, analyst, bob, charlie):
    from crisisdesk.events import EventType
    from crisisdesk.ledger.models import Event

    ref = kz_case.ref
    answer(api(charlie).put(f"{BASE}/cases/{ref}/pledges/BY", json=pledge_body(home_airfield="UMLI", personnel=50,
                                                                            vehicles=[], cargo_kg=0)))
    answer(api(secretariat).post(f"{BASE}/cases/{ref}/contingents", json={"member": "RU"}), 201)
    answer(api(secretariat).post(f"{BASE}/cases/{ref}/contingents", json={"member": "BY", "returns_by": "road"}), 201)
    deployment = _plan(api, force_command, ref, fleet=FLEET + [{"type": "IL76MD", "count": 1, "base": "UMLI"}])
    for s in _sorties(api, bob, ref, deployment["id"]):
        _fly(api, duty_officer, s, "departed", "landed")
    back = _plan(api, force_command, ref, kind="withdrawal")
    assert {u["id"] for u in _units(api, bob, back["id"])} == {"RU"}  # Belarus goes by road
    for s in _sorties(api, bob, ref, back["id"]):
        _fly(api, duty_officer, s, "departed", "landed")
    rows = {r["member"]: r for r in answer(api(bob).get(f"{BASE}/cases/{ref}/progress"))["withdrawal"]["rows"]}
    assert rows["BY"]["by_road"] is True and rows["BY"]["returned_at"] is None and rows["BY"]["percent"] == 0
    assert rows["RU"]["percent"] == 100
    d = refusal(api(force_command).post(f"{BASE}/cases/{ref}/withdrawal/complete", json={}), 409)
    assert "BY" in d and "road" in d

    url = f"{BASE}/cases/{ref}/contingents"
    for user in (bob, charlie, analyst, duty_officer):
        refusal(api(user).post(f"{url}/BY/returned", json={}), 403)
    assert "air" in refusal(api(force_command).post(f"{url}/RU/returned", json={}), 409)
    refusal(api(force_command).post(f"{url}/AM/returned", json={}), 409)
    refusal(api(force_command).post(f"{url}/BY/returned", json={"at": "2099-01-01T00:00:00Z"}), 400)
    obj = answer(api(force_command).post(f"{BASE}/cases/{ref}/objects", json={
        "name_ru": "Объект", "name_en": "Object", "kind": "airport", "contingent": "BY"}), 201)
    answer(api(force_command).post(f"{BASE}/objects/{obj['id']}/guard", json={}))
    assert "hand them back" in refusal(api(force_command).post(f"{url}/BY/returned", json={}), 409)
    answer(api(force_command).post(f"{BASE}/objects/{obj['id']}/hand-back", json={}))
    home = answer(api(force_command).post(f"{url}/by/returned", json={}))
    assert home["member"] == "BY" and home["returned_at"]
    refusal(api(secretariat).post(f"{url}/BY/returned", json={}), 409)
    assert Event.objects.filter(type=EventType.CONTINGENT_RETURNED, case_ref=ref, data__state="BY").count() == 1

    progress = answer(api(bob).get(f"{BASE}/cases/{ref}/progress"))["withdrawal"]
    rows = {r["member"]: r for r in progress["rows"]}
    assert rows["BY"]["percent"] == 100 and rows["BY"]["returned_at"] and progress["percent"] == 100
    force = answer(api(force_command).post(f"{BASE}/cases/{ref}/withdrawal/complete", json={}))
    assert {c["member"]: c["returned_at"] is not None for c in force["contingents"]} == {"BY": True, "RU": False}


# -- sorties list --------------------------------------------------------------------------------


def test_the_sortie_list_refuses_an_unknown_status(api, kz_case, big_pledge, force_command, duty_officer, bob):
    ref = kz_case.ref
    plan = _plan(api, force_command, ref)
    d = refusal(api(bob).get(f"{BASE}/cases/{ref}/sorties?status=bogus"), 422)
    assert "planned, departed, landed, cancelled" in d and "bogus" in d
    first = _sorties(api, bob, ref, plan["id"])[0]
    _fly(api, duty_officer, first, "departed")
    assert [s["id"] for s in answer(api(bob).get(f"{BASE}/cases/{ref}/sorties?status=departed"))] == [first["id"]]
