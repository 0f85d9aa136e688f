"""Optimistic locking: the second writer gets 409 with both versions; nothing is overwritten."""

from crisisdesk.ledger.models import Event
from crisisdesk.sitreps.models import Report, ReportRevision


def test_second_writer_gets_a_conflict_with_both_versions(api, force_command, duty_officer, file_report):
    report = file_report()
    first = api(force_command).put(f"/api/sitreps/{report['id']}", json={"revision": 1, "title": "Crowd grows"})
    assert first.status_code == 200 and first.json()["revision"] == 2
    second = api(duty_officer).put(f"/api/sitreps/{report['id']}", json={"revision": 1, "title": "Crowd leaves"})
    assert second.status_code == 409
    body = second.json()
    assert body["error"] == "conflict" and "force_command" in body["detail"]
    assert body["current"]["title"] == "Crowd grows" and body["current"]["revision"] == 2
    assert body["yours"]["title"] == "Crowd leaves" and body["yours"]["revision"] == 1
    assert body["base"]["title"] == "Crowd at the akimat"
    assert Report.objects.get(pk=report["id"]).title == "Crowd grows"
    retry = api(duty_officer).put(f"/api/sitreps/{report['id']}", json={"revision": 2, "title": "Crowd leaves"})
    assert retry.status_code == 200 and retry.json()["revision"] == 3
    assert list(ReportRevision.objects.filter(report_id=report["id"]).values_list("revision", flat=True)) == [1, 2, 3]
    updates = Event.objects.filter(type="sitreps:report:updated").order_by("seq")
    assert [e.data["changes"]["title"][1] for e in updates] == ["Crowd grows", "Crowd leaves"]
    history = api(force_command).get(f"/api/sitreps/{report['id']}/revisions").json()
    assert [h["by"] for h in history] == ["force_command", "force_command", "duty_officer"]


def test_bad_edit_is_refused_without_change(api, force_command, file_report):
    report = file_report()
    for payload in [{"revision": 1, "location": {"type": "Point", "coordinates": [0, 99]}},
                    {"revision": 1, "released_to": ["ZZ"]},
                    {"revision": 1, "title": ""},
                    {"revision": 0, "title": "x"}]:
        response = api(force_command).put(f"/api/sitreps/{report['id']}", json=payload)
        assert response.status_code == 422, payload
    assert Report.objects.get(pk=report["id"]).revision == 1
