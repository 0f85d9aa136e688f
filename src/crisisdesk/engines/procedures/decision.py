"""One decision run by its procedure: circulation, positions, amendments and the outcome.

The same object judges a scenario in `simulate` and a live decision on the server, so the two
can never disagree.
"""

from dataclasses import dataclass, field
from datetime import datetime

from crisisdesk.engines.procedures.charter import Charter, Procedure
from crisisdesk.engines.procedures.rules import MODES, POSITIONS


class RuleBreak(ValueError):
    """An event that the procedure does not allow (a non-member votes, a late position, ...)."""


@dataclass
class Decision:
    charter: Charter
    procedure: Procedure
    mode: str
    members_as_of: datetime
    required: frozenset[str] = frozenset()
    circulated_at: datetime | None = None
    deadline: datetime | None = None
    text_version: int = 0
    positions: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    non_participating: set[str] = field(default_factory=set)
    outside_objections: set[str] = field(default_factory=set)
    outcome: str | None = None
    decided_at: datetime | None = None
    last_at: datetime | None = None

    def __post_init__(self):
        if self.mode not in MODES:
            raise RuleBreak(f"unknown mode {self.mode!r}; use one of {', '.join(MODES)}")
        if self.mode not in self.procedure.modes:
            raise RuleBreak(f"procedure {self.procedure.id} does not allow the {self.mode} mode")
        self.required = self.charter.required_members(self.members_as_of, self.procedure)
        self._base_required = self.required

    # --- events ---------------------------------------------------------------------------

    def _tick(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise RuleBreak(f"{at.isoformat()} has no time zone")
        if self.last_at is not None and at < self.last_at:
            raise RuleBreak(f"time goes backwards: {at.isoformat()} is before {self.last_at.isoformat()}")
        self.last_at = at

    def circulate(self, at: datetime, deadline: datetime | None = None) -> None:
        self._tick(at)
        if self.circulated_at is not None:
            raise RuleBreak("the text is already circulated; amend it instead")
        self._start(at, deadline)

    def amend(self, at: datetime, deadline: datetime | None = None) -> None:
        """Replace the circulated text: earlier positions lapse and the clock restarts."""
        self._tick(at)
        if self.circulated_at is None:
            raise RuleBreak("nothing is circulated yet, so nothing can be amended")
        # An objection (or broken silence) may be answered by an amended text, which starts a new
        # round; a decision already adopted or lapsed at its deadline cannot be amended.
        if self.outcome in ("adopted", "lapsed"):
            raise RuleBreak(f"the decision is already {self.outcome}")
        if self.outcome is None:
            self._close_if_due(at)
            if self.outcome is not None:
                raise RuleBreak(f"the deadline passed before the amendment; the decision {self.outcome}")
        self.outcome = None
        self.decided_at = None
        period = self.deadline - self.circulated_at
        self._start(at, deadline or at + period)

    def _start(self, at: datetime, deadline: datetime | None) -> None:
        due = deadline or self.procedure.deadline.due(at, self.charter.immediately)
        if due <= at:
            raise RuleBreak(f"the deadline {due.isoformat()} is not after the circulation at {at.isoformat()}")
        self.circulated_at = at
        self.deadline = due
        self.text_version += 1
        self.positions.clear()
        self.reasons.clear()
        self.non_participating.clear()
        self.outside_objections.clear()
        self.required = self._base_required

    def check_position(self, at: datetime, member: str, position: str) -> None:
        """Raise RuleBreak if this position may not be taken now; change nothing."""
        if position not in POSITIONS:
            raise RuleBreak(f"unknown position {position!r}; use one of {', '.join(POSITIONS)}")
        if member not in self.charter.members:
            raise RuleBreak(f"{member} is not a member of {self.charter.name}")
        status = self.charter.members[member].status_on(self.members_as_of)
        if status in (None, "suspended", "observer"):
            raise RuleBreak(f"{member} is {status or 'not yet a member'} and cannot take a position")
        if member in self.procedure.rule.excluded:
            raise RuleBreak(f"{member} is excluded from voting on this procedure")
        if self.circulated_at is None:
            raise RuleBreak("no text has been circulated yet")
        if self.last_at is not None and at < self.last_at:
            raise RuleBreak(f"time goes backwards: {at.isoformat()} is before {self.last_at.isoformat()}")
        if at > self.deadline:
            raise RuleBreak(f"the deadline {self.deadline.isoformat()} has passed")

    def position(self, at: datetime, member: str, position: str, reason: str = "") -> None:
        self.check_position(at, member, position)
        self._tick(at)
        if self.outcome is not None:
            # The decision was taken on the positions before it; a later one changes nothing and
            # is not counted (the server refuses it outright). An amendment opens a new round.
            return
        if member not in self._base_required:
            # A frozen member is not counted, but may still formally object.
            if position == "object":
                self.outside_objections.add(member)
            self.positions[member] = position
            self.reasons[member] = reason
        else:
            self.positions[member] = position
            self.reasons[member] = reason
            if position == "non_participation":
                self.non_participating.add(member)
            else:
                self.non_participating.discard(member)
            self.required = self._base_required - self.non_participating
        if self.outcome is None:
            self._judge(at, final=False)

    def close(self, at: datetime | None = None) -> None:
        """Run the clock to `at` (default: the deadline) and settle the outcome if it is due."""
        if self.circulated_at is None or self.outcome is not None:
            return
        self._close_if_due(at or self.deadline)

    def _close_if_due(self, at: datetime) -> None:
        if self.outcome is None and at >= self.deadline:
            self._judge(self.deadline, final=True)

    # --- judging --------------------------------------------------------------------------

    def _judge(self, at: datetime, *, final: bool) -> None:
        counted = {m: p for m, p in self.positions.items() if m in self.required}
        blocking = self.outside_objections and self.procedure.rule.kind == "consensus"
        if self.mode == "silence":
            if any(p == "object" for p in counted.values()) or blocking:
                self._decide("silence_broken", at)
            elif final:
                self._decide("adopted", at)
            return
        if blocking:
            self._decide("rejected", at)
            return
        if self.mode == "written":
            # Every required member must answer; silence is not consent.
            if any(p == "object" for p in counted.values()):
                verdict = self.procedure.rule.judge(self.required, counted, final=False)
                if verdict == "rejected":
                    self._decide("rejected", at)
                    return
            if len(counted) < len(self.required):
                if final:
                    self._decide("lapsed", at)
                return
            verdict = self.procedure.rule.judge(self.required, counted, final=True)
            self._decide(verdict or "lapsed", at)
            return
        verdict = self.procedure.rule.judge(self.required, counted, final=final)
        if verdict is not None:
            self._decide(verdict, at)
        elif final:
            self._decide("lapsed", at)

    def _decide(self, outcome: str, at: datetime) -> None:
        self.outcome = outcome
        self.decided_at = at

    # --- reading --------------------------------------------------------------------------

    def due(self) -> list[str]:
        """Return the required members who have not answered yet."""
        return sorted(m for m in self.required if m not in self.positions)

    def summary(self) -> dict:
        return {
            "outcome": self.outcome,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "required": sorted(self.required),
            "positions": dict(sorted(self.positions.items())),
            "non_participating": sorted(self.non_participating),
            "due": self.due() if self.outcome is None else [],
            "mode": self.mode,
            "procedure": self.procedure.id,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "text_version": self.text_version,
        }
