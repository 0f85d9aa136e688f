"""The procedure engine: charters, decision rules, modes and deadlines, without Django."""

from crisisdesk.engines.procedures.charter import Charter, CharterError, parse_charter
from crisisdesk.engines.procedures.decision import Decision, RuleBreak
from crisisdesk.engines.procedures.simulate import ScenarioError, load_charter, run, run_file

__all__ = ["Charter", "CharterError", "Decision", "RuleBreak", "ScenarioError", "load_charter",
           "parse_charter", "run", "run_file"]
