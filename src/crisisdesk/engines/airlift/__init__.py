"""The airlift engine: model, lower bounds, CP-SAT load building, scheduler and plan checker.

Django-free: plain dataclasses and dicts in and out.
"""

from .bounds import Bounds, compute_bounds
from .checker import check_plan
from .model import Infeasible, InvalidInput, Problem, parse_problem
from .planner import Result, greedy, plan, plan_json

__all__ = [
    "Bounds",
    "Infeasible",
    "InvalidInput",
    "Problem",
    "Result",
    "check_plan",
    "compute_bounds",
    "greedy",
    "parse_problem",
    "plan",
    "plan_json",
]
