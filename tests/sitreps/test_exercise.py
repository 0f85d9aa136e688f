"""Exercise mode: timed injects play into a case marked as an exercise, on the injected clock."""

from datetime import datetime, timedelta, timezone

from crisisdesk.cases.models import Case
from crisisdesk.ledger.models import Event
from crisisdesk.sitreps.exercise import Pacer
from crisisdesk.sitreps.models import Alarm, Report


def test_shipped_script_plays_into_an_exercise_case(org, cli, alice, force_command, duty_officer):
    code, out, err = cli("exercise", "run", "steppe-shield", "--speed", "0")
    assert code == 0, err
    case = Case.objects.get(ref="steppe-shield")
    assert case.is_exercise
    reports = list(Report.objects.filter(case=case).order_by("number"))
    assert [r.status for r in reports] == ["Exercise"] * 3
    assert reports[0].filed_at == datetime(2025, 3, 3, 6, 15, tzinfo=timezone.utc)
    assert Alarm.objects.filter(case=case).count() == 1  # force command silent for more than 1 h
    types = list(Event.objects.filter(case_ref=case.ref).values_list("type", flat=True))
    assert types[1] == "sitreps:exercise:started" and types[-1] == "sitreps:exercise:ended"


def test_bad_scripts_are_refused(org, cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("exercise: {host: KZ}\n")
    code, _, err = cli("exercise", "run", str(bad))
    assert code == 1 and "exercise" in err
    code, _, err = cli("exercise", "run", "no-such-script")
    assert code == 1 and "no exercise script" in err
    code, _, err = cli("exercise", "run", "steppe-shield", "--speed", "-1")
    assert code != 0


def test_pacer_scales_exercise_time_to_wall_time():
    slept = []
    start = datetime(2022, 1, 5, tzinfo=timezone.utc)
    pacer = Pacer(60, start, sleep=slept.append)
    pacer.until(start + timedelta(minutes=30))
    pacer.until(start + timedelta(minutes=10))  # earlier: no wait
    assert len(slept) == 1 and 29 < slept[0] <= 30
