"""Printable documents: the unified list as HTML, and as PDF through WeasyPrint."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.template.loader import render_to_string

from crisisdesk.errors import DomainError

# The print style is a static file, not an inline <style>: the CSP forbids inline style, and the
# same rule holds for every template, printed or not.
PRINT_CSS = Path(__file__).resolve().parent / "static" / "registry" / "unified-print.css"


def unified_html(data: dict) -> str:
    return render_to_string("registry/unified.html", {"data": data})


def unified_pdf(data: dict) -> bytes:
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as exc:  # OSError: Pango missing (Debian libpango-1.0-0)
        raise DomainError(
            f"PDF needs WeasyPrint and Pango ({exc.__class__.__name__}); use --format json or csv, "
            "or install weasyprint and Debian's libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core") from None
    return HTML(string=unified_html(data)).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def unified_csv(data: dict) -> str:
    """Return the unified list as CSV: one row per organisation and designating state."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["organization", "name", "state", "act", "since", "source_url", "council_decision"])
    for entry in data["organizations"]:
        decision = (entry["council_decision"] or {}).get("decision_ref", "")
        for state, cell in entry["designations"].items():
            w.writerow([entry["organization"], entry["name"], state, cell["act"], cell["since"],
                        cell["source_url"], decision])
    return buf.getvalue()
