"""Fault tests (issue 7, section 3), on PostgreSQL only: real uvicorn processes on loopback, a
separate database in the throwaway cluster of scripts/with-postgres, client threads writing with
Idempotency-Key headers.

- Killed server: SIGKILL mid-load, restart; every acknowledged write is there exactly once and
  retries with the same key create no duplicates.
- Restarted database: `pg_ctl restart -m fast` under load; errors are 503 + Retry-After (never
  500), the app recovers by itself, and the live stream resumes with Last-Event-ID without a gap.
- The ledger verifies after both (`crisisdesk audit verify`).

    scripts/with-postgres .venv/bin/python -m pytest tests/hardening/test_faults.py -q
"""

import itertools
import json
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from tests.hardening import servers

pytestmark = [pytest.mark.postgres_only]

SITREP_THREADS = 3
POSITION_THREADS = 4  # KZ and RU sign on the same decision at the same time
PER_TEST = POSITION_THREADS // 2  # open decisions per test
DECISIONS = 2 * PER_TEST  # the first half for the killed server, the second for the restart


@pytest.fixture(scope="module", autouse=True)
def postgres_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("fault tests need PostgreSQL (run under scripts/with-postgres)")


@pytest.fixture(scope="module")
def fault_db(tmp_path_factory):
    """A database of its own in the throwaway cluster, migrated and seeded by a subprocess."""
    from django.conf import settings

    base = settings.DATABASE_URL
    name, url = servers.create_database(base)
    var = tmp_path_factory.mktemp("faults")
    try:
        world = servers.seed_world(url, var, DECISIONS)
        yield SimpleNamespace(base=base, name=name, url=url, var=var, world=world)
    finally:
        servers.drop_database(base, name)


@pytest.fixture
def start_server(fault_db, tmp_path):
    started = []

    def start(port: int | None = None) -> servers.Server:
        server = servers.Server(fault_db.url, fault_db.var, tmp_path / f"uvicorn-{len(started)}.log")
        if port is not None:
            server.port, server.url = port, f"http://127.0.0.1:{port}"
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


# -- clients ---------------------------------------------------------------------------------


@dataclass
class Write:
    label: str  # the report title or the position reason: unique, so the row can be found
    path: str
    token: str
    body: dict
    key: str
    attempts: list = field(default_factory=list)  # (monotonic time sent, status or exception name)
    acked: dict | None = None
    ack_status: int | None = None
    ack_at: float | None = None
    replayed: bool = False


class Writer(threading.Thread):
    """A client that posts writes one after another and retries an unacknowledged one with the
    same Idempotency-Key until it is acknowledged; after `stop`, it finishes its current write."""

    def __init__(self, base_url: str, make, *, finish_within: float = 20):
        super().__init__(daemon=True)
        self.base_url, self.make = base_url, make
        self.stop = threading.Event()
        self.finish_within = finish_within
        self.writes: list[Write] = []
        self.unexpected: list[str] = []  # answers that are neither 2xx nor 503 + Retry-After
        self.missing_retry_after = 0
        self.unavailable = 0  # 503 answers
        self.transport_errors = 0

    def run(self):
        import httpx

        with httpx.Client(base_url=self.base_url, timeout=40) as client:
            for n in itertools.count():
                if self.stop.is_set():
                    return
                write = self.make(n)
                self.writes.append(write)
                self._send_until_acked(client, write)
                if write.acked is None:
                    return

    def _send_until_acked(self, client, write: Write) -> None:
        import httpx

        deadline = None
        while True:
            if self.stop.is_set() and deadline is None:
                deadline = time.monotonic() + self.finish_within
            if deadline is not None and time.monotonic() > deadline:
                return
            headers = {"Authorization": f"Bearer {write.token}", "Idempotency-Key": write.key}
            sent = time.monotonic()
            try:
                r = client.post(write.path, json=write.body, headers=headers)
            except httpx.TransportError as exc:
                write.attempts.append((sent, type(exc).__name__))
                self.transport_errors += 1
                time.sleep(0.05)
                continue
            write.attempts.append((sent, r.status_code))
            if 200 <= r.status_code < 300:
                write.acked, write.ack_status, write.ack_at = r.json(), r.status_code, time.monotonic()
                write.replayed = r.headers.get("Idempotent-Replay") == "true"
                return
            if r.status_code == 503:
                self.unavailable += 1
                retry_after = r.headers.get("Retry-After")
                if not retry_after:
                    self.missing_retry_after += 1
                # Honour Retry-After, capped to keep the test short.
                time.sleep(min(float(retry_after or 1), 0.2))
                continue
            self.unexpected.append(f"{write.label}: {r.status_code} {r.text[:300]}")
            return


def _iso(dt: datetime) -> str:
    return dt.isoformat()


def sitrep_maker(world, prefix: str, thread: int):
    period_to = datetime.now(timezone.utc) - timedelta(minutes=5)

    def make(n: int) -> Write:
        label = f"{prefix}-s{thread}-{n}"
        body = {"case": world["case"], "kind": "field_observation", "title": label,
                "period_from": _iso(period_to - timedelta(hours=1)), "period_to": _iso(period_to)}
        return Write(label, "/api/sitreps", world["tokens"]["filer"], body, key=f"{label}-{os.urandom(6).hex()}")

    return make


def position_maker(world, prefix: str, thread: int, decision: dict):
    member = ("KZ", "RU")[thread % 2]
    token = world["tokens"][f"{member.lower()}-head"]
    key = servers.private_key(world["keys"][member])

    def make(n: int) -> Write:
        label = f"{prefix}-p{thread}-{n}"
        body = servers.signed_position(decision, member, "abstain", key, reason=label)
        return Write(label, f"/api/decisions/{decision['id']}/positions", token, body,
                     key=f"{label}-{os.urandom(6).hex()}")

    return make


def start_writers(base_url: str, world, prefix: str, decisions: list[dict]) -> list[Writer]:
    writers = [Writer(base_url, sitrep_maker(world, prefix, i)) for i in range(SITREP_THREADS)]
    writers += [Writer(base_url, position_maker(world, prefix, i, decisions[i // 2])) for i in range(POSITION_THREADS)]
    for w in writers:
        w.start()
    return writers


def acked(writers) -> int:
    return sum(1 for w in writers for x in list(w.writes) if x.acked is not None)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def stop_writers(writers) -> list[Write]:
    for w in writers:
        w.stop.set()
    for w in writers:
        w.join(timeout=30)
        assert not w.is_alive(), "a client thread did not finish"
    return [x for w in writers for x in w.writes]


# -- checks against the fault database ------------------------------------------------------------


def rows(db_url: str, sql: str, params=()) -> list[tuple]:
    with servers.connect(db_url) as conn:
        return conn.execute(sql, params).fetchall()


def assert_each_write_once(db_url: str, writes: list[Write], prefix: str) -> None:
    """Every acknowledged write is in the database exactly once, and nothing else is."""
    reports = rows(db_url, "SELECT title, id FROM sitreps_report WHERE title LIKE %s", (f"{prefix}-%",))
    positions = rows(db_url, "SELECT reason, id FROM decisions_position WHERE reason LIKE %s", (f"{prefix}-%",))
    found: dict[str, list[int]] = {}
    for label, pk in reports + positions:
        found.setdefault(label, []).append(pk)
    duplicates = {label: pks for label, pks in found.items() if len(pks) > 1}
    assert not duplicates, f"written more than once: {duplicates}"
    acknowledged = {w.label for w in writes if w.acked is not None}
    missing = acknowledged - found.keys()
    assert not missing, f"acknowledged with a 2xx but not in the database: {sorted(missing)}"
    unacknowledged = found.keys() - acknowledged
    assert not unacknowledged, f"in the database but never acknowledged: {sorted(unacknowledged)}"
    for w in writes:
        if w.acked is not None and w.path == "/api/sitreps":
            assert found[w.label] == [w.acked["id"]], f"{w.label}: the acknowledged id is not the stored one"


def assert_ledger_verifies(fault_db) -> None:
    out = servers.audit_verify(fault_db.url, fault_db.var)
    assert out.returncode == 0, f"crisisdesk audit verify failed:\n{out.stdout}\n{out.stderr}"
    assert "ledger intact" in out.stdout


def replay_same_keys(base_url: str, writes: list[Write]) -> None:
    """Send acknowledged writes again with the same key: the first answer comes back, nothing is written."""
    import httpx

    with httpx.Client(base_url=base_url, timeout=30) as client:
        for w in writes:
            r = client.post(w.path, json=w.body, headers={"Authorization": f"Bearer {w.token}",
                                                          "Idempotency-Key": w.key})
            assert r.status_code == w.ack_status, (w.label, r.status_code, r.text[:300])
            assert r.headers.get("Idempotent-Replay") == "true", w.label
            assert r.json() == w.acked, w.label


# -- 1. a killed server --------------------------------------------------------------------------


def test_a_killed_server_loses_no_acknowledged_write_and_retries_duplicate_nothing(fault_db, start_server):
    world = fault_db.world
    server = start_server()
    writers = start_writers(server.url, world, "kill", world["decisions"][:PER_TEST])
    try:
        wait_for(lambda: acked(writers) >= 40, 30, "40 acknowledged writes before the kill")
        killed_at = time.monotonic()
        server.kill()  # SIGKILL while the clients are posting
        wait_for(lambda: sum(w.transport_errors for w in writers) >= len(writers), 10,
                 "every client to notice the dead server")
        before_restart = acked(writers)
        restarted = start_server(port=server.port)  # the same address: clients retry where they were
        wait_for(lambda: acked(writers) >= before_restart + 40, 30, "40 more acknowledged writes after the restart")
    finally:
        writes = stop_writers(writers)

    unexpected = [u for w in writers for u in w.unexpected]
    assert not unexpected, f"answers other than 2xx or 503: {unexpected[:10]}"
    unacked = [w.label for w in writes if w.acked is None]
    assert not unacked, f"still unacknowledged after retrying with the same key: {unacked}"
    # The writes that straddled the kill: sent before it, acknowledged only after a retry.
    straddling = [w for w in writes if w.attempts[0][0] < killed_at < w.ack_at]
    assert straddling, "no write was in flight across the kill"
    assert_each_write_once(fault_db.url, writes, "kill")

    # Retrying acknowledged writes (from before and after the kill) with the same key writes nothing.
    sample = [w for w in writes if w.ack_at < killed_at][:10] + straddling + \
        [w for w in writes if w.ack_at > killed_at][-10:]
    replay_same_keys(restarted.url, sample)
    assert_each_write_once(fault_db.url, writes, "kill")
    assert_ledger_verifies(fault_db)
    print(f"killed server: {len(writes)} writes, {len(straddling)} in flight across the kill "
          f"({sum(w.replayed for w in straddling)} had committed and came back as replays)")


# -- 2. a restarted database -----------------------------------------------------------------------


class StreamClient(threading.Thread):
    """An EventSource-like client of /api/stream: keeps the last id, reconnects with Last-Event-ID."""

    def __init__(self, base_url: str, token: str):
        super().__init__(daemon=True)
        self.base_url, self.token = base_url, token
        self.stop = threading.Event()
        self.allowed = threading.Event()  # may (re)connect
        self.allowed.set()
        self.drop = threading.Event()  # close the connection now (and wait for `allowed`)
        self.dropped = threading.Event()
        self.hello: int | None = None
        self.last_id: int | None = None
        self.seqs: list[int] = []
        self.connects: list[tuple] = []  # (Last-Event-ID sent, status, Retry-After)
        self.errors: list[str] = []

    def run(self):
        import httpx

        with httpx.Client(base_url=self.base_url, timeout=httpx.Timeout(10, read=5)) as client:
            while not self.stop.is_set():
                if not self.allowed.wait(timeout=0.1):
                    continue
                headers = {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
                if self.last_id is not None:
                    headers["Last-Event-ID"] = str(self.last_id)
                try:
                    with client.stream("GET", "/api/stream?timeout=120&ping=0.2", headers=headers) as r:
                        self.connects.append((headers.get("Last-Event-ID"), r.status_code, r.headers.get("Retry-After")))
                        if r.status_code != 200:
                            r.read()
                            time.sleep(0.1)
                            continue
                        self._read(r)
                except httpx.HTTPError as exc:
                    self.errors.append(repr(exc))
                    time.sleep(0.1)
                if self.drop.is_set():
                    self.drop.clear()
                    self.dropped.set()

    def _read(self, response) -> None:
        event_id = event = data = None
        for line in response.iter_lines():
            if self.stop.is_set():
                return
            if self.drop.is_set():
                self.allowed.clear()
                return
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and data is not None:
                if event == "hello":
                    if self.hello is None:
                        self.hello = event_id
                elif event == "ledger":
                    if json.loads(data)["seq"] != event_id:
                        self.errors.append(f"id {event_id} carries the event {data[:80]}")
                    self.seqs.append(event_id)
                self.last_id = event_id
                event_id = event = data = None


@pytest.fixture
def reset_suite_connections():
    """The restart also cuts the pytest process's own (pooled) connections: drop them afterwards,
    so the tests that run after this one get fresh ones."""
    yield
    from django.db import connections

    for conn in connections.all():
        conn.close()
        if conn.vendor == "postgresql" and conn.alias in conn._connection_pools:
            conn.close_pool()


@pytest.fixture
def stream_client():
    """Start StreamClient threads; stop them in teardown whatever happened."""
    started = []

    def start(base_url: str, token: str) -> StreamClient:
        client = StreamClient(base_url, token)
        started.append(client)
        client.start()
        return client

    yield start
    for client in started:
        client.stop.set()
    for client in started:
        client.join(timeout=10)


@pytest.fixture
def restartable_cluster():
    if not (os.environ.get("CRISISDESK_PG_DIR") and os.environ.get("CRISISDESK_PG_BIN")):
        pytest.skip("restarting PostgreSQL needs the throwaway cluster of scripts/with-postgres")


def test_a_restarted_database_answers_503_recovers_and_the_stream_resumes(
        restartable_cluster, fault_db, start_server, stream_client, reset_suite_connections):
    world = fault_db.world
    server = start_server()
    pid = server.proc.pid
    stream = stream_client(server.url, world["tokens"]["watcher"])
    writers = []
    restart = None
    try:
        wait_for(lambda: stream.hello is not None, 10, "the stream's hello")
        writers = start_writers(server.url, world, "restart", world["decisions"][PER_TEST:])
        wait_for(lambda: acked(writers) >= 20 and stream.seqs, 30, "20 acknowledged writes, seen live")
        # The stream client goes away; writes it will have to catch up on are made meanwhile.
        stream.drop.set()
        wait_for(stream.dropped.is_set, 5, "the stream client to disconnect")
        missed_from = stream.last_id
        before = acked(writers)
        wait_for(lambda: acked(writers) >= before + 10, 20, "10 writes while the stream is away")
        missed_to = rows(fault_db.url, "SELECT max(seq) FROM ledger_event")[0][0]
        # Restart PostgreSQL under load; the stream client reconnects with Last-Event-ID meanwhile.
        restart = servers.restart_postgres()
        time.sleep(0.05)
        stream.allowed.set()
        out, _ = restart.communicate(timeout=60)
        assert restart.returncode == 0, f"pg_ctl restart failed: {out}"
        restarted_at = time.monotonic()
        after = acked(writers)
        wait_for(lambda: acked(writers) >= after + 20, 30, "20 acknowledged writes after the restart")
    finally:
        writes = stop_writers(writers)
        if restart is not None and restart.poll() is None:
            restart.wait(timeout=60)

    # The app itself was not restarted, and recovered: 2xx again after the restart.
    assert server.alive and server.proc.pid == pid
    recovered = [w for w in writes if w.ack_at and w.ack_at > restarted_at and not w.replayed]
    assert len(recovered) >= 20
    # During the outage: 503 with Retry-After, never a 500 nor any other answer.
    unexpected = [u for w in writers for u in w.unexpected]
    assert not unexpected, f"answers other than 2xx or 503 during the restart: {unexpected[:10]}\n{server.log()}"
    assert sum(w.unavailable for w in writers) >= 1, "no client saw the outage as a 503"
    assert sum(w.missing_retry_after for w in writers) == 0, "a 503 came without Retry-After"
    assert sum(w.transport_errors for w in writers) == 0, "the server dropped connections"
    assert all(w.acked is not None for w in writes)
    assert_each_write_once(fault_db.url, writes, "restart")

    # The stream: everything in the ledger after the first hello, in order, each once.
    try:
        final = rows(fault_db.url, "SELECT max(seq) FROM ledger_event")[0][0]
        wait_for(lambda: stream.last_id is not None and stream.last_id >= final, 15, "the stream to catch up")
    finally:
        stream.stop.set()
        stream.join(timeout=10)
    ledger = [s for (s,) in rows(fault_db.url, "SELECT seq FROM ledger_event WHERE seq > %s ORDER BY seq",
                                 (stream.hello,))]
    assert stream.seqs == ledger, f"stream ids differ from the ledger: missing " \
        f"{sorted(set(ledger) - set(stream.seqs))[:20]}, extra or repeated {len(stream.seqs) - len(set(stream.seqs))}"
    assert not [e for e in stream.errors if e.startswith("id ")], stream.errors
    assert missed_to > missed_from, "no event was committed while the stream client was away"
    resumed = [c for c in stream.connects if c[0] is not None]
    assert resumed and resumed[-1][1] == 200, f"the stream did not resume with Last-Event-ID: {stream.connects}"
    assert resumed[0][0] == str(missed_from)
    assert all(c[2] for c in stream.connects if c[1] == 503), "a stream 503 came without Retry-After"
    assert all(c[1] in (200, 503) for c in stream.connects), stream.connects
    assert_ledger_verifies(fault_db)
    print(f"restarted database: {len(writes)} writes, {sum(w.unavailable for w in writers)} answered 503 "
          f"and were retried; stream reconnects {stream.connects[1:]}")
