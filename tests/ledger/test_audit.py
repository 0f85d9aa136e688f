"""The ledger is hash-chained: `crisisdesk audit verify` finds an edited or deleted row."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_it_verifies_an_intact_ledger(cli, kz_case):
    code, out, err = cli("audit", "verify")
    assert code == 0, err
    assert "ledger intact" in out


def test_it_names_the_first_altered_event(cli, kz_case):
    from crisisdesk.ledger.models import Event

    target = Event.objects.get(type="case:appeal:received")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_event SET actor = %s WHERE id = %s", ["mallory", target.pk])
    code, out, err = cli("audit", "verify")
    assert code == 1
    assert f"event {target.seq}" in err
    assert "altered" in err


def test_it_names_a_missing_event(cli, kz_case):
    from crisisdesk.ledger.models import Event

    first = Event.objects.order_by("seq").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_event WHERE id = %s", [first.pk])
    code, out, err = cli("audit", "verify")
    assert code == 1
    assert f"event {first.seq}" in err
    assert "missing" in err


def test_a_record_outside_a_transaction_is_refused(transactional_db):
    from crisisdesk.events import EventType
    from crisisdesk.ledger.writer import record

    with pytest.raises(RuntimeError):
        record(EventType.CASE_CLOSED, actor="x")
