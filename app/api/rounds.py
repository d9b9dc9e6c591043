"""API v1: voting rounds, their frozen results and published ballots.

Drafts are never listed. ``results`` is null unless the round is closed, and the
ballots are published only once it is closed (404 before): an open round's figures
appear nowhere. ``voters`` is the round's turnout as the quorum counts it: online
ballots plus the in-person voters (the largest in-person total among its proposals).
``yes``/``no``/``abstain`` are totals (online + in person); ``in_person`` is the part
counted in the room; ``by_segment`` covers online ballots and is null for a segment
hidden by the small-segment rule of secret rounds (fewer than 5 voters).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from flask import Blueprint, jsonify, request

from app.api.conferences import load_or_404
from app.api.errors import bad_parameter, not_found
from app.extensions import db
from app.votes import permissions, queries, view_queries
from app.votes.constants import RoundState
from app.votes.models import RoundResult, VotingRound
from app.votes.presentation import segment_breakdown

BALLOTS_PER_PAGE = 100
MAX_PAGE = 100_000


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def result_item(result: RoundResult, secret: bool, by_segment: dict[str, tuple[int, int, int]],
                segment_turnout: dict[str, tuple[int, int]]) -> dict[str, Any]:
    return {
        "proposal": result.proposal.code,
        "yes": result.total_yes, "no": result.total_no, "abstain": result.total_abstain,
        "in_person": {"yes": result.in_person_yes, "no": result.in_person_no, "abstain": result.in_person_abstain},
        "by_segment": segment_breakdown(secret, by_segment, segment_turnout),
        "outcome": result.outcome.value, "rank": result.rank, "forwarded": result.forwarded,
    }


def round_data(voting_round: VotingRound, electorate: int, results: list[RoundResult] | None,
               by_segment: dict[int, dict[str, tuple[int, int, int]]],
               segment_turnout: dict[str, tuple[int, int]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": voting_round.id, "title": voting_round.title, "kind": voting_round.kind.value,
        "state": voting_round.state.value, "secret": voting_round.secret,
        "majority_rule": voting_round.majority_rule.value, "electorate": electorate,
        "opened_at": _iso(voting_round.opened_at), "closed_at": _iso(voting_round.closed_at), "results": None,
    }
    if permissions.can_see_results(voting_round) and results is not None:
        ordered = sorted(results, key=lambda r: (r.rank or 0, r.proposal.code))
        data["results"] = {
            "voters": voting_round.turnout, "quorum_met": bool(voting_round.quorum_met),
            "items": [result_item(r, voting_round.secret, by_segment.get(r.proposal_id, {}), segment_turnout)
                      for r in ordered],
        }
    return data


def rounds_data(rounds: Sequence[VotingRound]) -> list[dict[str, Any]]:
    """Several rounds with their results in a fixed number of queries."""
    closed = [r.id for r in rounds if r.state == RoundState.CLOSED]
    results = queries.results_for_rounds(db.session, closed)
    by_segment, turnout = queries.frozen_segment_data(db.session, closed)
    sizes = view_queries.electorate_sizes(db.session, rounds)
    return [round_data(r, sizes[r.id], results.get(r.id, []) if r.id in closed else None,
                       by_segment.get(r.id, {}), turnout.get(r.id, {})) for r in rounds]


def _public_round(slug: str, round_id: int) -> VotingRound:
    conference = load_or_404(slug)
    voting_round = queries.get_round(db.session, conference.id, round_id)
    if voting_round is None or voting_round.state == RoundState.DRAFT:
        not_found(f"No voting round {round_id} in conference {slug!r}")
    return voting_round


def _page_param() -> int:
    raw = request.args.get("page", "1")
    try:
        page = int(raw)
    except ValueError:
        page = 0
    if not 1 <= page <= MAX_PAGE:
        bad_parameter("page", f"page must be a whole number from 1 to {MAX_PAGE}")
    return page


def register(bp: Blueprint) -> None:
    @bp.route("/conferences/<slug>/rounds")
    def rounds(slug: str):
        conference = load_or_404(slug)
        listed = queries.list_rounds(db.session, conference.id, include_drafts=False)
        return jsonify({"items": rounds_data(listed)})

    @bp.route("/conferences/<slug>/rounds/<int:round_id>")
    def round_detail(slug: str, round_id: int):
        return jsonify(rounds_data([_public_round(slug, round_id)])[0])

    @bp.route("/conferences/<slug>/rounds/<int:round_id>/ballots")
    def round_ballots(slug: str, round_id: int):
        voting_round = _public_round(slug, round_id)
        if not permissions.can_see_results(voting_round):
            not_found("The ballots of a round are published once it is closed")
        page = _page_param()
        items, total = queries.ballots_page(db.session, voting_round.id, page, BALLOTS_PER_PAGE)
        return jsonify({
            "items": [{"receipt": b.receipt, "choices": b.choices} for b in items],
            "page": page, "pages": math.ceil(total / BALLOTS_PER_PAGE), "total": total,
        })
