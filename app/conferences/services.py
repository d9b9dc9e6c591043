"""Conference, eixos, rules, phases and secretaries. Every state change is audited.

Services take the session, the acting user and ``now``; they flush, never commit, and
raise DomainError subclasses with a message for the user.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.services import record_event
from app.auth.models import User
from app.auth.services import get_user_by_email
from app.conferences import permissions
from app.conferences.constants import MajorityRule, Role
from app.conferences.models import Conference, Eixo, Participation
from app.conferences.phases import ACTION_REFUSALS, Action, Phase, allows, next_phase
from app.errors import ConflictError, PermissionDenied, PhaseError, ValidationError

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONFERENCE_FIELDS = (
    "slug", "title", "edition", "sphere", "municipio", "uf", "ibge_code", "porte",
    "theme", "description", "venue", "starts_at", "ends_at", "timezone",
)
RULE_FIELDS = ("majority_rule", "quorum_percent", "proposals_per_participant", "reports_to_hide")
CAP_FIELDS = ("cap_municipal", "cap_estadual", "cap_federal")


def audit(
    session: Session, actor: User | None, action: str, subject: Any, now: dt.datetime,
    conference_id: int | None = None, **data: Any,
) -> None:
    """Record one audit event about ``subject`` (a flushed model instance)."""
    record_event(
        session,
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=type(subject).__tablename__,
        subject_id=subject.id,
        conference_id=conference_id,
        now=now,
        data=data,
    )


def require_phase(conference: Conference, action: Action) -> None:
    if not allows(conference.phase, action):
        raise PhaseError(ACTION_REFUSALS[action])


def require_manager(actor: User, membership: Participation | None, conference_id: int | None = None) -> None:
    """The actor manages the conference. With ``conference_id``, the membership must also be the
    actor's own in *that* conference (a secretary of another conference is refused)."""
    allowed = permissions.can_manage_conference(actor, membership)
    if allowed and conference_id is not None and not permissions.is_admin(actor):
        allowed = membership is not None and membership.conference_id == conference_id and (
            membership.user_id == actor.id)
    if not allowed:
        raise PermissionDenied(_l("Só a secretaria da conferência pode fazer isso."))


def _check_conference_values(values: dict[str, Any]) -> None:
    if not SLUG_RE.match(values.get("slug") or ""):
        raise ValidationError(
            _l("Use só letras minúsculas sem acento, números e hifens, como viii-conferencia-2019."), field="slug"
        )
    if values["ends_at"] < values["starts_at"]:
        raise ValidationError(_l("O término precisa ser depois do início."), field="ends_at")
    ibge = values.get("ibge_code")
    if ibge and not re.fullmatch(r"\d{7}", ibge):
        raise ValidationError(_l("O código IBGE do município tem 7 dígitos."), field="ibge_code")


@contextmanager
def _unique_slug(session: Session) -> Iterator[None]:
    """Make the changes of the block inside a savepoint, so that a taken slug (also when two
    admins race) rolls back only them. (begin_nested() flushes what is already pending before
    the SAVEPOINT, so the changes must be made inside the block, not before it.)"""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError as exc:
        raise ValidationError(_l("Já existe uma conferência com este endereço (slug)."), field="slug") from exc


def create_conference(session: Session, actor: User, *, now: dt.datetime, **values: Any) -> Conference:
    if not permissions.can_create_conference(actor):
        raise PermissionDenied(_l("Só a administração cria conferências."))
    _check_conference_values(values)
    conference = Conference(**{k: values[k] for k in CONFERENCE_FIELDS if k in values}, created_at=now)
    with _unique_slug(session):
        session.add(conference)
    audit(session, actor, "conference.created", conference, now, conference.id, slug=conference.slug)
    return conference


def update_conference(
    session: Session, actor: User, membership: Participation | None, conference: Conference,
    *, now: dt.datetime, **values: Any,
) -> Conference:
    require_manager(actor, membership, conference.id)
    _check_conference_values(values)
    changed = sorted(k for k in CONFERENCE_FIELDS if k in values and getattr(conference, k) != values[k])
    with _unique_slug(session):
        for name in changed:
            setattr(conference, name, values[name])
    if changed:
        audit(session, actor, "conference.updated", conference, now, conference.id, fields=changed)
    return conference


def add_eixo(
    session: Session, actor: User, membership: Participation | None, conference: Conference,
    *, title: str, description: str, now: dt.datetime,
) -> Eixo:
    require_manager(actor, membership, conference.id)
    number = (session.scalar(
        sa.select(sa.func.max(Eixo.number)).where(Eixo.conference_id == conference.id)
    ) or 0) + 1
    eixo = Eixo(conference_id=conference.id, number=number, title=title.strip(), description=description.strip())
    session.add(eixo)
    session.flush()
    audit(session, actor, "eixo.created", eixo, now, conference.id, number=number)
    return eixo


def update_eixo(
    session: Session, actor: User, membership: Participation | None, eixo: Eixo,
    *, title: str, description: str, now: dt.datetime,
) -> Eixo:
    require_manager(actor, membership, eixo.conference_id)
    eixo.title = title.strip()
    eixo.description = description.strip()
    session.flush()
    audit(session, actor, "eixo.updated", eixo, now, eixo.conference_id)
    return eixo


def move_eixo(
    session: Session, actor: User, membership: Participation | None, eixo: Eixo,
    *, direction: int, now: dt.datetime,
) -> Eixo:
    """Swap the eixo with its neighbour (direction -1: up, +1: down)."""
    require_manager(actor, membership, eixo.conference_id)
    if direction not in (-1, 1):
        raise ValidationError(_l("Direção inválida."))
    neighbour = session.scalars(
        sa.select(Eixo).where(Eixo.conference_id == eixo.conference_id, Eixo.number == eixo.number + direction)
    ).first()
    if neighbour is None:
        return eixo
    # Swap through a free number so the unique (conference, number) holds at every step.
    old, new = eixo.number, neighbour.number
    free = (session.scalar(sa.select(sa.func.max(Eixo.number)).where(Eixo.conference_id == eixo.conference_id)) or 0) + 1
    eixo.number = free
    session.flush()
    neighbour.number = old
    session.flush()
    eixo.number = new
    session.flush()
    audit(session, actor, "eixo.moved", eixo, now, eixo.conference_id, **{"from": old, "to": new})
    return eixo


def update_rules(
    session: Session, actor: User, membership: Participation | None, conference: Conference,
    *, now: dt.datetime, caps: dict[int, dict[str, int | None]] | None = None, **rules: Any,
) -> Conference:
    """Change the edition's rules; ``caps`` maps eixo id → {cap_municipal, cap_estadual, cap_federal}."""
    require_manager(actor, membership, conference.id)
    if not 0 <= int(rules.get("quorum_percent", conference.quorum_percent)) <= 100:
        raise ValidationError(_l("O quórum é uma porcentagem entre 0 e 100."), field="quorum_percent")
    if int(rules.get("proposals_per_participant", conference.proposals_per_participant)) < 0:
        raise ValidationError(_l("Use um número igual ou maior que zero."), field="proposals_per_participant")
    if int(rules.get("reports_to_hide", conference.reports_to_hide)) < 1:
        raise ValidationError(_l("Use um número de 1 a 100."), field="reports_to_hide")
    if "majority_rule" in rules:
        rules["majority_rule"] = MajorityRule(rules["majority_rule"])
    changed = sorted(k for k in RULE_FIELDS if k in rules and getattr(conference, k) != rules[k])
    for name in changed:
        setattr(conference, name, rules[name])
    eixos = {e.id: e for e in conference.eixos}
    cap_changes: dict[str, dict[str, int | None]] = {}
    for eixo_id, values in (caps or {}).items():
        eixo = eixos.get(eixo_id)
        if eixo is None:
            raise ValidationError(_l("Eixo desconhecido nesta conferência."))
        for name, value in values.items():
            if name not in CAP_FIELDS:
                raise ValidationError(_l("Eixo desconhecido nesta conferência."))
            if value is not None and value < 0:
                raise ValidationError(_l("Os limites não podem ser negativos."))
            if getattr(eixo, name) != value:
                setattr(eixo, name, value)
                cap_changes.setdefault(str(eixo.number), {})[name] = value
    session.flush()
    if changed or cap_changes:
        audit(session, actor, "conference.rules_updated", conference, now, conference.id,
              fields=changed, caps=cap_changes)
    return conference


def advance_phase(
    session: Session, actor: User, membership: Participation | None, conference: Conference,
    *, expected: Phase, now: dt.datetime,
) -> Conference:
    """Move to the next phase. ``expected`` is the phase the secretary saw, so that two
    secretaries clicking at once move it one step, not two."""
    require_manager(actor, membership, conference.id)
    locked = session.get(Conference, conference.id, with_for_update=True, populate_existing=True)
    assert locked is not None
    if locked.phase != expected:
        raise ConflictError(_l("A fase já foi alterada por outra pessoa. Confira a fase atual."))
    target = next_phase(locked.phase)
    if target is None:
        raise ConflictError(_l("Esta fase não avança por aqui: o relatório é publicado na página do relatório."))
    before = locked.phase
    locked.phase = target
    session.flush()
    audit(session, actor, "conference.phase_changed", locked, now, locked.id,
          **{"from": before.value, "to": target.value})
    return locked


def name_secretary(
    session: Session, actor: User, conference: Conference, *, email: str, now: dt.datetime
) -> Participation:
    if not permissions.can_name_secretaries(actor):
        raise PermissionDenied(_l("Só a administração nomeia a secretaria."))
    user = get_user_by_email(session, email)
    if user is None or user.deleted_at is not None:
        raise ValidationError(_l("Não há conta com este e-mail. A pessoa precisa se cadastrar antes."), field="email")
    participation = session.scalars(
        sa.select(Participation).where(Participation.conference_id == conference.id, Participation.user_id == user.id)
    ).first()
    if participation is None:
        participation = Participation(conference_id=conference.id, user_id=user.id, role=Role.SECRETARY, created_at=now)
        session.add(participation)
    elif participation.role == Role.SECRETARY:
        raise ValidationError(_l("Esta pessoa já faz parte da secretaria."), field="email")
    participation.role = Role.SECRETARY
    session.flush()
    audit(session, actor, "secretary.named", participation, now, conference.id, user_id=user.id)
    return participation


def remove_secretary(
    session: Session, actor: User, participation: Participation, *, now: dt.datetime
) -> Participation:
    if not permissions.can_name_secretaries(actor):
        raise PermissionDenied(_l("Só a administração altera a secretaria."))
    if participation.segment is None:
        # A secretary who never joined as a participant simply leaves the conference. (The role
        # must not change first: a participant without a segment breaks a CHECK at the flush.)
        audit(session, actor, "secretary.removed", participation, now, participation.conference_id,
              user_id=participation.user_id)
        session.delete(participation)
        session.flush()
        return participation
    participation.role = Role.PARTICIPANT
    session.flush()
    audit(session, actor, "secretary.removed", participation, now, participation.conference_id,
          user_id=participation.user_id)
    return participation
