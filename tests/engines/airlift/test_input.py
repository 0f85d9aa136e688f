"""Invalid input is refused with one line that names the item."""

import math

import pytest

from crisisdesk.engines.airlift import InvalidInput, parse_problem


def refuse(data) -> str:
    with pytest.raises(InvalidInput) as exc:
        parse_problem(data)
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_it_accepts_the_issue_example(example):
    problem = parse_problem(example)
    assert [a.name for a in problem.aircraft()][:2] == ["IL76MD#1", "IL76MD#2"]
    assert len(problem.aircraft()) == 40


def test_it_names_an_unknown_airfield(example):
    example["units"][0]["destination"] = "XXXX"
    assert "unit KG-1" in refuse(example) and "XXXX" in refuse(example)


def test_it_names_an_unknown_aircraft_type(example):
    example["fleet"][0]["type"] = "C-17"
    assert "C-17" in refuse(example)


def test_it_names_a_vehicle_that_fits_no_aircraft(example):
    example["units"][0]["vehicles"][0]["width_m"] = 4.0
    message = refuse(example)
    assert "KG-1" in message and "BTR-70" in message and "fits no aircraft" in message


def test_it_refuses_a_negative_count(example):
    example["units"][0]["vehicles"][0]["count"] = -1
    assert "BTR-70" in refuse(example) and "count" in refuse(example)


def test_it_refuses_nan(example):
    example["units"][0]["cargo_kg"] = math.nan
    assert "KG-1" in refuse(example) and "cargo_kg" in refuse(example)


def test_it_refuses_a_string_figure(example):
    example["aircraft_types"][0]["payload_kg"] = "47000"
    assert "IL76MD" in refuse(example) and "payload_kg" in refuse(example)


def test_it_refuses_an_empty_fleet(example):
    example["fleet"] = []
    assert "fleet is empty" in refuse(example)
    example["fleet"] = [{"type": "IL76MD", "count": 0, "base": "UUBW"}]
    assert "fleet is empty" in refuse(example)


def test_it_refuses_a_vehicle_type_listed_twice(example):
    example["units"][0]["vehicles"].append(dict(example["units"][0]["vehicles"][0]))
    assert "listed twice" in refuse(example)


def test_it_numbers_fleet_entries_of_one_type_on(example):
    example["fleet"] = [{"type": "IL76MD", "count": 2, "base": "UUBW"}, {"type": "IL76MD", "count": 1, "base": "UAFM"}]
    names = [(a.name, a.base) for a in parse_problem(example).aircraft()]
    assert names == [("IL76MD#1", "UUBW"), ("IL76MD#2", "UUBW"), ("IL76MD#3", "UAFM")]
