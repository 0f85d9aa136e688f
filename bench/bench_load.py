"""Load test: 2 uvicorn processes on a throwaway PostgreSQL cluster, a mix of page views, report
posting and screening from async httpx clients; prints throughput, p50/p99 per endpoint, errors.

    python bench/bench_load.py [--seconds 20] [--concurrency 32] [--processes 2]

Without a PostgreSQL DATABASE_URL it re-runs itself under scripts/with-postgres. Loopback only.
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIX = (("page GET /", 4), ("POST /api/sitreps", 3), ("POST /api/registry/screen", 3))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed() -> dict:
    """Migrate, load the charter, make a delegate with a token and a session, a case, the registry."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crisisdesk.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from crisisdesk import clock
    from crisisdesk.accounts.actions import post_assign, token_create
    from crisisdesk.cases.actions import case_appeal
    from crisisdesk.engines.procedures.simulate import shipped_charter_path
    from crisisdesk.organization.actions import charter_load

    call_command("migrate", verbosity=0)
    charter_load(text=shipped_charter_path("csto").read_text(encoding="utf-8"), actor="bench")
    user, _ = get_user_model().objects.get_or_create(username="bench-kz")
    with clock.frozen_at(clock.now() - timedelta(days=1)):
        post_assign(user=user, post_code="KZ.head_of_state", organisation="csto", actor="bench")
    case = case_appeal(user=user, member="KZ", title_en="Load test", title_ru="Нагрузка", ref="load-test")
    call_command("registry", "import", "demo", verbosity=0)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return {"token": token_create(username=user.username, actor="bench"), "session": session.session_key,
            "case": case.ref}


def start_servers(n: int) -> tuple[list[subprocess.Popen], list[int]]:
    procs, ports = [], []
    env = {**os.environ, "CRISISDESK_AXES": "0"}
    for _ in range(n):
        port = _free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "crisisdesk.asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log"], env=env, cwd=ROOT))
        ports.append(port)
    return procs, ports


async def wait_ready(ports):
    import httpx

    async with httpx.AsyncClient() as client:
        for port in ports:
            for _ in range(200):
                try:
                    await client.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=1)
                    break
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)
            else:
                raise SystemExit(f"server on port {port} did not start")


async def run_load(ports, world, seconds: float, concurrency: int) -> dict:
    import httpx

    samples = {name: [] for name, _ in MIX}
    errors = {name: 0 for name, _ in MIX}
    deck = [name for name, weight in MIX for _ in range(weight)]
    auth = {"Authorization": f"Bearer {world['token']}"}
    end = time.monotonic() + seconds

    async def worker(i: int):
        base = f"http://127.0.0.1:{ports[i % len(ports)]}"
        async with httpx.AsyncClient(base_url=base, timeout=30, cookies={"sessionid": world["session"]}) as c:
            n = i
            while time.monotonic() < end:
                name = deck[n % len(deck)]
                n += 1
                start = time.perf_counter()
                try:
                    if name.startswith("page"):
                        r = await c.get("/")
                        ok = r.status_code == 200
                    elif "sitreps" in name:
                        now = time.time()
                        r = await c.post("/api/sitreps", headers=auth, json={
                            "case": world["case"], "kind": "field_observation", "title": f"Load {i}-{n}",
                            "period_from": _iso(now - 7200), "period_to": _iso(now - 3600)})
                        ok = r.status_code == 201
                    else:
                        r = await c.post("/api/registry/screen", headers=auth,
                                         json={"names": ["Islamic State", "Хизб ут-Тахрир", f"Nobody {n}"]})
                        ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                samples[name].append(time.perf_counter() - start)
                if not ok:
                    errors[name] += 1

    started = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return {"samples": samples, "errors": errors, "elapsed": time.monotonic() - started}


def _iso(epoch: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat()


def _pct(values, q):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_LOAD_SECONDS", 20)))
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("BENCH_LOAD_CONCURRENCY", 32)))
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        script = ROOT / "scripts" / "with-postgres"
        return subprocess.call([str(script), sys.executable, __file__, *(argv or sys.argv[1:])], cwd=ROOT)
    sys.path.insert(0, str(ROOT / "src"))
    world = seed()
    procs, ports = start_servers(args.processes)
    try:
        asyncio.run(wait_ready(ports))
        result = asyncio.run(run_load(ports, world, args.seconds, args.concurrency))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)
    total = sum(len(v) for v in result["samples"].values())
    errors = sum(result["errors"].values())
    print(f"load: {args.processes} uvicorn processes on PostgreSQL, {args.concurrency} concurrent clients, "
          f"{result['elapsed']:.1f} s")
    print(f"  total: {total} requests, {total / result['elapsed']:.1f} req/s, errors {errors}")
    for name, values in result["samples"].items():
        print(f"  {name:28s} n={len(values):6d}  {len(values) / result['elapsed']:7.1f} req/s  "
              f"p50={_pct(values, 0.50):7.1f} ms  p99={_pct(values, 0.99):7.1f} ms  "
              f"mean={statistics.fmean(values) * 1000 if values else float('nan'):7.1f} ms  "
              f"errors={result['errors'][name]}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
