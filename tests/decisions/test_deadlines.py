"""Deadlines: reminders to members still due, escalation, and settlement by the clock."""

from datetime import datetime, timedelta

import pytest

from crisisdesk import clock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]


def _events(type_):
    from crisisdesk.ledger.models import Event

    return list(Event.objects.filter(type=type_))


def test_silence_is_adopted_by_the_clock_with_reminders_and_no_escalation(cli, kz_case, secretariat):
    from crisisdesk.decisions.actions import decision_circulate

    decision = decision_circulate(case=kz_case, user=secretariat, procedure="council-decision",
                                  purpose="deployment", mode="silence", text="Silent text")
    deadline = decision.current_text.deadline
    with clock.frozen_at(deadline - timedelta(hours=1)):
        assert cli("tick")[0] == 0
        assert cli("tick")[0] == 0  # idempotent: one reminder per offset
    assert len(_events("decision:deadline:reminded")) == 2  # the 6 h and 2 h reminders
    with clock.frozen_at(deadline + timedelta(seconds=1)):
        code, out, err = cli("tick")
    assert "adopted" in out
    decision.refresh_from_db()
    assert decision.outcome == "adopted"
    assert decision.decided_at == deadline
    kz_case.refresh_from_db()
    assert kz_case.status == "adopted"


def test_a_written_circulation_lapses_and_escalates_to_the_secretary_general(cli, kz_case, secretariat):
    from crisisdesk.decisions.actions import decision_circulate

    decision = decision_circulate(case=kz_case, user=secretariat, procedure="council-decision",
                                  purpose="deployment", mode="written", text="Text")
    with clock.frozen_at(decision.current_text.deadline + timedelta(minutes=5)):
        cli("tick")
    decision.refresh_from_db()
    assert decision.outcome == "lapsed"
    [escalation] = _events("decision:deadline:escalated")
    assert escalation.data["to"] == "secretary_general"
    assert escalation.data["due"] == ["AM", "BY", "KG", "KZ", "RU", "TJ"]


def test_an_appeal_that_never_gets_a_decision_is_closed_as_such(api, kz_case, secretariat, armen):
    response = api(armen).post(f"/api/cases/{kz_case.ref}/consultations", json={"note": "calls"})
    assert response.status_code == 200  # Armenia chairs in January 2022
    closed = api(secretariat).post(f"/api/cases/{kz_case.ref}/close", json={"reason": "no consensus reached"})
    assert closed.status_code == 200
    assert closed.json()["status"] == "no_decision"


def test_only_the_chair_or_the_secretariat_opens_consultations(api, kz_case, bob):
    assert api(bob).post(f"/api/cases/{kz_case.ref}/consultations", json={}).status_code == 403


def test_a_running_case_keeps_its_charter_version(kz_case, secretariat):
    from crisisdesk.decisions.actions import decision_circulate
    from crisisdesk.engines.procedures.simulate import shipped_charter_path
    from crisisdesk.organization.actions import charter_load

    text = shipped_charter_path("csto").read_text(encoding="utf-8")
    newer = text.replace('version: "2022.1"', 'version: "2024.1"').replace("immediately: PT12H", "immediately: PT24H")
    charter_load(text=newer, actor="test")
    decision = decision_circulate(case=kz_case, user=secretariat, procedure="council-decision",
                                  purpose="deployment", text="Text")
    text_row = decision.current_text
    assert kz_case.charter.version == "2022.1"
    assert text_row.deadline - text_row.circulated_at == timedelta(hours=12)


def test_loading_a_changed_charter_under_the_same_version_is_refused(cli, org, tmp_path):
    from crisisdesk.engines.procedures.simulate import shipped_charter_path

    changed = tmp_path / "csto.yaml"
    changed.write_text(shipped_charter_path("csto").read_text(encoding="utf-8").replace("PT12H", "PT6H"))
    code, out, err = cli("charter", "load", changed)
    assert code == 1
    assert "raise the version" in err


def test_the_openapi_schema_is_served(api, alice):
    response = api().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/decisions/{decision_id}/positions" in paths
    assert "/api/cases" in paths
