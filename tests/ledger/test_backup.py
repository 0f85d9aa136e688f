"""A backup can be restored into a destroyed database and verifies before it reports success."""

import gzip
import json

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _snapshot():
    from crisisdesk.cases.models import Case
    from crisisdesk.decisions.models import Position
    from crisisdesk.ledger.models import Event

    head = Event.objects.order_by("-seq").first()
    return {"events": Event.objects.count(), "head": head.hash, "cases": list(Case.objects.values_list("ref", "status")),
            "positions": list(Position.objects.values_list("member", "position", "signature"))}


@pytest.fixture
def record_with_signatures(org, jan2022, kz_case, secretariat, alice, keys):
    from crisisdesk.decisions.actions import decision_circulate
    from crisisdesk.scenarios.replay import ReplayContext, sign_position

    decision = decision_circulate(case=kz_case, user=secretariat, procedure="council-decision",
                                  purpose="deployment", text="Text to sign")
    ctx = ReplayContext(users={"KZ.head_of_state": alice}, keys={"KZ.head_of_state": keys("KZ.head_of_state")})
    sign_position(ctx, decision, "KZ", "head_of_state", "agree")


def test_it_restores_a_destroyed_database_and_verifies(cli, record_with_signatures, tmp_path):
    from django.core.management import call_command

    before = _snapshot()
    path = tmp_path / "backup.json.gz"
    code, out, err = cli("backup", "--out", path)
    assert code == 0, err
    call_command("flush", interactive=False, verbosity=0)
    code, out, err = cli("restore", path)
    assert code == 0, err
    assert "1 signatures verified" in out
    assert _snapshot() == before
    assert cli("audit", "verify")[0] == 0


def test_it_refuses_a_damaged_backup_and_changes_nothing(cli, record_with_signatures, tmp_path):
    before = _snapshot()
    path = tmp_path / "backup.json.gz"
    assert cli("backup", "--out", path)[0] == 0
    with gzip.open(path, "rt") as handle:
        manifest_line, body = handle.readline(), handle.read()
    objects = json.loads(body)
    for obj in objects:
        if obj["model"] == "decisions.position":
            obj["fields"]["position"] = "object"
    forged_body = json.dumps(objects, ensure_ascii=False, sort_keys=True)
    manifest = json.loads(manifest_line)
    import hashlib

    manifest["manifest"]["sha256"] = hashlib.sha256(forged_body.encode()).hexdigest()
    forged = tmp_path / "forged.json.gz"
    with gzip.open(forged, "wt") as handle:
        handle.write(json.dumps(manifest) + "\n" + forged_body)
    code, out, err = cli("restore", forged)
    assert code == 1
    assert "nothing changed" in err
    assert _snapshot() == before
    (tmp_path / "junk.gz").write_bytes(b"junk")
    assert cli("restore", tmp_path / "junk.gz")[0] == 1
