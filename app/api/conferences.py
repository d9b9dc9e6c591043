"""API v1: conferences."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, url_for

from app.api.errors import not_found
from app.conferences import queries
from app.conferences.models import Conference
from app.extensions import db
from app.web import now


def conference_summary(conference: Conference) -> dict[str, Any]:
    return {
        "slug": conference.slug,
        "title": conference.title,
        "edition": conference.edition,
        "sphere": conference.sphere.value,
        "territory": {"municipio": conference.municipio, "uf": conference.uf, "ibge": conference.ibge_code},
        "starts_at": conference.starts_at.astimezone(conference.tz).isoformat(),
        "ends_at": conference.ends_at.astimezone(conference.tz).isoformat(),
        "venue": conference.venue,
        "phase": conference.phase.value,
        "url": url_for("conferences.detail", slug=conference.slug, _external=True),
    }


def conference_detail(conference: Conference, counts: queries.ParticipantCounts) -> dict[str, Any]:
    data = conference_summary(conference)
    data.update({
        "theme": conference.theme,
        "description": conference.description,
        "eixos": [{"number": e.number, "title": e.title} for e in conference.eixos],
        "participants": {"by_segment": counts.by_segment, "by_credential": counts.by_credential},
    })
    return data


def load_or_404(slug: str) -> Conference:
    conference = queries.get_conference(db.session, slug)
    if conference is None:
        not_found(f"No conference with slug {slug!r}")
    return conference


def register(bp: Blueprint) -> None:
    @bp.route("/conferences")
    def conferences():
        upcoming, past = queries.list_conferences(db.session, now())
        return jsonify({"items": [conference_summary(c) for c in upcoming + past]})

    @bp.route("/conferences/<slug>")
    def conference(slug: str):
        found = load_or_404(slug)
        return jsonify(conference_detail(found, queries.participant_counts(db.session, found.id)))
