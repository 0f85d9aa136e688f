"""Pages: situation reports (list, file, edit with a conflict screen), the map, the dashboard."""

import base64
import json
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_http_methods

from crisisdesk.accounts import access
from crisisdesk.cases import queries as case_queries
from crisisdesk.errors import DomainError
from crisisdesk.sitreps import actions, queries
from crisisdesk.sitreps.models import Report
from crisisdesk.web.forms import instant, local_input

TEXT_FIELDS = ("title", "body", "place", "kind", "version", "urgency", "severity", "confidence", "status", "source")


def _case_for(request):
    """The case named by ?case=, else the newest one the user may see; None if there is none."""
    ref = request.GET.get("case") or request.POST.get("case")
    try:
        if ref:
            return access.access_case(request.user, ref)
        cases = case_queries.cases_visible_to(request.user)
    except DomainError:
        raise Http404("no such case") from None
    return cases[0] if cases else None


def _visible_cases(user):
    try:
        return case_queries.cases_visible_to(user)
    except DomainError:
        return []


def _unless_unchanged(value: str, stored: datetime):
    """The stored instant if the form sends it back as the page showed it (to the minute), so that
    an edit of other fields keeps a period with seconds exact; else the instant the form names.
    (A report changed since the page was loaded is caught by the revision check, not here.)"""
    if (value or "").strip() == local_input(stored):
        return stored
    return instant(value)


def _location(post) -> tuple[dict | None, dict]:
    lat, lon = (post.get("lat") or "").strip(), (post.get("lon") or "").strip()
    if not lat and not lon:
        return None, {}
    try:
        return {"type": "Point", "coordinates": [float(lon), float(lat)]}, {}
    except ValueError:
        return None, {"location": "latitude and longitude must be numbers"}


def _form_values(post) -> dict:
    values = {k: post.get(k, "") for k in TEXT_FIELDS}
    values.update({k: post.get(k, "") for k in ("period_from", "period_to", "lat", "lon", "preceding",
                                                "revision", "figure_key", "figure_value", "figure_unit")})
    values["released_to"] = post.getlist("released_to")
    return values


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    case = _case_for(request)
    errors, values, status = {}, {}, None
    if request.method == "POST" and case is not None:
        values = _form_values(request.POST)
        location, errors = _location(request.POST)
        kwargs = {k: values[k] or None for k in ("kind", "version", "urgency", "severity", "confidence", "status",
                                                  "source")}
        kwargs["version"] = kwargs["version"] or "initial"
        try:
            period_from, period_to = instant(values["period_from"]), instant(values["period_to"])
        except ValueError:
            period_from = period_to = None
            errors["period_from"] = "not a date and time"
        preceding = None
        if values["preceding"]:
            if values["preceding"].isascii() and values["preceding"].isdigit():
                preceding = int(values["preceding"])
            else:
                errors["preceding"] = "a report number"
        figures = []
        if values["figure_key"]:
            figures.append({"key": values["figure_key"], "value": values["figure_value"],
                            "unit": values["figure_unit"]})
        attachments = []
        for upload in request.FILES.getlist("attachments"):
            if upload.size > actions.MAX_ATTACHMENT_BYTES:
                errors["attachments"] = f"{upload.name} is larger than {actions.MAX_ATTACHMENT_BYTES} bytes"
                continue
            attachments.append({"name": upload.name, "mime_type": upload.content_type or "application/octet-stream",
                                "content_b64": base64.b64encode(upload.read()).decode()})
        if not errors:
            try:
                report = actions.sitrep_file(
                    user=request.user, case=case, title=values["title"], body=values["body"],
                    place=values["place"], period_from=period_from, period_to=period_to, location=location,
                    preceding=preceding, released_to=values["released_to"] or None, attachments=attachments,
                    figures=figures, **kwargs)
                return redirect("sitrep-detail", report_id=report.pk)
            except actions.FieldErrors as exc:
                errors = exc.fields
            except DomainError as exc:  # e.g. 409: the case is closed
                errors, status = {"general": exc.detail}, exc.status
    reports = queries.reports_visible_to(request.user, case=case) if case is not None else []
    status = status or (422 if errors else 200)
    return render(request, "sitreps/list.html", {
        "case": case, "cases": _visible_cases(request.user), "reports": reports, "errors": errors,
        "values": values, "kinds": Report.Kind.choices, "versions": Report.Version.choices,
        "urgencies": Report.Urgency.choices, "severities": Report.Severity.choices,
        "confidences": Report.Confidence.choices, "statuses": Report.Status.choices,
        "sources": actions.sources_of(request.user),
        "releasable": sorted(actions.releasable_codes(case)) if case is not None else [],
        "figures": queries.figures_side_by_side(request.user, case) if case is not None else {},
        "may_choose_official": bool(access.roles_of(request.user) & set(actions.OFFICIAL_ROLES)),
        "case_closed": case is not None and case.status in actions.CLOSED,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, report_id):
    try:
        report = queries.access_report(request.user, report_id)
    except DomainError:
        raise Http404("no such report") from None
    errors, conflict, values, status = {}, None, {}, None
    if request.method == "POST":
        values = _form_values(request.POST)
        location, errors = _location(request.POST)
        changes = {k: values[k] for k in ("title", "body", "place", "urgency", "severity", "confidence")}
        if location is not None or not (report.location and report.location.get("type") == "Polygon"):
            changes["location"] = location
        changes["released_to"] = values["released_to"] or report.released_to
        try:
            changes["period_from"] = _unless_unchanged(values["period_from"], report.period_from)
            changes["period_to"] = _unless_unchanged(values["period_to"], report.period_to)
        except ValueError:
            errors["period_from"] = "not a date and time"
        try:
            revision = int(values["revision"])
        except ValueError:
            errors["revision"] = "missing; reload the page"
            revision = 0
        if not errors:
            try:
                actions.sitrep_update(user=request.user, report=report, revision=revision, changes=changes)
                return redirect("sitrep-detail", report_id=report.pk)
            except actions.EditConflict as exc:
                conflict = exc
            except actions.FieldErrors as exc:
                errors = exc.fields
            except DomainError as exc:  # e.g. 409: the case is closed
                errors, status = {"general": exc.detail}, exc.status
    if conflict is not None:
        rows = []
        for field, label in CONFLICT_FIELDS:
            theirs, yours = conflict.current.get(field), conflict.yours.get(field)
            rows.append({"field": gettext(label), "theirs": _shown(theirs), "yours": _shown(yours),
                         "differs": theirs != yours})
        report.refresh_from_db()
        return render(request, "sitreps/conflict.html", {
            "report": report, "conflict": conflict, "rows": rows}, status=409)
    if not values:
        values = {k: getattr(report, k) for k in TEXT_FIELDS}
        values.update({"period_from": local_input(report.period_from), "period_to": local_input(report.period_to),
                       "revision": report.revision, "released_to": report.released_to})
        if report.location and report.location.get("type") == "Point":
            values["lon"], values["lat"] = report.location["coordinates"][:2]
    return render(request, "sitreps/detail.html", {
        "report": report, "errors": errors, "values": values, "revisions": report.revisions.all(),
        "urgencies": Report.Urgency.choices, "severities": Report.Severity.choices,
        "confidences": Report.Confidence.choices, "releasable": sorted(actions.releasable_codes(report.case)),
        "case_closed": report.case.status in actions.CLOSED,
    }, status=status or (422 if errors else 200))


@login_required
@require_http_methods(["POST"])
def figure_official(request, figure_id):
    try:
        figure = queries.access_figure(request.user, figure_id)
        actions.figure_make_official(user=request.user, figure=figure, reason=request.POST.get("reason", ""))
    except actions.FieldErrors as exc:
        return render(request, "sitreps/message.html", {"message": exc.detail}, status=422)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404("no such figure") from None
        return render(request, "sitreps/message.html", {"message": exc.detail}, status=exc.status)
    return redirect(f"/sitreps/?case={figure.case.ref}#figures")


# The map's own labels (map.js), translated here and handed to the script in data-labels.
MAP_LABELS = [
    gettext_noop("Member states"), gettext_noop("Airfields"), gettext_noop("Contingents"),
    gettext_noop("Guarded objects"), gettext_noop("Sorties in the air"), gettext_noop("Incidents (reports)"),
    gettext_noop("State"), gettext_noop("Code"), gettext_noop("Status"), gettext_noop("Host"), gettext_noop("yes"),
    gettext_noop("Report"), gettext_noop("Title"), gettext_noop("Type"), gettext_noop("Source"), gettext_noop("Place"),
    gettext_noop("Urgency / severity / confidence"), gettext_noop("Filed"), gettext_noop("Airfield"),
    gettext_noop("ICAO"), gettext_noop("Role (2022)"), gettext_noop("Contingent"), gettext_noop("Personnel"),
    gettext_noop("Vehicles"), gettext_noop("Arrived %"), gettext_noop("Guarded object"), gettext_noop("Kind"),
    gettext_noop("Guarded by"), gettext_noop("Location precision"), gettext_noop("Sortie"), gettext_noop("From"),
    gettext_noop("To"), gettext_noop("Movement"), gettext_noop("Departed"), gettext_noop("live"),
    gettext_noop("reconnecting"),
    # The live feed's most frequent event types.
    gettext_noop("sitreps:report:filed"), gettext_noop("sitreps:report:updated"),
    gettext_noop("sitreps:report:overdue"), gettext_noop("sitreps:alarm:cleared"),
    gettext_noop("sitreps:figure:made_official"), gettext_noop("forces:sortie:departed"),
    gettext_noop("forces:sortie:landed"), gettext_noop("forces:sortie:cancelled"),
]


@login_required
def map_page(request):
    case = _case_for(request)
    labels = {text: gettext(text) for text in MAP_LABELS}
    for choices in (Report.Kind, Report.Status, Report.Urgency, Report.Severity, Report.Confidence):
        labels.update({value: str(label) for value, label in choices.choices})  # a report's values
    labels = json.dumps(labels, ensure_ascii=False)
    return render(request, "sitreps/map.html", {"case": case, "cases": _visible_cases(request.user), "labels": labels})


@login_required
def dashboard(request):
    from crisisdesk.analytics.dashboard import case_dashboard

    case = _case_for(request)
    data = case_dashboard(request.user, case) if case is not None else None
    return render(request, "sitreps/dashboard.html", {"case": case, "cases": _visible_cases(request.user),
                                                      "d": data})


# The fields a conflict screen compares, with their labels on the pages.
CONFLICT_FIELDS = [
    ("title", gettext_noop("Title")), ("body", gettext_noop("Text")), ("place", gettext_noop("Place")),
    ("urgency", gettext_noop("Urgency")), ("severity", gettext_noop("Severity")),
    ("confidence", gettext_noop("Confidence")), ("location", gettext_noop("Location")),
    ("period_from", gettext_noop("Period from")), ("period_to", gettext_noop("Period to")),
    ("released_to", gettext_noop("Released to")),
]
_CHOICE_LABELS = {value: label for choices in (Report.Urgency, Report.Severity, Report.Confidence)
                  for value, label in choices.choices}


def _shown(value):
    """Show stored values as readers write them: a release list, a GeoJSON location, a time in the
    viewer's zone, a choice by its label."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        moment = parse_datetime(value) if len(value) >= 16 and value[4:5] == "-" else None
        if moment is not None and moment.tzinfo is not None:
            local = timezone.localtime(moment)
            return f"{local:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"
        if value in _CHOICE_LABELS:
            return str(_CHOICE_LABELS[value])
    return value
