"""The CLI: simulate (exit 0/2), keys new (public half only), sign, export and verify."""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

SCENARIO = """
charter: csto
procedure: council-decision
mode: silence
members_as_of: 2022-01-06T00:00:00+06:00
events:
  - {at: 2022-01-06T00:10:00+06:00, type: circulate, deadline: 2022-01-06T06:00:00+06:00}
  - {at: 2022-01-06T01:00:00+06:00, type: position, member: RU, position: agree}
  - {at: 2022-01-06T02:00:00+06:00, type: position, member: AM, position: object, reason: "..."}
"""


def test_simulate_prints_the_outcome_as_json(cli, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    code, out, err = cli("procedures", "simulate", path)
    assert code == 0, err
    result = json.loads(out)
    assert result["outcome"] == "silence_broken"
    assert set(result) >= {"outcome", "decided_at", "required", "positions", "non_participating"}
    assert result["positions"] == {"AM": "object", "RU": "agree"}


@pytest.mark.parametrize("event,words", [
    ("  - {at: 2022-01-06T03:00:00+06:00, type: position, member: FR, position: agree}", "not a member"),
    ("  - {at: 2022-01-06T00:05:00+06:00, type: position, member: KZ, position: agree}", "backwards"),
])
def test_simulate_exits_2_with_one_line_on_a_rule_break(cli, tmp_path, event, words):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO + event + "\n")
    code, out, err = cli("procedures", "simulate", path)
    assert code == 2
    assert words in err
    assert len(err.strip().splitlines()) == 1


def test_simulate_reads_a_charter_by_path(cli, tmp_path):
    from crisisdesk.engines.procedures.simulate import shipped_charter_path

    charter = tmp_path / "org.yaml"
    charter.write_text(shipped_charter_path("osce").read_text())
    path = tmp_path / "s.yaml"
    path.write_text("charter: org.yaml\nprocedure: council-decision\nevents:\n"
                    "  - {at: 2026-01-01T10:00:00+01:00, type: circulate}\n")
    code, out, err = cli("procedures", "simulate", path)
    assert code == 0, err
    assert json.loads(out)["outcome"] == "adopted"


def test_charter_check_reports_the_line(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("charter: x\nversion: 1\ntitle: {ru: a, en: b}\nmembers: []\norgans: []\nposts: []\nprocedures: {}\n")
    code, out, err = cli("charter", "check", bad)
    assert code == 2
    assert f"{bad}:4:" in err


def test_keys_new_registers_only_the_public_half(cli, org, tmp_path):
    from crisisdesk.organization.models import PostKey

    out_file = tmp_path / "kz.pem"
    code, out, err = cli("keys", "new", "--post", "KZ.head_of_state", "--out", out_file)
    assert code == 0, err
    assert out_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert oct(out_file.stat().st_mode & 0o777) == "0o600"
    key = PostKey.objects.get(post__code="KZ.head_of_state")
    assert len(key.public_key) == 44  # 32 bytes in base64, nothing more
    code, out, err = cli("keys", "new", "--post", "XX.nobody", "--out", tmp_path / "x.pem")
    assert code == 1
    assert "no post" in err


def test_a_delegate_signs_from_the_cli(cli, org, jan2022, kz_case, secretariat, tmp_path):
    from crisisdesk.decisions.actions import decision_circulate

    decision_circulate(case=kz_case, user=secretariat, procedure="council-decision", purpose="deployment",
                       text="Draft text")
    pem = tmp_path / "kz.pem"
    assert cli("keys", "new", "--post", "KZ.head_of_state", "--out", pem)[0] == 0
    code, out, err = cli("decision", "sign", kz_case.ref, "--user", "alice", "--member", "KZ",
                         "--position", "agree", "--key", pem)
    assert code == 0, err
    assert "KZ agree recorded" in out
    code, out, err = cli("decision", "sign", kz_case.ref, "--user", "bob", "--member", "KZ",
                         "--position", "agree", "--key", pem)
    assert code == 1
    assert "KZ" in err


def test_token_create_prints_a_working_token(cli, org, alice):
    from django.test import Client

    code, out, err = cli("token", "create", "alice")
    assert code == 0
    response = Client().get("/api/organization/me", HTTP_AUTHORIZATION=f"Bearer {out.strip()}")
    assert response.json()["members"] == ["KZ"]
    assert cli("token", "create", "nobody")[0] == 1
