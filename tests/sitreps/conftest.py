from datetime import timedelta

import pytest


@pytest.fixture
def report_json(kz_case):
    """A valid report body on the KZ case; override keys per test."""
    from crisisdesk import clock

    now = clock.now()

    def make(**over):
        body = {
            "case": kz_case.ref, "kind": "field_observation", "title": "Crowd at the akimat",
            "body": "About 300 people near the square.", "period_from": (now - timedelta(hours=6)).isoformat(),
            "period_to": (now - timedelta(minutes=1)).isoformat(), "urgency": "Immediate", "severity": "Severe",
            "confidence": "Likely", "location": {"type": "Point", "coordinates": [76.9457, 43.2383]},
            "place": "Almaty, Republic Square",
        }
        body.update(over)
        return body

    return make


@pytest.fixture
def file_report(api, force_command, report_json):
    def make(user=None, **over):
        response = api(user or force_command).post("/api/sitreps", json=report_json(**over))
        assert response.status_code == 201, response.content
        return response.json()

    return make


@pytest.fixture(autouse=True)
def fresh_stream_hub():
    """Forget the live stream's subscribers and last seq after each test: a stream a test opened
    but never read (its generator never ran) stays subscribed, and the rolled-back ledger reuses
    seqs, so a stale last seq would hide the next test's events."""
    yield
    from crisisdesk.sitreps.stream import hub

    with hub._lock:
        hub._subscribers.clear()
        hub.last_seq = None
