"""/api/analytics: the case dashboard's figures."""

from datetime import datetime

from ninja import Router, Schema

from crisisdesk.accounts import access
from crisisdesk.analytics.dashboard import case_dashboard
from crisisdesk.sitreps.api import CadenceOut

router = Router(tags=["analytics"])


class TempoOut(Schema):
    label: str
    start: datetime | None
    end: datetime | None
    hours: float | None


class DashboardAlarmOut(Schema):
    id: int
    source: str
    due_at: datetime
    raised_at: datetime


class DashboardOut(Schema):
    case: str
    exercise: bool
    as_of: datetime
    tempo: list[TempoOut]
    percent_deployed: float | None
    timeliness: list[CadenceOut]
    alarms: list[DashboardAlarmOut]
    reports: int
    reports_by_kind: dict[str, int]


@router.get("/cases/{ref}/dashboard", response=DashboardOut)
def dashboard(request, ref: str):
    case = access.access_case(request.auth, ref)
    d = case_dashboard(request.auth, case)
    d["percent_deployed"] = d["deployment"]["percent"] if d["deployment"] else None
    return d
