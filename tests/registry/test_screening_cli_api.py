"""Screening through the CLI and the API, and re-screening after a list change."""

import csv
import json

import pytest

pytestmark = pytest.mark.django_db


def test_single_name_json_shape(cli, demo):
    code, out, err = cli("registry", "screen", "--name", "Islamskoe gosudarstvo", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["query"] == "Islamskoe gosudarstvo"
    top = result["matches"][0]
    assert set(top) == {"organization", "name", "score", "matched_name", "how", "designations"}
    assert top["organization"] == "org-isil"
    assert top["matched_name"] == "Исламское государство"
    assert top["how"] == "transliteration:gost-7.79-b"
    assert 0.8 <= top["score"] < 1.0
    ru = [d for d in top["designations"] if d["state"] == "RU"][0]
    assert ru == {"state": "RU", "category": "terrorist", "status": "active", "act": ru["act"]}
    assert "2014-12-29" in ru["act"]


def test_no_match_is_an_empty_list_and_threshold_applies(cli, demo):
    code, out, _ = cli("registry", "screen", "--name", "Ansar Allah", "--json")
    assert json.loads(out)["matches"] == []  # Yemen's Ansar Allah is not Jamaat Ansarullah
    code, out, _ = cli("registry", "screen", "--name", "Jamaat Ansarulloh", "--json", "--threshold", "0.99")
    assert json.loads(out)["matches"] == []
    code, out, _ = cli("registry", "screen", "--name", "Jamaat Ansarulloh", "--json", "--threshold", "0.5")
    assert json.loads(out)["matches"][0]["organization"] == "org-jamaat-ansarullah"


@pytest.mark.parametrize("args,needle", [
    (["--name", ""], "empty"),
    (["--name", "x" * 10_000], "10000 characters"),
    (["--name", "ISIL", "--threshold", "2"], "outside 0..1"),
    (["--name", "ISIL", "--threshold", "abc"], "not a number"),
    ([], "either --name"),
])
def test_bad_input_is_one_line_and_nonzero(cli, demo, args, needle):
    code, out, err = cli("registry", "screen", *args)
    assert code != 0
    assert needle in err and len(err.strip().splitlines()) == 1


def test_batch_txt_json_lines_in_input_order(cli, demo, tmp_path):
    names = ["Талибан", "Apple Inc", "", "ИГИЛ", "Al\x07-Qaida", "Hizb-ut-Tahrir"]
    path = tmp_path / "names.txt"
    path.write_text("\n".join(names) + "\n", encoding="utf-8")
    code, out, err = cli("registry", "screen", "--input", str(path), "--json")
    assert code == 0, err
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["query"] for r in results][:2] == ["Талибан", "Apple Inc"]
    assert len(results) == len(names)
    assert results[0]["matches"][0]["organization"] == "org-taliban"
    assert results[1]["matches"] == []
    assert "empty" in results[2]["error"]
    assert results[3]["matches"][0]["organization"] == "org-isil"
    assert results[4]["matches"][0]["organization"] == "org-al-qaida"
    assert any("control" in n for n in results[4]["notes"])  # cleaned, and says so


def test_batch_csv_with_progress_and_invalid_utf8(cli, demo, tmp_path):
    src = tmp_path / "names.csv"
    src.write_bytes("id,name\n1,Islamic Movment of Uzbekistan\n2,Kazakhtelecom\n".encode() + b"3,Tal\xffiban\n")
    out_path = tmp_path / "results.csv"
    code, out, err = cli("registry", "screen", "--input", str(src), "--output", str(out_path))
    assert code == 0, err
    assert "line 4: invalid UTF-8" in err
    assert "screened 3 name(s)" in out
    rows = list(csv.DictReader(out_path.open(encoding="utf-8")))
    assert rows[0]["organization"] == "org-imu" and rows[0]["how"].startswith("fuzzy")
    assert rows[1]["organization"] == ""


def test_api_screen(api, analyst, demo):
    response = api(analyst).post("/api/registry/screen", json={"names": ["ISIL", "Dzhamaat Ansarullakh", "Coca-Cola"]})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert results[0]["matches"][0]["how"] == "exact"
    assert results[1]["matches"][0]["how"] == "transliteration:icao-9303"
    assert results[2]["matches"] == []


@pytest.mark.parametrize("body,status", [
    ({"names": []}, 422), ({}, 422), ({"names": "ISIL"}, 422), ({"names": ["ISIL"], "threshold": 3}, 400),
])
def test_api_screen_bad_input(api, analyst, demo, body, status):
    response = api(analyst).post("/api/registry/screen", json=body)
    assert response.status_code == status
    assert {"error", "detail"} <= set(response.json()) <= {"error", "detail", "fields"}


def test_api_screen_malformed_json_and_outsider(api, analyst, outsider, demo):
    response = api(analyst).post("/api/registry/screen", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422) and "error" in response.json()
    assert api(outsider).post("/api/registry/screen", json={"names": ["ISIL"]}).status_code == 403
    assert api(None).post("/api/registry/screen", json={"names": ["ISIL"]}).status_code == 401


def test_it_validates_ownership_a_states_screening_is_not_anothers(api, alice, bob, analyst, demo):
    ref = api(alice).post("/api/registry/screen", json={"names": ["Some Client LLP"]}).json()["screening"]
    assert api(alice).get(f"/api/registry/screenings/{ref}").status_code == 200
    assert api(bob).get(f"/api/registry/screenings/{ref}").status_code == 404
    assert ref not in [r["screening"] for r in api(bob).get("/api/registry/screenings").json()]
    assert api(analyst).get(f"/api/registry/screenings/{ref}").status_code == 200


def test_rescreening_lists_runs_whose_results_change(cli, api, alice, bob, demo, tmp_path):
    api(alice).post("/api/registry/screen", json={"names": ["Jamaat Ansarullah", "Apple Inc"]})
    path = tmp_path / "names.txt"
    path.write_text("Example Front\nApple Inc\n", encoding="utf-8")
    cli("registry", "screen", "--input", str(path), "--json")
    code, out, _ = cli("registry", "rescreen")
    assert "no earlier screening would change" in out
    # The list changes: a new organisation that one earlier batch would now hit.
    new = tmp_path / "new.csv"
    new.write_text("org_id,name,state,category,act_date,source_url\n"
                   "org-example,Example Front,KZ,extremist,2020-01-01,https://example.org/act\n", encoding="utf-8")
    assert cli("registry", "import", str(new))[0] == 0
    code, out, _ = cli("registry", "rescreen")
    assert "1 name(s) would change" in out and "'Example Front'" in out
    assert "Jamaat" not in out
    assert api(alice).get("/api/registry/screenings/stale").json() == []  # her run is unchanged
    assert api(bob).get("/api/registry/screenings/stale").json() == []
