"""The registry's pages in the web shell, through the Django test client.

Access is the registry API's: any post holder reads; a user without a post is refused; a visitor
who is not logged in is sent to the login page. The screening form records a run like the API.
"""

import re

import pytest
from django.test import Client

from crisisdesk.registry.models import ScreeningRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]

PAGES = ["/registry/", "/registry/organizations/org-isil/", "/registry/unified/", "/registry/divergence/",
         "/registry/screen/", "/registry/unified.csv"]


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, demo, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("url", [*PAGES, "/registry/unified.pdf"])
def test_a_user_without_a_post_is_refused(login, outsider, demo, url):
    response = login(outsider).get(url)
    assert response.status_code == 403
    assert "Islamic State" not in response.content.decode()


def test_screening_by_a_user_without_a_post_is_refused_and_not_recorded(login, outsider, demo):
    response = login(outsider).post("/registry/screen/", {"names": "Islamskoe gosudarstvo"})
    assert response.status_code == 403
    assert not ScreeningRun.objects.exists()


@pytest.mark.parametrize("user", ["alice", "bob", "charlie", "secretariat", "analyst"])
def test_every_post_holder_reads_every_page(login, org, demo, user):
    client = login(org["people"][user])
    for url in PAGES:
        assert client.get(url).status_code == 200, url


def test_the_list_shows_names_with_script_language_type_and_designations_by_state(login, alice, demo):
    page = login(alice).get("/registry/").content.decode()
    assert "Islamic State in Iraq and the Levant" in page
    assert "Исламское государство" in page
    assert "Исламское государство</span> <span class=\"name-meta\">Cyrl · — · alias</span>" in page
    assert "Islamic State in Iraq and the Levant</span> <span class=\"name-meta\">Latn · en · primary</span>" in page
    row = page[page.index("Islamic State in Iraq and the Levant</a>"):]
    row = row[:row.index("</tr>")]
    assert "<strong>RU</strong>" in row and "code-T" in row
    assert 'href="/registry/" aria-current="page"' in page  # the shell's bar leads here


def test_the_list_as_of_a_date_before_any_act_shows_no_designation(login, alice, demo):
    page = login(alice).get("/registry/", {"as_of": "1990-01-01"}).content.decode()
    assert "Islamic State in Iraq and the Levant" in page
    assert "<strong>RU</strong>" not in page
    assert "No designation in force on this day." in page


def test_a_bad_date_is_a_message_not_a_crash(login, alice, demo):
    response = login(alice).get("/registry/", {"as_of": "06.01.2022"})
    assert response.status_code == 400
    assert "is not a date" in response.content.decode()
    assert login(alice).get("/registry/unified.csv", {"as_of": "nope"}).status_code == 400


def test_search_finds_a_name_in_another_script(login, alice, demo):
    page = login(alice).get("/registry/", {"q": "Islamskoe gosudarstvo"}).content.decode()
    assert "Islamic State in Iraq and the Levant" in page
    assert "Hizb ut-Tahrir" not in page
    page = login(alice).get("/registry/", {"q": "Хизб"}).content.decode()
    assert "Hizb ut-Tahrir" in page and "Islamic State in Iraq and the Levant</a>" not in page


def test_an_organisation_page_lists_names_designations_and_history(login, bob, demo):
    page = login(bob).get("/registry/organizations/org-isil/").content.decode()
    assert "Islamic State in Iraq and the Levant" in page and "Daesh" in page
    assert "RU-SC-2014-12-29" in page or "2014-12-29" in page
    assert login(bob).get("/registry/organizations/no-such-org/").status_code == 404


@pytest.fixture
def all_members(cli, org, tmp_path):
    """An organisation that every 2022 member lists as terrorist, and one that only Russia does."""
    rows = "".join(f"org-test,Test Brigade,{s},terrorist,active,2010-01-01,,https://example.org/{s}\n"
                   for s in ("AM", "BY", "KZ", "KG", "RU", "TJ"))
    path = tmp_path / "all.csv"
    path.write_text("org_id,name,state,category,status,act_date,end_date,source_url\n" + rows
                    + "org-partial,Partial Front,RU,terrorist,active,2010-01-01,,https://example.org/p\n",
                    encoding="utf-8")
    code, _, err = cli("registry", "import", str(path))
    assert code == 0, err


def test_the_unified_list_as_of_a_date_with_downloads(login, alice, all_members):
    client = login(alice)
    page = client.get("/registry/unified/", {"as_of": "2022-01-06"}).content.decode()
    assert "Test Brigade" in page and "Partial Front" not in page
    assert "AM, BY, KG, KZ, RU, TJ" in page
    assert "derived only" in page  # no Council decision put it there yet
    assert 'href="/registry/unified.csv?as_of=2022-01-06"' in page
    assert 'href="/registry/unified.pdf?as_of=2022-01-06"' in page
    assert "Test Brigade" not in client.get("/registry/unified/", {"as_of": "2009-01-01"}).content.decode()
    response = client.get("/registry/unified.csv", {"as_of": "2022-01-06"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "organization,name,state,act,since,source_url,council_decision"
    assert len(lines) == 1 + 6 and all(line.startswith("org-test,Test Brigade,") for line in lines[1:])


def test_the_unified_list_names_the_council_decision(login, api, alice, secretariat, all_members):
    proposal = api(alice).post("/api/registry/proposals", json={"organization": "org-test", "state": "KZ"})
    assert proposal.status_code == 201, proposal.content
    decided = api(secretariat).post(f"/api/registry/proposals/{proposal.json()['proposal']}/decide",
                                    json={"outcome": "listed", "decision_ref": "CSC-2021-7", "decided_on": "2021-11-01"})
    assert decided.status_code == 200, decided.content
    page = login(alice).get("/registry/unified/", {"as_of": "2022-01-06"}).content.decode()
    assert "CSC-2021-7 (2021-11-01)" in page


def test_the_unified_list_as_pdf(login, alice, all_members):
    pytest.importorskip("weasyprint", reason="PDF needs WeasyPrint")
    response = login(alice).get("/registry/unified.pdf", {"as_of": "2022-01-06"})
    if response.status_code == 503:
        pytest.skip(response.content.decode())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_the_divergence_matrix_shows_acts_since_dates_and_gaps(login, charlie, demo):
    page = login(charlie).get("/registry/divergence/", {"as_of": "2022-01-06"}).content.decode()
    header = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    for state in ("AM", "BY", "KG", "KZ", "RU", "TJ"):
        assert f">{state}</th>" in header
    row = page[page.index(">Islamic State in Iraq and the Levant</a>"):]
    row = row[:row.index("</tr>")]
    columns = header.count('<th scope="col">') - 1
    assert columns >= 6 and row.count("<td") == columns  # one cell per state (and the UN), gaps included
    assert "code-T" in row and "since 2014-12-29" in row
    assert "code-unknown" in page and "no data" in page  # gaps are shown, never as "not listed"


def test_the_screening_form_shows_a_match_and_records_the_run(login, alice, demo):
    response = login(alice).post("/registry/screen/", {"names": "Islamskoe gosudarstvo\n\nAcme Trading LLC\n",
                                                       "threshold": ""})
    assert response.status_code == 200
    page = response.content.decode()
    results = page[page.index('class="screen-results"'):page.index("</table>", page.index('class="screen-results"'))]
    assert "Islamskoe gosudarstvo" in results
    assert "org-isil" in results and "Исламское государство" in results
    assert "transliteration" in results
    assert "<strong>RU</strong>: terrorist, active" in results
    assert re.search(r"<td>0\.\d\d</td>|<td>1\.00</td>", results)  # a score
    assert "Acme Trading LLC" in results and "No match." in results
    run = ScreeningRun.objects.get()
    assert run.actor == alice.username and run.names == ["Islamskoe gosudarstvo", "Acme Trading LLC"]
    assert run.source == "web" and run.states == ["KZ"]
    assert run.results[0][0][0] == "org-isil" and run.results[1] == []
    assert run.ref in page  # and it is listed among the earlier screenings


def test_the_screening_form_answers_htmx_with_the_results_alone(login, alice, demo):
    response = login(alice).post("/registry/screen/", {"names": "Islamskoe gosudarstvo"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "org-isil" in page
    assert "<html" not in page and "Earlier screenings" not in page


@pytest.mark.parametrize("data,message", [
    ({"names": "  \n "}, "Enter at least one name"),
    ({"names": "Daesh", "threshold": "high"}, "The threshold must be a number from 0 to 1."),
    ({"names": "Daesh", "threshold": "1.5"}, "The threshold must be a number from 0 to 1."),
    ({"names": "x\n" * 1001}, "at most 1000"),
])
def test_bad_screening_input_is_refused_with_a_message(login, alice, demo, data, message):
    response = login(alice).post("/registry/screen/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ScreeningRun.objects.exists()


def test_a_higher_threshold_drops_weaker_matches(login, alice, demo):
    low = login(alice).post("/registry/screen/", {"names": "Islamskoe gosudarstvo", "threshold": "0.1"})
    high = login(alice).post("/registry/screen/", {"names": "Islamskoe gosudarstvo", "threshold": "1"})
    assert low.status_code == high.status_code == 200
    assert "org-isil" in low.content.decode()
    runs = ScreeningRun.objects.order_by("created_at", "pk")
    assert [r.threshold for r in runs] == [0.1, 1.0]
    assert len(runs[0].results[0]) >= len(runs[1].results[0])


def test_earlier_screenings_that_would_change_are_flagged(login, api, alice, bob, charlie, demo):
    client = login(alice)
    client.post("/registry/screen/", {"names": "Test Brigade\nDaesh"})
    run = ScreeningRun.objects.get()
    page = client.get("/registry/screen/").content.decode()
    assert run.ref in page and "would change" not in page.split("Earlier screenings")[1]
    body = {"organization": "org-hizb-ut-tahrir", "state": "KZ", "category": "extremist",
            "act_date": "2020-01-01", "source_url": "https://example.org"}
    assert api(alice).post("/api/registry/designations", json=body).status_code == 201
    # The registry changed; the names' matches did not: nothing to re-check.
    assert "would-change" not in client.get("/registry/screen/").content.decode().split("Earlier screenings")[1]
    from crisisdesk.registry.actions import import_batch
    from crisisdesk.registry.formats import read_csv

    batch = read_csv(b"org_id,name,state,category,status,act_date,end_date,source_url\n"
                     b"org-test,Test Brigade,KZ,terrorist,active,2010-01-01,,https://example.org/kz\n")
    import_batch(actor="test", batch=batch)
    page = client.get("/registry/screen/").content.decode()
    earlier = page.split("Earlier screenings")[1]
    assert "would change" in earlier and "Test Brigade" in earlier and "org-test" in earlier
    # Another state's delegate does not see Kazakhstan's screening.
    assert run.ref not in login(charlie).get("/registry/screen/").content.decode()


def test_the_screening_form_needs_the_csrf_token(alice, demo):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/registry/screen/", {"names": "Daesh"})
    assert response.status_code == 403
    assert not ScreeningRun.objects.exists()
    page = client.get("/registry/screen/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/registry/screen/", {"names": "Daesh", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and ScreeningRun.objects.count() == 1


def test_pages_carry_no_inline_script_or_style(login, alice, demo):
    client = login(alice)
    client.post("/registry/screen/", {"names": "Daesh"})
    for url in ["/registry/", "/registry/?q=Daesh", "/registry/organizations/org-isil/", "/registry/unified/",
                "/registry/divergence/", "/registry/screen/"]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "unsafe-inline" not in csp, url
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert "<style" not in html and not re.search(r'\sstyle\s*=', html), url


def test_the_printed_unified_list_has_no_inline_style(all_members):
    from crisisdesk.registry.documents import unified_html
    from crisisdesk.registry.queries import unified_list

    html = unified_html(unified_list("2022-01-06"))
    assert "Test Brigade" in html
    assert "<style" not in html and not re.search(r'\sstyle\s*=', html)


def test_names_typed_by_users_are_shown_as_text(login, alice, demo):
    page = login(alice).post("/registry/screen/", {"names": '<img src=x onerror="alert(1)">'}).content.decode()
    assert "<img src=x" not in page and "&lt;img" in page


def test_the_pages_are_translated(login, alice, demo):
    client = login(alice)
    client.post("/language/", {"language": "ru", "next": "/registry/"})
    page = client.get("/registry/").content.decode()
    assert "<h1>Реестр организаций, признанных террористическими и экстремистскими</h1>" in page
    page = client.get("/registry/screen/").content.decode()
    assert "Проверка наименований" in page
