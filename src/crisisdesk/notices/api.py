"""The notices API under /api/notices/: duties and letters, statements, figures, lessons, CSV exports."""

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from crisisdesk.accounts import access
from crisisdesk.errors import DomainError
from crisisdesk.notices import actions, cap, exports, mailer, queries
from crisisdesk.notices.models import Duty, Lesson, Statement

router = Router(tags=["notices"])


class LetterOut(Schema):
    version: int
    subject_ru: str
    subject_en: str
    body_ru: str
    body_en: str
    missing: list[str]
    sha256: str
    drafted_at: datetime
    drafted_by: str
    approved_at: datetime | None
    approved_by: str


class AttemptOut(Schema):
    number: int
    at: datetime
    by: str
    channel: str
    outcome: str
    error: str
    recipients: list[str]
    resend: bool


class DutyOut(Schema):
    id: int
    case: str
    key: str
    kind: str
    recipient: str
    recipient_en: str
    via: str
    duty: str
    legal_basis: str
    trigger: str
    due_at: datetime
    signer_post: str
    status: str
    escalated_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    sent_at: datetime | None
    delivery: str
    acknowledged_at: datetime | None
    ack_note: str
    gap_hours: float | None
    letter: LetterOut | None
    history: list[AttemptOut]

    @staticmethod
    def build(duty: Duty) -> "DutyOut":
        letter = duty.letter
        return DutyOut(
            id=duty.pk, case=duty.case.ref, key=duty.key, kind=duty.kind, recipient=duty.recipient,
            recipient_en=duty.recipient_en, via=duty.via, duty=duty.duty, legal_basis=duty.legal_basis,
            trigger=duty.trigger, due_at=duty.due_at, signer_post=duty.signer_post, status=duty.status,
            escalated_at=duty.escalated_at, attempts=duty.attempts, next_attempt_at=duty.next_attempt_at,
            last_error=duty.last_error, sent_at=duty.sent_at, delivery=duty.delivery,
            acknowledged_at=duty.acknowledged_at, ack_note=duty.ack_note, gap_hours=queries.hours(queries.gap(duty)),
            letter=LetterOut(**{f: getattr(letter, f) for f in LetterOut.model_fields}) if letter else None,
            history=[AttemptOut(**{f: getattr(a, f) for f in AttemptOut.model_fields}) for a in duty.attempt_log.all()],
        )


class DraftIn(Schema):
    facts: dict[str, str] = Field(default_factory=dict)


class ApproveIn(Schema):
    version: int | None = None


class DispatchIn(Schema):
    resend: bool = False


class DeliveryIn(Schema):
    note: str = Field(min_length=1, max_length=2000)
    channel: str = Field(default="operator", pattern=r"^[a-z_]{2,20}$")
    at: datetime | None = None


class AckIn(Schema):
    note: str = Field(min_length=1, max_length=2000)
    at: datetime | None = None


class ReportDutyIn(Schema):
    case: str = Field(max_length=80)
    key: str = Field(max_length=60)
    recipient: str = Field(max_length=80)
    template: str = Field(max_length=60)
    deadline: str = Field(default="P1D", max_length=40)
    kind: str = Field(default="report", max_length=20)


def _aware(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:
        raise DomainError("times need a zone (e.g. 2022-01-06T06:00:00Z)", code="invalid")
    return at


@router.get("/duties", response=list[DutyOut])
def list_duties(request, case: str | None = None):
    found = access.access_case(request.auth, case) if case else None
    return [DutyOut.build(d) for d in queries.duties_visible_to(request.auth, found)]


@router.post("/duties", response={201: DutyOut})
def open_duty(request, payload: ReportDutyIn):
    found = access.access_case(request.auth, payload.case)
    duty = actions.duty_open(case=found, user=request.auth, key=payload.key, recipient=payload.recipient,
                             template=payload.template, deadline=payload.deadline, kind=payload.kind)
    return Status(201, DutyOut.build(duty))


@router.get("/duties/{duty_id}", response=DutyOut)
def get_duty(request, duty_id: str):
    return DutyOut.build(queries.access_duty(request.auth, duty_id))


@router.post("/duties/{duty_id}/draft", response=DutyOut)
def draft(request, duty_id: str, payload: DraftIn):
    duty = queries.access_duty(request.auth, duty_id)
    actions.letter_draft(duty=duty, user=request.auth, facts=payload.facts)
    return DutyOut.build(Duty.objects.get(pk=duty.pk))


@router.post("/duties/{duty_id}/approve", response=DutyOut)
def approve(request, duty_id: str, payload: ApproveIn):
    duty = queries.access_duty(request.auth, duty_id)
    actions.letter_approve(duty=duty, user=request.auth, version=payload.version)
    return DutyOut.build(Duty.objects.get(pk=duty.pk))


@router.post("/duties/{duty_id}/dispatch", response=DutyOut)
def dispatch(request, duty_id: str, payload: DispatchIn):
    duty = queries.access_duty(request.auth, duty_id)
    return DutyOut.build(actions.letter_dispatch(duty=duty, user=request.auth, resend=payload.resend))


@router.post("/duties/{duty_id}/delivery", response=DutyOut)
def delivery(request, duty_id: str, payload: DeliveryIn):
    duty = queries.access_duty(request.auth, duty_id)
    return DutyOut.build(actions.delivery_record(duty=duty, user=request.auth, channel=payload.channel,
                                                 note=payload.note, at=_aware(payload.at)))


@router.post("/duties/{duty_id}/acknowledge", response=DutyOut)
def acknowledge(request, duty_id: str, payload: AckIn):
    duty = queries.access_duty(request.auth, duty_id)
    return DutyOut.build(actions.ack_record(duty=duty, user=request.auth, note=payload.note, at=_aware(payload.at)))


class DutyAlarmOut(Schema):
    duty: int
    case: str
    kind: str
    detail: str


@router.get("/alarms", response=list[DutyAlarmOut])
def alarms(request):
    return [DutyAlarmOut(duty=a["duty"].pk, case=a["duty"].case.ref, kind=a["kind"], detail=a["detail"])
            for a in queries.alarms(queries.duties_visible_to(request.auth))]


class SmtpOut(Schema):
    enabled: bool
    host: str
    port: int
    problems: list[str]


@router.get("/smtp", response=SmtpOut)
def smtp(request):
    access.require_post(request.auth)
    cfg = mailer.config()
    return SmtpOut(enabled=cfg.enabled, host=cfg.host, port=cfg.port if isinstance(cfg.port, int) else 0,
                   problems=mailer.problems(cfg))


# --- Statements -----------------------------------------------------------------------------


class TextIn(Schema):
    headline: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=20000)


class SourceIn(Schema):
    key: str = Field(default="", max_length=40)
    url: str = Field(max_length=500)


class StatementIn(Schema):
    case: str = Field(max_length=80)
    about: str = Field(max_length=20)
    kind: str = Field(default="statement", max_length=10)
    texts: dict[str, TextIn]
    sources: list[SourceIn] = Field(default_factory=list, max_length=50)
    cap: dict[str, str] = Field(default_factory=dict)
    on_behalf_of: str = Field(default="secretariat", max_length=80)


class StatementPatch(Schema):
    texts: dict[str, TextIn] | None = None
    sources: list[SourceIn] | None = None
    cap: dict[str, str] | None = None


class StepIn(Schema):
    note: str = Field(default="", max_length=2000)


class StatementOut(Schema):
    id: int
    uid: str
    case: str
    kind: str
    about: str
    status: str
    texts: dict
    required_languages: list[str]
    sources: list[dict]
    cap: dict
    drafted_at: datetime
    drafted_by: str
    published_at: datetime | None
    approvals: list[dict]

    @staticmethod
    def build(s: Statement) -> "StatementOut":
        return StatementOut(
            id=s.pk, uid=str(s.uid), case=s.case.ref, kind=s.kind, about=s.about, status=s.status, texts=s.texts,
            required_languages=s.required_languages, sources=s.sources, cap=s.cap, drafted_at=s.drafted_at,
            drafted_by=s.drafted_by, published_at=s.published_at,
            approvals=[{"step": a.step, "by": a.by, "post": a.post, "at": a.at.isoformat()} for a in s.approvals.all()],
        )


@router.get("/statements", response=list[StatementOut])
def list_statements(request, case: str):
    found = access.access_case(request.auth, case)
    return [StatementOut.build(s) for s in queries.statements_visible(request.auth, found)]


@router.post("/statements", response={201: StatementOut})
def create_statement(request, payload: StatementIn):
    found = access.access_case(request.auth, payload.case)
    s = actions.statement_draft(case=found, user=request.auth, about=payload.about, kind=payload.kind,
                                texts={k: v.dict() for k, v in payload.texts.items()},
                                sources=[x.dict() for x in payload.sources], cap=payload.cap,
                                on_behalf_of=payload.on_behalf_of)
    return Status(201, StatementOut.build(s))


@router.get("/statements/{statement_id}", response=StatementOut)
def get_statement(request, statement_id: str):
    return StatementOut.build(queries.access_statement(request.auth, statement_id))


@router.patch("/statements/{statement_id}", response=StatementOut)
def edit_statement(request, statement_id: str, payload: StatementPatch):
    s = queries.access_statement(request.auth, statement_id)
    s = actions.statement_edit(statement=s, user=request.auth,
                               texts={k: v.dict() for k, v in payload.texts.items()} if payload.texts else None,
                               sources=[x.dict() for x in payload.sources] if payload.sources is not None else None,
                               cap=payload.cap)
    return StatementOut.build(s)


@router.post("/statements/{statement_id}/review", response=StatementOut)
def review_statement(request, statement_id: str, payload: StepIn):
    s = queries.access_statement(request.auth, statement_id)
    return StatementOut.build(actions.statement_review(statement=s, user=request.auth, note=payload.note))


@router.post("/statements/{statement_id}/approve", response=StatementOut)
def approve_statement(request, statement_id: str, payload: StepIn):
    s = queries.access_statement(request.auth, statement_id)
    return StatementOut.build(actions.statement_approve(statement=s, user=request.auth, note=payload.note))


@router.post("/statements/{statement_id}/publish", response=StatementOut)
def publish_statement(request, statement_id: str):
    s = queries.access_statement(request.auth, statement_id)
    return StatementOut.build(actions.statement_publish(statement=s, user=request.auth))


@router.get("/statements/{statement_id}/cap")
def statement_cap(request, statement_id: str):
    s = queries.access_statement(request.auth, statement_id)
    if s.kind != "alert":
        raise DomainError("only alert statements have a CAP export", code="not_an_alert", status=409)
    xml = cap.export(s, base_url=request.build_absolute_uri("/"))
    return HttpResponse(xml, content_type="application/cap+xml; charset=utf-8")


@router.get("/public/statements", auth=None, response=list[StatementOut])
def public_statements(request):
    return [StatementOut.build(s) for s in queries.published_statements()[:200]]


# --- Figures --------------------------------------------------------------------------------


class DelayOut(Schema):
    about: str
    label: str
    event_at: datetime | None
    statement: int | None
    published_at: datetime | None
    delay_hours: float | None


@router.get("/cases/{ref}/time-to-statement", response=list[DelayOut])
def time_to_statement(request, ref: str):
    found = access.access_case(request.auth, ref)
    return [DelayOut(about=r["about"], label=r["label"], event_at=r["event_at"],
                     statement=r["statement"].pk if r["statement"] else None, published_at=r["published_at"],
                     delay_hours=queries.hours(r["delay"])) for r in queries.time_to_statement(found)]


# --- Lessons --------------------------------------------------------------------------------


class LessonIn(Schema):
    observation: str = Field(min_length=1, max_length=5000)
    lesson: str = Field(default="", max_length=5000)
    action: str = Field(default="", max_length=5000)
    owner: str = Field(default="", max_length=200)
    status: str = Field(default="open", max_length=12)
    due: date | None = None


class LessonPatch(Schema):
    observation: str | None = Field(default=None, max_length=5000)
    lesson: str | None = Field(default=None, max_length=5000)
    action: str | None = Field(default=None, max_length=5000)
    owner: str | None = Field(default=None, max_length=200)
    status: str | None = Field(default=None, max_length=12)
    due: date | None = None


class LessonOut(Schema):
    id: int
    case: str
    number: int
    observation: str
    lesson: str
    action: str
    owner: str
    status: str
    due: date | None
    created_by: str
    updated_at: datetime

    @staticmethod
    def build(lesson: Lesson) -> "LessonOut":
        return LessonOut(id=lesson.pk, case=lesson.case.ref, **{f: getattr(lesson, f) for f in (
            "number", "observation", "lesson", "action", "owner", "status", "due", "created_by", "updated_at")})


@router.get("/cases/{ref}/lessons", response=list[LessonOut])
def list_lessons(request, ref: str):
    found = access.access_case(request.auth, ref)
    return [LessonOut.build(x) for x in found.lessons.order_by("number")]


@router.post("/cases/{ref}/lessons", response={201: LessonOut})
def add_lesson(request, ref: str, payload: LessonIn):
    found = access.access_case(request.auth, ref)
    data = payload.dict()
    return Status(201, LessonOut.build(actions.lesson_add(case=found, user=request.auth, **data)))


@router.patch("/lessons/{lesson_id}", response=LessonOut)
def update_lesson(request, lesson_id: str, payload: LessonPatch):
    lesson = queries.access_lesson(request.auth, lesson_id)
    fields = payload.dict(exclude_unset=True)
    return LessonOut.build(actions.lesson_update(lesson=lesson, user=request.auth, **fields))


# --- Exports --------------------------------------------------------------------------------


@router.get("/export/{kind}.csv")
def export_csv(request, kind: str, case: str | None = None):
    found = access.access_case(request.auth, case) if case else None
    text = exports.csv_text(kind, user=request.auth, case=found)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}{"-" + found.ref if found else ""}.csv"'
    return response
