"""The full Kazakhstan 2022 replay, core and forces: deployment reaches 100 %, withdrawal completes."""

import pytest

from crisisdesk.analytics.tempo import case_tempo
from crisisdesk.scenarios.replay import ReplayContext, create_keys, create_logins, load_replay, play

pytestmark = pytest.mark.django_db


@pytest.fixture
def replayed(db):
    from crisisdesk.engines.procedures.simulate import shipped_charter_path
    from crisisdesk.forces.replay import replay_forces
    from crisisdesk.organization.actions import charter_load

    from django.contrib.auth import get_user_model

    from crisisdesk.organization.models import Post
    from crisisdesk.scenarios.replay import username_for

    charter_load(text=shipped_charter_path("csto").read_text(encoding="utf-8"), actor="test")
    # The session's seeded people may hold a demo login's name (e.g. "analyst"); this test's
    # transaction drops them so that the replay can create one login per post.
    names = [username_for(p.code) for p in Post.objects.filter(organisation__code="csto")]
    get_user_model().objects.filter(username__in=names).delete()
    ctx = ReplayContext(say=lambda line: None, scenario="kazakhstan-2022")
    ctx.users = create_logins("csto")
    create_keys(ctx, "csto")
    play(ctx, load_replay("kazakhstan-2022"))
    replay_forces(ctx)
    return ctx


def test_the_full_replay_deploys_and_withdraws_the_force(replayed, cli):
    from crisisdesk.events import EventType
    from crisisdesk.forces import queries
    from crisisdesk.forces.models import GuardedObject, Pledge, Sortie
    from crisisdesk.ledger.models import Event

    case = replayed.case
    case.refresh_from_db()
    assert case.status == "closed"
    deployed = queries.movement_progress(case, "deployment")
    assert deployed["percent"] == 100.0
    assert deployed["personnel"] == 2030 and deployed["vehicles"] == 250
    assert all(r["percent"] == 100.0 for r in deployed["rows"])
    withdrawn = queries.movement_progress(case, "withdrawal")
    assert withdrawn["percent"] == 100.0 and withdrawn["by_road"] == ["KG"]
    force = queries.force_of(case)
    assert force.commander == "Col.-Gen. A. N. Serdyukov"
    assert force.deployed_at.date().isoformat() == "2022-01-09"
    assert force.withdrawn_at.isoformat().startswith("2022-01-19")
    assert sorted(c.member for c in force.contingents.all()) == ["AM", "BY", "KG", "RU", "TJ"]
    assert Pledge.objects.get(case=case, member="KG").approval_status == "approved"
    # 14 objects: 7 named with their contingents, 7 unnamed; all handed back.
    objects = GuardedObject.objects.filter(case=case)
    assert objects.count() == 14
    assert objects.filter(name_en__startswith="unnamed object").count() == 7
    named = {o.name_en: o.contingent.member for o in objects.exclude(name_en__startswith="unnamed")}
    assert named["Almaty TPP-1"] == "TJ" and named["Almaty CHPP-2"] == "KG" and named["Druzhba water intake"] == "AM"
    assert not objects.filter(handed_back_at__isnull=True).exists()
    # The sorties landed on the historical days.
    landings = Sortie.objects.filter(case=case, plan__kind="deployment").values_list("landed_at", flat=True)
    days = {d.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Almaty")).day for d in landings}
    assert days <= {6, 7, 8, 9} and 6 in days
    # Every forces event carries its sources and how well its time is known.
    forces_events = Event.objects.filter(case_ref=case.ref, type__startswith="forces:").exclude(
        type=EventType.COMMANDER_APPOINTED)  # recorded by cases.actions.case_force_formed, without sources
    assert all("time_known" in e.data and "sources" in e.data for e in forces_events)
    started = [e for e in forces_events if e.type == EventType.WITHDRAWAL_STARTED and "first_sortie" in e.data]
    assert len(started) == 1 and started[0].at.date().isoformat() == "2022-01-13"
    gap = queries.gap(case)
    assert all(r["gap"] in (None, 0) for r in gap["rows"]), [r for r in gap["rows"] if r["gap"]]
    # The tempo still finds the first landing, the full deployment and the withdrawal.
    tempo = {t.label: t.duration.total_seconds() / 3600 for t in case_tempo(case.ref)}
    assert tempo["decision → first landing"] < 24
    assert 72 <= tempo["decision → full deployment"] <= 96
    assert 13 * 24 <= tempo["decision → withdrawal complete"] <= 14 * 24
    code, out, err = cli("audit", "verify")
    assert code == 0, err
