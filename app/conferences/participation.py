"""Joining a conference, credenciamento (accreditation) and check-in at the venue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.constants import SEGMENTS_WITH_ORGANISATION, Credential, Segment
from app.conferences.models import Conference, Participation
from app.conferences.phases import Action
from app.conferences.services import audit, require_manager, require_phase
from app.errors import ConflictError, ValidationError
from app.privacy import register_exporter

ORGANISATION_MAX = 200


def clean_organisation(segment: Segment, organisation: str | None) -> str | None:
    organisation = (organisation or "").strip() or None
    if segment in SEGMENTS_WITH_ORGANISATION and organisation is None:
        raise ValidationError(
            _l("Informe a entidade ou o órgão de governo que você representa."), field="organisation"
        )
    if organisation is not None and len(organisation) > ORGANISATION_MAX:
        raise ValidationError(_l("Use no máximo 200 caracteres."), field="organisation")
    return organisation


def join_conference(
    session: Session, user: User, conference: Conference, *,
    segment: Segment, organisation: str | None, now: dt.datetime,
) -> Participation:
    """Register the user in the conference, declaring a segment. Credentials come later."""
    require_phase(conference, Action.JOIN)
    segment = Segment(segment)
    organisation = clean_organisation(segment, organisation)
    participation = session.scalars(
        sa.select(Participation).where(Participation.conference_id == conference.id, Participation.user_id == user.id)
    ).first()
    if participation is not None and participation.segment is not None:
        raise ConflictError(_l("Você já está inscrito(a) nesta conferência."))
    try:
        with session.begin_nested():  # changes inside: begin_nested() flushes what is pending before it
            if participation is None:
                participation = Participation(conference_id=conference.id, user_id=user.id, created_at=now)
                session.add(participation)
            participation.segment = segment
            participation.organisation = organisation
            session.flush()
    except IntegrityError as exc:  # the same person joining twice at once
        raise ConflictError(_l("Você já está inscrito(a) nesta conferência.")) from exc
    audit(session, user, "participation.joined", participation, now, conference.id, segment=segment.value)
    return participation


def accredit(
    session: Session, actor: User, membership: Participation | None, participation: Participation,
    *, credential: Credential, now: dt.datetime,
) -> Participation:
    require_manager(actor, membership, participation.conference_id)
    require_phase(participation.conference, Action.ACCREDIT)
    credential = Credential(credential)
    if participation.segment is None:
        raise ValidationError(_l("Só participantes inscritos podem ser credenciados."))
    before = participation.credential
    if before != credential:
        participation.credential = credential
        session.flush()
        audit(session, actor, "participation.accredited", participation, now, participation.conference_id,
              **{"from": before.value, "to": credential.value})
    return participation


def set_checked_in(
    session: Session, actor: User, membership: Participation | None, participation: Participation,
    *, present: bool, now: dt.datetime,
) -> Participation:
    """Register (or undo) presence at the venue; presence feeds the electorate of a round."""
    require_manager(actor, membership, participation.conference_id)
    require_phase(participation.conference, Action.CHECK_IN)
    if participation.segment is None:
        raise ValidationError(_l("Só participantes inscritos podem ter presença registrada."))
    if present and participation.checked_in_at is None:
        participation.checked_in_at = now
        session.flush()
        audit(session, actor, "participation.checked_in", participation, now, participation.conference_id)
    elif not present and participation.checked_in_at is not None:
        participation.checked_in_at = None
        session.flush()
        audit(session, actor, "participation.check_in_undone", participation, now, participation.conference_id)
    return participation


def _load_many(session: Session, conference: Conference, ids: Iterable[int]) -> list[Participation]:
    wanted = sorted(set(ids))
    if not wanted:
        raise ValidationError(_l("Selecione pelo menos uma pessoa."))
    rows = list(session.scalars(
        sa.select(Participation)
        .where(Participation.conference_id == conference.id, Participation.id.in_(wanted))
        .order_by(Participation.id)
    ))
    if len(rows) != len(wanted):  # an id of another conference, or made up
        raise ValidationError(_l("A seleção contém inscrições que não são desta conferência."))
    return rows


def bulk_accredit(
    session: Session, actor: User, membership: Participation | None, conference: Conference,
    *, ids: Iterable[int], credential: Credential, now: dt.datetime,
) -> list[Participation]:
    require_manager(actor, membership, conference.id)
    rows = _load_many(session, conference, ids)
    for participation in rows:
        accredit(session, actor, membership, participation, credential=credential, now=now)
    return rows


def bulk_check_in(
    session: Session, actor: User, membership: Participation | None, conference: Conference,
    *, ids: Iterable[int], present: bool, now: dt.datetime,
) -> list[Participation]:
    require_manager(actor, membership, conference.id)
    rows = _load_many(session, conference, ids)
    for participation in rows:
        set_checked_in(session, actor, membership, participation, present=present, now=now)
    return rows


@register_exporter
def _export_participations(session: Session, user: User) -> dict[str, Any]:
    """LGPD export: the conferences the user takes part in, as they declared and were accredited."""
    rows = session.execute(
        sa.select(Participation, Conference.slug, Conference.title)
        .join(Conference, Conference.id == Participation.conference_id)
        .where(Participation.user_id == user.id)
        .order_by(Participation.id)
    ).all()
    return {"participations": [
        {
            "conference": slug,
            "conference_title": title,
            "segment": p.segment.value if p.segment else None,
            "organisation": p.organisation,
            "credential": p.credential.value,
            "role": p.role.value,
            "checked_in_at": p.checked_in_at.isoformat() if p.checked_in_at else None,
            "created_at": p.created_at.isoformat(),
        }
        for p, slug, title in rows
    ]}
