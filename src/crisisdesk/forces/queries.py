"""Reads of forces through the access funnels: gap view, progress, plans, sorties, map features.

Forces records follow their case: whoever may see the case (access.access_case) may read them.
Objects named by user input (a plan, a sortie, an object) are reached only through the funnels
below, which go through their case's funnel.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from crisisdesk.accounts import access
from crisisdesk.errors import NotFound
from crisisdesk.forces.airlift import member_of_unit, vehicle_class
from crisisdesk.forces.models import AirliftPlan, Contingent, Force, GuardedObject, Pledge, Requirement, Sortie
from crisisdesk.web import labels


def _pk(value, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(f"no {what} {value!r}") from None


def access_plan(user, plan_id) -> AirliftPlan:
    plan = AirliftPlan.objects.select_related("case").filter(pk=_pk(plan_id, "plan")).first()
    if plan is None:
        raise NotFound(f"no plan {plan_id!r}")
    access.access_case(user, plan.case.ref)
    return plan


def access_sortie(user, sortie_id) -> Sortie:
    sortie = Sortie.objects.select_related("case", "plan").filter(pk=_pk(sortie_id, "sortie")).first()
    if sortie is None:
        raise NotFound(f"no sortie {sortie_id!r}")
    access.access_case(user, sortie.case.ref)
    return sortie


def access_object(user, object_id) -> GuardedObject:
    obj = GuardedObject.objects.select_related("case", "contingent").filter(pk=_pk(object_id, "object")).first()
    if obj is None:
        raise NotFound(f"no object {object_id!r}")
    access.access_case(user, obj.case.ref)
    return obj


# -- gap view ----------------------------------------------------------------------------------


def _counted(pledge: Pledge) -> bool:
    return pledge.approval_status != Pledge.Approval.REFUSED


def _key_name(key: str) -> str:
    """The reader's name for a category or class key of the data; an unknown key as it is."""
    return labels.label(labels.FORCES, key)


def gap(case) -> dict:
    """Requirements against pledges, per capability and per state."""
    req = Requirement.objects.filter(case=case).first()
    pledges = list(Pledge.objects.filter(case=case))
    members = [p.member for p in pledges]
    rows = []

    def row(capability: str, label: str, title: str, required, per_state: dict[str, float]):
        pledged = sum(v for m, v in per_state.items() if _counted(next(p for p in pledges if p.member == m)))
        pending = sum(v for m, v in per_state.items()
                      if next(p for p in pledges if p.member == m).approval_status == Pledge.Approval.PENDING)
        # `label` is the API's stable English name; `title` is the same in the reader's language.
        rows.append({"capability": capability, "label": label, "title": title, "required": required,
                     "pledged": pledged, "pending": pending, "gap": None if required is None else pledged - required,
                     "states": [per_state.get(m, 0) for m in members],
                     "by_state": {m: per_state.get(m, 0) for m in members}})

    row("personnel", "personnel (total)", _("personnel (total)"),
        req.personnel_total() if req and req.personnel else None, {p.member: p.personnel for p in pledges})
    categories = sorted(set(req.personnel if req else {}) | {c for p in pledges for c in p.personnel_by_category})
    for cat in categories:
        row(f"personnel:{cat}", f"personnel: {cat}", _("personnel: %(category)s") % {"category": _key_name(cat)},
            (req.personnel.get(cat) if req else None), {p.member: p.personnel_by_category.get(cat, 0) for p in pledges})
    row("vehicles", "vehicles (total)", _("vehicles (total)"),
        req.vehicles_total() if req and req.vehicles else None, {p.member: p.vehicles_total() for p in pledges})
    classes = sorted(set(req.vehicles if req else {}) | {v.get("class") or vehicle_class(v["type"])
                                                         for p in pledges for v in p.vehicles})
    for cls in classes:
        row(f"vehicles:{cls}", f"vehicles: {cls}", _("vehicles: %(class)s") % {"class": _key_name(cls)},
            (req.vehicles.get(cls) if req else None),
            {p.member: sum(v["count"] for v in p.vehicles if (v.get("class") or vehicle_class(v["type"])) == cls)
             for p in pledges})
    row("sustainment:cargo_kg", "sustainment: cargo (kg)", _("sustainment: cargo (kg)"),
        (req.sustainment.get("cargo_kg") if req else None), {p.member: p.cargo_kg for p in pledges})
    states = [{"member": p.member, "personnel": p.personnel, "vehicles": p.vehicles_total(), "cargo_kg": p.cargo_kg,
               "home_airfield": p.home_airfield, "destination": p.destination, "ready_at": p.ready_at,
               "readiness": p.readiness, "approval_needed": p.approval_needed, "approval_status": p.approval_status,
               "approval_at": p.approval_at, "estimate": p.is_estimate, "sources": p.sources, "note": p.note,
               "in_force": Contingent.objects.filter(pledge=p).exists()} for p in pledges]
    return {"requirement": req, "members": members, "rows": rows, "states": states}


# -- movement progress -------------------------------------------------------------------------


def _pct(done: float, total: float) -> float:
    return 100.0 if total == 0 else round(100.0 * done / total, 1)


def movement_progress(case, kind: str = "deployment") -> dict:
    """Arrival per contingent and for the force, from the landed sorties of every tracked plan.

    A row's percentage is (personnel + vehicles done) / (personnel + vehicles to move):

    - deployment: landed, against the pledge;
    - withdrawal: landed home, against what landed in the deployment (what is there to bring
      back). A contingent that returns by road is a row with `by_road: True` that counts its
      pledge as done only once its return is recorded (`returned_at`).

    `plan` is the latest tracked plan of the kind, `plans` every tracked plan (oldest first: a
    supplementary plan follows the one it supplements); `counts` and the landings span them all.
    `personnel` and `vehicles` count what arrived by air.
    """
    from crisisdesk.forces.airlift import moved_by_member

    plans = list(AirliftPlan.objects.filter(case=case, kind=kind, is_active=True).order_by("computed_at", "pk"))
    plan = plans[-1] if plans else None
    contingents = list(Contingent.objects.filter(case=case).select_related("pledge"))
    planned_members = {member_of_unit(u["id"]) for p in plans for u in p.input["units"]}
    counts = {"planned": 0, "departed": 0, "landed": 0, "cancelled": 0}
    last = first = None
    landed = []
    for s in Sortie.objects.filter(plan__in=plans):
        counts[s.status] += 1
        if s.status != Sortie.Status.LANDED:
            continue
        last = s.landed_at if last is None or s.landed_at > last else last
        first = s.landed_at if first is None or s.landed_at < first else first
        landed.append(s.loads)
    done = {m: [a["personnel"], sum(a["vehicles"].values())] for m, a in moved_by_member(landed).items()}
    pledges = {p.member: p for p in Pledge.objects.filter(case=case)}
    if kind == AirliftPlan.Kind.DEPLOYMENT:
        need = {m: [p.personnel, p.vehicles_total()] for m, p in pledges.items()}
        road: dict[str, Contingent] = {}
        members = planned_members | {c.member for c in contingents}
    else:
        arrived = moved_by_member(s.loads for s in Sortie.objects.filter(
            case=case, plan__kind=AirliftPlan.Kind.DEPLOYMENT, status=Sortie.Status.LANDED))
        need = {m: [a["personnel"], sum(a["vehicles"].values())] for m, a in arrived.items()}
        road = {c.member: c for c in contingents if c.returns_by == "road"}
        members = planned_members | {c.member for c in contingents} | set(need)
    rows, by_road = [], []
    total_todo = total_done = air_todo = 0
    personnel = vehicles = 0
    for member in sorted(members):
        pledge = pledges.get(member)
        if member in road:
            by_road.append(member)
            home = road[member].returned_at
            figures = [pledge.personnel, pledge.vehicles_total()]
            got = figures if home is not None else [0, 0]
            total_todo += sum(figures)
            total_done += sum(got)
            rows.append({"member": member, "personnel": figures[0], "vehicles": figures[1],
                         "personnel_done": got[0], "vehicles_done": got[1], "percent": _pct(sum(got), sum(figures)),
                         "by_road": True, "returned_at": home})
            continue
        todo = need.get(member, [0, 0])
        got = done.get(member, [0, 0])
        got = [min(got[0], todo[0]), min(got[1], todo[1])]
        total_todo += sum(todo)
        air_todo += sum(todo)
        total_done += sum(got)
        personnel += got[0]
        vehicles += got[1]
        rows.append({"member": member, "personnel": todo[0], "vehicles": todo[1], "personnel_done": got[0],
                     "vehicles_done": got[1],
                     "percent": _pct(sum(got), sum(todo)) if plan is not None or not sum(todo) else 0.0,
                     "by_road": False, "returned_at": None})
    # Without a plan nothing has flown; only a withdrawal wholly by road can then be complete.
    percent = _pct(total_done, total_todo) if rows and (plan is not None or air_todo == 0) else 0.0
    return {"kind": kind, "plan": plan, "plans": plans, "rows": rows, "percent": percent, "personnel": personnel,
            "vehicles": vehicles, "by_road": by_road, "counts": counts, "landed_sorties": counts["landed"],
            "first_landing": first, "last_landing": last}


def force_of(case) -> Force | None:
    return Force.objects.filter(case=case).first()


def plans_of(case) -> list[AirliftPlan]:
    return list(AirliftPlan.objects.filter(case=case).order_by("-computed_at", "-pk"))


def sorties_of(case, *, plan: AirliftPlan | None = None, status: str | None = None) -> list[Sortie]:
    qs = Sortie.objects.filter(case=case).select_related("plan")
    qs = qs.filter(plan=plan) if plan is not None else qs.filter(plan__is_active=True)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("planned_departure", "number"))


def objects_of(case) -> list[GuardedObject]:
    return list(GuardedObject.objects.filter(case=case).select_related("contingent").order_by("pk"))


# -- the map -----------------------------------------------------------------------------------


def map_features(user, case) -> dict:
    """GeoJSON features for the sitreps map: contingents, guarded objects, sorties in the air."""
    from crisisdesk.forces.airlift import catalogue

    access.access_case(user, case.ref)
    fields = catalogue()["airfields"]

    def point(lat, lon):
        return {"type": "Point", "coordinates": [lon, lat]}

    objects = []
    for o in objects_of(case):
        if o.lat is None:
            continue
        objects.append({"type": "Feature", "geometry": point(o.lat, o.lon), "properties": {
            "id": o.pk, "name_en": o.name_en, "name_ru": o.name_ru, "kind": o.kind, "precision": o.precision,
            "state": o.contingent.member if o.contingent else "", "status": o.status,
            "guarded_from": o.guarded_from.isoformat() if o.guarded_from else None,
            "handed_back_at": o.handed_back_at.isoformat() if o.handed_back_at else None,
            "sources": o.sources}})
    contingents = []
    progress = {r["member"]: r for r in movement_progress(case)["rows"]}
    for c in Contingent.objects.filter(case=case).select_related("pledge"):
        dest = fields.get(c.pledge.destination)
        if dest is None or dest.get("status") == "assumed":
            continue
        contingents.append({"type": "Feature", "geometry": point(dest["lat"], dest["lon"]), "properties": {
            "state": c.member, "personnel": c.pledge.personnel, "vehicles": c.pledge.vehicles_total(),
            "arrival_percent": progress.get(c.member, {}).get("percent", 0), "airfield": c.pledge.destination}})
    sorties = []
    for s in Sortie.objects.filter(case=case, plan__is_active=True, status=Sortie.Status.DEPARTED):
        a, b = fields.get(s.origin), fields.get(s.destination)
        if a is None or b is None:
            continue
        sorties.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [
            [a["lon"], a["lat"]], [b["lon"], b["lat"]]]}, "properties": {
            "id": s.pk, "aircraft": s.aircraft, "origin": s.origin, "destination": s.destination,
            "movement": s.plan.kind, "departed_at": s.departed_at.isoformat() if s.departed_at else None}})
    return {"contingents": {"type": "FeatureCollection", "features": contingents},
            "guarded_objects": {"type": "FeatureCollection", "features": objects},
            "sorties": {"type": "FeatureCollection", "features": sorties}}
