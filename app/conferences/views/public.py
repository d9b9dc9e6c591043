"""Public conference pages and joining a conference."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.conferences import participation as participation_services
from app.conferences import permissions, queries
from app.conferences.forms import JoinForm
from app.conferences.loading import load_conference, login_redirect, me, membership_of
from app.conferences.stats import parity
from app.extensions import db
from app.proposals import permissions as proposal_permissions
from app.proposals import queries as proposal_queries
from app.proposals.constants import STATE_LABELS as PROPOSAL_STATE_LABELS
from app.votes import queries as vote_queries
from app.web import now, render_form, run_service

bp = Blueprint("conferences", __name__, url_prefix="/conferencias", template_folder="../templates")


@bp.route("/<slug>")
def detail(slug: str):
    conference = load_conference(slug)
    membership = membership_of(conference)
    counts = queries.participant_counts(db.session, conference.id)
    return render_template(
        "conferences/detail.html",
        conference=conference,
        membership=membership,
        counts=counts,
        parity=parity(counts.delegates_by_segment()),
        can_join=permissions.can_join_conference(me(), conference, membership),
        can_manage=permissions.can_manage_conference(me(), membership),
        proposal_counts=proposal_queries.proposal_counts(db.session, conference.id),
        proposal_state_labels=PROPOSAL_STATE_LABELS,
        can_submit_proposal=proposal_permissions.can_submit_proposal(me(), conference, membership),
        voting_rounds=vote_queries.list_rounds(db.session, conference.id, include_drafts=False),
    )


@bp.route("/<slug>/participar", methods=["GET", "POST"])
def join(slug: str):
    conference = load_conference(slug)
    if not current_user.is_authenticated:
        return login_redirect()
    membership = membership_of(conference)
    if permissions.is_participant(membership):
        flash(_("Você já está inscrito(a) nesta conferência."), "info")
        return redirect(url_for("conferences.detail", slug=slug))
    if not permissions.can_join_conference(me(), conference, membership):
        abort(403)
    form = JoinForm()
    if form.validate_on_submit():
        joined = run_service(
            form,
            participation_services.join_conference,
            me(),
            conference,
            segment=form.segment.data,
            organisation=form.organisation.data,
            now=now(),
        )
        if joined is not None:
            flash(_("Inscrição feita! No dia da conferência, procure o credenciamento para receber seu crachá."), "success")
            return redirect(url_for("conferences.detail", slug=slug))
    return render_form("conferences/join.html", form, conference=conference)
