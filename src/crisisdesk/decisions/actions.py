"""The only writes to decisions: consultations, circulation, amendment, signed positions, outcomes."""

from datetime import datetime

from django.db import transaction

from crisisdesk import clock, ledger
from crisisdesk.accounts import access
from crisisdesk.cases.models import Case
from crisisdesk.decisions.engine import engine_state
from crisisdesk.decisions.models import Decision, DecisionText, Position
from crisisdesk.engines import signing
from crisisdesk.engines.procedures import RuleBreak
from crisisdesk.errors import Conflict, DomainError, Forbidden
from crisisdesk.events import EventType

PURPOSES = ("deployment", "force", "completion", "withdrawal", "other")
_OUTCOME_EVENTS = {
    "adopted": EventType.OUTCOME_ADOPTED,
    "rejected": EventType.OUTCOME_REJECTED,
    "silence_broken": EventType.OUTCOME_SILENCE_BROKEN,
    "lapsed": EventType.OUTCOME_LAPSED,
}
_CASE_STATUS_ON_ADOPTION = {"deployment": Case.Status.ADOPTED, "completion": Case.Status.ENDING}


def _actor(user) -> str:
    return getattr(user, "username", None) or str(user)


def _is_chair(user, case: Case) -> bool:
    chair = case.charter.parsed().chair_on(clock.now())
    return any(p.member is not None and p.member.code == chair and p.seat == "head_of_state"
               for p in access.posts_of(user))


def consultation_open(*, case: Case, user, note: str = "", data: dict | None = None) -> Case:
    """The chair (or the Secretariat for the chair) opens consultations on the appeal."""
    if not (_is_chair(user, case) or "secretariat" in access.roles_of(user)):
        raise Forbidden("only the chair or the Secretariat opens consultations")
    if case.status != Case.Status.APPEALED:
        raise Conflict(f"consultations open after an appeal; the case is {case.status}")
    with transaction.atomic():
        case.status = Case.Status.CONSULTATIONS
        case.save(update_fields=["status"])
        ledger.record(EventType.CONSULTATION_OPENED, actor=_actor(user), case=case, subject=f"case:{case.ref}",
                      data={"note": note, "chair": case.charter.parsed().chair_on(clock.now()), **(data or {})})
    return case


def draft_text(*, case: Case, procedure: str, facts: dict) -> str:
    """Fill the procedure's bilingual template from the case's facts."""
    template = case.charter.parsed().procedures[procedure].template
    if not template:
        return ""
    values = {
        "host_name_ru": case.host.name_ru, "host_name_en": case.host.name_en,
        "appellant_ru": f"{case.host.name_ru}", "appellant_en": f"{case.host.name_en}",
        "appeal_date": case.appealed_at.date().isoformat(), **facts,
    }
    try:
        return template["ru"].format(**values) + "\n---\n" + template["en"].format(**values)
    except KeyError as exc:
        raise DomainError(f"the template needs the fact {exc.args[0]!r}", code="missing_fact") from None


def decision_circulate(
    *,
    case: Case,
    user,
    procedure: str,
    purpose: str,
    text: str | None = None,
    facts: dict | None = None,
    mode: str | None = None,
    deadline: datetime | None = None,
    data: dict | None = None,
) -> Decision:
    """Circulate a draft under a procedure of the case's charter version."""
    access.require_role(user, "secretariat")
    charter = case.charter.parsed()
    if procedure not in charter.procedures:
        raise DomainError(f"unknown procedure {procedure!r} in charter {charter.name} {charter.version}", code="invalid")
    if purpose not in PURPOSES:
        raise DomainError(f"purpose must be one of {', '.join(PURPOSES)}", code="invalid")
    if case.status in (Case.Status.CLOSED, Case.Status.NO_DECISION):
        raise Conflict(f"case {case.ref} is closed")
    if Decision.objects.filter(case=case, purpose=purpose, outcome="").exclude(purpose="other").exists():
        raise Conflict(f"a {purpose} decision is already open on this case")
    body = text if text is not None else draft_text(case=case, procedure=procedure, facts=facts or {})
    if not body.strip():
        raise DomainError("the circulated text is empty", code="invalid")
    now = clock.now()
    proc = charter.procedures[procedure]
    chosen_mode = mode or proc.default_mode
    with transaction.atomic():
        decision = Decision.objects.create(case=case, procedure=procedure, purpose=purpose, mode=chosen_mode,
                                           members_as_of=now)
        try:
            state = engine_state(decision)
            state.circulate(now, deadline)
        except RuleBreak as exc:
            raise DomainError(str(exc), code="invalid") from None
        DecisionText.objects.create(decision=decision, version=1, body=body, sha256=signing.text_sha256(body),
                                    circulated_at=now, deadline=state.deadline)
        if purpose == "deployment" and case.status in (Case.Status.APPEALED, Case.Status.CONSULTATIONS):
            case.status = Case.Status.DECIDING
            case.save(update_fields=["status"])
        ledger.record(
            EventType.DRAFT_CIRCULATED, actor=_actor(user), case=case, subject=f"decision:{decision.pk}",
            data={"procedure": procedure, "purpose": purpose, "mode": chosen_mode, "version": 1,
                  "sha256": signing.text_sha256(body), "deadline": state.deadline, "required": sorted(state.required),
                  **(data or {})},
        )
    return decision


def decision_amend(*, decision: Decision, user, text: str, deadline: datetime | None = None) -> DecisionText:
    """Replace the circulated text; earlier positions lapse and the clock restarts."""
    access.require_role(user, "secretariat")
    if not text.strip():
        raise DomainError("the amended text is empty", code="invalid")
    now = clock.now()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.outcome in ("adopted", "lapsed"):
            raise Conflict(f"the decision is already {decision.outcome}")
        state = engine_state(decision)
        try:
            state.amend(now, deadline)
        except RuleBreak as exc:
            raise Conflict(str(exc)) from None
        current = decision.current_text
        new = DecisionText.objects.create(decision=decision, version=current.version + 1, body=text,
                                          sha256=signing.text_sha256(text), circulated_at=now, deadline=state.deadline)
        decision.outcome = ""
        decision.decided_at = None
        decision.save(update_fields=["outcome", "decided_at"])
        ledger.record(
            EventType.DRAFT_AMENDED, actor=_actor(user), case=decision.case, subject=f"decision:{decision.pk}",
            data={"version": new.version, "sha256": new.sha256, "deadline": new.deadline},
        )
    return new


def position_sign(
    *,
    decision: Decision,
    user,
    member: str,
    position: str,
    reason: str,
    text_sha256: str,
    signature: str,
) -> Position:
    """Verify and record a member's signed position; refuse anything wrong without changing anything."""
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("case").get(pk=decision.pk)
        # Read the clock only once the decision is locked: a position signed concurrently on the
        # same decision must not leave this one "before" it (a spurious "time goes backwards").
        now = clock.now()
        charter = decision.case.charter.parsed()
        procedure = charter.procedures[decision.procedure]
        post = access.post_for(user, member=member, seat=procedure.seat)
        text = decision.current_text
        if text_sha256 != text.sha256:
            raise Conflict(f"the text was superseded; version {text.version} is the one circulated now",
                           code="superseded_text")
        if position == "object" and not reason.strip():
            raise DomainError("an objection needs a reason", code="invalid")
        state = engine_state(decision, until=now)
        if state.outcome is not None and decision.outcome == "" and state.outcome in ("adopted", "lapsed"):
            raise Conflict(f"the deadline has passed; the decision {state.outcome}", code="deadline_passed")
        if decision.outcome:
            raise Conflict(f"the decision is already {decision.outcome}", code="decided")
        try:
            state.check_position(now, member, position)
        except RuleBreak as exc:
            code = "deadline_passed" if "deadline" in str(exc) else "not_allowed"
            raise DomainError(str(exc), code=code, status=409 if code == "deadline_passed" else 403) from None
        message = signing.position_message(case=decision.case.ref, decision=decision.pk, version=text.version,
                                           text=text.body, member=member, position=position, reason=reason)
        key = next((k for k in post.keys.filter(revoked_at=None) if signing.verify(k.public_key, message, signature)),
                   None)
        if key is None:
            raise DomainError("the signature does not verify with any key registered to your post",
                              code="bad_signature")
        row = Position.objects.create(
            decision=decision, text=text, member=member, post=post, position=position, reason=reason, signed_at=now,
            signed_by=_actor(user), key=key, message=message, signature=signature,
        )
        ledger.record(
            EventType.POSITION_SIGNED, actor=_actor(user), case=decision.case, subject=f"decision:{decision.pk}",
            data={"member": member, "post": post.code, "position": position, "reason": reason,
                  "version": text.version, "text_sha256": text.sha256, "signature": signature,
                  "key": key.fingerprint},
        )
        state.position(now, member, position, reason)
        if state.outcome is not None:
            _settle(decision, state)
    return row


def _settle(decision: Decision, state) -> None:
    decision.outcome = state.outcome
    decision.decided_at = state.decided_at
    decision.save(update_fields=["outcome", "decided_at"])
    case = decision.case
    if state.outcome == "adopted" and decision.purpose in _CASE_STATUS_ON_ADOPTION:
        case.status = _CASE_STATUS_ON_ADOPTION[decision.purpose]
        case.save(update_fields=["status"])
    ledger.record(
        _OUTCOME_EVENTS[state.outcome], actor="procedure-engine", case=case, subject=f"decision:{decision.pk}",
        at=state.decided_at,
        data={"procedure": decision.procedure, "purpose": decision.purpose, "mode": decision.mode,
              "required": sorted(state.required), "positions": state.positions,
              "non_participating": sorted(state.non_participating), "version": state.text_version},
    )


def decisions_settle_due() -> list[Decision]:
    """Remind, escalate and settle open decisions as their deadlines approach and pass."""
    from crisisdesk.ledger.models import Event

    settled = []
    now = clock.now()
    for decision in Decision.objects.filter(outcome="").select_related("case"):
        with transaction.atomic():
            locked = Decision.objects.select_for_update().get(pk=decision.pk)
            if locked.outcome:
                continue
            state = engine_state(locked, until=now)
            procedure = locked.case.charter.parsed().procedures[locked.procedure]
            sent = set(
                Event.objects.filter(subject=f"decision:{locked.pk}", type__in=[EventType.DEADLINE_REMINDED,
                                                                              EventType.DEADLINE_ESCALATED])
                .values_list("data__key", flat=True)
            )
            due = state.due()
            for offset in procedure.reminders:
                key = f"v{state.text_version}:remind:{int(offset.total_seconds())}"
                if due and now >= state.deadline - offset and now < state.deadline and key not in sent:
                    ledger.record(EventType.DEADLINE_REMINDED, actor="procedure-engine", case=locked.case,
                                  subject=f"decision:{locked.pk}",
                                  data={"key": key, "due": due, "deadline": state.deadline})
            key = f"v{state.text_version}:escalate"
            if due and now >= state.deadline and key not in sent:
                ledger.record(EventType.DEADLINE_ESCALATED, actor="procedure-engine", case=locked.case,
                              subject=f"decision:{locked.pk}",
                              data={"key": key, "due": due, "to": procedure.escalate_to, "deadline": state.deadline})
            if state.outcome is not None:
                _settle(locked, state)
                settled.append(locked)
    return settled
