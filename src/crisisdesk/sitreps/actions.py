"""The only writes to situation reports, figures, cadences and alarms.

Closed cases: a closed case's record takes no new report and no edit of an old one (409).
A replay that records the history of a case the core replay has already closed passes
`historical=True`, and then only for a time (the injected clock) before the case closed, as the
forces actions do. The API and the pages never pass it.
"""

import base64
import binascii
import hashlib
import math
import re
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from crisisdesk import clock, ledger
from crisisdesk.accounts import access
from crisisdesk.cases.models import Case
from crisisdesk.errors import Conflict, DomainError, Forbidden
from crisisdesk.events import EventType
from crisisdesk.sitreps.models import Alarm, Attachment, Cadence, Figure, Report, ReportRevision

MAX_ATTACHMENT_BYTES = getattr(settings, "SITREP_MAX_ATTACHMENT_BYTES", 512 * 1024)
MAX_ATTACHMENTS = 5
MAX_POSITIONS = 2000
MAX_PERIOD = timedelta(days=31)
FUTURE_SLACK = timedelta(minutes=10)
EDITABLE = ("title", "body", "urgency", "severity", "confidence", "location", "place", "period_from",
            "period_to", "released_to")
# Staff sources: the role a post has → the source its reports are filed under.
STAFF_SOURCES = {"force_command": "force_command", "duty_officer": "crc", "secretariat": "secretariat"}
OFFICIAL_ROLES = ("secretariat", "duty_officer")
EDITOR_ROLES = ("secretariat", "duty_officer")
CLOSED = (Case.Status.CLOSED, Case.Status.NO_DECISION)


class FieldErrors(DomainError):
    """Refused input, with one message per field (the page shows them beside the fields)."""

    code = "invalid"
    status = 422

    def __init__(self, fields: dict[str, str]):
        self.fields = fields
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))


class CaseClosed(Conflict):
    """The case is closed: its record takes no new report and no edit."""

    code = "case_closed"


def _writable(case: Case, historical: bool) -> None:
    """Refuse a closed case, except for history dated before it closed (a replay's)."""
    if case.status not in CLOSED:
        return
    if not historical:
        raise CaseClosed(_("case %(ref)s is closed; its reports can no longer be filed or changed")
                         % {"ref": case.ref})
    if case.closed_at is not None and clock.now() > case.closed_at:
        raise CaseClosed(_("case %(ref)s closed at %(at)s; history must be dated before that")
                         % {"ref": case.ref, "at": case.closed_at.isoformat()})


class EditConflict(Conflict):
    """The report changed since the writer loaded it; carries both versions."""

    def __init__(self, *, current: dict, yours: dict, base: dict | None):
        self.current, self.yours, self.base = current, yours, base
        super().__init__(
            _("report %(number)s was changed by %(who)s (revision %(revision)s) after you loaded revision "
              "%(loaded)s; nothing was saved") % {
                "number": current["number"], "who": current["updated_by"] or current["filed_by"],
                "revision": current["revision"], "loaded": yours.get("revision")})


def _actor(user) -> str:
    return getattr(user, "username", None) or str(user)


def sources_of(user) -> list[str]:
    """The sources a user may file reports as: their member states, then their staff roles."""
    found = sorted(access.members_of(user))
    for role in sorted(access.roles_of(user)):
        if role in STAFF_SOURCES:
            found.append(STAFF_SOURCES[role])
    return found


def releasable_codes(case: Case) -> set[str]:
    """Codes a report on this case may be released to: members, external bodies, ALL."""
    from crisisdesk.organization.models import ExternalBody

    codes = set(case.charter.parsed().members) | {"ALL"}
    codes |= set(ExternalBody.objects.filter(organisation=case.charter.organisation).values_list("code", flat=True))
    return codes


# ---------------------------------------------------------------- validation


def validate_location(value, field: str = "location") -> dict | None:
    """Return a clean GeoJSON Point or Polygon, or raise FieldErrors naming the problem."""
    if value in (None, {}, ""):
        return None
    if not isinstance(value, dict):
        raise FieldErrors({field: _("must be a GeoJSON Point or Polygon object")})
    kind, coords = value.get("type"), value.get("coordinates")

    def position(p, where):
        if not isinstance(p, (list, tuple)) or len(p) not in (2, 3):
            raise FieldErrors({field: _("%(where)s must be [longitude, latitude]") % {"where": where}})
        if not all(isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for c in p):
            raise FieldErrors({field: _("%(where)s must hold numbers") % {"where": where}})
        lon, lat = float(p[0]), float(p[1])
        if not -180 <= lon <= 180:
            raise FieldErrors({field: _("%(where)s: longitude %(lon)s is out of range -180..180") % {"where": where, "lon": lon}})
        if not -90 <= lat <= 90:
            raise FieldErrors({field: _("%(where)s: latitude %(lat)s is out of range -90..90") % {"where": where, "lat": lat}})
        return [round(lon, 6), round(lat, 6)]

    if kind == "Point":
        return {"type": "Point", "coordinates": position(coords, "coordinates")}
    if kind == "Polygon":
        if not isinstance(coords, list) or not coords:
            raise FieldErrors({field: _("a Polygon needs at least one ring")})
        rings, count = [], 0
        for i, ring in enumerate(coords):
            if not isinstance(ring, list) or len(ring) < 4:
                raise FieldErrors({field: _("ring %(i)s needs at least 4 positions") % {"i": i}})
            count += len(ring)
            if count > MAX_POSITIONS:
                raise FieldErrors({field: _("more than %(n)s positions") % {"n": MAX_POSITIONS}})
            clean = [position(p, f"ring {i} position {j}") for j, p in enumerate(ring)]
            if clean[0] != clean[-1]:
                raise FieldErrors({field: _("ring %(i)s is not closed (first and last positions differ)") % {"i": i}})
            rings.append(clean)
        return {"type": "Polygon", "coordinates": rings}
    raise FieldErrors({field: _("type must be Point or Polygon")})


def _choice(errors: dict, field: str, value, choices, default):
    if value in (None, ""):
        return default
    if value not in dict(choices):
        errors[field] = _("must be one of %(values)s") % {"values": ", ".join(dict(choices))}
        return default
    return value


def _period(errors: dict, period_from, period_to, now: datetime):
    if period_from is None:
        errors["period_from"] = _("is required")
    if period_to is None:
        errors["period_to"] = _("is required")
    if period_from is None or period_to is None:
        return
    if period_from.tzinfo is None or period_to.tzinfo is None:
        errors["period_from" if period_from.tzinfo is None else "period_to"] = _("needs a time zone")
        return
    if period_to < period_from:
        errors["period_to"] = _("the period ends before it starts")
    elif period_to - period_from > MAX_PERIOD:
        errors["period_to"] = _("a reporting period is at most 31 days")
    if period_to > now + FUTURE_SLACK:
        errors["period_to"] = _("the period cannot end in the future")


def _released(errors: dict, case: Case, released_to) -> list[str]:
    if released_to is None:
        return sorted(set(case.released_to or ["ALL"]))
    if not isinstance(released_to, (list, tuple)) or not released_to:
        errors["released_to"] = _("name at least one member state or body, or ALL")
        return []
    codes = [str(c).strip() for c in released_to]
    unknown = sorted(set(codes) - releasable_codes(case))
    if unknown:
        errors["released_to"] = _("unknown member states or bodies: %(codes)s") % {"codes": ", ".join(unknown)}
    return sorted(set(codes))


def _attachments(errors: dict, attachments) -> list[dict]:
    clean = []
    if not attachments:
        return clean
    if len(attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = _("at most %(n)s attachments") % {"n": MAX_ATTACHMENTS}
        return clean
    for i, item in enumerate(attachments):
        name = str(item.get("name") or "").strip()
        mime = str(item.get("mime_type") or "application/octet-stream").strip()
        if not name or len(name) > 200 or "/" in name or "\\" in name:
            errors[f"attachments[{i}].name"] = _("a file name (no slashes), at most 200 characters")
            continue
        if not re.fullmatch(r"[\w.+-]+/[\w.+-]+", mime):
            errors[f"attachments[{i}].mime_type"] = _("not a media type")
            continue
        content = item.get("content")
        if content is None:
            try:
                content = base64.b64decode(item.get("content_b64") or "", validate=True)
            except (binascii.Error, ValueError):
                errors[f"attachments[{i}].content_b64"] = _("not valid base64")
                continue
        if not content:
            errors[f"attachments[{i}]"] = _("is empty")
            continue
        if len(content) > MAX_ATTACHMENT_BYTES:
            errors[f"attachments[{i}]"] = _("%(name)s is %(size)s bytes; the limit is %(limit)s") % {"name": name, "size": len(content), "limit": MAX_ATTACHMENT_BYTES}
            continue
        clean.append({"name": name, "mime_type": mime, "content": bytes(content), "size": len(content),
                      "sha256": hashlib.sha256(content).hexdigest()})
    return clean


def _figures(errors: dict, figures) -> list[dict]:
    clean = []
    for i, item in enumerate(figures or []):
        key = str(item.get("key") or "")
        if not re.fullmatch(r"[a-z][a-z0-9_.]{0,79}", key):
            errors[f"figures[{i}].key"] = _("lower-case letters, digits, dots and underscores")
            continue
        try:
            value = Decimal(str(item.get("value")))
        except (InvalidOperation, ValueError):
            errors[f"figures[{i}].value"] = _("not a number")
            continue
        if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
            errors[f"figures[{i}].value"] = _("must be a number from 0 to 10^12")
            continue
        clean.append({"key": key, "value": value.quantize(Decimal("0.01")),
                      "unit": str(item.get("unit") or "")[:30]})
    return clean


# ---------------------------------------------------------------- snapshots


def snapshot(report: Report) -> dict:
    """The report's fields as plain JSON (stored per revision; shown on conflict screens)."""
    return {
        "id": report.pk, "case": report.case.ref, "number": report.number, "kind": report.kind,
        "version": report.version, "preceding": report.preceding.number if report.preceding_id else None,
        "title": report.title, "body": report.body, "source": report.source,
        "period_from": report.period_from.isoformat(), "period_to": report.period_to.isoformat(),
        "urgency": report.urgency, "severity": report.severity, "confidence": report.confidence,
        "location": report.location, "place": report.place, "status": report.status,
        "released_to": list(report.released_to), "filed_by": report.filed_by,
        "filed_at": report.filed_at.isoformat(), "revision": report.revision,
        "updated_by": report.updated_by, "updated_at": report.updated_at.isoformat() if report.updated_at else None,
        "exercise": report.is_exercise,
    }


def _event_data(report: Report, *, attachments=None, figures=None, **extra) -> dict:
    """The event's copy of the report; pass the attachments and figures if they are at hand."""
    data = snapshot(report)
    data["report"] = data.pop("id")
    attachments = report.attachments.all() if attachments is None else attachments
    figures = report.figures.all() if figures is None else figures
    data["attachments"] = [{"name": a.name, "size": a.size, "sha256": a.sha256} for a in attachments]
    data["figures"] = [{"key": f.key, "value": str(f.value), "unit": f.unit} for f in figures]
    data.update(extra)
    return data


# ---------------------------------------------------------------- actions


def sitrep_file(
    *,
    user,
    case: Case,
    kind: str,
    title: str,
    period_from: datetime | None,
    period_to: datetime | None,
    body: str = "",
    source: str | None = None,
    version: str = Report.Version.INITIAL,
    preceding: int | None = None,
    urgency: str | None = None,
    severity: str | None = None,
    confidence: str | None = None,
    location: dict | None = None,
    place: str = "",
    status: str | None = None,
    released_to: list[str] | None = None,
    attachments: list[dict] | None = None,
    figures: list[dict] | None = None,
    data: dict | None = None,
    historical: bool = False,
) -> Report:
    """File a situation report on a case the user may see, as one of the user's sources.

    A closed case takes no new report, not even an update or final one following an earlier
    report: the record is closed (409 `case_closed`). Only a replay passes `historical=True`, and
    then only with the clock before the case closed.
    """
    now = clock.now()
    mine = sources_of(user)
    if not mine:
        raise Forbidden("your post does not file situation reports")
    _writable(case, historical)
    errors: dict[str, str] = {}
    source = source or mine[0]
    if source not in mine:
        errors["source"] = _("you may report as %(mine)s, not %(source)s") % {"mine": ", ".join(mine), "source": source}
    kind = _choice(errors, "kind", kind, Report.Kind.choices, None)
    if kind is None and "kind" not in errors:
        errors["kind"] = _("is required")
    version = _choice(errors, "version", version, Report.Version.choices, Report.Version.INITIAL)
    urgency = _choice(errors, "urgency", urgency, Report.Urgency.choices, Report.Urgency.UNKNOWN)
    severity = _choice(errors, "severity", severity, Report.Severity.choices, Report.Severity.UNKNOWN)
    confidence = _choice(errors, "confidence", confidence, Report.Confidence.choices, Report.Confidence.UNKNOWN)
    default_status = Report.Status.EXERCISE if case.is_exercise else Report.Status.ACTUAL
    status = _choice(errors, "status", status, Report.Status.choices, default_status)
    if case.is_exercise and status == Report.Status.ACTUAL:
        errors["status"] = _("reports on an exercise case are Exercise or Test, never Actual")
    title = (title or "").strip()
    if not title:
        errors["title"] = _("is required")
    elif len(title) > 300:
        errors["title"] = _("at most 300 characters")
    if len(body or "") > 20000:
        errors["body"] = _("at most 20000 characters")
    if len(place or "") > 200:
        errors["place"] = _("at most 200 characters")
    _period(errors, period_from, period_to, now)
    released = _released(errors, case, released_to)
    try:
        location = validate_location(location)
    except FieldErrors as exc:
        errors.update(exc.fields)
    files = _attachments(errors, attachments)
    numbers = _figures(errors, figures)
    if preceding is None and version == Report.Version.UPDATE:
        errors["preceding"] = _("an update names the report it follows")
    if preceding is not None and version == Report.Version.INITIAL:
        errors["version"] = _("a report that follows another is an update or final")
    if errors:
        raise FieldErrors(errors)
    # The reporting state always sees its own report.
    if source in case.charter.parsed().members and "ALL" not in released and source not in released:
        released = sorted({*released, source})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _writable(locked, historical)  # It may have closed since the caller loaded it.
        before = None
        if preceding is not None:
            before = Report.objects.filter(case=locked, number=preceding).first()
            if before is None or not access.may_see(user, before.released_to):
                raise FieldErrors({"preceding": _("no report %(n)s on this case") % {"n": preceding}})
        last = Report.objects.filter(case=locked).order_by("-number").values_list("number", flat=True).first()
        report = Report.objects.create(
            case=locked, number=(last or 0) + 1, kind=kind, version=version, preceding=before, title=title,
            body=body or "", source=source, period_from=period_from, period_to=period_to, urgency=urgency,
            severity=severity, confidence=confidence, location=location, place=place or "", status=status,
            released_to=released, filed_by=_actor(user), filed_at=now,
        )
        made_files = [
            Attachment.objects.create(report=report, name=f["name"], mime_type=f["mime_type"], size=f["size"],
                                      sha256=f["sha256"], content=f["content"])
            for f in files
        ]
        made_figures = [
            Figure.objects.create(report=report, case=locked, key=n["key"], value=n["value"], unit=n["unit"],
                                  source=source, confidence=confidence, as_of=period_to)
            for n in numbers
        ]
        ReportRevision.objects.create(report=report, revision=1, snapshot=snapshot(report), by=_actor(user), at=now)
        # Read before the ledger's lock, which serialises every writer: keep its hold short.
        alarms = list(Alarm.objects.filter(case=locked, source=source, cleared_at__isnull=True))
        ledger.record(EventType.SITREP_FILED, actor=_actor(user), case=locked, subject=f"sitrep:{report.pk}",
                      data=_event_data(report, attachments=made_files, figures=made_figures, **(data or {})))
        _clear_alarms(alarms, case=locked, source=source, actor=_actor(user), now=now)
    return report


def sitrep_update(*, user, report: Report, revision: int, changes: dict, historical: bool = False) -> Report:
    """Edit a report; refuse with both versions if someone else changed it since `revision`.

    Corrections are refused once the report's case is closed (409 `case_closed`): the record is
    closed, and a late correction would rewrite what the after-action report was drawn from.
    Only a replay passes `historical=True`, with the clock before the case closed.
    """
    now = clock.now()
    if not (report.filed_by == _actor(user) or report.source in sources_of(user)
            or access.roles_of(user) & set(EDITOR_ROLES)):
        raise Forbidden("only the reporting source or the Centre may edit this report")
    _writable(report.case, historical)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise FieldErrors({k: _("cannot be edited") for k in unknown})
    errors: dict[str, str] = {}
    clean = {}
    for field, value in changes.items():
        if field in ("urgency", "severity", "confidence"):
            choices = {"urgency": Report.Urgency, "severity": Report.Severity, "confidence": Report.Confidence}[field]
            clean[field] = _choice(errors, field, value, choices.choices, getattr(report, field))
        elif field == "title":
            value = (value or "").strip()
            if not value or len(value) > 300:
                errors["title"] = _("is required, at most 300 characters")
            clean[field] = value
        elif field == "body":
            if len(value or "") > 20000:
                errors["body"] = _("at most 20000 characters")
            clean[field] = value or ""
        elif field == "place":
            if len(value or "") > 200:
                errors["place"] = _("at most 200 characters")
            clean[field] = value or ""
        elif field == "location":
            try:
                clean[field] = validate_location(value)
            except FieldErrors as exc:
                errors.update(exc.fields)
        elif field == "released_to":
            clean[field] = _released(errors, report.case, value)
        elif field in ("period_from", "period_to"):
            clean[field] = value
    if "period_from" in clean or "period_to" in clean:
        _period(errors, clean.get("period_from", report.period_from), clean.get("period_to", report.period_to), now)
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        current = Report.objects.select_for_update(of=("self",)).select_related("case", "preceding").get(pk=report.pk)
        _writable(Case.objects.get(pk=current.case_id), historical)  # It may have closed meanwhile.
        if current.revision != revision:
            base = ReportRevision.objects.filter(report=current, revision=revision).first()
            yours = {**snapshot(current), **{k: _plain(v) for k, v in clean.items()}, "revision": revision}
            raise EditConflict(current=snapshot(current), yours=yours, base=base.snapshot if base else None)
        diff = {}
        for field, value in clean.items():
            old = getattr(current, field)
            if old != value:
                diff[field] = [_plain(old), _plain(value)]
                setattr(current, field, value)
        if not diff:
            return current
        if current.source in current.case.charter.parsed().members and "ALL" not in current.released_to \
                and current.source not in current.released_to:
            current.released_to = sorted({*current.released_to, current.source})
        current.revision += 1
        current.updated_by, current.updated_at = _actor(user), now
        current.save()
        ReportRevision.objects.create(report=current, revision=current.revision, snapshot=snapshot(current),
                                      by=_actor(user), at=now)
        ledger.record(EventType.SITREP_UPDATED, actor=_actor(user), case=current.case,
                      subject=f"sitrep:{current.pk}", data=_event_data(current, changes=diff))
    return current


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def figure_make_official(*, user, figure: Figure, reason: str, historical: bool = False) -> Figure:
    """Record which source's figure is the official one for its key, with a reason.

    Refused on a closed case, like a report: the record is closed (a replay passes `historical`).
    """
    access.require_role(user, *OFFICIAL_ROLES)
    _writable(figure.case, historical)
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": _("say why this figure is the official one")})
    if len(reason) > 2000:
        raise FieldErrors({"reason": _("at most 2000 characters")})
    now = clock.now()
    with transaction.atomic():
        _writable(Case.objects.select_for_update().get(pk=figure.case_id), historical)
        previous = list(Figure.objects.filter(case_id=figure.case_id, key=figure.key, official=True)
                        .exclude(pk=figure.pk).values_list("pk", flat=True))
        Figure.objects.filter(pk__in=previous).update(official=False)
        figure.official, figure.official_reason = True, reason
        figure.official_by, figure.official_at = _actor(user), now
        figure.save()
        report = figure.report
        ledger.record(EventType.FIGURE_MADE_OFFICIAL, actor=_actor(user), case=figure.case,
                      subject=f"figure:{figure.pk}",
                      data={"figure": figure.pk, "key": figure.key, "value": str(figure.value), "unit": figure.unit,
                            "source": figure.source, "confidence": figure.confidence, "report": report.pk,
                            "number": report.number, "reason": reason, "replaces": previous,
                            "released_to": list(report.released_to), "exercise": report.is_exercise})
    return figure


def cadence_set(*, user, case: Case, source: str, every_hours: int, since: datetime | None = None,
                active: bool = True, actor: str | None = None, historical: bool = False) -> Cadence:
    """Set how often a source must report on a case (the Centre decides).

    Refused on a closed case, which expects no more reports (a replay passes `historical`).
    """
    if user is not None:
        access.require_role(user, *EDITOR_ROLES)
    _writable(case, historical)
    errors = {}
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,60}", source or ""):
        errors["source"] = _("letters, digits, dots, hyphens or underscores")
    if not isinstance(every_hours, int) or not 1 <= every_hours <= 24 * 14:
        errors["every_hours"] = _("from 1 to 336 hours")
    if errors:
        raise FieldErrors(errors)
    now = clock.now()
    with transaction.atomic():
        cadence, _created = Cadence.objects.update_or_create(
            case=case, source=source,
            defaults={"every_hours": every_hours, "since": since or now, "active": active})
        ledger.record(EventType.CADENCE_SET, actor=actor or _actor(user), case=case, subject=f"cadence:{cadence.pk}",
                      data={"source": source, "every_hours": every_hours, "since": cadence.since,
                            "active": active, "released_to": list(case.released_to)})
    return cadence


def ensure_default_cadence(case: Case) -> None:
    """A case with a mandate expects the force command to report every report_every_hours."""
    from crisisdesk.cases.models import Mandate

    mandate = Mandate.objects.filter(case=case).first()
    if mandate is None or Cadence.objects.filter(case=case).exists():
        return
    cadence_set(user=None, case=case, source="force_command", every_hours=mandate.report_every_hours,
                since=mandate.starts_at, actor="system")


def _case_open_at(case: Case, now: datetime) -> bool:
    if case.closed_at is not None and case.closed_at <= now:
        return False
    return not (case.status in CLOSED and case.closed_at is None)


def check_overdue(*, now: datetime | None = None, case: Case | None = None, actor: str = "system") -> list[Alarm]:
    """Raise an alarm (and a ledger event) for every source whose report is overdue now."""
    from crisisdesk.cases.models import Mandate

    now = now or clock.now()
    cases = [case] if case is not None else list(Case.objects.all())
    raised = []
    for c in cases:
        if not _case_open_at(c, now):
            continue
        if Mandate.objects.filter(case=c).exists():
            ensure_default_cadence(c)
        for cadence in Cadence.objects.filter(case=c, active=True):
            if cadence.since > now:
                continue
            last = (Report.objects.filter(case=c, source=cadence.source, filed_at__lte=now)
                    .order_by("-filed_at").values_list("filed_at", flat=True).first())
            start = max(cadence.since, last) if last else cadence.since
            due = start + timedelta(hours=cadence.every_hours)
            if now <= due or Alarm.objects.filter(case=c, source=cadence.source, due_at=due).exists():
                continue
            with transaction.atomic():
                alarm = Alarm.objects.create(case=c, source=cadence.source, due_at=due, raised_at=now)
                ledger.record(EventType.SITREP_OVERDUE, actor=actor, case=c, subject=f"alarm:{alarm.pk}",
                              at=now,
                              data={"alarm": alarm.pk, "source": cadence.source, "due_at": due,
                                    "every_hours": cadence.every_hours, "last_report_at": last,
                                    "released_to": list(c.released_to), "exercise": c.is_exercise})
            raised.append(alarm)
    return raised


def _clear_alarms(alarms, *, case: Case, source: str, actor: str, now: datetime) -> None:
    for alarm in alarms:
        alarm.cleared_at, alarm.cleared_by = now, actor
        alarm.save(update_fields=["cleared_at", "cleared_by"])
        ledger.record(EventType.SITREP_ALARM_CLEARED, actor=actor, case=case, subject=f"alarm:{alarm.pk}",
                      data={"alarm": alarm.pk, "source": source, "due_at": alarm.due_at,
                            "late_by_minutes": round((now - alarm.due_at).total_seconds() / 60),
                            "released_to": list(case.released_to), "exercise": case.is_exercise})
