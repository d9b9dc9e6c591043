"""Proposals: submit, edit, systematise, withdraw, merge (aglutinação), final wording.

Every change writes a version (the readable history) and an audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.models import Conference, Eixo, Participation
from app.conferences.phases import Action
from app.conferences.services import audit, require_phase
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.proposals import permissions
from app.proposals.constants import (
    BODY_MAX,
    JUSTIFICATION_MAX,
    NO_FINAL_WORDING,
    REASON_MAX,
    SPHERE_LETTERS,
    TITLE_MAX,
    ProposalSphere,
    ProposalState,
    VersionKind,
)
from app.proposals.models import Proposal, ProposalVersion
from app.text import fold


def clean_texts(title: str, body: str, justification: str | None) -> tuple[str, str, str | None]:
    title = (title or "").strip()
    body = (body or "").strip()
    justification = (justification or "").strip() or None
    if len(title) < 3:
        raise ValidationError(_l("Escreva um título com pelo menos 3 caracteres."), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(_l("O título pode ter no máximo %(max)d caracteres.", max=TITLE_MAX), field="title")
    if not body:
        raise ValidationError(_l("Escreva o texto da proposta."), field="body")
    if len(body) > BODY_MAX:
        raise ValidationError(_l("O texto pode ter no máximo %(max)d caracteres.", max=BODY_MAX), field="body")
    if justification and len(justification) > JUSTIFICATION_MAX:
        raise ValidationError(
            _l("A justificativa pode ter no máximo %(max)d caracteres.", max=JUSTIFICATION_MAX), field="justification"
        )
    return title, body, justification


def search_text_of(code: str, title: str, body: str, justification: str | None) -> str:
    return fold(" ".join(filter(None, (code, title, body, justification))))


def _sphere(value: str) -> ProposalSphere:
    try:
        return ProposalSphere(value)
    except ValueError as exc:
        raise ValidationError(_l("Escolha a esfera: municipal, estadual ou federal."), field="sphere") from exc


def _locked_eixo(session: Session, conference: Conference, eixo_id: int | None) -> Eixo:
    eixo = session.scalars(
        sa.select(Eixo).where(Eixo.id == eixo_id, Eixo.conference_id == conference.id).with_for_update()
    ).first() if eixo_id is not None else None
    if eixo is None:
        raise ValidationError(_l("Escolha um dos eixos desta conferência."), field="eixo_id")
    return eixo


def _next_code(session: Session, conference: Conference, eixo: Eixo, sphere: ProposalSphere) -> tuple[int, str]:
    """The next sequence of (eixo, sphere) and its code, e.g. E1-M-03; stable once given."""
    sequence = (session.scalar(
        sa.select(sa.func.max(Proposal.sequence)).where(
            Proposal.conference_id == conference.id, Proposal.eixo_id == eixo.id, Proposal.sphere == sphere)
    ) or 0) + 1
    while True:
        code = f"E{eixo.number}-{SPHERE_LETTERS[sphere]}-{sequence:02d}"
        taken = session.scalar(sa.select(sa.func.count()).select_from(Proposal).where(
            Proposal.conference_id == conference.id, Proposal.code == code))
        if not taken:
            return sequence, code
        sequence += 1  # eixos were renumbered after codes were given


def _add_version(session: Session, proposal: Proposal, kind: VersionKind, editor: User | None,
                 now: dt.datetime, note: str | None = None) -> ProposalVersion:
    version = ProposalVersion(
        proposal_id=proposal.id, number=proposal.version, kind=kind, title=proposal.title, body=proposal.body,
        justification=proposal.justification, final_wording=proposal.final_wording, note=note,
        edited_by_id=editor.id if editor is not None else None, edited_at=now,
    )
    session.add(version)
    return version


def create_proposal(
    session: Session, conference: Conference, *, eixo_id: int, sphere: str, title: str, body: str,
    justification: str | None, author: Participation | None, editor: User | None, now: dt.datetime,
    kind: VersionKind = VersionKind.CREATED, note: str | None = None,
) -> Proposal:
    """Create a proposal with its code and first version (no permission check: callers do it)."""
    title, body, justification = clean_texts(title, body, justification)
    sphere_value = _sphere(sphere)
    eixo = _locked_eixo(session, conference, eixo_id)
    sequence, code = _next_code(session, conference, eixo, sphere_value)
    proposal = Proposal(
        conference_id=conference.id, eixo_id=eixo.id, sphere=sphere_value, sequence=sequence, code=code,
        title=title, body=body, justification=justification, author_id=author.id if author else None,
        state=ProposalState.SUBMITTED, search_text=search_text_of(code, title, body, justification),
        version=1, created_at=now, updated_at=now,
    )
    session.add(proposal)
    session.flush()
    _add_version(session, proposal, kind, editor, now, note)
    return proposal


def submit_proposal(
    session: Session, actor: User, membership: Participation | None, conference: Conference, *,
    eixo_id: int, sphere: str, title: str, body: str, justification: str | None, now: dt.datetime,
) -> Proposal:
    if not permissions.can_submit_proposal(actor, conference, membership):
        require_phase(conference, Action.SUBMIT_PROPOSAL)
        raise PermissionDenied(_l("Só participantes inscritos na conferência enviam propostas."))
    assert membership is not None
    limit = conference.proposals_per_participant
    if limit:
        session.get(Participation, membership.id, with_for_update=True)  # one submission at a time per person
        mine = session.scalar(sa.select(sa.func.count()).select_from(Proposal).where(
            Proposal.author_id == membership.id,
            Proposal.state.not_in((ProposalState.WITHDRAWN, ProposalState.DRAFT)),
        ))
        if mine >= limit:
            raise ValidationError(_l(
                "Você já enviou %(num)d propostas, o máximo permitido por participante nesta conferência.",
                num=limit))
    proposal = create_proposal(session, conference, eixo_id=eixo_id, sphere=sphere, title=title, body=body,
                               justification=justification, author=membership, editor=actor, now=now)
    audit(session, actor, "proposal.submitted", proposal, now, conference.id, code=proposal.code)
    return proposal


def _apply_edit(session: Session, actor: User, proposal: Proposal, kind: VersionKind, now: dt.datetime,
                title: str, body: str, justification: str | None) -> Proposal:
    title, body, justification = clean_texts(title, body, justification)
    if (title, body, justification) == (proposal.title, proposal.body, proposal.justification):
        return proposal
    proposal.title, proposal.body, proposal.justification = title, body, justification
    proposal.search_text = search_text_of(proposal.code, title, body, justification)
    proposal.version += 1
    proposal.updated_at = now
    session.flush()
    _add_version(session, proposal, kind, actor, now)
    audit(session, actor, f"proposal.{kind.value}", proposal, now, proposal.conference_id,
          code=proposal.code, version=proposal.version)
    return proposal


def edit_proposal(
    session: Session, actor: User, membership: Participation | None, proposal: Proposal, *,
    title: str, body: str, justification: str | None, now: dt.datetime,
) -> Proposal:
    if not permissions.can_edit_proposal(actor, proposal, membership):
        if not permissions.is_author(membership, proposal):
            raise PermissionDenied(_l("Só quem escreveu a proposta pode editá-la."))
        require_phase(proposal.conference, Action.EDIT_OWN_PROPOSAL)
        raise ConflictError(_l("Esta proposta não pode mais ser editada (já está em votação ou foi encerrada)."))
    return _apply_edit(session, actor, proposal, VersionKind.EDITED, now, title, body, justification)


def _require_systematizer(actor: User, membership: Participation | None, conference: Conference) -> None:
    if not permissions.can_systematize(actor, conference, membership):
        if not permissions.can_moderate(actor, membership, conference.id):
            raise PermissionDenied(_l("Só a secretaria da conferência pode fazer isso."))
        require_phase(conference, Action.SYSTEMATIZE)


def systematize_proposal(
    session: Session, actor: User, membership: Participation | None, proposal: Proposal, *,
    title: str, body: str, justification: str | None, now: dt.datetime,
) -> Proposal:
    """A secretary's edit (sistematização), recorded under the secretary's name."""
    _require_systematizer(actor, membership, proposal.conference)
    if proposal.state != ProposalState.SUBMITTED:
        raise ConflictError(_l("Só propostas em debate podem ser sistematizadas."))
    return _apply_edit(session, actor, proposal, VersionKind.SYSTEMATIZED, now, title, body, justification)


def set_final_wording(
    session: Session, actor: User, membership: Participation | None, proposal: Proposal, *,
    final_wording: str, now: dt.datetime,
) -> Proposal:
    _require_systematizer(actor, membership, proposal.conference)
    if proposal.state in NO_FINAL_WORDING:
        raise ConflictError(_l("Propostas retiradas, aglutinadas ou rejeitadas não têm redação final."))
    text = (final_wording or "").strip()
    if not text:
        raise ValidationError(_l("Escreva a redação final."), field="final_wording")
    if len(text) > BODY_MAX:
        raise ValidationError(_l("O texto pode ter no máximo %(max)d caracteres.", max=BODY_MAX), field="final_wording")
    if text == proposal.final_wording:
        return proposal
    proposal.final_wording = text
    proposal.version += 1
    proposal.updated_at = now
    session.flush()
    _add_version(session, proposal, VersionKind.FINAL_WORDING, actor, now)
    audit(session, actor, "proposal.final_wording_set", proposal, now, proposal.conference_id,
          code=proposal.code, version=proposal.version)
    return proposal


def withdraw_proposal(
    session: Session, actor: User, membership: Participation | None, proposal: Proposal, *,
    reason: str, now: dt.datetime,
) -> Proposal:
    if not permissions.can_withdraw_proposal(actor, proposal, membership):
        if not permissions.is_author(membership, proposal):
            raise PermissionDenied(_l("Só quem escreveu a proposta pode retirá-la."))
        require_phase(proposal.conference, Action.WITHDRAW_PROPOSAL)
        raise ConflictError(_l("Esta proposta não pode mais ser retirada."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_l("Diga por que a proposta está sendo retirada."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(_l("Use no máximo %(max)d caracteres.", max=REASON_MAX), field="reason")
    proposal.state = ProposalState.WITHDRAWN
    proposal.withdrawn_reason = reason
    proposal.version += 1
    proposal.updated_at = now
    session.flush()
    _add_version(session, proposal, VersionKind.WITHDRAWN, actor, now, note=reason)
    audit(session, actor, "proposal.withdrawn", proposal, now, proposal.conference_id, code=proposal.code)
    return proposal


def merge_proposals(
    session: Session, actor: User, membership: Participation | None, conference: Conference, *,
    proposal_ids: Sequence[int], eixo_id: int, sphere: str, title: str, body: str,
    justification: str | None, now: dt.datetime,
) -> Proposal:
    """Aglutinação: two or more proposals become a new one; their debates stay readable."""
    _require_systematizer(actor, membership, conference)
    wanted = sorted(set(proposal_ids))
    if len(wanted) < 2:
        raise ValidationError(_l("Escolha pelo menos duas propostas para aglutinar."), field="proposal_ids")
    sources = list(session.scalars(
        sa.select(Proposal).where(Proposal.conference_id == conference.id, Proposal.id.in_(wanted))
        .order_by(Proposal.code).with_for_update()
    ))
    if len(sources) != len(wanted):
        raise ValidationError(_l("A seleção contém propostas que não são desta conferência."), field="proposal_ids")
    blocked = [p.code for p in sources if p.state != ProposalState.SUBMITTED]
    if blocked:
        raise ConflictError(_l("Só propostas em debate podem ser aglutinadas: %(codes)s.", codes=", ".join(blocked)))
    codes = ", ".join(p.code for p in sources)
    merged = create_proposal(
        session, conference, eixo_id=eixo_id, sphere=sphere, title=title, body=body, justification=justification,
        author=None, editor=actor, now=now, kind=VersionKind.MERGED, note=codes,
    )
    for source in sources:
        source.state = ProposalState.MERGED
        source.merged_into_id = merged.id
        source.version += 1
        source.updated_at = now
        session.flush()
        _add_version(session, source, VersionKind.MERGED, actor, now, note=merged.code)
    audit(session, actor, "proposal.merged", merged, now, conference.id, code=merged.code,
          sources=[p.code for p in sources])
    return merged
