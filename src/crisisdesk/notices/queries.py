"""Reads of notices through the access funnels."""

from datetime import datetime, timedelta

from crisisdesk import clock
from crisisdesk.accounts import access
from crisisdesk.cases.models import Case
from crisisdesk.errors import NotFound
from crisisdesk.events import EventType
from crisisdesk.ledger.models import Event
from crisisdesk.notices.models import Duty, Lesson, Statement


def _pk(value, what: str) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"no {what} {value!r}") from None
    if pk <= 0 or pk > 2**62:
        raise NotFound(f"no {what} {value!r}")
    return pk


def _through_case(user, queryset, value, what: str):
    """Return the object of `queryset` named by user input if the user may see its case; else 404."""
    access.require_post(user)
    obj = queryset.filter(pk=_pk(value, what)).first()
    if obj is None:
        raise NotFound(f"no {what} {value!r}")
    try:
        access.access_case(user, obj.case.ref)
    except NotFound:
        raise NotFound(f"no {what} {value!r}") from None
    return obj


def access_duty(user, duty_id) -> Duty:
    """Return the duty named by user input, through its case's funnel; else 404."""
    return _through_case(user, Duty.objects.select_related("case", "decision"), duty_id, "duty")


def access_statement(user, statement_id) -> Statement:
    return _through_case(user, Statement.objects.select_related("case"), statement_id, "statement")


def access_lesson(user, lesson_id) -> Lesson:
    return _through_case(user, Lesson.objects.select_related("case"), lesson_id, "lesson")


def visible_cases(user) -> list[Case]:
    access.require_post(user)
    cases = Case.objects.select_related("host", "charter__organisation").order_by("-appealed_at")
    return [c for c in cases if access.may_see(user, c.released_to)]


def duties_visible_to(user, case: Case | None = None) -> list[Duty]:
    cases = [case] if case is not None else visible_cases(user)
    return list(Duty.objects.filter(case__in=cases).select_related("case").order_by("due_at", "pk"))


def alarms(duties) -> list[dict]:
    """Overdue, unsent duties (an alarm each), and letters failing to send."""
    now = clock.now()
    out = []
    for duty in duties:
        if duty.status in Duty.OPEN and duty.due_at < now:
            out.append({"duty": duty, "kind": "overdue", "detail":
                        f"{duty.recipient_en}: due {duty.due_at:%Y-%m-%d %H:%M} UTC, still {duty.status}"
                        f"{' (escalated to ' + duty.escalate_to + ')' if duty.escalated_at else ''}"})
        elif duty.status == Duty.Status.APPROVED and duty.last_error:
            out.append({"duty": duty, "kind": "failing", "detail":
                        f"{duty.recipient_en}: attempt {duty.attempts} failed ({duty.last_error}); "
                        f"retry at {duty.next_attempt_at:%Y-%m-%d %H:%M} UTC"})
    return out


def gap(duty: Duty) -> timedelta | None:
    """Sent minus due: negative is early, positive is late; open duties count until now."""
    if duty.sent_at is not None:
        return duty.sent_at - duty.due_at
    return None


def register_row(duty: Duty) -> dict:
    letter = duty.approved_letter or duty.letter
    g = gap(duty)
    return {
        "duty": duty, "letter": letter, "gap": g,
        "late": g is not None and g > timedelta(0),
        "overdue": duty.status in Duty.OPEN and duty.due_at < clock.now(),
    }


def statements_visible(user, case: Case) -> list[Statement]:
    return list(Statement.objects.filter(case=case).order_by("drafted_at", "pk"))


def published_statements(case: Case | None = None):
    qs = Statement.objects.filter(status=Statement.Status.PUBLISHED).select_related("case")
    if case is not None:
        qs = qs.filter(case=case)
    return qs.order_by("-published_at", "-pk")


# --- Figures --------------------------------------------------------------------------------

MAJOR_EVENTS = [
    ("decision", "deployment decision", EventType.OUTCOME_ADOPTED, {"purpose": "deployment"}),
    ("first_landing", "first landing", EventType.SORTIE_LANDED, {}),
    ("deployment", "deployment complete", EventType.DEPLOYMENT_COMPLETED, {}),
    ("completion", "completion decision", EventType.OUTCOME_ADOPTED, {"purpose": "completion"}),
    ("withdrawal", "withdrawal complete", EventType.WITHDRAWAL_COMPLETED, {}),
]


def _first_event(events, type_, match) -> Event | None:
    for e in events:
        if e.type == type_ and all(e.data.get(k) == v for k, v in match.items()):
            return e
    return None


def time_to_statement(case: Case) -> list[dict]:
    """For each major event: when it happened, the first public statement about it, and the time between."""
    events = list(Event.objects.filter(case_ref=case.ref).order_by("at", "seq"))
    published = list(Statement.objects.filter(case=case, status=Statement.Status.PUBLISHED).order_by("published_at"))
    rows = []
    for key, label, type_, match in MAJOR_EVENTS:
        event = _first_event(events, type_, match)
        first = next((s for s in published if s.about == key and (event is None or s.published_at >= event.at)),
                     None)
        before = next((s for s in published if s.about == key), None) if first is None else None
        rows.append({
            "about": key, "label": label, "event_at": event.at if event else None,
            "event_time_known": event.data.get("time_known", "exact") if event else None,
            "statement": first or before, "published_at": (first or before).published_at if (first or before) else None,
            "delay": (first.published_at - event.at) if (first and event) else None,
        })
    return rows


def notification_timeliness(case: Case) -> list[dict]:
    return [register_row(d) for d in Duty.objects.filter(case=case).order_by("due_at", "pk")]


def hours(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 3600, 2)


def fmt_delta(delta: timedelta | None) -> str:
    if delta is None:
        return "—"
    sign = "-" if delta < timedelta(0) else "+"
    h = abs(delta.total_seconds()) / 3600
    return f"{sign}{h:.1f} h" if h < 48 else f"{sign}{h / 24:.1f} d"


def utc(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"
