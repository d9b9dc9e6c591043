"""Settling unresolved items and publishing the report (frozen, versioned, audited)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.models import Conference, Participation
from app.conferences.phases import Action, Phase
from app.conferences.services import audit, require_manager, require_phase
from app.errors import ConflictError, ValidationError
from app.proposals.constants import REASON_MAX, ProposalState
from app.proposals.models import Proposal
from app.reports.build import build_report
from app.reports.data import read_report_input
from app.reports.models import ProposalSettlement, PublishedReport
from app.reports.render import to_json


def settle_not_deliberated(
    session: Session, actor: User, membership: Participation | None, proposal: Proposal, *,
    reason: str, now: dt.datetime,
) -> ProposalSettlement:
    """Record a tie or no-quorum item as not deliberated, with the reason, for the report."""
    require_manager(actor, membership)
    if proposal.state != ProposalState.IN_VOTE:
        raise ConflictError(_l("Só propostas com empate ou sem quórum aguardam esta decisão."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_l("Registre o motivo."), field="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(_l("Use no máximo %(max)d caracteres.", max=REASON_MAX), field="reason")
    if session.get(ProposalSettlement, proposal.id) is not None:
        raise ConflictError(_l("Esta proposta já foi registrada como não deliberada."))
    settlement = ProposalSettlement(proposal_id=proposal.id, reason=reason, settled_by_id=actor.id, settled_at=now)
    session.add(settlement)
    session.flush()
    audit(session, actor, "proposal.not_deliberated", proposal, now, proposal.conference_id,
          code=proposal.code, reason=reason)
    return settlement


def draft_report(session: Session, conference: Conference, *, now: dt.datetime, url: str | None = None) -> dict[str, Any]:
    return build_report(read_report_input(session, conference, generated_at=now, url=url))


def latest_version(session: Session, conference_id: int) -> int:
    return session.scalar(sa.select(sa.func.max(PublishedReport.version))
                          .where(PublishedReport.conference_id == conference_id)) or 0


def publish_report(
    session: Session, actor: User, membership: Participation | None, conference: Conference, *,
    now: dt.datetime, note: str | None = None, pdf_renderer: Any = None, url: str | None = None,
) -> PublishedReport:
    """Freeze the next version. Refused while anything is unresolved."""
    require_manager(actor, membership)
    locked = session.get(Conference, conference.id, with_for_update=True, populate_existing=True)
    assert locked is not None
    require_phase(locked, Action.PUBLISH_REPORT)
    version = latest_version(session, locked.id) + 1
    report = build_report(read_report_input(session, locked, generated_at=now, version=version, url=url))
    if report["unresolved"]:
        raise ConflictError(_l(
            "O relatório não pode ser publicado: há %(n)d pendência(s) (empates, falta de quórum ou limites de "
            "encaminhamento). Resolva cada uma na página do relatório.", n=len(report["unresolved"])))
    if version > 1 and not (note or "").strip():
        raise ValidationError(_l("Diga o que esta nova versão corrige."), field="note")
    content = to_json(report)
    published = PublishedReport(
        conference_id=locked.id, version=version, content=content,
        content_sha256=hashlib.sha256(content.encode("utf-8")).hexdigest(),
        note=(note or "").strip() or None, published_by_id=actor.id, published_at=now,
        pdf=pdf_renderer(report) if pdf_renderer else None,
    )
    session.add(published)
    before = locked.phase
    locked.phase = Phase.REPORT_PUBLISHED
    session.flush()
    audit(session, actor, "report.published", published, now, locked.id, version=version,
          sha256=published.content_sha256, phase_from=before.value)
    return published
