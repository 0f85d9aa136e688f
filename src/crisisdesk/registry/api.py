"""The registry's JSON API, mounted at /api/registry/."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema, Status
from pydantic import Field

from crisisdesk import clock
from crisisdesk.accounts.access import require_post
from crisisdesk.errors import DomainError
from crisisdesk.registry import actions, queries
from crisisdesk.registry.models import BASIS_TYPES, CATEGORIES, STATUSES

router = Router(tags=["registry"])

MAX_BATCH = 1000  # A larger batch belongs to the CLI, which streams and shows progress.


class ScreenIn(Schema):
    names: list[str] = Field(..., min_length=1)
    threshold: float | None = None


class DesignationIn(Schema):
    organization: str
    state: str = Field(..., min_length=2, max_length=8)
    category: str
    status: str = "active"
    basis_type: str = "court_decision"
    act_type: str = ""
    act_number: str = ""
    act_date: date | None = None
    act_title: str = ""
    issuing_body: str = ""
    court_name: str = ""
    case_number: str = ""
    act_url: str = ""
    entry_into_force: date | None = None
    listing_date: date | None = None
    source_url: str = ""
    note: str = ""


class DesignationPatch(Schema):
    status: str | None = None
    status_since: date | None = None
    end_date: date | None = None
    delisting_act: str | None = None
    delisting_url: str | None = None
    category: str | None = None
    act_title: str | None = None
    case_number: str | None = None
    court_name: str | None = None
    source_url: str | None = None
    note: str | None = None


class ProposalIn(Schema):
    organization: str
    state: str
    note: str = ""


class DecideIn(Schema):
    outcome: str
    decision_ref: str
    decided_on: date
    decision_id: int | None = None


def _check_choices(data: dict) -> None:
    for key, allowed in (("category", CATEGORIES), ("status", STATUSES), ("basis_type", BASIS_TYPES)):
        if data.get(key) is not None and data[key] not in allowed:
            raise DomainError(f"{key} must be one of {', '.join(allowed)}")


def _designation_json(d) -> dict:
    return {
        "ref": d.ref, "organization": d.organization.public_id, "state": d.state,
        "category": d.category, "status": d.status, "act": d.act_label,
        "act_type": d.act_type, "act_number": d.act_number,
        "act_date": d.act_date.isoformat() if d.act_date else None,
        "issuing_body": d.issuing_body, "court_name": d.court_name, "case_number": d.case_number,
        "entry_into_force": d.entry_into_force.isoformat() if d.entry_into_force else None,
        "status_since": d.status_since.isoformat() if d.status_since else None,
        "end_date": d.end_date.isoformat() if d.end_date else None,
        "delisting_act": d.delisting_act, "source_url": d.source_url or d.act_url,
        "retrieved_at": d.retrieved_at.isoformat() if d.retrieved_at else None,
        "content_hash": d.content_hash, "version": d.version, "demo": d.demo,
    }


@router.post("/screen")
def screen(request, payload: ScreenIn):
    require_post(request.auth)
    if len(payload.names) > MAX_BATCH:
        raise DomainError(f"{len(payload.names)} names; at most {MAX_BATCH} per request "
                          "(use `crisisdesk registry screen --input` for more)")
    threshold = queries.check_threshold(
        payload.threshold if payload.threshold is not None else queries.DEFAULT_THRESHOLD)
    index, key = queries.current_index()
    results = [queries.result_json(index, name, threshold) for name in payload.names]
    run = actions.record_screening(
        actor=request.auth.get_username(), states=queries.user_states(request.auth),
        names=list(payload.names), results=[queries.summary(r) for r in results],
        threshold=threshold, registry_hash=key, source="api")
    return {"screening": run.ref, "results": results}


@router.get("/screenings")
def screenings(request):
    return [{"screening": r.ref, "actor": r.actor, "created_at": r.created_at.isoformat(),
             "names": len(r.names), "source": r.source} for r in queries.screening_runs_for(request.auth)]


@router.get("/screenings/stale")
def stale(request):
    """Earlier batch screenings whose results would change against the registry now."""
    return queries.stale_runs(request.auth)


@router.get("/screenings/{ref}")
def screening(request, ref: str):
    run = queries.access_screening_run(request.auth, ref)
    return {"screening": run.ref, "actor": run.actor, "created_at": run.created_at.isoformat(),
            "threshold": run.threshold, "names": run.names, "results": run.results}


@router.get("/organizations")
def organizations(request):
    require_post(request.auth)
    from crisisdesk.registry.models import Organization

    return [{"organization": o.public_id, "ref": o.ref, "name": o.canonical_name, "demo": o.demo}
            for o in Organization.objects.all()]


@router.get("/organizations/{ref}")
def organization(request, ref: str):
    org = queries.access_organization(request.auth, ref)
    return {
        "organization": org.public_id, "ref": org.ref, "name": org.canonical_name,
        "entity_type": org.entity_type, "version": org.version, "demo": org.demo,
        "names": [{"value": n.value, "name_type": n.name_type, "script": n.script, "lang": n.lang}
                  for n in org.names.all()],
        "designations": [_designation_json(d) for d in org.designations.all()],
        "relations": [{"kind": r.kind, "organization": r.object.public_id} for r in org.relations.all()],
        "history": [{"version": v.version, "recorded_at": v.recorded_at.isoformat(), "hash": v.content_hash}
                    for v in org.versions.all()],
    }


@router.post("/designations", response={201: dict})
def designation_create(request, payload: DesignationIn):
    data = payload.dict()
    _check_choices(data)
    org = queries.access_organization(request.auth, data.pop("organization"))
    d = actions.create_designation(user=request.auth, organization=org, data=data)
    return Status(201, _designation_json(d))


@router.get("/designations/{ref}")
def designation_get(request, ref: str):
    return _designation_json(queries.access_designation(request.auth, ref))


@router.patch("/designations/{ref}")
def designation_patch(request, ref: str, payload: DesignationPatch):
    d = queries.access_designation(request.auth, ref)
    changes = {k: v for k, v in payload.dict().items() if v is not None}
    _check_choices(changes)
    if not changes:
        raise DomainError("nothing to change")
    d = actions.change_designation(user=request.auth, designation=d, changes=changes)
    return _designation_json(d)


@router.get("/unified")
def unified(request, as_of: str | None = None):
    require_post(request.auth)
    return queries.unified_list(as_of or clock.now().date())


@router.get("/divergence")
def divergence_view(request, as_of: str | None = None):
    require_post(request.auth)
    return queries.divergence(as_of or clock.now().date())


@router.post("/proposals", response={201: dict})
def propose(request, payload: ProposalIn):
    org = queries.access_organization(request.auth, payload.organization)
    p = actions.propose_for_unified(user=request.auth, organization=org, state=payload.state, note=payload.note)
    return Status(201, {"proposal": p.pk, "organization": org.public_id, "proposed_by": p.proposed_by,
                 "status": p.status})


@router.post("/proposals/{pk}/decide")
def decide(request, pk: str, payload: DecideIn):
    p = queries.access_proposal(request.auth, pk)
    p = actions.decide_proposal(user=request.auth, proposal=p, outcome=payload.outcome,
                                decision_ref=payload.decision_ref, decided_on=payload.decided_on,
                                decision_id=payload.decision_id)
    return {"proposal": p.pk, "status": p.status, "decision_ref": p.decision_ref,
            "decided_on": p.decided_on.isoformat()}
