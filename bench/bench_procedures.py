"""The procedure engine's simulation rate: 10,000 decisions across modes and outcomes."""

import random
import time
from datetime import datetime, timedelta, timezone

from crisisdesk.engines.procedures import load_charter, run

MEMBERS = ["AM", "BY", "KG", "KZ", "RU", "TJ"]
POSITIONS = ["agree", "agree", "agree", "agree", "object", "abstain", "non_participation"]


def scenarios(count: int, seed: int = 7):
    rng = random.Random(seed)
    t0 = datetime(2022, 1, 6, 0, 10, tzinfo=timezone(timedelta(hours=6)))
    for _ in range(count):
        mode = rng.choice(["written", "session", "silence"])
        events = [{"at": t0.isoformat(), "type": "circulate", "deadline": (t0 + timedelta(hours=6)).isoformat()}]
        minute = 1
        for member in rng.sample(MEMBERS, rng.randint(0, len(MEMBERS))):
            if rng.random() < 0.05:
                events.append({"at": (t0 + timedelta(minutes=minute)).isoformat(), "type": "amend"})
                minute += 1
            events.append({"at": (t0 + timedelta(minutes=minute)).isoformat(), "type": "position",
                           "member": member, "position": rng.choice(POSITIONS), "reason": "r"})
            minute += rng.randint(1, 30)
        yield {"procedure": "council-decision", "mode": mode, "members_as_of": t0.isoformat(), "events": events}


def main() -> None:
    charter = load_charter("csto")
    batch = list(scenarios(10_000))
    outcomes: dict[str, int] = {}
    started = time.perf_counter()
    for scenario in batch:
        outcome = run(scenario, charter)["outcome"]
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    elapsed = time.perf_counter() - started
    print(f"{'decisions simulated':<28} {len(batch):>10,}")
    print(f"{'elapsed':<28} {elapsed:>10.2f} s")
    print(f"{'rate':<28} {len(batch) / elapsed:>10,.0f} decisions/s (one core)")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {outcome:<26} {count:>10,}")


if __name__ == "__main__":
    main()
