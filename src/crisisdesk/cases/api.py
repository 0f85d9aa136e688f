from datetime import date, datetime

from ninja import Router, Schema, Status
from pydantic import Field

from crisisdesk.accounts import access
from crisisdesk.cases import actions, queries
from crisisdesk.cases.models import Case

router = Router(tags=["cases"])


class CaseOut(Schema):
    ref: str
    title_en: str
    title_ru: str
    host: str
    status: str
    appealed_at: datetime
    released_to: list[str]
    is_exercise: bool
    charter: str
    charter_version: str

    @staticmethod
    def build(case: Case) -> "CaseOut":
        return CaseOut(
            ref=case.ref, title_en=case.title_en, title_ru=case.title_ru, host=case.host.code, status=case.status,
            appealed_at=case.appealed_at, released_to=case.released_to, is_exercise=case.is_exercise,
            charter=case.charter.organisation.code, charter_version=case.charter.version,
        )


class AppealIn(Schema):
    member: str = Field(min_length=2, max_length=2)
    title_en: str = Field(min_length=1, max_length=300)
    title_ru: str = Field(min_length=1, max_length=300)
    text: str = Field(default="", max_length=20000)
    ref: str | None = Field(default=None, max_length=80)
    released_to: list[str] | None = None
    is_exercise: bool = False


class EventOut(Schema):
    seq: int
    type: str
    at: datetime
    actor: str
    subject: str
    data: dict


class TimelineOut(Schema):
    case: CaseOut
    events: list[EventOut]


class TerminationIn(Schema):
    effective: date
    text: str = Field(default="", max_length=20000)


class CloseIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/cases", response=list[CaseOut])
def list_cases(request):
    return [CaseOut.build(c) for c in queries.cases_visible_to(request.auth)]


@router.post("/cases", response={201: CaseOut})
def appeal(request, payload: AppealIn):
    case = actions.case_appeal(user=request.auth, **payload.dict())
    return Status(201, CaseOut.build(case))


@router.get("/cases/{ref}", response=CaseOut)
def get_case(request, ref: str):
    return CaseOut.build(access.access_case(request.auth, ref))


@router.get("/cases/{ref}/timeline", response=TimelineOut)
def timeline(request, ref: str):
    case = access.access_case(request.auth, ref)
    events = [EventOut(seq=e.seq, type=e.type, at=e.at, actor=e.actor, subject=e.subject, data=e.data)
              for e in queries.case_timeline(case, request.auth)]
    return TimelineOut(case=CaseOut.build(case), events=events)


@router.post("/cases/{ref}/termination-request", response=CaseOut)
def termination_request(request, ref: str, payload: TerminationIn):
    case = access.access_case(request.auth, ref)
    return CaseOut.build(actions.case_termination_request(case=case, user=request.auth, **payload.dict()))


@router.post("/cases/{ref}/close", response=CaseOut)
def close(request, ref: str, payload: CloseIn):
    case = access.access_case(request.auth, ref)
    return CaseOut.build(actions.case_close(case=case, user=request.auth, reason=payload.reason))
