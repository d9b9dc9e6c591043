"""Secretariat pages that prepare voting rounds: list, create, edit, pick proposals,
open and delete a draft. Conducting an open round is in plenary.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.conferences.loading import manager_required, me
from app.extensions import db
from app.proposals.constants import SPHERE_LABELS, ProposalSphere, ProposalState
from app.proposals.constants import STATE_LABELS as PROPOSAL_STATE_LABELS
from app.votes import constants, permissions, queries, rounds, view_queries
from app.votes.forms import NewRoundForm, ProposalPickForm, RoundSettingsForm
from app.web import now, render_form, run_action, run_service

bp = Blueprint("manage_rounds", __name__, url_prefix="/conferencias/<slug>/gestao/votacoes",
               template_folder="../templates")


@bp.context_processor
def _vote_context() -> dict[str, Any]:
    return {"vote_labels": constants, "vote_perm": permissions}


def round_or_404(conference: Any, round_id: int) -> Any:
    """A round of *this* conference (an id of another conference is not found)."""
    voting_round = queries.get_round(db.session, conference.id, round_id)
    if voting_round is None:
        abort(404)
    return voting_round


@bp.route("/")
@manager_required
def index(conference, membership):
    all_rounds = queries.list_rounds(db.session, conference.id, include_drafts=True)
    return render_template(
        "votes/manage/index.html", conference=conference, rounds=all_rounds,
        items=view_queries.item_counts(db.session, [r.id for r in all_rounds]),
        electorate=view_queries.electorate_sizes(db.session, all_rounds),
    )


@bp.route("/nova", methods=["GET", "POST"])
@manager_required
def new(conference, membership):
    if request.method == "GET":
        form = NewRoundForm(majority_rule=conference.majority_rule.value, quorum_percent=conference.quorum_percent)
    else:
        form = NewRoundForm()
    if form.validate_on_submit():
        created = run_service(form, rounds.create_round, me(), membership, conference, kind=form.kind.data,
                              now=now(), **form.settings())
        if created is not None:
            flash(_("Rodada criada. Agora escolha as propostas que entram nela."), "success")
            return redirect(url_for("manage_rounds.proposals", slug=conference.slug, round_id=created.id))
    return render_form("votes/manage/form.html", form, conference=conference, voting_round=None)


def _not_a_draft(conference: Any, voting_round: Any):  # type: ignore[no-untyped-def]
    flash(_("Só rodadas em preparação podem ser alteradas."), "error")
    return redirect(url_for("rounds.detail", slug=conference.slug, round_id=voting_round.id))


@bp.route("/<int:round_id>/editar", methods=["GET", "POST"])
@manager_required
def edit(conference, membership, round_id: int):
    voting_round = round_or_404(conference, round_id)
    if voting_round.state != constants.RoundState.DRAFT:
        return _not_a_draft(conference, voting_round)
    form = RoundSettingsForm(obj=voting_round)
    if request.method == "GET":
        form.majority_rule.data = voting_round.majority_rule.value
    if form.validate_on_submit() and run_service(form, rounds.update_round, me(), membership, voting_round,
                                                 now=now(), **form.settings()):
        flash(_("Configurações da rodada atualizadas."), "success")
        return redirect(url_for("manage_rounds.index", slug=conference.slug))
    return render_form("votes/manage/form.html", form, conference=conference, voting_round=voting_round)


def _picker_filter() -> view_queries.PickerFilter:
    eixo = request.args.get("eixo", "")
    sphere = request.args.get("esfera", "")
    state = request.args.get("situacao", "")
    return view_queries.PickerFilter(
        eixo=int(eixo) if eixo.isdigit() and len(eixo) < 4 else None,
        sphere=ProposalSphere(sphere) if sphere in ProposalSphere._value2member_map_ else None,
        state=ProposalState(state) if state in ProposalState._value2member_map_ else None,
    )


@bp.route("/<int:round_id>/propostas", methods=["GET", "POST"])
@manager_required
def proposals(conference, membership, round_id: int):
    voting_round = round_or_404(conference, round_id)
    if voting_round.state != constants.RoundState.DRAFT:
        return _not_a_draft(conference, voting_round)
    flt = _picker_filter()
    eligible_states = rounds.ELIGIBLE_STATES[voting_round.kind]
    listed = view_queries.eligible_proposals(db.session, conference.id, eligible_states, flt)
    current = view_queries.round_item_ids(db.session, voting_round.id)
    checked = current
    form = ProposalPickForm()
    if form.validate_on_submit():
        visible = {p.id for p in listed}
        if request.form.get("acao") == "todas":  # "selecionar todas as filtradas"
            checked = current | visible
        else:  # the checkboxes decide for the proposals on screen; the others stay as they were
            checked = (current - visible) | set(form.checked_ids(request.form))
        if run_service(form, rounds.set_round_proposals, me(), membership, voting_round,
                       proposal_ids=sorted(checked), now=now()):
            flash(ngettext("A rodada tem %(num)d proposta.", "A rodada tem %(num)d propostas.", len(checked)),
                  "success")
            return redirect(request.full_path.rstrip("?"))
    return render_form(
        "votes/manage/proposals.html", form, conference=conference, voting_round=voting_round, flt=flt,
        listed=listed, checked=checked, current_count=len(current), eligible_states=eligible_states,
        busy={pid: title for pid, (_rid, title) in queries.rounds_holding(
            db.session, conference.id, exclude_round=voting_round.id).items()},
        sphere_labels=SPHERE_LABELS, proposal_state_labels=PROPOSAL_STATE_LABELS,
    )


@bp.route("/<int:round_id>/abrir", methods=["POST"])
@manager_required
def open_round(conference, membership, round_id: int):
    voting_round = round_or_404(conference, round_id)
    opened = run_action(rounds.open_round, me(), membership, voting_round, now=now())
    if opened is None:
        return redirect(url_for("manage_rounds.index", slug=conference.slug))
    flash(_("Rodada aberta: o eleitorado foi fixado e os delegados já podem votar."), "success")
    return redirect(url_for("plenary.panel", slug=conference.slug, round_id=round_id))


@bp.route("/<int:round_id>/excluir", methods=["POST"])
@manager_required
def delete(conference, membership, round_id: int):
    voting_round = round_or_404(conference, round_id)
    title = voting_round.title
    if run_action(rounds.delete_round, me(), membership, voting_round, now=now()):
        flash(_("Rodada “%(title)s” excluída.", title=title), "success")
    return redirect(url_for("manage_rounds.index", slug=conference.slug))
