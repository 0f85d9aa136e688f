"""The case dashboard: tempo, percentage deployed, report timeliness per source, open alarms."""

from crisisdesk import clock
from crisisdesk.accounts import access
from crisisdesk.analytics.tempo import case_tempo, humanize


def deployment(case) -> dict | None:
    """The forces app's deployment progress, if it provides one (else None)."""
    try:
        from crisisdesk.forces.queries import movement_progress
    except ImportError:
        return None
    try:
        progress = movement_progress(case)
    except Exception:  # noqa: BLE001 - the dashboard shows the rest if forces cannot answer
        return None
    return {"percent": progress.get("percent"), "personnel": progress.get("personnel"),
            "vehicles": progress.get("vehicles"), "landed_sorties": progress.get("landed_sorties"),
            "rows": progress.get("rows", [])}


def case_dashboard(user, case) -> dict:
    from crisisdesk.sitreps import queries

    access.access_case(user, case.ref)
    now = clock.now()
    tempo = [{"label": t.label, "start": t.start, "end": t.end, "hours": round(t.duration.total_seconds() / 3600, 1)
              if t.duration is not None else None, "text": humanize(t.duration)} for t in case_tempo(case.ref)]
    reports = queries.reports_visible_to(user, case=case, limit=10000)
    by_kind: dict[str, int] = {}
    for r in reports:
        by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
    return {
        "case": case.ref, "exercise": case.is_exercise, "as_of": now, "tempo": tempo,
        "deployment": deployment(case),
        "timeliness": queries.timeliness(case, now=now),
        "alarms": [{"id": a.pk, "source": a.source, "due_at": a.due_at, "raised_at": a.raised_at}
                   for a in queries.open_alarms(case)],
        "reports": len(reports), "reports_by_kind": by_kind,
        "latest": reports[:5],
    }
