"""Dispatch through a real SMTP server (aiosmtpd on loopback): sent once, never falsely marked as sent."""

import email
from email import policy

import pytest

from crisisdesk.errors import DomainError
from crisisdesk.ledger.models import Event
from crisisdesk.notices import actions
from crisisdesk.notices.models import Duty
from tests.notices.conftest import free_port

pytestmark = pytest.mark.django_db


def test_the_letter_arrives_with_recipients_languages_and_attachments(approved, addresses, smtp_server, secretariat):
    duty = actions.letter_dispatch(duty=approved["un.security_council"], user=secretariat)
    assert duty.status == "sent" and duty.delivery == "smtp" and duty.attempts == 1
    assert duty.sent_to == ["sg@un.test"]  # The UNSC is reached through the UN Secretary-General.
    [(sender, rcpts, raw)] = smtp_server.messages
    assert sender == "crisis-centre@csto.test" and rcpts == ["sg@un.test"]
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "sg@un.test"
    assert message["Content-Language"] == "ru, en"
    assert "Совета Безопасности ООН" in message["Subject"] and "UN Security Council" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "По поручению Совета коллективной безопасности" in body
    assert "On behalf of the Collective Security Council" in body
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["letter-ru.txt", "letter-en.txt", f"decision-{duty.decision_id}.txt"]
    decision_text = [p for p in message.iter_attachments()][2].get_content()
    assert "Collective Security Council" in decision_text
    sent = Event.objects.filter(type="notices:letter:sent", subject=f"duty:{duty.pk}").get()
    assert sent.data["channel"] == "smtp" and sent.data["recipients"] == ["sg@un.test"]


def test_sending_again_is_idempotent_unless_the_user_chooses_to_resend(approved, addresses, smtp_server,
                                                                       secretariat, cli):
    duty = approved["osce.secretary_general"]
    actions.letter_dispatch(duty=duty, user=secretariat)
    actions.letter_dispatch(duty=duty, user=secretariat)
    code, out, err = cli("notices", "worker", "--once")
    assert code == 0, err
    assert len([m for m in smtp_server.messages if m[1] == ["sg@osce.test"]]) == 1
    again = actions.letter_dispatch(duty=duty, user=secretariat, resend=True)
    assert len([m for m in smtp_server.messages if m[1] == ["sg@osce.test"]]) == 2
    assert again.attempts == 2 and list(again.attempt_log.values_list("resend", flat=True)) == [False, True]
    assert Event.objects.filter(type="notices:letter:sent", subject=f"duty:{duty.pk}").count() == 2


def test_the_worker_sends_approved_letters(approved, addresses, smtp_server, cli):
    code, out, err = cli("notices", "worker", "--once")
    assert code == 0, err
    assert "answers" in out
    assert sorted(m[1][0] for m in smtp_server.messages) == ["sg@osce.test", "sg@sco.test", "sg@un.test"]
    assert set(Duty.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.parametrize("reply", [("rcpt", "450 4.2.1 Mailbox busy, try later"),
                                   ("rcpt", "550 5.1.1 No such user"),
                                   ("data", "451 4.3.0 Local error in processing"),
                                   ("data", "554 5.7.1 Rejected")])
def test_a_4xx_or_5xx_leaves_the_duty_pending_with_a_retry(approved, addresses, smtp_server, secretariat, reply):
    where, text = reply
    setattr(smtp_server, f"{where}_reply", text)
    duty = actions.letter_dispatch(duty=approved["sco.secretary_general"], user=secretariat)
    assert duty.status == "approved" and duty.sent_at is None
    assert text.split()[0] in duty.last_error
    assert duty.next_attempt_at is not None and duty.attempts == 1
    assert not Event.objects.filter(type="notices:letter:sent").exists()
    assert Event.objects.filter(type="notices:letter:failed", subject=f"duty:{duty.pk}").count() == 1
    assert smtp_server.messages == []
    # The server recovers: the retry sends it, once.
    setattr(smtp_server, f"{where}_reply", None)
    duty = actions.letter_dispatch(duty=duty, user=secretariat)
    assert duty.status == "sent" and duty.attempts == 2 and len(smtp_server.messages) == 1


def test_a_refused_connection_leaves_the_duty_pending(approved, addresses, settings, secretariat, api, duty_officer):
    settings.EMAIL_ENABLED, settings.EMAIL_HOST, settings.EMAIL_PORT = True, "127.0.0.1", free_port()
    settings.DEFAULT_FROM_EMAIL = "crisis-centre@csto.test"
    duty = actions.letter_dispatch(duty=approved["un.security_council"], user=secretariat)
    assert duty.status == "approved" and duty.sent_at is None
    assert "connection refused" in duty.last_error
    alarms = api(duty_officer).get("/api/notices/alarms").json()
    assert [a["kind"] for a in alarms] == ["failing"]


def test_dispatch_refuses_without_an_address_or_with_smtp_off(approved, smtp_server, settings, secretariat):
    with pytest.raises(DomainError) as caught:
        actions.letter_dispatch(duty=approved["un.security_council"], user=secretariat)
    assert caught.value.code == "no_address"
    settings.EMAIL_ENABLED = False
    with pytest.raises(DomainError) as caught:
        actions.letter_dispatch(duty=approved["un.security_council"], user=secretariat)
    assert caught.value.code == "smtp_disabled"


def test_an_unapproved_letter_is_never_sent(duties, addresses, smtp_server, secretariat):
    with pytest.raises(DomainError) as caught:
        actions.letter_dispatch(duty=duties["un.security_council"], user=secretariat)
    assert caught.value.code == "not_approved"
    assert smtp_server.messages == []


def test_smtp_configuration_problems_are_reported(settings, api, duty_officer, cli):
    from crisisdesk.notices.apps import smtp_check

    settings.EMAIL_ENABLED, settings.EMAIL_HOST, settings.EMAIL_PORT = True, "", 99999
    problems = [w.msg for w in smtp_check(force=True)]
    assert any("EMAIL_HOST" in p for p in problems) and any("EMAIL_PORT" in p for p in problems)
    data = api(duty_officer).get("/api/notices/smtp").json()
    assert data["enabled"] and len(data["problems"]) >= 2
    code, out, err = cli("notices", "smtp")
    assert code == 1 and "EMAIL_HOST" in err
