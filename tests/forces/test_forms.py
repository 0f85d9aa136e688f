"""The forces forms through HTTP: each one changes its record and writes its event; bad input comes
back with the reason, a 4xx and nothing written; another state's user is refused."""

import gettext
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]

SRC = Path(__file__).resolve().parents[2] / "src" / "crisisdesk"


def _client(user):
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _events(case, type_):
    from crisisdesk.ledger.models import Event

    return list(Event.objects.filter(case_ref=case.ref, type=type_))


def _text(response) -> str:
    return response.content.decode()


# -- the statement of requirements -------------------------------------------------------------


def test_it_sets_the_statement_of_requirements(kz_case, force_command):
    from crisisdesk.forces.models import Requirement

    c = _client(force_command)
    page = _text(c.get(f"/forces/cases/{kz_case.ref}/requirements/"))
    assert "Save the statement of requirements" in page and 'for="r-tasks"' in page
    r = c.post(f"/forces/cases/{kz_case.ref}/requirements/", {
        "tasks": "guard the airport\n\nprotect the power plant\n",
        "objects_kind": ["airport", "power_plant", ""], "objects_count": ["2", "", ""], "objects_note": ["", "", ""],
        "personnel_name": ["infantry", "medical", ""], "personnel_count": ["1500", "30", ""],
        "vehicles_armoured": "200", "vehicles_automotive": "", "sustainment_days": "30",
        "sustainment_cargo_kg": "12000.5", "note": "from the decision"})
    assert r.status_code == 302 and r["Location"].endswith("#gap-h")
    req = Requirement.objects.get(case=kz_case)
    assert req.tasks == ["guard the airport", "protect the power plant"]
    assert req.objects_to_guard == [{"kind": "airport", "count": 2, "note": ""},
                                    {"kind": "power_plant", "count": 1, "note": ""}]
    assert req.personnel == {"infantry": 1500, "medical": 30} and req.vehicles == {"armoured": 200}
    assert req.sustainment == {"days": 30.0, "cargo_kg": 12000.5}
    assert len(_events(kz_case, "forces:requirement:set")) == 1
    page = _text(c.get(f"/forces/cases/{kz_case.ref}/"))
    assert "The statement of requirements was saved." in page and "personnel: infantry" in page
    # The form comes back filled with what is recorded.
    page = _text(c.get(f"/forces/cases/{kz_case.ref}/requirements/"))
    assert 'value="infantry"' in page and 'name="vehicles_armoured" value="200"' in page


def test_the_requirements_form_refuses_bad_input_and_writes_nothing(kz_case, force_command):
    from crisisdesk.forces.models import Requirement

    c = _client(force_command)
    r = c.post(f"/forces/cases/{kz_case.ref}/requirements/", {
        "tasks": "guard", "personnel_name": ["infantry"], "personnel_count": ["lots"], "sustainment_days": "-3"})
    assert r.status_code == 400
    page = _text(r)
    assert "Row 1: the count must be a whole number of at least 0." in page
    assert "Enter a number of at least 0." in page and 'role="alert"' in page
    assert 'value="lots"' in page  # what was typed comes back
    assert not Requirement.objects.filter(case=kz_case).exists()
    assert _events(kz_case, "forces:requirement:set") == []


def test_only_planners_set_requirements(kz_case, bob, outsider):
    from crisisdesk.forces.models import Requirement

    c = _client(bob)
    assert "Save the statement of requirements" not in _text(c.get(f"/forces/cases/{kz_case.ref}/requirements/"))
    r = c.post(f"/forces/cases/{kz_case.ref}/requirements/", {"tasks": "guard"})
    assert r.status_code == 403 and "your post does not allow this" in _text(r)
    assert _client(outsider).post(f"/forces/cases/{kz_case.ref}/requirements/", {"tasks": "x"}).status_code == 404
    assert not Requirement.objects.exists()


# -- pledges -----------------------------------------------------------------------------------


def _pledge_form(**over):
    body = {"personnel": "150", "categories_name": ["infantry", "staff", ""], "categories_count": ["140", "10", ""],
            "vehicles_type": ["BTR-80", "MZKT-7930", ""], "vehicles_count": ["6", "1", ""],
            "vehicles_weight_kg": ["", "24000", ""], "vehicles_length_m": ["", "8.0", ""],
            "vehicles_width_m": ["", "2.5", ""], "vehicles_height_m": ["", "2.9", ""],
            "cargo_kg": "6000", "readiness": "12 h", "home_airfield": "UMLI", "destination": "ZHETYGEN",
            "ready_at": "2022-01-06T15:10", "approval_needed": ""}
    body.update(over)
    return body


def _one_vehicle(vtype, count):
    return {"vehicles_type": [vtype], "vehicles_count": [count], "vehicles_weight_kg": [""],
            "vehicles_length_m": [""], "vehicles_width_m": [""], "vehicles_height_m": [""]}


def test_a_delegate_files_their_states_pledge(kz_case, charlie):
    from crisisdesk.forces.models import Pledge

    c = _client(charlie)
    page = _text(c.get(f"/forces/cases/{kz_case.ref}/pledges/BY/"))
    assert "Record the pledge" in page and "Minsk" in page  # the ready time is read in the viewer's zone
    r = c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/", _pledge_form())
    assert r.status_code == 302 and r["Location"] == f"/forces/cases/{kz_case.ref}/pledges/BY/"
    pledge = Pledge.objects.get(case=kz_case, member="BY")
    assert pledge.personnel == 150 and pledge.personnel_by_category == {"infantry": 140, "staff": 10}
    assert pledge.ready_at == datetime(2022, 1, 6, 12, 10, tzinfo=timezone.utc)  # 15:10 in Minsk
    btr, mzkt = pledge.vehicles
    assert btr["type"] == "BTR-80" and btr["count"] == 6 and btr["weight_kg"] == 13600  # from the catalogue
    assert mzkt == {"type": "MZKT-7930", "class": "other", "count": 1, "weight_kg": 24000.0, "length_m": 8.0,
                    "width_m": 2.5, "height_m": 2.9}
    assert pledge.home_airfield == "UMLI" and pledge.destination == "ZHETYGEN" and pledge.cargo_kg == 6000
    assert pledge.approval_status == "not_needed"
    [event] = _events(kz_case, "forces:pledge:recorded")
    assert event.data["state"] == "BY" and event.data["vehicles"] == 7
    page = _text(c.get(f"/forces/cases/{kz_case.ref}/pledges/BY/"))
    assert "The pledge was recorded." in page and "Change the pledge" in page and 'value="MZKT-7930"' in page


def test_the_pledge_form_shows_the_actions_reason_and_writes_nothing(kz_case, charlie):
    from crisisdesk.forces.models import Pledge

    c = _client(charlie)
    r = c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/", _pledge_form(personnel="151"))
    assert r.status_code == 400
    assert "personnel_by_category adds up to 150, not 151" in _text(r)
    r = c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/", _pledge_form(personnel="many", ready_at="soon"))
    page = _text(r)
    assert r.status_code == 400 and "Enter a whole number of at least 0." in page
    assert "Enter a date and time" in page and 'aria-invalid="true"' in page
    r = c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/", _pledge_form(**_one_vehicle("T-90", "2")))
    assert r.status_code == 400 and "vehicle type T-90 is not in the catalogue; give its weight_kg" in _text(r)
    r = c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/", _pledge_form(home_airfield="ZZZZ"))
    assert r.status_code == 400 and "unknown airfield" in _text(r)
    assert not Pledge.objects.filter(case=kz_case).exists()
    assert _events(kz_case, "forces:pledge:recorded") == []


def test_another_states_delegate_cannot_file_a_pledge(kz_case, charlie, secretariat, alice):
    from crisisdesk.cases.actions import case_appeal
    from crisisdesk.forces.models import Pledge

    c = _client(charlie)
    assert "Record the pledge" not in _text(c.get(f"/forces/cases/{kz_case.ref}/pledges/KZ/"))
    r = c.post(f"/forces/cases/{kz_case.ref}/pledges/KZ/", _pledge_form())
    assert r.status_code == 403 and "only your own state&#x27;s pledge, not KZ&#x27;s" in _text(r)
    r = _client(secretariat).post(f"/forces/cases/{kz_case.ref}/pledges/KZ/", _pledge_form())
    assert r.status_code == 403
    assert c.get(f"/forces/cases/{kz_case.ref}/pledges/XX/").status_code == 404
    narrow = case_appeal(user=alice, member="KZ", title_en="Narrow", title_ru="Узкое", ref="narrow-case",
                         released_to=["KZ", "RU"])
    assert c.get(f"/forces/cases/{narrow.ref}/pledges/BY/").status_code == 404
    assert c.post(f"/forces/cases/{narrow.ref}/pledges/BY/", _pledge_form()).status_code == 404
    assert not Pledge.objects.exists()


def test_a_re_sent_pledge_keeps_its_movement_elements_unless_asked(kz_case, charlie):
    from crisisdesk.engines.procedures.timing import parse_instant
    from crisisdesk.forces.actions import pledge_record
    from crisisdesk.forces.models import Pledge

    pledge_record(case=kz_case, user=charlie, member="BY", personnel=150, home_airfield="UMLI",
                  destination="ZHETYGEN", ready_at=parse_instant("2022-01-06T15:10:00+03:00"), sources=["BELTA"],
                  elements=[{"id": "BY-1", "origin": "UMLI", "destination": "ZHETYGEN", "personnel": 100,
                             "ready_at": "2022-01-06T15:10:00+03:00"},
                            {"id": "BY-2", "origin": "UMLI", "destination": "UAAA", "personnel": 50,
                             "ready_at": "2022-01-06T18:00:00+03:00"}])
    c = _client(charlie)
    body = _pledge_form(personnel="150", categories_name=[""], categories_count=[""], **_one_vehicle("", ""),
                        cargo_kg="0", note="re-sent")
    assert c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/", body).status_code == 302
    pledge = Pledge.objects.get(case=kz_case, member="BY")
    assert [e["id"] for e in pledge.elements] == ["BY-1", "BY-2"] and pledge.sources == ["BELTA"]
    r = c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/", {**body, "personnel": "160"})
    assert r.status_code == 400 and "the elements carry 150 personnel, the pledge 160" in _text(r)
    assert c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/", {**body, "personnel": "160", "one_unit": "1"}).status_code == 302
    pledge.refresh_from_db()
    assert pledge.personnel == 160 and pledge.elements == []


def test_the_national_approval_outcome(kz_case, charlie, bob):
    from crisisdesk.forces.models import Pledge

    c = _client(charlie)
    c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/", _pledge_form(approval_needed="vote of the National Assembly"))
    assert Pledge.objects.get(member="BY").approval_status == "pending"
    page = _text(c.get(f"/forces/cases/{kz_case.ref}/pledges/BY/"))
    assert "Outcome of the national approval (vote of the National Assembly)" in page
    r = c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/approval/", {"status": "maybe"})
    assert r.status_code == 400 and "Choose approved, refused or pending." in _text(r)
    r = _client(bob).post(f"/forces/cases/{kz_case.ref}/pledges/BY/approval/", {"status": "approved"})
    assert r.status_code == 403
    assert Pledge.objects.get(member="BY").approval_status == "pending"
    r = c.post(f"/forces/cases/{kz_case.ref}/pledges/BY/approval/", {"status": "approved", "act": "Act 12"})
    assert r.status_code == 302
    assert Pledge.objects.get(member="BY").approval_status == "approved"
    [event] = _events(kz_case, "forces:pledge:approved")
    assert event.data["act"] == "Act 12"


def test_an_approval_for_a_pledge_that_needs_none_is_refused_in_the_page(kz_case, bob, ru_pledge):
    r = _client(bob).post(f"/forces/cases/{kz_case.ref}/pledges/RU/approval/", {"status": "approved"})
    assert r.status_code == 409 and "needs no national approval" in _text(r)


# -- the force ---------------------------------------------------------------------------------


def test_the_secretariat_forms_the_force(force_decided, ru_pledge, secretariat, force_command):
    from crisisdesk.forces.models import Force

    case = force_decided
    c = _client(secretariat)
    page = _text(c.get(f"/forces/cases/{case.ref}/force/"))
    assert "Form the force" in page and 'name="include_RU"' in page
    assert "Form the force" not in _text(_client(force_command).get(f"/forces/cases/{case.ref}/force/"))
    r = c.post(f"/forces/cases/{case.ref}/force/", {"commander": "", "tasks": "guard"})
    assert r.status_code == 400 and "This field is required." in _text(r)
    r = _client(force_command).post(f"/forces/cases/{case.ref}/force/", {"commander": "Gen. X", "include_RU": "1"})
    assert r.status_code == 403 and not Force.objects.exists()
    r = c.post(f"/forces/cases/{case.ref}/force/", {"commander": "Col. Gen. A. Serdyukov", "tasks": "guard\nprotect",
                                                     "include_RU": "1", "returns_by_RU": "road"})
    assert r.status_code == 302
    force = Force.objects.get(case=case)
    assert force.commander == "Col. Gen. A. Serdyukov" and force.tasks == ["guard", "protect"]
    [contingent] = force.contingents.all()
    assert contingent.member == "RU" and contingent.returns_by == "road"
    assert len(_events(case, "forces:contingent:formed")) == 1
    page = _text(c.get(f"/forces/cases/{case.ref}/force/"))
    assert "The force was formed." in page and "by road" in page


def test_the_force_needs_the_ministers_decision(kz_case, ru_pledge, secretariat):
    from crisisdesk.forces.models import Force

    r = _client(secretariat).post(f"/forces/cases/{kz_case.ref}/force/", {"commander": "Gen. X", "include_RU": "1"})
    assert r.status_code == 409 and "adopted decision of the defence ministers" in _text(r)
    assert not Force.objects.exists()


def test_a_planner_adds_a_contingent(force_decided, ru_pledge, secretariat, force_command, bob):
    from crisisdesk.forces.models import Contingent

    case = force_decided
    _client(secretariat).post(f"/forces/cases/{case.ref}/force/", {"commander": "Gen. X"})  # nobody included
    assert not Contingent.objects.exists()
    r = _client(bob).post(f"/forces/cases/{case.ref}/contingents/", {"member": "RU"})
    assert r.status_code == 403
    c = _client(force_command)
    assert "Add a contingent" in _text(c.get(f"/forces/cases/{case.ref}/force/"))
    r = c.post(f"/forces/cases/{case.ref}/contingents/", {"member": "BY", "returns_by": "air"})
    assert r.status_code == 409 and "BY has no pledge" in _text(r)
    r = c.post(f"/forces/cases/{case.ref}/contingents/", {"member": "RU", "returns_by": "air"})
    assert r.status_code == 302 and Contingent.objects.get().member == "RU"


# -- guarded objects ---------------------------------------------------------------------------


def _formed(case, secretariat):
    _client(secretariat).post(f"/forces/cases/{case.ref}/force/", {"commander": "Gen. X", "include_RU": "1"})


def test_objects_are_listed_guarded_and_handed_back(force_decided, ru_pledge, secretariat, force_command):
    from crisisdesk.forces.models import GuardedObject

    case = force_decided
    c = _client(force_command)
    r = c.post(f"/forces/cases/{case.ref}/objects/", {"name_ru": "Аэропорт", "name_en": "Airport", "kind": "airport",
                                                       "lat": "north", "lon": "77"})
    assert r.status_code == 400 and "Enter a number in decimal degrees." in _text(r)
    r = c.post(f"/forces/cases/{case.ref}/objects/", {"name_ru": "Аэропорт", "name_en": "Airport", "kind": "airport",
                                                       "lat": "43.35"})
    assert r.status_code == 400 and "give both lat and lon, or neither" in _text(r)
    assert not GuardedObject.objects.exists()
    r = c.post(f"/forces/cases/{case.ref}/objects/", {"name_ru": "Аэропорт Алматы", "name_en": "Almaty airport",
                                                       "kind": "airport", "place": "Almaty", "lat": "43,35",
                                                       "lon": "77.04"})
    assert r.status_code == 302
    obj = GuardedObject.objects.get()
    assert (obj.lat, obj.lon, obj.kind, obj.contingent) == (43.35, 77.04, "airport", None)
    assert len(_events(case, "forces:object:listed")) == 1
    # No contingent yet: the refusal shows beside the button, nothing changes.
    r = c.post(f"/forces/objects/{obj.pk}/guard/", {"at": ""})
    assert r.status_code == 400 and f'id="guard-e-{obj.pk}"' in _text(r) and "name the contingent" in _text(r)
    _formed(case, secretariat)
    r = c.post(f"/forces/objects/{obj.pk}/guard/", {"at": "2022-01-05T18:30", "contingent": "RU"})
    assert r.status_code == 302
    obj.refresh_from_db()
    assert obj.guarded_from == datetime(2022, 1, 5, 18, 30, tzinfo=timezone.utc)  # the Centre's staff read UTC
    assert obj.contingent.member == "RU" and len(_events(case, "forces:object:guarded")) == 1
    page = _text(c.get(f"/forces/cases/{case.ref}/"))
    assert f"/forces/objects/{obj.pk}/hand-back/" in page and f"/forces/objects/{obj.pk}/guard/" not in page
    r = c.post(f"/forces/objects/{obj.pk}/hand-back/", {"at": "2022-01-05T18:00"})
    assert r.status_code == 400 and "cannot be handed back before it was guarded" in _text(r)
    r = c.post(f"/forces/objects/{obj.pk}/hand-back/", {"at": "2022-01-06T10:00"})
    assert r.status_code == 400 and "is in the future" in _text(r)
    assert c.post(f"/forces/objects/{obj.pk}/hand-back/", {"at": ""}).status_code == 302
    obj.refresh_from_db()
    assert obj.handed_back_at == datetime(2022, 1, 5, 19, 0, tzinfo=timezone.utc)  # empty: now
    assert len(_events(case, "forces:object:handed_back")) == 1


def test_delegates_do_not_record_objects(kz_case, alice, force_command, outsider):
    from crisisdesk.forces.actions import object_add

    obj = object_add(case=kz_case, user=force_command, name_ru="ТЭЦ", name_en="Power plant", kind="power_plant")
    c = _client(alice)
    page = _text(c.get(f"/forces/cases/{kz_case.ref}/"))
    assert "Add the object" not in page and "Taken under guard" not in page and "power plant" in page
    r = c.post(f"/forces/cases/{kz_case.ref}/objects/", {"name_ru": "a", "name_en": "b", "kind": "depot"})
    assert r.status_code == 403
    assert c.post(f"/forces/objects/{obj.pk}/guard/", {}).status_code == 403
    assert _client(outsider).post(f"/forces/objects/{obj.pk}/guard/", {}).status_code == 404
    obj.refresh_from_db()
    assert obj.guarded_from is None


# -- completion --------------------------------------------------------------------------------


def test_deployment_complete_shows_why_it_is_refused(force_decided, ru_pledge, charlie, secretariat, force_command, bob):
    from crisisdesk.forces.actions import plan_compute, sortie_set_status
    from crisisdesk.forces.models import Force
    from tests.forces.conftest import FLEET

    case = force_decided
    _client(charlie).post(f"/forces/cases/{case.ref}/pledges/BY/", _pledge_form())
    _client(secretariat).post(f"/forces/cases/{case.ref}/force/", {"commander": "Gen. X", "include_RU": "1",
                                                                    "include_BY": "1"})
    plan = plan_compute(case=case, user=force_command, fleet=FLEET, time_limit=1)
    c = _client(force_command)
    assert "Deployment complete" in _text(c.get(f"/forces/cases/{case.ref}/"))
    assert "Deployment complete" not in _text(_client(bob).get(f"/forces/cases/{case.ref}/"))
    assert _client(bob).post(f"/forces/cases/{case.ref}/deployment/complete/", {}).status_code == 403

    def fly(sorties):
        for s in sorties:
            sortie_set_status(sortie=s, user=force_command, status="departed")
            sortie_set_status(sortie=s, user=force_command, status="landed")

    sorties = list(plan.sorties.order_by("number"))
    fly([s for s in sorties if s.members() == ["RU"]])
    r = c.post(f"/forces/cases/{case.ref}/deployment/complete/", {"at": ""})
    assert r.status_code == 409
    assert re.search(r"the deployment is at [\d.]+ % \(BY 0 %\)", _text(r))
    assert 'id="deployment-e"' in _text(r) and Force.objects.get(case=case).deployed_at is None
    fly([s for s in sorties if s.members() != ["RU"]])
    assert c.post(f"/forces/cases/{case.ref}/deployment/complete/", {"at": "tomorrow"}).status_code == 400
    r = c.post(f"/forces/cases/{case.ref}/deployment/complete/", {"at": ""})
    assert r.status_code == 302
    assert Force.objects.get(case=case).deployed_at is not None
    assert len(_events(case, "forces:deployment:completed")) == 1
    assert "Deployment complete: recorded." in _text(c.get(f"/forces/cases/{case.ref}/"))
    r = c.post(f"/forces/cases/{case.ref}/withdrawal/complete/", {})
    assert r.status_code == 409 and "there is no withdrawal plan" in _text(r)


# -- the plan page and the catalogue -----------------------------------------------------------


def test_the_plan_page_labels_its_axes_and_lists_every_airfield(kz_case, deployment_plan, charlie):
    from crisisdesk.forces.timeline import plan_timeline

    timeline = plan_timeline(deployment_plan.input, deployment_plan.plan, epoch=deployment_plan.epoch,
                             zone="Asia/Almaty")
    codes = {a["code"] for a in timeline["airfields"]}
    assert codes >= {s["origin"] for s in deployment_plan.plan["sorties"]} | {"UAAA"}
    tick = timeline["ticks"][0]
    assert tick["label"] == "0 h" and tick["utc"] and tick["local"]
    html = _text(_client(charlie).get(f"/forces/plans/{deployment_plan.pk}/"))
    assert 'id="parking-UUMU"' in html and 'id="parking-UAAA"' in html
    assert ">UTC</text>" in html and ">Almaty</text>" in html and ">0 h</text>" in html
    assert "Gap to the bound" in html and "Lower bound" in html
    assert "aircraft on the ground" in html and "parking limit" in html


def test_the_plan_page_says_when_the_time_limit_was_reached(kz_case, deployment_plan, charlie):
    from crisisdesk.forces.timeline import summary_gaps

    assert summary_gaps({"sorties": 112, "lower_bound_sorties": 104, "makespan_h": 61.5,
                         "lower_bound_makespan_h": 58.0}) == {"sorties": 7.7, "makespan": 6.0,
                                                              "proven_optimal": False, "timed_out": False}
    deployment_plan.summary = {**deployment_plan.summary, "proven_optimal": False, "timed_out": True}
    deployment_plan.save(update_fields=["summary"])
    c = _client(charlie)
    assert "Not proven optimal — time limit reached." in _text(c.get(f"/forces/plans/{deployment_plan.pk}/"))
    assert "not proven optimal — time limit reached" in _text(c.get(f"/forces/cases/{kz_case.ref}/"))


def test_the_catalogue_flags_figures_sources_disagree_on(outsider, client):
    from crisisdesk.forces.airlift import catalogue

    data = catalogue()
    flagged = sum(1 for group in ("aircraft", "vehicles") for entry in data[group].values()
                  for figure in entry.values() if isinstance(figure, dict) and figure.get("status") == "conflict")
    assert flagged > 0
    html = _text(_client(outsider).get("/forces/catalogue/"))
    assert f"{flagged} figures are flagged: their sources disagree." in html
    assert html.count('<tr class="conflict">') == flagged
    assert "Ilyushin Il-76MD" in html and "40000, 43000, 48000, 50000, 52000" in html
    assert 'href="https://www.britannica.com/print/article/283217"' in html
    assert client.get("/forces/catalogue/").status_code == 302  # anonymous: to the login page


# -- translations ------------------------------------------------------------------------------


def _forces_msgids():
    ids = set()
    for path in (SRC / "forces" / "templates").rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        ids |= set(re.findall(r'{%\s*translate\s+"([^"]+)"', source))
        ids |= set(re.findall(r"{%\s*translate\s+'([^']+)'", source))
        for head, block in re.findall(r"{%\s*blocktranslate\b([^%]*)%}(.*?){%\s*endblocktranslate\s*%}", source, re.S):
            texts = tuple(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", t) for t in re.split(r"{%\s*plural\s*%}", block))
            ids.add(texts if re.search(r"\bcount\b", head) else texts[0])
    for name in ("forms.py", "views.py", "timeline.py", "queries.py"):
        source = (SRC / "forces" / name).read_text(encoding="utf-8")
        ids |= set(re.findall(r'(?<![\w.])(?:_|gettext_lazy)\("([^"]+)"\)', source))
    return ids


def test_every_forces_interface_string_has_a_russian_translation():
    with open(SRC / "locale" / "ru" / "LC_MESSAGES" / "django.mo", "rb") as f:
        catalogue = gettext.GNUTranslations(f)
    ids = _forces_msgids()
    assert len(ids) > 100
    untranslated = [i for i in ids if isinstance(i, str) and catalogue.gettext(i) == i]
    untranslated += [i for i in ids if isinstance(i, tuple) and catalogue.ngettext(i[0], i[1], 5) == i[1]]
    assert sorted(map(str, untranslated)) == []


def test_the_forms_are_shown_in_russian(kz_case, charlie, force_command):
    c = _client(charlie)
    c.post("/language/", {"language": "ru", "next": "/"})
    page = _text(c.get(f"/forces/cases/{kz_case.ref}/pledges/BY/"))
    assert "Записать вклад" in page and "Минск" in page
    c = _client(force_command)
    c.post("/language/", {"language": "ru", "next": "/"})
    page = _text(c.get(f"/forces/cases/{kz_case.ref}/"))
    assert "Добавить объект" in page and "аэропорт" in page
    assert "личный состав (всего)" in page and "personnel (total)" not in page


def test_a_contingent_returning_by_road_is_recorded_home(force_decided, ru_pledge, secretariat, force_command, bob):
    from crisisdesk.forces.models import Contingent, Force

    case = force_decided
    _client(secretariat).post(f"/forces/cases/{case.ref}/force/", {"commander": "Gen. X", "include_RU": "1",
                                                                    "returns_by_RU": "road"})
    c = _client(force_command)
    page = _text(c.get(f"/forces/cases/{case.ref}/"))
    assert "RU is home (by road)" in page
    assert "RU is home (by road)" not in _text(_client(bob).get(f"/forces/cases/{case.ref}/"))
    assert _client(bob).post(f"/forces/cases/{case.ref}/contingents/RU/returned/", {}).status_code == 403
    r = c.post(f"/forces/cases/{case.ref}/withdrawal/complete/", {})
    assert r.status_code == 409 and "there is no withdrawal plan" in _text(r)
    r = c.post(f"/forces/cases/{case.ref}/contingents/RU/returned/", {"at": "2022-01-05T12:00"})
    assert r.status_code == 400 and 'id="home-e-RU"' in _text(r)
    assert Contingent.objects.get(member="RU").returned_at is None
    r = c.post(f"/forces/cases/{case.ref}/contingents/RU/returned/", {"at": ""})
    assert r.status_code == 302 and Contingent.objects.get(member="RU").returned_at is not None
    assert len(_events(case, "forces:contingent:returned")) == 1
    assert c.post(f"/forces/cases/{case.ref}/contingents/RU/returned/", {}).status_code == 409
    assert c.post(f"/forces/cases/{case.ref}/withdrawal/complete/", {}).status_code == 302
    assert Force.objects.get(case=case).withdrawn_at is not None
