"""Reading published versions and serving their files (web downloads and API v1).

A published version never changes: its JSON is served exactly as stored, its CSV is
rendered from that JSON, its PDF is the one stored at publication. Each file has an ETag
(the version's SHA-256 and the format) and answers 304 to a matching If-None-Match; the
"latest" addresses are cached for 5 minutes, numbered versions for a year (immutable).
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Response, request
from sqlalchemy.orm import Session, undefer

from app.reports.models import PublishedReport
from app.reports.render import to_csv

LATEST_MAX_AGE = 300
VERSION_MAX_AGE = 365 * 24 * 3600
MIMETYPES = {"json": "application/json", "csv": "text/csv", "pdf": "application/pdf"}
FORMATS = tuple(MIMETYPES)


def get_version(session: Session, conference_id: int, version: int | None = None, *,
                with_pdf: bool = False) -> PublishedReport | None:
    """A given version, or the latest when ``version`` is None."""
    stmt = sa.select(PublishedReport).where(PublishedReport.conference_id == conference_id)
    if version is None:
        stmt = stmt.order_by(PublishedReport.version.desc()).limit(1)
    else:
        stmt = stmt.where(PublishedReport.version == version)
    if with_pdf:
        stmt = stmt.options(undefer(PublishedReport.pdf))
    return session.scalars(stmt).first()


def list_versions(session: Session, conference_id: int) -> list[Any]:
    """Number, date, note and SHA-256 of every version, newest first (no content loaded)."""
    return list(session.execute(
        sa.select(PublishedReport.version, PublishedReport.published_at, PublishedReport.note,
                  PublishedReport.content_sha256)
        .where(PublishedReport.conference_id == conference_id)
        .order_by(PublishedReport.version.desc())
    ).all())


def file_body(row: PublishedReport, fmt: str) -> bytes | str:
    if fmt == "json":
        return row.content
    if fmt == "csv":
        return to_csv(json.loads(row.content))
    if row.pdf is not None:
        return row.pdf
    # Published without a PDF renderer (e.g. from a script): render it from the frozen JSON.
    from app.reports.pdf import render_pdf

    return render_pdf(json.loads(row.content), sha256=row.content_sha256)


def cached(response: Response, *, etag: str, latest: bool) -> Response:
    """ETag, Cache-Control and the 304 answer to a matching If-None-Match."""
    response.set_etag(etag)
    response.cache_control.public = True
    if latest:
        response.cache_control.max_age = LATEST_MAX_AGE
    else:
        response.cache_control.max_age = VERSION_MAX_AGE
        response.cache_control.immutable = True
    return response.make_conditional(request)


def serve(row: PublishedReport, fmt: str, *, latest: bool, filename: str | None = None) -> Response:
    etag = f"{row.content_sha256}-{fmt}"
    if request.if_none_match.contains(etag):  # answer 304 without rendering anything
        response = Response(status=304)
        response.set_etag(etag)
        return cached(response, etag=etag, latest=latest)
    mimetype = MIMETYPES[fmt]
    response = Response(file_body(row, fmt), mimetype=mimetype)
    if fmt == "csv":
        response.content_type = "text/csv; charset=utf-8"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return cached(response, etag=etag, latest=latest)


def filename_for(slug: str, version: int | str, fmt: str) -> str:
    return f"relatorio-{slug}-v{version}.{fmt}"
