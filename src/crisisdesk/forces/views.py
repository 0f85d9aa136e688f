"""Forces pages: the gap view, deployment progress, the plan as a table and timelines, the forms.

Objects reach a page only through the access funnels; what the user may not see answers 404.
Forms post to the same actions as the API. A page shows a form only to those whose post allows
it, but the action decides: a refusal comes back in the page with the action's one-line reason
and its 4xx status, and nothing is written.
"""

import json
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisisdesk.accounts import access
from crisisdesk.cases import queries as case_queries
from crisisdesk.errors import DomainError
from crisisdesk.forces import actions, airlift, forms, queries
from crisisdesk.forces.timeline import plan_timeline, summary_gaps


def _case(user, ref):
    try:
        return access.access_case(user, ref)
    except DomainError:
        raise Http404("no such case") from None


def _may(user, *roles) -> bool:
    return bool(access.roles_of(user) & set(roles))


def _writable(case) -> bool:
    return case.status not in actions.CLOSED


def _speaks_for(user, member: str) -> bool:
    """Whether the user is a delegate of `member` (the pledge forms are theirs alone)."""
    return "delegate" in access.roles_of(user) and member in access.members_of(user)


def _run(form, action, **kwargs):
    """Call the action with the form's arguments; return the refusal as (detail, status), or None."""
    if form.errors:
        return _("Nothing was saved: correct the fields marked below."), 400
    try:
        action(**kwargs, **form.kwargs)
    except DomainError as exc:
        return exc.detail, exc.status
    return None


def _failed(name: str, form=None, refusal=None, *, pk=None) -> dict:
    return {"form": name, "pk": pk, "detail": refusal[0] if refusal else "",
            "errors": form.errors if form is not None else {}, "values": form.values if form is not None else {}}


@login_required
@require_GET
def index(request):
    try:
        cases = case_queries.cases_visible_to(request.user)
    except DomainError:
        cases = []
    return render(request, "forces/index.html", {"cases": cases})


# -- the case overview and the forms on it -----------------------------------------------------


def _overview(request, case, *, failed=None, status=200):
    user = request.user
    force = queries.force_of(case)
    members = case.charter.parsed().members
    failed = failed or {}
    plan_form = failed.get("values") if failed.get("form") == "plan" else None
    plans = queries.plans_of(case)
    for p in plans:
        p.gaps = summary_gaps(p.summary)
    objects = queries.objects_of(case)
    for o in objects:
        o.kind_label = forms.KIND_LABELS.get(o.kind, o.kind)
    return render(request, "forces/case.html", {
        "case": case, "gap": queries.gap(case), "force": force,
        "deployment": queries.movement_progress(case, "deployment"),
        "withdrawal": queries.movement_progress(case, "withdrawal"),
        "objects": objects, "plans": plans,
        "contingents": list(force.contingents.all()) if force else [],
        "may_plan": _may(user, *actions.PLANNERS) and _writable(case),
        "own_members": sorted(m for m in access.members_of(user) if m in members and _speaks_for(user, m)),
        "kinds": list(forms.KIND_LABELS.items()),
        "failed": failed, "values": failed.get("values", {}), "errors": failed.get("errors", {}),
        "plan_form": plan_form or {"kind": "deployment", "fleet": json.dumps(airlift.DEFAULT_FLEET),
                                   "time_limit": 5},
    }, status=status)


@login_required
@require_GET
def case_view(request, ref):
    return _overview(request, _case(request.user, ref))


@login_required
@require_POST
def plan_new(request, ref):
    """Compute a plan from the form; a refusal shows the same one line as `crisisdesk airlift plan`."""
    case = _case(request.user, ref)
    form = {"kind": request.POST.get("kind", "deployment"), "fleet": request.POST.get("fleet", ""),
            "time_limit": request.POST.get("time_limit", "5"), "epoch": request.POST.get("epoch", "")}
    try:
        try:
            fleet = json.loads(form["fleet"]) if form["fleet"].strip() else None
        except json.JSONDecodeError as exc:
            raise DomainError(f"invalid input: the fleet is not valid JSON: {exc}") from None
        try:
            time_limit = float(form["time_limit"])
        except ValueError:
            raise DomainError("time_limit must be a number of seconds") from None
        try:
            epoch = datetime.fromisoformat(form["epoch"]) if form["epoch"].strip() else None
        except ValueError:
            raise DomainError(f"epoch {form['epoch']!r} is not an ISO time") from None
        plan = actions.plan_compute(case=case, user=request.user, kind=form["kind"], fleet=fleet,
                                    time_limit=time_limit, epoch=epoch)
    except DomainError as exc:
        failed = {"form": "plan", "detail": exc.detail, "values": form, "errors": {}}
        return _overview(request, case, failed=failed, status=exc.status)
    return redirect("forces-plan", pk=plan.pk)


def _back_to_case(case, anchor: str):
    return redirect(f"{reverse('forces-case', kwargs={'ref': case.ref})}#{anchor}")


@login_required
@require_POST
def object_new(request, ref):
    case = _case(request.user, ref)
    form = forms.object_form(request.POST)
    refusal = _run(form, actions.object_add, case=case, user=request.user)
    if refusal:
        return _overview(request, case, failed=_failed("object", form, refusal), status=refusal[1])
    messages.success(request, _("The object was listed."))
    return _back_to_case(case, "obj-h")


def _object(user, object_id):
    try:
        return queries.access_object(user, object_id)
    except DomainError:
        raise Http404("no such object") from None


@login_required
@require_POST
def object_guard(request, object_id):
    obj = _object(request.user, object_id)
    form = forms.moment_form(request.POST)
    refusal = _run(form, actions.object_guard, obj=obj, user=request.user)
    if refusal:
        return _overview(request, obj.case, failed=_failed("guard", form, refusal, pk=obj.pk), status=refusal[1])
    messages.success(request, _("The object is recorded as under guard."))
    return _back_to_case(obj.case, "obj-h")


@login_required
@require_POST
def object_hand_back(request, object_id):
    obj = _object(request.user, object_id)
    form = forms.moment_form(request.POST)
    form.kwargs.pop("contingent", None)
    refusal = _run(form, actions.object_hand_back, obj=obj, user=request.user)
    if refusal:
        return _overview(request, obj.case, failed=_failed("hand_back", form, refusal, pk=obj.pk),
                         status=refusal[1])
    messages.success(request, _("The object is recorded as handed back."))
    return _back_to_case(obj.case, "obj-h")


def _completion(request, ref, kind: str):
    case = _case(request.user, ref)
    form = forms.moment_form(request.POST)
    form.kwargs.pop("contingent", None)
    action = actions.deployment_complete if kind == "deployment" else actions.withdrawal_complete
    refusal = _run(form, action, case=case, user=request.user)
    if refusal:
        return _overview(request, case, failed=_failed(kind, form, refusal), status=refusal[1])
    messages.success(request, _("Deployment complete: recorded.") if kind == "deployment"
                     else _("Withdrawal complete: recorded."))
    return _back_to_case(case, f"{kind}-h")


@login_required
@require_POST
def contingent_returned(request, ref, member):
    """Record that a contingent returning by road is home (the withdrawal counts it from then)."""
    case = _case(request.user, ref)
    form = forms.moment_form(request.POST)
    form.kwargs.pop("contingent", None)
    refusal = _run(form, actions.contingent_returned, case=case, user=request.user, member=member)
    if refusal:
        return _overview(request, case, failed=_failed("returned", form, refusal, pk=member), status=refusal[1])
    messages.success(request, _("The contingent is recorded home."))
    return _back_to_case(case, "withdrawal-h")


@login_required
@require_POST
def deployment_complete(request, ref):
    return _completion(request, ref, "deployment")


@login_required
@require_POST
def withdrawal_complete(request, ref):
    return _completion(request, ref, "withdrawal")


# -- the statement of requirements -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request, ref):
    case = _case(request.user, ref)
    req = queries.gap(case)["requirement"]
    values, errors, detail, status = forms.requirement_values(req), {}, "", 200
    if request.method == "POST":
        form = forms.requirement_form(request.POST)
        refusal = _run(form, actions.requirement_set, case=case, user=request.user)
        if not refusal:
            messages.success(request, _("The statement of requirements was saved."))
            return _back_to_case(case, "gap-h")
        values, errors, (detail, status) = form.values, form.errors, refusal
    return render(request, "forces/requirements.html", {
        "case": case, "requirement": req, "values": values, "errors": errors, "detail": detail,
        "objects_rows": forms.padded(values.get("objects", []), ("kind", "count", "note")),
        "personnel_rows": forms.padded(values.get("personnel", []), ("name", "count")),
        "classes": [{"code": c, "label": forms.CLASS_LABELS.get(c, c), "value": values.get(f"vehicles_{c}", ""),
                     "error": errors.get(f"vehicles_{c}", "")} for c in forms.classes_in(values)],
        "kinds": list(forms.KIND_LABELS.items()),
        "objects_shown": [{**o, "label": forms.KIND_LABELS.get(o["kind"], o["kind"])}
                          for o in (req.objects_to_guard if req else [])],
        "may_edit": _may(request.user, *actions.PLANNERS) and _writable(case),
    }, status=status)


# -- pledges -----------------------------------------------------------------------------------


def _member(case, member: str):
    found = case.charter.parsed().members.get(member)
    if found is None:
        raise Http404("no such member state")
    return found


def _pledge_page(request, case, member, *, values=None, errors=None, failed="", detail="", status=200):
    pledge = case.pledges.filter(member=member).first()
    values = values if values is not None else forms.pledge_values(pledge)
    fields = airlift.catalogue()["airfields"]
    mine = _speaks_for(request.user, member) and _writable(case)
    return render(request, "forces/pledge.html", {
        "case": case, "member": _member(case, member), "code": member, "pledge": pledge, "values": values,
        "errors": errors or {}, "failed": failed, "detail": detail,
        "in_force": pledge is not None and hasattr(pledge, "contingent"),
        "category_rows": forms.padded(values.get("categories", []), ("name", "count")),
        "vehicle_rows": forms.padded(values.get("vehicles", []), forms.VEHICLE_COLUMNS),
        "vehicle_types": sorted(airlift.catalogue()["vehicles"]),
        "airfields": [(code, f.get("name", code)) for code, f in fields.items()],
        "may_pledge": mine, "may_approve": mine and pledge is not None and bool(pledge.approval_needed),
        "approval_labels": forms.APPROVAL_LABELS,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pledge(request, ref, member):
    case = _case(request.user, ref)
    _member(case, member)
    if request.method == "GET":
        return _pledge_page(request, case, member)
    form = forms.pledge_form(request.POST)
    existing = case.pledges.filter(member=member).first()
    keep = {}
    if existing is not None:
        # The form edits the totals; a split into movement elements (from the API) is kept unless
        # the delegate asks to move the pledge as one unit, and the sources always are.
        keep["sources"] = existing.sources
        if existing.elements and not form.values.get("one_unit"):
            keep["elements"] = existing.elements
    refusal = _run(form, actions.pledge_record, case=case, user=request.user, member=member, **keep)
    if refusal:
        return _pledge_page(request, case, member, values=form.values, errors=form.errors, failed="pledge",
                            detail=refusal[0], status=refusal[1])
    messages.success(request, _("The pledge was recorded."))
    return redirect("forces-pledge", ref=case.ref, member=member)


@login_required
@require_POST
def pledge_approval(request, ref, member):
    case = _case(request.user, ref)
    _member(case, member)
    form = forms.approval_form(request.POST)
    refusal = _run(form, actions.pledge_approval_set, case=case, user=request.user, member=member)
    if refusal:
        return _pledge_page(request, case, member, errors=form.errors, failed="approval", detail=refusal[0],
                            status=refusal[1])
    messages.success(request, _("The outcome of the national approval was recorded."))
    return redirect("forces-pledge", ref=case.ref, member=member)


# -- the force and its contingents -------------------------------------------------------------


def _force_page(request, case, *, values=None, errors=None, failed="", detail="", status=200):
    user = request.user
    force = queries.force_of(case)
    contingents = list(force.contingents.select_related("pledge")) if force else []
    joined = {c.member for c in contingents}
    candidates = [p for p in case.pledges.all() if p.approval_status != "refused" and p.member not in joined]
    writable = _writable(case)
    values = values or {}
    for p in candidates:
        p.include = values.get(f"include_{p.member}", True) if failed == "force" else True
        p.returns_by = values.get(f"returns_by_{p.member}", "air")
    return render(request, "forces/force.html", {
        "case": case, "force": force, "contingents": contingents, "candidates": candidates,
        "values": values, "errors": errors or {}, "failed": failed, "detail": detail,
        "may_form": "secretariat" in access.roles_of(user) and force is None and writable,
        "may_add": _may(user, *actions.PLANNERS) and force is not None and bool(candidates) and writable,
        "returns_labels": forms.RETURNS_LABELS, "approval_labels": forms.APPROVAL_LABELS,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def force(request, ref):
    case = _case(request.user, ref)
    if request.method == "GET":
        return _force_page(request, case)
    form = forms.force_form(request.POST, list(case.pledges.all()))
    refusal = _run(form, actions.force_form, case=case, user=request.user)
    if refusal:
        return _force_page(request, case, values=form.values, errors=form.errors, failed="force",
                           detail=refusal[0], status=refusal[1])
    messages.success(request, _("The force was formed."))
    return redirect("forces-force", ref=case.ref)


@login_required
@require_POST
def contingent_new(request, ref):
    case = _case(request.user, ref)
    form = forms.contingent_form(request.POST)
    refusal = _run(form, actions.contingent_add, case=case, user=request.user)
    if refusal:
        return _force_page(request, case, values=form.values, errors=form.errors, failed="contingent",
                           detail=refusal[0], status=refusal[1])
    messages.success(request, _("The contingent joined the force."))
    return redirect("forces-force", ref=case.ref)


# -- the plan ----------------------------------------------------------------------------------


@login_required
@require_GET
def plan_view(request, pk):
    try:
        plan = queries.access_plan(request.user, pk)
    except DomainError:
        raise Http404("no such plan") from None
    sorties = queries.sorties_of(plan.case, plan=plan)
    for s in sorties:
        s.load_summary = actions.sortie_load(s)
    return render(request, "forces/plan.html", {
        "plan": plan, "case": plan.case, "sorties": sorties,
        "timeline": plan_timeline(plan.input, plan.plan, epoch=plan.epoch, zone=plan.case.host.zone),
        "gaps": summary_gaps(plan.summary),
        "may_operate": _may(request.user, *actions.OPERATORS) and plan.is_active,
        "error": request.GET.get("error", ""),
    })


@login_required
@require_http_methods(["POST"])
def sortie_status(request, pk):
    try:
        sortie = queries.access_sortie(request.user, pk)
    except DomainError:
        raise Http404("no such sortie") from None
    try:
        actions.sortie_set_status(sortie=sortie, user=request.user, status=request.POST.get("status", ""))
    except DomainError as exc:
        return redirect(f"{reverse('forces-plan', kwargs={'pk': sortie.plan_id})}?{urlencode({'error': exc.detail})}")
    return redirect("forces-plan", pk=sortie.plan_id)


# -- the reference catalogue -------------------------------------------------------------------


@login_required
@require_GET
def catalogue(request):
    return render(request, "forces/catalogue.html", catalogue_rows(airlift.catalogue()))


STATUS_LABELS = {
    "sourced": gettext_lazy("sourced"),
    "conflict": gettext_lazy("sources disagree"),
    "unverified": gettext_lazy("unverified (one weak source)"),
    "assumed": gettext_lazy("assumed (no source)"),
}


def _figure(label, raw: dict, value: str, sources: dict) -> dict:
    """One figure of the catalogue with its status, the values sources give, its note and links."""
    status = raw.get("status", "")
    return {"label": label, "value": value, "status": status, "status_label": STATUS_LABELS.get(status, status),
            "conflict": status == "conflict", "values": raw.get("values", []), "note": raw.get("note", ""),
            "sources": [(key, sources.get(key, "")) for key in raw.get("src", [])]}


def catalogue_rows(data: dict) -> dict:
    """The catalogue as rows for the page: aircraft, vehicles and airfields, conflicts flagged."""
    sources = data.get("sources", {})
    aircraft = []
    for code, raw in data["aircraft"].items():
        hold = raw["hold"]
        aircraft.append({"code": code, "name": raw.get("name", code), "figures": [
            _figure(_("Payload (kg)"), raw["payload_kg"], str(raw['payload_kg']['value']), sources),
            _figure(_("Seats"), raw["seats"], str(raw["seats"]["value"]), sources),
            _figure(_("Hold (length × width × height, m)"), hold,
                    f"{hold['length_m']:g} × {hold['width_m']:g} × {hold['height_m']:g}", sources),
            _figure(_("Cruise speed (km/h)"), raw["cruise_kmh"], str(raw["cruise_kmh"]["value"]), sources),
            _figure(_("Ground time (h)"), raw["ground_time_h"], f"{raw['ground_time_h']['value']:g}", sources),
        ]})
    vehicles = []
    for code, raw in data["vehicles"].items():
        size = raw["size_m"]
        vehicles.append({"code": code, "name": raw.get("name", code),
                         "class": forms.CLASS_LABELS.get(airlift.vehicle_class(code), airlift.vehicle_class(code)),
                         "figures": [
            _figure(_("Weight (kg)"), raw["weight_kg"], str(raw['weight_kg']['value']), sources),
            _figure(_("Size (length × width × height, m)"), size,
                    f"{size['length']:g} × {size['width']:g} × {size['height']:g}", sources),
        ]})
    airfields = [{"code": code, "name": raw.get("name", code),
                  "figure": _figure(_("Coordinates"), raw, f"{raw['lat']:.4f}, {raw['lon']:.4f}", sources)}
                 for code, raw in data["airfields"].items()]
    conflicts = sum(f["conflict"] for row in aircraft + vehicles for f in row["figures"])
    conflicts += sum(a["figure"]["conflict"] for a in airfields)
    return {"aircraft": aircraft, "vehicles": vehicles, "airfields": airfields, "conflicts": conflicts,
            "status_labels": STATUS_LABELS}
