"""The debate: threaded comments with stances, edits, deletion, reports and moderation."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.models import Participation
from app.conferences.phases import Action
from app.conferences.services import audit, require_phase
from app.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from app.proposals import permissions
from app.proposals.constants import CLOSED_FOR_DEBATE, COMMENT_MAX, MAX_DEPTH, REASON_MAX, Stance
from app.proposals.models import Comment, CommentReport, Proposal

PENDING_REVIEW_REASON = "aguardando revisão da moderação"


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_l("Escreva o comentário."), field="body")
    if len(body) > COMMENT_MAX:
        raise ValidationError(_l("O comentário pode ter no máximo %(max)d caracteres.", max=COMMENT_MAX), field="body")
    return body


def _stance(value: str | None) -> Stance | None:
    if not value:
        return None
    try:
        return Stance(value)
    except ValueError as exc:
        raise ValidationError(_l("Escolha a favor, contra ou neutro."), field="stance") from exc


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_l("Informe o motivo."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(_l("Use no máximo %(max)d caracteres.", max=REASON_MAX), field="reason")
    return reason


def post_comment(
    session: Session, actor: User, membership: Participation | None, proposal: Proposal, *,
    body: str, stance: str | None = None, parent_id: int | None = None, now: dt.datetime,
) -> Comment:
    """Comment on a proposal or reply to a comment of the same proposal.

    Replies nest to depth 4; a reply to a depth-4 comment attaches beside it, at depth 4.
    """
    if proposal.state in CLOSED_FOR_DEBATE:
        raise ConflictError(_l("O debate desta proposta está encerrado (ela foi retirada ou aglutinada)."))
    require_phase(proposal.conference, Action.COMMENT)
    if not permissions.can_comment(actor, proposal, membership):
        raise PermissionDenied(_l("Só participantes inscritos na conferência podem comentar."))
    assert membership is not None
    body = _clean_body(body)
    stance_value = _stance(stance)
    parent = None
    if parent_id is not None:
        parent = session.get(Comment, parent_id)
        if parent is None or parent.proposal_id != proposal.id:
            raise ValidationError(_l("Só é possível responder a comentários desta mesma proposta."), field="parent_id")
        if parent.depth >= MAX_DEPTH:
            parent = session.get(Comment, parent.parent_id)
    comment = Comment(
        proposal_id=proposal.id, parent_id=parent.id if parent else None,
        thread_id=parent.thread_id if parent else None, depth=(parent.depth + 1) if parent else 1,
        author_id=membership.id, body=body, stance=stance_value, created_at=now,
    )
    session.add(comment)
    session.flush()
    if comment.thread_id is None:
        comment.thread_id = comment.id
        session.flush()
    return comment


def edit_comment(
    session: Session, actor: User, membership: Participation | None, comment: Comment, *,
    body: str, stance: str | None, now: dt.datetime,
) -> Comment:
    if not permissions.can_edit_comment(actor, comment, membership, now):
        if not permissions.is_comment_author(membership, comment):
            raise PermissionDenied(_l("Só quem escreveu o comentário pode editá-lo."))
        raise ConflictError(_l("Comentários só podem ser editados nos primeiros 15 minutos."))
    body = _clean_body(body)
    stance_value = _stance(stance)
    if (body, stance_value) != (comment.body, comment.stance):
        comment.body = body
        comment.stance = stance_value
        comment.edited_at = now
        session.flush()
    return comment


def delete_comment(
    session: Session, actor: User, membership: Participation | None, comment: Comment, *, now: dt.datetime,
) -> Comment:
    """The author removes the comment; replies stay, the thread shows "comentário removido"."""
    if not permissions.can_delete_comment(actor, comment, membership):
        if permissions.is_comment_author(membership, comment) and comment.deleted_at is not None:
            raise ConflictError(_l("Este comentário já foi removido."))
        raise PermissionDenied(_l("Só quem escreveu o comentário pode removê-lo."))
    comment.body = ""
    comment.stance = None
    comment.deleted_at = now
    _resolve_reports(session, comment, now)  # nothing left for the moderation to review
    session.flush()
    audit(session, actor, "comment.deleted", comment, now, comment.proposal.conference_id)
    return comment


def report_comment(
    session: Session, actor: User, membership: Participation | None, comment: Comment, *,
    reason: str, now: dt.datetime,
) -> CommentReport:
    """Flag a comment; after the conference's threshold it is hidden until reviewed."""
    if not permissions.can_report_comment(actor, comment, membership):
        raise PermissionDenied(_l("Este comentário não pode ser denunciado por você."))
    reason = _clean_reason(reason)
    previous = session.scalars(sa.select(CommentReport).where(
        CommentReport.comment_id == comment.id, CommentReport.reporter_id == actor.id)).first()
    if previous is not None and previous.resolved_at is not None:
        # The moderation kept the comment after an earlier report; a new report reopens it.
        previous.reason, previous.created_at, previous.resolved_at = reason, now, None
        session.flush()
        return _hide_when_reported_enough(session, actor, comment, previous, now)
    report = CommentReport(comment_id=comment.id, reporter_id=actor.id, reason=reason, created_at=now)
    try:
        # Added inside the savepoint: begin_nested() flushes what is pending *before* the
        # SAVEPOINT, and a duplicate flushed there would roll back the whole transaction.
        with session.begin_nested():
            session.add(report)
            session.flush()
    except IntegrityError as exc:
        raise ConflictError(_l("Você já denunciou este comentário. A moderação vai analisar.")) from exc
    return _hide_when_reported_enough(session, actor, comment, report, now)


def _hide_when_reported_enough(session: Session, actor: User, comment: Comment, report: CommentReport,
                               now: dt.datetime) -> CommentReport:
    open_reports = session.scalar(sa.select(sa.func.count()).select_from(CommentReport).where(
        CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None)))
    conference = comment.proposal.conference
    if open_reports >= conference.reports_to_hide and comment.hidden_at is None:
        comment.hidden_at = now
        comment.hidden_pending_review = True
        comment.hidden_reason = PENDING_REVIEW_REASON
        session.flush()
        audit(session, actor, "comment.hidden_by_reports", comment, now, conference.id, reports=open_reports)
    return report


def _resolve_reports(session: Session, comment: Comment, now: dt.datetime) -> int:
    result = session.execute(
        sa.update(CommentReport)
        .where(CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None))
        .values(resolved_at=now)
    )
    return result.rowcount or 0


def _require_moderator(actor: User, membership: Participation | None, comment: Comment) -> None:
    if not permissions.can_moderate(actor, membership, comment.proposal.conference_id):
        raise PermissionDenied(_l("Só a secretaria da conferência modera os debates."))


def hide_comment(
    session: Session, actor: User, membership: Participation | None, comment: Comment, *,
    reason: str, now: dt.datetime,
) -> Comment:
    """Moderation: the thread shows "ocultado pela moderação: <motivo>"."""
    _require_moderator(actor, membership, comment)
    if comment.deleted_at is not None:
        raise ConflictError(_l("Este comentário já foi removido pelo autor."))
    comment.hidden_reason = _clean_reason(reason)
    comment.hidden_at = now
    comment.hidden_by_id = actor.id
    comment.hidden_pending_review = False
    resolved = _resolve_reports(session, comment, now)
    session.flush()
    audit(session, actor, "comment.hidden", comment, now, comment.proposal.conference_id,
          reason=comment.hidden_reason, reports_resolved=resolved)
    return comment


def restore_comment(
    session: Session, actor: User, membership: Participation | None, comment: Comment, *, now: dt.datetime,
) -> Comment:
    _require_moderator(actor, membership, comment)
    resolved = _resolve_reports(session, comment, now)
    if comment.hidden_at is None and not comment.hidden_pending_review and not resolved:
        raise NotFoundError(_l("Não há nada a revisar neste comentário."))
    comment.hidden_at = None
    comment.hidden_by_id = None
    comment.hidden_reason = None
    comment.hidden_pending_review = False
    session.flush()
    audit(session, actor, "comment.restored", comment, now, comment.proposal.conference_id,
          reports_resolved=resolved)
    return comment
