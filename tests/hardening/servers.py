"""Helpers for the fault tests: a separate database in the throwaway PostgreSQL cluster, a world
seeded into it by a subprocess, uvicorn servers on loopback, and PostgreSQL restarts.

The pytest process never touches the fault database through Django: its own test database stays
as it was. Seeding and `crisisdesk audit verify` run in subprocesses with DATABASE_URL pointing at
the fault database; the tests read rows back with plain psycopg.

    python -m tests.hardening.servers seed     # (in a subprocess) prints the world as JSON
"""

import base64
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the fault database -----------------------------------------------------------------------


def url_with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def connect(url: str, **kwargs):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=5, **kwargs)


def create_database(base_url: str) -> tuple[str, str]:
    """Create an empty database next to the suite's own; return (name, url)."""
    name = f"faults_{secrets.token_hex(4)}"
    with connect(url_with_database(base_url, "postgres")) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, url_with_database(base_url, name)


def drop_database(base_url: str, name: str) -> None:
    with connect(url_with_database(base_url, "postgres")) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def subprocess_env(db_url: str, var_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
    env.update({"DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "crisisdesk.settings", "CRISISDESK_VAR": str(var_dir),
                "CRISISDESK_AXES": "0", "PYTHONPATH": str(ROOT / "src") + os.pathsep + str(ROOT)})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def seed_world(db_url: str, var_dir: Path, decisions: int) -> dict:
    """Migrate the fault database and create the world in a subprocess; return it."""
    out = subprocess.run([PY, "-m", "tests.hardening.servers", "seed", str(decisions)], cwd=ROOT,
                         env=subprocess_env(db_url, var_dir), capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"seeding the fault database failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def audit_verify(db_url: str, var_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "crisisdesk.cli", "audit", "verify"], cwd=ROOT,
                          env=subprocess_env(db_url, var_dir), capture_output=True, text=True, timeout=60)


def _seed(decisions: int) -> dict:
    """Run inside the subprocess: the charter, people, tokens, signing keys, a case, open decisions."""
    import django

    django.setup()
    from datetime import datetime, timezone

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from crisisdesk import clock
    from crisisdesk.accounts.actions import post_assign, token_create
    from crisisdesk.cases.actions import case_appeal
    from crisisdesk.decisions.actions import decision_circulate
    from crisisdesk.engines import signing
    from crisisdesk.engines.procedures.simulate import shipped_charter_path
    from crisisdesk.organization.actions import charter_load, key_register
    from crisisdesk.organization.models import Post

    call_command("migrate", verbosity=0)
    charter_load(text=shipped_charter_path("csto").read_text(encoding="utf-8"), actor="faults")
    User = get_user_model()
    people = {}
    for name, post in [("kz-head", "KZ.head_of_state"), ("ru-head", "RU.head_of_state"),
                       ("filer", "force_commander"), ("secretariat", "secretary_general"), ("watcher", "analyst")]:
        user = User.objects.create_user(username=name)
        with clock.frozen_at(datetime(2000, 1, 1, tzinfo=timezone.utc)):
            post_assign(user=user, post_code=post, organisation="csto", actor="faults")
        people[name] = user
    tokens = {name: token_create(username=name, actor="faults") for name in people}
    keys = {}
    for member in ("KZ", "RU"):
        private = Ed25519PrivateKey.generate()
        post = Post.objects.get(organisation__code="csto", code=f"{member}.head_of_state")
        key_register(post=post, public_key_b64=signing.public_b64(private), actor="faults")
        raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
        keys[member] = base64.b64encode(raw).decode()
    case = case_appeal(user=people["kz-head"], member="KZ", title_en="Fault test", title_ru="Отказ", ref="faults")
    opened = []
    for i in range(decisions):
        d = decision_circulate(case=case, user=people["secretariat"], procedure="council-decision",
                               purpose="other", mode="written", text=f"Fault test decision {i}\n---\nРешение {i}")
        t = d.current_text
        opened.append({"id": d.pk, "case": case.ref, "version": t.version, "text": t.body, "text_sha256": t.sha256})
    return {"tokens": tokens, "keys": keys, "case": case.ref, "decisions": opened}


def private_key(b64: str):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(b64))


def signed_position(decision: dict, member: str, position: str, key, reason: str) -> dict:
    from crisisdesk.engines import signing

    message = signing.position_message(case=decision["case"], decision=decision["id"], version=decision["version"],
                                       text=decision["text"], member=member, position=position, reason=reason)
    return {"member": member, "position": position, "reason": reason, "text_sha256": decision["text_sha256"],
            "signature": signing.sign(key, message)}


# -- uvicorn ----------------------------------------------------------------------------------


class Server:
    """One uvicorn process (crisisdesk.asgi:application) on 127.0.0.1, in its own process group."""

    def __init__(self, db_url: str, var_dir: Path, log_path: Path):
        self.db_url, self.var_dir, self.log_path = db_url, var_dir, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 20) -> "Server":
        env = subprocess_env(self.db_url, self.var_dir, CRISISDESK_STREAM_LISTENER="1",
                             CRISISDESK_STREAM_POLL_SECONDS="1", LOG_LEVEL="WARNING")
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [PY, "-m", "uvicorn", "crisisdesk.asgi:application", "--host", "127.0.0.1", "--port", str(self.port),
                 "--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "1"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/api/openapi.json", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"uvicorn did not answer within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL, no goodbye: in-flight requests and transactions die with the process."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-8000:]
        except OSError:
            return ""


# -- the PostgreSQL cluster -------------------------------------------------------------------


def pg_ctl_command(*args: str) -> list[str]:
    """pg_ctl on the throwaway cluster of scripts/with-postgres (as `postgres` when we are root)."""
    pg_dir, pg_bin = os.environ["CRISISDESK_PG_DIR"], os.environ["CRISISDESK_PG_BIN"]
    cmd = [f"{pg_bin}/pg_ctl", "-D", f"{pg_dir}/data", *args]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def restart_postgres() -> subprocess.Popen:
    """Start `pg_ctl restart -m fast -w` (it keeps the socket options of the first start)."""
    pg_dir = os.environ["CRISISDESK_PG_DIR"]
    return subprocess.Popen(pg_ctl_command("restart", "-m", "fast", "-w", "-t", "30", "-l", f"{pg_dir}/log"),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed"]:
        print(json.dumps(_seed(int(sys.argv[2]))))
    else:
        raise SystemExit(__doc__)
