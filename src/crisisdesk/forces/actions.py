"""The only writes to forces: requirements, pledges, the force, airlift plans, sorties, objects.

Every action takes keyword-only arguments, checks the user's post, runs in one transaction and
appends its event to the ledger. `data` (e.g. `time_known` and `sources` from a replay) is merged
into the event.

Closed cases: an action refuses a closed case unless called with `historical=True`, and then only
for a time (the injected clock) before the case closed. That is how a replay records the history
of a case that the core replay has already closed; the API never passes it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db import transaction

from crisisdesk import clock, ledger
from crisisdesk.accounts import access
from crisisdesk.cases.models import Case
from crisisdesk.engines.airlift import Infeasible, InvalidInput, check_plan, parse_problem, plan, plan_json
from crisisdesk.errors import Conflict, DomainError, Forbidden
from crisisdesk.events import EventType
from crisisdesk.forces import airlift
from crisisdesk.forces.models import AirliftPlan, Contingent, Force, GuardedObject, Pledge, Requirement, Sortie

PLANNERS = ("secretariat", "force_command")
OPERATORS = ("secretariat", "force_command", "duty_officer")
CLOSED = (Case.Status.CLOSED, Case.Status.NO_DECISION)
MAX_TIME_LIMIT = 60.0
# The window of times a case accepts (see `_window`).
BEFORE_APPEAL = timedelta(days=30)
AHEAD = timedelta(days=365)


def _actor(user) -> str:
    return getattr(user, "username", None) or str(user)


def _invalid(detail: str) -> DomainError:
    return DomainError(detail, code="invalid", status=400)


def _writable(case: Case, historical: bool) -> None:
    """Refuse a closed case, except for history dated before it closed."""
    if case.status not in CLOSED:
        return
    if not historical:
        raise Conflict(f"case {case.ref} is closed")
    if case.closed_at is not None and clock.now() > case.closed_at:
        raise Conflict(f"case {case.ref} closed at {case.closed_at.isoformat()}; history must be dated before that")


def _window(case: Case, at: datetime, what: str) -> datetime:
    """Refuse a time outside the case's window (422, naming the field).

    The window runs from 30 days before the appeal to a year from now (the injected clock, so a
    replay's "now" is its own). Times before the appeal are allowed for that month because a
    pledge's readiness, a plan's hour 0 or a contingent's standby may be dated a little before the
    appeal that set them in motion; anything earlier, or further ahead, is a typing error such as a
    wrong year.
    """
    earliest = case.appealed_at - BEFORE_APPEAL
    if at < earliest:
        raise DomainError(f"{what}: {at.isoformat()} is more than {BEFORE_APPEAL.days} days before case {case.ref} "
                          f"was opened ({case.appealed_at.isoformat()})", code="invalid", status=422)
    if at > clock.now() + AHEAD:
        raise DomainError(f"{what}: {at.isoformat()} is more than a year from now", code="invalid", status=422)
    return at


def _moment(at: datetime | None, what: str, case: Case | None = None) -> datetime:
    """The time of an event: now by default, never in the future, and within the case's window."""
    now = clock.now()
    if at is None:
        return now
    if at.tzinfo is None:
        raise _invalid(f"{what}: the time needs a zone (e.g. 2022-01-06T10:00:00+06:00)")
    if at > now:
        raise _invalid(f"{what}: {at.isoformat()} is in the future")
    if case is not None:
        _window(case, at, what)
    return at


def _count(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _invalid(f"{where} must be a whole number of at least 0, not {value!r}")
    return value


def _figure(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise _invalid(f"{where} must be a non-negative number, not {value!r}")
    return float(value)


def _counts(mapping, where: str) -> dict[str, int]:
    if not isinstance(mapping, dict):
        raise _invalid(f"{where} must be an object of counts")
    out = {}
    for key, value in mapping.items():
        if not isinstance(key, str) or not key.strip():
            raise _invalid(f"{where}: every category needs a name")
        out[key.strip()] = _count(value, f"{where}.{key}")
    return out


def _texts(items, where: str) -> list[str]:
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        raise _invalid(f"{where} must be a list of texts")
    return [t.strip() for t in items if t.strip()]


def _status_to(case: Case, status: str, historical: bool) -> None:
    if historical or case.status in CLOSED:
        return
    case.status = status
    case.save(update_fields=["status"])


# -- requirements ------------------------------------------------------------------------------


def requirement_set(*, case: Case, user, tasks: list[str], objects_to_guard: list[dict] | None = None,
                    personnel: dict[str, int] | None = None, vehicles: dict[str, int] | None = None,
                    sustainment: dict | None = None, note: str = "", historical: bool = False,
                    data: dict | None = None) -> Requirement:
    """Set (or replace) the statement of requirements of a case."""
    access.require_role(user, *PLANNERS)
    _writable(case, historical)
    tasks = _texts(tasks, "tasks")
    personnel = _counts(personnel or {}, "personnel")
    vehicles = _counts(vehicles or {}, "vehicles")
    objects = []
    for i, raw in enumerate(objects_to_guard or []):
        if not isinstance(raw, dict) or not isinstance(raw.get("kind"), str) or not raw["kind"].strip():
            raise _invalid(f"objects_to_guard[{i}] needs a kind")
        objects.append({"kind": raw["kind"].strip(), "count": _count(raw.get("count", 1), f"objects_to_guard[{i}].count"),
                        "note": str(raw.get("note", ""))})
    sustainment = dict(sustainment or {})
    if "days" in sustainment:
        sustainment["days"] = _figure(sustainment["days"], "sustainment.days")
    if "cargo_kg" in sustainment:
        sustainment["cargo_kg"] = _figure(sustainment["cargo_kg"], "sustainment.cargo_kg")
    with transaction.atomic():
        req, _ = Requirement.objects.update_or_create(case=case, defaults=dict(
            tasks=tasks, objects_to_guard=objects, personnel=personnel, vehicles=vehicles, sustainment=sustainment,
            note=note, updated_at=clock.now()))
        ledger.record(EventType.REQUIREMENT_SET, actor=_actor(user), case=case, subject=f"case:{case.ref}:requirements",
                      data={"tasks": tasks, "personnel": personnel, "vehicles": vehicles,
                            "objects": sum(o["count"] for o in objects), **(data or {})})
    return req


# -- pledges -----------------------------------------------------------------------------------


def _require_own_state(user, member: str) -> None:
    if "delegate" not in access.roles_of(user):
        raise Forbidden("a pledge is made by a delegate of the pledging state")
    if member not in access.members_of(user):
        raise Forbidden(f"you may make or change only your own state's pledge, not {member}'s")


def _require_active_member(case: Case, member: str) -> None:
    members = case.charter.parsed().members
    if member not in members:
        raise _invalid(f"{member} is not a member state of {case.charter.organisation.code}")
    status = members[member].status_on(clock.now())
    if status != "active":
        raise Forbidden(f"{member} is not an active member ({status or 'not a member'}) and cannot pledge")


def _airfield(code, where: str) -> str:
    if not isinstance(code, str) or not airlift.known_airfield(code):
        raise _invalid(f"{where}: unknown airfield {code!r} (not in the airlift catalogue)")
    return code


def _elements(elements, *, personnel: int, cargo_kg: float, vehicles: list[dict], case: Case | None = None) -> list[dict]:
    """Validate a pledge's split into movement elements; the parts must add up to the pledge.

    Each element flies from its origin to another airfield, and is ready within the case's window.
    """
    if not elements:
        return []
    if not isinstance(elements, list):
        raise _invalid("elements must be a list")
    types = {v["type"]: v["count"] for v in vehicles}
    out, ids = [], set()
    sums = {"personnel": 0, "cargo_kg": 0.0, **{t: 0 for t in types}}
    for i, raw in enumerate(elements):
        where = f"elements[{i}]"
        if not isinstance(raw, dict):
            raise _invalid(f"{where} must be an object")
        eid = raw.get("id")
        if not isinstance(eid, str) or not eid.strip() or eid in ids:
            raise _invalid(f"{where}: each element needs its own id")
        ids.add(eid)
        ready = raw.get("ready_at")
        try:
            ready_at = datetime.fromisoformat(ready) if isinstance(ready, str) else ready
        except ValueError:
            raise _invalid(f"{where}: ready_at {ready!r} is not an ISO time") from None
        if not isinstance(ready_at, datetime) or ready_at.tzinfo is None:
            raise _invalid(f"{where}: ready_at needs a zone-aware ISO time")
        if case is not None:
            _window(case, ready_at, f"{where}.ready_at")
        counts = raw.get("vehicles") or {}
        if not isinstance(counts, dict):
            raise _invalid(f"{where}: vehicles must be an object of counts by type")
        for t, n in counts.items():
            if t not in types:
                raise _invalid(f"{where}: vehicle type {t} is not in the pledge")
            sums[t] += _count(n, f"{where}.vehicles.{t}")
        p = _count(raw.get("personnel", 0), f"{where}.personnel")
        c = _figure(raw.get("cargo_kg", 0), f"{where}.cargo_kg")
        sums["personnel"] += p
        sums["cargo_kg"] += c
        origin = _airfield(raw.get("origin"), f"{where}.origin")
        destination = _airfield(raw.get("destination"), f"{where}.destination")
        if origin == destination:
            raise DomainError(f"{where}.destination: {destination} is also its origin; an element flies somewhere else",
                              code="invalid", status=422)
        out.append({"id": eid, "origin": origin, "destination": destination,
                    "ready_at": ready_at.isoformat(), "personnel": p, "cargo_kg": c,
                    "vehicles": {t: n for t, n in counts.items() if n}})
    if sums["personnel"] != personnel:
        raise _invalid(f"the elements carry {sums['personnel']} personnel, the pledge {personnel}")
    if abs(sums["cargo_kg"] - cargo_kg) > 0.5:
        raise _invalid(f"the elements carry {sums['cargo_kg']:g} kg of cargo, the pledge {cargo_kg:g} kg")
    for t, n in types.items():
        if sums[t] != n:
            raise _invalid(f"the elements carry {sums[t]} {t}, the pledge {n}")
    return out


def pledge_record(*, case: Case, user, member: str, personnel: int, home_airfield: str, ready_at: datetime,
                  vehicles: list[dict] | None = None, cargo_kg: float = 0, readiness: str = "",
                  destination: str = "UAAA", personnel_by_category: dict[str, int] | None = None,
                  elements: list[dict] | None = None, approval_needed: str = "", is_estimate: bool = False,
                  sources: list[str] | None = None, note: str = "", historical: bool = False,
                  data: dict | None = None) -> Pledge:
    """Record or change a member state's pledge; only that state's delegates may.

    Rules on a pledge sent again:

    - It may grow (a supplementary plan moves the difference), but not drop below what its
      deployment sorties already carried (departed or landed): personnel, each vehicle type, cargo.
    - It keeps its approval state while the approval text is unchanged; a changed text makes it
      pending again. A pledge whose approval is pending or refused cannot drop the approval it
      needs by being sent again without it (that would get round, say, a parliament's vote).
    - Its event carries the previous figures (`previous`).

    The home airfield differs from the destination, and the ready time lies within the case's window.
    """
    _require_own_state(user, member)
    _writable(case, historical)
    _require_active_member(case, member)
    personnel = _count(personnel, "personnel")
    cargo_kg = _figure(cargo_kg, "cargo_kg")
    by_category = _counts(personnel_by_category or {}, "personnel_by_category")
    if by_category and sum(by_category.values()) != personnel:
        raise _invalid(f"personnel_by_category adds up to {sum(by_category.values())}, not {personnel}")
    _airfield(home_airfield, "home_airfield")
    _airfield(destination, "destination")
    if home_airfield == destination:
        raise DomainError(f"destination: {destination} is also the home airfield; a pledge moves somewhere else",
                          code="invalid", status=422)
    if not isinstance(ready_at, datetime) or ready_at.tzinfo is None:
        raise _invalid("ready_at needs a zone-aware time")
    _window(case, ready_at, "ready_at")
    if not isinstance(vehicles or [], list):
        raise _invalid("vehicles must be a list")
    try:
        vehicles = [airlift.complete_vehicle(v if isinstance(v, dict) else {}, f"vehicles[{i}]")
                    for i, v in enumerate(vehicles or [])]
    except InvalidInput as exc:
        raise _invalid(str(exc)) from None
    seen = set()
    for v in vehicles:
        if v["type"] in seen:
            raise _invalid(f"vehicle type {v['type']} is listed twice; give one entry per type")
        seen.add(v["type"])
    elements = _elements(elements, personnel=personnel, cargo_kg=cargo_kg, vehicles=vehicles, case=case)
    if personnel == 0 and not vehicles and cargo_kg == 0:
        raise _invalid("a pledge offers personnel, vehicles or cargo")
    now = clock.now()
    with transaction.atomic():
        existing = Pledge.objects.select_for_update().filter(case=case, member=member).first()
        if existing is not None:
            _keeps_approval(existing, approval_needed.strip())
            _keeps_what_flew(case, member, personnel=personnel, vehicles=vehicles, cargo_kg=cargo_kg)
        approval_status = Pledge.Approval.PENDING if approval_needed.strip() else Pledge.Approval.NOT_NEEDED
        if existing is not None and existing.approval_needed == approval_needed.strip():
            approval_status = existing.approval_status  # a changed figure keeps its approval state
        pledge, created = Pledge.objects.update_or_create(case=case, member=member, defaults=dict(
            personnel=personnel, personnel_by_category=by_category, vehicles=vehicles, cargo_kg=cargo_kg,
            readiness=readiness, home_airfield=home_airfield, destination=destination, ready_at=ready_at,
            elements=elements, approval_needed=approval_needed.strip(), approval_status=approval_status,
            is_estimate=is_estimate, sources=list(sources or []), note=note, recorded_by=_actor(user),
            updated_at=now))
        ledger.record(EventType.PLEDGE_RECORDED, actor=_actor(user), case=case, subject=f"case:{case.ref}:pledge:{member}",
                      data={"state": member, "personnel": personnel, "vehicles": pledge.vehicles_total(),
                            "vehicles_by_type": _by_type(vehicles), "cargo_kg": cargo_kg,
                            "home_airfield": home_airfield, "destination": destination, "ready_at": ready_at,
                            "approval_needed": approval_needed, "estimate": is_estimate, "changed": not created,
                            **({"previous": _figures(existing)} if existing is not None else {}), **(data or {})})
    return pledge


def _by_type(vehicles: list[dict]) -> dict[str, int]:
    return {v["type"]: v["count"] for v in vehicles}


def _figures(pledge: Pledge) -> dict:
    """A pledge's figures as they were, for the event of a change."""
    return {"personnel": pledge.personnel, "vehicles": pledge.vehicles_total(), "vehicles_by_type": _by_type(pledge.vehicles),
            "cargo_kg": pledge.cargo_kg, "home_airfield": pledge.home_airfield, "destination": pledge.destination,
            "ready_at": pledge.ready_at, "approval_needed": pledge.approval_needed,
            "approval_status": pledge.approval_status}


def _keeps_approval(existing: Pledge, approval_needed: str) -> None:
    """Refuse to drop the approval requirement of a pledge whose approval is pending or refused."""
    if approval_needed or not existing.approval_needed:
        return
    if existing.approval_status in (Pledge.Approval.PENDING, Pledge.Approval.REFUSED):
        raise Conflict(f"{existing.member}'s pledge needs national approval ({existing.approval_needed}), which is "
                       f"{existing.approval_status}; sending it again without approval_needed cannot skip that")


def _moved(case: Case, kind: str):
    """Sorties of `kind` whose loads left: departed or landed (an aborted sortie moved nothing)."""
    return Sortie.objects.filter(case=case, plan__kind=kind, status__in=[Sortie.Status.DEPARTED, Sortie.Status.LANDED])


def _keeps_what_flew(case: Case, member: str, *, personnel: int, vehicles: list[dict], cargo_kg: float) -> None:
    """Refuse a pledge below what its deployment sorties already carried (departed or landed)."""
    flown = airlift.moved_by_member(s.loads for s in _moved(case, AirliftPlan.Kind.DEPLOYMENT)).get(member)
    if flown is None:
        return
    short = []
    if personnel < flown["personnel"]:
        short.append(f"personnel {personnel} < {flown['personnel']}")
    counts = _by_type(vehicles)
    for vtype, n in sorted(flown["vehicles"].items()):
        if counts.get(vtype, 0) < n:
            short.append(f"{vtype} {counts.get(vtype, 0)} < {n}")
    if cargo_kg + 0.5 < flown["cargo_kg"]:
        short.append(f"cargo {cargo_kg:g} kg < {flown['cargo_kg']:g} kg")
    if short:
        raise Conflict(f"{member}'s pledge cannot drop below what has already departed or landed: {'; '.join(short)}")


def pledge_approval_set(*, case: Case, user, member: str, status: str, act: str = "", historical: bool = False,
                        data: dict | None = None) -> Pledge:
    """Record the outcome of a pledge's national approval (e.g. a parliament's vote)."""
    _require_own_state(user, member)
    _writable(case, historical)
    if status not in (Pledge.Approval.APPROVED, Pledge.Approval.REFUSED, Pledge.Approval.PENDING):
        raise _invalid(f"approval status must be approved, refused or pending, not {status!r}")
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().filter(case=case, member=member).first()
        if pledge is None:
            raise Conflict(f"{member} has no pledge on case {case.ref}")
        if not pledge.approval_needed:
            raise Conflict(f"{member}'s pledge needs no national approval")
        if status == Pledge.Approval.REFUSED and hasattr(pledge, "contingent"):
            raise Conflict(f"{member}'s pledge is already a contingent of the force")
        pledge.approval_status = status
        pledge.approval_at = clock.now()
        pledge.save(update_fields=["approval_status", "approval_at"])
        kind = {Pledge.Approval.APPROVED: EventType.PLEDGE_APPROVED, Pledge.Approval.REFUSED: EventType.PLEDGE_REFUSED}
        ledger.record(kind.get(status, EventType.PLEDGE_RECORDED), actor=_actor(user), case=case,
                      subject=f"case:{case.ref}:pledge:{member}",
                      data={"state": member, "approval": status, "act": act or pledge.approval_needed,
                            "personnel": pledge.personnel, "vehicles": pledge.vehicles_total(), **(data or {})})
    return pledge


# -- the force ---------------------------------------------------------------------------------


def _usable_pledge(case: Case, member: str) -> Pledge:
    pledge = Pledge.objects.filter(case=case, member=member).first()
    if pledge is None:
        raise Conflict(f"{member} has no pledge on case {case.ref}")
    if pledge.approval_status == Pledge.Approval.REFUSED:
        raise Conflict(f"{member}'s pledge was refused by its national approval")
    return pledge


def _make_contingent(*, force: Force, pledge: Pledge, user, returns_by: str, data: dict | None) -> Contingent:
    if returns_by not in ("air", "road"):
        raise _invalid(f"returns_by must be air or road, not {returns_by!r}")
    if Contingent.objects.filter(case=force.case, member=pledge.member).exists():
        raise Conflict(f"{pledge.member} already has a contingent in the force")
    contingent = Contingent.objects.create(force=force, case=force.case, pledge=pledge, member=pledge.member,
                                           name=f"{pledge.member} contingent", returns_by=returns_by,
                                           joined_at=clock.now())
    ledger.record(EventType.CONTINGENT_FORMED, actor=_actor(user), case=force.case,
                  subject=f"case:{force.case.ref}:contingent:{pledge.member}",
                  data={"state": pledge.member, "personnel": pledge.personnel, "vehicles": pledge.vehicles_total(),
                        "returns_by": returns_by, **(data or {})})
    return contingent


def force_form(*, case: Case, user, commander: str, tasks: list[str], members: list[str] | None = None,
               returns_by: dict[str, str] | None = None, historical: bool = False,
               data: dict | None = None) -> Force:
    """Form the force after the defence ministers' decision: commander, tasks and contingents.

    The case's status and the `forces:force:formed` event come from `cases.actions.case_force_formed`;
    when that is already recorded on the case (a replay), the force is linked to it instead.
    """
    from crisisdesk.cases.actions import case_force_formed
    from crisisdesk.ledger.models import Event

    access.require_role(user, "secretariat")
    _writable(case, historical)
    if not isinstance(commander, str) or not commander.strip():
        raise _invalid("the force needs a commander")
    tasks = _texts(tasks, "tasks")
    returns_by = returns_by or {}
    with transaction.atomic():
        if Force.objects.filter(case=case).exists():
            raise Conflict(f"the force of case {case.ref} is already formed")
        if members is None:
            members = list(case.pledges.exclude(approval_status=Pledge.Approval.REFUSED).values_list("member", flat=True))
        pledges = [_usable_pledge(case, m) for m in members]
        formed = Event.objects.filter(case_ref=case.ref, type=EventType.FORCE_FORMED).order_by("at", "seq").first()
        if formed is None:
            case_force_formed(case=case, user=user, commander=commander.strip(),
                              data={"tasks": tasks, "contingents": members, **(data or {})})
            formed_at = clock.now()
        else:
            formed_at = formed.at
        force = Force.objects.create(case=case, commander=commander.strip(), tasks=tasks, formed_at=formed_at)
        for pledge in pledges:
            _make_contingent(force=force, pledge=pledge, user=user, returns_by=returns_by.get(pledge.member, "air"),
                             data=data)
    return force


def contingent_add(*, case: Case, user, member: str, returns_by: str = "air", historical: bool = False,
                   data: dict | None = None) -> Contingent:
    """Add a late pledge's contingent to a formed force."""
    access.require_role(user, *PLANNERS)
    _writable(case, historical)
    with transaction.atomic():
        force = Force.objects.filter(case=case).first()
        if force is None:
            raise Conflict(f"the force of case {case.ref} is not formed yet")
        return _make_contingent(force=force, pledge=_usable_pledge(case, member), user=user, returns_by=returns_by,
                                data=data)


# -- airlift plans -----------------------------------------------------------------------------


def _fleet(fleet) -> list[dict] | None:
    if fleet is None:
        return None
    if not isinstance(fleet, list) or not fleet:
        raise _invalid("invalid input: the fleet is empty")
    out = []
    for i, f in enumerate(fleet):
        if not isinstance(f, dict):
            raise _invalid(f"invalid input: fleet[{i}] must be an object")
        for key in ("type", "base"):
            if not isinstance(f.get(key), str) or not f[key].strip():
                raise _invalid(f"invalid input: fleet[{i}] needs a {key} code (text), not {f.get(key)!r}")
        out.append({"type": f.get("type"), "count": f.get("count"), "base": f.get("base")})
    return out


def plan_compute(*, case: Case, user, kind: str = "deployment", fleet: list[dict] | None = None,
                 parking: dict[str, int] | None = None, epoch: datetime | None = None,
                 ready_at: dict[str, datetime] | None = None, time_limit: float = 5.0,
                 historical: bool = False, data: dict | None = None) -> AirliftPlan:
    """Compute an airlift plan with the engine, and its sorties.

    - Deployment moves every pledge that was not refused from its home airfield (deployment may
      start before the force is formed, as in 2022).
    - Withdrawal moves what actually landed, from the airfield where it landed back to its unit's
      origin; contingents that return by road stay out.
    - While no sortie of the tracked plans of this kind has departed, the new plan replaces them.
      Once one has, the new plan *supplements* them (see `AirliftPlan`): it moves only what is
      still to move, i.e. less what departed or landed on any sortie of this kind (a sortie
      cancelled after departing, aborted, moved nothing, so its load is planned again); a unit
      whose pledge grew moves the difference; nothing is ready before the new hour 0. Nothing left
      to move is refused (409). In both cases the still-planned sorties of the earlier plans are
      cancelled.

    Invalid or infeasible input is refused with the engine's one-line reason, exactly as
    `crisisdesk airlift plan` prints it.
    """
    access.require_role(user, *PLANNERS)
    _writable(case, historical)
    if kind not in AirliftPlan.Kind.values:
        raise _invalid(f"kind must be deployment or withdrawal, not {kind!r}")
    if isinstance(time_limit, bool) or not isinstance(time_limit, (int, float)) or not math.isfinite(time_limit) \
            or not 0 < time_limit <= MAX_TIME_LIMIT:
        raise _invalid(f"time_limit must be between 0 and {MAX_TIME_LIMIT:g} seconds")
    if epoch is not None and epoch.tzinfo is None:
        raise _invalid("epoch needs a zone-aware time")
    epoch = _window(case, epoch, "epoch") if epoch is not None else clock.now()
    for key, moment in (ready_at or {}).items():
        if not isinstance(moment, datetime) or moment.tzinfo is None:
            raise _invalid(f"ready_at.{key} needs a zone-aware time")
        _window(case, moment, f"ready_at.{key}")
    fleet = _fleet(fleet)
    if parking is not None and (not isinstance(parking, dict)
                                or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1
                                           for v in parking.values())):
        raise _invalid("invalid input: parking limits must be whole numbers of at least 1")
    contingents = list(Contingent.objects.filter(case=case).select_related("pledge"))
    pledges = list(Pledge.objects.filter(case=case).exclude(approval_status=Pledge.Approval.REFUSED))
    if kind == AirliftPlan.Kind.DEPLOYMENT and not pledges:
        raise Conflict(f"case {case.ref} has no pledges to move")
    if kind == AirliftPlan.Kind.WITHDRAWAL and not contingents:
        raise Conflict(f"the force of case {case.ref} has no contingents to bring home")
    state = _flight_state(case)
    flown = _flown_plans(case, kind)
    base = flown[0] if flown else None
    try:
        if kind == AirliftPlan.Kind.DEPLOYMENT:
            doc_in = _deployment_input(case, pledges, epoch=epoch, fleet=fleet, parking=parking, supplement=base)
        else:
            doc_in = _withdrawal_input(case, contingents, epoch=epoch, fleet=fleet, parking=parking,
                                       ready_at=ready_at, supplement=base)
        problem = parse_problem(doc_in)
        result = plan(problem, time_limit=float(time_limit))
    except InvalidInput as exc:
        raise _invalid(f"invalid input: {exc}") from None
    except Infeasible as exc:
        raise DomainError(f"infeasible: {exc}", code="infeasible", status=422) from None
    doc = plan_json(result)
    reasons = check_plan(problem, doc)
    if reasons:  # the planner's own output must pass the checker
        raise DomainError(f"internal error: the plan fails the checker: {reasons[0]}", code="plan_invalid", status=409)
    summary = {**doc["summary"], "timed_out": bool(result.timed_out and not doc["summary"]["proven_optimal"]),
               "kind": kind, "epoch": epoch.isoformat(),
               "personnel": sum(u["personnel"] for u in doc_in["units"]),
               "vehicles": sum(v["count"] for u in doc_in["units"] for v in u["vehicles"]),
               "supplementary": base is not None, "supplements": base.pk if base is not None else None}
    now = clock.now()
    with transaction.atomic():
        if _flight_state(case) != state:
            raise Conflict(f"sorties departed, landed or were cancelled while the {kind} plan was computed; "
                           f"compute it again")
        tracked = AirliftPlan.objects.select_for_update().filter(case=case, kind=kind, is_active=True)
        tracked.exclude(pk__in=[p.pk for p in flown]).update(is_active=False)
        cancelled = Sortie.objects.filter(plan__case=case, plan__kind=kind, status=Sortie.Status.PLANNED).update(
            status=Sortie.Status.CANCELLED, cancelled_at=now)
        record = AirliftPlan.objects.create(case=case, kind=kind, epoch=epoch, input=doc_in, plan=doc, summary=summary,
                                            computed_at=now, computed_by=_actor(user), supplements=base)
        Sortie.objects.bulk_create([
            Sortie(plan=record, case=case, number=i, aircraft=s["aircraft"], type=s["type"], origin=s["origin"],
                   destination=s["destination"], planned_departure=airlift.at_hour(epoch, s["depart_h"]),
                   planned_arrival=airlift.at_hour(epoch, s["arrive_h"]), loads=s["loads"])
            for i, s in enumerate(doc["sorties"], start=1)])
        ledger.record(EventType.PLAN_COMPUTED, actor=_actor(user), case=case, subject=f"case:{case.ref}:plan:{record.pk}",
                      data={"plan": record.pk, **summary, "cancelled_sorties": cancelled, **(data or {})})
    return record


def _flight_state(case: Case) -> list:
    """Every sortie that has departed, with its status: a plan computed on an older state is stale."""
    return list(Sortie.objects.filter(case=case, departed_at__isnull=False).order_by("pk").values_list("pk", "status"))


def _flown_plans(case: Case, kind: str) -> list[AirliftPlan]:
    """The tracked plans of `kind` of which some sortie has departed, latest first."""
    return list(AirliftPlan.objects.filter(case=case, kind=kind, is_active=True, sorties__departed_at__isnull=False)
                .distinct().order_by("-computed_at", "-pk"))


def _nothing_left(why: str) -> Conflict:
    return Conflict(f"nothing left to move: {why}")


def _deployment_input(case: Case, pledges: list[Pledge], *, epoch: datetime, fleet, parking,
                      supplement: AirliftPlan | None) -> dict:
    """INPUT.json of the deployment: each pledge's units, less what has already moved."""
    units = [u for p in pledges for u in airlift.pledge_units(p, epoch)]
    moved = airlift.moved_by_unit(s.loads for s in _moved(case, AirliftPlan.Kind.DEPLOYMENT))
    units = airlift.remaining_units(units, moved)
    if not units:
        raise _nothing_left(f"every pledge has departed or landed (plan {supplement.pk} and those before it)"
                            if supplement is not None else "the pledges carry nothing")
    return airlift.units_input(units, fleet=fleet, parking=parking)


def _withdrawal_input(case: Case, contingents: list[Contingent], *, epoch: datetime, fleet, parking,
                      ready_at: dict[str, datetime] | None, supplement: AirliftPlan | None) -> dict:
    """INPUT.json of the withdrawal: what landed, where it landed, back to its origin, less what
    withdrawal sorties already moved; contingents returning by road stay out."""
    deployments = list(AirliftPlan.objects.filter(case=case, kind=AirliftPlan.Kind.DEPLOYMENT)
                       .order_by("computed_at", "pk"))
    template = next((p for p in reversed(deployments) if p.is_active), None)
    if template is None:
        raise Conflict("the withdrawal reverses a deployment plan; there is none")
    landed = [(s.destination, s.loads) for s in Sortie.objects.filter(
        case=case, plan__kind=AirliftPlan.Kind.DEPLOYMENT, status=Sortie.Status.LANDED).order_by("pk")]
    back = [(s.origin, s.loads) for s in _moved(case, AirliftPlan.Kind.WITHDRAWAL).order_by("pk")]
    ready = {k: airlift.hours(v, epoch) for k, v in (ready_at or {}).items()}
    road = {c.member for c in contingents if c.returns_by == "road"}
    units = airlift.withdrawal_units([p.input for p in deployments], landed, back, ready_h=ready, skip_members=road)
    if not units:
        if supplement is not None:
            raise _nothing_left(f"everything that landed has left by air (plan {supplement.pk} and those before it)")
        if not landed:
            raise _nothing_left("no deployment sortie has landed, so nothing is there to bring back")
        raise _nothing_left("what landed belongs to contingents that return by road")
    return airlift.withdrawal_input(template.input, units, fleet=fleet, parking=parking)


# -- sorties -----------------------------------------------------------------------------------

_NEXT = {
    Sortie.Status.PLANNED: {Sortie.Status.DEPARTED, Sortie.Status.CANCELLED},
    Sortie.Status.DEPARTED: {Sortie.Status.LANDED, Sortie.Status.CANCELLED},
}
_EVENT = {Sortie.Status.DEPARTED: EventType.SORTIE_DEPARTED, Sortie.Status.LANDED: EventType.SORTIE_LANDED,
          Sortie.Status.CANCELLED: EventType.SORTIE_CANCELLED}


def sortie_load(sortie: Sortie) -> dict:
    return {"personnel": sum(p["personnel"] for p in sortie.loads),
            "vehicles": sum(v["count"] for p in sortie.loads for v in p["vehicles"]),
            "cargo_kg": sum(p.get("cargo_kg", 0) for p in sortie.loads)}


def sortie_set_status(*, sortie: Sortie, user, status: str, at: datetime | None = None, historical: bool = False,
                      data: dict | None = None) -> Sortie:
    """Move a sortie planned → departed → landed, or to cancelled; the time defaults to now.

    Any sortie of a tracked plan may move, including one of a plan that a supplementary plan
    followed (its sorties in the air still land). A departed sortie that is cancelled was
    aborted: its load never arrived, and the next supplementary plan moves it again.
    """
    access.require_role(user, *OPERATORS)
    case = sortie.case
    _writable(case, historical)
    when = _moment(at, "at", case)
    if status not in _EVENT:
        raise _invalid(f"status must be departed, landed or cancelled, not {status!r}")
    with transaction.atomic():
        sortie = Sortie.objects.select_for_update().select_related("plan").get(pk=sortie.pk)
        if not sortie.plan.is_active:
            raise Conflict(f"sortie {sortie.pk} belongs to a plan that was replaced")
        if status not in _NEXT.get(sortie.status, set()):
            raise Conflict(f"sortie {sortie.pk} is {sortie.status}; it cannot become {status}")
        if status == Sortie.Status.DEPARTED and sortie.plan.kind == AirliftPlan.Kind.DEPLOYMENT:
            for member in sortie.members():
                pledge = Pledge.objects.filter(case=case, member=member).first()
                if pledge is not None and pledge.approval_status != pledge.Approval.NOT_NEEDED \
                        and pledge.approval_status != pledge.Approval.APPROVED:
                    raise Conflict(f"sortie {sortie.pk} carries {member}'s contingent, whose national approval "
                                   f"({pledge.approval_needed}) is {pledge.approval_status}")
        if status == Sortie.Status.LANDED and sortie.departed_at and when < sortie.departed_at:
            raise _invalid(f"sortie {sortie.pk} cannot land before it departed ({sortie.departed_at.isoformat()})")
        sortie.status = status
        field = {Sortie.Status.DEPARTED: "departed_at", Sortie.Status.LANDED: "landed_at",
                 Sortie.Status.CANCELLED: "cancelled_at"}[status]
        setattr(sortie, field, when)
        sortie.save(update_fields=["status", field])
        airfield = sortie.origin if status == Sortie.Status.DEPARTED else sortie.destination
        ledger.record(_EVENT[status], actor=_actor(user), case=case, subject=f"case:{case.ref}:sortie:{sortie.pk}",
                      at=when, data={"sortie": sortie.pk, "plan": sortie.plan_id, "movement": sortie.plan.kind,
                                     "aircraft": sortie.aircraft, "airfield": airfield, "origin": sortie.origin,
                                     "destination": sortie.destination, "states": sortie.members(),
                                     **sortie_load(sortie), **(data or {})})
        if status == Sortie.Status.DEPARTED and sortie.plan.kind == AirliftPlan.Kind.WITHDRAWAL:
            force = Force.objects.select_for_update().filter(case=case).first()
            if force is not None and force.withdrawal_started_at is None:
                force.withdrawal_started_at = when
                force.save(update_fields=["withdrawal_started_at"])
                _status_to(case, Case.Status.WITHDRAWING, historical)
                ledger.record(EventType.WITHDRAWAL_STARTED, actor=_actor(user), case=case,
                              subject=f"case:{case.ref}:force", at=when,
                              data={"first_sortie": sortie.pk, "airfield": sortie.origin, **(data or {})})
    return sortie


# -- completion --------------------------------------------------------------------------------


def _complete(*, case: Case, user, kind: str, at: datetime | None, historical: bool, data: dict | None) -> Force:
    """Declare a movement complete once `movement_progress` is at 100 % (see the two callers)."""
    from crisisdesk.forces.queries import movement_progress

    access.require_role(user, *PLANNERS)
    _writable(case, historical)
    when = _moment(at, "at", case)
    with transaction.atomic():
        force = Force.objects.select_for_update().filter(case=case).first()
        if force is None:
            raise Conflict(f"the force of case {case.ref} is not formed")
        field = "deployed_at" if kind == AirliftPlan.Kind.DEPLOYMENT else "withdrawn_at"
        if getattr(force, field) is not None:
            raise Conflict(f"the {kind} of case {case.ref} is already complete")
        progress = movement_progress(case, kind)
        if progress["plan"] is None and progress["percent"] < 100:
            raise Conflict(f"there is no {kind} plan")
        road = [r for r in progress["rows"] if r["by_road"]]
        waiting = [r["member"] for r in road if r["returned_at"] is None]
        if waiting:
            raise Conflict(f"{', '.join(waiting)} return{'s' if len(waiting) == 1 else ''} by road and "
                           f"{'is' if len(waiting) == 1 else 'are'} not recorded home yet "
                           f"(POST /api/forces/cases/{case.ref}/contingents/{waiting[0]}/returned)")
        home = max((r["returned_at"] for r in road), default=None)
        if home is not None and when < home:
            raise _invalid(f"the last contingent returning by road was home at {home.isoformat()}, "
                           f"after {when.isoformat()}")
        if progress["percent"] < 100:
            short = ", ".join(f"{r['member']} {r['percent']:g} %" for r in progress["rows"] if r["percent"] < 100)
            raise Conflict(f"the {kind} is at {progress['percent']:g} % ({short})")
        if progress["last_landing"] and when < progress["last_landing"]:
            raise _invalid(f"the last sortie landed at {progress['last_landing'].isoformat()}, after {when.isoformat()}")
        if kind == AirliftPlan.Kind.WITHDRAWAL:
            guarded = GuardedObject.objects.filter(case=case, guarded_from__isnull=False, handed_back_at__isnull=True)
            if guarded.exists():
                raise Conflict(f"{guarded.count()} object(s) are still under guard; hand them back first")
        setattr(force, field, when)
        force.save(update_fields=[field])
        if kind == AirliftPlan.Kind.DEPLOYMENT:
            _status_to(case, Case.Status.DEPLOYED, historical)
        event = EventType.DEPLOYMENT_COMPLETED if kind == AirliftPlan.Kind.DEPLOYMENT else EventType.WITHDRAWAL_COMPLETED
        ledger.record(event, actor=_actor(user), case=case, subject=f"case:{case.ref}:force", at=when,
                      data={"personnel": progress["personnel"], "vehicles": progress["vehicles"],
                            "by_road": progress["by_road"], "sorties": progress["landed_sorties"],
                            "last_landing": progress["last_landing"], **(data or {})})
    return force


def deployment_complete(*, case: Case, user, at: datetime | None = None, historical: bool = False,
                        data: dict | None = None) -> Force:
    """Declare the deployment complete; refused until every contingent has fully arrived."""
    return _complete(case=case, user=user, kind=AirliftPlan.Kind.DEPLOYMENT, at=at, historical=historical, data=data)


def withdrawal_complete(*, case: Case, user, at: datetime | None = None, historical: bool = False,
                        data: dict | None = None) -> Force:
    """Declare the withdrawal complete; refused until everything that landed has flown home and
    every contingent returning by road is recorded home (`contingent_returned`)."""
    return _complete(case=case, user=user, kind=AirliftPlan.Kind.WITHDRAWAL, at=at, historical=historical, data=data)


def contingent_returned(*, case: Case, user, member: str, at: datetime | None = None, historical: bool = False,
                        data: dict | None = None) -> Contingent:
    """Record that a contingent returning by road is home; the withdrawal counts it from then.

    Only for a contingent that returns by road (one returning by air comes home with its
    sorties), once, after it joined the force and after it handed back the objects it guarded.
    """
    access.require_role(user, *PLANNERS)
    _writable(case, historical)
    when = _moment(at, "at", case)
    with transaction.atomic():
        contingent = Contingent.objects.select_for_update().filter(case=case, member=member).first()
        if contingent is None:
            raise Conflict(f"{member} has no contingent in the force of case {case.ref}")
        if contingent.returns_by != "road":
            raise Conflict(f"{member}'s contingent returns by {contingent.returns_by}; its sorties bring it home")
        if contingent.returned_at is not None:
            raise Conflict(f"{member}'s contingent was already recorded home at {contingent.returned_at.isoformat()}")
        if when < contingent.joined_at:
            raise _invalid(f"{member}'s contingent joined the force at {contingent.joined_at.isoformat()}, "
                           f"after {when.isoformat()}")
        guarded = GuardedObject.objects.filter(contingent=contingent, guarded_from__isnull=False,
                                               handed_back_at__isnull=True)
        if guarded.exists():
            raise Conflict(f"{member}'s contingent still guards {guarded.count()} object(s); hand them back first")
        contingent.returned_at = when
        contingent.save(update_fields=["returned_at"])
        pledge = contingent.pledge
        ledger.record(EventType.CONTINGENT_RETURNED, actor=_actor(user), case=case,
                      subject=f"case:{case.ref}:contingent:{member}", at=when,
                      data={"state": member, "returns_by": "road", "personnel": pledge.personnel,
                            "vehicles": pledge.vehicles_total(), **(data or {})})
    return contingent


# -- guarded objects ---------------------------------------------------------------------------


def _contingent(case: Case, member: str | None) -> Contingent | None:
    if member in (None, ""):
        return None
    contingent = Contingent.objects.filter(case=case, member=member).first()
    if contingent is None:
        raise Conflict(f"{member} has no contingent in the force of case {case.ref}")
    return contingent


def object_add(*, case: Case, user, name_ru: str, name_en: str, kind: str, place: str = "",
               lat: float | None = None, lon: float | None = None, precision: str = "exact",
               contingent: str | None = None, sources: list[str] | None = None, note: str = "",
               historical: bool = False, data: dict | None = None) -> GuardedObject:
    """List an object to guard, with its location and (optionally) the contingent assigned."""
    access.require_role(user, *PLANNERS)
    _writable(case, historical)
    if not (name_en or "").strip() or not (name_ru or "").strip():
        raise _invalid("an object needs a name in Russian and in English")
    if kind not in GuardedObject.KINDS:
        raise _invalid(f"kind must be one of {', '.join(GuardedObject.KINDS)}, not {kind!r}")
    if (lat is None) != (lon is None):
        raise _invalid("give both lat and lon, or neither")
    if lat is not None:
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (lat, lon)):
            raise _invalid("lat and lon must be numbers")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _invalid(f"({lat}, {lon}) is not a place on Earth")
    if precision not in ("exact", "city", "unknown"):
        raise _invalid("precision must be exact, city or unknown")
    with transaction.atomic():
        obj = GuardedObject.objects.create(
            case=case, name_ru=name_ru.strip(), name_en=name_en.strip(), kind=kind, place=place, lat=lat, lon=lon,
            precision=precision if lat is not None else "unknown", contingent=_contingent(case, contingent),
            sources=list(sources or []), note=note)
        ledger.record(EventType.OBJECT_LISTED, actor=_actor(user), case=case, subject=f"case:{case.ref}:object:{obj.pk}",
                      data={"object": obj.pk, "name_en": obj.name_en, "kind": kind, "state": contingent or "",
                            **(data or {})})
    return obj


def object_guard(*, obj: GuardedObject, user, contingent: str | None = None, at: datetime | None = None,
                 historical: bool = False, data: dict | None = None) -> GuardedObject:
    """Record that a contingent took the object under guard."""
    access.require_role(user, *PLANNERS)
    case = obj.case
    _writable(case, historical)
    when = _moment(at, "at", case)
    with transaction.atomic():
        obj = GuardedObject.objects.select_for_update().get(pk=obj.pk)
        if obj.guarded_from is not None:
            raise Conflict(f"object {obj.pk} is already under guard" if obj.handed_back_at is None
                           else f"object {obj.pk} was handed back")
        if contingent is not None:
            obj.contingent = _contingent(case, contingent)
        if obj.contingent is None and contingent is None and not historical:
            raise _invalid("name the contingent that guards the object")
        obj.guarded_from = when
        obj.save(update_fields=["guarded_from", "contingent"])
        ledger.record(EventType.OBJECT_GUARDED, actor=_actor(user), case=case, subject=f"case:{case.ref}:object:{obj.pk}",
                      at=when, data={"object": obj.pk, "name_en": obj.name_en, "kind": obj.kind,
                                     "state": obj.contingent.member if obj.contingent else "", **(data or {})})
    return obj


def object_hand_back(*, obj: GuardedObject, user, at: datetime | None = None, historical: bool = False,
                     data: dict | None = None) -> GuardedObject:
    """Record that the object was handed back to the host state."""
    access.require_role(user, *PLANNERS)
    case = obj.case
    _writable(case, historical)
    when = _moment(at, "at", case)
    with transaction.atomic():
        obj = GuardedObject.objects.select_for_update().get(pk=obj.pk)
        if obj.guarded_from is None:
            raise Conflict(f"object {obj.pk} was never under guard")
        if obj.handed_back_at is not None:
            raise Conflict(f"object {obj.pk} was already handed back")
        if when < obj.guarded_from:
            raise _invalid(f"object {obj.pk} cannot be handed back before it was guarded")
        obj.handed_back_at = when
        obj.save(update_fields=["handed_back_at"])
        ledger.record(EventType.OBJECT_HANDED_BACK, actor=_actor(user), case=case,
                      subject=f"case:{case.ref}:object:{obj.pk}", at=when,
                      data={"object": obj.pk, "name_en": obj.name_en,
                            "state": obj.contingent.member if obj.contingent else "", **(data or {})})
    return obj
