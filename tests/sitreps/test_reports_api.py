"""Filing, reading and editing situation reports through the API, with releasability."""

import base64

import pytest

from crisisdesk.ledger.models import Event
from crisisdesk.sitreps.models import Attachment, Figure, Report


def test_file_and_read_a_report(api, force_command, alice, report_json):
    response = api(force_command).post("/api/sitreps", json=report_json(
        figures=[{"key": "casualties.injured", "value": 12}],
        attachments=[{"name": "photo.txt", "mime_type": "text/plain",
                      "content_b64": base64.b64encode(b"hello").decode()}]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 1 and body["version"] == "initial" and body["source"] == "force_command"
    assert body["status"] == "Actual" and body["exercise"] is False
    assert body["released_to"] == ["ALL"]
    assert body["figures"][0]["key"] == "casualties.injured"
    event = Event.objects.get(type="sitreps:report:filed")
    assert event.data["report"] == body["id"] and event.case_ref == "kazakhstan-test"
    got = api(alice).get(f"/api/sitreps/{body['id']}")
    assert got.status_code == 200 and got.json()["title"] == "Crowd at the akimat"
    listing = api(alice).get("/api/sitreps?case=kazakhstan-test")
    assert [r["id"] for r in listing.json()] == [body["id"]]
    att = body["attachments"][0]
    download = api(alice).get(f"/api/sitreps/{body['id']}/attachments/{att['id']}")
    assert download.status_code == 200 and download.content == b"hello"
    assert download["Content-Type"] == "application/octet-stream"


def test_numbers_and_update_chain(file_report):
    first = file_report()
    second = file_report(version="update", preceding=first["number"], title="Crowd dispersed")
    assert second["number"] == 2 and second["preceding"] == 1


def test_releasability_hides_reports_from_other_states(api, force_command, alice, bob, charlie, outsider,
                                                      file_report):
    only_kz = file_report(released_to=["KZ"])
    for_all = file_report()
    for user, expected in [(alice, {only_kz["id"], for_all["id"]}), (bob, {for_all["id"]}),
                           (charlie, {for_all["id"]})]:
        listing = api(user).get("/api/sitreps?case=kazakhstan-test")
        assert listing.status_code == 200
        assert {r["id"] for r in listing.json()} == expected
    for user in (bob, charlie):
        assert api(user).get(f"/api/sitreps/{only_kz['id']}").status_code == 404
        assert api(user).get(f"/api/sitreps/{only_kz['id']}/revisions").status_code == 404
        assert api(user).put(f"/api/sitreps/{only_kz['id']}", json={"revision": 1, "title": "x"}).status_code == 404
    assert api(outsider).get("/api/sitreps").status_code == 403
    assert api(outsider).get(f"/api/sitreps/{for_all['id']}").status_code == 403
    assert api().get("/api/sitreps").status_code == 401


def test_a_delegate_cannot_edit_another_sources_report(api, bob, file_report):
    report = file_report()
    response = api(bob).put(f"/api/sitreps/{report['id']}", json={"revision": 1, "title": "Nothing happened"})
    assert response.status_code == 403
    assert Report.objects.get(pk=report["id"]).title == "Crowd at the akimat"


def test_a_delegate_files_as_their_state_only(api, alice, bob, report_json):
    response = api(alice).post("/api/sitreps", json=report_json(source="RU"))
    assert response.status_code == 422 and "source" in response.json()["fields"]
    ok = api(alice).post("/api/sitreps", json=report_json(released_to=["RU"]))
    assert ok.status_code == 201
    assert ok.json()["source"] == "KZ" and ok.json()["released_to"] == ["KZ", "RU"]


@pytest.mark.parametrize("over, field", [
    ({"period_from": "2030-01-01T00:00:00Z", "period_to": "2029-01-01T00:00:00Z"}, "period_to"),
    ({"period_to": "2099-01-01T00:00:00Z"}, "period_to"),
    ({"location": {"type": "Point", "coordinates": [200, 43]}}, "location"),
    ({"location": {"type": "Point", "coordinates": [76, -91]}}, "location"),
    ({"location": {"type": "Polygon", "coordinates": [[[76, 43], [77, 43], [77, 44]]]}}, "location"),
    ({"location": {"type": "Polygon", "coordinates": [[[76, 43], [77, 43], [77, 44], [76, 44.5]]]}}, "location"),
    ({"location": {"type": "LineString", "coordinates": [[76, 43], [77, 43]]}}, "location"),
    ({"released_to": ["KZ", "XX", "NATO"]}, "released_to"),
    ({"released_to": []}, "released_to"),
    ({"kind": "gossip"}, "kind"),
    ({"urgency": "Whenever"}, "urgency"),
    ({"status": "Draft"}, "status"),
    ({"version": "update"}, "preceding"),
    ({"version": "update", "preceding": 99}, "preceding"),
    ({"figures": [{"key": "Bad Key", "value": 1}]}, "figures[0].key"),
    ({"figures": [{"key": "killed", "value": -1}]}, "figures[0].value"),
    ({"attachments": [{"name": "a.bin", "content_b64": "!!!"}]}, "attachments[0].content_b64"),
    ({"attachments": [{"name": "../etc/passwd", "content_b64": "aGk="}]}, "attachments[0].name"),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(api, force_command, report_json, over, field):
    client = api(force_command)
    before = Event.objects.count()
    response = client.post("/api/sitreps", json=report_json(**over))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] == "invalid" and field in body["fields"], body
    assert field in body["detail"]
    assert Report.objects.count() == 0 and Figure.objects.count() == 0 and Attachment.objects.count() == 0
    assert Event.objects.count() == before


def test_missing_fields_and_wrong_types_answer_422(api, force_command, report_json):
    body = report_json()
    del body["period_from"]
    for payload in [body, {**report_json(), "location": "north"}, {"case": "kazakhstan-test"}]:
        response = api(force_command).post("/api/sitreps", json=payload)
        assert response.status_code == 422
        assert response.json()["error"] == "invalid"
    bad = api(force_command).post("/api/sitreps", data="{not json", content_type="application/json")
    assert 400 <= bad.status_code < 500 and "error" in bad.json()
    assert Report.objects.count() == 0


def test_oversized_attachment_is_refused(api, force_command, report_json):
    big = base64.b64encode(b"x" * (512 * 1024 + 1)).decode()
    response = api(force_command).post("/api/sitreps", json=report_json(
        attachments=[{"name": "big.bin", "content_b64": big}]))
    assert response.status_code in (413, 422)
    assert "error" in response.json()
    assert Report.objects.count() == 0


def test_unknown_case_or_other_states_case_is_404(api, alice, bob, report_json):
    from crisisdesk.cases.models import Case

    assert api(alice).post("/api/sitreps", json=report_json(case="no-such-case")).status_code == 404
    Case.objects.filter(ref="kazakhstan-test").update(released_to=["KZ"])
    assert api(bob).post("/api/sitreps", json=report_json()).status_code == 404
    assert api(bob).get("/api/sitreps?case=kazakhstan-test").status_code == 404


def test_analyst_cannot_file(api, analyst, report_json):
    response = api(analyst).post("/api/sitreps", json=report_json())
    assert response.status_code == 403


def test_exercise_case_reports_are_marked(api, org, alice, force_command, report_json):
    from crisisdesk.cases.actions import case_appeal

    case_appeal(user=alice, member="KZ", title_en="Exercise", title_ru="Учение", ref="ex-1", is_exercise=True)
    response = api(force_command).post("/api/sitreps", json=report_json(case="ex-1"))
    assert response.status_code == 201 and response.json()["status"] == "Exercise"
    assert response.json()["exercise"] is True
    refused = api(force_command).post("/api/sitreps", json=report_json(case="ex-1", status="Actual"))
    assert refused.status_code == 422 and "status" in refused.json()["fields"]


def test_script_in_text_is_stored_as_text(api, force_command, file_report):
    report = file_report(title="<script>alert(1)</script>", body="<img src=x onerror=alert(1)>")
    got = api(force_command).get(f"/api/sitreps/{report['id']}").json()
    assert got["title"] == "<script>alert(1)</script>"


# -- a closed case's record takes no new report and no correction -----------------------------


@pytest.fixture
def closed(secretariat, kz_case):
    from crisisdesk.cases.actions import case_close

    def close():
        case_close(case=kz_case, user=secretariat, reason="operation completed")
        kz_case.refresh_from_db()
        return kz_case

    return close


def test_a_closed_case_takes_no_new_report(api, force_command, report_json, file_report, closed):
    first = file_report()
    closed()
    client = api(force_command)
    before = Event.objects.count()
    for body in (report_json(title="Too late"),
                 report_json(title="A late update", version="update", preceding=first["number"]),
                 report_json(title="A late final", version="final", preceding=first["number"])):
        response = client.post("/api/sitreps", json=body)
        assert response.status_code == 409, response.content
        refused = response.json()
        assert refused["error"] == "case_closed"
        assert "closed" in refused["detail"] and "\n" not in refused["detail"]
    assert Report.objects.count() == 1 and Event.objects.count() == before


def test_a_report_on_a_closed_case_is_not_corrected(api, force_command, duty_officer, file_report, closed):
    report = file_report()
    closed()
    for user in (force_command, duty_officer):
        response = api(user).put(f"/api/sitreps/{report['id']}", json={"revision": 1, "title": "Rewritten"})
        assert response.status_code == 409, response.content
        assert response.json()["error"] == "case_closed" and "\n" not in response.json()["detail"]
    stored = Report.objects.get(pk=report["id"])
    assert stored.title == "Crowd at the akimat" and stored.revision == 1


def test_a_replay_still_records_history_dated_before_the_close(force_command, report_json, closed):
    """A replay files with historical=True, at a time before the case closed; later is refused."""
    from datetime import timedelta

    from crisisdesk import clock
    from crisisdesk.sitreps import actions

    case = closed()
    body = report_json()
    kwargs = dict(kind=body["kind"], title="From the replay", period_from=clock.now() - timedelta(hours=7),
                  period_to=clock.now() - timedelta(hours=1))
    with pytest.raises(actions.CaseClosed):
        actions.sitrep_file(user=force_command, case=case, **kwargs)
    with clock.frozen_at(case.closed_at - timedelta(minutes=30)):
        report = actions.sitrep_file(user=force_command, case=case, historical=True, **kwargs)
    assert report.number == 1
    with clock.frozen_at(case.closed_at + timedelta(minutes=30)), pytest.raises(actions.CaseClosed):
        actions.sitrep_file(user=force_command, case=case, historical=True, **kwargs)


# -- keys that cannot be set are refused, never dropped ----------------------------------------


@pytest.mark.parametrize("key, value", [
    ("number", 7), ("kind", "management_summary"), ("source", "KZ"), ("status", "Test"), ("filed_by", "x"),
    ("releasedTo", ["KZ"]), ("no_such_key", 1),
])
def test_an_edit_with_a_key_it_cannot_set_is_refused_naming_it(api, force_command, file_report, key, value):
    report = file_report()
    client = api(force_command)
    before = Event.objects.count()
    response = client.put(f"/api/sitreps/{report['id']}", json={"revision": 1, "title": "Edited", key: value})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] == "invalid" and key in body["fields"] and key in body["detail"], body
    stored = Report.objects.get(pk=report["id"])
    assert stored.title == "Crowd at the akimat" and stored.revision == 1 and Event.objects.count() == before


def test_a_report_with_an_unknown_key_is_refused_not_released_to_everyone(api, force_command, report_json):
    """A misspelt `released_to` used to be dropped, filing the report for the whole case."""
    response = api(force_command).post("/api/sitreps", json={**report_json(), "release_to": ["KZ"]})
    assert response.status_code == 422 and "release_to" in response.json()["fields"]
    attached = report_json(attachments=[{"name": "a.txt", "content_b64": "aGk=", "mime": "text/plain"}],
                           figures=[{"key": "killed", "value": 1, "source": "KZ"}])
    body = api(force_command).post("/api/sitreps", json=attached).json()
    assert {"attachments[0].mime", "figures[0].source"} <= set(body["fields"]), body
    assert Report.objects.count() == 0
