"""Registry pages in the web shell: organisations, the unified list, divergence, screening.

Access is the registry API's: every post holder reads the registry; a user without a post gets
403, as from the API. Objects reach a page through the same funnels as the API (queries.py), and
the screening form records a batch run exactly as `POST /api/registry/screen` does, so that a
later change of the list can name it for re-screening.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crisisdesk import clock
from crisisdesk.accounts.access import require_post
from crisisdesk.engines.screening import DEFAULT_THRESHOLD, QueryError
from crisisdesk.errors import DomainError, NotFound
from crisisdesk.registry import actions, documents, queries
from crisisdesk.registry.api import MAX_BATCH
from crisisdesk.registry.models import Organization, OrgName

ORGS_PER_PAGE = 50
RUNS_SHOWN = 50
MAX_QUERY = 200  # characters of a search

# The divergence codes of queries.cell_code, in the reader's language (looked up per request).
def _code_labels() -> dict[str, str]:
    return {
        "T": _("terrorist"),
        "E": _("extremist only"),
        "F": _("terror financing"),
        "S": _("suspended or under appeal"),
        "D": _("delisted"),
        "N": _("checked, not listed"),
        "?": _("no data"),
    }


def _value_labels() -> dict[str, dict[str, str]]:
    """Stored codes (category, status, name type) in the reader's language."""
    return {
        "category": {"terrorist": _("terrorist"), "extremist": _("extremist"),
                     "terror_financing": _("terror financing")},
        "status": {"active": _("active"), "suspended": _("suspended"), "under_appeal": _("under appeal"),
                   "delisted": _("delisted")},
        "name_type": {"primary": _("primary"), "alias": _("alias"), "previous": _("previous name"),
                      "abbreviation": _("abbreviation"), "weak": _("weak alias")},
    }


def _label(labels: dict, kind: str, code: str) -> str:
    return str(labels[kind].get(code, code))


def _reader(user) -> None:
    """Any post holder reads the registry (as the API's require_post); others get 403."""
    try:
        require_post(user)
    except DomainError as exc:
        raise PermissionDenied(exc.detail) from None


def _as_of(request) -> tuple[date, str]:
    """The `as_of` date of the query string, today by the injected clock when absent."""
    raw = request.GET.get("as_of", "").strip()
    today = clock.now().date()
    if not raw:
        return today, ""
    try:
        return queries.parse_day(raw), ""
    except DomainError:
        return today, _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": raw[:40]}


def _legend() -> list[tuple[str, str]]:
    return list(_code_labels().items())


# -- organisations --------------------------------------------------------------------------------


def _search(q: str):
    """Organisations whose stored names contain the text, or that the screening matcher finds.

    The matcher makes the search work across scripts and transliterations ("Islamskoe
    gosudarstvo" finds "Исламское государство"); a plain substring search finds the rest.
    """
    ids = set(OrgName.objects.filter(value__icontains=q).values_list("organization_id", flat=True))
    ids |= set(Organization.objects.filter(
        Q(canonical_name__icontains=q) | Q(ref__icontains=q) | Q(external_id__icontains=q),
    ).values_list("id", flat=True))
    try:
        index, _key = queries.current_index()
        public = [m.entity_id for m in index.screen(q, threshold=DEFAULT_THRESHOLD).matches]
    except QueryError:
        public = []
    if public:
        ids |= set(Organization.objects.filter(Q(external_id__in=public) | Q(ref__in=public))
                   .values_list("id", flat=True))
    return Organization.objects.filter(id__in=ids)


@login_required
@require_GET
def index(request):
    _reader(request.user)
    as_of, error = _as_of(request)
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    orgs = (_search(q) if q else Organization.objects.all()).prefetch_related("names").order_by("canonical_name")
    page = Paginator(orgs, ORGS_PER_PAGE).get_page(request.GET.get("page"))
    cells = queries.state_cells(as_of)
    labels = _code_labels()
    values = _value_labels()
    rows = []
    for org in page:
        by_state = cells.get(org.ref, {})
        names = list(org.names.all())
        for n in names:
            n.type_label = _label(values, "name_type", n.name_type)
        rows.append({
            "org": org, "names": names,
            "states": [{"state": s, "best": entries[0], "label": labels[entries[0]["code"]], "all": entries}
                       for s, entries in sorted(by_state.items())],
        })
    return render(request, "registry/index.html", {
        "rows": rows, "page": page, "q": q, "as_of": as_of.isoformat(), "error": error,
        "legend": _legend(),
    }, status=400 if error else 200)


@login_required
@require_GET
def organization(request, ref):
    _reader(request.user)
    try:
        org = queries.access_organization(request.user, ref)
    except NotFound:
        raise Http404("no such organisation") from None
    values = _value_labels()
    names = list(org.names.all())
    for n in names:
        n.type_label = _label(values, "name_type", n.name_type)
    designations = list(org.designations.order_by("state", "act_date", "pk"))
    for d in designations:
        d.category_label = _label(values, "category", d.category)
        d.status_label = _label(values, "status", d.status)
    return render(request, "registry/organization.html", {
        "org": org, "names": names, "designations": designations,
        "relations": list(org.relations.select_related("object")),
        "inverse": list(org.inverse_relations.select_related("subject")),
        "versions": list(org.versions.order_by("version")),
    })


# -- the unified list -----------------------------------------------------------------------------


@login_required
@require_GET
def unified(request):
    _reader(request.user)
    as_of, error = _as_of(request)
    data = queries.unified_list(as_of)
    for entry in data["organizations"]:
        entry["cells"] = sorted(entry["designations"].items())
        entry["ref"] = Organization.objects.filter(
            Q(external_id=entry["organization"]) | Q(ref=entry["organization"])).values_list("ref", flat=True).first()
    return render(request, "registry/unified_page.html", {"data": data, "as_of": data["as_of"], "error": error},
                  status=400 if error else 200)


def _download_as_of(request) -> date:
    as_of, error = _as_of(request)
    if error:
        raise DomainError(error)
    return as_of


@login_required
@require_GET
def unified_csv(request):
    _reader(request.user)
    try:
        as_of = _download_as_of(request)
    except DomainError as exc:
        return HttpResponse(exc.detail, status=400, content_type="text/plain; charset=utf-8")
    data = queries.unified_list(as_of)
    response = HttpResponse(documents.unified_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="unified-{data["as_of"]}.csv"'
    return response


@login_required
@require_GET
def unified_pdf(request):
    from crisisdesk.registry.documents import unified_pdf as render_pdf

    _reader(request.user)
    try:
        as_of = _download_as_of(request)
    except DomainError as exc:
        return HttpResponse(exc.detail, status=400, content_type="text/plain; charset=utf-8")
    try:
        pdf = render_pdf(queries.unified_list(as_of))
    except DomainError as exc:  # WeasyPrint or Pango missing: the server's fault; the CSV still works
        return HttpResponse(exc.detail, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="unified-{as_of.isoformat()}.pdf"'
    return response


# -- divergence -----------------------------------------------------------------------------------


@login_required
@require_GET
def divergence(request):
    _reader(request.user)
    as_of, error = _as_of(request)
    data = queries.divergence(as_of)
    labels = _code_labels()
    refs = dict(Organization.objects.values_list("ref", "ref"))
    refs.update(Organization.objects.exclude(external_id="").values_list("external_id", "ref"))
    rows = []
    for row in data["rows"]:
        cells = []
        for s in data["states"]:
            cell = row["cells"][s]
            cells.append({"state": s, "label": labels[cell["code"]], **cell})
        rows.append({"organization": row["organization"], "ref": refs.get(row["organization"]),
                     "name": row["name"], "cells": cells})
    gaps = sum(1 for r in rows for c in r["cells"] if c["code"] == "?")
    return render(request, "registry/divergence.html", {
        "states": data["states"], "rows": rows, "as_of": data["as_of"], "error": error,
        "legend": _legend(), "gaps": gaps,
    }, status=400 if error else 200)


# -- screening ------------------------------------------------------------------------------------


def _earlier_runs(user) -> list[dict]:
    runs = queries.screening_runs_for(user)[:RUNS_SHOWN]
    stale = {s["screening"]: s for s in queries.stale_runs(user, runs=runs)}
    return [{"run": r, "stale": stale.get(r.ref)} for r in runs]


def _screen(request) -> tuple[dict, int]:
    """Screen the names of the form; the result of each name as the API gives it."""
    form = {"names": request.POST.get("names", ""), "threshold": request.POST.get("threshold", "").strip()}
    names = [line.strip() for line in form["names"].splitlines() if line.strip()]
    errors = []
    threshold = DEFAULT_THRESHOLD
    if not names:
        errors.append(_("Enter at least one name, one per line."))
    elif len(names) > MAX_BATCH:
        errors.append(_("%(count)s names; at most %(max)s at a time (use the command line for more).")
                      % {"count": len(names), "max": MAX_BATCH})
    if form["threshold"]:
        try:
            threshold = queries.check_threshold(form["threshold"].replace(",", "."))
        except DomainError:
            errors.append(_("The threshold must be a number from 0 to 1."))
    if errors:
        return {"form": form, "errors": errors, "results": None}, 400
    index, key = queries.current_index()
    results = [queries.result_json(index, name, threshold) for name in names]
    run = actions.record_screening(
        actor=request.user.get_username(), states=queries.user_states(request.user),
        names=names, results=[queries.summary(r) for r in results],
        threshold=threshold, registry_hash=key, source="web")
    values = _value_labels()
    shown = []
    for r in results:  # the API's result, with the stored codes named in the reader's language
        matches = [{**m, "designations": [{**d, "category_label": _label(values, "category", d["category"]),
                                            "status_label": _label(values, "status", d["status"])}
                                           for d in m["designations"]]} for m in r["matches"]]
        shown.append({**r, "matches": matches})
    results = shown
    form["threshold"] = str(threshold)
    return {"form": form, "errors": [], "results": results, "run": run}, 200


@login_required
@require_http_methods(["GET", "POST"])
def screen(request):
    _reader(request.user)
    context = {"form": {"names": "", "threshold": str(DEFAULT_THRESHOLD)}, "errors": [], "results": None}
    status = 200
    if request.method == "POST":
        context, status = _screen(request)
        if request.htmx:
            return render(request, "registry/_screen_results.html", context, status=status)
    context.update({"default_threshold": DEFAULT_THRESHOLD, "max_batch": MAX_BATCH,
                    "earlier": _earlier_runs(request.user)})
    return render(request, "registry/screen.html", context, status=status)
