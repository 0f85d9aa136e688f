"""CSV exports for analysts: the ledger, notifications, statements, lessons and sitreps.

Every field is exported; rows respect the case filter and the caller's access (a delegate gets the
events of the cases released to them and nothing without a case). Cells that a spreadsheet would
read as a formula are prefixed with an apostrophe.
"""

import csv
import io
import json
from datetime import date, datetime

from django.apps import apps

from crisisdesk.accounts import access
from crisisdesk.errors import DomainError
from crisisdesk.ledger.models import Event
from crisisdesk.notices.models import Duty, Lesson, Statement

KINDS = ("ledger", "notifications", "statements", "lessons", "sitreps")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _visible_refs(user):
    if user is None or access.is_staff_role(user):
        return None
    from crisisdesk.notices.queries import visible_cases

    return [c.ref for c in visible_cases(user)]


def _ledger(user, case):
    qs = Event.objects.order_by("seq")
    if case is not None:
        qs = qs.filter(case_ref=case.ref)
    refs = _visible_refs(user)
    if refs is not None:
        qs = qs.filter(case_ref__in=refs)
    header = ["seq", "type", "at", "recorded_at", "actor", "case", "subject", "data", "prev_hash", "hash"]
    rows = ([e.seq, e.type, e.at, e.recorded_at, e.actor, e.case_ref, e.subject, e.data, e.prev_hash, e.hash]
            for e in qs.iterator(chunk_size=2000) if user is None or access.may_see_event(user, e))
    return header, rows


def _cases_filter(qs, user, case):
    if case is not None:
        return qs.filter(case=case)
    refs = _visible_refs(user)
    return qs if refs is None else qs.filter(case__ref__in=refs)


def _notifications(user, case):
    qs = _cases_filter(Duty.objects.select_related("case").order_by("due_at", "pk"), user, case)
    header = ["id", "case", "key", "kind", "recipient", "recipient_en", "via", "duty", "legal_basis", "trigger",
              "triggered_at", "due_at", "signer_post", "approved_by", "status", "escalated_at", "attempts",
              "last_error", "sent_at", "delivery", "delivery_note", "gap_hours", "acknowledged_at", "ack_note",
              "subject_en", "letter_sha256", "time_known", "sources"]

    def rows():
        for d in qs:
            letter = d.approved_letter or d.letter
            gap = (d.sent_at - d.due_at).total_seconds() / 3600 if d.sent_at else None
            yield [d.pk, d.case.ref, d.key, d.kind, d.recipient, d.recipient_en, d.via, d.duty, d.legal_basis,
                   d.trigger, d.triggered_at, d.due_at, d.signer_post, letter.approved_by if letter else "",
                   d.status, d.escalated_at, d.attempts, d.last_error, d.sent_at, d.delivery, d.delivery_note,
                   round(gap, 2) if gap is not None else None, d.acknowledged_at, d.ack_note,
                   letter.subject_en if letter else "", letter.sha256 if letter else "",
                   d.data.get("time_known", ""), d.data.get("sources", [])]
    return header, rows()


def _statements(user, case):
    qs = _cases_filter(Statement.objects.select_related("case").order_by("drafted_at", "pk"), user, case)
    header = ["id", "uid", "case", "kind", "about", "status", "headline_ru", "headline_en", "languages",
              "drafted_at", "drafted_by", "published_at", "sources"]
    rows = ([s.pk, s.uid, s.case.ref, s.kind, s.about, s.status, s.texts.get("ru", {}).get("headline", ""),
             s.texts.get("en", {}).get("headline", ""), sorted(s.texts), s.drafted_at, s.drafted_by,
             s.published_at, [x.get("key") or x.get("url") for x in s.sources]] for s in qs)
    return header, rows


def _lessons(user, case):
    qs = _cases_filter(Lesson.objects.select_related("case").order_by("case__ref", "number"), user, case)
    header = ["case", "number", "observation", "lesson", "action", "owner", "status", "due", "created_by",
              "created_at", "updated_by", "updated_at"]
    rows = ([x.case.ref, x.number, x.observation, x.lesson, x.action, x.owner, x.status, x.due, x.created_by,
             x.created_at, x.updated_by, x.updated_at] for x in qs)
    return header, rows


def _sitreps(user, case):
    """The sitreps app's own records when it has models; else its events from the ledger."""
    models = list(apps.get_app_config("sitreps").get_models())
    report = next((m for m in models if any(f.name == "case" for f in m._meta.concrete_fields)), None)
    if report is None:
        qs = Event.objects.filter(type__startswith="sitreps:").order_by("seq")
        if case is not None:
            qs = qs.filter(case_ref=case.ref)
        refs = _visible_refs(user)
        if refs is not None:
            qs = qs.filter(case_ref__in=refs)
        header = ["seq", "type", "at", "actor", "case", "subject", "data"]
        return header, ([e.seq, e.type, e.at, e.actor, e.case_ref, e.subject, e.data] for e in qs)
    fields = [f for f in report._meta.concrete_fields]
    qs = report.objects.order_by("pk")
    if case is not None:
        qs = qs.filter(case=case)
    else:
        refs = _visible_refs(user)
        if refs is not None:
            qs = qs.filter(case__ref__in=refs)
    has_release = any(f.name == "released_to" for f in fields)
    header = [f.name for f in fields]

    def rows():
        for obj in qs.iterator(chunk_size=2000):
            if has_release and user is not None and not access.may_see(user, obj.released_to):
                continue
            yield [getattr(obj, f.attname) for f in fields]
    return header, rows()


def rows_for(kind: str, *, user=None, case=None):
    producers = {"ledger": _ledger, "notifications": _notifications, "statements": _statements,
                 "lessons": _lessons, "sitreps": _sitreps}
    if kind not in producers:
        raise DomainError(f"unknown export {kind!r}; choose one of {', '.join(KINDS)}", code="invalid", status=404)
    if user is not None:
        access.require_post(user)
    return producers[kind](user, case)


def write_csv(kind: str, out, *, user=None, case=None) -> int:
    header, rows = rows_for(kind, user=user, case=case)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        count += 1
    return count


def csv_text(kind: str, *, user=None, case=None) -> str:
    buffer = io.StringIO()
    write_csv(kind, buffer, user=user, case=case)
    return buffer.getvalue()
