"""The after-action report: HTML and PDF (WeasyPrint), checked as an image and as text; CSV exports; pages."""

import csv
import io
import shutil
import subprocess

import pytest

from crisisdesk.notices import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_lesson(approved, kz_only, duty_officer):
    actions.delivery_record(duty=approved["un.security_council"], user=duty_officer, note="by hand")
    actions.lesson_add(case=kz_only, user=duty_officer, observation="=cmd|' /C calc'!A0", lesson="l",
                       action="a", owner="Secretariat")
    return kz_only


def test_the_pdf_report_is_not_blank_and_holds_the_case_name(with_lesson, cli, tmp_path):
    for tool in ("pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} (poppler-utils) is not installed")
    target = tmp_path / "report.pdf"
    code, out, err = cli("report", "kz-notices", "--format", "pdf", "--out", target)
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-f", "1", "-l", "1", str(target), str(tmp_path / "page")],
                   check=True)
    [image] = list(tmp_path.glob("page*.pgm"))
    data = image.read_bytes()
    header_end = data.index(b"255\n") + 4  # P5 width height 255\n
    pixels = data[header_end:]
    dark = sum(1 for b in pixels if b < 128)
    assert dark > len(pixels) * 0.01, "the first page is blank"
    text = subprocess.run(["pdftotext", str(target), "-"], check=True, capture_output=True, text=True).stdout
    assert "Unrest in Kazakhstan (notices test)" in text
    assert "Беспорядки в Казахстане" in text  # Cyrillic glyphs made it into the text layer.
    assert "Notification timeliness" in text and "UN Security Council" in text


def test_the_html_report_has_every_section(with_lesson, cli, tmp_path):
    target = tmp_path / "report.html"
    code, out, err = cli("report", "kz-notices", "--format", "html", "--out", target)
    assert code == 0, err
    html = target.read_text()
    for section in ("Timeline", "Tempo against the charter", "Report timeliness per source",
                    "Notification timeliness", "Time to public statements", "Lessons register"):
        assert section in html
    assert "data:image/png;base64," in html
    assert "recorded by operator" in html
    assert cli("report", "nope", "--format", "pdf")[0] == 1
    assert cli("report", "kz-notices", "--format", "docx")[0] != 0


def test_csv_exports_by_command_and_api(with_lesson, cli, tmp_path, api, analyst, alice):
    target = tmp_path / "n.csv"
    code, out, err = cli("export", "notifications", "--case", "kz-notices", "--out", target)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert {r["recipient"] for r in rows} == {"un.security_council", "osce.secretary_general", "sco.secretary_general"}
    sent = next(r for r in rows if r["recipient"] == "un.security_council")
    assert sent["delivery"] == "operator" and sent["approved_by"] == "secretariat" and sent["gap_hours"]
    code, out, err = cli("export", "ledger", "--case", "kz-notices")
    assert code == 0 and "decision:outcome:adopted" in out
    code, out, err = cli("export", "lessons")
    assert "'=cmd" in out  # A formula is neutralised for spreadsheets.
    assert cli("export", "sitreps")[0] == 0
    response = api(analyst).get("/api/notices/export/ledger.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "organization:charter:loaded" in response.content.decode()
    # A delegate's ledger export holds only the events of the cases released to them.
    mine = api(alice).get("/api/notices/export/ledger.csv").content.decode()
    assert "kz-notices" in mine and "organization:charter:loaded" not in mine


def test_pages_render_for_the_centre_and_hide_from_others(with_lesson, client, org, duty_officer, bob):
    from tests.conftest import PASSWORD

    duty = with_lesson.notice_duties.first()
    assert client.get("/notices/").status_code == 302  # Login required.
    client.login(username="duty_officer", password=PASSWORD)
    page = client.get("/notices/").content.decode()
    assert "Notifications register" in page and "e-mail dispatch is off" in page
    assert "UN Security Council" in client.get("/notices/cases/kz-notices/").content.decode()
    assert client.get(f"/notices/duties/{duty.pk}/").status_code == 200
    assert client.get("/notices/cases/kz-notices/report/").status_code == 200
    response = client.post("/notices/cases/kz-notices/lessons/", {"observation": "from the page"})
    assert response.status_code == 302
    assert with_lesson.lessons.filter(observation="from the page").exists()
    client.logout()
    client.login(username="bob", password=PASSWORD)
    assert "UN Security Council" not in client.get("/notices/").content.decode()
    assert client.get("/notices/cases/kz-notices/").status_code == 404
    assert client.get(f"/notices/duties/{duty.pk}/").status_code == 404
    assert client.post(f"/notices/duties/{duty.pk}/approve/").status_code == 404
    assert client.get("/notices/cases/kz-notices/report.pdf").status_code == 404
    assert client.post("/notices/cases/kz-notices/lessons/", {"observation": "x"}).status_code == 404


def test_the_report_and_the_register_speak_russian(with_lesson, client, org, duty_officer):
    from tests.conftest import PASSWORD

    client.login(username="duty_officer", password=PASSWORD)
    client.post("/language/", {"language": "ru", "next": "/"})
    report = client.get("/notices/cases/kz-notices/report/").content.decode()
    assert "получено обращение" in report and "appeal received" not in report
    assert "case:appeal:received" not in report
    case_page = client.get("/notices/cases/kz-notices/").content.decode()
    assert "в работе" in case_page and ">in_progress<" not in case_page  # lesson statuses
