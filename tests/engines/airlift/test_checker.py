"""The checker catches every broken rule; it starts from a valid plan and breaks one rule at a time."""

import copy

import pytest

from crisisdesk.engines.airlift import check_plan, parse_problem, plan, plan_json


@pytest.fixture
def problem(example):
    return parse_problem(example)


@pytest.fixture
def valid(problem):
    doc = plan_json(plan(problem, time_limit=5))
    assert check_plan(problem, doc) == []
    return doc


def test_it_catches_an_overloaded_sortie(problem, valid):
    bad = copy.deepcopy(valid)
    bad["sorties"][0]["loads"][0]["cargo_kg"] += 40000
    bad["sorties"][1]["loads"][0]["cargo_kg"] -= min(40000, bad["sorties"][1]["loads"][0]["cargo_kg"])
    assert any("overloaded" in r for r in check_plan(problem, bad))


def test_it_catches_too_many_persons(problem, valid):
    bad = copy.deepcopy(valid)
    bad["sorties"][0]["loads"][0]["personnel"] = 150
    bad["sorties"][1]["loads"][0]["personnel"] = 0
    reasons = check_plan(problem, bad)
    assert any("150 persons" in r and "126 seats" in r for r in reasons)


def test_it_catches_a_missing_vehicle(problem, valid):
    bad = copy.deepcopy(valid)
    bad["sorties"][0]["loads"][0]["vehicles"][0]["count"] -= 1
    assert any("KG-1" in r and "BTR-70" in r and "of 8" in r for r in check_plan(problem, bad))


def test_it_catches_missing_personnel(problem, valid):
    bad = copy.deepcopy(valid)
    bad["sorties"][0]["loads"][0]["personnel"] -= 1
    assert any("149 of 150 personnel" in r for r in check_plan(problem, bad))


def test_it_catches_a_broken_parking_limit(example, valid):
    example["airfields"][2]["max_on_ground"] = 1
    tight = parse_problem(example)
    # The valid plan lands four aircraft at UAAA at once; the new limit is one.
    reasons = check_plan(tight, valid)
    assert any("airfield UAAA" in r and "limit is 1" in r for r in reasons)


def test_it_catches_overlapping_sorties_of_one_aircraft(problem, valid):
    bad = copy.deepcopy(valid)
    bad["sorties"][1]["aircraft"] = bad["sorties"][0]["aircraft"]
    assert any("overlap" in r for r in check_plan(problem, bad))


def test_it_catches_a_wrong_makespan(problem, valid):
    bad = copy.deepcopy(valid)
    bad["summary"]["makespan_h"] = valid["summary"]["makespan_h"] - 1
    assert any("makespan_h" in r for r in check_plan(problem, bad))


def test_it_catches_a_departure_before_the_unit_is_ready(example, valid):
    example["units"][0]["ready_h"] = 10
    assert any("before the unit is ready" in r for r in check_plan(parse_problem(example), valid))


def test_it_catches_a_wrong_flight_time(problem, valid):
    bad = copy.deepcopy(valid)
    bad["sorties"][0]["arrive_h"] += 1
    assert any("flight takes" in r for r in check_plan(problem, bad))


def test_it_catches_a_departure_before_the_aircraft_can_arrive(problem, valid):
    bad = copy.deepcopy(valid)
    bad["sorties"][0]["depart_h"] = 0.0
    bad["sorties"][0]["arrive_h"] = round(valid["sorties"][0]["arrive_h"] - valid["sorties"][0]["depart_h"], 2)
    assert any("empty flight from its base" in r for r in check_plan(problem, bad))


def test_it_catches_a_bound_above_the_plan(problem, valid):
    bad = copy.deepcopy(valid)
    bad["summary"]["lower_bound_sorties"] = valid["summary"]["sorties"] + 1
    assert any("lower_bound_sorties" in r for r in check_plan(problem, bad))


def test_it_catches_an_unknown_aircraft(problem, valid):
    bad = copy.deepcopy(valid)
    bad["sorties"][0]["aircraft"] = "IL76MD#41"
    assert any("unknown aircraft" in r for r in check_plan(problem, bad))


def test_it_counts_an_aircraft_waiting_at_its_next_origin(example):
    """Aircraft that return to a one-place origin and wait there break its limit together."""
    example["airfields"][1]["max_on_ground"] = 1
    example["units"][0]["vehicles"][0]["count"] = 4
    example["units"][0]["personnel"] = 0
    example["units"][0]["cargo_kg"] = 0
    problem = parse_problem(example)
    tau = problem.flight_h("IL76MD", "UAFM", "UAAA")
    reach = problem.flight_h("IL76MD", "UUBW", "UAFM")

    def sortie(name, depart):
        return {"aircraft": name, "type": "IL76MD", "origin": "UAFM", "destination": "UAAA",
                "depart_h": round(depart, 2), "arrive_h": round(depart + tau, 2),
                "loads": [{"unit": "KG-1", "personnel": 0, "vehicles": [{"type": "BTR-70", "count": 1}], "cargo_kg": 0}]}

    back = reach + tau + 2.0 + tau  # landing back at UAFM after the first sortie
    sorties = [sortie("IL76MD#1", reach), sortie("IL76MD#2", reach),
               sortie("IL76MD#1", back + 5), sortie("IL76MD#2", back + 5)]
    doc = {"sorties": sorties, "summary": {"sorties": 4, "makespan_h": round(back + 5 + tau, 2),
           "lower_bound_sorties": 2, "lower_bound_makespan_h": 1.0, "proven_optimal": False, "solve_s": 0}}
    reasons = check_plan(problem, doc)
    assert reasons and all("airfield UAFM" in r for r in reasons)


@pytest.mark.parametrize("path, value", [
    (("aircraft",), ["IL76MD#1"]),
    (("origin",), {"code": "UAFM"}),
    (("loads", 0, "unit"), ["KG-1"]),
    (("loads", 0, "vehicles", 0, "type"), ["BTR-70"]),
    (("loads", 0, "personnel"), 10**400),
    (("loads", 0, "cargo_kg"), 10**400),
])
def test_untrusted_values_of_any_shape_become_reasons_not_exceptions(problem, valid, path, value):
    bad = copy.deepcopy(valid)
    target = bad["sorties"][0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    reasons = check_plan(problem, bad)
    assert reasons and all(isinstance(r, str) and "\n" not in r for r in reasons)


def test_it_catches_a_sortie_that_carries_nothing(problem, valid):
    bad = copy.deepcopy(valid)
    empty = copy.deepcopy(bad["sorties"][-1])
    empty["loads"] = [{"unit": empty["loads"][0]["unit"], "personnel": 0, "vehicles": [], "cargo_kg": 0}]
    bad["sorties"].append(empty)
    assert any("carries nothing" in r for r in check_plan(problem, bad))


def test_whole_numbers_written_as_decimals_are_accepted(problem, valid):
    other = copy.deepcopy(valid)
    for s in other["sorties"]:
        for load in s["loads"]:
            load["personnel"] = float(load["personnel"])
    assert check_plan(problem, other) == []


def test_it_catches_a_vehicle_type_listed_twice_in_one_load(problem, valid):
    bad = copy.deepcopy(valid)
    load = next(ld for s in bad["sorties"] for ld in s["loads"] if ld["vehicles"] and ld["vehicles"][0]["count"] >= 2)
    first = load["vehicles"][0]
    half = first["count"] // 2
    load["vehicles"][0:1] = [{"type": first["type"], "count": half}, {"type": first["type"], "count": first["count"] - half}]
    assert any("listed twice" in r for r in check_plan(problem, bad))
