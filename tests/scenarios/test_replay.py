"""The Kazakhstan 2022 replay runs through the real actions and is a regression test of the engine."""

import json

import pytest

from crisisdesk.analytics.tempo import case_tempo
from crisisdesk.scenarios.replay import ReplayContext, create_keys, create_logins, replay_kazakhstan_2022

pytestmark = pytest.mark.django_db


@pytest.fixture
def replayed(db):
    from crisisdesk.engines.procedures.simulate import shipped_charter_path
    from crisisdesk.organization.actions import charter_load

    charter_load(text=shipped_charter_path("csto").read_text(encoding="utf-8"), actor="test")
    ctx = ReplayContext(say=lambda line: None)
    ctx.users = create_logins("csto")
    create_keys(ctx, "csto")
    replay_kazakhstan_2022(ctx)
    return ctx


def test_the_replay_closes_gives_the_historical_tempo_and_verifies(replayed, cli, tmp_path):
    """One replay, several checks: the full replay is the slowest fixture of the suite."""
    case = replayed.case
    assert case.ref == "kazakhstan-2022"
    assert case.status == "closed"
    assert [d.outcome for d in case.decisions.order_by("pk")] == ["adopted"] * 4
    assert case.mandate.commander == "Col.-Gen. A. N. Serdyukov"
    tempo = {t.label: t.duration.total_seconds() / 3600 for t in case_tempo("kazakhstan-2022")}
    assert 2 <= tempo["appeal → decision"] <= 4  # appeal ≤ 18:55Z, decision ≈ 21:40Z on 5 Jan
    assert 24 <= tempo["decision → force formed"] <= 48  # the CMD decision of 7 Jan
    assert tempo["decision → first landing"] < 24  # landings on 6 Jan
    assert 72 <= tempo["decision → full deployment"] <= 96  # complete on 9 Jan
    assert 13 * 24 <= tempo["decision → withdrawal complete"] <= 14 * 24  # complete on 19 Jan
    code, out, err = cli("audit", "verify")
    assert code == 0, err
    target = tmp_path / "kz.json"
    code, out, err = cli("decision", "export", "kazakhstan-2022", "--out", target)
    assert code == 0, err
    data = json.loads(target.read_text())
    assert len(data["decisions"]) == 4
    assert all(len(d["positions"]) == 6 for d in data["decisions"])
    code, out, err = cli("decision", "verify", target)
    assert code == 0, err
    assert out.strip().endswith("valid")
    data["decisions"][0]["positions"][2]["position"] = "object"
    target.write_text(json.dumps(data))
    code, out, err = cli("decision", "verify", target)
    assert code == 1
    assert "INVALID" in err
    assert len(err.strip().splitlines()) == 1
