"""`crisisdesk registry import|export|unified|divergence|screen|rescreen|propose|decide`."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

from crisisdesk import clock
from crisisdesk.commands import BaseCommand, CommandError
from crisisdesk.engines.screening import DEFAULT_THRESHOLD, MAX_QUERY_CHARS
from crisisdesk.errors import DomainError

SHIPPED_DEMO = Path(__file__).resolve().parents[2] / "data" / "demo-registry.csv"
MAX_IMPORT_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = "The registry of designated organisations and name screening."
    # Other apps' configuration warnings would otherwise precede every line this prints; a
    # screening in a pipe must stay one JSON line per name, and an error one line.
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        imp = sub.add_parser("import", help="import a list (idempotent; all or nothing)")
        imp.add_argument("file", help="the file, or 'demo' for the shipped demonstration registry")
        imp.add_argument("--format", choices=["ftm", "un-xml", "csv"], default=None)
        imp.add_argument("--demo", action="store_true", help="mark imported CSV rows as demonstration data")
        exp = sub.add_parser("export", help="write the registry as FollowTheMoney JSON lines")
        exp.add_argument("--format", choices=["ftm"], default="ftm")
        exp.add_argument("--output", "-o", default="-")
        uni = sub.add_parser("unified", help="the unified list as of a date")
        uni.add_argument("--as-of", default=None)
        uni.add_argument("--known-at", default=None, help="as recorded at this instant (ISO 8601)")
        uni.add_argument("--format", choices=["json", "csv", "pdf"], default="json")
        uni.add_argument("--output", "-o", default=None)
        uni.add_argument("--include-frozen", action="store_true", help="count frozen members as participating")
        div = sub.add_parser("divergence", help="states × organisations matrix")
        div.add_argument("--as-of", default=None)
        div.add_argument("--format", choices=["text", "json", "csv"], default="text")
        scr = sub.add_parser("screen", help="screen one name or a file of names")
        scr.add_argument("--name", default=None)
        scr.add_argument("--input", default=None, help="names.txt (one per line) or names.csv (a 'name' column)")
        scr.add_argument("--output", default=None, help="results.csv")
        scr.add_argument("--threshold", default=None)
        scr.add_argument("--json", action="store_true")
        scr.add_argument("--no-progress", action="store_true")
        sub.add_parser("rescreen", help="list earlier batch screenings whose results would change now")

    def handle(self, *args, verb, **opts):
        try:
            return getattr(self, "_" + verb.replace("-", "_"))(**opts)
        except DomainError as exc:
            raise CommandError(exc.detail) from None

    # -- import / export ----------------------------------------------------------------------

    def _import(self, *, file, format, demo, **_):
        from crisisdesk.registry.actions import import_batch
        from crisisdesk.registry.formats import READERS, FormatError, read_csv

        path = SHIPPED_DEMO if file == "demo" else Path(file)
        if file == "demo":
            format, demo = "csv", True
        if format is None:
            format = {".jsonl": "ftm", ".json": "ftm", ".ftm": "ftm", ".xml": "un-xml", ".csv": "csv"}.get(
                path.suffix.lower())
            if format is None:
                raise CommandError(f"{path}: say --format ftm|un-xml|csv")
        try:
            if path.stat().st_size > MAX_IMPORT_BYTES:
                raise CommandError(f"{path}: larger than {MAX_IMPORT_BYTES // 2**20} MiB")
            data = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise CommandError(f"{path}: is a directory") from None
        try:
            batch = read_csv(data, demo=demo) if format == "csv" else READERS[format](data)
            counts = import_batch(actor="cli", batch=batch, filename=path.name)
        except FormatError as exc:
            raise CommandError(f"{path}: {exc}; nothing was imported") from None
        o, d = counts["organizations"], counts["designations"]
        self.stdout.write(
            f"{path.name}: organisations {o['added']} added, {o['changed']} changed, {o['unchanged']} unchanged"
            + (f", {o['linked']} linked to existing records by UN reference" if o.get("linked") else "") + "; "
            f"designations {d['added']} added, {d['changed']} changed, {d['unchanged']} unchanged"
            + (f"; {counts['skipped']} skipped (not a terrorism list)" if counts["skipped"] else ""))
        if demo:
            self.stdout.write("demonstration data: verify every act against its source before official use")

    def _export(self, *, output, **_):
        from crisisdesk.registry.formats import export_ftm
        from crisisdesk.registry.models import Designation, Organization

        text = export_ftm(Organization.objects.prefetch_related("names"),
                          Designation.objects.select_related("organization"))
        if output == "-":
            self.stdout.write(text, ending="")
        else:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {text.count(chr(10))} entities to {output}")

    # -- views ----------------------------------------------------------------------------------

    def _day(self, value) -> date:
        from crisisdesk.registry.queries import parse_day

        return parse_day(value) if value else clock.now().date()

    def _unified(self, *, as_of, known_at, format, output, include_frozen, **_):
        from datetime import datetime

        from crisisdesk.registry.queries import unified_list

        known = None
        if known_at:
            try:
                known = datetime.fromisoformat(known_at)
            except ValueError:
                raise CommandError(f"--known-at {known_at!r} is not an ISO 8601 instant") from None
            if known.tzinfo is None:
                raise CommandError("--known-at needs a time zone (e.g. 2022-01-06T00:00+06:00)")
        data = unified_list(self._day(as_of), known_at=known, include_frozen=include_frozen or None)
        if format == "json":
            return self._emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
        if format == "csv":
            from crisisdesk.registry.documents import unified_csv

            return self._emit(unified_csv(data), output)
        from crisisdesk.registry.documents import unified_pdf

        if not output:
            raise CommandError("--format pdf needs --output FILE.pdf")
        Path(output).write_bytes(unified_pdf(data))
        self.stdout.write(f"wrote {output}")

    def _divergence(self, *, as_of, format, **_):
        from crisisdesk.registry.queries import divergence

        data = divergence(self._day(as_of))
        if format == "json":
            return self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        if format == "csv":
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(["organization", "name", *data["states"]])
            for row in data["rows"]:
                w.writerow([row["organization"], row["name"],
                            *(_cell_text(row["cells"][s]) for s in data["states"])])
            return self.stdout.write(buf.getvalue(), ending="")
        width = max([len(r["name"][:40]) for r in data["rows"]] + [12])
        self.stdout.write(f"as of {data['as_of']}  (T terrorist, E extremist only, F financing, "
                          "S suspended/appeal, D delisted, N checked-not listed, ? no data)")
        self.stdout.write(" " * width + "  " + "  ".join(f"{s:>2}" for s in data["states"]))
        for row in data["rows"]:
            self.stdout.write(f"{row['name'][:40]:<{width}}  "
                              + "  ".join(f"{row['cells'][s]['code']:>2}" for s in data["states"]))

    def _emit(self, text: str, output):
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")

    # -- screening ------------------------------------------------------------------------------

    def _screen(self, *, name, input, output, threshold, json: bool, no_progress, **_):
        from crisisdesk.registry import queries

        if (name is None) == (input is None):
            raise CommandError("say either --name NAME or --input FILE")
        t = queries.check_threshold(threshold if threshold is not None else DEFAULT_THRESHOLD)
        index, key = queries.current_index()
        if len(index) == 0:
            raise CommandError("the registry is empty; run `crisisdesk registry import demo` first")
        if name is not None:
            result = queries.result_json(index, name, t)
            if "error" in result:
                raise CommandError(f"cannot screen {name[:60]!r}: {result['error']}")
            if json:
                return self.stdout.write(_dumps(result))
            for note in result.get("notes", []):
                self.stderr.write(f"note: {note}")
            if not result["matches"]:
                return self.stdout.write(f"{result['query']}: no match at or above {t}")
            for m in result["matches"]:
                states = ", ".join(f"{d['state']}:{d['category']}:{d['status']}" for d in m["designations"])
                self.stdout.write(f"{m['score']:.3f}  {m['organization']}  {m['name']}  "
                                  f"[{m['how']} via {m['matched_name']!r}]  {states}")
            return
        names, warnings = _read_names(Path(input))
        for w in warnings:
            self.stderr.write(f"warning: {w}")
        results = []
        progress = None
        if not no_progress and not json:
            from rich.progress import Progress

            progress = Progress(console=_stderr_console(), transient=True)
        if progress:
            with progress:
                task = progress.add_task("screening", total=len(names))
                for n in names:
                    results.append(queries.result_json(index, n, t))
                    progress.advance(task)
        else:
            for n in names:
                r = queries.result_json(index, n, t)
                results.append(r)
                if json:
                    self.stdout.write(_dumps(r))
        from crisisdesk.registry.actions import record_screening

        run = record_screening(actor="cli", states=[], names=names,
                               results=[queries.summary(r) for r in results],
                               threshold=t, registry_hash=key, source=str(input))
        if output:
            _write_results_csv(Path(output), results)
        if not json:
            hits = sum(1 for r in results if r["matches"])
            errors = sum(1 for r in results if "error" in r)
            self.stdout.write(f"screened {len(names)} name(s): {hits} with matches, {errors} unusable; "
                              f"screening {run.ref}" + (f"; results in {output}" if output else ""))

    def _rescreen(self, **_):
        from crisisdesk.registry.queries import stale_runs

        stale = stale_runs()
        if not stale:
            return self.stdout.write("no earlier screening would change")
        for s in stale:
            self.stdout.write(f"{s['screening']} ({s['created_at']}, {s['source'] or s['actor']}): "
                              f"{len(s['changed'])} name(s) would change")
            for c in s["changed"][:20]:
                self.stdout.write(f"  line {c['line']}: {c['query']!r} {c['before']} -> {c['now']}")


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _cell_text(cell: dict) -> str:
    if "act" not in cell:
        return cell["code"]
    return f"{cell['code']} {cell['act']} {cell['since']}"


def _stderr_console():
    from rich.console import Console

    return Console(file=sys.stderr)


def _read_names(path: Path) -> tuple[list[str], list[str]]:
    """Names from a .txt (one per line) or .csv (a 'name' column, else the first column).

    Invalid UTF-8 is replaced and reported with its line, not fatal: one bad byte in a list of
    ten thousand names should not stop the screening of the rest.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CommandError(f"{path}: is a directory") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    warnings, lines = [], []
    for i, line in enumerate(raw.split(b"\n"), 1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("utf-8", errors="replace"))
            warnings.append(f"line {i}: invalid UTF-8 bytes replaced by U+FFFD")
    text = "\n".join(lines)
    if path.suffix.lower() == ".csv":
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if not rows:
            raise CommandError(f"{path}: empty file")
        header = [h.strip().lower() for h in rows[0]]
        col = header.index("name") if "name" in header else 0
        body = rows[1:] if "name" in header else rows
        names = [r[col] if col < len(r) else "" for r in body if any(c.strip() for c in r)]
    else:
        names = [ln.rstrip("\r") for ln in text.split("\n")]
        while names and not names[-1].strip():
            names.pop()
    if not names:
        raise CommandError(f"{path}: no names")
    long = [i + 1 for i, n in enumerate(names) if len(n) > MAX_QUERY_CHARS]
    if long:
        warnings.append(f"{len(long)} name(s) longer than {MAX_QUERY_CHARS} characters are reported as "
                        f"unusable (first on entry {long[0]})")
    return names, warnings


def _write_results_csv(path: Path, results: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["line", "query", "organization", "name", "score", "matched_name", "how",
                    "designations", "error"])
        for i, r in enumerate(results, 1):
            if not r["matches"]:
                w.writerow([i, r["query"], "", "", "", "", "", "", r.get("error", "")])
            for m in r["matches"]:
                des = "; ".join(f"{d['state']} {d['category']} {d['status']}" for d in m["designations"])
                w.writerow([i, r["query"], m["organization"], m["name"], m["score"], m["matched_name"],
                            m["how"], des, ""])
