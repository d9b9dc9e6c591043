"""Secretariat pages that conduct an open round: the live turnout panel, late delegates,
in-person counts (with double entry side by side) and the closing.

The panel shows how many have voted, never how anyone voted; results exist only after
the closing, on the public results page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.conferences import queries as conference_queries
from app.conferences.loading import manager_required, me
from app.extensions import db
from app.votes import closing, constants, permissions, queries, rounds
from app.votes import counts as count_services
from app.votes.forms import CloseForm, CountsForm, LateDelegateForm
from app.votes.views.manage import round_or_404
from app.web import now, render_form, run_action, run_service

bp = Blueprint("plenary", __name__, url_prefix="/conferencias/<slug>/gestao/votacoes",
               template_folder="../templates")
REFRESH_SECONDS = 15


@bp.context_processor
def _vote_context() -> dict[str, Any]:
    return {"vote_labels": constants, "vote_perm": permissions}


@bp.route("/<int:round_id>/painel")
@manager_required
def panel(conference, membership, round_id: int):
    voting_round = round_or_404(conference, round_id)
    is_open = voting_round.is_open
    return render_template(
        "votes/manage/panel.html", conference=conference, voting_round=voting_round,
        turnout=queries.turnout(db.session, voting_round.id) if voting_round.state != constants.RoundState.DRAFT else None,
        late=queries.late_delegates(db.session, voting_round) if is_open else [],
        auto=is_open and request.args.get("auto") != "0", refresh_seconds=REFRESH_SECONDS, late_form=LateDelegateForm(),
        checked_at=now(),
    )


@bp.route("/<int:round_id>/eleitorado", methods=["POST"])
@manager_required
def add_elector(conference, membership, round_id: int):
    voting_round = round_or_404(conference, round_id)
    form = LateDelegateForm()
    if not form.validate_on_submit():
        abort(400)
    participation = conference_queries.get_participation(db.session, conference.id, form.participation_id.data)
    if participation is None:
        abort(404)
    if run_action(rounds.add_late_delegate, me(), membership, voting_round, participation, now=now()):
        flash(_("%(name)s foi incluído(a) no eleitorado desta rodada.", name=participation.public_name), "success")
    return redirect(url_for("plenary.panel", slug=conference.slug, round_id=round_id))


def _own_entries(comparisons: list[count_services.CountComparison], user_id: int,
                 double_entry: bool) -> dict[int, Any]:
    """The figures this secretary typed (single entry: the secretariat's one set)."""
    mine: dict[int, Any] = {}
    for comparison in comparisons:
        for entry in (comparison.first, comparison.second):
            if entry is not None and (not double_entry or entry.entered_by_id == user_id):
                mine[comparison.proposal_id] = entry
                break
    return mine


@bp.route("/<int:round_id>/contagem", methods=["GET", "POST"])
@manager_required
def counts(conference, membership, round_id: int):
    voting_round = round_or_404(conference, round_id)
    proposals = queries.round_proposals(db.session, voting_round.id)
    comparisons = count_services.compare_counts(db.session, voting_round)
    form = CountsForm()
    if request.method == "GET":
        mine = _own_entries(comparisons, me().id, voting_round.double_entry)
        for p in proposals:
            entry = mine.get(p.id)
            form.rows.append_entry({"proposal_id": str(p.id), "yes": entry.yes if entry else None,
                                    "no": entry.no if entry else None, "abstain": entry.abstain if entry else None})
    if form.validate_on_submit():
        figures = form.counts()
        if figures is None:
            abort(400)
        if run_service(form, count_services.enter_counts, me(), membership, voting_round, counts=figures, now=now()):
            flash(_("Contagem presencial registrada."), "success")
            return redirect(url_for("plenary.counts", slug=conference.slug, round_id=round_id))
    return render_form(
        "votes/manage/counts.html", form, conference=conference, voting_round=voting_round,
        proposals={str(p.id): p for p in proposals}, comparisons=comparisons,
        by_id={p.id: p for p in proposals}, user_id=me().id,
    )


@bp.route("/<int:round_id>/encerrar", methods=["GET", "POST"])
@manager_required
def close(conference, membership, round_id: int):
    """"Tem certeza?": a page with a confirmation checkbox, then one atomic, idempotent close."""
    voting_round = round_or_404(conference, round_id)
    if voting_round.is_closed:
        flash(_("Esta rodada já está encerrada."), "info")
        return redirect(url_for("rounds.results", slug=conference.slug, round_id=round_id))
    form = CloseForm()
    if form.validate_on_submit() and run_service(form, closing.close_round, me(), membership, voting_round, now=now()):
        flash(_("Rodada encerrada. O resultado e as cédulas estão publicados."), "success")
        return redirect(url_for("rounds.results", slug=conference.slug, round_id=round_id))
    comparisons = count_services.compare_counts(db.session, voting_round) if voting_round.double_entry else []
    return render_form(
        "votes/manage/close.html", form, conference=conference, voting_round=voting_round,
        turnout=queries.turnout(db.session, voting_round.id) if voting_round.is_open else None,
        pending=[c for c in comparisons if not c.agreed and (c.first or c.second)],
    )
