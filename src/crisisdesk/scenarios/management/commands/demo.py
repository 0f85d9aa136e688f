import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from crisisdesk.analytics.tempo import case_tempo, humanize
from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.engines.procedures.simulate import shipped_charter_path
from crisisdesk.ledger.models import Event
from crisisdesk.scenarios.replay import (
    DEMO_PASSWORD,
    ReplayContext,
    create_keys,
    create_logins,
    replay_kazakhstan_2022,
)

ZONES = {"UTC": "UTC", "Almaty": "Asia/Almaty", "Moscow": "Europe/Moscow"}


class Command(BaseCommand):
    help = "Create a fresh database, load the CSTO charter, replay Kazakhstan 2022, print it, and serve."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="stop after the summary")
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, no_serve, addr, **options):
        self._fresh_database()
        from crisisdesk.organization.actions import charter_load

        charter = charter_load(text=shipped_charter_path("csto").read_text(encoding="utf-8"), actor="demo")
        ctx = ReplayContext(say=self.stdout.write)
        ctx.users = create_logins("csto")
        create_keys(ctx, "csto")
        scenario = replay_kazakhstan_2022(ctx)
        self._print(ctx, scenario, charter)
        if not no_serve:
            self.stdout.write(f"\nServing on http://{addr}/ (Ctrl-C to stop)")
            call_command("runserver", addr, use_reloader=False)

    def _fresh_database(self):
        db = connection.settings_dict
        if db["ENGINE"].endswith("sqlite3"):
            path = Path(db["NAME"])
            connections.close_all()
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            call_command("migrate", verbosity=0)
        else:
            call_command("migrate", verbosity=0)
            call_command("flush", interactive=False, verbosity=0)

    def _print(self, ctx, scenario, charter):
        from zoneinfo import ZoneInfo

        w = self.stdout.write
        case = ctx.case
        w(f"\n{case.title_en}\n{case.title_ru}\ncase {case.ref} · charter {charter.organisation.code} "
          f"{charter.version} · status {case.status}\n")
        w("Timeline (UTC | Almaty | Moscow; '≤' = no later than, '~' = approximate, 'd' = date only):")
        marks = {"exact": " ", "approx": "~", "not_after": "≤", "date_only": "d", "unknown": "?"}
        sorties: dict[str, int] = {}
        for event in Event.objects.filter(case_ref=case.ref).order_by("at", "seq"):
            if event.type.startswith("forces:sortie:"):
                day = event.at.astimezone(ZoneInfo("Asia/Almaty")).strftime("%d %b")
                sorties[f"{day} {event.type.rsplit(':', 1)[1]}"] = sorties.get(f"{day} {event.type.rsplit(':', 1)[1]}", 0) + 1
                continue
            known = event.data.get("time_known", "exact")
            times = " | ".join(event.at.astimezone(ZoneInfo(z)).strftime("%d %b %H:%M") for z in ZONES.values())
            src = ",".join(event.data.get("sources", []))
            detail = event.data.get("member") or event.data.get("to") or event.data.get("commander") or ""
            w(f" {marks.get(known, ' ')} {times}  {event.type:<36} {detail!s:<24} {('[' + src + ']') if src else ''}")
        if sorties:
            w("Sorties by day (Almaty): " + "; ".join(f"{k}: {v}" for k, v in sorties.items()))
        w("\nTempo:")
        for tempo in case_tempo(case.ref):
            w(f"  {tempo.label:<34} {humanize(tempo.duration)}")
        w(f"\nLedger: {Event.objects.count()} events, hash-chained (crisisdesk audit verify).")
        w(f"\nDemonstration logins (password for all: {DEMO_PASSWORD}):")
        for post_code, user in sorted(ctx.users.items()):
            w(f"  {user.username:<28} {post_code}")
        w(f"\nDatabase: {connection.settings_dict['NAME']}")
