"""Public statements: languages, the approval chain, the public page and feed, CAP 1.2, time to statement."""

import json

import pytest
from lxml import etree

from crisisdesk.errors import DomainError, Forbidden
from crisisdesk.notices import actions, cap
from crisisdesk.notices.queries import time_to_statement

pytestmark = pytest.mark.django_db

TEXTS = {
    "ru": {"headline": "Решение принято", "body": "Совет коллективной безопасности принял решение."},
    "en": {"headline": "Decision adopted", "body": "The Collective Security Council has decided."},
    "kk": {"headline": "Шешім қабылданды", "body": "Ұжымдық қауіпсіздік кеңесі шешім қабылдады."},
}
ALERT = {"category": "Security", "urgency": "Immediate", "severity": "Moderate", "certainty": "Observed",
         "area": "Almaty", "responseType": "Monitor"}


@pytest.fixture
def published(adopted, kz_only, duty_officer, secretariat):
    s = actions.statement_draft(case=kz_only, user=duty_officer, about="decision", kind="alert", texts=TEXTS,
                                cap=ALERT, sources=[{"key": "SEED", "url": "http://kremlin.ru/x"}])
    with pytest.raises(Forbidden):
        actions.statement_review(statement=s, user=duty_officer)  # The drafter does not review.
    actions.statement_review(statement=s, user=secretariat)
    with pytest.raises(Forbidden):
        actions.statement_approve(statement=s, user=secretariat)  # The reviewer does not approve.
    return s


def test_the_host_language_is_required(adopted, kz_only, duty_officer, secretariat):
    s = actions.statement_draft(case=kz_only, user=duty_officer, about="decision",
                                texts={k: TEXTS[k] for k in ("ru", "en")})
    assert s.required_languages == ["ru", "en", "kk"]
    with pytest.raises(DomainError) as caught:
        actions.statement_review(statement=s, user=secretariat)
    assert caught.value.code == "missing_language" and "kk" in caught.value.detail


def test_chain_then_public_page_and_feed_without_login(published, org, client, api, secretariat, duty_officer):
    from django.contrib.auth import get_user_model

    second = get_user_model().objects.create_user("sg2")
    from crisisdesk.accounts.actions import post_assign
    from tests.conftest import _epoch_clock

    with _epoch_clock():
        post_assign(user=second, post_code="secretary_general", organisation="csto", actor="test")
    with pytest.raises(DomainError):
        actions.statement_publish(statement=published, user=duty_officer)  # not approved yet
    actions.statement_approve(statement=published, user=second)
    actions.statement_publish(statement=published, user=duty_officer)
    page = client.get(f"/public/statements/{published.uid}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Решение принято" in html and "Decision adopted" in html and "Шешім қабылданды" in html
    listing = client.get("/public/statements/")
    assert "Decision adopted" in listing.content.decode()
    feed = client.get("/public/statements/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = etree.fromstring(feed.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.xpath("//a:entry/a:title/text()", namespaces=ns) == ["Decision adopted"]
    assert client.get("/api/notices/public/statements").json()[0]["uid"] == str(published.uid)
    rows = {r["about"]: r for r in time_to_statement(published.case)}
    assert rows["decision"]["delay"] is not None and rows["decision"]["delay"].total_seconds() >= 0
    assert rows["first_landing"]["delay"] is None


def test_a_draft_is_not_public(published, client):
    assert client.get(f"/public/statements/{published.uid}/").status_code == 404
    assert "Decision adopted" not in client.get("/public/statements/").content.decode()


def test_cap_export_passes_the_project_check(published):
    xml = cap.export(published)
    assert cap.check(xml) == []
    root = etree.fromstring(xml)
    q = "{urn:oasis:names:tc:emergency:cap:1.2}"
    assert [i.findtext(q + "language") for i in root.findall(q + "info")] == ["ru", "en", "kk"]
    assert root.findtext(q + "status") == "Draft"  # Not yet published.


def test_cap_export_is_valid_against_the_official_xsd(published, shared_data):
    xsd = shared_data / "CAP-v1.2.xsd"
    if not xsd.is_file():
        pytest.skip("CAP-v1.2.xsd is absent from ../shared/data")
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    doc = etree.fromstring(cap.export(published))
    assert schema.validate(doc), schema.error_log
    how, errors = cap.validate(cap.export(published))
    assert errors == [] and how.startswith("XSD")


BROKEN = [
    ("+00:00</sent>", "Z</sent>"),
    ("<status>Final</status>", "<status>Draft</status>"),
    ("<language>en us</language>", "<language>en</language>"),
    ("<urgency>Soon</urgency>", "<urgency>Immediate</urgency>"),
    ("", "<msgType>Alert</msgType>"),
    ("<scope>Public</scope><msgType>Alert</msgType>", "<msgType>Alert</msgType>"),
]


@pytest.mark.parametrize("bad, good", BROKEN)
def test_the_project_check_agrees_with_the_xsd_on_broken_documents(published, bad, good, shared_data):
    text = cap.export(published).decode()
    if bad == "+00:00</sent>":
        bad, good = good, bad
    assert good in text
    if bad.startswith("<scope>"):
        broken = text.replace("<scope>Public</scope>", "").replace(good, bad, 1)
    else:
        broken = text.replace(good, bad, 1)
    assert cap.check(broken.encode()) != []
    xsd = shared_data / "CAP-v1.2.xsd"
    if xsd.is_file():
        schema = etree.XMLSchema(etree.parse(str(xsd)))
        assert not schema.validate(etree.fromstring(broken.encode()))


def test_statement_cli_lists_and_writes_cap(published, cli, tmp_path):
    code, out, err = cli("statement", "list", "--case", "kz-notices", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows[0]["id"] == published.pk and rows[0]["kind"] == "alert"
    target = tmp_path / "alert.xml"
    code, out, err = cli("statement", "cap", published.pk, "--out", target)
    assert code == 0, err
    assert cap.check(target.read_bytes()) == []
    assert cli("statement", "cap", "999999", "--out", target)[0] == 1
    assert cli("statement", "cap", "abc", "--out", target)[0] == 1
    assert cli("statement", "list", "--case", "nope")[0] == 1
