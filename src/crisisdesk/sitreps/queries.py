"""Reads of situation reports through the access funnels (the releasability rule)."""

from collections import defaultdict
from datetime import datetime, timedelta

from crisisdesk import clock
from crisisdesk.accounts import access
from crisisdesk.cases.models import Case
from crisisdesk.errors import NotFound
from crisisdesk.sitreps.models import Alarm, Cadence, Figure, Report


def access_report(user, report_id) -> Report:
    """The funnel from user input to a report: the case must be visible, and the report released."""
    access.require_post(user)
    try:
        pk = int(report_id)
    except (TypeError, ValueError):
        raise NotFound(f"no report {report_id!r}") from None
    report = Report.objects.select_related("case", "preceding").filter(pk=pk).first()
    if report is None:
        raise NotFound(f"no report {report_id!r}")
    if not access.may_see(user, report.case.released_to):
        raise NotFound(f"no report {report_id!r}")
    if not access.may_see(user, report.released_to):
        raise NotFound(f"no report {report_id!r}")
    return report


def access_figure(user, figure_id) -> Figure:
    try:
        pk = int(figure_id)
    except (TypeError, ValueError):
        raise NotFound(f"no figure {figure_id!r}") from None
    figure = Figure.objects.select_related("report", "case").filter(pk=pk).first()
    if figure is None:
        raise NotFound(f"no figure {figure_id!r}")
    access_report(user, figure.report_id)
    return figure


def reports_visible_to(user, *, case: Case | None = None, kind: str | None = None, source: str | None = None,
                       status: str | None = None, limit: int = 200) -> list[Report]:
    """The reports the user may see, newest first, filtered through releasability."""
    access.require_post(user)
    qs = Report.objects.select_related("case", "preceding").order_by("-filed_at", "-pk")
    if case is not None:
        qs = qs.filter(case=case)
    if kind:
        qs = qs.filter(kind=kind)
    if source:
        qs = qs.filter(source=source)
    if status:
        qs = qs.filter(status=status)
    staff = access.is_staff_role(user)
    out = []
    for report in qs.iterator(chunk_size=500):
        if staff or (access.may_see(user, report.case.released_to) and access.may_see(user, report.released_to)):
            out.append(report)
            if len(out) >= limit:
                break
    return out


def figures_side_by_side(user, case: Case) -> dict[str, list[Figure]]:
    """Every figure of a case the user may see, grouped by key, each with its source and confidence."""
    grouped = defaultdict(list)
    for figure in Figure.objects.filter(case=case).select_related("report").order_by("key", "as_of", "pk"):
        if access.may_see(user, figure.report.released_to):
            grouped[figure.key].append(figure)
    return dict(grouped)


def open_alarms(case: Case) -> list[Alarm]:
    return list(Alarm.objects.filter(case=case, cleared_at__isnull=True).order_by("due_at"))


def timeliness(case: Case, *, now: datetime | None = None) -> list[dict]:
    """Per source with a cadence: reports, how many came on time, the last one, the next due time."""
    now = now or clock.now()
    rows = []
    for cadence in Cadence.objects.filter(case=case).order_by("source"):
        times = sorted(Report.objects.filter(case=case, source=cadence.source, filed_at__lte=now)
                       .values_list("filed_at", flat=True))
        every = timedelta(hours=cadence.every_hours)
        on_time, late, previous = 0, 0, cadence.since
        worst = timedelta(0)
        for t in times:
            gap = t - previous
            if t >= cadence.since and gap > every:
                late += 1
                worst = max(worst, gap - every)
            else:
                on_time += 1
            previous = max(previous, t)
        last = times[-1] if times else None
        next_due = max(cadence.since, last or cadence.since) + every
        rows.append({
            "source": cadence.source, "every_hours": cadence.every_hours, "active": cadence.active,
            "reports": len(times), "on_time": on_time, "late": late,
            "on_time_pct": round(100 * on_time / len(times)) if times else None,
            "worst_late_hours": round(worst.total_seconds() / 3600, 1),
            "last_report_at": last, "next_due_at": next_due,
            "overdue": cadence.active and now > next_due,
            "open_alarms": Alarm.objects.filter(case=case, source=cadence.source, cleared_at__isnull=True).count(),
        })
    return rows
