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
def token(org, kz_case):
    from crisisdesk.accounts.actions import token_create

    return token_create(username=org["people"]["secretariat"].username, actor="test")


schema = _schema()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_fuzz(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
