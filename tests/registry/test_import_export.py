"""Import and export through the CLI: idempotent, versioned, all or nothing, line numbers."""

import json
from pathlib import Path

import pytest

from crisisdesk.registry.models import Designation, DesignationVersion, Organization

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
DEMO = Path(__file__).resolve().parents[2] / "src" / "crisisdesk" / "registry" / "data" / "demo-registry.csv"


def test_demo_import_is_idempotent_and_marked(cli, demo):
    assert "organisations 7 added" in demo
    assert "demonstration data" in demo
    assert Organization.objects.filter(demo=True).count() == 7
    assert all(d.source_url or d.act_url for d in Designation.objects.all())  # every act cites a source
    code, out, _ = cli("registry", "import", "demo")
    assert code == 0
    assert "organisations 0 added, 0 changed, 7 unchanged" in out
    assert "designations 0 added, 0 changed, 14 unchanged" in out


def test_a_changed_row_becomes_a_new_version_not_a_duplicate(cli, demo, tmp_path):
    text = DEMO.read_text(encoding="utf-8").replace("2023-12-29,2023-12-29", "2023-12-29,2023-12-30", 1)
    changed = tmp_path / "changed.csv"
    changed.write_text(text, encoding="utf-8")
    code, out, err = cli("registry", "import", str(changed), "--demo")
    assert code == 0, err
    assert "designations 0 added, 1 changed, 13 unchanged" in out
    d = Designation.objects.get(state="KZ", organization__ref="org-taliban")
    assert d.version == 2 and str(d.end_date) == "2023-12-30"
    assert DesignationVersion.objects.filter(designation=d).count() == 2
    assert Designation.objects.count() == 14


def test_malformed_csv_line_is_named_and_nothing_is_imported(cli, org, tmp_path):
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",terrorist,", ",terrible,", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = cli("registry", "import", str(bad))
    assert code == 1
    assert "line 6" in err and "category 'terrible'" in err and "nothing was imported" in err
    assert len(err.strip().splitlines()) == 1
    assert Organization.objects.count() == 0


def test_invalid_utf8_in_csv_is_reported_with_its_line(cli, org, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(DEMO.read_bytes().replace("Талибан".encode(), b"\xff\xfe", 1))
    code, _, err = cli("registry", "import", str(bad))
    assert code == 1 and "invalid UTF-8" in err and "line " in err


def test_ftm_import_keeps_ids_and_export_round_trips(cli, org, tmp_path):
    code, out, err = cli("registry", "import", str(FIXTURES / "small.ftm.jsonl"), "--format", "ftm")
    assert code == 0, err
    assert "organisations 2 added" in out and "designations 2 added" in out
    org1 = Organization.objects.get(external_id="ftm-org-1")
    assert {n.name_type for n in org1.names.all()} == {"primary", "alias", "abbreviation"}
    assert Designation.objects.get(organization=org1).category == "terrorist"
    assert Designation.objects.get(organization__external_id="ftm-org-2").category == "extremist"
    exported = tmp_path / "out.jsonl"
    code, out, _ = cli("registry", "export", "--format", "ftm", "--output", str(exported))
    assert code == 0
    entities = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    orgs = {e["id"]: e for e in entities if e["schema"] == "Organization"}
    assert orgs["ftm-org-2"]["properties"]["previousName"] == ["Old Example Front"]
    assert orgs["ftm-org-2"]["properties"]["weakAlias"] == ["Examples"]
    sanctions = [e for e in entities if e["schema"] == "Sanction"]
    assert {s["properties"]["program"][0] for s in sanctions} == {"terrorist", "extremist"}
    # Re-importing our own export changes nothing that FtM can carry.
    code, out, _ = cli("registry", "import", str(exported), "--format", "ftm")
    assert code == 0 and "organisations 0 added" in out


def test_export_is_readable_by_followthemoney(cli, demo, tmp_path):
    model = pytest.importorskip("followthemoney").model
    exported = tmp_path / "out.jsonl"
    cli("registry", "export", "--output", str(exported))
    for line in exported.read_text(encoding="utf-8").splitlines():
        proxy = model.get_proxy(json.loads(line))
        assert proxy.schema.name in ("Organization", "Sanction")


def test_malformed_json_line_is_named(cli, org, tmp_path):
    lines = (FIXTURES / "small.ftm.jsonl").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:-5]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines), encoding="utf-8")
    code, _, err = cli("registry", "import", str(bad), "--format", "ftm")
    assert code == 1 and "line 3" in err and "malformed JSON" in err
    assert Organization.objects.count() == 0


def test_un_xml_fixture(cli, org):
    code, out, err = cli("registry", "import", str(FIXTURES / "un-small.xml"), "--format", "un-xml")
    assert code == 0, err
    assert "organisations 2 added" in out and "1 skipped" in out
    etim = Organization.objects.get(external_id="QDe.900")
    names = {(n.value, n.name_type) for n in etim.names.all()}
    assert ("ETIM", "abbreviation") in names
    assert ("Jabhat Test", "alias") in names and ("Old Test Movement", "previous") in names
    assert ("Testers", "weak") in names
    d = Designation.objects.get(organization=etim)
    assert (d.state, d.category, str(d.listing_date), d.un_reference) == ("UN", "terrorist", "2002-09-11", "QDe.900")


def test_un_listing_links_to_the_demo_record_by_reference(cli, demo):
    code, out, err = cli("registry", "import", str(FIXTURES / "un-small.xml"))
    assert code == 0, err
    assert "1 linked" in out
    assert Designation.objects.filter(state="UN", un_reference="QDe.004").count() == 1
    assert not Organization.objects.filter(external_id="QDe.004").exists()


def test_malformed_xml_is_named_with_its_line(cli, org, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text((FIXTURES / "un-small.xml").read_text().replace("</ENTITY>", "</ENTITI>", 1))
    code, _, err = cli("registry", "import", str(bad), "--format", "un-xml")
    assert code == 1 and "line " in err and "malformed XML" in err


def test_real_un_list_when_present(cli, org, shared_data):
    path = shared_data / "un-sc-consolidated.xml"
    if not path.exists():
        pytest.skip("un-sc-consolidated.xml is absent from ../shared/data")
    code, out, err = cli("registry", "import", str(path), "--format", "un-xml")
    assert code == 0, err
    assert Organization.objects.filter(external_id="QDe.115").exists()
    assert Organization.objects.count() > 80
    code, out, _ = cli("registry", "import", str(path), "--format", "un-xml")
    assert "0 added, 0 changed" in out
    code, out, _ = cli("registry", "screen", "--name", "Jabhat al-Nusra", "--json")
    assert json.loads(out)["matches"][0]["organization"] == "QDe.137"


def test_missing_file_and_unknown_format(cli, org):
    assert cli("registry", "import", "/nonexistent.csv")[0] == 1
    code, _, err = cli("registry", "import", "/etc/hostname")
    assert code == 1 and "--format" in err
