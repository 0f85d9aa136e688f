"""Figures from several sources side by side; the official one; reporting cadence and overdue alarms."""

from datetime import timedelta

from crisisdesk import clock
from crisisdesk.ledger.models import Event
from crisisdesk.sitreps.models import Alarm, Figure


def test_figures_side_by_side_and_official_with_reason(api, alice, bob, force_command, duty_officer, secretariat,
                                                      file_report):
    kz = file_report(alice, kind="casualty_damage_summary", confidence="Possible",
                     figures=[{"key": "security.killed", "value": 16}])
    fc = file_report(force_command, kind="casualty_damage_summary", confidence="Likely",
                     figures=[{"key": "security.killed", "value": 19}, {"key": "force.losses", "value": 0}])
    hidden = file_report(force_command, kind="casualty_damage_summary", released_to=["KZ"],
                         figures=[{"key": "security.killed", "value": 18}])
    side = api(bob).get("/api/sitreps/figures?case=kazakhstan-test").json()
    assert [(f["value"], f["source"], f["confidence"]) for f in side["security.killed"]] == [
        (16.0, "KZ", "Possible"), (19.0, "force_command", "Likely")]
    assert len(api(alice).get("/api/sitreps/figures?case=kazakhstan-test").json()["security.killed"]) == 3
    killed = {f["value"]: f["id"] for f in side["security.killed"]}
    # A delegate may not choose; the Centre may, with a reason.
    assert api(bob).post(f"/api/sitreps/figures/{killed[19.0]}/official", json={"reason": "x"}).status_code == 403
    assert api(duty_officer).post(f"/api/sitreps/figures/{killed[19.0]}/official",
                                  json={"reason": ""}).status_code == 422
    ok = api(duty_officer).post(f"/api/sitreps/figures/{killed[19.0]}/official",
                                json={"reason": "later count, Prosecutor General"})
    assert ok.status_code == 200 and ok.json()["official"] is True
    again = api(secretariat).post(f"/api/sitreps/figures/{killed[16.0]}/official", json={"reason": "head of state"})
    assert again.status_code == 200
    assert list(Figure.objects.filter(key="security.killed", official=True).values_list("value", flat=True)) == [16]
    event = Event.objects.filter(type="sitreps:figure:made_official").last()
    assert event.data["reason"] == "head of state" and event.data["replaces"] == [killed[19.0]]
    hidden_id = hidden["figures"][0]["id"]
    assert api(bob).post(f"/api/sitreps/figures/{hidden_id}/official", json={"reason": "x"}).status_code == 404
    assert api(bob).post("/api/sitreps/figures/999999/official", json={"reason": "x"}).status_code == 404
    del kz, fc


def test_cadence_overdue_alarm_and_clearing(api, alice, bob, force_command, duty_officer, kz_case, report_json, cli):
    start = clock.now() - timedelta(hours=20)
    assert api(bob).post("/api/sitreps/cadences", json={
        "case": kz_case.ref, "source": "force_command", "every_hours": 6}).status_code == 403
    response = api(duty_officer).post("/api/sitreps/cadences", json={
        "case": kz_case.ref, "source": "force_command", "every_hours": 6, "since": start.isoformat()})
    assert response.status_code == 200, response.content
    assert response.json()["overdue"] is True
    code, out, err = cli("sitreps", "check-overdue")
    assert code == 0 and "OVERDUE kazakhstan-test force_command" in out
    code, out, _ = cli("sitreps", "check-overdue")
    assert "0 new alarm" in out  # One alarm per missed due time, not one per check.
    alarms = api(alice).get(f"/api/sitreps/alarms?case={kz_case.ref}").json()
    assert [a["source"] for a in alarms] == ["force_command"]
    assert Event.objects.filter(type="sitreps:report:overdue").count() == 1
    api(force_command).post("/api/sitreps", json=report_json())
    assert api(alice).get(f"/api/sitreps/alarms?case={kz_case.ref}").json() == []
    assert Alarm.objects.get().cleared_by == "force_command"
    assert Event.objects.filter(type="sitreps:alarm:cleared").count() == 1
    rows = api(alice).get(f"/api/sitreps/cadences?case={kz_case.ref}").json()
    assert rows[0]["reports"] == 1 and rows[0]["late"] == 1 and rows[0]["overdue"] is False


def test_overdue_check_at_an_instant_and_bad_input(cli, duty_officer, kz_case):
    from crisisdesk.sitreps.actions import cadence_set

    cadence_set(user=duty_officer, case=kz_case, source="KZ", every_hours=12)
    code, out, _ = cli("sitreps", "check-overdue", "--at", (clock.now() + timedelta(hours=13)).isoformat())
    assert code == 0 and "OVERDUE kazakhstan-test KZ" in out
    code, out, err = cli("sitreps", "check-overdue", "--at", "tomorrow")
    assert code != 0 and "--at" in err
    code, out, err = cli("sitreps", "check-overdue", "--case", "nope")
    assert code == 1 and "no case" in err


def test_the_minute_timer_raises_overdue_alarms_too(cli, duty_officer, kz_case):
    """`crisisdesk tick`, the one command a timer runs, also checks the reporting cadence."""
    from crisisdesk.sitreps.actions import cadence_set

    cadence_set(user=duty_officer, case=kz_case, source="KZ", every_hours=6, since=clock.now() - timedelta(hours=7))
    code, out, err = cli("tick")
    assert code == 0, err
    assert "alarm: KZ on kazakhstan-test is overdue" in out
    assert Alarm.objects.filter(case=kz_case, source="KZ", cleared_at__isnull=True).count() == 1
    assert "alarm:" not in cli("tick")[1]  # one alarm per missed due time


def test_closed_case_raises_no_alarm(duty_officer, kz_case):
    from crisisdesk.sitreps.actions import cadence_set, check_overdue

    cadence_set(user=duty_officer, case=kz_case, source="KZ", every_hours=1,
                since=clock.now() - timedelta(hours=5))
    kz_case.status, kz_case.closed_at = "closed", clock.now() - timedelta(hours=1)
    kz_case.save()
    assert check_overdue() == []


def test_a_closed_case_takes_no_official_figure_and_no_cadence(api, duty_officer, secretariat, force_command,
                                                              kz_case, file_report):
    from crisisdesk.cases.actions import case_close

    report = file_report(force_command, kind="casualty_damage_summary", figures=[{"key": "security.killed", "value": 19}])
    case_close(case=kz_case, user=secretariat, reason="operation completed")
    client = api(duty_officer)
    before = Event.objects.count()
    figure = report["figures"][0]["id"]
    refused = client.post(f"/api/sitreps/figures/{figure}/official", json={"reason": "later count"})
    assert refused.status_code == 409 and refused.json()["error"] == "case_closed", refused.content
    refused = client.post("/api/sitreps/cadences", json={
        "case": kz_case.ref, "source": "force_command", "every_hours": 6})
    assert refused.status_code == 409 and refused.json()["error"] == "case_closed", refused.content
    added = list(Event.objects.order_by("seq").values_list("type", flat=True)[before:])
    assert added == [] and not Figure.objects.filter(official=True).exists(), added
