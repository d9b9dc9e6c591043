"""Read-only queries of the conference area; counting happens in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from app.auth.models import User
from app.conferences.constants import Credential, Role, Segment
from app.conferences.models import Conference, Eixo, Participation


def get_conference(session: Session, slug: str) -> Conference | None:
    return session.scalars(
        sa.select(Conference).where(Conference.slug == slug).options(selectinload(Conference.eixos))
    ).first()


def get_membership(session: Session, conference_id: int, user_id: int | None) -> Participation | None:
    if user_id is None:
        return None
    return session.scalars(
        sa.select(Participation).where(
            Participation.conference_id == conference_id, Participation.user_id == user_id
        )
    ).first()


def list_conferences(session: Session, now: dt.datetime) -> tuple[list[Conference], list[Conference]]:
    """Upcoming and ongoing conferences (soonest first), then past ones (latest first)."""
    rows = session.scalars(sa.select(Conference).order_by(Conference.starts_at.desc())).all()
    upcoming = sorted((c for c in rows if c.ends_at >= now), key=lambda c: c.starts_at)
    past = [c for c in rows if c.ends_at < now]
    return upcoming, past


def list_all_conferences(session: Session) -> list[Conference]:
    return list(
        session.scalars(
            sa.select(Conference).order_by(Conference.starts_at.desc()).options(selectinload(Conference.eixos))
        )
    )


def get_eixo(session: Session, conference_id: int, eixo_id: int) -> Eixo | None:
    return session.scalars(
        sa.select(Eixo).where(Eixo.id == eixo_id, Eixo.conference_id == conference_id)
    ).first()


def get_participation(session: Session, conference_id: int, participation_id: int) -> Participation | None:
    """A participation of *this* conference: an id from another conference is not found."""
    return session.scalars(
        sa.select(Participation)
        .where(Participation.id == participation_id, Participation.conference_id == conference_id)
        .options(joinedload(Participation.user))
    ).first()


@dataclass
class ParticipantCounts:
    by_segment: dict[str, int] = field(default_factory=dict)
    by_credential: dict[str, int] = field(default_factory=dict)
    matrix: dict[tuple[str, str], int] = field(default_factory=dict)
    checked_in: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_segment.values())

    def delegates_by_segment(self) -> dict[str, int]:
        return {s.value: self.matrix.get((s.value, Credential.DELEGADO.value), 0) for s in Segment}

    def checked_in_delegates_by_segment(self) -> dict[str, int]:
        return {s.value: self.checked_in.get((s.value, Credential.DELEGADO.value), 0) for s in Segment}

    @property
    def checked_in_total(self) -> int:
        return sum(self.checked_in.values())


def participant_counts(session: Session, conference_id: int) -> ParticipantCounts:
    """Participants (with a segment) by segment × credential, and how many are checked in."""
    checked = sa.func.count(Participation.checked_in_at)
    rows = session.execute(
        sa.select(Participation.segment, Participation.credential, sa.func.count(), checked)
        .where(Participation.conference_id == conference_id, Participation.segment.is_not(None))
        .group_by(Participation.segment, Participation.credential)
    ).all()
    counts = ParticipantCounts(
        by_segment={s.value: 0 for s in Segment},
        by_credential={c.value: 0 for c in Credential},
    )
    for segment, credential, n, n_checked in rows:
        counts.by_segment[segment.value] += n
        counts.by_credential[credential.value] += n
        counts.matrix[(segment.value, credential.value)] = n
        counts.checked_in[(segment.value, credential.value)] = n_checked
    return counts


def participant_counts_for(session: Session, conference_ids: list[int]) -> dict[int, int]:
    """How many participants each conference has, in one query (for lists)."""
    if not conference_ids:
        return {}
    rows = session.execute(
        sa.select(Participation.conference_id, sa.func.count())
        .where(Participation.conference_id.in_(conference_ids), Participation.segment.is_not(None))
        .group_by(Participation.conference_id)
    ).all()
    return dict(rows)


@dataclass(frozen=True)
class ParticipationFilter:
    segment: Segment | None = None
    credential: Credential | None = None
    checked_in: bool | None = None
    text: str = ""


def participations_query(conference_id: int, flt: ParticipationFilter) -> sa.Select:
    stmt = (
        sa.select(Participation)
        .join(Participation.user)
        .where(Participation.conference_id == conference_id, Participation.segment.is_not(None))
        .options(joinedload(Participation.user))
        .order_by(sa.func.lower(User.display_name), Participation.id)
    )
    if flt.segment is not None:
        stmt = stmt.where(Participation.segment == flt.segment)
    if flt.credential is not None:
        stmt = stmt.where(Participation.credential == flt.credential)
    if flt.checked_in is True:
        stmt = stmt.where(Participation.checked_in_at.is_not(None))
    elif flt.checked_in is False:
        stmt = stmt.where(Participation.checked_in_at.is_(None))
    if flt.text:
        like = f"%{flt.text.lower()}%"
        stmt = stmt.where(
            sa.or_(sa.func.lower(User.display_name).like(like), sa.func.lower(Participation.organisation).like(like))
        )
    return stmt


def list_secretaries(session: Session, conference_id: int) -> list[Participation]:
    return list(
        session.scalars(
            sa.select(Participation)
            .where(Participation.conference_id == conference_id, Participation.role == Role.SECRETARY)
            .options(joinedload(Participation.user))
            .order_by(Participation.id)
        )
    )


def checked_in_participants(session: Session, conference_id: int, limit: int = 500) -> list[Participation]:
    return list(
        session.scalars(
            sa.select(Participation)
            .where(Participation.conference_id == conference_id, Participation.checked_in_at.is_not(None))
            .options(joinedload(Participation.user))
            .order_by(Participation.checked_in_at.desc())
            .limit(limit)
        )
    )


def search_conferences(session: Session, text: str, limit: int = 50) -> list[Conference]:
    like = f"%{text.lower()}%"
    return list(session.scalars(
        sa.select(Conference)
        .where(sa.or_(
            sa.func.lower(Conference.title).like(like),
            sa.func.lower(Conference.theme).like(like),
            sa.func.lower(sa.func.coalesce(Conference.municipio, "")).like(like),
        ))
        .order_by(Conference.starts_at.desc())
        .limit(limit)
    ))
