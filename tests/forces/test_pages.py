"""Forces pages: gap view, progress, the plan with its timelines; the plan form shows the CLI's reason."""

import re

import pytest
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_the_case_page_shows_gap_progress_and_plans(kz_case, deployment_plan, bob, outsider):
    page = _client(bob).get(f"/forces/cases/{kz_case.ref}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Requirements and pledges" in html and "UUMU" in html and f"/forces/plans/{deployment_plan.pk}/" in html
    assert "<script>" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "Compute the plan" not in html  # a delegate does not plan
    assert _client(outsider).get(f"/forces/cases/{kz_case.ref}/").status_code == 404
    assert _client(bob).get("/forces/cases/no-such-case/").status_code == 404


def test_the_plan_page_draws_timelines(kz_case, deployment_plan, charlie, duty_officer):
    html = _client(charlie).get(f"/forces/plans/{deployment_plan.pk}/").content.decode()
    assert "Timeline per aircraft" in html and "<svg" in html and "<polyline" in html and "IL76MD#1" in html
    assert 'value="departed"' not in html
    c = _client(duty_officer)
    assert 'value="departed"' in c.get(f"/forces/plans/{deployment_plan.pk}/").content.decode()
    sortie = deployment_plan.sorties.order_by("number").first()
    assert c.post(f"/forces/sorties/{sortie.pk}/status/", {"status": "departed"}).status_code == 302
    sortie.refresh_from_db()
    assert sortie.status == "departed"
    r = c.post(f"/forces/sorties/{sortie.pk}/status/", {"status": "departed"}, follow=True)
    assert "cannot become departed" in r.content.decode()


def test_the_plan_form_shows_the_same_reason_as_the_cli(kz_case, ru_pledge, force_command, jan2022):
    from crisisdesk.forces.models import AirliftPlan

    c = _client(force_command)
    r = c.post(f"/forces/cases/{kz_case.ref}/plans/",
               {"kind": "deployment", "fleet": '[{"type": "IL76MD", "count": 2, "base": "NOWHERE"}]', "time_limit": "1"})
    assert r.status_code == 400
    assert "invalid input: unknown airfield &#x27;NOWHERE&#x27;: not in the airlift catalogue" in r.content.decode()
    r = c.post(f"/forces/cases/{kz_case.ref}/plans/", {"kind": "deployment", "fleet": "[{", "time_limit": "1"})
    assert r.status_code == 400 and "not valid JSON" in r.content.decode()
    assert not AirliftPlan.objects.exists()
    r = c.post(f"/forces/cases/{kz_case.ref}/plans/",
               {"kind": "deployment", "fleet": '[{"type": "IL76MD", "count": 2, "base": "UUMU"}]', "time_limit": "1"})
    assert r.status_code == 302 and AirliftPlan.objects.count() == 1
