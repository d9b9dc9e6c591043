"""Voting rounds for delegates and the public: the list, the ballot, the receipt, and,
once a round is closed, its results and published ballots.

No page here shows a figure of an open round: results exist only for closed rounds
(permissions.can_see_results), read from the rows frozen at closing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.conferences.loading import load_conference, me, membership_of
from app.errors import ConflictError, DomainError, PermissionDenied
from app.extensions import db
from app.sanitize import render_markdown
from app.templating import display_prefs
from app.votes import ballots, constants, permissions, queries, view_queries
from app.votes.forms import BallotForm
from app.votes.presentation import hidden_segments
from app.votes.shared_pages import shared_page
from app.web import now, page_arg

bp = Blueprint("rounds", __name__, url_prefix="/conferencias/<slug>/votacoes", template_folder="../templates")
BALLOTS_PER_PAGE = 50
RESULTS_MAX_AGE = 60


@bp.context_processor
def _vote_context() -> dict[str, Any]:
    return {"vote_labels": constants, "vote_perm": permissions, "markdown": render_markdown}


def load_round(slug: str, round_id: int) -> tuple[Any, Any, Any]:
    """The conference (404), the visitor's membership, and a round of *this* conference that
    the visitor may see (404: drafts are the secretariat's, ids of other conferences unknown)."""
    voting_round = queries.get_round_by_slug(db.session, slug, round_id)
    if voting_round is None:
        load_conference(slug)  # an unknown conference and an unknown round are both 404
        abort(404)
    conference = voting_round.conference
    membership = membership_of(conference)
    if not permissions.can_see_round(me(), membership, voting_round):
        abort(404)
    return conference, membership, voting_round


@bp.route("/")
def index(slug: str):
    conference = load_conference(slug)
    membership = membership_of(conference)
    manager = permissions.can_manage_rounds(me(), membership)
    rounds = queries.list_rounds(db.session, conference.id, include_drafts=manager)
    return render_template("votes/index.html", conference=conference, rounds=rounds, manager=manager,
                           electorate=view_queries.electorate_sizes(db.session, rounds))


def _ballot_situation(membership: Any, voting_round: Any) -> dict[str, Any]:
    """What the visitor can do on this round's page: vote, change, or why not."""
    eligible = ballots.in_electorate(db.session, voting_round.id, membership)
    refusal = permissions.vote_refusal(me(), membership, voting_round, eligible)
    voted = eligible and queries.has_voted(db.session, voting_round.id, membership.id)
    mine = queries.my_ballot(db.session, voting_round.id, membership.id) if voted and not voting_round.secret else None
    may_change = voted and voting_round.allow_change and not voting_round.secret
    return {
        "refusal": refusal if voting_round.is_open else None,
        "voted": voted,
        "mine": mine,
        "may_change": may_change,
        "show_ballot": voting_round.is_open and refusal is None and (not voted or may_change),
    }


def render_round(conference: Any, membership: Any, voting_round: Any, *, form: BallotForm | None = None,
                 marked: dict[int, str] | None = None, status: int = 200) -> tuple[str, int]:
    """The round page; re-rendered (422) by the vote view with what the delegate had marked."""
    proposals = queries.round_proposals(db.session, voting_round.id)
    situation = _ballot_situation(membership, voting_round)
    if marked is None:
        by_code = situation["mine"].choices if situation["mine"] else {}
        marked = {p.id: by_code[p.code] for p in proposals if p.code in by_code}
    html = render_template(
        "votes/round.html", conference=conference, membership=membership, voting_round=voting_round,
        proposals=proposals, form=form or BallotForm(formdata=None), marked=marked,
        electorate=view_queries.electorate_sizes(db.session, [voting_round])[voting_round.id],
        manager=permissions.can_manage_rounds(me(), membership), field_name=BallotForm.field_name, **situation,
    )
    return html, status


@bp.route("/<int:round_id>")
def detail(slug: str, round_id: int):
    response = make_response(render_round(*load_round(slug, round_id)))
    response.headers["Cache-Control"] = "private, no-store"  # live state, and a voter's own choices
    return response


def refused(conference: Any, voting_round: Any, message: Any, status: int) -> tuple[str, int]:
    return render_template("votes/refused.html", conference=conference, voting_round=voting_round,
                           message=message, status=status), status


@bp.route("/<int:round_id>/votar", methods=["POST"])
def vote(slug: str, round_id: int):
    conference, membership, voting_round = load_round(slug, round_id)
    if voting_round.is_closed:
        return refused(conference, voting_round, _("Votação encerrada: seu voto não foi registrado."), 409)
    # Who may vote is decided once, by the service (electorate included); this pure check
    # only answers people who are not even delegates before their form is read.
    refusal = permissions.vote_refusal(me(), membership, voting_round, in_electorate=True)
    if refusal is not None:
        return refused(conference, voting_round, refusal, 403 if voting_round.is_open else 409)
    form = BallotForm()
    if not form.validate_on_submit():
        abort(400)  # only the CSRF token can fail here
    marked = form.choices(request.form, voting_round.kind)
    try:
        ballot = ballots.cast_ballot(db.session, me(), membership, voting_round, choices=marked, now=now())
    except (ConflictError, PermissionDenied) as error:  # closed meanwhile, already voted: nothing stored
        db.session.rollback()
        return refused(conference, voting_round, error.message, error.status)
    except DomainError as error:  # a blank ballot, too many choices: the same page, as marked
        db.session.rollback()
        form.add_error(error.field, error.message)
        return render_round(conference, membership, voting_round, form=form, marked=marked, status=422)
    db.session.commit()
    flash(_("Seu voto foi registrado."), "success")
    return redirect(url_for("rounds.receipt", slug=slug, round_id=round_id, receipt=ballot.receipt))


@bp.route("/<int:round_id>/comprovante/<receipt>")
def receipt(slug: str, round_id: int, receipt: str):
    conference, membership, voting_round = load_round(slug, round_id)
    ballot = queries.ballot_by_receipt(db.session, voting_round.id, receipt[:30])
    if ballot is None:
        abort(404)
    response = make_response(render_template(
        "votes/receipt.html", conference=conference, voting_round=voting_round, ballot=ballot,
        proposals=queries.round_proposals(db.session, voting_round.id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:round_id>/resultado")
def results(slug: str, round_id: int):
    conference, _membership, voting_round = load_round(slug, round_id)
    if not permissions.can_see_results(voting_round):
        abort(404)
    shared = me() is None and "_flashes" not in session  # the same page for every anonymous reader

    def render() -> str:
        frozen = queries.frozen_results(db.session, voting_round)
        rows = view_queries.result_rows(voting_round, frozen)
        priority = voting_round.kind == constants.RoundKind.PRIORITY
        return render_template(
            "votes/results.html", conference=conference, voting_round=voting_round, rows=rows,
            segment_hidden=hidden_segments(voting_round.secret, frozen.segment_turnout),
            priority=priority, ranking=view_queries.priority_chart(rows) if priority else [],
            turnout_share=voting_round.turnout / voting_round.electorate_size if voting_round.electorate_size else 0,
        )

    if not shared:
        return render()
    key = (voting_round.id, voting_round.results_digest, request.full_path, str(get_locale()),
           tuple(display_prefs().values()))
    response = make_response(shared_page(key, render))
    # The figures of a closed round never change and the anonymous page holds nothing personal
    # (nor a session): the whole room refreshing it after the close costs a 304, and a proxy in
    # front may serve it. A minute, because a proposal's title may still be edited.
    response.cache_control.public = True
    response.cache_control.max_age = RESULTS_MAX_AGE
    response.vary.update(("Cookie", "Accept-Language"))  # language, contrast and font size
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/<int:round_id>/cedulas")
def published_ballots(slug: str, round_id: int):
    conference, membership, voting_round = load_round(slug, round_id)
    if not permissions.can_see_results(voting_round):
        abort(404)
    wanted = request.args.get("comprovante", "").strip()[:30]
    found = queries.ballot_by_receipt(db.session, voting_round.id, wanted) if wanted else None
    page = page_arg()
    items, total = queries.ballots_page(db.session, voting_round.id, page, BALLOTS_PER_PAGE)
    return render_template(
        "votes/ballots.html", conference=conference, voting_round=voting_round, items=items, wanted=wanted,
        found=found, pagination=view_queries.Page(page, BALLOTS_PER_PAGE, total),
        proposals=queries.round_proposals(db.session, voting_round.id),
    )
