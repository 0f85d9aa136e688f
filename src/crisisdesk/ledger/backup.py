"""Backups that can be restored and verified: the whole record as one JSON document."""

import gzip
import hashlib
import io
import json
from datetime import datetime, timezone
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction

FORMAT = "crisisdesk-backup/1"
# Derived or per-installation tables that the migrations recreate.
EXCLUDE = ["contenttypes", "auth.permission", "admin.logentry", "sessions"]


class BackupError(ValueError):
    pass


def backup_write(path: Path) -> dict:
    """Write a gzip'd JSON backup atomically and return its manifest."""
    from crisisdesk.ledger.models import Event

    buffer = io.StringIO()
    with transaction.atomic():
        # One transaction gives a consistent snapshot on PostgreSQL (and SQLite).
        call_command("dumpdata", exclude=EXCLUDE, natural_foreign=False, stdout=buffer, verbosity=0)
        head = Event.objects.order_by("-seq").first()
        events = Event.objects.count()
    objects = json.loads(buffer.getvalue())
    body = json.dumps(objects, ensure_ascii=False, sort_keys=True)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(timezone.utc).isoformat(),
        "database": connection.vendor,
        "objects": len(objects),
        "events": events,
        "ledger_head": head.hash if head else None,
        "sha256": hashlib.sha256(body.encode()).hexdigest(),
    }
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"manifest": manifest}) + "\n" + body)
    tmp.replace(path)
    return manifest


def backup_read(path: Path) -> tuple[dict, str]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            head_line = handle.readline()
            body = handle.read()
        manifest = json.loads(head_line)["manifest"]
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (OSError, EOFError, json.JSONDecodeError, KeyError, UnicodeDecodeError):
        raise BackupError(f"{path}: not a crisisdesk backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown backup format {manifest.get('format')!r}")
    if hashlib.sha256(body.encode()).hexdigest() != manifest["sha256"]:
        raise BackupError(f"{path}: the backup is damaged (checksum mismatch)")
    return manifest, body


def restore(path: Path) -> dict:
    """Replace the database's content with the backup, then verify the ledger and the signatures.

    Everything happens in one transaction: if a check fails, nothing of the restore remains.
    """
    from crisisdesk.cases.models import Case
    from crisisdesk.decisions.export import VerifyError, export_case, verify_export
    from crisisdesk.ledger.models import Event
    from crisisdesk.ledger.writer import verify_chain

    manifest, body = backup_read(path)
    fixture = path.with_name(path.name + ".restore.json")
    fixture.write_text(body, encoding="utf-8")
    try:
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(fixture), verbosity=0)
            problem = verify_chain()
            if problem is not None:
                raise BackupError(f"the restored ledger is broken at {problem}")
            head = Event.objects.order_by("-seq").first()
            if (head.hash if head else None) != manifest["ledger_head"] or Event.objects.count() != manifest["events"]:
                raise BackupError("the restored ledger does not end where the backup's did")
            signatures = 0
            for case in Case.objects.all():
                try:
                    verify_export(export_case(case))
                except VerifyError as exc:
                    raise BackupError(f"case {case.ref}: {exc}") from None
                signatures += sum(c.positions.count() for c in case.decisions.all())
    finally:
        fixture.unlink(missing_ok=True)
    return {**manifest, "signatures_verified": signatures}
