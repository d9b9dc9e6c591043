"""The report as a PDF (A4) with WeasyPrint: the conference's name in the page header,
"página X de Y" in the footer, a table of contents with page numbers.

``render_pdf(report) -> bytes`` is what ``publish_report(pdf_renderer=...)`` calls, so the
PDF of a version is made once, at publication, and stored. It needs an app context (for
the template and the translations) but no request and no network: the stylesheet is read
from app/static/css/report-pdf.css and every other URL is refused.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

PDF_CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "report-pdf.css"
PDF_LOCALE = "pt_BR"  # the official document is in Portuguese, whoever publishes it


class RefusedFetch(ValueError):
    pass


def refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint's URL fetcher: the PDF loads nothing, local or remote."""
    raise RefusedFetch(f"the report PDF loads no external resource ({url[:80]})")


def render_html(report: dict[str, Any], *, sha256: str | None = None) -> str:
    from app.reports.views.common import content_sha256, report_context

    if sha256 is None and report.get("status") == "published":
        sha256 = content_sha256(report)
    with force_locale(PDF_LOCALE):
        return render_template("reports/pdf.html", **report_context(report, sha256=sha256))


def render_pdf(report: dict[str, Any], *, sha256: str | None = None) -> bytes:
    with warnings.catch_warnings():
        # Without Debian's libharfbuzz-subset0 WeasyPrint warns that a future version will need
        # it; today it embeds whole fonts instead (a larger PDF, the same text). .ci/run installs it.
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        from weasyprint import CSS, HTML

    html = render_html(report, sha256=sha256)
    css = CSS(string=PDF_CSS.read_text(encoding="utf-8"), url_fetcher=refuse_fetch)
    document = HTML(string=html, base_url=current_app.root_path, url_fetcher=refuse_fetch)
    return document.write_pdf(stylesheets=[css])
