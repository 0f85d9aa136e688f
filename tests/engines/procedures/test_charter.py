"""Charters are validated with errors that name their line."""

import pytest

from crisisdesk.engines.procedures import CharterError, parse_charter
from crisisdesk.engines.procedures.simulate import shipped_charter_path


def test_the_shipped_charters_are_valid():
    for name in ("csto", "osce"):
        charter = parse_charter(shipped_charter_path(name).read_text(encoding="utf-8"))
        assert charter.name == name
        assert "council-decision" in charter.procedures


def test_it_names_the_line_of_an_unknown_organ():
    text = shipped_charter_path("osce").read_text(encoding="utf-8")
    broken = text.replace("    organ: pc\n    seat: representative", "    organ: nowhere\n    seat: representative")
    line = broken.splitlines().index("    organ: nowhere") + 1
    with pytest.raises(CharterError) as err:
        parse_charter(broken)
    assert err.value.problems[0].line == line
    assert "nowhere" in err.value.problems[0].message


def test_it_names_the_line_of_a_schema_error():
    text = shipped_charter_path("osce").read_text(encoding="utf-8").replace("rule: {kind: consensus}", "rule: {kind: mostly}")
    with pytest.raises(CharterError) as err:
        parse_charter(text)
    problem = err.value.problems[0]
    assert "mostly" in problem.message
    assert text.splitlines()[problem.line - 1].strip().startswith("rule:")


def test_it_reports_bad_yaml_with_its_line():
    with pytest.raises(CharterError) as err:
        parse_charter("charter: x\nmembers: [\n")
    assert err.value.problems[0].line >= 2
