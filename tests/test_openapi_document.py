"""The published OpenAPI document is plain JSON that strict parsers (Swagger UI's YAML reader,
code generators) accept: no key appears twice in one object."""

import json

import pytest


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        assert key not in seen, f"the key {key!r} appears twice"
        seen[key] = value
    return seen


@pytest.mark.django_db
def test_the_openapi_document_has_no_duplicated_keys(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = json.loads(response.content, object_pairs_hook=_no_duplicates)
    stream = doc["paths"]["/api/stream"]["get"]["responses"]["200"]
    assert "text/event-stream" in stream["content"]


def test_the_duplicate_check_can_fail():
    with pytest.raises(AssertionError, match="appears twice"):
        json.loads('{"200": 1, "200": 2}', object_pairs_hook=_no_duplicates)


@pytest.mark.django_db
def test_an_unknown_api_address_answers_in_the_error_shape(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "not_found"
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and not page["Content-Type"].startswith("application/json")
