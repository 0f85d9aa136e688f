"""Airlift planner versus the first-fit-decreasing greedy on the issue 4 instance families.

Run: `python bench/bench_airlift.py` (about two minutes). Every plan is checked; a row whose plan
fails the checker says so. Gaps are (value - bound) / bound. The last column names the makespan
bound's binding part (see `bounds.compute_bounds`).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from crisisdesk.engines.airlift import check_plan, compute_bounds, greedy, parse_problem, plan, plan_json  # noqa: E402
from crisisdesk.engines.airlift.instances import kazakhstan_2022, random_instance, scaled  # noqa: E402

RANDOM_SEEDS = range(12)


def row(name, problem, time_limit):
    bounds = compute_bounds(problem)
    out = []
    for label, run in (("planner", lambda: plan(problem, time_limit=time_limit)), ("greedy", lambda: greedy(problem, bounds=bounds))):
        start = time.monotonic()
        result = run()
        elapsed = time.monotonic() - start
        doc = plan_json(result)
        valid = not check_plan(problem, doc)
        binding = max(bounds.makespan_parts, key=bounds.makespan_parts.get) if bounds.makespan_parts else "-"
        out.append((name, label, result.makespan_h, bounds.makespan_h, result.sorties, bounds.sorties, elapsed, valid,
                    result.proven_optimal, binding))
    return out


def gap(value, bound):
    return f"{100 * (value - bound) / bound:6.1f} %" if bound > 0 else "   n/a"


def main():
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    rows = []
    rows += row("2022", parse_problem(kazakhstan_2022()), 10)
    # The goal is under 60 s; a 50 s limit leaves room for a busy machine.
    rows += row("10x force, 3x fleet", parse_problem(scaled(kazakhstan_2022(), force=10, fleet=3)), 50)
    for seed in RANDOM_SEEDS:
        rows += row(f"random #{seed}", parse_problem(random_instance(seed, size="big")), 2)
    head = (f"{'instance':22} {'method':8} {'makespan h':>10} {'bound h':>8} {'gap':>8} {'sorties':>7} {'bound':>5} "
            f"{'gap':>8} {'time s':>7} {'valid':>5} {'optimal':>7}  binding makespan bound")
    print(head)
    print("-" * len(head))
    for name, label, mk, lbm, n, lbn, t, valid, opt, binding in rows:
        print(f"{name:22} {label:8} {mk:10.2f} {lbm:8.2f} {gap(mk, lbm):>8} {n:7d} {lbn:5d} {gap(n, lbn):>8} {t:7.2f} "
              f"{'yes' if valid else 'NO':>5} {'yes' if opt else 'no':>7}  {binding}")
    by = {(r[0], r[1]): r for r in rows}
    for name in ("2022", "10x force, 3x fleet"):
        p, g = by[(name, "planner")], by[(name, "greedy")]
        print(f"{name}: planner makespan / greedy makespan = {p[2] / g[2]:.3f}; "
              f"lowest possible ratio (bound / greedy) = {p[3] / g[2]:.3f}")
    if not all(r[7] for r in rows):
        print("SOME PLANS FAILED THE CHECKER")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
