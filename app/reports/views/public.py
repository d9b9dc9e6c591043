"""Public pages of the final report: the latest and every numbered version, the list of
versions, and the PDF, CSV and JSON downloads of each version."""

from __future__ import annotations

import json

from flask import Blueprint, abort, render_template

from app.conferences import permissions
from app.conferences.loading import load_conference, me, membership_of
from app.extensions import db
from app.reports.views import published
from app.reports.views.common import report_context

bp = Blueprint("reports", __name__, url_prefix="/conferencias/<slug>/relatorio", template_folder="../templates")
FORMAT = "<any(pdf, csv, json):fmt>"


def _page(conference, row, latest: int):  # type: ignore[no-untyped-def]
    report = json.loads(row.content)
    return render_template(
        "reports/published.html", conference=conference, row=row, latest=latest,
        can_manage=permissions.can_manage_conference(me(), membership_of(conference)),
        **report_context(report, sha256=row.content_sha256),
    )


def _not_published(conference):  # type: ignore[no-untyped-def]
    can_manage = permissions.can_manage_conference(me(), membership_of(conference))
    return render_template("reports/not_published.html", conference=conference, can_manage=can_manage), 404


@bp.route("")
def latest(slug: str):
    conference = load_conference(slug)
    row = published.get_version(db.session, conference.id)
    if row is None:
        return _not_published(conference)
    return _page(conference, row, row.version)


@bp.route("/v<int:version>")
def version(slug: str, version: int):
    conference = load_conference(slug)
    row = published.get_version(db.session, conference.id, version)
    if row is None:
        abort(404)
    latest_row = published.get_version(db.session, conference.id)
    return _page(conference, row, latest_row.version if latest_row else version)


@bp.route("/versoes")
def versions(slug: str):
    conference = load_conference(slug)
    rows = published.list_versions(db.session, conference.id)
    if not rows:
        return _not_published(conference)
    return render_template("reports/versions.html", conference=conference, versions=rows)


@bp.route(f"/v<int:version>.{FORMAT}")
def download(slug: str, version: int, fmt: str):
    conference = load_conference(slug)
    row = published.get_version(db.session, conference.id, version, with_pdf=fmt == "pdf")
    if row is None:
        abort(404)
    return published.serve(row, fmt, latest=False, filename=published.filename_for(slug, version, fmt))


@bp.route(f"/ultima.{FORMAT}")
def download_latest(slug: str, fmt: str):
    conference = load_conference(slug)
    row = published.get_version(db.session, conference.id, with_pdf=fmt == "pdf")
    if row is None:
        abort(404)
    return published.serve(row, fmt, latest=True, filename=published.filename_for(slug, row.version, fmt))
