"""The only writes to notices: duties, letters, dispatch, acknowledgements, statements, lessons."""

import logging
import re
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction

from crisisdesk import clock, ledger
from crisisdesk.accounts import access
from crisisdesk.cases.models import Case
from crisisdesk.engines.procedures.timing import TimingError, parse_duration
from crisisdesk.errors import Conflict, DomainError, Forbidden
from crisisdesk.events import EventType
from crisisdesk.notices import letters, mailer
from crisisdesk.notices.models import Address, Attempt, Duty, Lesson, Letter, Statement, StatementApproval

log = logging.getLogger(__name__)

WRITERS = ("secretariat", "duty_officer")
LEASE = timedelta(minutes=5)
SYSTEM = "notices"


def _actor(user, fallback: str = SYSTEM) -> str:
    if user is None:
        return fallback
    return getattr(user, "username", None) or str(user)


def _holds(user, post_code: str) -> bool:
    return any(p.code == post_code for p in access.posts_of(user))


def _deadline(charter, text) -> timedelta:
    text = str(text)
    if text == "immediately":
        return charter.immediately
    try:
        return parse_duration(text)
    except TimingError as exc:
        raise DomainError(f"bad deadline {text!r}: {exc}", code="invalid") from None


def _recipient_names(charter, code: str) -> tuple[str, str, str]:
    body = charter.external_bodies.get(code)
    if body:
        return body["name"]["ru"], body["name"]["en"], body.get("via", "")
    post = charter.posts.get(code)
    if post:
        return post["title"]["ru"], post["title"]["en"], ""
    if code == "members":
        return "Государства-члены", "Member states", ""
    return code, code, ""


# --- Duties ---------------------------------------------------------------------------------


def _open_duty(*, case: Case, decision, spec: dict, procedure: str, trigger: str, trigger_seq, triggered_at,
               dedupe: str, kind: str, actor: str, data: dict | None = None) -> Duty | None:
    """Create one duty and its first draft; return None when it already exists."""
    charter = case.charter.parsed()
    ru, en, via = _recipient_names(charter, spec["recipient"])
    proc = charter.procedures.get(procedure)
    now = clock.now()
    if Duty.objects.filter(dedupe=dedupe).exists():
        return None
    try:
        with transaction.atomic():
            duty = Duty.objects.create(
                dedupe=dedupe, case=case, decision=decision, key=spec.get("id") or spec["recipient"], kind=kind,
                procedure=procedure, recipient=spec["recipient"], recipient_ru=ru, recipient_en=en, via=via,
                duty=spec.get("duty", "practice"), legal_basis=spec.get("legal_basis", "practice"), trigger=trigger,
                trigger_seq=trigger_seq, triggered_at=triggered_at,
                due_at=triggered_at + _deadline(charter, spec["deadline"]), deadline_text=str(spec["deadline"]),
                signer_post=spec["signer"], on_behalf_of=spec.get("on_behalf_of", ""),
                escalate_to=(proc.escalate_to if proc else "") or spec["signer"],
                template=spec.get("template") or "letter-info", data=data or {}, created_at=now,
            )
            ledger.record(
                EventType.NOTICE_DUE, actor=actor, case=case, subject=f"duty:{duty.pk}", at=triggered_at,
                data={"duty": duty.key, "to": duty.recipient, "via": via, "basis": duty.duty,
                      "legal_basis": duty.legal_basis, "due": duty.due_at, "signer": duty.signer_post,
                      "trigger": trigger, "trigger_seq": trigger_seq, **(data or {})},
            )
            _draft(duty, actor=actor, facts={})
    except IntegrityError:
        return None  # Another path (the listener, sync, a second worker) created it first.
    return duty


def duties_for_event(event) -> list[Duty]:
    """Open the duties that the charter attaches to this event (idempotent)."""
    from crisisdesk.decisions.models import Decision

    if not event.case_ref or not event.subject.startswith("decision:"):
        return []
    case = Case.objects.select_related("charter", "host").filter(ref=event.case_ref).first()
    if case is None:
        return []
    procedure = event.data.get("procedure", "")
    proc = case.charter.parsed().procedures.get(procedure)
    if proc is None or not proc.notifications:
        return []
    decision = Decision.objects.filter(pk=int(event.subject.split(":", 1)[1]), case=case).first()
    made = []
    for spec in proc.notifications:
        if spec.get("trigger") != event.type:
            continue
        key = spec.get("id") or spec["recipient"]
        duty = _open_duty(case=case, decision=decision, spec=spec, procedure=procedure, trigger=event.type,
                          trigger_seq=event.seq, triggered_at=event.at,
                          dedupe=f"{case.ref}:{event.subject}:{key}", kind="notification", actor=SYSTEM)
        if duty is not None:
            made.append(duty)
    return made


def on_ledger_event(event) -> None:
    """The ledger listener: runs after commit; never lets a failure reach the committed action."""
    if not event.type.startswith("decision:"):
        return
    try:
        duties_for_event(event)
    except Exception:  # noqa: BLE001 - `crisisdesk notices sync` (run by the worker) catches up.
        log.exception("could not open notification duties for event %s", event.seq)


def duties_sync(case: Case | None = None) -> list[Duty]:
    """Open every duty whose trigger is in the ledger but which does not exist yet (idempotent)."""
    from crisisdesk.ledger.models import Event

    triggers = set()
    cases = [case] if case is not None else list(Case.objects.select_related("charter"))
    for c in cases:
        for proc in c.charter.parsed().procedures.values():
            triggers.update(spec.get("trigger") for spec in proc.notifications)
    if not triggers:
        return []
    events = Event.objects.filter(type__in=sorted(t for t in triggers if t), subject__startswith="decision:")
    if case is not None:
        events = events.filter(case_ref=case.ref)
    made = []
    for event in events.order_by("seq"):
        made.extend(duties_for_event(event))
    return made


def duty_open(*, case: Case, user, key: str, recipient: str, template: str, deadline: str, kind: str = "report",
              signer: str = "secretary_general", on_behalf_of: str = "", legal_basis: str = "practice",
              duty: str = "practice", data: dict | None = None) -> Duty:
    """Open a duty by hand (e.g. the closing report to the members)."""
    access.require_role(user, *WRITERS)
    charter = case.charter.parsed()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,59}", key):
        raise DomainError("a duty key is lower-case letters, digits, '.', '_' and '-'", code="invalid")
    if recipient not in charter.external_bodies and recipient not in charter.posts and recipient != "members":
        raise DomainError(f"unknown recipient {recipient!r}", code="invalid")
    if signer not in charter.posts:
        raise DomainError(f"unknown signer post {signer!r}", code="invalid")
    if kind not in ("notification", "report"):
        raise DomainError("kind is notification or report", code="invalid")
    if duty not in ("legal", "practice"):
        raise DomainError("duty is legal or practice", code="invalid")
    letters.template(template)
    if on_behalf_of and on_behalf_of not in charter.organs:
        raise DomainError(f"unknown organ {on_behalf_of!r}", code="invalid")
    if case.status == Case.Status.NO_DECISION:
        raise Conflict(f"case {case.ref} closed without a decision")
    spec = {"id": key, "recipient": recipient, "signer": signer, "deadline": deadline, "template": template,
            "on_behalf_of": on_behalf_of, "legal_basis": legal_basis, "duty": duty}
    _deadline(charter, deadline)
    made = _open_duty(case=case, decision=None, spec=spec, procedure="", trigger="manual", trigger_seq=None,
                      triggered_at=clock.now(), dedupe=f"{case.ref}:manual:{key}", kind=kind,
                      actor=_actor(user), data=data)
    if made is None:
        raise Conflict(f"a duty {key!r} already exists on {case.ref}")
    return made


# --- Letters --------------------------------------------------------------------------------


def _draft(duty: Duty, *, actor: str, facts: dict) -> Letter:
    tpl = letters.template(duty.template)
    all_facts = {**letters.case_facts(duty), **facts}
    texts, missing = letters.render(tpl, all_facts)
    previous = duty.letters.order_by("-version").first()
    letter = Letter.objects.create(
        duty=duty, version=(previous.version + 1) if previous else 1, facts=facts, missing=missing,
        sha256=letters.digest(texts), drafted_at=clock.now(), drafted_by=actor, **texts,
    )
    if duty.status in (Duty.Status.DUE, Duty.Status.APPROVED):
        duty.status = Duty.Status.DRAFTED
    duty.save(update_fields=["status"])
    ledger.record(EventType.NOTICE_DRAFTED, actor=actor, case=duty.case, subject=f"duty:{duty.pk}",
                  data={"duty": duty.key, "to": duty.recipient, "version": letter.version, "sha256": letter.sha256,
                        "missing": missing})
    return letter


def letter_draft(*, duty: Duty, user, facts: dict | None = None) -> Letter:
    """Draft (again) the duty's letter from the case's facts, plus facts the user supplies."""
    access.require_role(user, *WRITERS)
    facts = facts or {}
    known = letters.fields_of(letters.template(duty.template))
    for name, value in facts.items():
        if name not in known:
            raise DomainError(f"the template {duty.template} has no field {name!r}", code="invalid")
        if not isinstance(value, str) or not value.strip():
            raise DomainError(f"the fact {name!r} must be non-empty text", code="invalid")
    with transaction.atomic():
        duty = Duty.objects.select_for_update().get(pk=duty.pk)
        if duty.status in (Duty.Status.SENT, Duty.Status.ACKNOWLEDGED):
            raise Conflict("the letter has been sent; it is no longer a draft")
        return _draft(duty, actor=_actor(user), facts=facts)


def letter_approve(*, duty: Duty, user, version: int | None = None) -> Letter:
    """The signer approves the current draft; a draft with a hole is refused, naming the field."""
    with transaction.atomic():
        duty = Duty.objects.select_for_update().get(pk=duty.pk)
        if not _holds(user, duty.signer_post):
            raise Forbidden(f"only the {duty.signer_post} post signs this letter")
        letter = duty.letter
        if letter is None:
            raise Conflict("there is no draft to approve")
        if version is not None and version != letter.version:
            raise Conflict(f"version {letter.version} is the current draft, not {version}", code="superseded")
        if duty.status in (Duty.Status.SENT, Duty.Status.ACKNOWLEDGED):
            raise Conflict("the letter has already been sent")
        if letter.approved_at is not None:
            return letter
        if letter.missing:
            names = ", ".join(repr(m) for m in letter.missing)
            raise DomainError(f"the letter cannot be approved: the template field {names} has no value in the "
                              "case's facts; supply it and draft again", code="missing_field", status=409)
        now = clock.now()
        letter.approved_at, letter.approved_by = now, _actor(user)
        letter.save(update_fields=["approved_at", "approved_by"])
        duty.status = Duty.Status.APPROVED
        duty.next_attempt_at = now
        duty.save(update_fields=["status", "next_attempt_at"])
        ledger.record(EventType.NOTICE_APPROVED, actor=_actor(user), case=duty.case, subject=f"duty:{duty.pk}",
                      data={"duty": duty.key, "to": duty.recipient, "version": letter.version,
                            "sha256": letter.sha256, "signer": duty.signer_post})
    return letter


def addresses_for(duty: Duty) -> list[str]:
    """The e-mail addresses of the recipient, or of the body it is reached through."""
    from crisisdesk.organization.models import ExternalBody

    organisation = duty.case.charter.organisation
    charter = duty.case.charter.parsed()
    code, seen = duty.recipient, set()
    while code and code not in seen:
        seen.add(code)
        row = Address.objects.filter(organisation=organisation, code=code).first()
        if row is not None and row.email:
            return [e.strip() for e in row.email.split(",") if e.strip()]
        body = ExternalBody.objects.filter(organisation=organisation, code=code).exclude(email="").first()
        if body is not None:
            return [e.strip() for e in body.email.split(",") if e.strip()]
        code = charter.external_bodies.get(code, {}).get("via", "")
    return []


def address_set(*, organisation, code: str, email: str, actor: str) -> Address:
    """Set the e-mail address of an external body (or of the `members` list)."""
    emails = [e.strip() for e in email.split(",") if e.strip()]
    if not emails or any(not re.fullmatch(r"[^@\s,]+@[^@\s,]+", e) for e in emails):
        raise DomainError(f"{email!r} is not an e-mail address", code="invalid")
    with transaction.atomic():
        row, _ = Address.objects.update_or_create(
            organisation=organisation, code=code,
            defaults={"email": ", ".join(emails), "updated_at": clock.now(), "updated_by": actor})
    return row


def _attachments(duty: Duty, letter: Letter) -> list[tuple[str, str, str]]:
    files = [("letter-ru.txt", f"{letter.subject_ru}\n\n{letter.body_ru}\n", "text/plain"),
             ("letter-en.txt", f"{letter.subject_en}\n\n{letter.body_en}\n", "text/plain")]
    if duty.decision is not None and duty.decision.current_text is not None:
        files.append((f"decision-{duty.decision.pk}.txt", duty.decision.current_text.body, "text/plain"))
    return files


def _sent_event(duty: Duty) -> EventType:
    return EventType.REPORT_SENT if duty.kind == "report" else EventType.NOTICE_SENT


def letter_dispatch(*, duty: Duty, user=None, actor: str = "notices-worker", resend: bool = False) -> Duty:
    """Send the approved letter by SMTP. Sent once; again only when a user asks to re-send.

    A refused connection or a 4xx/5xx answer leaves the duty approved (pending) with a retry time.
    """
    if user is not None:
        access.require_role(user, *WRITERS)
        actor = _actor(user)
    cfg = mailer.config()
    if not cfg.enabled:
        raise Conflict("e-mail dispatch is off (EMAIL_ENABLED); record delivery by the operator instead",
                       code="smtp_disabled")
    now = clock.now()
    with transaction.atomic():
        duty = Duty.objects.select_for_update(of=("self",)).select_related("case", "decision").get(pk=duty.pk)
        if duty.status in (Duty.Status.SENT, Duty.Status.ACKNOWLEDGED) and not resend:
            return duty  # Idempotent: the same duty is never sent twice by accident.
        if duty.status not in (Duty.Status.APPROVED, Duty.Status.SENT, Duty.Status.ACKNOWLEDGED):
            raise Conflict(f"the letter is {duty.status}; the signer must approve it first", code="not_approved")
        if duty.claimed_at is not None and now - duty.claimed_at < LEASE:
            raise Conflict("this letter is being sent right now", code="in_progress")
        letter = duty.approved_letter
        recipients = addresses_for(duty)
        if not recipients:
            raise DomainError(f"no e-mail address is configured for {duty.recipient}"
                              f"{' or ' + duty.via if duty.via else ''} (crisisdesk notices address)",
                              code="no_address", status=409)
        Duty.objects.filter(pk=duty.pk).update(claimed_at=now)
        number = duty.attempts + 1
    domain = cfg.sender.split("@")[-1] or "crisisdesk.invalid"
    message_id = f"<notice-{duty.case.ref}-{duty.pk}-{number}@{domain}>"
    message = mailer.build(
        subject=f"{letter.subject_ru} / {letter.subject_en}",
        body=f"{letter.body_ru}\n\n— — —\n\n{letter.body_en}\n",
        to=recipients, attachments=_attachments(duty, letter), message_id=message_id, sender=cfg.sender,
        headers={"Content-Language": "ru, en", "X-Crisisdesk-Duty": f"{duty.case.ref}/{duty.key}",
                 "X-Crisisdesk-Letter-SHA256": letter.sha256},
    )
    error = ""
    try:
        mailer.send(message, cfg)
    except mailer.SendFailed as exc:
        error = str(exc) or "the server refused the message"
    with transaction.atomic():
        duty = Duty.objects.select_for_update().get(pk=duty.pk)
        duty.claimed_at = None
        duty.attempts = number
        Attempt.objects.create(duty=duty, letter=letter, number=number, at=now, by=actor, channel="smtp",
                               outcome="failed" if error else "sent", error=error, message_id=message_id,
                               recipients=recipients, resend=resend)
        if error:
            duty.last_error = error
            duty.next_attempt_at = now + min(timedelta(minutes=2 ** min(number - 1, 6)), timedelta(hours=1))
            ledger.record(EventType.NOTICE_FAILED, actor=actor, case=duty.case, subject=f"duty:{duty.pk}",
                          data={"duty": duty.key, "to": duty.recipient, "attempt": number, "error": error,
                                "retry_at": duty.next_attempt_at})
        else:
            first = duty.sent_at is None
            if first:
                duty.sent_at = now
            if duty.status != Duty.Status.ACKNOWLEDGED:
                duty.status = Duty.Status.SENT
            duty.delivery, duty.sent_to, duty.message_id = "smtp", recipients, message_id
            duty.last_error, duty.next_attempt_at = "", None
            ledger.record(_sent_event(duty), actor=actor, case=duty.case, subject=f"duty:{duty.pk}",
                          data={"duty": duty.key, "to": duty.recipient, "via": duty.via, "basis": duty.duty,
                                "channel": "smtp", "recipients": recipients, "message_id": message_id,
                                "sha256": letter.sha256, "attempt": number, "resend": resend,
                                "due": duty.due_at, "late": now > duty.due_at})
        duty.save()
    return duty


def delivery_record(*, duty: Duty, user, channel: str = "operator", note: str = "", at: datetime | None = None,
                    data: dict | None = None) -> Duty:
    """Record a delivery made outside the SMTP path (courier, fax, by hand): 'recorded by operator'."""
    access.require_role(user, *WRITERS)
    if not note.strip():
        raise DomainError("say how the letter was delivered (note)", code="invalid")
    when = at or clock.now()
    with transaction.atomic():
        duty = Duty.objects.select_for_update().select_related("case").get(pk=duty.pk)
        if duty.status in (Duty.Status.SENT, Duty.Status.ACKNOWLEDGED):
            raise Conflict(f"the letter was already sent at {duty.sent_at:%Y-%m-%d %H:%M} UTC", code="already_sent")
        if duty.status != Duty.Status.APPROVED:
            raise Conflict(f"the letter is {duty.status}; the signer must approve it first", code="not_approved")
        letter = duty.approved_letter
        number = duty.attempts + 1
        Attempt.objects.create(duty=duty, letter=letter, number=number, at=when, by=_actor(user), channel=channel,
                               outcome="sent", error="", recipients=[duty.recipient])
        duty.attempts, duty.status, duty.sent_at = number, Duty.Status.SENT, when
        duty.delivery, duty.delivery_note, duty.sent_to = "operator", note, [duty.recipient]
        duty.next_attempt_at, duty.last_error = None, ""
        duty.data = {**duty.data, **(data or {})}
        duty.save()
        ledger.record(_sent_event(duty), actor=_actor(user), case=duty.case, subject=f"duty:{duty.pk}", at=when,
                      data={"duty": duty.key, "to": duty.recipient, "via": duty.via, "basis": duty.duty,
                            "channel": channel, "recorded_by_operator": True, "note": note,
                            "sha256": letter.sha256, "due": duty.due_at, "late": when > duty.due_at,
                            **(data or {})})
    return duty


def ack_record(*, duty: Duty, user, note: str, at: datetime | None = None, data: dict | None = None) -> Duty:
    """Record the recipient's acknowledgement (entered by an operator)."""
    access.require_role(user, *WRITERS)
    if not note.strip():
        raise DomainError("an acknowledgement needs a note (who acknowledged, how)", code="invalid")
    when = at or clock.now()
    with transaction.atomic():
        duty = Duty.objects.select_for_update().select_related("case").get(pk=duty.pk)
        if duty.status == Duty.Status.ACKNOWLEDGED:
            raise Conflict("the letter is already acknowledged", code="already_acknowledged")
        if duty.status != Duty.Status.SENT:
            raise Conflict("a letter is acknowledged after it is sent", code="not_sent")
        if when < duty.sent_at:
            raise DomainError("the acknowledgement cannot precede the sending", code="invalid")
        duty.status, duty.acknowledged_at = Duty.Status.ACKNOWLEDGED, when
        duty.acknowledged_by, duty.ack_note = _actor(user), note
        duty.data = {**duty.data, "ack": data or {}}
        duty.save()
        ledger.record(EventType.NOTICE_ACKNOWLEDGED, actor=_actor(user), case=duty.case, subject=f"duty:{duty.pk}",
                      at=when, data={"duty": duty.key, "to": duty.recipient, "note": note, **(data or {})})
    return duty


def duties_escalate() -> list[Duty]:
    """Escalate every unsent duty past its deadline, once; the register shows the alarm."""
    now = clock.now()
    escalated = []
    for duty in Duty.objects.filter(status__in=Duty.OPEN, due_at__lt=now, escalated_at=None).select_related("case"):
        with transaction.atomic():
            locked = Duty.objects.select_for_update().get(pk=duty.pk)
            if locked.escalated_at is not None or locked.status not in Duty.OPEN:
                continue
            locked.escalated_at = now
            locked.save(update_fields=["escalated_at"])
            ledger.record(EventType.NOTICE_ESCALATED, actor=SYSTEM, case=duty.case, subject=f"duty:{duty.pk}",
                          data={"duty": duty.key, "to": duty.recipient, "escalated_to": duty.escalate_to,
                                "due": duty.due_at, "status": duty.status,
                                "overdue_minutes": int((now - duty.due_at).total_seconds() // 60)})
            escalated.append(locked)
    return escalated


def duties_send_due() -> list[Duty]:
    """Send approved letters whose (re)try time has come; for the worker."""
    if not mailer.config().enabled:
        return []
    done = []
    now = clock.now()
    for duty in Duty.objects.filter(status=Duty.Status.APPROVED, next_attempt_at__lte=now):
        try:
            done.append(letter_dispatch(duty=duty))
        except DomainError as exc:
            log.warning("duty %s not sent: %s", duty.pk, exc.detail)
    return done


# --- Statements -----------------------------------------------------------------------------

CAP_DEFAULTS = {"category": "Security", "urgency": "Unknown", "severity": "Unknown", "certainty": "Observed"}
CAP_CHOICES = {
    "category": ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra",
                 "CBRNE", "Other"),
    "urgency": ("Immediate", "Expected", "Future", "Past", "Unknown"),
    "severity": ("Extreme", "Severe", "Moderate", "Minor", "Unknown"),
    "certainty": ("Observed", "Likely", "Possible", "Unlikely", "Unknown"),
    "responseType": ("Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"),
}


def required_languages(case: Case) -> list[str]:
    host = case.charter.parsed().raw.get("host_languages", {}).get(case.host.code)
    return ["ru", "en"] + ([host] if host and host not in ("ru", "en") else [])


def _clean_texts(texts: dict) -> dict:
    if not isinstance(texts, dict) or not texts:
        raise DomainError("texts must map languages to {headline, body}", code="invalid")
    clean = {}
    for lang, text in texts.items():
        if not re.fullmatch(r"[a-z]{2,3}", str(lang)):
            raise DomainError(f"{lang!r} is not a language code", code="invalid")
        if not isinstance(text, dict):
            raise DomainError(f"texts.{lang} must be {{headline, body}}", code="invalid")
        headline, body = str(text.get("headline", "")).strip(), str(text.get("body", "")).strip()
        if not headline or not body:
            raise DomainError(f"texts.{lang} needs a headline and a body", code="invalid")
        clean[lang] = {"headline": headline[:300], "body": body[:20000]}
    return clean


def _clean_cap(cap: dict | None) -> dict:
    out = dict(CAP_DEFAULTS)
    for key, value in (cap or {}).items():
        if key in CAP_CHOICES and key != "responseType":
            if value not in CAP_CHOICES[key]:
                raise DomainError(f"cap.{key} must be one of {', '.join(CAP_CHOICES[key])}", code="invalid")
            out[key] = value
        elif key == "responseType":
            if value not in CAP_CHOICES[key]:
                raise DomainError(f"cap.responseType must be one of {', '.join(CAP_CHOICES[key])}", code="invalid")
            out[key] = value
        elif key in ("area", "instruction", "event", "web"):
            out[key] = str(value)[:2000]
        else:
            raise DomainError(f"unknown cap field {key!r}", code="invalid")
    return out


def _clean_sources(sources) -> list:
    out = []
    for s in sources or []:
        if not isinstance(s, dict) or not str(s.get("url", "")).startswith(("http://", "https://")):
            raise DomainError("each source is {key, url} with an http(s) url", code="invalid")
        out.append({"key": str(s.get("key", ""))[:40], "url": str(s["url"])[:500]})
    return out


def statement_draft(*, case: Case, user, about: str, texts: dict, kind: str = "statement",
                    sources: list | None = None, cap: dict | None = None, on_behalf_of: str = "secretariat",
                    data: dict | None = None) -> Statement:
    """Draft a public statement (or alert) about a case, in Russian, English and the host's language."""
    access.require_role(user, *WRITERS)
    if about not in Statement.ABOUT:
        raise DomainError(f"about must be one of {', '.join(Statement.ABOUT)}", code="invalid")
    if kind not in ("statement", "alert"):
        raise DomainError("kind is statement or alert", code="invalid")
    clean = _clean_texts(texts)
    with transaction.atomic():
        statement = Statement.objects.create(
            case=case, kind=kind, about=about, texts=clean, required_languages=required_languages(case),
            sources=_clean_sources(sources), on_behalf_of=on_behalf_of[:80], cap=_clean_cap(cap),
            drafted_at=clock.now(), drafted_by=_actor(user), data=data or {},
        )
        ledger.record(EventType.STATEMENT_DRAFTED, actor=_actor(user), case=case, subject=f"statement:{statement.pk}",
                      data={"about": about, "kind": kind, "languages": sorted(clean), **(data or {})})
    return statement


def statement_edit(*, statement: Statement, user, texts: dict | None = None, sources: list | None = None,
                   cap: dict | None = None) -> Statement:
    """Change a draft; an edit after review sends it back to review."""
    access.require_role(user, *WRITERS)
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        if statement.status == Statement.Status.PUBLISHED:
            raise Conflict("a published statement is not edited; publish a new one")
        if texts is not None:
            statement.texts = {**statement.texts, **_clean_texts(texts)}
        if sources is not None:
            statement.sources = _clean_sources(sources)
        if cap is not None:
            statement.cap = _clean_cap({**statement.cap, **cap})
        statement.status = Statement.Status.DRAFT
        statement.approvals.all().delete()
        statement.save()
        ledger.record(EventType.STATEMENT_DRAFTED, actor=_actor(user), case=statement.case,
                      subject=f"statement:{statement.pk}", data={"edit": True, "languages": sorted(statement.texts)})
    return statement


def _missing_languages(statement: Statement) -> list[str]:
    return [lang for lang in statement.required_languages if lang not in statement.texts]


def statement_review(*, statement: Statement, user, note: str = "") -> Statement:
    """First step of the chain: a Centre or Secretariat officer other than the drafter reviews."""
    access.require_role(user, *WRITERS)
    with transaction.atomic():
        statement = Statement.objects.select_for_update().select_related("case").get(pk=statement.pk)
        if statement.status != Statement.Status.DRAFT:
            raise Conflict(f"the statement is {statement.status}, not a draft")
        if _actor(user) == statement.drafted_by:
            raise Forbidden("the drafter does not review their own statement")
        missing = _missing_languages(statement)
        if missing:
            raise DomainError(f"the statement lacks the language(s) {', '.join(missing)}", code="missing_language",
                              status=409)
        post = next((p.code for p in access.posts_of(user) if p.role in WRITERS), "")
        StatementApproval.objects.create(statement=statement, step="review", by=_actor(user), post=post,
                                         at=clock.now(), note=note)
        statement.status = Statement.Status.REVIEWED
        statement.save(update_fields=["status"])
        ledger.record(EventType.STATEMENT_APPROVED, actor=_actor(user), case=statement.case,
                      subject=f"statement:{statement.pk}", data={"step": "review", "post": post})
    return statement


def statement_approve(*, statement: Statement, user, note: str = "") -> Statement:
    """Second step: the Secretary General approves, and may not be the reviewer."""
    with transaction.atomic():
        statement = Statement.objects.select_for_update().select_related("case").get(pk=statement.pk)
        if not _holds(user, "secretary_general"):
            raise Forbidden("the Secretary General approves public statements")
        if statement.status != Statement.Status.REVIEWED:
            raise Conflict(f"the statement is {statement.status}; it must be reviewed first")
        if statement.approvals.filter(by=_actor(user)).exists():
            raise Forbidden("the reviewer does not also approve")
        StatementApproval.objects.create(statement=statement, step="approve", by=_actor(user),
                                         post="secretary_general", at=clock.now(), note=note)
        statement.status = Statement.Status.APPROVED
        statement.save(update_fields=["status"])
        ledger.record(EventType.STATEMENT_APPROVED, actor=_actor(user), case=statement.case,
                      subject=f"statement:{statement.pk}", data={"step": "approve", "post": "secretary_general"})
    return statement


def statement_publish(*, statement: Statement, user, at: datetime | None = None,
                      data: dict | None = None) -> Statement:
    """Publish an approved statement to the public page and the feed."""
    access.require_role(user, *WRITERS)
    with transaction.atomic():
        statement = Statement.objects.select_for_update().select_related("case").get(pk=statement.pk)
        if statement.status == Statement.Status.PUBLISHED:
            return statement
        if statement.status != Statement.Status.APPROVED:
            raise Conflict(f"the statement is {statement.status}; it must be approved first")
        statement.status = Statement.Status.PUBLISHED
        statement.published_at, statement.published_by = at or clock.now(), _actor(user)
        statement.data = {**statement.data, **(data or {})}
        statement.save()
        ledger.record(EventType.STATEMENT_PUBLISHED, actor=_actor(user), case=statement.case,
                      subject=f"statement:{statement.pk}", at=statement.published_at,
                      data={"about": statement.about, "kind": statement.kind, "uid": str(statement.uid),
                            "headline_en": statement.text("en").get("headline", ""),
                            "sources": [s["key"] for s in statement.sources], **(data or {})})
    return statement


# --- Lessons --------------------------------------------------------------------------------


def _lesson_fields(fields: dict) -> dict:
    out = {}
    for key in ("observation", "lesson", "action", "owner"):
        if key in fields and fields[key] is not None:
            out[key] = str(fields[key]).strip()[:5000 if key != "owner" else 200]
    if "status" in fields and fields["status"] is not None:
        if fields["status"] not in Lesson.STATUSES:
            raise DomainError(f"status must be one of {', '.join(Lesson.STATUSES)}", code="invalid")
        out["status"] = fields["status"]
    if "due" in fields:
        due = fields["due"]
        if isinstance(due, str):
            try:
                due = date.fromisoformat(due)
            except ValueError:
                raise DomainError("due is a date YYYY-MM-DD", code="invalid") from None
        out["due"] = due
    if "sources" in fields and fields["sources"] is not None:
        out["sources"] = [str(s)[:200] for s in fields["sources"]]
    return out


def lesson_add(*, case: Case, user, observation: str, **fields) -> Lesson:
    """Anyone who may see the case records an observation; staff and the author carry it on."""
    access.require_post(user)
    if not observation.strip():
        raise DomainError("a lesson starts with an observation", code="invalid")
    clean = _lesson_fields(fields)
    now = clock.now()
    with transaction.atomic():
        last = Lesson.objects.filter(case=case).order_by("-number").first()
        lesson = Lesson.objects.create(case=case, number=(last.number + 1) if last else 1,
                                       observation=observation.strip()[:5000], created_at=now,
                                       created_by=_actor(user), updated_at=now, updated_by=_actor(user), **clean)
        ledger.record(EventType.LESSON_RECORDED, actor=_actor(user), case=case, subject=f"lesson:{lesson.pk}",
                      data={"number": lesson.number, "observation": lesson.observation[:200],
                            "status": lesson.status})
    return lesson


def lesson_update(*, lesson: Lesson, user, **fields) -> Lesson:
    if not (access.is_staff_role(user) or lesson.created_by == _actor(user)):
        raise Forbidden("only the author or the Centre's staff change this lesson")
    clean = _lesson_fields(fields)
    if "observation" in clean and not clean["observation"]:
        raise DomainError("the observation cannot be empty", code="invalid")
    with transaction.atomic():
        lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
        for key, value in clean.items():
            setattr(lesson, key, value)
        lesson.updated_at, lesson.updated_by = clock.now(), _actor(user)
        lesson.save()
        ledger.record(EventType.LESSON_UPDATED, actor=_actor(user), case=lesson.case, subject=f"lesson:{lesson.pk}",
                      data={"number": lesson.number, "changed": sorted(clean), "status": lesson.status})
    return lesson
