"""Printable documents: the unified list as HTML, and as PDF through WeasyPrint."""

from __future__ import annotations

from django.template.loader import render_to_string

from crisisdesk.errors import DomainError


def unified_html(data: dict) -> str:
    return render_to_string("registry/unified.html", {"data": data})


def unified_pdf(data: dict) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: Pango missing (Debian libpango-1.0-0)
        raise DomainError(
            f"PDF needs WeasyPrint and Pango ({exc.__class__.__name__}); use --format json or csv, "
            "or install weasyprint and Debian's libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core") from None
    return HTML(string=unified_html(data)).write_pdf()
