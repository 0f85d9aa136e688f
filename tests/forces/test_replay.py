"""The full Kazakhstan 2022 replay, core and forces: deployment reaches 100 %, withdrawal completes,
and the dates keep to the record (../shared/reference/kazakhstan-2022.md), read back from the ledger."""

import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from crisisdesk.analytics.tempo import case_tempo
from crisisdesk.scenarios.replay import ReplayContext, create_keys, create_logins, load_replay, play

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")
HOME = {"AM": ZoneInfo("Asia/Yerevan"), "BY": ZoneInfo("Europe/Minsk"), "TJ": ZoneInfo("Asia/Dushanbe"),
        "KG": ZoneInfo("Asia/Bishkek"), "RU": ZoneInfo("Europe/Moscow")}
MOSCOW = HOME["RU"]
WITHDRAWAL_EVENTS = ("forces:withdrawal:started", "forces:object:handed_back", "forces:contingent:returned",
                     "forces:withdrawal:completed")


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


def _day(moment, zone=ALMATY) -> date:
    return moment.astimezone(zone).date()


def _jan(day: int) -> date:
    return date(2022, 1, day)


def test_the_full_replay_deploys_and_withdraws_the_force(replayed, cli):
    from crisisdesk.forces import queries
    from crisisdesk.forces.models import Pledge

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
    assert sorted(c.member for c in force.contingents.all()) == ["AM", "BY", "KG", "RU", "TJ"]
    assert Pledge.objects.get(case=case, member="KG").approval_status == "approved"
    gap = queries.gap(case)
    assert all(r["gap"] in (None, 0) for r in gap["rows"]), [r for r in gap["rows"] if r["gap"]]
    # The tempo still finds the first landing, the full deployment and the withdrawal.
    tempo = {t.label: t.duration.total_seconds() / 3600 for t in case_tempo(case.ref)}
    assert tempo["decision → first landing"] < 24
    assert 72 <= tempo["decision → full deployment"] <= 96
    assert 13 * 24 <= tempo["decision → withdrawal complete"] <= 14 * 24
    code, out, err = cli("audit", "verify")
    assert code == 0, err

    events = _forces_events(case)
    _check_sources(events)
    _check_force_and_deployment(case, events)
    _check_nur_sultan(case)
    _check_withdrawal(case, events)
    _check_objects(case, events)


def _forces_events(case) -> list:
    from crisisdesk.events import EventType
    from crisisdesk.ledger.models import Event

    return list(Event.objects.filter(case_ref=case.ref, type__startswith="forces:").exclude(
        type=EventType.COMMANDER_APPOINTED).order_by("seq"))  # recorded by cases.actions, without sources


def _check_sources(events) -> None:
    """Every forces event says how well its time is known and cites sources the data resolves."""
    from importlib import resources

    from crisisdesk.forces.replay import DATA, load_data

    known = set(load_data()["sources"])
    for e in events:
        assert "time_known" in e.data and "sources" in e.data, (e.type, e.data)
        assert set(e.data["sources"]) <= known, (e.type, set(e.data["sources"]) - known)
        if e.type.startswith("forces:sortie:"):
            # Sortie times are the plan's: marked, and dated by the sources of the units aboard.
            assert e.data["synthetic"] is True and e.data["sources"], e.data
    # Every source key cited anywhere in the data resolves.
    text = (resources.files("crisisdesk.scenarios") / "data" / DATA).read_text(encoding="utf-8")
    cited = {k.strip() for group in re.findall(r"\[([A-Z0-9, ]+)\]", text) for k in group.split(",")}
    assert cited <= known, cited - known
    plans = [e for e in events if e.type == "forces:plan:computed"]
    assert [e.data["kind"] for e in plans] == ["deployment", "withdrawal"]
    # The plans pack aircraft fully; the flights of 2022 are recorded beside them.
    assert "more than 108 flights in 4 days" in plans[0].data["recorded"]
    assert "more than 100 flights out" in plans[1].data["recorded"]


def _sorties(events, movement: str, status: str) -> list:
    return [e for e in events if e.type == f"forces:sortie:{status}" and e.data["movement"] == movement]


def _check_force_and_deployment(case, events) -> None:
    deployment_decision = case.decisions.get(purpose="deployment").decided_at
    # The defence ministers form the force the day after the heads' decision (dates in Moscow).
    formed = next(e for e in events if e.type == "forces:force:formed")
    assert _day(deployment_decision, MOSCOW) == _jan(6) and _day(formed.at, MOSCOW) == _jan(7)
    assert formed.data["time_known"] == "date_only" and "SEED" in formed.data["sources"]
    departed = _sorties(events, "deployment", "departed")
    landed = _sorties(events, "deployment", "landed")
    assert all(e.at > deployment_decision for e in departed)
    # Landings on the historical days: the first on 6 Jan, the day of the decision, all by 9 Jan.
    days = {_day(e.at) for e in landed}
    assert min(days) == _jan(6) and days <= {_jan(d) for d in (6, 7, 8, 9)}, days
    first = min(landed, key=lambda e: e.at)
    assert first.data["states"] == ["RU"] and first.data["destination"] in ("UAAA", "UACC")

    def of(member, sorties):
        return [e for e in sorties if member in e.data["states"]]

    # Belarus's first Il-76 left Machulishchi on 6 Jan at about 15:10 local time [BELSAT].
    by_first = min(e.at for e in of("BY", departed))
    assert _day(by_first, HOME["BY"]) == _jan(6) and by_first.astimezone(HOME["BY"]).hour >= 15
    # Kyrgyzstan: its parliament voted on 7 Jan and the contingent flew the same day [SEED].
    vote = next(e for e in events if e.type == "forces:pledge:approved" and e.data["state"] == "KG")
    assert _day(vote.at, HOME["KG"]) == _jan(7)
    assert of("KG", departed) and all(e.at > vote.at for e in of("KG", departed))
    assert {_day(e.at, HOME["KG"]) for e in of("KG", departed) + of("KG", landed)} == {_jan(7)}
    # Tajikistan flew on 7 Jan, leaving before 20:10 Dushanbe time [TJSP]; Armenia arrived by 8 Jan [LIFE].
    assert {_day(e.at, HOME["TJ"]) for e in of("TJ", departed)} == {_jan(7)}
    assert min(e.at for e in of("TJ", departed)).astimezone(HOME["TJ"]).hour < 20
    assert {_day(e.at) for e in of("AM", landed)} <= {_jan(7), _jan(8)}
    # Complete on 9 Jan, after the last landing.
    complete = next(e for e in events if e.type == "forces:deployment:completed")
    assert _day(complete.at) == _jan(9) and complete.at >= max(e.at for e in landed)
    assert complete.data["personnel"] == 2030 and complete.data["vehicles"] == 250


def _check_nur_sultan(case) -> None:
    """The force was stationed in Nur-Sultan too: three transport aircraft landed in the capital
    [SEED], and the last aircraft left Nur-Sultan and Almaty on 19 Jan [KURS]."""
    from crisisdesk.forces.models import Sortie

    flown = Sortie.objects.filter(case=case, plan__is_active=True, status="landed")
    assert flown.filter(plan__kind="deployment", destination="UACC").count() == 3
    back = list(flown.filter(plan__kind="withdrawal"))
    last_day = [s for s in back if _day(s.departed_at) == _jan(19)]
    assert len(last_day) == 4 and {s.origin for s in last_day} == {"UACC", "UAAA"}
    assert all(_day(s.departed_at) < _jan(19) for s in back if s not in last_day)
    assert {s.origin for s in back if s.origin == "UACC"} and all(
        _day(s.departed_at) == _jan(19) for s in back if s.origin == "UACC")


def _check_objects(case, events) -> None:
    from crisisdesk.forces.models import GuardedObject

    objects = GuardedObject.objects.filter(case=case).select_related("contingent")
    assert objects.count() == 14
    assert objects.filter(name_en__startswith="unnamed object").count() == 7
    named = {o.name_en: o for o in objects.exclude(name_en__startswith="unnamed")}
    members = {name: o.contingent.member for name, o in named.items()}
    assert members["Almaty TPP-1"] == "TJ" and members["Almaty CHPP-2"] == "KG" and members["Druzhba water intake"] == "AM"
    assert members["Almaty International Airport"] == "RU" and members["Military airfield (Zhetygen)"] == "BY"
    formed = next(e.at for e in events if e.type == "forces:force:formed")
    landed = _sorties(events, "deployment", "landed")
    for o in named.values():  # taken under guard after the force was formed and its guards landed
        first = min(e.at for e in landed if o.contingent.member in e.data["states"])
        assert o.guarded_from > max(formed, first), o.name_en
    # Five of the unnamed objects were taken under guard on 11 Jan [TELL].
    guarded = [e for e in events if e.type == "forces:object:guarded" and "TELL" in e.data["sources"]]
    assert len(guarded) == 5 and {_day(e.at) for e in guarded} == {_jan(11)}
    assert not objects.filter(handed_back_at__isnull=True).exists()
    # Almaty airport stays guarded until the last aircraft leaves Almaty on 19 Jan.
    assert _day(named["Almaty International Airport"].handed_back_at) == _jan(19)
    # The Kyrgyz left CHPP-2 on 14 Jan [ARMR14]; Armenia's and Tajikistan's objects were handed back
    # that day too, before they left.
    for name in ("Almaty CHPP-2", "Almaty TPP-1", "Aksai bread factory", "Druzhba water intake"):
        assert _day(named[name].handed_back_at) == _jan(14), name


def _check_withdrawal(case, events) -> None:
    from crisisdesk.forces.models import GuardedObject

    # The defence ministers' withdrawal order of 13 Jan [ARMP] starts the withdrawal: nothing of
    # it (plan, sorties, objects, the road return, completion) is dated before that decision.
    decision = case.decisions.get(purpose="withdrawal").decided_at
    assert _day(decision) == _jan(13)
    out = [e for e in events if e.type in WITHDRAWAL_EVENTS
           or (e.type.startswith("forces:sortie:") and e.data["movement"] == "withdrawal")
           or (e.type == "forces:plan:computed" and e.data["kind"] == "withdrawal")]
    assert len(out) > 14 * 2
    early = [(e.type, e.at.isoformat()) for e in out if e.at < decision]
    assert not early, early
    assert all(o.handed_back_at >= decision for o in GuardedObject.objects.filter(case=case))
    # It starts on 13 Jan with the first (Russian) flights [IFXC, ARMR13].
    started = [e for e in events if e.type == "forces:withdrawal:started"]
    assert len(started) == 1 and _day(started[0].at) == _jan(13)
    assert {"IFXC", "ARMR13"} <= set(started[0].data["sources"])
    departed = _sorties(events, "withdrawal", "departed")
    landed = _sorties(events, "withdrawal", "landed")

    def of(member, sorties):
        return [e for e in sorties if member in e.data["states"]]

    assert min(departed, key=lambda e: e.at).data["states"] == ["RU"]
    # Armenia, Belarus and Tajikistan left on 14 Jan [ARMR14, CHK], and landed home that day.
    for member in ("AM", "BY", "TJ"):
        assert of(member, departed), member
        assert {_day(e.at) for e in of(member, departed)} == {_jan(14)}, member
        assert _day(max(e.at for e in of(member, landed)), HOME[member]) == _jan(14), member
    # Russia's units flew out over 13-19 Jan [IFXC, PROF, RIA16, IFX18, KURS].
    assert {_day(e.at) for e in of("RU", departed)} <= {_jan(d) for d in range(13, 20)} - {_jan(14)}
    # Kyrgyzstan went home by road on 14 Jan, after handing back CHPP-2 [ARMR14].
    road = [e for e in events if e.type == "forces:contingent:returned"]
    assert len(road) == 1 and road[0].data["state"] == "KG" and _day(road[0].at, HOME["KG"]) == _jan(14)
    assert "ARMR14" in road[0].data["sources"]
    chpp = GuardedObject.objects.get(case=case, name_en="Almaty CHPP-2")
    assert chpp.handed_back_at < road[0].at
    # Complete on 19 Jan, no later than the 10:40 MSK report [KURS, LENTA19], after the last landing.
    done = next(e for e in events if e.type == "forces:withdrawal:completed")
    assert done.at.astimezone(MOSCOW).strftime("%d %H:%M") == "19 10:40" and done.data["time_known"] == "not_after"
    assert done.at >= max(e.at for e in landed)
