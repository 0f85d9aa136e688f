"""Tempo figures of a case, derived from its ledger events (never stored separately)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from crisisdesk.events import EventType
from crisisdesk.ledger.models import Event


@dataclass(frozen=True)
class Tempo:
    label: str
    start: datetime | None
    end: datetime | None

    @property
    def duration(self) -> timedelta | None:
        if self.start is None or self.end is None:
            return None
        return self.end - self.start


def _first(events, type_, **match) -> datetime | None:
    for e in events:
        if e.type == type_ and all(e.data.get(k) == v for k, v in match.items()):
            return e.at
    return None


def case_tempo(case_ref: str) -> list[Tempo]:
    """Return appeal → decision, decision → force formed, → first landing, → full deployment, → withdrawal."""
    events = list(Event.objects.filter(case_ref=case_ref).order_by("at", "seq"))
    appeal = _first(events, EventType.APPEAL_RECEIVED)
    decision = _first(events, EventType.OUTCOME_ADOPTED, purpose="deployment")
    return [
        Tempo("appeal → decision", appeal, decision),
        Tempo("decision → force formed", decision, _first(events, EventType.FORCE_FORMED)),
        Tempo("decision → first landing", decision, _first(events, EventType.SORTIE_LANDED)),
        Tempo("decision → full deployment", decision, _first(events, EventType.DEPLOYMENT_COMPLETED)),
        Tempo("decision → withdrawal complete", decision, _first(events, EventType.WITHDRAWAL_COMPLETED)),
    ]


def humanize(delta: timedelta | None) -> str:
    if delta is None:
        return "—"
    from django.utils.translation import gettext

    hours = delta.total_seconds() / 3600
    if hours < 48:
        return gettext("%(hours).1f h") % {"hours": hours}
    return gettext("%(days).1f d (%(hours).0f h)") % {"days": hours / 24, "hours": hours}
