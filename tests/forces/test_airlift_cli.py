"""`crisisdesk airlift plan|check|bounds` through the CLI."""

import json

import pytest

from tests.engines.airlift.conftest import EXAMPLE


@pytest.fixture
def files(tmp_path):
    path = tmp_path / "input.json"
    path.write_text(json.dumps(EXAMPLE))
    return path, tmp_path / "plan.json"


def test_it_plans_and_checks(cli, files):
    source, out = files
    code, stdout, stderr = cli("airlift", "plan", source, "--out", out, "--time-limit", "5")
    assert code == 0, stderr
    assert "lower bounds: sorties 4" in stdout and "gap" in stdout
    doc = json.loads(out.read_text())
    assert doc["summary"]["sorties"] == len(doc["sorties"]) == 4
    code, stdout, stderr = cli("airlift", "check", source, out)
    assert code == 0, stderr
    assert stdout.startswith("valid")


def test_it_refuses_a_broken_plan_with_reasons(cli, files):
    source, out = files
    assert cli("airlift", "plan", source, "--out", out)[0] == 0
    doc = json.loads(out.read_text())
    doc["sorties"].pop()
    out.write_text(json.dumps(doc))
    code, stdout, stderr = cli("airlift", "check", source, out)
    assert code == 1
    assert "of 8 BTR-70 carried" in stderr
    assert "Traceback" not in stderr


def test_it_refuses_invalid_input_in_one_line(cli, files, tmp_path):
    source, out = files
    data = json.loads(source.read_text())
    data["fleet"][0]["base"] = "NOWHERE"
    source.write_text(json.dumps(data))
    code, stdout, stderr = cli("airlift", "plan", source, "--out", out)
    assert code == 1
    assert "NOWHERE" in stderr and len(stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_it_refuses_nan_and_broken_json(cli, files):
    source, out = files
    source.write_text(json.dumps(EXAMPLE).replace('"cargo_kg": 12000', '"cargo_kg": NaN'))
    code, _, stderr = cli("airlift", "plan", source, "--out", out)
    assert code == 1 and "cargo_kg" in stderr
    source.write_text("{not json")
    code, _, stderr = cli("airlift", "plan", source, "--out", out)
    assert code == 1 and "not valid JSON" in stderr


def test_it_prints_the_bounds(cli, files):
    source, _ = files
    code, stdout, _ = cli("airlift", "bounds", source)
    assert code == 0
    assert "sorties >= 4" in stdout and "UAFM -> UAAA" in stdout and "parking" in stdout


@pytest.mark.parametrize("where, key, value, named", [
    ("units", "ready_h", 1e300, "ready_h"),
    ("units", "personnel", 1e20, "personnel"),
    ("fleet", "count", 10_000_000, "count"),
])
def test_absurd_figures_are_refused_by_name_not_by_exhaustion(cli, files, where, key, value, named):
    source, out = files
    data = json.loads(source.read_text())
    data[where][0][key] = value
    source.write_text(json.dumps(data))
    code, _, stderr = cli("airlift", "plan", source, "--out", out, "--time-limit", "2")
    assert code == 1 and named in stderr and "at most" in stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr


def test_nothing_to_carry_gives_the_empty_plan(cli, files):
    source, out = files
    data = json.loads(source.read_text())
    data["units"] = []
    source.write_text(json.dumps(data))
    code, stdout, stderr = cli("airlift", "plan", source, "--out", out)
    assert code == 0, stderr
    assert json.loads(out.read_text())["sorties"] == []
    assert cli("airlift", "check", source, out)[0] == 0
