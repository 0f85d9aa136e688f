"""The forces API under /api/forces/: requirements, pledges, gap, force, plans, sorties, objects.

Reads follow the case's visibility (access.access_case); writes are checked by the actions
(a delegate changes only their own state's pledge; the secretariat and force command manage the
rest). Errors are `{"error", "detail"}` with a 4xx status.
"""

from datetime import datetime
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from crisisdesk.accounts import access
from crisisdesk.errors import DomainError
from crisisdesk.forces import actions, queries
from crisisdesk.forces.models import AirliftPlan, GuardedObject, Pledge, Requirement, Sortie

router = Router(tags=["forces"])


# -- schemas -----------------------------------------------------------------------------------


class ObjectNeed(Schema):
    kind: str = Field(min_length=1, max_length=40)
    count: int = Field(default=1, ge=0)
    note: str = Field(default="", max_length=500)


class RequirementIn(Schema):
    tasks: list[str] = Field(max_length=50)
    objects_to_guard: list[ObjectNeed] = Field(default_factory=list, max_length=100)
    personnel: dict[str, int] = Field(default_factory=dict)
    vehicles: dict[str, int] = Field(default_factory=dict)
    sustainment: dict[str, float | str] = Field(default_factory=dict)
    note: str = Field(default="", max_length=5000)


class RequirementOut(Schema):
    case: str
    tasks: list[str]
    objects_to_guard: list[dict]
    personnel: dict
    vehicles: dict
    sustainment: dict
    note: str
    updated_at: datetime

    @staticmethod
    def build(r: Requirement) -> "RequirementOut":
        return RequirementOut(case=r.case.ref, tasks=r.tasks, objects_to_guard=r.objects_to_guard,
                              personnel=r.personnel, vehicles=r.vehicles, sustainment=r.sustainment, note=r.note,
                              updated_at=r.updated_at)


class VehicleIn(Schema):
    type: str = Field(min_length=1, max_length=40)
    count: int = Field(ge=1, le=10000)
    # "class" is a Python keyword; the JSON name is `class`.
    vclass: str | None = Field(default=None, alias="class", max_length=40)
    weight_kg: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    length_m: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    width_m: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    height_m: float | None = Field(default=None, gt=0, allow_inf_nan=False)


class ElementIn(Schema):
    id: str = Field(min_length=1, max_length=40)
    origin: str = Field(min_length=1, max_length=12)
    destination: str = Field(min_length=1, max_length=12)
    ready_at: datetime
    personnel: int = Field(default=0, ge=0)
    cargo_kg: float = Field(default=0, ge=0, allow_inf_nan=False)
    vehicles: dict[str, int] = Field(default_factory=dict)


class PledgeIn(Schema):
    personnel: int = Field(ge=0, le=1_000_000)
    personnel_by_category: dict[str, int] = Field(default_factory=dict)
    vehicles: list[VehicleIn] = Field(default_factory=list, max_length=200)
    cargo_kg: float = Field(default=0, ge=0, allow_inf_nan=False)
    readiness: str = Field(default="", max_length=300)
    home_airfield: str = Field(min_length=1, max_length=12)
    destination: str = Field(default="UAAA", min_length=1, max_length=12)
    ready_at: datetime
    elements: list[ElementIn] = Field(default_factory=list, max_length=100)
    approval_needed: str = Field(default="", max_length=200)
    is_estimate: bool = False
    sources: list[str] = Field(default_factory=list, max_length=50)
    note: str = Field(default="", max_length=5000)


class PledgeOut(Schema):
    case: str
    member: str
    personnel: int
    personnel_by_category: dict
    vehicles: list[dict]
    vehicles_total: int
    cargo_kg: float
    readiness: str
    home_airfield: str
    destination: str
    ready_at: datetime
    elements: list[dict]
    approval_needed: str
    approval_status: str
    approval_at: datetime | None
    is_estimate: bool
    sources: list[str]
    note: str

    @staticmethod
    def build(p: Pledge) -> "PledgeOut":
        return PledgeOut(case=p.case.ref, member=p.member, personnel=p.personnel,
                         personnel_by_category=p.personnel_by_category, vehicles=p.vehicles,
                         vehicles_total=p.vehicles_total(), cargo_kg=p.cargo_kg, readiness=p.readiness,
                         home_airfield=p.home_airfield, destination=p.destination, ready_at=p.ready_at,
                         elements=p.elements, approval_needed=p.approval_needed, approval_status=p.approval_status,
                         approval_at=p.approval_at, is_estimate=p.is_estimate, sources=p.sources, note=p.note)


class ApprovalIn(Schema):
    status: Literal["approved", "refused", "pending"]
    act: str = Field(default="", max_length=300)


class ForceIn(Schema):
    commander: str = Field(min_length=1, max_length=200)
    tasks: list[str] = Field(default_factory=list, max_length=50)
    members: list[str] | None = None
    returns_by: dict[str, Literal["air", "road"]] = Field(default_factory=dict)


class ContingentIn(Schema):
    member: str = Field(min_length=2, max_length=2)
    returns_by: Literal["air", "road"] = "air"


class ProgressRow(Schema):
    member: str
    personnel: int
    vehicles: int
    personnel_done: int
    vehicles_done: int
    percent: float
    by_road: bool
    returned_at: datetime | None = None


class MovementOut(Schema):
    kind: str
    plan: int | None
    plans: list[int] = Field(default_factory=list, description="Every tracked plan, oldest first.")
    percent: float
    personnel: int
    vehicles: int
    counts: dict
    first_landing: datetime | None
    last_landing: datetime | None
    rows: list[ProgressRow]


def _movement(case, kind) -> MovementOut:
    p = queries.movement_progress(case, kind)
    return MovementOut(kind=kind, plan=p["plan"].pk if p["plan"] else None, plans=[x.pk for x in p["plans"]],
                       percent=p["percent"],
                       personnel=p["personnel"], vehicles=p["vehicles"], counts=p["counts"],
                       first_landing=p["first_landing"], last_landing=p["last_landing"],
                       rows=[ProgressRow(**r) for r in p["rows"]])


class ForceOut(Schema):
    case: str
    commander: str
    tasks: list[str]
    formed_at: datetime
    deployed_at: datetime | None
    withdrawal_started_at: datetime | None
    withdrawn_at: datetime | None
    contingents: list[dict]
    deployment: MovementOut
    withdrawal: MovementOut


def _contingent_out(c) -> dict:
    return {"member": c.member, "name": c.name, "returns_by": c.returns_by, "joined_at": c.joined_at,
            "returned_at": c.returned_at}


def _force_out(force) -> ForceOut:
    case = force.case
    return ForceOut(
        case=case.ref, commander=force.commander, tasks=force.tasks, formed_at=force.formed_at,
        deployed_at=force.deployed_at, withdrawal_started_at=force.withdrawal_started_at,
        withdrawn_at=force.withdrawn_at,
        contingents=[_contingent_out(c) for c in force.contingents.all()],
        deployment=_movement(case, "deployment"), withdrawal=_movement(case, "withdrawal"))


class PlanIn(Schema):
    kind: Literal["deployment", "withdrawal"] = "deployment"
    fleet: list[dict] | None = None
    parking: dict[str, int] | None = None
    epoch: datetime | None = None
    ready_at: dict[str, datetime] | None = None
    time_limit: float = Field(default=5.0, gt=0, le=actions.MAX_TIME_LIMIT, allow_inf_nan=False)


class PlanOut(Schema):
    id: int
    case: str
    kind: str
    epoch: datetime
    active: bool = Field(description="Tracked: its sorties may still fly and count.")
    supplements: int | None = Field(default=None, description="The plan this supplementary plan adds to.")
    summary: dict
    computed_at: datetime
    computed_by: str

    @staticmethod
    def build(p: AirliftPlan) -> "PlanOut":
        return PlanOut(id=p.pk, case=p.case.ref, kind=p.kind, epoch=p.epoch, active=p.is_active,
                       supplements=p.supplements_id, summary=p.summary, computed_at=p.computed_at,
                       computed_by=p.computed_by)


class PlanDetailOut(PlanOut):
    input: dict
    plan: dict


class SortieOut(Schema):
    id: int
    plan: int
    number: int
    aircraft: str
    type: str
    origin: str
    destination: str
    planned_departure: datetime
    planned_arrival: datetime
    status: str
    departed_at: datetime | None
    landed_at: datetime | None
    cancelled_at: datetime | None
    loads: list[dict]

    @staticmethod
    def build(s: Sortie) -> "SortieOut":
        return SortieOut(id=s.pk, plan=s.plan_id, number=s.number, aircraft=s.aircraft, type=s.type, origin=s.origin,
                         destination=s.destination, planned_departure=s.planned_departure,
                         planned_arrival=s.planned_arrival, status=s.status, departed_at=s.departed_at,
                         landed_at=s.landed_at, cancelled_at=s.cancelled_at, loads=s.loads)


class SortieStatusIn(Schema):
    status: Literal["departed", "landed", "cancelled"]
    at: datetime | None = None


class CompleteIn(Schema):
    at: datetime | None = None


class ObjectIn(Schema):
    name_ru: str = Field(min_length=1, max_length=300)
    name_en: str = Field(min_length=1, max_length=300)
    kind: str = Field(min_length=1, max_length=30)
    place: str = Field(default="", max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    lon: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    precision: Literal["exact", "city", "unknown"] = "exact"
    contingent: str | None = Field(default=None, max_length=2)
    sources: list[str] = Field(default_factory=list, max_length=50)
    note: str = Field(default="", max_length=5000)


class GuardIn(Schema):
    contingent: str | None = Field(default=None, max_length=2)
    at: datetime | None = None


class ObjectOut(Schema):
    id: int
    case: str
    name_ru: str
    name_en: str
    kind: str
    place: str
    lat: float | None
    lon: float | None
    precision: str
    contingent: str | None
    status: str
    guarded_from: datetime | None
    handed_back_at: datetime | None
    sources: list[str]
    note: str

    @staticmethod
    def build(o: GuardedObject) -> "ObjectOut":
        return ObjectOut(id=o.pk, case=o.case.ref, name_ru=o.name_ru, name_en=o.name_en, kind=o.kind, place=o.place,
                         lat=o.lat, lon=o.lon, precision=o.precision,
                         contingent=o.contingent.member if o.contingent else None, status=o.status,
                         guarded_from=o.guarded_from, handed_back_at=o.handed_back_at, sources=o.sources, note=o.note)


class GapRow(Schema):
    capability: str
    label: str
    required: float | None
    pledged: float
    pending: float
    gap: float | None
    by_state: dict[str, float]


class GapOut(Schema):
    case: str
    members: list[str]
    rows: list[GapRow]
    states: list[dict]


# -- requirements, pledges, gap ----------------------------------------------------------------


@router.get("/cases/{ref}/requirements", response=RequirementOut)
def get_requirements(request, ref: str):
    case = access.access_case(request.auth, ref)
    req = Requirement.objects.filter(case=case).first()
    if req is None:
        from crisisdesk.errors import NotFound

        raise NotFound(f"case {case.ref} has no statement of requirements yet")
    return RequirementOut.build(req)


@router.put("/cases/{ref}/requirements", response=RequirementOut)
def put_requirements(request, ref: str, payload: RequirementIn):
    case = access.access_case(request.auth, ref)
    data = payload.dict()
    data["objects_to_guard"] = [dict(o) for o in data["objects_to_guard"]]
    return RequirementOut.build(actions.requirement_set(case=case, user=request.auth, **data))


@router.get("/cases/{ref}/pledges", response=list[PledgeOut])
def list_pledges(request, ref: str):
    case = access.access_case(request.auth, ref)
    return [PledgeOut.build(p) for p in Pledge.objects.filter(case=case).select_related("case")]


@router.put("/cases/{ref}/pledges/{member}", response=PledgeOut)
def put_pledge(request, ref: str, member: str, payload: PledgeIn):
    case = access.access_case(request.auth, ref)
    data = payload.dict()
    data["vehicles"] = [{k if k != "vclass" else "class": v for k, v in veh.items() if v is not None}
                        for veh in data["vehicles"]]
    data["elements"] = [{**e, "ready_at": e["ready_at"].isoformat()} for e in data["elements"]]
    return PledgeOut.build(actions.pledge_record(case=case, user=request.auth, member=member.upper(), **data))


@router.post("/cases/{ref}/pledges/{member}/approval", response=PledgeOut)
def set_approval(request, ref: str, member: str, payload: ApprovalIn):
    case = access.access_case(request.auth, ref)
    return PledgeOut.build(actions.pledge_approval_set(case=case, user=request.auth, member=member.upper(),
                                                       status=payload.status, act=payload.act))


@router.get("/cases/{ref}/gap", response=GapOut)
def get_gap(request, ref: str):
    case = access.access_case(request.auth, ref)
    g = queries.gap(case)
    return GapOut(case=case.ref, members=g["members"], rows=[GapRow(**{k: r[k] for k in GapRow.model_fields})
                                                              for r in g["rows"]],
                  states=[{**s, "ready_at": s["ready_at"].isoformat(),
                           "approval_at": s["approval_at"].isoformat() if s["approval_at"] else None}
                          for s in g["states"]])


# -- the force ---------------------------------------------------------------------------------


@router.post("/cases/{ref}/force", response={201: ForceOut})
def form_force(request, ref: str, payload: ForceIn):
    case = access.access_case(request.auth, ref)
    force = actions.force_form(case=case, user=request.auth, **payload.dict())
    return Status(201, _force_out(force))


@router.get("/cases/{ref}/force", response=ForceOut)
def get_force(request, ref: str):
    from crisisdesk.errors import NotFound

    case = access.access_case(request.auth, ref)
    force = queries.force_of(case)
    if force is None:
        raise NotFound(f"the force of case {case.ref} is not formed")
    return _force_out(force)


@router.post("/cases/{ref}/contingents", response={201: dict})
def add_contingent(request, ref: str, payload: ContingentIn):
    case = access.access_case(request.auth, ref)
    c = actions.contingent_add(case=case, user=request.auth, member=payload.member.upper(),
                               returns_by=payload.returns_by)
    return Status(201, {"member": c.member, "returns_by": c.returns_by, "joined_at": c.joined_at.isoformat()})


@router.post("/cases/{ref}/contingents/{member}/returned", response=dict)
def contingent_returned(request, ref: str, member: str, payload: CompleteIn):
    """Record that a contingent returning by road is home (409 for one returning by air)."""
    case = access.access_case(request.auth, ref)
    c = actions.contingent_returned(case=case, user=request.auth, member=member.upper(), at=payload.at)
    return {**_contingent_out(c), "joined_at": c.joined_at.isoformat(), "returned_at": c.returned_at.isoformat()}


@router.get("/cases/{ref}/progress", response=dict[str, MovementOut])
def progress(request, ref: str):
    case = access.access_case(request.auth, ref)
    return {"deployment": _movement(case, "deployment"), "withdrawal": _movement(case, "withdrawal")}


@router.post("/cases/{ref}/deployment/complete", response=ForceOut)
def complete_deployment(request, ref: str, payload: CompleteIn):
    case = access.access_case(request.auth, ref)
    return _force_out(actions.deployment_complete(case=case, user=request.auth, at=payload.at))


@router.post("/cases/{ref}/withdrawal/complete", response=ForceOut)
def complete_withdrawal(request, ref: str, payload: CompleteIn):
    case = access.access_case(request.auth, ref)
    return _force_out(actions.withdrawal_complete(case=case, user=request.auth, at=payload.at))


# -- plans and sorties -------------------------------------------------------------------------


@router.post("/cases/{ref}/plans", response={201: PlanOut})
def compute_plan(request, ref: str, payload: PlanIn):
    case = access.access_case(request.auth, ref)
    plan = actions.plan_compute(case=case, user=request.auth, **payload.dict())
    return Status(201, PlanOut.build(plan))


@router.get("/cases/{ref}/plans", response=list[PlanOut])
def list_plans(request, ref: str):
    case = access.access_case(request.auth, ref)
    return [PlanOut.build(p) for p in queries.plans_of(case)]


@router.get("/plans/{plan_id}", response=PlanDetailOut)
def get_plan(request, plan_id: str):
    p = queries.access_plan(request.auth, plan_id)
    return PlanDetailOut(**PlanOut.build(p).dict(), input=p.input, plan=p.plan)


@router.get("/cases/{ref}/sorties", response=list[SortieOut])
def list_sorties(request, ref: str, status: str | None = None):
    case = access.access_case(request.auth, ref)
    if status and status not in Sortie.Status.values:
        raise DomainError(f"status must be one of {', '.join(Sortie.Status.values)}, not {status!r}", status=422)
    return [SortieOut.build(s) for s in queries.sorties_of(case, status=status)]


@router.post("/sorties/{sortie_id}/status", response=SortieOut)
def sortie_status(request, sortie_id: str, payload: SortieStatusIn):
    sortie = queries.access_sortie(request.auth, sortie_id)
    return SortieOut.build(actions.sortie_set_status(sortie=sortie, user=request.auth, status=payload.status,
                                                     at=payload.at))


# -- guarded objects ---------------------------------------------------------------------------


@router.get("/cases/{ref}/objects", response=list[ObjectOut])
def list_objects(request, ref: str):
    case = access.access_case(request.auth, ref)
    return [ObjectOut.build(o) for o in queries.objects_of(case)]


@router.post("/cases/{ref}/objects", response={201: ObjectOut})
def add_object(request, ref: str, payload: ObjectIn):
    case = access.access_case(request.auth, ref)
    obj = actions.object_add(case=case, user=request.auth, **payload.dict())
    return Status(201, ObjectOut.build(obj))


@router.post("/objects/{object_id}/guard", response=ObjectOut)
def guard_object(request, object_id: str, payload: GuardIn):
    obj = queries.access_object(request.auth, object_id)
    return ObjectOut.build(actions.object_guard(obj=obj, user=request.auth, contingent=payload.contingent,
                                                at=payload.at))


@router.post("/objects/{object_id}/hand-back", response=ObjectOut)
def hand_back_object(request, object_id: str, payload: CompleteIn):
    obj = queries.access_object(request.auth, object_id)
    return ObjectOut.build(actions.object_hand_back(obj=obj, user=request.auth, at=payload.at))
