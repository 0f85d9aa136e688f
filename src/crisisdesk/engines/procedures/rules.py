"""Decision rules as reusable objects: who must answer, and whether the answers carry."""

from dataclasses import dataclass, field
from fractions import Fraction

POSITIONS = ("agree", "object", "abstain", "non_participation")
OUTCOMES = ("adopted", "rejected", "silence_broken", "lapsed")
MODES = ("session", "written", "silence")
RULE_KINDS = ("consensus", "unanimity", "majority", "qualified_majority")
BASES = ("members", "present", "present_and_voting")


@dataclass(frozen=True)
class Rule:
    """How a set of positions is judged.

    consensus: no formal objection among the participating members.
    unanimity: every required member explicitly agrees.
    majority / qualified_majority: agreements reach `threshold` of the `base`.
    """

    kind: str = "consensus"
    threshold: Fraction = Fraction(1, 2)
    base: str = "members"
    quorum: Fraction | None = None
    veto: frozenset[str] = field(default_factory=frozenset)
    excluded: frozenset[str] = field(default_factory=frozenset)

    def quorum_met(self, required: frozenset[str], positions: dict[str, str]) -> bool:
        if self.quorum is None:
            return True
        present = sum(1 for m in required if m in positions)
        return Fraction(present, max(len(required), 1)) >= self.quorum

    def judge(self, required: frozenset[str], positions: dict[str, str], *, final: bool) -> str | None:
        """Return "adopted", "rejected" or None while the answer is still open.

        `positions` maps member → position for members who answered; `final` means nobody
        else can answer any more (the deadline passed or the session closed).
        """
        answered = {m: p for m, p in positions.items() if m in required}
        objections = {m for m, p in answered.items() if p == "object"}
        if any(m in self.veto for m in objections):
            return "rejected"
        all_answered = len(answered) == len(required)
        if self.kind == "consensus":
            if objections:
                return "rejected"
            if not all_answered and not final:
                return None
            if not self.quorum_met(required, positions):
                return None
            # Consensus needs at least one agreement: a text nobody supports is not adopted.
            return "adopted" if any(p == "agree" for p in answered.values()) else "rejected"
        if self.kind == "unanimity":
            if any(p in ("object", "abstain") for p in answered.values()):
                return "rejected"
            if not all_answered:
                return None
            return "adopted"
        # Majorities are judged once everyone has answered or the time is up.
        if not (all_answered or final):
            return None
        if not self.quorum_met(required, positions):
            return None
        agree = sum(1 for p in answered.values() if p == "agree")
        if self.base == "members":
            base = len(required)
        elif self.base == "present":
            base = len(answered)
        else:
            base = sum(1 for p in answered.values() if p in ("agree", "object"))
        share = Fraction(agree, base) if base else Fraction(0)
        passed = share >= self.threshold if self.kind == "qualified_majority" else share > self.threshold
        return "adopted" if passed else "rejected"
