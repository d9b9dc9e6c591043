"""API v1: proposals and their debates (open data, read-only).

Names are public display names, as the conference shows them: a participation anonymised
by `flask privacy purge` (or an account deleted) is "Participante removido", also in the
history of the author's own versions; e-mail addresses never appear. A hidden comment keeps
its place in the thread with ``"hidden": true`` and ``"body": null``; a comment removed by
its author has ``"deleted": true`` and ``"body": null``.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, jsonify, request, url_for

from app.api.conferences import load_or_404
from app.api.errors import bad_parameter, not_found
from app.conferences.models import Conference, Participation
from app.extensions import db
from app.proposals import queries
from app.proposals.constants import VERSION_LABELS, ProposalSphere, ProposalState
from app.proposals.history import editor_name
from app.proposals.models import Comment, Proposal, ProposalVersion

PER_PAGE = 50
SECRETARIAT = "Secretaria"
PUBLIC_STATES = [s.value for s in ProposalState if s != ProposalState.DRAFT]
# Versions only the author makes (app/proposals/services.py: submit, edit, withdraw).


def _iso(value: Any, conference: Conference) -> str | None:
    return value.astimezone(conference.tz).isoformat() if value is not None else None


def _person(participation: Participation | None) -> dict[str, Any]:
    if participation is None:
        return {"name": SECRETARIAT, "segment": None}
    return {"name": participation.public_name,  # the participation's: anonymised per conference
            "segment": participation.segment.value if participation.segment else None}


def _editor(version: ProposalVersion, proposal: Proposal) -> str:
    return editor_name(version.kind.value, proposal.author.public_name if proposal.author else None,
                       version.edited_by.public_name if version.edited_by else None, SECRETARIAT)


def proposal_summary(proposal: Proposal, stats: queries.DebateStats) -> dict[str, Any]:
    return {
        "code": proposal.code,
        "title": proposal.title,
        "eixo": proposal.eixo.number,
        "sphere": proposal.sphere.value,
        "state": proposal.state.value,
        "author": _person(proposal.author),
        "comments": stats.comments,
        "stances": dict(stats.stances),
        "merged_into": proposal.merged_into.code if proposal.merged_into else None,
        "url": url_for("proposals.detail", slug=proposal.conference.slug, code=proposal.code, _external=True),
    }


def comment_data(comment: Comment, conference: Conference) -> dict[str, Any]:
    deleted, hidden = comment.is_deleted, comment.is_hidden and not comment.is_deleted
    visible = not deleted and not hidden
    return {
        "id": comment.id,
        "parent_id": comment.parent_id,
        "author": _person(comment.author) if not deleted else {"name": None, "segment": None},
        "stance": comment.stance.value if visible and comment.stance else None,
        "body": comment.body if visible else None,
        "created_at": _iso(comment.created_at, conference),
        "edited": comment.edited_at is not None and not deleted,
        "hidden": hidden,
        "hidden_reason": comment.hidden_reason if hidden else None,
        "deleted": deleted,
    }


def _int_param(name: str, minimum: int = 1, maximum: int = 100_000) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 12:
        bad_parameter(name, f"{name} must be a whole number")
    value = int(raw)
    if not minimum <= value <= maximum:
        bad_parameter(name, f"{name} must be between {minimum} and {maximum}")
    return value


def _enum_param(name: str, allowed: list[str]) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        bad_parameter(name, f"{name} must be one of: {', '.join(allowed)}")
    return raw


def _filter(conference: Conference) -> queries.ProposalFilter:
    eixo = _int_param("eixo")
    if eixo is not None and eixo not in {e.number for e in conference.eixos}:
        bad_parameter("eixo", f"this conference has no eixo number {eixo}")
    sphere = _enum_param("sphere", [s.value for s in ProposalSphere])
    state = _enum_param("state", PUBLIC_STATES)
    text = request.args.get("q", "")
    if len(text) > 100:
        bad_parameter("q", "q may have at most 100 characters")
    return queries.ProposalFilter(
        eixo=eixo, sphere=ProposalSphere(sphere) if sphere else None,
        state=ProposalState(state) if state else None, text=text.strip(), sort=queries.Sort.CODE,
    )


def register(bp: Blueprint) -> None:
    @bp.route("/conferences/<slug>/proposals")
    def proposals(slug: str):
        conference = load_or_404(slug)
        flt = _filter(conference)
        page = _int_param("page") or 1
        pagination = db.paginate(queries.proposals_query(conference.id, flt), page=page, per_page=PER_PAGE,
                                 error_out=False)
        stats = queries.debate_stats(db.session, [p.id for p in pagination.items])
        return jsonify({
            "items": [proposal_summary(p, stats[p.id]) for p in pagination.items],
            "page": page,
            "pages": max(1, math.ceil((pagination.total or 0) / PER_PAGE)),
            "total": pagination.total or 0,
        })

    @bp.route("/conferences/<slug>/proposals/<code>")
    def proposal(slug: str, code: str):
        conference = load_or_404(slug)
        found = queries.get_proposal(db.session, conference.id, code)
        if found is None or found.state == ProposalState.DRAFT:
            not_found(f"No proposal with code {code!r} in this conference")
        stats = queries.debate_stats(db.session, [found.id])[found.id]
        data = proposal_summary(found, stats)
        data.update({
            "body": found.body,
            "justification": found.justification,
            "final_wording": found.final_wording,
            "withdrawn_reason": found.withdrawn_reason,
            "merged_from": [p.code for p in queries.merged_sources(db.session, found.id)],
            "history": [
                {"at": _iso(v.edited_at, conference),
                 "by": _editor(v, found),
                 "summary": str(VERSION_LABELS[v.kind]) + (f": {v.note}" if v.note else "")}
                for v in queries.versions(db.session, found.id)
            ],
            "comments": [comment_data(c, conference) for c in queries.all_comments(db.session, found.id)],
        })
        return jsonify(data)
