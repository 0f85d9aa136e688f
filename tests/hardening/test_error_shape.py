"""A request that fails the API's schema (a wrong type, a missing key, an unknown key) answers in
the shape of the domain's 422: `error`, a one-line `detail`, and `fields` {field path: message}."""

import pytest

from crisisdesk.sitreps.models import Report


@pytest.fixture
def sitrep(kz_case):
    def make(**over):
        body = {"case": kz_case.ref, "kind": "field_observation", "title": "Quiet night",
                "period_from": "2020-01-01T00:00:00Z", "period_to": "2020-01-01T06:00:00Z"}
        body.update(over)
        return {k: v for k, v in body.items() if v is not None}

    return make


def _refused(response) -> dict:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] == "invalid" and isinstance(body["fields"], dict) and body["fields"]
    assert isinstance(body["detail"], str) and "\n" not in body["detail"]
    for path, message in body["fields"].items():
        assert isinstance(message, str) and message and f"{path}: " in body["detail"]
    return body["fields"]


def test_schema_errors_name_their_fields_like_domain_errors(api, force_command, sitrep):
    client = api(force_command)
    fields = _refused(client.post("/api/sitreps", json=sitrep(period_from=None, location="north")))
    assert set(fields) == {"period_from", "location"}
    # Nested paths are written as the domain writes them: figures[0].value.
    fields = _refused(client.post("/api/sitreps", json=sitrep(figures=[{"key": "killed", "value": "many"}])))
    assert set(fields) == {"figures[0].value"}
    # A field named like ninja's own location parts ("body") keeps its name.
    fields = _refused(client.post("/api/sitreps", json=sitrep(body=["not", "text"])))
    assert set(fields) == {"body"}
    # The domain's own 422 has the same shape.
    domain = _refused(client.post("/api/sitreps", json=sitrep(figures=[{"key": "Bad Key", "value": 1}])))
    assert set(domain) == {"figures[0].key"}
    assert Report.objects.count() == 0


def test_query_and_path_errors_keep_their_source(api, force_command, kz_case):
    client = api(force_command)
    assert set(_refused(client.get("/api/sitreps?limit=0"))) == {"query.limit"}
    assert set(_refused(client.get("/api/sitreps/abc"))) == {"path.report_id"}


def test_a_body_that_is_not_an_object_is_named_body(api, force_command):
    fields = _refused(api(force_command).post("/api/sitreps", json=[1, 2]))
    assert fields  # Each required field is named, or the body as a whole.
