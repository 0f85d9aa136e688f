"""Duties come from the charter: opened on adoption, drafted from the case's facts, approved by the signer."""

from datetime import timedelta

import pytest

from crisisdesk.errors import DomainError, Forbidden
from crisisdesk.notices import actions
from crisisdesk.notices.models import Duty
from tests.notices.conftest import adopt, at

pytestmark = pytest.mark.django_db


def test_adoption_opens_the_charter_duties_with_their_deadlines(adopted, duties):
    assert set(duties) == {"un.security_council", "osce.secretary_general", "sco.secretary_general"}
    unsc = duties["un.security_council"]
    assert unsc.duty == "legal" and unsc.via == "un.secretary_general"
    assert unsc.legal_basis.startswith("CST Art. 4")
    assert unsc.signer_post == "secretary_general"
    assert unsc.due_at - adopted.decided_at == timedelta(hours=12)  # "immediately" = the charter's PT12H
    assert duties["osce.secretary_general"].due_at - adopted.decided_at == timedelta(days=1)
    assert unsc.status == "drafted"
    letter = unsc.letter
    assert "Совета Безопасности ООН" in letter.subject_ru and "Security Council" in letter.subject_en
    assert "guard important objects" in letter.body_en and "охрана важных объектов" in letter.body_ru
    assert "обращение Республики Казахстан" in letter.body_ru and "в Республике Казахстан" in letter.body_ru
    assert letter.missing == []


def test_sync_is_idempotent_and_catches_up_when_the_listener_did_not_run(kz_only, org, keys, secretariat):
    adopt(kz_only, org, keys, secretariat)  # No on-commit callbacks here: the listener never ran.
    assert Duty.objects.filter(case=kz_only).count() == 0
    made = actions.duties_sync(kz_only)
    assert len(made) == 3
    assert actions.duties_sync(kz_only) == []
    assert actions.duties_sync() == []
    assert Duty.objects.filter(case=kz_only).count() == 3


def test_a_missing_fact_fails_approval_naming_the_field(kz_only, org, keys, secretariat, cli):
    adopt(kz_only, org, keys, secretariat, with_mandate=False)
    actions.duties_sync(kz_only)
    duty = Duty.objects.get(case=kz_only, recipient="un.security_council")
    assert "purpose_en" in duty.letter.missing
    assert "⟦purpose_en⟧" in duty.letter.body_en
    with pytest.raises(DomainError) as caught:
        actions.letter_approve(duty=duty, user=secretariat)
    assert caught.value.code == "missing_field"
    assert "'purpose_en'" in caught.value.detail
    duty.refresh_from_db()
    assert duty.status == "drafted" and duty.letter.approved_at is None
    # The operator supplies the facts; the new draft has no hole and can be approved.
    facts = {"purpose_en": "guard objects", "purpose_ru": "охрана объектов", "area": "Almaty",
             "contributing_en": "Russia", "contributing_ru": "Россия"}
    letter = actions.letter_draft(duty=duty, user=secretariat, facts=facts)
    assert letter.missing == [] and letter.version == 2
    actions.letter_approve(duty=duty, user=secretariat)
    with pytest.raises(DomainError):
        actions.letter_draft(duty=duty, user=secretariat, facts={"no_such_field": "x"})


def test_only_the_signer_post_approves(duties, org, duty_officer, alice):
    duty = duties["un.security_council"]
    for user in (duty_officer, alice):
        with pytest.raises(Forbidden):
            actions.letter_approve(duty=duty, user=user)
    with pytest.raises(Forbidden):
        actions.letter_draft(duty=duty, user=alice)


def test_overdue_duties_escalate_once_and_raise_an_alarm(duties, adopted, cli):
    from crisisdesk.notices.queries import alarms

    with at("2022-01-06T10:00:00"):  # past the UNSC deadline (decision + 12 h), before the OSCE/SCO ones
        escalated = actions.duties_escalate()
        assert [d.recipient for d in escalated] == ["un.security_council"]
        assert actions.duties_escalate() == []
        found = alarms(Duty.objects.all())
        assert [a["duty"].recipient for a in found] == ["un.security_council"]
        assert "escalated to secretary_general" in found[0]["detail"]
        code, out, err = cli("notices", "escalate")
        assert code == 0 and out == ""


def test_operator_delivery_and_acknowledgement(approved, secretariat, duty_officer):
    duty = approved["osce.secretary_general"]
    with pytest.raises(DomainError):
        actions.ack_record(duty=duty, user=duty_officer, note="too early")
    actions.delivery_record(duty=duty, user=duty_officer, note="handed to the OSCE liaison")
    duty.refresh_from_db()
    assert duty.status == "sent" and duty.delivery == "operator"
    with pytest.raises(DomainError) as caught:
        actions.delivery_record(duty=duty, user=duty_officer, note="again")
    assert caught.value.code == "already_sent"
    actions.ack_record(duty=duty, user=duty_officer, note="OSCE Secretariat confirmed receipt by phone")
    duty.refresh_from_db()
    assert duty.status == "acknowledged" and duty.acknowledged_by == "duty_officer"


def test_the_register_command_shows_what_was_owed(approved, cli):
    code, out, err = cli("notices", "register", "--case", "kz-notices")
    assert code == 0, err
    assert "un.security_council" in out and "approved" in out
    code, out, err = cli("notices", "register", "--case", "nope")
    assert code == 1 and "no case" in err
