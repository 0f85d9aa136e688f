"""/api/sitreps: file, read, edit (optimistic locking) reports; figures, cadences, alarms, map layers."""

from datetime import datetime

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from crisisdesk.accounts import access
from crisisdesk.sitreps import actions, layers, queries
from crisisdesk.sitreps.models import Figure, Report

router = Router(tags=["sitreps"])


class ErrorOut(Schema):
    error: str
    detail: str


class FieldErrorOut(ErrorOut):
    fields: dict[str, str] = {}


class ConflictOut(ErrorOut):
    current: dict
    yours: dict
    base: dict | None = None


class StrictIn(Schema):
    """An input that refuses keys it does not know (422 naming them) rather than dropping them:
    a misspelt `released_to` must not file a report released to the whole case."""

    model_config = ConfigDict(extra="forbid")


class AttachmentIn(StrictIn):
    name: str = Field(min_length=1, max_length=200)
    mime_type: str = Field(default="application/octet-stream", max_length=100)
    content_b64: str = Field(max_length=1_500_000)


class FigureIn(StrictIn):
    key: str = Field(min_length=1, max_length=80)
    value: float
    unit: str = Field(default="", max_length=30)


class ReportIn(StrictIn):
    case: str = Field(min_length=1, max_length=80)
    kind: str = Field(min_length=1, max_length=40, description="field_observation | situation_information | "
                      "response_resources_totals | casualty_damage_summary | management_summary")
    title: str = Field(min_length=1, max_length=300)
    body: str = Field(default="", max_length=20000)
    source: str | None = Field(default=None, max_length=60)
    version: str = Field(default="initial", max_length=10)
    preceding: int | None = None
    period_from: datetime
    period_to: datetime
    urgency: str | None = Field(default=None, max_length=10)
    severity: str | None = Field(default=None, max_length=10)
    confidence: str | None = Field(default=None, max_length=10)
    location: dict | None = None
    place: str = Field(default="", max_length=200)
    status: str | None = Field(default=None, max_length=10)
    released_to: list[str] | None = Field(default=None, max_length=60)
    attachments: list[AttachmentIn] = Field(default=[], max_length=20)
    figures: list[FigureIn] = Field(default=[], max_length=100)


class ReportUpdateIn(StrictIn):
    """The editable fields; any other key (number, kind, source, status, an unknown one) is
    refused with 422 naming it, never silently ignored."""

    revision: int = Field(ge=1, description="The revision you loaded; a different current one answers 409.")
    title: str | None = Field(default=None, max_length=300)
    body: str | None = Field(default=None, max_length=20000)
    urgency: str | None = Field(default=None, max_length=10)
    severity: str | None = Field(default=None, max_length=10)
    confidence: str | None = Field(default=None, max_length=10)
    location: dict | None = None
    place: str | None = Field(default=None, max_length=200)
    period_from: datetime | None = None
    period_to: datetime | None = None
    released_to: list[str] | None = Field(default=None, max_length=60)


class AttachmentOut(Schema):
    id: int
    name: str
    mime_type: str
    size: int
    sha256: str


class FigureOut(Schema):
    id: int
    key: str
    value: float
    unit: str
    source: str
    confidence: str
    as_of: datetime
    report: int
    report_number: int
    official: bool
    official_reason: str
    official_by: str
    official_at: datetime | None

    @staticmethod
    def build(f: Figure) -> "FigureOut":
        return FigureOut(id=f.pk, key=f.key, value=float(f.value), unit=f.unit, source=f.source,
                         confidence=f.confidence, as_of=f.as_of, report=f.report_id, report_number=f.report.number,
                         official=f.official, official_reason=f.official_reason, official_by=f.official_by,
                         official_at=f.official_at)


class ReportOut(Schema):
    id: int
    case: str
    number: int
    kind: str
    version: str
    preceding: int | None
    title: str
    body: str
    source: str
    period_from: datetime
    period_to: datetime
    urgency: str
    severity: str
    confidence: str
    location: dict | None
    place: str
    status: str
    exercise: bool
    released_to: list[str]
    filed_by: str
    filed_at: datetime
    revision: int
    updated_by: str
    updated_at: datetime | None
    attachments: list[AttachmentOut]
    figures: list[FigureOut]

    @staticmethod
    def build(r: Report) -> "ReportOut":
        return ReportOut(
            id=r.pk, case=r.case.ref, number=r.number, kind=r.kind, version=r.version,
            preceding=r.preceding.number if r.preceding_id else None, title=r.title, body=r.body, source=r.source,
            period_from=r.period_from, period_to=r.period_to, urgency=r.urgency, severity=r.severity,
            confidence=r.confidence, location=r.location, place=r.place, status=r.status, exercise=r.is_exercise,
            released_to=r.released_to, filed_by=r.filed_by, filed_at=r.filed_at, revision=r.revision,
            updated_by=r.updated_by, updated_at=r.updated_at,
            attachments=[AttachmentOut(id=a.pk, name=a.name, mime_type=a.mime_type, size=a.size, sha256=a.sha256)
                         for a in r.attachments.all()],
            figures=[FigureOut.build(f) for f in r.figures.select_related("report")],
        )


class RevisionOut(Schema):
    revision: int
    by: str
    at: datetime
    snapshot: dict


class ListFilter(Schema):
    case: str | None = Field(default=None, max_length=80)
    kind: str | None = Field(default=None, max_length=40)
    source: str | None = Field(default=None, max_length=60)
    status: str | None = Field(default=None, max_length=10)
    limit: int = Field(default=100, ge=1, le=1000)


class CaseFilter(Schema):
    case: str = Field(min_length=1, max_length=80)


class OfficialIn(StrictIn):
    reason: str = Field(min_length=1, max_length=2000)


class CadenceIn(StrictIn):
    case: str = Field(min_length=1, max_length=80)
    source: str = Field(min_length=1, max_length=60)
    every_hours: int = Field(ge=1, le=336)
    since: datetime | None = None
    active: bool = True


class CadenceOut(Schema):
    source: str
    every_hours: int
    active: bool
    reports: int
    on_time: int
    late: int
    on_time_pct: int | None
    worst_late_hours: float
    last_report_at: datetime | None
    next_due_at: datetime
    overdue: bool
    open_alarms: int


class AlarmOut(Schema):
    id: int
    case: str
    kind: str
    source: str
    due_at: datetime
    raised_at: datetime
    cleared_at: datetime | None


def _file_errors(exc: actions.FieldErrors):
    return Status(exc.status, FieldErrorOut(error=exc.code, detail=exc.detail, fields=exc.fields))


@router.post("", response={201: ReportOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: FieldErrorOut})
def file_report(request, payload: ReportIn):
    """File a situation report (EDXL-SitRep types); releasability defaults to the case's.
    A closed case takes no new report: 409 `case_closed`."""
    case = access.access_case(request.auth, payload.case)
    fields = payload.dict(exclude={"case", "attachments", "figures"})
    try:
        report = actions.sitrep_file(
            user=request.auth, case=case, **fields,
            attachments=[a.dict() for a in payload.attachments], figures=[f.dict() for f in payload.figures])
    except actions.FieldErrors as exc:
        return _file_errors(exc)
    return Status(201, ReportOut.build(report))


@router.get("", response=list[ReportOut])
def list_reports(request, filters: Query[ListFilter]):
    """The reports you may see (releasability applied), newest first."""
    case = access.access_case(request.auth, filters.case) if filters.case else None
    return [ReportOut.build(r) for r in queries.reports_visible_to(
        request.auth, case=case, kind=filters.kind, source=filters.source, status=filters.status,
        limit=filters.limit)]


@router.get("/figures", response=dict[str, list[FigureOut]])
def figures(request, filters: Query[CaseFilter]):
    """Figures of a case from every source side by side, with confidence and the official one."""
    case = access.access_case(request.auth, filters.case)
    return {k: [FigureOut.build(f) for f in v] for k, v in queries.figures_side_by_side(request.auth, case).items()}


@router.post("/figures/{figure_id}/official", response={200: FigureOut, 403: ErrorOut, 404: ErrorOut,
                                                         409: ErrorOut, 422: FieldErrorOut})
def make_official(request, figure_id: int, payload: OfficialIn):
    figure = queries.access_figure(request.auth, figure_id)
    try:
        return FigureOut.build(actions.figure_make_official(user=request.auth, figure=figure, reason=payload.reason))
    except actions.FieldErrors as exc:
        return _file_errors(exc)


@router.get("/cadences", response=list[CadenceOut])
def cadences(request, filters: Query[CaseFilter]):
    """Report timeliness per source on a case."""
    return queries.timeliness(access.access_case(request.auth, filters.case))


@router.post("/cadences", response={200: CadenceOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                                    422: FieldErrorOut})
def set_cadence(request, payload: CadenceIn):
    case = access.access_case(request.auth, payload.case)
    try:
        cadence = actions.cadence_set(user=request.auth, case=case, source=payload.source,
                                      every_hours=payload.every_hours, since=payload.since, active=payload.active)
    except actions.FieldErrors as exc:
        return _file_errors(exc)
    return next(row for row in queries.timeliness(case) if row["source"] == cadence.source)


@router.get("/alarms", response=list[AlarmOut])
def alarms(request, filters: Query[CaseFilter]):
    case = access.access_case(request.auth, filters.case)
    return [AlarmOut(id=a.pk, case=case.ref, kind=a.kind, source=a.source, due_at=a.due_at, raised_at=a.raised_at,
                     cleared_at=a.cleared_at) for a in queries.open_alarms(case)]


@router.get("/layers", response=dict)
def map_layers(request, filters: Query[CaseFilter]):
    """The map's GeoJSON layers for a case: members, airfields, forces, sorties, incidents."""
    case = access.access_case(request.auth, filters.case)
    return layers.case_layers(request.auth, case)


@router.get("/{report_id}", response=ReportOut)
def get_report(request, report_id: int):
    return ReportOut.build(queries.access_report(request.auth, report_id))


@router.put("/{report_id}", response={200: ReportOut, 403: ErrorOut, 404: ErrorOut,
                                      409: ConflictOut | ErrorOut, 422: FieldErrorOut})
def update_report(request, report_id: int, payload: ReportUpdateIn):
    """Edit a report. Send the revision you loaded; if it changed meanwhile, 409 `conflict` with
    both versions. A report on a closed case is not edited: 409 `case_closed`. A key that is not
    editable (or unknown) is refused with 422 naming it."""
    report = queries.access_report(request.auth, report_id)
    changes = payload.dict(exclude={"revision"}, exclude_unset=True)
    try:
        report = actions.sitrep_update(user=request.auth, report=report, revision=payload.revision, changes=changes)
    except actions.EditConflict as exc:
        return Status(409, ConflictOut(error=exc.code, detail=exc.detail, current=exc.current, yours=exc.yours,
                                       base=exc.base))
    except actions.FieldErrors as exc:
        return _file_errors(exc)
    return ReportOut.build(report)


@router.get("/{report_id}/revisions", response=list[RevisionOut])
def revisions(request, report_id: int):
    report = queries.access_report(request.auth, report_id)
    return [RevisionOut(revision=r.revision, by=r.by, at=r.at, snapshot=r.snapshot) for r in report.revisions.all()]


@router.get("/{report_id}/attachments/{attachment_id}", response={200: None, 404: ErrorOut},
            openapi_extra={"responses": {200: {"description": "the file",
                                                 "content": {"application/octet-stream": {}}}}})
def attachment(request, report_id: int, attachment_id: int):
    report = queries.access_report(request.auth, report_id)
    item = report.attachments.filter(pk=attachment_id).first()
    if item is None:
        return Status(404, ErrorOut(error="not_found", detail=f"no attachment {attachment_id}"))
    response = HttpResponse(bytes(item.content), content_type="application/octet-stream")
    safe = "".join(c for c in item.name if c.isalnum() or c in "._-") or "attachment"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
