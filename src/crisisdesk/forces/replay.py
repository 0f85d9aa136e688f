"""The forces part of the Kazakhstan 2022 replay: pledges, the force, the airlift, objects, withdrawal.

Runs after the core replay (which leaves the case closed), through the real forces actions with
`historical=True` and the clock set to each step's time, so that every event is dated before the
case closed. Data: scenarios/data/forces-kazakhstan-2022.yaml. Every event carries `time_known`
and `sources`; sortie times are the computed plan's and are marked `synthetic` (their sources are
those that date the movement of the units aboard, not the sortie itself).

Each phase runs as one timeline in time order (sorties, the force's formation, the Kyrgyz vote,
objects, completion), so that the ledger reads as the operation unfolded. Nothing of a movement is
dated before the decision that started it: the replay refuses data that would be.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import yaml

from crisisdesk import clock
from crisisdesk.engines.procedures.timing import parse_instant

DATA = "forces-kazakhstan-2022.yaml"
SORTIE_NOTE = "time from the computed airlift plan; individual sorties of 2022 were not published"
HAND_BACK_LEAD = timedelta(hours=1)  # an object is shown handed back this long before its guards leave


class ReplayDataError(ValueError):
    """The replay data contradicts the record it replays (e.g. a withdrawal before its decision)."""


def load_data() -> dict:
    path = Path(str(resources.files("crisisdesk.scenarios") / "data" / DATA))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _note(step: dict, **extra) -> dict:
    out = {"time_known": step.get("time_known", "exact"), "sources": list(step.get("src", []))}
    if step.get("note"):
        out["note"] = " ".join(str(step["note"]).split())
    out.update(extra)
    return out


def _when(value) -> datetime:
    return parse_instant(value) if isinstance(value, str) else value


def _at(when):
    return clock.frozen_at(_when(when))


def _run(steps) -> None:
    """Run `(when, order, action)` steps in time order, each with the clock at its time."""
    for when, _order, _seq, action in sorted((w, o, i, a) for i, (w, o, a) in enumerate(steps)):
        with clock.frozen_at(when):
            action()


def decided_at(case, purpose: str) -> datetime | None:
    """When the case's decision of `purpose` (deployment, force, withdrawal...) was adopted."""
    from crisisdesk.decisions.models import Decision

    decision = Decision.objects.filter(case=case, purpose=purpose, decided_at__isnull=False).order_by(
        "decided_at").first()
    return decision.decided_at if decision else None


def _not_before(when: datetime, decision: datetime | None, what: str) -> None:
    if decision is not None and when < decision:
        raise ReplayDataError(f"{what} at {when.isoformat()} is dated before the decision that started it "
                              f"({decision.isoformat()})")


def _sources_by_unit(data: dict) -> dict[str, list[str]]:
    return {e["id"]: list(e.get("src", [])) for p in data["pledges"] for e in p["elements"]}


def _sortie_steps(plan, *, user, sources: dict[str, list[str]], decision: datetime | None = None) -> list:
    """The departure and landing of every planned sortie of `plan`, at its planned times."""
    from crisisdesk.forces.actions import sortie_set_status
    from crisisdesk.forces.models import Sortie

    def move(pk: int, status: str, note: dict):
        def action():
            sortie = Sortie.objects.select_related("case", "plan").get(pk=pk)
            sortie_set_status(sortie=sortie, user=user, status=status, historical=True, data=note)
        return action

    steps = []
    for s in Sortie.objects.filter(plan=plan, status=Sortie.Status.PLANNED):
        _not_before(s.planned_departure, decision, f"{plan.kind} sortie {s.number} ({s.origin}-{s.destination})")
        src = sorted({k for load in s.loads
                      for k in sources.get(load["unit"], sources.get(load["unit"].split("-")[0], []))})
        note = {"time_known": "approx", "synthetic": True, "sources": src, "note": SORTIE_NOTE}
        steps.append((s.planned_departure, 1, move(s.pk, "departed", note)))
        steps.append((s.planned_arrival, 2, move(s.pk, "landed", note)))
    return steps


def replay_forces(ctx) -> None:
    """Record the forces of the 2022 case `ctx.case` (already replayed by the core)."""
    from crisisdesk.forces import actions
    from crisisdesk.forces.models import AirliftPlan, GuardedObject, Sortie

    case = ctx.case
    if case is None or getattr(ctx, "scenario", "") != "kazakhstan-2022":
        return
    data = load_data()
    say = getattr(ctx, "say", None) or (lambda line: None)
    secretary, commander, duty = (ctx.user("secretary_general"), ctx.user("force_commander"),
                                  ctx.user("crc_duty_officer"))

    # The statement of requirements (reconstructed) and the pledges.
    req = data["requirement"]
    with _at(req["at"]):
        actions.requirement_set(case=case, user=secretary, tasks=req["tasks"], objects_to_guard=req["objects_to_guard"],
                                personnel=req["personnel"], vehicles=req["vehicles"], sustainment=req["sustainment"],
                                note=" ".join(req["note"].split()), historical=True, data=_note(req))
    for p in data["pledges"]:
        vehicles = Counter()
        for e in p["elements"]:
            vehicles.update(e["vehicles"])
        with _at(p["at"]):
            actions.pledge_record(
                case=case, user=ctx.user(f"{p['member']}.defence_minister"), member=p["member"],
                personnel=sum(e["personnel"] for e in p["elements"]),
                personnel_by_category={"peacekeepers": sum(e["personnel"] for e in p["elements"])},
                vehicles=[{"type": t, "count": n} for t, n in sorted(vehicles.items())],
                cargo_kg=sum(e["cargo_kg"] for e in p["elements"]), readiness=p.get("readiness", ""),
                home_airfield=p["home_airfield"], destination=p["destination"],
                ready_at=min(_when(e["ready_at"]) for e in p["elements"]), elements=p["elements"],
                approval_needed=p.get("approval_needed", ""), is_estimate=p.get("estimate", False),
                sources=p["src"], note=" ".join(p.get("note", "").split()), historical=True,
                data=_note(p, estimate=p.get("estimate", False)))

    # The deployment plan, computed from the pledges soon after the decision.
    with _at(data["plan_at"]):
        decision = decided_at(case, "deployment")
        _not_before(_when(data["plan_at"]), decision, "the deployment plan")
        deployment = actions.plan_compute(
            case=case, user=commander, kind="deployment", epoch=_when(data["epoch"]), time_limit=data["time_limit"],
            historical=True, data={"time_known": "approx", "synthetic": True, "sources": ["SEED", "GAZ1"],
                                   "note": "fleet: 70 Il-76 and 5 An-124 [GAZ1, TASSD]; parking assumed",
                                   "recorded": "more than 108 flights in 4 days [SEED, VPK1]; about 110 [TASSW]; "
                                               "almost 200 [SEED]"})
    say(f"forces: deployment plan {deployment.summary['sorties']} sorties, makespan "
        f"{deployment.summary['makespan_h']} h (bound {deployment.summary['lower_bound_makespan_h']} h)")

    # The deployment as one timeline: sorties fly from 6 Jan; the defence ministers form the force
    # on 7 Jan; Kyrgyzstan's parliament approves its pledge the same day, before its contingent
    # leaves; objects are taken under guard; the deployment is complete on 9 Jan.
    force = data["force"]
    formed = _when(force["at"])
    _not_before(formed, decision, "the force's formation")
    steps = _sortie_steps(deployment, user=duty, sources=_sources_by_unit(data), decision=decision)

    def form():
        actions.force_form(case=case, user=secretary, commander=force["commander"], tasks=force["tasks"],
                           returns_by={p["member"]: p.get("returns_by", "air") for p in data["pledges"]},
                           historical=True, data=_note(force))
    steps.append((formed, 0, form))
    for p in data["pledges"]:
        if p.get("approval"):
            a = p["approval"]

            def approve(p=p, a=a):
                actions.pledge_approval_set(case=case, user=ctx.user(f"{p['member']}.defence_minister"),
                                            member=p["member"], status="approved", act=a.get("act", ""),
                                            historical=True, data=_note(a))
            steps.append((_when(a["at"]), 0, approve))

    # Named objects are taken under guard after their contingent's first landing (and the force's
    # formation); the unnamed ones when the sources allow (see the data).
    first_landing = {}
    for s in Sortie.objects.filter(plan=deployment).order_by("planned_arrival"):
        for m in s.members():
            first_landing.setdefault(m, s.planned_arrival)
    city = data["city"]

    def guard(spec: dict, when: datetime, *, lat=None, lon=None, precision="unknown", state=None, extra=None,
              guard_note: dict):
        def action():
            obj = actions.object_add(case=case, user=commander, name_ru=spec["name_ru"], name_en=spec["name_en"],
                                     kind=spec["kind"], place=spec.get("place", ""), lat=lat, lon=lon,
                                     precision=precision, contingent=state, sources=spec["src"],
                                     note=" ".join(spec.get("note", "").split()), historical=True,
                                     data={"time_known": "unknown", "sources": spec["src"], **(extra or {})})
            actions.object_guard(obj=obj, user=commander, historical=True, data=guard_note)
        return (when, 3, action)

    for o in data["objects"]:
        lat, lon, precision = o.get("lat"), o.get("lon"), o.get("precision", "unknown")
        if o.get("city"):
            (lat, lon), precision = city[o["place"]], "city"
        guard_at = max(first_landing[o["state"]], formed) + timedelta(hours=1)
        steps.append(guard(o, guard_at, lat=lat, lon=lon, precision=precision, state=o["state"],
                           guard_note={"time_known": "unknown", "sources": o["src"],
                                       "note": "date not published; shown after the contingent's first landing"}))
    un = data["unnamed_objects"]
    assert sum(g["count"] for g in un["guarded"]) == un["count"]
    number = 0
    for g in un["guarded"]:
        for _ in range(g["count"]):
            number += 1
            steps.append(guard(un, _when(g["at"]), extra={"unnamed": number}, guard_note=_note(g)))

    done = data["deployment_complete"]
    steps.append((_when(done["at"]), 9, lambda: actions.deployment_complete(case=case, user=commander, historical=True,
                                                                           data=_note(done))))
    _run(steps)

    # The withdrawal: the reverse plan, computed after the defence ministers' withdrawal order;
    # objects handed back before their guards leave; sorties out; the road contingent's return.
    w = data["withdrawal"]
    with _at(w["plan_at"]):
        decision = decided_at(case, w.get("decision", "withdrawal"))
        if decision is None:
            raise ReplayDataError(f"no adopted {w.get('decision', 'withdrawal')} decision before "
                                  f"{_when(w['plan_at']).isoformat()}")
        _not_before(_when(w["plan_at"]), decision, "the withdrawal plan")
        ready = {k: _when(v["at"]) for k, v in w["ready_at"].items()}
        for unit, at in ready.items():
            _not_before(at, decision, f"the withdrawal of {unit}")
        withdrawal = actions.plan_compute(
            case=case, user=commander, kind="withdrawal", epoch=_when(w["epoch"]), ready_at=ready,
            time_limit=data["time_limit"], historical=True, data=_note(w, synthetic=True, recorded=w["recorded"]))
    say(f"forces: withdrawal plan {withdrawal.summary['sorties']} sorties, makespan {withdrawal.summary['makespan_h']} h")

    sources = {k: list(v.get("src", [])) for k, v in w["ready_at"].items()}
    steps = _sortie_steps(withdrawal, user=duty, sources=sources, decision=decision)
    first_departure, last_departure = {}, {}
    for s in Sortie.objects.filter(plan=withdrawal).order_by("planned_departure"):
        for m in s.members():
            first_departure.setdefault(m, s.planned_departure)
        last_departure[s.origin] = s.planned_departure
    start = min(first_departure.values())

    def hand_back_at(spec: dict, member: str | None) -> datetime:
        rule = spec.get("rule", "before_departure")
        if "at" in spec:
            return _when(spec["at"])
        if rule == "last_departure":
            return last_departure[spec["airfield"]]
        if rule == "withdrawal_start" or member not in first_departure:
            return start - HAND_BACK_LEAD
        return first_departure[member] - HAND_BACK_LEAD

    specs = {o["name_en"]: o.get("hand_back", {}) for o in data["objects"]}
    objects = list(GuardedObject.objects.filter(case=case).select_related("contingent").order_by("pk"))
    assert len(objects) == len(specs) + un["count"]
    for obj in objects:
        spec = specs.get(obj.name_en, un["hand_back"])
        member = obj.contingent.member if obj.contingent else None
        when = hand_back_at(spec, member)
        _not_before(when, decision, f"the hand-back of {obj.name_en}")
        text = spec.get("note", "handed back before the contingent left; date not published")
        note = {"time_known": spec.get("time_known", "unknown"), "sources": spec.get("src", obj.sources),
                "note": " ".join(text.split())}

        def hand_back(obj=obj, note=note):
            actions.object_hand_back(obj=obj, user=commander, historical=True, data=note)
        steps.append((when, 0, hand_back))

    for member, r in w.get("road", {}).items():
        when = _when(r["at"])
        _not_before(when, decision, f"the road return of {member}")

        def returned(member=member, r=r):
            actions.contingent_returned(case=case, user=commander, member=member, historical=True, data=_note(r))
        steps.append((when, 4, returned))
    end = w["complete"]
    steps.append((_when(end["at"]), 9, lambda: actions.withdrawal_complete(case=case, user=commander, historical=True,
                                                                          data=_note(end))))
    _run(steps)
    assert AirliftPlan.objects.filter(case=case, is_active=True).count() == 2
    say(f"forces: {GuardedObject.objects.filter(case=case).count()} guarded objects; deployment and withdrawal complete")
