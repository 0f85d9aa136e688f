"""Forces pages: the gap view, deployment progress, the plan as a table and timelines.

Objects reach a page only through the access funnels; what the user may not see answers 404.
Forms post to the same actions as the API; a refusal shows the action's one-line reason.
"""

import json
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisisdesk.accounts import access
from crisisdesk.cases import queries as case_queries
from crisisdesk.errors import DomainError
from crisisdesk.forces import actions, airlift, queries
from crisisdesk.forces.timeline import plan_timeline


def _case(user, ref):
    try:
        return access.access_case(user, ref)
    except DomainError:
        raise Http404("no such case") from None


def _may(user, *roles) -> bool:
    return bool(access.roles_of(user) & set(roles))


@login_required
@require_GET
def index(request):
    try:
        cases = case_queries.cases_visible_to(request.user)
    except DomainError:
        cases = []
    return render(request, "forces/index.html", {"cases": cases})


def _overview(request, case, *, plan_error="", plan_form=None, status=200):
    return render(request, "forces/case.html", {
        "case": case, "gap": queries.gap(case), "force": queries.force_of(case),
        "deployment": queries.movement_progress(case, "deployment"),
        "withdrawal": queries.movement_progress(case, "withdrawal"),
        "objects": queries.objects_of(case), "plans": queries.plans_of(case),
        "may_plan": _may(request.user, *actions.PLANNERS), "plan_error": plan_error,
        "plan_form": plan_form or {"kind": "deployment", "fleet": json.dumps(airlift.DEFAULT_FLEET), "time_limit": 5},
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
        return _overview(request, case, plan_error=exc.detail, plan_form=form, status=exc.status)
    return redirect("forces-plan", pk=plan.pk)


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
        "plan": plan, "case": plan.case, "sorties": sorties, "timeline": plan_timeline(plan.input, plan.plan),
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
        from django.urls import reverse
        from django.utils.http import urlencode

        return redirect(f"{reverse('forces-plan', kwargs={'pk': sortie.plan_id})}?{urlencode({'error': exc.detail})}")
    return redirect("forces-plan", pk=sortie.plan_id)
