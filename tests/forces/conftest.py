"""Fixtures for forces: pledges, a small plan, and a case whose force decision is adopted."""

import pytest

MEMBERS = [("alice", "KZ"), ("bob", "RU"), ("charlie", "BY"), ("armen", "AM"), ("kyrgyz", "KG"), ("tajik", "TJ")]
FLEET = [{"type": "IL76MD", "count": 2, "base": "UUMU"}]


def pledge_body(**over):
    body = {"personnel": 100, "home_airfield": "UUMU", "destination": "UAAA",
            "ready_at": "2022-01-06T06:00:00+06:00", "cargo_kg": 2000,
            "vehicles": [{"type": "BTR-80", "count": 2}], "readiness": "24 h"}
    body.update(over)
    return body


@pytest.fixture
def kz_case(org, alice):
    """Kazakhstan's case (as in tests/conftest.py), opened on the evening of 5 January 2022.

    Forces refuse times more than 30 days before the case was opened, and these tests pledge,
    plan and fly in January 2022, so the case is opened then, whatever the test's own clock.
    """
    from datetime import datetime, timezone

    from crisisdesk import clock
    from crisisdesk.cases.actions import case_appeal

    with clock.frozen_at(datetime(2022, 1, 5, 19, 0, tzinfo=timezone.utc)):
        return case_appeal(user=alice, member="KZ", title_en="Unrest in Kazakhstan (test)",
                           title_ru="Беспорядки в Казахстане (тест)", ref="kazakhstan-test")


@pytest.fixture
def ru_pledge(kz_case, bob, jan2022):
    from crisisdesk.forces.actions import pledge_record
    from crisisdesk.engines.procedures.timing import parse_instant

    body = pledge_body()
    return pledge_record(case=kz_case, user=bob, member="RU", personnel=body["personnel"],
                         home_airfield="UUMU", destination="UAAA", ready_at=parse_instant(body["ready_at"]),
                         cargo_kg=2000, vehicles=body["vehicles"])


@pytest.fixture
def deployment_plan(kz_case, ru_pledge, force_command, jan2022):
    from crisisdesk.forces.actions import plan_compute

    return plan_compute(case=kz_case, user=force_command, fleet=FLEET, time_limit=1)


def _user(username, post):
    from django.contrib.auth import get_user_model

    from crisisdesk.accounts.actions import post_assign
    from tests.conftest import _epoch_clock

    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        with _epoch_clock():
            post_assign(user=user, post_code=post, organisation="csto", actor="test")
    return user


@pytest.fixture
def force_decided(kz_case, org, keys, secretariat, jan2022):
    """The deployment decision and the defence ministers' force decision, both adopted."""
    from crisisdesk.decisions.actions import decision_circulate, position_sign
    from crisisdesk.engines import signing

    def adopt(procedure, purpose, seat, signers, **kw):
        decision = decision_circulate(case=kz_case, user=secretariat, procedure=procedure, purpose=purpose, **kw)
        text = decision.current_text
        for user, member in signers:
            message = signing.position_message(case=kz_case.ref, decision=decision.pk, version=text.version,
                                               text=text.body, member=member, position="agree", reason="")
            position_sign(decision=decision, user=user, member=member, position="agree", reason="",
                          text_sha256=text.sha256, signature=signing.sign(keys(f"{member}.{seat}"), message))
        decision.refresh_from_db()
        assert decision.outcome == "adopted", decision.outcome
        return decision

    adopt("council-decision", "deployment", "head_of_state", [(org["people"][n], m) for n, m in MEMBERS],
          facts={"purpose_ru": "охрана объектов", "purpose_en": "guard objects"})
    ministers = [(_user(f"{m.lower()}_defence", f"{m}.defence_minister"), m) for _, m in MEMBERS]
    adopt("force-formation", "force", "defence_minister", ministers, text="Forming the force.\n---\nО формировании сил.")
    kz_case.refresh_from_db()
    return kz_case


# -- answers of the HTTP API, for the tests that go through it ------------------------------------


def answer(response, status=200):
    """The JSON of an answer that must have `status`."""
    assert response.status_code == status, (response.status_code, response.content)
    return response.json()


def refusal(response, status):
    """The one-line reason of a refusal that must have `status`."""
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert {"error", "detail"} <= set(body) and "\n" not in body["detail"], body
    return body["detail"]
