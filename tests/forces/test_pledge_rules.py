"""Rules on pledges sent again, and the window of times a case accepts, through the HTTP API."""

import pytest

from tests.forces.conftest import answer, pledge_body, refusal

pytestmark = pytest.mark.django_db
BASE = "/api/forces"
FLEET = [{"type": "IL76MD", "count": 3, "base": "UUMU"}]
BIG = dict(personnel=300, cargo_kg=6000, vehicles=[{"type": "BTR-80", "count": 4}])


def _events(type_):
    from crisisdesk.ledger.models import Event

    return list(Event.objects.filter(type=type_).order_by("seq"))


@pytest.fixture
def flown(api, kz_case, bob, force_command, duty_officer):
    """Russia's pledge of 300 with 4 BTR-80, planned, and its first sortie in the air."""
    answer(api(bob).put(f"{BASE}/cases/{kz_case.ref}/pledges/RU", json=pledge_body(**BIG)))
    plan = answer(api(force_command).post(f"{BASE}/cases/{kz_case.ref}/plans", json={"fleet": FLEET, "time_limit": 1}),
               201)
    sorties = [s for s in answer(api(bob).get(f"{BASE}/cases/{kz_case.ref}/sorties")) if s["plan"] == plan["id"]]
    heavy = max(sorties, key=lambda s: (sum(v["count"] for x in s["loads"] for v in x["vehicles"]),
                                        sum(x["personnel"] for x in s["loads"])))
    answer(api(duty_officer).post(f"{BASE}/sorties/{heavy['id']}/status", json={"status": "departed"}))
    return heavy


# -- a pledge sent again after its contingent flew ----------------------------------------------


def test_a_pledge_cannot_drop_below_what_flew(api, kz_case, flown, bob):
    url = f"{BASE}/cases/{kz_case.ref}/pledges/RU"
    personnel = sum(x["personnel"] for x in flown["loads"])
    btr = sum(v["count"] for x in flown["loads"] for v in x["vehicles"] if v["type"] == "BTR-80")
    cargo = sum(x["cargo_kg"] for x in flown["loads"])
    assert personnel > 0 and btr > 0
    d = refusal(api(bob).put(url, json=pledge_body(**{**BIG, "personnel": personnel - 1})), 409)
    assert f"personnel {personnel - 1} < {personnel}" in d and "departed or landed" in d
    d = refusal(api(bob).put(url, json=pledge_body(**{**BIG, "vehicles": [{"type": "UAZ-469", "count": 1}]})), 409)
    assert f"BTR-80 0 < {btr}" in d
    if cargo >= 1:
        d = refusal(api(bob).put(url, json=pledge_body(**{**BIG, "cargo_kg": cargo - 1})), 409)
        assert "cargo" in d
    # Down to exactly what flew, then growing again: both fine.
    answer(api(bob).put(url, json=pledge_body(personnel=personnel, cargo_kg=cargo,
                                           vehicles=[{"type": "BTR-80", "count": btr}])))
    answer(api(bob).put(url, json=pledge_body(**{**BIG, "personnel": 320})))


def test_a_changed_pledge_records_its_previous_figures(api, kz_case, flown, bob):
    from crisisdesk.events import EventType

    answer(api(bob).put(f"{BASE}/cases/{kz_case.ref}/pledges/RU", json=pledge_body(**{**BIG, "personnel": 320})))
    first, changed = _events(EventType.PLEDGE_RECORDED)
    assert "previous" not in first.data and first.data["changed"] is False
    assert changed.data["changed"] is True and changed.data["personnel"] == 320
    assert changed.data["previous"]["personnel"] == 300
    assert changed.data["previous"]["vehicles_by_type"] == {"BTR-80": 4}
    assert changed.data["previous"]["cargo_kg"] == 6000 and changed.data["previous"]["home_airfield"] == "UUMU"


# -- national approval cannot be dropped by sending the pledge again ------------------------------


def test_a_pending_or_refused_approval_cannot_be_dropped(api, kz_case, bob):
    url = f"{BASE}/cases/{kz_case.ref}/pledges/RU"
    assert answer(api(bob).put(url, json=pledge_body(approval_needed="vote of the Duma")))["approval_status"] == "pending"
    d = refusal(api(bob).put(url, json=pledge_body()), 409)
    assert "vote of the Duma" in d and "pending" in d
    answer(api(bob).post(f"{url}/approval", json={"status": "refused"}))
    d = refusal(api(bob).put(url, json=pledge_body(personnel=10)), 409)
    assert "refused" in d
    # Changing the figures keeps the refusal; a new approval text asks for approval again.
    assert answer(api(bob).put(url, json=pledge_body(personnel=10, approval_needed="vote of the Duma"))
               )["approval_status"] == "refused"
    assert answer(api(bob).put(url, json=pledge_body(approval_needed="decree")))["approval_status"] == "pending"


def test_an_approved_pledge_with_a_new_approval_text_is_pending_again(api, kz_case, bob):
    url = f"{BASE}/cases/{kz_case.ref}/pledges/RU"
    answer(api(bob).put(url, json=pledge_body(approval_needed="vote of the Duma")))
    answer(api(bob).post(f"{url}/approval", json={"status": "approved"}))
    assert answer(api(bob).put(url, json=pledge_body(personnel=90, approval_needed="vote of the Duma"))
               )["approval_status"] == "approved"
    assert answer(api(bob).put(url, json=pledge_body(approval_needed="second vote")))["approval_status"] == "pending"
    answer(api(bob).post(f"{url}/approval", json={"status": "approved"}))
    # Once approved, the requirement may be dropped.
    assert answer(api(bob).put(url, json=pledge_body()))["approval_status"] == "not_needed"


# -- input checks: airfields and the window of times ------------------------------------------------


def test_a_pledge_moves_somewhere_else(api, kz_case, bob):
    from crisisdesk.forces.models import Pledge

    url = f"{BASE}/cases/{kz_case.ref}/pledges/RU"
    d = refusal(api(bob).put(url, json=pledge_body(home_airfield="UAAA", destination="UAAA")), 422)
    assert d.startswith("destination: UAAA")
    element = {"id": "RU-1", "origin": "UAAA", "destination": "UAAA", "ready_at": "2022-01-06T06:00:00+06:00",
               "personnel": 100, "cargo_kg": 2000, "vehicles": {"BTR-80": 2}}
    d = refusal(api(bob).put(url, json=pledge_body(elements=[element])), 422)
    assert d.startswith("elements[0].destination: UAAA")
    assert not Pledge.objects.exists()


def test_times_outside_the_cases_window_are_refused_by_name(api, kz_case, bob, force_command, duty_officer,
                                                             secretariat):
    from crisisdesk.forces.models import Force, Pledge

    url = f"{BASE}/cases/{kz_case.ref}/pledges/RU"
    d = refusal(api(bob).put(url, json=pledge_body(ready_at="2002-01-06T06:00:00+06:00")), 422)
    assert d.startswith("ready_at: 2002-01-06") and "30 days before case kazakhstan-test" in d
    d = refusal(api(bob).put(url, json=pledge_body(ready_at="2099-01-06T06:00:00+06:00")), 422)
    assert d.startswith("ready_at: 2099-01-06") and "a year from now" in d
    element = {"id": "RU-1", "origin": "UUMU", "destination": "UAAA", "ready_at": "2012-01-06T06:00:00+06:00",
               "personnel": 100, "cargo_kg": 2000, "vehicles": {"BTR-80": 2}}
    d = refusal(api(bob).put(url, json=pledge_body(elements=[element])), 422)
    assert d.startswith("elements[0].ready_at: 2012-01-06")
    assert not Pledge.objects.exists()
    # Readiness a little before the appeal (forces on standby) is fine.
    answer(api(bob).put(url, json=pledge_body(ready_at="2021-12-20T06:00:00+06:00")))

    plans = f"{BASE}/cases/{kz_case.ref}/plans"
    d = refusal(api(force_command).post(plans, json={"fleet": FLEET, "epoch": "2001-01-01T00:00:00Z"}), 422)
    assert d.startswith("epoch: 2001-01-01")
    plan = answer(api(force_command).post(plans, json={"fleet": FLEET, "time_limit": 1}), 201)
    sortie = answer(api(bob).get(f"{BASE}/cases/{kz_case.ref}/sorties"))[0]
    assert sortie["plan"] == plan["id"]
    status = f"{BASE}/sorties/{sortie['id']}/status"
    d = refusal(api(duty_officer).post(status, json={"status": "departed", "at": "2021-11-01T00:00:00Z"}), 422)
    assert d.startswith("at: 2021-11-01")
    answer(api(duty_officer).post(status, json={"status": "departed", "at": "2022-01-06T00:00:00Z"}))

    Force.objects.create(case=kz_case, commander="X", formed_at=kz_case.appealed_at)
    d = refusal(api(force_command).post(f"{BASE}/cases/{kz_case.ref}/deployment/complete",
                                         json={"at": "2020-01-01T00:00:00Z"}), 422)
    assert d.startswith("at: 2020-01-01")
    obj = answer(api(secretariat).post(f"{BASE}/cases/{kz_case.ref}/objects", json={
        "name_ru": "Объект", "name_en": "Object", "kind": "airport"}), 201)
    d = refusal(api(secretariat).post(f"{BASE}/objects/{obj['id']}/guard", json={"at": "2011-01-01T00:00:00Z"}),
                 422)
    assert d.startswith("at: 2011-01-01")


# -- the plan summary never claims a proof it does not have ---------------------------------------


def test_a_plan_is_not_both_proven_optimal_and_timed_out(api, kz_case, bob, force_command):
    from crisisdesk.engines.airlift.planner import Result

    answer(api(bob).put(f"{BASE}/cases/{kz_case.ref}/pledges/RU", json=pledge_body(personnel=20, vehicles=[])))
    huge = [{"type": "IL76MD", "count": 400, "base": "UUMU"}, {"type": "AN124", "count": 100, "base": "UUMU"}]
    plan = answer(api(force_command).post(f"{BASE}/cases/{kz_case.ref}/plans", json={"fleet": huge, "time_limit": 0.2}),
               201)
    summary = plan["summary"]
    assert not (summary["proven_optimal"] and summary["timed_out"]), summary
    # The engine's result keeps the rule too: meeting both bounds is a proof, whatever the clock says.
    result = Result(schedule=None, bounds=None, proven_optimal=True, solve_s=1.0, timed_out=True)
    assert result.timed_out is False
