"""Printable documents: the unified list as HTML, and as PDF through WeasyPrint."""

from __future__ import annotations

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
