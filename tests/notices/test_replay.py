"""The 2022 replay gains its letters, statements, closing report and after-action report."""

import pytest

from crisisdesk.notices.models import Duty, Statement
from crisisdesk.notices.queries import time_to_statement
from crisisdesk.scenarios.replay import ReplayContext, create_keys, create_logins, load_replay, play

pytestmark = pytest.mark.django_db


def test_replay_notices_through_the_real_actions(db, settings, tmp_path, cli):
    from crisisdesk.engines.procedures.simulate import shipped_charter_path
    from crisisdesk.notices.replay import replay_notices
    from crisisdesk.organization.actions import charter_load

    from django.contrib.auth import get_user_model

    settings.VAR_DIR = tmp_path
    # The shared test seed has a user named like the demo's analyst login; keep the replay's own.
    get_user_model().objects.filter(username="analyst").update(username="analyst-seeded")
    charter_load(text=shipped_charter_path("csto").read_text(encoding="utf-8"), actor="test")
    said = []
    ctx = ReplayContext(say=said.append)
    ctx.users = create_logins("csto")
    create_keys(ctx, "csto")
    play(ctx, load_replay("kazakhstan-2022"))
    paths = replay_notices(ctx)
    duties = {d.recipient: d for d in Duty.objects.filter(case=ctx.case)}
    assert set(duties) == {"un.security_council", "osce.secretary_general", "sco.secretary_general", "members"}
    unsc = duties["un.security_council"]
    assert unsc.status == "acknowledged" and unsc.delivery == "operator"
    assert unsc.approved_letter.approved_by == "secretary-general"
    assert unsc.sent_at < unsc.due_at  # Sent on 6 Jan, within "immediately" (12 h) of the decision.
    assert all(d.approved_letter.missing == [] for d in duties.values())
    assert duties["members"].kind == "report" and "no losses" not in duties["members"].approved_letter.body_en
    assert "none in personnel" in duties["members"].approved_letter.body_en
    assert Statement.objects.filter(case=ctx.case, status="published").count() == 3
    delays = {r["about"]: r for r in time_to_statement(ctx.case)}
    assert delays["decision"]["delay"].total_seconds() == 0
    assert paths["pdf"].read_bytes().startswith(b"%PDF") and paths["html"].is_file()
    assert any(str(paths["pdf"]) in line for line in said)
    assert ctx.case.lessons.count() == 3
    code, out, err = cli("audit", "verify")
    assert code == 0, err
    # Idempotent: playing the notices again adds nothing.
    replay_notices(ctx)
    assert Duty.objects.filter(case=ctx.case).count() == 4
    assert Statement.objects.filter(case=ctx.case).count() == 3
