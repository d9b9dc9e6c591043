"""API v1: the published final report, exactly as stored (schema plenaria.report/1).

A published version never changes, so each answer carries an ETag (the version's SHA-256)
and Cache-Control (5 minutes for the latest, a year and immutable for a numbered version),
and a matching If-None-Match gets 304.
"""

from __future__ import annotations

from flask import Blueprint

from app.api.conferences import load_or_404
from app.api.errors import not_found
from app.extensions import db
from app.reports.views import published


def register(bp: Blueprint) -> None:
    @bp.route("/conferences/<slug>/report")
    def report_latest(slug: str):
        conference = load_or_404(slug)
        row = published.get_version(db.session, conference.id)
        if row is None:
            not_found("The final report of this conference has not been published yet")
        return published.serve(row, "json", latest=True)

    @bp.route("/conferences/<slug>/report/<int:version>")
    def report_version(slug: str, version: int):
        conference = load_or_404(slug)
        row = published.get_version(db.session, conference.id, version)
        if row is None:
            not_found(f"No published version {version} of this conference's final report")
        return published.serve(row, "json", latest=False)
