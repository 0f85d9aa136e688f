"""schemathesis against /api/openapi.json: no input, however malformed, gives a 5xx or an answer
that does not match the schema. Runs in-process (WSGI), as an authenticated Secretariat user (who
passes most access checks, so the fuzz reaches the actions), on a world with a case.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]

MAX_EXAMPLES = 12  # per operation: the whole run stays well under two minutes


def _schema():
    from django.core.wsgi import get_wsgi_application

    loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    # The live stream blocks for `timeout` seconds by design; it has its own tests.
    return loaded.exclude(path="/api/stream")


@pytest.fixture
def keep_connection():
    """The WSGI app closes the database connection after each request, as in production; the
    test's transaction needs it open (django.test.Client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(org, kz_case, keep_connection):
    from crisisdesk.accounts.actions import token_create

    return token_create(username=org["people"]["secretariat"].username, actor="test")


schema = _schema()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_fuzz(case, token):
    from django.db import transaction

    # Each example in its own savepoint, rolled back: on PostgreSQL a failed statement would
    # otherwise abort the test's transaction for every later example.
    with transaction.atomic():
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
