"""The after-action report of a case, generated from the ledger: HTML, and PDF through WeasyPrint."""

import base64
import io
from collections import defaultdict
from datetime import timedelta

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from crisisdesk import clock
from crisisdesk.analytics.tempo import case_tempo, humanize
from crisisdesk.cases.models import Case
from crisisdesk.events import EventType
from crisisdesk.ledger.models import Event
from crisisdesk.notices import queries
from crisisdesk.notices.models import Duty, Lesson
from crisisdesk.web import labels

LANES = [
    ("Procedure", ("case:appeal:", "decision:consultation:", "decision:draft:circulated", "decision:outcome:",
                   "decision:session:", "case:mandate:", "case:case:closed")),
    ("Notifications", ("notices:duty:due", "notices:letter:sent", "notices:letter:acknowledged",
                       "notices:report:sent", "notices:duty:escalated")),
    ("Statements", ("notices:statement:published",)),
    ("Deployment", ("forces:force:", "forces:commander:", "forces:sortie:", "forces:deployment:",
                    "forces:pledge:")),
    ("Withdrawal", ("forces:withdrawal:",)),
    ("Reports", ("sitreps:report:filed",)),
]
MARKERS = {"Procedure": "o", "Notifications": "s", "Statements": "D", "Deployment": "^", "Withdrawal": "v",
           "Reports": "."}


def _lane(event_type: str) -> str | None:
    for lane, prefixes in LANES:
        if event_type.startswith(prefixes):
            return lane
    return None


def timeline_png(events) -> bytes:
    """Draw the case's timeline: one lane per kind of event, in UTC."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    lanes = [name for name, _ in LANES]
    points = defaultdict(list)
    for e in events:
        lane = _lane(e.type)
        if lane:
            points[lane].append(e)
    fig, ax = plt.subplots(figsize=(10, 3.6), dpi=110)
    try:
        for row, lane in enumerate(reversed(lanes)):
            xs = [e.at for e in points.get(lane, [])]
            if xs:
                ax.scatter(xs, [row] * len(xs), marker=MARKERS[lane], s=46, zorder=3,
                           label=f"{lane} ({len(xs)})")
                for e in points[lane]:
                    if e.type in (EventType.OUTCOME_ADOPTED, EventType.STATEMENT_PUBLISHED,
                                  EventType.NOTICE_SENT, EventType.REPORT_SENT, EventType.DEPLOYMENT_COMPLETED,
                                  EventType.WITHDRAWAL_COMPLETED, EventType.APPEAL_RECEIVED):
                        ax.annotate(e.type.split(":", 1)[1].replace(":", " "), (e.at, row), xytext=(3, 6),
                                    textcoords="offset points", fontsize=6, rotation=20)
        ax.set_yticks(range(len(lanes)), list(reversed(lanes)))
        ax.set_ylim(-0.7, len(lanes) - 0.3)
        ax.grid(axis="x", linestyle=":", linewidth=0.6)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        ax.set_xlabel("UTC")
        if not any(points.values()):
            ax.text(0.5, 0.5, "no events recorded", transform=ax.transAxes, ha="center")
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def _targets(case: Case) -> dict:
    """The charter's own targets for the tempo figures (deadlines of the procedures used)."""
    charter = case.charter.parsed()
    out = {}
    council = charter.procedures.get("council-decision")
    if council is not None:
        out["appeal → decision"] = council.deadline.relative or charter.immediately
    force = charter.procedures.get("force-formation")
    if force is not None:
        out["decision → force formed"] = force.deadline.relative or charter.immediately
    return out


# 2022 instants from ../shared/reference/kazakhstan-2022.md, used when the replay scenario no longer
# records them as milestones (the forces replay plays them through its own actions): first landing
# on 6 Jan (date only), deployment complete 9 Jan (date only, seed), withdrawal complete by 07:40Z
# on 19 Jan (not after). The clock times of date-only entries are placeholders.
REFERENCE_2022 = {
    "forces:sortie:landed": "2022-01-06T06:30:00Z",
    "forces:deployment:completed": "2022-01-09T06:00:00Z",
    "forces:withdrawal:completed": "2022-01-19T07:40:00Z",
}


def baseline_2022() -> dict:
    """The 2022 figures, computed from the shipped replay scenario (the same labels as case_tempo)."""
    from crisisdesk.engines.procedures.timing import parse_instant
    from crisisdesk.scenarios.replay import load_replay

    steps = load_replay("kazakhstan-2022")["steps"]

    def first(pred):
        for s in steps:
            if pred(s):
                return parse_instant(s.get("at") or s.get("to"))
        return None

    appeal = first(lambda s: s["step"] == "appeal")
    decision = first(lambda s: s["step"] == "positions" and s.get("seat") == "head_of_state")
    force = first(lambda s: s["step"] == "force_formed")

    def milestone(kind):
        found = first(lambda s: s["step"] == "milestone" and s.get("type") == kind)
        return found or (parse_instant(REFERENCE_2022[kind]) if kind in REFERENCE_2022 else None)

    ends = {
        "appeal → decision": (appeal, decision),
        "decision → force formed": (decision, force),
        "decision → first landing": (decision, milestone("forces:sortie:landed")),
        "decision → full deployment": (decision, milestone("forces:deployment:completed")),
        "decision → withdrawal complete": (decision, milestone("forces:withdrawal:completed")),
    }
    return {k: (b - a) if a and b else None for k, (a, b) in ends.items()}


def report_timeliness(case: Case, events) -> list[dict]:
    """Situation reports per source: count, mean and longest interval against the mandate's cadence."""
    cadence = None
    mandate = Case.objects.filter(pk=case.pk).values_list("mandate__report_every_hours", flat=True).first()
    if mandate:
        cadence = timedelta(hours=mandate)
    by_source = defaultdict(list)
    for e in events:
        if e.type == EventType.SITREP_FILED:
            source = e.data.get("source") or e.data.get("member") or e.data.get("state") or e.actor or "?"
            by_source[str(source)].append(e.at)
    overdue = defaultdict(int)
    for e in events:
        if e.type == EventType.SITREP_OVERDUE:
            overdue[str(e.data.get("source") or e.data.get("member") or e.actor or "?")] += 1
    rows = []
    for source, times in sorted(by_source.items()):
        gaps = [b - a for a, b in zip(times, times[1:])]
        rows.append({
            "source": source, "count": len(times), "first": times[0], "last": times[-1],
            "mean": humanize(sum(gaps, timedelta()) / len(gaps)) if gaps else "—",
            "longest": humanize(max(gaps)) if gaps else "—",
            "late": sum(1 for g in gaps if cadence and g > cadence) + overdue.get(source, 0),
        })
    return rows


def _detail(event) -> str:
    data = event.data
    for key in ("to", "purpose", "about", "member", "commander", "reason"):
        if data.get(key):
            text = str(data[key])
            if key == "about":
                text = labels.label(labels.NOTICE, text)
            if data.get("recorded_by_operator"):
                text += " " + str(_("(recorded by operator)"))
            return text
    return ""


def context(case: Case) -> dict:
    events = list(Event.objects.filter(case_ref=case.ref).order_by("at", "seq"))
    targets = _targets(case)
    baseline = baseline_2022()
    tempo = []
    for t in case_tempo(case.ref):
        target = targets.get(t.label)
        base = baseline.get(t.label)
        tempo.append({"label": t.label, "duration": humanize(t.duration), "target": humanize(target) if target else "—",
                      "met": (t.duration <= target) if (t.duration is not None and target) else None,
                      "baseline": humanize(base), "vs_baseline": queries.fmt_delta(t.duration - base)
                      if (t.duration is not None and base is not None) else "—"})
    notifications = queries.notification_timeliness(case)
    statements = queries.time_to_statement(case)
    chart = base64.b64encode(timeline_png(events)).decode()
    key_types = {EventType.APPEAL_RECEIVED, EventType.CONSULTATION_OPENED, EventType.DRAFT_CIRCULATED,
                 EventType.OUTCOME_ADOPTED, EventType.MANDATE_SET, EventType.FORCE_FORMED,
                 EventType.SORTIE_LANDED, EventType.DEPLOYMENT_COMPLETED, EventType.SESSION_HELD,
                 EventType.TERMINATION_REQUESTED, EventType.WITHDRAWAL_STARTED, EventType.WITHDRAWAL_COMPLETED,
                 EventType.NOTICE_SENT, EventType.NOTICE_ACKNOWLEDGED, EventType.REPORT_SENT,
                 EventType.NOTICE_ESCALATED, EventType.STATEMENT_PUBLISHED, EventType.CASE_CLOSED}
    return {
        "case": case,
        "generated_at": clock.now(),
        "chart": chart,
        "tempo": tempo,
        "notifications": notifications,
        "notification_summary": {
            "total": len(notifications),
            "sent": sum(1 for r in notifications if r["duty"].sent_at),
            "late": sum(1 for r in notifications if r["late"]),
            "acknowledged": sum(1 for r in notifications if r["duty"].acknowledged_at),
            "open": sum(1 for r in notifications if r["duty"].status in Duty.OPEN),
        },
        "statements": [{**r, "delay_text": queries.fmt_delta(r["delay"])} for r in statements],
        "sitreps": report_timeliness(case, events),
        "lessons": list(Lesson.objects.filter(case=case).order_by("number")),
        "key_events": [{"at": e.at, "type": e.type, "detail": _detail(e),
                        "time_known": e.data.get("time_known", "exact")} for e in events if e.type in key_types],
        "event_count": len(events),
        "fmt_delta": queries.fmt_delta,
    }


def render_html(case: Case) -> str:
    ctx = context(case)
    for row in ctx["notifications"]:
        row["gap_text"] = queries.fmt_delta(row["gap"])
    return render_to_string("notices/report.html", ctx)


def render_pdf(case: Case) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(case), base_url=None).write_pdf()
