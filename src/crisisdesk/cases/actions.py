"""The only writes to cases: appeal, mandate, termination, milestones and closure."""

import re
from datetime import date, datetime

from django.db import transaction

from crisisdesk import clock, ledger
from crisisdesk.accounts import access
from crisisdesk.cases.models import Case, Mandate
from crisisdesk.errors import Conflict, DomainError, Forbidden
from crisisdesk.events import EventType
from crisisdesk.organization.models import MemberState
from crisisdesk.organization.queries import current_charter

# Milestones that other areas record on a case until they have their own actions for them.
MILESTONE_TYPES = frozenset(
    {
        EventType.SESSION_HELD,
        EventType.PLEDGE_APPROVED,
        EventType.SORTIE_DEPARTED,
        EventType.SORTIE_LANDED,
        EventType.DEPLOYMENT_COMPLETED,
        EventType.MANDATE_END_ANNOUNCED,
        EventType.WITHDRAWAL_STARTED,
        EventType.WITHDRAWAL_COMPLETED,
        EventType.NOTICE_SENT,
        EventType.REPORT_SENT,
    }
)
_STATUS_AFTER = {
    EventType.DEPLOYMENT_COMPLETED: Case.Status.DEPLOYED,
    EventType.WITHDRAWAL_STARTED: Case.Status.WITHDRAWING,
}


def _actor(user) -> str:
    return getattr(user, "username", None) or str(user)


def case_appeal(
    *,
    user,
    member: str,
    title_ru: str,
    title_en: str,
    text: str = "",
    ref: str | None = None,
    released_to: list[str] | None = None,
    is_exercise: bool = False,
    data: dict | None = None,
) -> Case:
    """Open a case on an appeal from the head of an active member state."""
    version = current_charter()
    charter = version.parsed()
    now = clock.now()
    post = access.post_for(user, member=member, seat="head_of_state")
    status = charter.members[member].status_on(now) if member in charter.members else None
    if status != "active":
        raise Forbidden(f"{member} is not an active member ({status or 'not a member'}) and cannot appeal")
    if not title_en.strip() or not title_ru.strip():
        raise DomainError("an appeal needs a title in Russian and in English", code="invalid")
    released = sorted(set(released_to or ["ALL"]))
    unknown = [c for c in released if c != "ALL" and c not in charter.members]
    if unknown:
        raise DomainError(f"unknown member states in released_to: {', '.join(unknown)}", code="invalid")
    ref = ref or _new_ref(member, now)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,79}", ref):
        raise DomainError("a case reference is lower-case letters, digits and hyphens", code="invalid")
    with transaction.atomic():
        if Case.objects.filter(ref=ref).exists():
            raise Conflict(f"case {ref} already exists")
        case = Case.objects.create(
            ref=ref, charter=version, host=MemberState.objects.get(organisation=version.organisation, code=member),
            title_ru=title_ru, title_en=title_en, appellant_post=post.code, appeal_text=text, appealed_at=now,
            released_to=released, is_exercise=is_exercise,
        )
        ledger.record(
            EventType.APPEAL_RECEIVED, actor=_actor(user), case=case, subject=f"case:{case.ref}",
            data={"member": member, "post": post.code, "title_en": title_en, "charter_version": version.version,
                  **(data or {})},
        )
    return case


def _new_ref(member: str, now: datetime) -> str:
    base = f"{member.lower()}-{now.year}"
    ref, n = base, 1
    while Case.objects.filter(ref=ref).exists():
        n += 1
        ref = f"{base}-{n}"
    return ref


def _require_open(case: Case) -> None:
    if case.status in (Case.Status.CLOSED, Case.Status.NO_DECISION):
        raise Conflict(f"case {case.ref} is closed")


def case_mandate_set(
    *,
    case: Case,
    user,
    purpose_ru: str,
    purpose_en: str,
    area: list[str],
    legal_basis: list[str],
    duration_days: int | None,
    end_triggers: list[str],
    contributing: list[str],
    commander: str = "",
    report_every_hours: int = 6,
    data: dict | None = None,
) -> Mandate:
    """Set the mandate of an adopted deployment decision."""
    access.require_role(user, "secretariat")
    _require_open(case)
    if not case.decisions.filter(purpose="deployment", outcome="adopted").exists():
        raise Conflict("the mandate follows an adopted deployment decision")
    if duration_days is not None and duration_days <= 0:
        raise DomainError("the mandate's duration must be a positive number of days", code="invalid")
    if report_every_hours <= 0:
        raise DomainError("the reporting cadence must be positive", code="invalid")
    unknown = [c for c in contributing if c not in case.charter.parsed().members]
    if unknown:
        raise DomainError(f"unknown contributing states: {', '.join(unknown)}", code="invalid")
    now = clock.now()
    from datetime import timedelta

    with transaction.atomic():
        mandate, _ = Mandate.objects.update_or_create(
            case=case,
            defaults=dict(
                purpose_ru=purpose_ru, purpose_en=purpose_en, area=area, legal_basis=legal_basis, starts_at=now,
                ends_at=now + timedelta(days=duration_days) if duration_days else None, end_triggers=end_triggers,
                contributing=sorted(contributing), commander=commander, report_every_hours=report_every_hours,
            ),
        )
        ledger.record(
            EventType.MANDATE_SET, actor=_actor(user), case=case, subject=f"case:{case.ref}",
            data={"purpose_en": purpose_en, "area": area, "duration_days": duration_days,
                  "end_triggers": end_triggers, "contributing": sorted(contributing), "commander": commander,
                  **(data or {})},
        )
    return mandate


def case_force_formed(*, case: Case, user, commander: str, data: dict | None = None) -> Case:
    """Record that the force is formed and its commander appointed (after the CMD's decision)."""
    access.require_role(user, "secretariat")
    _require_open(case)
    if not case.decisions.filter(purpose="force", outcome="adopted").exists():
        raise Conflict("the force is formed by an adopted decision of the defence ministers")
    with transaction.atomic():
        Mandate.objects.filter(case=case).update(commander=commander)
        case.status = Case.Status.FORCE_FORMED
        case.save(update_fields=["status"])
        ledger.record(EventType.FORCE_FORMED, actor=_actor(user), case=case, subject=f"case:{case.ref}",
                      data={"commander": commander, **(data or {})})
        ledger.record(EventType.COMMANDER_APPOINTED, actor=_actor(user), case=case, subject=f"case:{case.ref}",
                      data={"commander": commander})
    return case


def case_termination_request(*, case: Case, user, effective: date, text: str = "", data: dict | None = None) -> Case:
    """Record the host state's request to end the mandate."""
    access.post_for(user, member=case.host.code, seat="head_of_state")
    _require_open(case)
    if not hasattr(case, "mandate"):
        raise Conflict("there is no mandate to end")
    with transaction.atomic():
        Mandate.objects.filter(case=case).update(termination_requested_at=clock.now(), termination_effective=effective)
        case.status = Case.Status.ENDING
        case.save(update_fields=["status"])
        ledger.record(
            EventType.TERMINATION_REQUESTED, actor=_actor(user), case=case, subject=f"case:{case.ref}",
            data={"effective": effective.isoformat(), "text": text, **(data or {})},
        )
    return case


def case_milestone_record(*, case: Case, user, type: EventType, data: dict | None = None) -> Case:
    """Record a dated milestone of the response (a landing, a letter sent, ...)."""
    access.require_role(user, "secretariat", "duty_officer", "force_command")
    _require_open(case)
    if type not in MILESTONE_TYPES:
        raise DomainError(f"{type} is not a milestone that can be recorded on a case", code="invalid")
    with transaction.atomic():
        if type in _STATUS_AFTER:
            case.status = _STATUS_AFTER[type]
            case.save(update_fields=["status"])
        ledger.record(type, actor=_actor(user), case=case, subject=f"case:{case.ref}", data=data or {})
    return case


def case_close(*, case: Case, user, reason: str, data: dict | None = None) -> Case:
    """Close a case; one that never got a decision is closed as such."""
    access.require_role(user, "secretariat")
    _require_open(case)
    if not reason.strip():
        raise DomainError("closing a case needs a reason", code="invalid")
    adopted = case.decisions.filter(purpose="deployment", outcome="adopted").exists()
    with transaction.atomic():
        case.status = Case.Status.CLOSED if adopted else Case.Status.NO_DECISION
        case.closed_at = clock.now()
        case.save(update_fields=["status", "closed_at"])
        ledger.record(
            EventType.CASE_CLOSED, actor=_actor(user), case=case, subject=f"case:{case.ref}",
            data={"reason": reason, "without_decision": not adopted, **(data or {})},
        )
    return case
