"""Fan-out benchmark: 2 app processes (uvicorn, ASGI) on PostgreSQL, N SSE subscribers, reports at R/s.

Prints p50/p99 from "report accepted" (the 201 reaching the client) to "event received" by each
subscriber, and the count of lost events (expected deliveries that never arrived). Loopback only.

    bench/bench_fanout.py [--subscribers 100] [--rate 50] [--seconds 60]

Without DATABASE_URL=postgresql://... it re-runs itself under scripts/with-postgres (a throwaway
cluster). The run lasts CRISISDESK_BENCH_FANOUT_SECONDS (default 60, the issue's figure); a
shorter run for a quick look: --seconds 10.
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_database(subscribers: int) -> dict:
    """Migrate, load the charter, open a case, make users and tokens (in this process)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisisdesk.settings")
    import django

    django.setup()
    from datetime import datetime, timezone

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from crisisdesk import clock
    from crisisdesk.accounts.actions import post_assign, token_create
    from crisisdesk.cases.actions import case_appeal
    from crisisdesk.engines.procedures.simulate import shipped_charter_path
    from crisisdesk.organization.actions import charter_load

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    charter_load(text=shipped_charter_path("csto").read_text(encoding="utf-8"), actor="bench")
    User = get_user_model()

    def person(name, post):
        user = User.objects.create_user(username=name, password="bench-password-123")
        with clock.frozen_at(datetime(2000, 1, 1, tzinfo=timezone.utc)):
            post_assign(user=user, post_code=post, organisation="csto", actor="bench")
        return token_create(username=name, actor="bench")

    head = User.objects.create_user(username="kz-head", password="bench-password-123")
    with clock.frozen_at(datetime(2000, 1, 1, tzinfo=timezone.utc)):
        post_assign(user=head, post_code="KZ.head_of_state", organisation="csto", actor="bench")
    case = case_appeal(user=head, member="KZ", title_en="Fan-out bench", title_ru="Тест", ref="bench-fanout")
    # Half staff, half delegates of the host state: every report (released to ALL) reaches all.
    subs = [person(f"sub{i}", "analyst" if i % 2 else "KZ.security_secretary") for i in range(subscribers)]
    filer = person("filer", "force_commander")
    # A delegate of another state must receive nothing released to KZ alone (checked on the side).
    outsider = person("ru-watch", "RU.security_secretary")
    from django.db import connections

    connections.close_all()
    return {"case": case.ref, "subscribers": subs, "filer": filer, "ru": outsider}


def cpu_seconds(pids) -> float:
    """User + system CPU seconds of these processes so far (Linux /proc; 0 elsewhere)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.0


def postgres_pids() -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-f", "postgres"], capture_output=True, text=True).stdout
    except OSError:
        return []
    return [int(x) for x in out.split()]


def start_servers(n: int) -> tuple[list[subprocess.Popen], list[str]]:
    procs, urls = [], []
    env = {**os.environ, "CRISISDESK_STREAM_LISTENER": "1", "LOG_LEVEL": "ERROR"}
    for _ in range(n):
        port = free_port()
        procs.append(subprocess.Popen(
            [PY, "-m", "uvicorn", "crisisdesk.asgi:application", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "1"],
            cwd=ROOT, env=env))
        urls.append(f"http://127.0.0.1:{port}")
    return procs, urls


async def wait_up(urls):
    import httpx

    async with httpx.AsyncClient() as client:
        for url in urls:
            for _ in range(200):
                try:
                    r = await client.get(f"{url}/api/openapi.json", timeout=2)
                    if r.status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError(f"{url} did not start")


async def subscriber(url, token, case, received: dict, ready: asyncio.Event, counter: list, stop: asyncio.Event,
                     forbidden: set | None = None):
    import httpx

    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    async with httpx.AsyncClient(timeout=httpx.Timeout(None, connect=10)) as client:
        async with client.stream("GET", f"{url}/api/stream?case={case}&timeout=3600&ping=5", headers=headers) as r:
            r.raise_for_status()
            data = None
            async for line in r.aiter_lines():
                if line.startswith("event: hello"):
                    counter[0] += 1
                    if counter[0] >= counter[1]:
                        ready.set()
                elif line.startswith("data: "):
                    data = line[6:]
                elif line == "" and data is not None:
                    now = time.perf_counter()
                    event = json.loads(data)
                    data = None
                    if event.get("type") == "sitreps:report:filed":
                        rid = event["data"]["report"]
                        if forbidden is not None:
                            forbidden.add(rid)
                        else:
                            received.setdefault(rid, now)
                if stop.is_set():
                    return


async def run(args, env) -> int:
    import httpx

    procs, urls = start_servers(args.processes)
    try:
        await wait_up(urls)
        n = len(env["subscribers"])
        received = [dict() for _ in range(n)]
        ready, stop = asyncio.Event(), asyncio.Event()
        counter = [0, n + 1]
        leaked: set = set()
        tasks = [asyncio.create_task(subscriber(urls[i % len(urls)], tok, env["case"], received[i], ready, counter,
                                                stop)) for i, tok in enumerate(env["subscribers"])]
        tasks.append(asyncio.create_task(subscriber(urls[0], env["ru"], env["case"], {}, ready, counter, stop,
                                                    forbidden=leaked)))
        await asyncio.wait_for(ready.wait(), timeout=60)
        accepted, sent_at, failures, reasons = {}, {}, [0], []
        total = int(args.rate * args.seconds)
        period = 1.0 / args.rate
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))
        body = {"case": env["case"], "kind": "field_observation", "title": "bench", "period_from": now,
                "period_to": now, "location": {"type": "Point", "coordinates": [77.04, 43.35]}}
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(timeout=30, limits=limits,
                                     headers={"Authorization": f"Bearer {env['filer']}"}) as client:
            kz_only = set()

            async def post(i):
                payload = dict(body, title=f"bench {i}")
                if i % 25 == 0:
                    payload["released_to"] = ["KZ"]
                t0 = time.perf_counter()
                try:
                    r = await client.post(f"{urls[i % len(urls)]}/api/sitreps", json=payload)
                except httpx.HTTPError as exc:
                    failures[0] += 1
                    reasons.append(f"{type(exc).__name__}: {exc}")
                    return
                t1 = time.perf_counter()
                if r.status_code != 201:
                    failures[0] += 1
                    reasons.append(f"HTTP {r.status_code}: {r.text[:200]}")
                    return
                rid = r.json()["id"]
                accepted[rid], sent_at[rid] = t1, t0
                if i % 25 == 0:
                    kz_only.add(rid)

            cpu_before = (cpu_seconds([p.pid for p in procs]), time.process_time(), cpu_seconds(postgres_pids()))
            started = time.perf_counter()
            pending = []
            for i in range(total):
                target = started + i * period
                delay = target - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                pending.append(asyncio.create_task(post(i)))
            await asyncio.gather(*pending)
            elapsed = time.perf_counter() - started
        # Let the last events arrive.
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            if all(len(r) >= len(accepted) for r in received):
                break
            await asyncio.sleep(0.1)
        cpu_after = (cpu_seconds([p.pid for p in procs]), time.process_time(), cpu_seconds(postgres_pids()))
        stop.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    latencies, from_send, lost = [], [], 0
    for rec in received:
        for rid, t_acc in accepted.items():
            got = rec.get(rid)
            if got is None:
                lost += 1
                continue
            latencies.append(max(0.0, got - t_acc))
            from_send.append(got - sent_at[rid])
    latencies.sort()
    from_send.sort()

    def pct(values, q):
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")

    print(f"processes: {args.processes} uvicorn (ASGI) on PostgreSQL, LISTEN/NOTIFY fan-out; loopback only")
    print(f"subscribers: {n} SSE (+1 RU delegate checking releasability)")
    print(f"reports: {len(accepted)} accepted of {total} sent at {args.rate:g}/s for {args.seconds:g} s "
          f"(actual {elapsed:.1f} s), {failures[0]} failed")
    print(f"deliveries: {len(latencies)} of {len(accepted) * n} expected")
    print(f"latency accepted→received: p50 {pct(latencies, 0.5):.1f} ms · p99 {pct(latencies, 0.99):.1f} ms · "
          f"max {pct(latencies, 1.0):.1f} ms")
    print(f"latency sent→received:     p50 {pct(from_send, 0.5):.1f} ms · p99 {pct(from_send, 0.99):.1f} ms")
    print(f"lost events: {lost}")
    for reason in sorted(set(reasons))[:5]:
        print(f"  a report was refused or failed: {reason}")
    per = max(1, len(accepted))
    print(f"CPU per report: app processes {1000 * (cpu_after[0] - cpu_before[0]) / per:.1f} ms "
          f"(filing + fan-out to {n} subscribers), PostgreSQL {1000 * (cpu_after[2] - cpu_before[2]) / per:.1f} ms, "
          f"bench client {1000 * (cpu_after[1] - cpu_before[1]) / per:.1f} ms; machine: {os.cpu_count()} cores")
    leak = leaked & set(kz_only)
    print(f"releasability: RU delegate received {len(leak)} of {len(kz_only)} KZ-only reports (must be 0), "
          f"{len(leaked - kz_only)} released to all")
    return 0 if lost == 0 and not leak and failures[0] == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("CRISISDESK_BENCH_FANOUT_SECONDS", "60")))
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        script = ROOT / "scripts" / "with-postgres"
        try:
            return subprocess.run([str(script), PY, __file__, *sys.argv[1:]], cwd=ROOT).returncode
        except OSError as exc:
            print(f"skipped: PostgreSQL is needed ({exc})")
            return 0
    sys.path.insert(0, str(ROOT / "src"))
    env = setup_database(args.subscribers)
    return asyncio.run(run(args, env))


if __name__ == "__main__":
    sys.exit(main())
