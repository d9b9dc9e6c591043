"""Proposal pages: the list, submitting, the proposal with its debate, editing, withdrawing,
sistematização, final wording, the version history and the aglutinação."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.conferences.constants import SEGMENT_LABELS, Segment
from app.conferences.loading import load_conference, login_redirect, me, membership_of
from app.conferences.permissions import is_participant
from app.conferences.phases import ACTION_REFUSALS, Action
from app.extensions import account_or_address, db, limiter
from app.forms import MAX_INT
from app.proposals import history, permissions, queries
from app.proposals import services as proposal_services
from app.proposals.constants import (
    SPHERE_LABELS,
    STANCE_LABELS,
    STATE_LABELS,
    VERSION_LABELS,
    ProposalSphere,
    ProposalState,
)
from app.proposals.forms import (
    CommentForm,
    EditProposalForm,
    FinalWordingForm,
    MergeForm,
    ProposalForm,
    ReplyForm,
    WithdrawForm,
)
from app.sanitize import render_markdown
from app.web import now, page_arg, render_form, run_service

bp = Blueprint("proposals", __name__, url_prefix="/conferencias/<slug>/propostas", template_folder="../templates")
PER_PAGE = 20
THREADS_PER_PAGE = 20
# Replies shown under each thread on a debate page; the rest are one link away (?fio=<root id>),
# so that one thread of hundreds of replies does not make every reader download it.
REPLIES_SHOWN = 10


def _enum_arg(enum_cls: Any, name: str) -> Any:
    value = request.args.get(name, "")
    return enum_cls(value) if value in enum_cls._value2member_map_ else None


def _filter_from_args(conference) -> queries.ProposalFilter:  # type: ignore[no-untyped-def]
    """The list's filters; anything unknown is ignored (the page never fails on a bad link)."""
    eixo = _int(request.args.get("eixo"))
    if eixo not in {e.number for e in conference.eixos}:
        eixo = None
    return queries.ProposalFilter(
        eixo=eixo,
        sphere=_enum_arg(ProposalSphere, "esfera"),
        state=_enum_arg(ProposalState, "situacao"),
        segment=_enum_arg(Segment, "segmento"),
        text=request.args.get("q", "").strip()[:100],
        sort=_enum_arg(queries.Sort, "ordem") or queries.Sort.NEWEST,
    )


def labels_context() -> dict[str, Any]:
    return {"sphere_labels": SPHERE_LABELS, "state_labels": STATE_LABELS, "stance_labels": STANCE_LABELS,
            "segment_labels": SEGMENT_LABELS, "version_labels": VERSION_LABELS, "pp": permissions,
            "markdown": render_markdown}


def load_proposal(slug: str, code: str):  # type: ignore[no-untyped-def]
    """The conference (404), the visitor's membership and a proposal of *this* conference (404)."""
    conference = load_conference(slug)
    proposal = queries.get_proposal(db.session, conference.id, code)
    if proposal is None:
        abort(404)
    return conference, membership_of(conference), proposal


def detail_url(proposal, comment=None) -> str:  # type: ignore[no-untyped-def]
    """The proposal page, at the debate page and anchor of a comment when given."""
    if comment is None:
        return url_for("proposals.detail", slug=proposal.conference.slug, code=proposal.code)
    place = queries.place_in_debate(db.session, comment, THREADS_PER_PAGE, REPLIES_SHOWN)
    return url_for("proposals.detail", slug=proposal.conference.slug, code=proposal.code,
                   _anchor=f"comentario-{comment.id}", **place)


def debate_closed_reason(proposal, membership) -> str | None:  # type: ignore[no-untyped-def]
    """Why the visitor cannot comment here, in plain words (None when they can)."""
    if permissions.can_comment(me(), proposal, membership):
        return None
    if proposal.state in (ProposalState.WITHDRAWN, ProposalState.MERGED):
        return _("O debate desta proposta está encerrado porque ela foi retirada ou aglutinada. "
                 "Os comentários continuam disponíveis para leitura.")
    if not permissions.debate_open(proposal):
        return str(ACTION_REFUSALS[Action.COMMENT])
    if not current_user.is_authenticated:
        return "login"
    return "join"


def debate_view(proposal):  # type: ignore[no-untyped-def]
    """The page of the debate asked for, or one whole thread (?fio=<root id>; 404 when the
    proposal has no such thread)."""
    thread = _int(request.args.get("fio"))
    if thread is None:
        return queries.thread_page(db.session, proposal.id, page_arg("debate"), THREADS_PER_PAGE,
                                   replies_shown=REPLIES_SHOWN)
    found = queries.whole_thread(db.session, proposal.id, thread, THREADS_PER_PAGE) if 0 < thread <= MAX_INT else None
    if found is None:
        abort(404)
    return found


def render_detail(conference, membership, proposal, *, comment_form=None, reply_form=None,  # type: ignore[no-untyped-def]
                  reply_to: int | None = None, status: int = 200):
    """The proposal page; also re-rendered (422) by the comment views with the typed text."""
    user = me()
    versions = queries.versions(db.session, proposal.id)
    sources = queries.merged_sources(db.session, proposal.id) if proposal.author_id is None else []
    stats = queries.debate_stats(db.session, [proposal.id])[proposal.id]
    threads = debate_view(proposal)
    can_comment = permissions.can_comment(user, proposal, membership)
    if reply_to is None and request.method == "GET":
        reply_to = _int(request.args.get("responder"))
    if can_comment and reply_to is not None and reply_form is None:
        reply_form = ReplyForm(formdata=None, parent_id=reply_to)
    can = {
        "edit": permissions.can_edit_proposal(user, proposal, membership),
        "withdraw": permissions.can_withdraw_proposal(user, proposal, membership),
        "systematize": permissions.can_systematize_proposal(user, proposal, membership),
        "final_wording": permissions.can_set_final_wording(user, proposal, membership),
        "comment": can_comment,
        "moderate": permissions.can_moderate(user, membership),
    }
    html = render_template(
        "proposals/detail.html", conference=conference, membership=membership, proposal=proposal,
        versions=versions, last_editor=version_editor(versions[-1], proposal) if versions else None, sources=sources, stats=stats, threads=threads, can=can, user=user, now=now(),
        comment_form=comment_form or (CommentForm(formdata=None) if can_comment else None),
        reply_form=reply_form if can_comment else None, reply_to=reply_to,
        shown_ids={c.id for c in threads.roots} | {c.id for replies in threads.children.values() for c in replies},
        closed_reason=debate_closed_reason(proposal, membership), **labels_context(),
    )
    return html, status


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/")
def index(slug: str):
    conference = load_conference(slug)
    membership = membership_of(conference)
    flt = _filter_from_args(conference)
    pagination = db.paginate(queries.proposals_query(conference.id, flt), page=page_arg(), per_page=PER_PAGE,
                             error_out=False)
    stats = queries.debate_stats(db.session, [p.id for p in pagination.items])
    return render_template(
        "proposals/index.html", conference=conference, membership=membership, pagination=pagination, flt=flt,
        stats=stats, sorts=queries.Sort,
        can_submit=permissions.can_submit_proposal(me(), conference, membership),
        can_merge=permissions.can_systematize(me(), conference, membership), **labels_context(),
    )


def _cannot(conference, message: str, link: str | None = None, link_text: str | None = None):  # type: ignore[no-untyped-def]
    """A 403 page that says why and what to do next."""
    return render_template("proposals/cannot.html", conference=conference, message=message, link=link,
                           link_text=link_text), 403


@bp.route("/nova", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PROPOSAL_LIMIT"], key_func=account_or_address, methods=["POST"])
def new(slug: str):
    conference = load_conference(slug)
    if not current_user.is_authenticated:
        return login_redirect()
    membership = membership_of(conference)
    if not is_participant(membership):
        return _cannot(conference, _("Para enviar propostas, primeiro faça sua inscrição nesta conferência."),
                       url_for("conferences.join", slug=slug), _("Fazer inscrição"))
    if not permissions.can_submit_proposal(me(), conference, membership):
        return _cannot(conference, str(ACTION_REFUSALS[Action.SUBMIT_PROPOSAL]))
    form = ProposalForm()
    form.set_eixos(conference.eixos)
    if form.validate_on_submit():
        proposal = run_service(
            form, proposal_services.submit_proposal, me(), membership, conference, eixo_id=form.eixo_id.data,
            sphere=form.sphere.data, title=form.title.data, body=form.body.data,
            justification=form.justification.data, now=now(),
        )
        if proposal is not None:
            flash(_("Proposta enviada! O código dela é %(code)s.", code=proposal.code), "success")
            return redirect(detail_url(proposal))
    return render_form("proposals/new.html", form, conference=conference)


@bp.route("/<code>")
def detail(slug: str, code: str):
    conference, membership, proposal = load_proposal(slug, code)
    return render_detail(conference, membership, proposal)


@bp.route("/<code>/editar", methods=["GET", "POST"])
def edit(slug: str, code: str):
    conference, membership, proposal = load_proposal(slug, code)
    if not current_user.is_authenticated:
        return login_redirect()
    if permissions.can_edit_proposal(me(), proposal, membership):
        service, systematizing = proposal_services.edit_proposal, False
    elif permissions.can_systematize_proposal(me(), proposal, membership):
        service, systematizing = proposal_services.systematize_proposal, True
    else:
        abort(403)
    form = EditProposalForm(obj=proposal)
    if form.validate_on_submit() and run_service(
        form, service, me(), membership, proposal, title=form.title.data, body=form.body.data,
        justification=form.justification.data, now=now(),
    ):
        flash(_("Proposta atualizada. A mudança aparece no histórico."), "success")
        return redirect(detail_url(proposal))
    return render_form("proposals/edit.html", form, conference=conference, proposal=proposal,
                       systematizing=systematizing)


@bp.route("/<code>/retirar", methods=["GET", "POST"])
def withdraw(slug: str, code: str):
    conference, membership, proposal = load_proposal(slug, code)
    if not current_user.is_authenticated:
        return login_redirect()
    if not permissions.can_withdraw_proposal(me(), proposal, membership):
        abort(403)
    form = WithdrawForm()
    if form.validate_on_submit() and run_service(
        form, proposal_services.withdraw_proposal, me(), membership, proposal, reason=form.reason.data, now=now(),
    ):
        flash(_("A proposta %(code)s foi retirada.", code=proposal.code), "success")
        return redirect(detail_url(proposal))
    return render_form("proposals/withdraw.html", form, conference=conference, proposal=proposal)


@bp.route("/<code>/redacao-final", methods=["GET", "POST"])
def final_wording(slug: str, code: str):
    conference, membership, proposal = load_proposal(slug, code)
    if not current_user.is_authenticated:
        return login_redirect()
    if not permissions.can_set_final_wording(me(), proposal, membership):
        abort(403)
    form = FinalWordingForm()
    if request.method == "GET":
        form.final_wording.data = proposal.final_wording or proposal.body
    if form.validate_on_submit() and run_service(
        form, proposal_services.set_final_wording, me(), membership, proposal,
        final_wording=form.final_wording.data, now=now(),
    ):
        flash(_("Redação final registrada."), "success")
        return redirect(detail_url(proposal))
    return render_form("proposals/final_wording.html", form, conference=conference, proposal=proposal)


def version_editor(version, proposal) -> str:  # type: ignore[no-untyped-def]
    return history.editor_name(version.kind.value, proposal.author.public_name if proposal.author else None,
                               version.edited_by.public_name if version.edited_by else None, _("Secretaria"))


@bp.route("/<code>/historico")
def history_page(slug: str, code: str):
    conference, _membership, proposal = load_proposal(slug, code)
    rows = queries.versions(db.session, proposal.id)
    entries = history.build_history([
        {"number": v.number, "kind": v.kind, "at": v.edited_at, "note": v.note,
         "by": version_editor(v, proposal), "title": v.title, "body": v.body,
         "justification": v.justification, "final_wording": v.final_wording}
        for v in rows
    ])
    return render_template("proposals/history.html", conference=conference, proposal=proposal,
                           entries=entries, first=rows[0] if rows else None, **labels_context())


@bp.route("/aglutinar", methods=["GET", "POST"])
def merge(slug: str):
    conference = load_conference(slug)
    if not current_user.is_authenticated:
        return login_redirect()
    membership = membership_of(conference)
    if not permissions.can_systematize(me(), conference, membership):
        abort(403)
    form = MergeForm()
    form.set_eixos(conference.eixos)
    if form.validate_on_submit():
        merged = run_service(
            form, proposal_services.merge_proposals, me(), membership, conference,
            proposal_ids=form.proposal_ids.data or [], eixo_id=form.eixo_id.data, sphere=form.sphere.data,
            title=form.title.data, body=form.body.data, justification=form.justification.data, now=now(),
        )
        if merged is not None:
            flash(_("Aglutinação feita: a nova proposta é %(code)s.", code=merged.code), "success")
            return redirect(detail_url(merged))
    candidates = queries.proposals_of_conference(db.session, conference.id, (ProposalState.SUBMITTED,))
    return render_form("proposals/merge.html", form, conference=conference, candidates=candidates,
                       chosen=set(form.proposal_ids.data or []), **labels_context())
