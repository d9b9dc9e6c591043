"""Preparing, opening and closing voting rounds. Every state change is audited.

Opening freezes the electorate (accredited delegates checked in at that moment).
Closing is one atomic step under the round's row lock, idempotent, and freezes the
results computed by SQL aggregation and the pure tally.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.constants import Credential, MajorityRule
from app.conferences.models import Conference, Participation
from app.conferences.permissions import is_admin
from app.conferences.phases import Action
from app.conferences.services import audit, require_phase
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.proposals.constants import ProposalState
from app.proposals.models import Proposal
from app.votes import permissions
from app.votes.constants import RoundKind, RoundState
from app.votes.locking import lock_round_for_change
from app.votes.models import RoundElector, RoundItem, RoundResult, VotingRound
from app.votes.queries import rounds_holding

TITLE_MAX = 200
# Deliberation rounds vote proposals still open; priority rounds rank approved ones.
ELIGIBLE_STATES = {
    RoundKind.DELIBERATION: (ProposalState.SUBMITTED, ProposalState.IN_VOTE),
    RoundKind.PRIORITY: (ProposalState.APPROVED,),
}


def require_round_manager(actor: User, membership: Participation | None, conference_id: int | None = None) -> None:
    """The actor manages rounds. With ``conference_id`` (the services always pass it), the
    membership must be the actor's own in *that* conference: a secretary of another
    conference, or someone else's membership, is refused. Admins need no membership."""
    allowed = permissions.can_manage_rounds(actor, membership)
    if allowed and conference_id is not None and not is_admin(actor):
        allowed = (membership is not None and membership.conference_id == conference_id
                   and membership.user_id == actor.id)
    if not allowed:
        raise PermissionDenied(_l("Só a secretaria da conferência conduz as votações."))


def lock_round(session: Session, voting_round: VotingRound) -> VotingRound:
    """Exclusive: waits for the ballots being written, and later ballots wait for this change."""
    lock_round_for_change(session, voting_round.id)
    locked = session.get(VotingRound, voting_round.id, with_for_update=True, populate_existing=True)
    assert locked is not None
    return locked


def _check_settings(kind: RoundKind, secret: bool, allow_change: bool, quorum_percent: int,
                    max_choices: int | None, forward_count: int | None, title: str) -> None:
    if not title.strip():
        raise ValidationError(_l("Dê um título à rodada."), field="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(_l("Use no máximo %(max)d caracteres.", max=TITLE_MAX), field="title")
    if not 0 <= quorum_percent <= 100:
        raise ValidationError(_l("O quórum é uma porcentagem entre 0 e 100."), field="quorum_percent")
    if secret and allow_change:
        raise ValidationError(_l("Em votação secreta o voto não pode ser trocado depois de enviado."),
                              field="allow_change")
    if kind == RoundKind.PRIORITY:
        if not max_choices or max_choices < 1:
            raise ValidationError(_l("Diga quantas propostas cada delegado pode escolher."), field="max_choices")
        if not forward_count or forward_count < 1:
            raise ValidationError(_l("Diga quantas propostas serão encaminhadas."), field="forward_count")


def create_round(
    session: Session, actor: User, membership: Participation | None, conference: Conference, *,
    title: str, kind: str, secret: bool = False, allow_change: bool = False, double_entry: bool = False,
    majority_rule: str | None = None, quorum_percent: int | None = None, max_choices: int | None = None,
    forward_count: int | None = None, now: dt.datetime,
) -> VotingRound:
    require_round_manager(actor, membership, conference.id)
    require_phase(conference, Action.PREPARE_ROUND)
    kind_value = RoundKind(kind)
    quorum = conference.quorum_percent if quorum_percent is None else quorum_percent
    _check_settings(kind_value, secret, allow_change, quorum, max_choices, forward_count, title)
    voting_round = VotingRound(
        conference_id=conference.id, title=title.strip(), kind=kind_value, state=RoundState.DRAFT,
        secret=secret, allow_change=allow_change, double_entry=double_entry,
        majority_rule=MajorityRule(majority_rule) if majority_rule else conference.majority_rule,
        quorum_percent=quorum,
        max_choices=max_choices if kind_value == RoundKind.PRIORITY else None,
        forward_count=forward_count if kind_value == RoundKind.PRIORITY else None,
        created_by_id=actor.id, created_at=now,
    )
    session.add(voting_round)
    session.flush()
    audit(session, actor, "round.created", voting_round, now, conference.id, kind=kind_value.value,
          secret=secret)
    return voting_round


def update_round(
    session: Session, actor: User, membership: Participation | None, voting_round: VotingRound, *,
    title: str, secret: bool, allow_change: bool, double_entry: bool, majority_rule: str,
    quorum_percent: int, max_choices: int | None = None, forward_count: int | None = None, now: dt.datetime,
) -> VotingRound:
    require_round_manager(actor, membership, voting_round.conference_id)
    voting_round = lock_round(session, voting_round)
    if voting_round.state != RoundState.DRAFT:
        raise ConflictError(_l("Só rodadas em preparação podem ser alteradas."))
    require_phase(voting_round.conference, Action.PREPARE_ROUND)
    _check_settings(voting_round.kind, secret, allow_change, quorum_percent, max_choices, forward_count, title)
    voting_round.title = title.strip()
    voting_round.secret, voting_round.allow_change, voting_round.double_entry = secret, allow_change, double_entry
    voting_round.majority_rule = MajorityRule(majority_rule)
    voting_round.quorum_percent = quorum_percent
    if voting_round.kind == RoundKind.PRIORITY:
        voting_round.max_choices, voting_round.forward_count = max_choices, forward_count
    session.flush()
    audit(session, actor, "round.updated", voting_round, now, voting_round.conference_id)
    return voting_round


def set_round_proposals(
    session: Session, actor: User, membership: Participation | None, voting_round: VotingRound, *,
    proposal_ids: Sequence[int], now: dt.datetime,
) -> VotingRound:
    """Choose the proposals of a draft round (replaces the previous choice)."""
    require_round_manager(actor, membership, voting_round.conference_id)
    voting_round = lock_round(session, voting_round)
    if voting_round.state != RoundState.DRAFT:
        raise ConflictError(_l("Só rodadas em preparação podem ter as propostas alteradas."))
    require_phase(voting_round.conference, Action.PREPARE_ROUND)
    wanted = sorted(set(proposal_ids))
    proposals = list(session.scalars(
        sa.select(Proposal).where(Proposal.conference_id == voting_round.conference_id, Proposal.id.in_(wanted))
        .order_by(Proposal.code).with_for_update()
    )) if wanted else []
    if len(proposals) != len(wanted):
        raise ValidationError(_l("A seleção contém propostas que não são desta conferência."), field="proposal_ids")
    eligible = ELIGIBLE_STATES[voting_round.kind]
    wrong = [p.code for p in proposals if p.state not in eligible]
    if wrong:
        raise ValidationError(_l("Estas propostas não podem entrar nesta rodada: %(codes)s.", codes=", ".join(wrong)),
                              field="proposal_ids")
    busy = rounds_holding(session, voting_round.conference_id, exclude_round=voting_round.id, proposal_ids=wanted)
    if busy:
        codes = ", ".join(p.code for p in proposals if p.id in busy)
        raise ValidationError(_l("Estas propostas já estão em outra rodada não encerrada: %(codes)s.", codes=codes),
                              field="proposal_ids")
    previous = set(session.scalars(sa.select(RoundItem.proposal_id).where(RoundItem.round_id == voting_round.id)))
    session.execute(sa.delete(RoundItem).where(RoundItem.round_id == voting_round.id))
    for position, proposal in enumerate(proposals, start=1):
        session.add(RoundItem(round_id=voting_round.id, proposal_id=proposal.id, position=position))
    if voting_round.kind == RoundKind.DELIBERATION:
        _mark_in_vote(session, [p.id for p in proposals], previous - set(wanted))
    session.flush()
    audit(session, actor, "round.proposals_set", voting_round, now, voting_round.conference_id,
          proposals=[p.code for p in proposals])
    return voting_round


def _mark_in_vote(session: Session, added: Sequence[int], removed: set[int]) -> None:
    """Proposals in a deliberation round are "em votação" (authors can no longer edit them)."""
    if added:
        session.execute(sa.update(Proposal).where(Proposal.id.in_(added), Proposal.state == ProposalState.SUBMITTED)
                        .values(state=ProposalState.IN_VOTE))
    if removed:
        # A proposal already voted in a closed round (a tie, no quorum) stays in vote: only
        # the ones this draft had moved go back to debate.
        voted_before = sa.select(RoundResult.proposal_id).where(RoundResult.proposal_id.in_(removed))
        session.execute(sa.update(Proposal).where(Proposal.id.in_(removed), Proposal.state == ProposalState.IN_VOTE,
                                                  Proposal.id.not_in(voted_before))
                        .values(state=ProposalState.SUBMITTED))


def delete_round(
    session: Session, actor: User, membership: Participation | None, voting_round: VotingRound, *, now: dt.datetime,
) -> VotingRound:
    require_round_manager(actor, membership, voting_round.conference_id)
    voting_round = lock_round(session, voting_round)
    if voting_round.state != RoundState.DRAFT:
        raise ConflictError(_l("Só rodadas em preparação podem ser excluídas."))
    items = list(session.scalars(sa.select(RoundItem.proposal_id).where(RoundItem.round_id == voting_round.id)))
    if voting_round.kind == RoundKind.DELIBERATION:
        _mark_in_vote(session, [], set(items))
    audit(session, actor, "round.deleted", voting_round, now, voting_round.conference_id, title=voting_round.title)
    session.delete(voting_round)
    session.flush()
    return voting_round


def open_round(
    session: Session, actor: User, membership: Participation | None, voting_round: VotingRound, *, now: dt.datetime,
) -> VotingRound:
    """Freeze the electorate: the accredited delegates checked in right now."""
    require_round_manager(actor, membership, voting_round.conference_id)
    voting_round = lock_round(session, voting_round)
    require_phase(voting_round.conference, Action.OPEN_ROUND)
    if voting_round.state != RoundState.DRAFT:
        raise ConflictError(_l("Esta rodada já foi aberta."))
    items = session.scalar(sa.select(sa.func.count()).select_from(RoundItem).where(RoundItem.round_id == voting_round.id))
    if not items:
        raise ConflictError(_l("Inclua pelo menos uma proposta antes de abrir a rodada."))
    present = (
        sa.select(sa.literal(voting_round.id), Participation.id, Participation.segment, sa.false())
        .where(Participation.conference_id == voting_round.conference_id,
               Participation.credential == Credential.DELEGADO,
               Participation.checked_in_at.is_not(None), Participation.segment.is_not(None))
    )
    session.execute(sa.insert(RoundElector).from_select(
        ["round_id", "participation_id", "segment", "added_late"], present))
    inserted = session.scalar(sa.select(sa.func.count()).select_from(RoundElector)
                              .where(RoundElector.round_id == voting_round.id))
    if not inserted:
        raise ConflictError(_l("Não há delegados credenciados com presença registrada: a rodada não pode abrir sem eleitorado."))
    voting_round.state = RoundState.OPEN
    voting_round.opened_at = now
    voting_round.opened_by_id = actor.id
    session.flush()
    audit(session, actor, "round.opened", voting_round, now, voting_round.conference_id, electorate=inserted)
    return voting_round


def add_late_delegate(
    session: Session, actor: User, membership: Participation | None, voting_round: VotingRound,
    participation: Participation, *, now: dt.datetime,
) -> RoundElector:
    """A delegate who checked in after the opening joins the electorate (audited)."""
    require_round_manager(actor, membership, voting_round.conference_id)
    voting_round = lock_round(session, voting_round)
    if voting_round.state != RoundState.OPEN:
        raise ConflictError(_l("Só é possível incluir delegados em rodadas abertas."))
    if participation.conference_id != voting_round.conference_id:
        raise ValidationError(_l("Esta pessoa não é desta conferência."), field="participation_id")
    if participation.credential != Credential.DELEGADO or participation.checked_in_at is None:
        raise ValidationError(_l("Só delegados credenciados e com presença registrada entram no eleitorado."),
                              field="participation_id")
    existing = session.get(RoundElector, (voting_round.id, participation.id))
    if existing is not None:
        raise ConflictError(_l("Esta pessoa já está no eleitorado da rodada."))
    elector = RoundElector(round_id=voting_round.id, participation_id=participation.id,
                           segment=participation.segment, added_late=True)
    session.add(elector)
    session.flush()
    audit(session, actor, "round.elector_added", voting_round, now, voting_round.conference_id,
          participation_id=participation.id)
    return elector
