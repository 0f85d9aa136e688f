"""The forces part of the Kazakhstan 2022 replay: pledges, the force, the airlift, objects, withdrawal.

Runs after the core replay (which leaves the case closed), through the real forces actions with
`historical=True` and the clock set to each step's time, so that every event is dated before the
case closed. Data: scenarios/data/forces-kazakhstan-2022.yaml. Every event carries `time_known`
and `sources`; sortie times are the computed plan's and are marked `synthetic`.
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


def _fly(ctx, plan, *, user, until: datetime | None = None) -> None:
    """Depart and land the sorties of `plan` at their planned times (those before `until`), in time order."""
    from crisisdesk.forces.actions import sortie_set_status
    from crisisdesk.forces.models import Sortie

    steps = []
    for s in Sortie.objects.filter(plan=plan, status__in=[Sortie.Status.PLANNED, Sortie.Status.DEPARTED]):
        if s.status == Sortie.Status.PLANNED and (until is None or s.planned_departure < until):
            steps.append((s.planned_departure, 0, s.pk, "departed"))
        if until is None or s.planned_arrival < until:
            steps.append((s.planned_arrival, 1, s.pk, "landed"))
    note = {"time_known": "approx", "synthetic": True, "sources": [], "note": SORTIE_NOTE}
    for when, _order, pk, status in sorted(steps):
        with clock.frozen_at(when):
            sortie = Sortie.objects.select_related("case", "plan").get(pk=pk)
            sortie_set_status(sortie=sortie, user=user, status=status, historical=True, data=note)


def replay_forces(ctx) -> None:
    """Record the forces of the 2022 case `ctx.case` (already replayed by the core)."""
    from crisisdesk.forces import actions
    from crisisdesk.forces.models import AirliftPlan, Contingent, GuardedObject, Sortie

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
        deployment = actions.plan_compute(case=case, user=commander, kind="deployment", epoch=_when(data["epoch"]),
                                          time_limit=data["time_limit"], historical=True,
                                          data={"time_known": "approx", "synthetic": True, "sources": ["SEED", "GAZ1"],
                                                "note": "fleet: 70 Il-76 and 5 An-124 [GAZ1, TASSD]; parking assumed"})
    say(f"forces: deployment plan {deployment.summary['sorties']} sorties, makespan "
        f"{deployment.summary['makespan_h']} h (bound {deployment.summary['lower_bound_makespan_h']} h)")

    # Sorties fly from 6 Jan; the defence ministers form the force on 7 Jan; Kyrgyzstan's parliament
    # approves its pledge the same day, before its contingent may leave.
    force = data["force"]
    _fly(ctx, deployment, user=duty, until=_when(force["at"]))
    with _at(force["at"]):
        actions.force_form(case=case, user=secretary, commander=force["commander"], tasks=force["tasks"],
                           returns_by={p["member"]: p.get("returns_by", "air") for p in data["pledges"]},
                           historical=True, data=_note(force))
    for p in data["pledges"]:
        if p.get("approval"):
            a = p["approval"]
            _fly(ctx, deployment, user=duty, until=_when(a["at"]))
            with _at(a["at"]):
                actions.pledge_approval_set(case=case, user=ctx.user(f"{p['member']}.defence_minister"),
                                            member=p["member"], status="approved", act=a.get("act", ""),
                                            historical=True, data=_note(a))
    _fly(ctx, deployment, user=duty)

    # Guarded objects, taken under guard when their contingent first landed.
    first_landing = {}
    for s in Sortie.objects.filter(plan=deployment).order_by("landed_at"):
        for m in s.members():
            first_landing.setdefault(m, s.landed_at)
    city = data["city"]
    objects = []
    for o in data["objects"]:
        lat, lon, precision = o.get("lat"), o.get("lon"), o.get("precision", "unknown")
        if o.get("city"):
            (lat, lon), precision = city[o["place"]], "city"
        guard_at = max(first_landing[o["state"]], parse_instant(force["at"])) + timedelta(hours=1)
        with _at(guard_at):
            obj = actions.object_add(case=case, user=commander, name_ru=o["name_ru"], name_en=o["name_en"],
                                     kind=o["kind"], place=o.get("place", ""), lat=lat, lon=lon, precision=precision,
                                     contingent=o["state"], sources=o["src"], note=o.get("note", ""), historical=True,
                                     data={"time_known": "unknown", "sources": o["src"]})
            actions.object_guard(obj=obj, user=commander, historical=True,
                                 data={"time_known": "unknown", "sources": o["src"],
                                       "note": "date not published; shown after the contingent's first landing"})
        objects.append(obj)
    un = data["unnamed_objects"]
    for i in range(un["count"]):
        with _at(un["guarded_at"]):
            obj = actions.object_add(case=case, user=commander, name_ru=un["name_ru"], name_en=un["name_en"],
                                     kind=un["kind"], sources=un["src"], note=un["note"], historical=True,
                                     data={"time_known": "unknown", "sources": un["src"], "unnamed": i + 1})
            actions.object_guard(obj=obj, user=commander, historical=True,
                                 data={"time_known": "unknown", "sources": un["src"],
                                       "note": "the guarding contingent and date are not published"})
        objects.append(obj)

    done = data["deployment_complete"]
    with _at(done["at"]):
        actions.deployment_complete(case=case, user=commander, historical=True, data=_note(done))

    # The withdrawal: the reverse plan, objects handed back before each contingent leaves, sorties out.
    w = data["withdrawal"]
    with _at(w["plan_at"]):
        withdrawal = actions.plan_compute(
            case=case, user=commander, kind="withdrawal", epoch=_when(w["epoch"]),
            ready_at={k: _when(v) for k, v in w["ready_at"].items()}, time_limit=data["time_limit"], historical=True,
            data=_note(w, synthetic=True))
    say(f"forces: withdrawal plan {withdrawal.summary['sorties']} sorties, makespan {withdrawal.summary['makespan_h']} h")
    first_departure = {}
    for s in Sortie.objects.filter(plan=withdrawal).order_by("planned_departure"):
        for m in s.members():
            first_departure.setdefault(m, s.planned_departure)
    road = set(Contingent.objects.filter(case=case, returns_by="road").values_list("member", flat=True))
    ru_first = first_departure.get("RU")
    for obj in GuardedObject.objects.filter(case=case).select_related("contingent").order_by("pk"):
        member = obj.contingent.member if obj.contingent else None
        if member in road:  # left by road with the first departures of 13-14 Jan [ARMR14]
            leave = min(first_departure.values())
        else:
            leave = first_departure.get(member, ru_first)
        with _at(leave - timedelta(hours=2)):
            actions.object_hand_back(obj=obj, user=commander, historical=True,
                                     data={"time_known": "unknown", "sources": obj.sources,
                                           "note": "handed back before the contingent left; date not published"})
    _fly(ctx, withdrawal, user=duty)
    end = w["complete"]
    with _at(end["at"]):
        actions.withdrawal_complete(case=case, user=commander, historical=True, data=_note(end))
    assert AirliftPlan.objects.filter(case=case, is_active=True).count() == 2
    say(f"forces: {GuardedObject.objects.filter(case=case).count()} guarded objects; deployment and withdrawal complete")
