"""Exercise mode: timed injects play into a case marked as an exercise, on the injected clock."""

from datetime import datetime, timedelta, timezone

import pytest

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


@pytest.mark.django_db(transaction=True)
def test_the_2022_replay_unfolds_as_an_exercise_with_its_forces_and_reports(cli):
    """Decisions, sorties and reports play as one timeline (not one after another), so a map
    watching the exercise sees them in the order they happened."""
    from crisisdesk.engines.procedures.simulate import shipped_charter_path
    from crisisdesk.forces.models import GuardedObject, Sortie
    from crisisdesk.organization.actions import charter_load
    from crisisdesk.organization.models import CharterVersion
    from crisisdesk.scenarios.replay import create_logins

    if not CharterVersion.objects.exists():
        charter_load(text=shipped_charter_path("csto").read_text(encoding="utf-8"), actor="test")
    create_logins("csto")
    code, out, err = cli("exercise", "replay", "kazakhstan-2022", "--speed", "0", "--ref", "kz-drill")
    assert code == 0, err
    case = Case.objects.get(ref="kz-drill")
    assert case.is_exercise and case.status == "closed"
    assert Sortie.objects.filter(plan__case=case, status="landed").count() > 50
    assert GuardedObject.objects.filter(case=case).count() == 14
    assert set(Report.objects.filter(case=case).values_list("status", flat=True)) <= {"Exercise", "Test"}
    types = list(Event.objects.filter(case_ref="kz-drill").order_by("seq").values_list("type", flat=True))
    closed = types.index("case:case:closed")
    first_report = next(i for i, t in enumerate(types) if t == "sitreps:report:filed")
    first_landing = next(i for i, t in enumerate(types) if t == "forces:sortie:landed")
    assert first_landing < first_report < closed
    assert not [t for t in types[closed:] if t.startswith(("sitreps:report", "forces:sortie"))]
    times = list(Event.objects.filter(case_ref="kz-drill").order_by("seq").values_list("at", flat=True))
    assert sum(b < a for a, b in zip(times, times[1:])) <= len(times) // 20
