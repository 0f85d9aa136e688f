"""Pages: file with field-level errors, script shown as text, the conflict screen, map and dashboard."""

import re

import pytest
from django.test import Client

from crisisdesk.sitreps.models import Report


@pytest.fixture
def page(org):
    def make(user):
        client = Client()
        client.force_login(user)
        return client
    return make


def form(**over):
    data = {"case": "kazakhstan-test", "kind": "field_observation", "title": "Checkpoint set up",
            "body": "", "version": "initial", "period_from": "2020-01-01T00:00", "period_to": "2020-01-01T06:00",
            "urgency": "Expected", "severity": "Minor", "confidence": "Likely", "lat": "43.35", "lon": "77.04"}
    data.update(over)
    return data


def test_file_from_the_page_and_see_it(page, force_command, kz_case):
    client = page(force_command)
    assert client.get("/sitreps/?case=kazakhstan-test").status_code == 200
    response = client.post("/sitreps/", form())
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.location == {"type": "Point", "coordinates": [77.04, 43.35]}
    assert client.get(response["Location"]).status_code == 200


def test_page_shows_field_errors_and_saves_nothing(page, force_command, kz_case):
    client = page(force_command)
    response = client.post("/sitreps/", form(lat="95", period_to="2019-01-01T00:00", released_to=["KZ", "QQ"]))
    assert response.status_code == 422
    html = response.content.decode()
    assert "latitude 95.0 is out of range" in html and "the period ends before it starts" in html
    assert "unknown member states or bodies: QQ" in html
    assert Report.objects.count() == 0


def test_script_in_fields_is_shown_as_text(page, force_command, kz_case):
    client = page(force_command)
    client.post("/sitreps/", form(title="<script>alert(1)</script>", body="<b>bold</b>"))
    report = Report.objects.get()
    for url in ("/sitreps/?case=kazakhstan-test", f"/sitreps/{report.pk}/"):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<b>bold</b>" not in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script on the page"


def test_conflict_screen_shows_both_versions(page, force_command, duty_officer, kz_case):
    a, b = page(force_command), page(duty_officer)
    a.post("/sitreps/", form())
    report = Report.objects.get()
    edit = {"revision": "1", "title": "First edit", "body": "", "place": "", "urgency": "Expected",
            "severity": "Minor", "confidence": "Likely", "period_from": "2020-01-01T00:00",
            "period_to": "2020-01-01T06:00", "lat": "43.35", "lon": "77.04", "released_to": ["ALL"]}
    assert a.post(f"/sitreps/{report.pk}/", edit).status_code == 302
    response = b.post(f"/sitreps/{report.pk}/", {**edit, "title": "Second edit"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="conflict-table"' in html and "First edit" in html and "Second edit" in html
    report.refresh_from_db()
    assert report.title == "First edit" and report.revision == 2


def test_other_state_cannot_open_or_edit(page, force_command, bob, kz_case):
    page(force_command).post("/sitreps/", form(released_to=["KZ"]))
    report = Report.objects.get()
    client = page(bob)
    assert client.get(f"/sitreps/{report.pk}/").status_code == 404
    assert client.post(f"/sitreps/{report.pk}/", {"revision": "1", "title": "x"}).status_code == 404
    assert "Checkpoint set up" not in client.get("/sitreps/?case=kazakhstan-test").content.decode()
    kz_case.released_to = ["KZ"]
    kz_case.save()
    assert client.get("/map/?case=kazakhstan-test").status_code == 404
    assert client.get("/dashboard/?case=kazakhstan-test").status_code == 404


def test_map_and_dashboard_pages(page, api, alice, force_command, kz_case):
    page(force_command).post("/sitreps/", form())
    client = page(alice)
    html = client.get("/map/?case=kazakhstan-test").content.decode()
    assert 'id="map"' in html and "sitreps/map.js" in html and "leaflet.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert client.get("/dashboard/?case=kazakhstan-test").status_code == 200
    layers = api(alice).get("/api/sitreps/layers?case=kazakhstan-test").json()
    assert {m["code"] for m in layers["members"]} >= {"KZ", "RU", "BY"}
    assert any(f["properties"]["icao"] == "UAAA" for f in layers["airfields"]["features"])
    assert len(layers["incidents"]["features"]) == 1
    dash = api(alice).get("/api/analytics/cases/kazakhstan-test/dashboard")
    assert dash.status_code == 200 and dash.json()["reports"] == 1


def test_the_map_and_dashboard_speak_russian(page, api, alice, kz_case):
    import html as html_lib
    import json

    client = page(alice)
    client.post("/language/", {"language": "ru", "next": "/"})
    text = client.get("/map/?case=kazakhstan-test").content.decode()
    labels = json.loads(html_lib.unescape(re.search(r'data-labels="([^"]*)"', text).group(1)))
    assert labels["Member states"] == "Государства-члены" and labels["live"] == "в эфире"
    assert "обращение → решение" in client.get("/dashboard/?case=kazakhstan-test").content.decode()


def test_reports_and_their_field_errors_speak_russian(page, force_command, kz_case):
    client = page(force_command)
    client.post("/language/", {"language": "ru", "next": "/"})
    refused = client.post("/sitreps/", form(title="", period_to="2019-12-31T00:00"))
    text = refused.content.decode()
    assert refused.status_code == 422
    assert "обязательное поле" in text and "период заканчивается раньше, чем начинается" in text
    assert client.post("/sitreps/", form()).status_code == 302
    listing = client.get("/sitreps/?case=kazakhstan-test").content.decode()
    assert "полевое наблюдение" in listing and "Ожидаемая / Незначительная / Вероятно" in listing


def test_static_assets_are_vendored():
    from django.contrib.staticfiles import finders

    for path in ("sitreps/vendor/leaflet/leaflet.js", "sitreps/vendor/leaflet/leaflet.css",
                 "sitreps/vendor/topojson-client/topojson-client.min.js",
                 "sitreps/vendor/world-atlas/countries-50m.json", "sitreps/map.js", "sitreps/live.js"):
        assert finders.find(path), path


def test_a_closed_case_takes_no_report_or_correction_from_the_page(page, force_command, secretariat, kz_case):
    from crisisdesk.cases.actions import case_close

    client = page(force_command)
    assert client.post("/sitreps/", form()).status_code == 302
    report = Report.objects.get()
    case_close(case=kz_case, user=secretariat, reason="operation completed")
    refused = client.post("/sitreps/", form(title="Too late"))
    assert refused.status_code == 409 and refused["Content-Type"].startswith("text/html")
    html = refused.content.decode()
    assert "case kazakhstan-test is closed" in html and 'id="case-closed"' in html
    assert Report.objects.count() == 1
    edit = {"revision": "1", "title": "Rewritten", "body": "", "place": "", "urgency": "Expected",
            "severity": "Minor", "confidence": "Likely", "period_from": "2020-01-01T00:00",
            "period_to": "2020-01-01T06:00", "lat": "43.35", "lon": "77.04", "released_to": ["ALL"]}
    refused = client.post(f"/sitreps/{report.pk}/", edit)
    assert refused.status_code == 409 and "is closed" in refused.content.decode()
    report.refresh_from_db()
    assert report.title == "Checkpoint set up" and report.revision == 1


def test_an_edit_on_the_page_keeps_a_period_with_seconds_exact(page, api, force_command, report_json):
    """The page shows the period to the minute; sent back untouched, it must not round the stored one."""
    from datetime import datetime, timezone

    exact_from = datetime(2021, 12, 31, 22, 15, 37, 250000, tzinfo=timezone.utc)
    exact_to = datetime(2022, 1, 1, 3, 59, 59, tzinfo=timezone.utc)
    filed = api(force_command).post("/api/sitreps", json=report_json(
        period_from=exact_from.isoformat(), period_to=exact_to.isoformat())).json()
    client = page(force_command)
    shown = client.get(f"/sitreps/{filed['id']}/").content.decode()
    values = dict(re.findall(r'name="(period_from|period_to)" value="([^"]*)"', shown))
    assert set(values) == {"period_from", "period_to"}
    edit = {"revision": "1", "title": "Crowd growing", "body": filed["body"], "place": filed["place"],
            "urgency": "Immediate", "severity": "Severe", "confidence": "Likely", "lat": "43.2383",
            "lon": "76.9457", "released_to": ["ALL"], **values}
    assert client.post(f"/sitreps/{filed['id']}/", edit).status_code == 302
    report = Report.objects.get(pk=filed["id"])
    assert report.title == "Crowd growing" and report.revision == 2
    assert report.period_from == exact_from and report.period_to == exact_to
    from crisisdesk.ledger.models import Event

    changes = Event.objects.filter(type="sitreps:report:updated").get().data["changes"]
    assert set(changes) == {"title"}, changes
    # A period the user does change is taken as typed.
    edit.update(revision="2", period_from="2021-12-31T20:00")
    assert client.post(f"/sitreps/{filed['id']}/", edit).status_code == 302
    report.refresh_from_db()
    assert report.period_from != exact_from and report.period_from.second == 0 and report.period_to == exact_to


def test_an_attachment_over_the_limit_re_renders_the_form(page, force_command, kz_case):
    """Over the per-file limit the page answers with its own form and the reason, never the API's JSON."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from crisisdesk.sitreps.actions import MAX_ATTACHMENT_BYTES

    client = page(force_command)
    big = SimpleUploadedFile("photo.jpg", b"x" * (MAX_ATTACHMENT_BYTES + 1), content_type="image/jpeg")
    response = client.post("/sitreps/", form(title="With a photo", attachments=big))
    assert response.status_code == 422 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "photo.jpg" in html and 'value="With a photo"' in html
    assert Report.objects.count() == 0


def test_an_upload_over_the_body_limit_re_renders_the_form(page, force_command, kz_case, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = page(force_command)
    big = SimpleUploadedFile("video.mp4", b"x" * (settings.MAX_BODY_BYTES + 1), content_type="video/mp4")
    response = client.post("/sitreps/", form(title="With a video", attachments=big))
    assert 400 <= response.status_code < 500 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "video.mp4" in html and 'value="With a video"' in html
    assert Report.objects.count() == 0


def test_an_upload_over_the_page_limit_gets_a_page_not_json(page, force_command, kz_case, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_PAGE_UPLOAD_BYTES = settings.MAX_BODY_BYTES * 2
    client = page(force_command)
    big = SimpleUploadedFile("video.mp4", b"x" * (settings.MAX_PAGE_UPLOAD_BYTES + 1), content_type="video/mp4")
    response = client.post("/sitreps/", form(title="Too big", attachments=big))
    assert response.status_code == 413 and response["Content-Type"].startswith("text/html")
    assert "nothing was saved" in response.content.decode()
    assert Report.objects.count() == 0
