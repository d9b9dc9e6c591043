"""The debate: commenting and replying, editing and removing one's comment, reporting,
and the secretary's hide and restore. Every action returns to the comment's place."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from app.conferences.loading import login_redirect, me
from app.errors import abort_with
from app.extensions import account_or_address, db, limiter
from app.proposals import comments as services
from app.proposals import permissions, queries
from app.proposals.forms import CommentForm, EditCommentForm, ReasonForm, ReplyForm
from app.proposals.views.proposals import debate_closed_reason, detail_url, labels_context, load_proposal, render_detail
from app.web import now, render_form, run_action, run_service, safe_next

bp = Blueprint("comments", __name__, url_prefix="/conferencias/<slug>/propostas/<code>/comentarios",
               template_folder="../templates")


def _load(slug: str, code: str, comment_id: int):  # type: ignore[no-untyped-def]
    """A comment of *this* proposal of *this* conference, else 404."""
    conference, membership, proposal = load_proposal(slug, code)
    comment = queries.get_comment(db.session, proposal.id, comment_id)
    if comment is None:
        abort(404)
    return conference, membership, proposal, comment


def _back(proposal, comment) -> str:  # type: ignore[no-untyped-def]
    """Where the form came from (the moderation queue or the proposal), else the comment's place."""
    return safe_next(request.form.get("next"), detail_url(proposal, comment))


@bp.route("/", methods=["POST"])
@limiter.limit(lambda: current_app.config["COMMENT_LIMIT"], key_func=account_or_address)
def create(slug: str, code: str):
    conference, membership, proposal = load_proposal(slug, code)
    if not current_user.is_authenticated:
        return login_redirect()
    if not permissions.can_comment(me(), proposal, membership):
        reason = debate_closed_reason(proposal, membership)
        abort_with(403, _("Para comentar, primeiro faça sua inscrição nesta conferência.")
                   if reason in ("login", "join") else reason)
    is_reply = "parent_id" in request.form
    form = ReplyForm() if is_reply else CommentForm()
    if form.validate_on_submit():
        comment = run_service(
            form, services.post_comment, me(), membership, proposal, body=form.body.data,
            stance=form.stance.data or None, parent_id=form.parent_id.data if is_reply else None, now=now(),
        )
        if comment is not None:
            flash(_("Resposta publicada.") if is_reply else _("Comentário publicado."), "success")
            return redirect(detail_url(proposal, comment))
    if is_reply:
        return render_detail(conference, membership, proposal, reply_form=form, reply_to=form.parent_id.data,
                             status=422)
    return render_detail(conference, membership, proposal, comment_form=form, status=422)


@bp.route("/<int:comment_id>/editar", methods=["GET", "POST"])
def edit(slug: str, code: str, comment_id: int):
    conference, membership, proposal, comment = _load(slug, code, comment_id)
    if not current_user.is_authenticated:
        return login_redirect()
    if not permissions.can_edit_comment(me(), comment, membership, now()):
        abort_with(403, _("Só quem escreveu o comentário pode editá-lo, e só nos primeiros 15 minutos."))
    form = EditCommentForm(obj=comment)
    if request.method == "GET":
        form.stance.data = comment.stance.value if comment.stance else ""
    if form.validate_on_submit() and run_service(
        form, services.edit_comment, me(), membership, comment, body=form.body.data,
        stance=form.stance.data or None, now=now(),
    ):
        flash(_("Comentário atualizado."), "success")
        return redirect(detail_url(proposal, comment))
    return render_form("proposals/comment_edit.html", form, conference=conference, proposal=proposal,
                       comment=comment)


@bp.route("/<int:comment_id>/remover", methods=["POST"])
def delete(slug: str, code: str, comment_id: int):
    _conference, membership, proposal, comment = _load(slug, code, comment_id)
    if not current_user.is_authenticated:
        return login_redirect()
    if not permissions.can_delete_comment(me(), comment, membership):
        abort(403)
    if run_action(services.delete_comment, me(), membership, comment, now=now()):
        flash(_("Comentário removido. As respostas continuam no debate."), "success")
    return redirect(detail_url(proposal, comment))


@bp.route("/<int:comment_id>/denunciar", methods=["GET", "POST"])
def report(slug: str, code: str, comment_id: int):
    conference, membership, proposal, comment = _load(slug, code, comment_id)
    if not current_user.is_authenticated:
        return login_redirect()
    if not permissions.can_report_comment(me(), comment, membership):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit() and run_service(
        form, services.report_comment, me(), membership, comment, reason=form.reason.data, now=now(),
    ):
        flash(_("Denúncia enviada. A moderação vai analisar. Obrigado por ajudar a cuidar do debate."),
              "success")
        return redirect(detail_url(proposal, comment))
    return render_form("proposals/comment_report.html", form, conference=conference, proposal=proposal,
                       comment=comment, **labels_context())


@bp.route("/<int:comment_id>/ocultar", methods=["GET", "POST"])
def hide(slug: str, code: str, comment_id: int):
    conference, membership, proposal, comment = _load(slug, code, comment_id)
    if not current_user.is_authenticated:
        return login_redirect()
    if not permissions.can_moderate(me(), membership):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit() and run_service(
        form, services.hide_comment, me(), membership, comment, reason=form.reason.data, now=now(),
    ):
        flash(_("Comentário ocultado. O motivo aparece no debate."), "success")
        return redirect(_back(proposal, comment))
    return render_form("proposals/comment_hide.html", form, conference=conference, proposal=proposal,
                       comment=comment, next=safe_next(request.values.get("next"), ""), **labels_context())


@bp.route("/<int:comment_id>/restaurar", methods=["POST"])
def restore(slug: str, code: str, comment_id: int):
    _conference, membership, proposal, comment = _load(slug, code, comment_id)
    if not current_user.is_authenticated:
        return login_redirect()
    if not permissions.can_moderate(me(), membership):
        abort(403)
    if run_action(services.restore_comment, me(), membership, comment, now=now()):
        flash(_("Comentário revisado: ele fica visível no debate."), "success")
    return redirect(_back(proposal, comment))
