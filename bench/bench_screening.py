"""Screening benchmark: quality on bench/screening/pairs.jsonl beside nomenklatura, and speed.

    python bench/bench_screening.py [--quick]

Quality: every query in the labelled set is screened against the index (the shipped demo
registry, plus the UN Security Council list's entities when ../shared/data has it; UN entries
that the demo registry already holds by UN reference are linked, not duplicated, as the
registry's import does). Figures:

- recall@1: share of positives whose top match, at or above the threshold, is the right entity;
- FP: negatives (look-alikes) flagged against the entity they resemble; also "any alert":
  negatives with any match at all;
- precision: correct top-1 hits / all alerts raised (wrong top-1 on positives count as false);
- F1 of that precision and recall@1.

nomenklatura's logic-v1 and logic-v2 score the same queries against every indexed entity (no
candidate index, so their recall is an upper bound for a yente deployment). They are optional:
without the `bench` extra the table says so and the rest still runs.

Speed: queries per second on one core, screening against the full UN list (entities and
individuals), when ../shared is present.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from crisisdesk.engines.screening import DEFAULT_THRESHOLD, Entity, Name, QueryError, ScreeningIndex  # noqa: E402
from crisisdesk.engines.screening.sources import parse_un_xml  # noqa: E402

PAIRS = ROOT / "bench" / "screening" / "pairs.jsonl"
DEMO = ROOT / "src" / "crisisdesk" / "registry" / "data" / "demo-registry.csv"
UN_XML = ROOT.parent / "shared" / "data" / "un-sc-consolidated.xml"
LIST_COLUMNS = (("aliases", "alias"), ("previous_names", "previous"), ("abbreviations", "abbreviation"),
                ("weak_aliases", "weak"))


def demo_entities() -> tuple[list[Entity], set[str]]:
    """The shipped demo registry, read without Django; also the UN references it holds."""
    entities: dict[str, Entity] = {}
    un_refs: set[str] = set()
    with DEMO.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["un_reference"]:
                un_refs.add(row["un_reference"])
            if row["org_id"] in entities:
                continue
            names = [Name(row["name"], "primary")]
            for col, nt in LIST_COLUMNS:
                names += [Name(v.strip(), nt) for v in row[col].split(" | ") if v.strip()]
            entities[row["org_id"]] = Entity(row["org_id"], row["name"], tuple(names))
    return list(entities.values()), un_refs


def un_entities(*, individuals: bool, skip: set[str]) -> list[Entity]:
    if not UN_XML.exists():
        return []
    _, records = parse_un_xml(UN_XML.read_bytes(), individuals=individuals)
    return [Entity(r.reference, r.caption, tuple(Name(n.value, n.name_type) for n in r.names), r.kind)
            for r in records if r.reference not in skip]


def load_pairs(indexed: set[str]) -> tuple[list[dict], int]:
    pairs, skipped = [], 0
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        p = json.loads(line)
        if p["right"]["id"] not in indexed:
            skipped += 1  # its target is on the UN list, and ../shared is absent
            continue
        pairs.append(p)
    return pairs, skipped


def evaluate(ranked: list[list[tuple[str, float]]], pairs: list[dict], threshold: float) -> dict:
    pos = neg = correct = wrong = fp = any_alert = 0
    misses: list[str] = []
    for p, matches in zip(pairs, ranked):
        hits = [(e, s) for e, s in matches if s >= threshold]
        query = p["left"]["properties"]["name"][0]
        if p["judgement"] == "positive":
            pos += 1
            if hits and hits[0][0] == p["right"]["id"]:
                correct += 1
            else:
                if hits:
                    wrong += 1
                misses.append(f"{p['kind']}: {query!r} -> {hits[0] if hits else 'no match'}")
        else:
            neg += 1
            any_alert += bool(hits)
            if any(e == p["right"]["id"] for e, _ in hits):
                fp += 1
                misses.append(f"FP: {query!r} -> {p['right']['id']}")
    recall = correct / pos if pos else 0.0
    alerts = correct + wrong + fp
    precision = correct / alerts if alerts else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": threshold, "recall@1": recall, "fp": fp, "fp_rate": fp / neg if neg else 0.0,
            "any_alert": any_alert, "precision": precision, "f1": f1, "positives": pos,
            "negatives": neg, "misses": misses}


def crisisdesk_rank(index: ScreeningIndex, pairs: list[dict]) -> list[list[tuple[str, float]]]:
    out = []
    for p in pairs:
        try:
            res = index.screen(p["left"]["properties"]["name"][0], threshold=0.0, limit=5)
            out.append([(m.entity_id, m.score) for m in res.matches])
        except QueryError:
            out.append([])
    return out


def nomenklatura_rank(name: str, entities: list[Entity], pairs: list[dict]):
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except ImportError as exc:
        return None, f"not installed ({exc.name}); pip install -e '.[bench]' (pyicu needs libicu-dev, pkg-config)"
    algo = get_algorithm(name)
    config = ScoringConfig.defaults()
    props = {"primary": "name", "alias": "alias", "previous": "previousName",
             "abbreviation": "abbreviation", "weak": "weakAlias"}
    proxies = []
    for e in entities:
        data: dict[str, list[str]] = {}
        for n in e.names:
            data.setdefault(props[n.name_type], []).append(n.value)
        proxies.append(model.get_proxy({"id": e.id, "schema": "Organization", "properties": data}))
    warm = model.get_proxy({"id": "warm", "schema": "Organization", "properties": {"name": ["warm up"]}})
    algo.compare(warm, proxies[0], config)  # logic-v2 loads reference data on first use (~7 s)
    out = []
    started = time.perf_counter()
    for p in pairs:
        q = model.get_proxy(p["left"])
        scores = [(c.id, algo.compare(q, c, config).score) for c in proxies]
        scores.sort(key=lambda t: -t[1])
        out.append(scores[:5])
    elapsed = time.perf_counter() - started
    return out, f"{len(pairs) * len(proxies) / elapsed:,.0f} pairs/s"


def sweep(ranked, pairs, thresholds) -> dict:
    """Best F1 with at most 1 % false positives (the highest such threshold, to keep alerts down)."""
    best = None
    for t in thresholds:
        r = evaluate(ranked, pairs, t)
        if r["fp_rate"] <= 0.01 and (best is None or r["f1"] >= best["f1"] - 1e-9):
            best = r
    return best or evaluate(ranked, pairs, thresholds[-1])


def row(label: str, r: dict, extra: str = "") -> str:
    return (f"{label:<26} {r['threshold']:>5.2f} {r['recall@1']:>9.3f} {r['fp']:>4d} {r['fp_rate']:>7.3f} "
            f"{r['any_alert']:>6d} {r['precision']:>9.3f} {r['f1']:>6.3f}  {extra}")


def main() -> None:
    quick = "--quick" in sys.argv
    demo, linked = demo_entities()
    un = un_entities(individuals=False, skip=linked)
    entities = demo + un
    index = ScreeningIndex(entities)
    pairs, skipped = load_pairs({e.id for e in entities})
    pos = sum(p["judgement"] == "positive" for p in pairs)
    print(f"labelled set: {PAIRS.relative_to(ROOT)}: {len(pairs)} queries ({pos} positive, "
          f"{len(pairs) - pos} negative)" + (f"; {skipped} skipped: their targets are on the UN list, "
                                            "and ../shared/data is absent" if skipped else ""))
    print(f"index: {len(demo)} demo organisations + {len(un)} UN entities"
          + ("" if un else " (../shared/data/un-sc-consolidated.xml absent)"))
    thresholds = [round(0.5 + 0.01 * i, 2) for i in range(50)]
    print()
    print(f"{'matcher':<26} {'thr':>5} {'recall@1':>9} {'FP':>4} {'FP rate':>7} {'alerts':>6} "
          f"{'precision':>9} {'F1':>6}")
    ours = crisisdesk_rank(index, pairs)
    at_default = evaluate(ours, pairs, DEFAULT_THRESHOLD)
    print(row("crisisdesk (default)", at_default))
    best = sweep(ours, pairs, thresholds)
    print(row("crisisdesk (best F1)", best))
    for algo in ("logic-v1", "logic-v2"):
        if quick:
            print(f"{algo:<26} skipped (--quick)")
            continue
        ranked, note = nomenklatura_rank(algo, entities, pairs)
        if ranked is None:
            print(f"{algo:<26} {note}")
            continue
        print(row(f"nomenklatura {algo} @0.70", evaluate(ranked, pairs, 0.70), note))
        print(row(f"nomenklatura {algo} best", sweep(ranked, pairs, thresholds)))
    print()
    if at_default["misses"]:
        print(f"crisisdesk misses at {DEFAULT_THRESHOLD}:")
        for m in at_default["misses"]:
            print("  " + m)
    print()
    full = demo + un_entities(individuals=True, skip=linked)
    if len(full) > len(demo):
        started = time.perf_counter()
        big = ScreeningIndex(full)
        built = time.perf_counter() - started
        queries = [p["left"]["properties"]["name"][0] for p in pairs]
        n = 0
        started = time.perf_counter()
        while time.perf_counter() - started < 3.0:
            for q in queries:
                try:
                    big.screen(q)
                except QueryError:
                    pass
                n += 1
        rate = n / (time.perf_counter() - started)
        names = sum(len(e.names) for e in full)
        print(f"speed: {rate:,.0f} queries/s on one core against the full UN list "
              f"({len(full)} entries, {names} names; index built in {built:.2f} s)")
    else:
        print("speed: skipped: ../shared/data/un-sc-consolidated.xml is absent")


if __name__ == "__main__":
    main()
