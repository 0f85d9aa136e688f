"""The bridge from stored decisions to the procedure engine, so both judge the same way."""

from crisisdesk import clock
from crisisdesk.decisions.models import Decision
from crisisdesk.engines.procedures import Decision as EngineDecision


def engine_state(decision: Decision, *, until=None) -> EngineDecision:
    """Rebuild the engine's view of a decision from its texts and positions."""
    charter = decision.case.charter.parsed()
    state = EngineDecision(charter, charter.procedures[decision.procedure], decision.mode, decision.members_as_of)
    texts = list(decision.texts.order_by("version"))
    positions = list(decision.positions.select_related("text").order_by("signed_at", "pk"))
    for text in texts:
        if text.version == 1:
            state.circulate(text.circulated_at, text.deadline)
        else:
            state.amend(text.circulated_at, text.deadline)
        for p in positions:
            if p.text_id == text.pk:
                state.position(p.signed_at, p.member, p.position, p.reason)
    moment = until or clock.now()
    if state.deadline is not None and moment >= state.deadline:
        state.close(moment)
    return state
