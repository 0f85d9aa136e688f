from datetime import datetime
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from crisisdesk.accounts import access
from crisisdesk.decisions import actions
from crisisdesk.decisions.engine import engine_state
from crisisdesk.decisions.models import Decision
from crisisdesk.organization.models import Post

router = Router(tags=["decisions"])


class PositionOut(Schema):
    member: str
    position: str
    reason: str
    signed_at: datetime
    signed_by: str
    version: int


class DecisionOut(Schema):
    id: int
    case: str
    procedure: str
    purpose: str
    mode: str
    text: str
    text_sha256: str
    version: int
    circulated_at: datetime
    deadline: datetime
    outcome: str | None
    decided_at: datetime | None
    required: list[str]
    due: list[str]
    non_participating: list[str]
    positions: list[PositionOut]

    @staticmethod
    def build(decision: Decision) -> "DecisionOut":
        state = engine_state(decision)
        text = decision.current_text
        return DecisionOut(
            id=decision.pk, case=decision.case.ref, procedure=decision.procedure, purpose=decision.purpose,
            mode=decision.mode, text=text.body, text_sha256=text.sha256, version=text.version,
            circulated_at=text.circulated_at, deadline=text.deadline,
            outcome=decision.outcome or state.outcome, decided_at=decision.decided_at or state.decided_at,
            required=sorted(state.required), due=state.due() if not (decision.outcome or state.outcome) else [],
            non_participating=sorted(state.non_participating),
            positions=[
                PositionOut(member=p.member, position=p.position, reason=p.reason, signed_at=p.signed_at,
                            signed_by=p.signed_by, version=p.text.version)
                for p in decision.positions.select_related("text").order_by("signed_at", "pk")
            ],
        )


class CirculateIn(Schema):
    procedure: str = Field(min_length=1, max_length=60)
    purpose: Literal["deployment", "force", "completion", "withdrawal", "other"]
    mode: Literal["session", "written", "silence"] | None = None
    text: str | None = Field(default=None, max_length=200000)
    facts: dict[str, str] = Field(default_factory=dict)
    deadline: datetime | None = None


class AmendIn(Schema):
    text: str = Field(min_length=1, max_length=200000)
    deadline: datetime | None = None


class PositionIn(Schema):
    member: str = Field(min_length=2, max_length=2)
    position: Literal["agree", "object", "abstain", "non_participation"]
    reason: str = Field(default="", max_length=10000)
    text_sha256: str = Field(min_length=64, max_length=64)
    signature: str = Field(min_length=1, max_length=200)


class KeyIn(Schema):
    post: str = Field(min_length=1, max_length=80)
    public_key: str = Field(min_length=1, max_length=100)


class KeyOut(Schema):
    post: str
    fingerprint: str
    public_key: str


class ConsultIn(Schema):
    note: str = Field(default="", max_length=5000)


@router.get("/cases/{ref}/decisions", response=list[DecisionOut])
def list_decisions(request, ref: str):
    case = access.access_case(request.auth, ref)
    return [DecisionOut.build(d) for d in case.decisions.order_by("pk")]


@router.post("/cases/{ref}/consultations", response=dict)
def open_consultations(request, ref: str, payload: ConsultIn):
    case = access.access_case(request.auth, ref)
    case = actions.consultation_open(case=case, user=request.auth, note=payload.note)
    return {"case": case.ref, "status": case.status}


@router.post("/cases/{ref}/decisions", response={201: DecisionOut})
def circulate(request, ref: str, payload: CirculateIn):
    case = access.access_case(request.auth, ref)
    decision = actions.decision_circulate(case=case, user=request.auth, **payload.dict())
    return Status(201, DecisionOut.build(decision))


@router.get("/decisions/{decision_id}", response=DecisionOut)
def get_decision(request, decision_id: int):
    return DecisionOut.build(access.access_decision(request.auth, decision_id))


@router.post("/decisions/{decision_id}/amend", response=DecisionOut)
def amend(request, decision_id: int, payload: AmendIn):
    decision = access.access_decision(request.auth, decision_id)
    actions.decision_amend(decision=decision, user=request.auth, text=payload.text, deadline=payload.deadline)
    return DecisionOut.build(Decision.objects.get(pk=decision.pk))


@router.post("/decisions/{decision_id}/positions", response={201: DecisionOut})
def sign_position(request, decision_id: int, payload: PositionIn):
    decision = access.access_decision(request.auth, decision_id)
    actions.position_sign(decision=decision, user=request.auth, **payload.dict())
    return Status(201, DecisionOut.build(Decision.objects.get(pk=decision.pk)))


@router.post("/keys", response={201: KeyOut})
def register_key(request, payload: KeyIn):
    """Register the public half of a key for one of your own posts."""
    from crisisdesk.organization.actions import key_register
    from crisisdesk.errors import Forbidden

    post = next((p for p in access.posts_of(request.auth) if p.code == payload.post), None)
    if post is None:
        raise Forbidden(f"you do not hold the post {payload.post!r}")
    key = key_register(post=Post.objects.get(pk=post.pk), public_key_b64=payload.public_key,
                       actor=request.auth.username)
    return Status(201, KeyOut(post=post.code, fingerprint=key.fingerprint, public_key=key.public_key))
