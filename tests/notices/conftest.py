"""Fixtures for notices: a Kazakh case (released to KZ only) with an adopted deployment decision."""

import socket
from datetime import datetime, timezone

import pytest

from crisisdesk import clock

MEMBERS = [("alice", "KZ"), ("bob", "RU"), ("charlie", "BY"), ("armen", "AM"), ("kyrgyz", "KG"), ("tajik", "TJ")]


@pytest.fixture
def kz_only(org, alice, jan2022):
    """A case released to Kazakhstan alone: Bob (RU) and Charlie (BY) must not see it."""
    from crisisdesk.cases.actions import case_appeal

    return case_appeal(user=alice, member="KZ", title_en="Unrest in Kazakhstan (notices test)",
                       title_ru="Беспорядки в Казахстане (тест уведомлений)", ref="kz-notices",
                       released_to=["KZ"])


def adopt(case, org, keys, secretariat, *, with_mandate=True):
    from crisisdesk.cases.actions import case_mandate_set
    from crisisdesk.decisions.actions import decision_circulate, position_sign
    from crisisdesk.engines import signing

    decision = decision_circulate(case=case, user=secretariat, procedure="council-decision", purpose="deployment",
                                  facts={"purpose_ru": "охрана объектов", "purpose_en": "guard important objects"})
    text = decision.current_text
    for name, member in MEMBERS:
        message = signing.position_message(case=case.ref, decision=decision.pk, version=text.version,
                                           text=text.body, member=member, position="agree", reason="")
        position_sign(decision=decision, user=org["people"][name], member=member, position="agree", reason="",
                      text_sha256=text.sha256, signature=signing.sign(keys(f"{member}.head_of_state"), message))
    decision.refresh_from_db()
    assert decision.outcome == "adopted"
    if with_mandate:
        case_mandate_set(case=case, user=secretariat, purpose_ru="охрана важных объектов",
                         purpose_en="guard important objects", area=["Almaty"], legal_basis=["CST Art. 4"],
                         duration_days=None, end_triggers=["host_request"], contributing=["RU", "BY", "AM"])
    return decision


@pytest.fixture
def adopted(kz_only, org, keys, secretariat, django_capture_on_commit_callbacks):
    """The decision adopted through the real flow; the ledger listener opens the duties after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        decision = adopt(kz_only, org, keys, secretariat)
    return decision


@pytest.fixture
def duties(adopted, kz_only):
    from crisisdesk.notices.models import Duty

    return {d.recipient: d for d in Duty.objects.filter(case=kz_only)}


@pytest.fixture
def approved(duties, secretariat):
    from crisisdesk.notices.actions import letter_approve, letter_draft

    for duty in duties.values():
        letter_draft(duty=duty, user=secretariat)
        letter_approve(duty=duty, user=secretariat)
        duty.refresh_from_db()
    return duties


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """An aiosmtpd handler that keeps what it receives, or answers with a chosen error."""

    def __init__(self):
        self.messages = []
        self.rcpt_reply = None
        self.data_reply = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, and the settings pointing at it."""
    from aiosmtpd.controller import Controller

    handler = Recorder()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_ENABLED = True
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "crisis-centre@csto.test"
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def addresses(org):
    from crisisdesk.notices.actions import address_set

    organisation = org["charter"].organisation
    address_set(organisation=organisation, code="un.secretary_general", email="sg@un.test", actor="test")
    address_set(organisation=organisation, code="osce.secretary_general", email="sg@osce.test", actor="test")
    address_set(organisation=organisation, code="sco.secretary_general", email="sg@sco.test", actor="test")


def at(text: str):
    return clock.frozen_at(datetime.fromisoformat(text).replace(tzinfo=timezone.utc))


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """Django closes every connection after a command run from argv; on PostgreSQL that closes the
    test transaction's connection, so the in-process `cli` runs here leave it open."""
    from django.core.management import base

    monkeypatch.setattr(base.connections, "close_all", lambda: None)
