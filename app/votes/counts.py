"""In-person counts (contagem por crachá) entered by secretaries, with optional double entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.models import Participation
from app.conferences.services import audit
from app.errors import ConflictError, ValidationError
from app.votes.constants import RoundKind, RoundState
from app.votes.models import InPersonCount, RoundItem, VotingRound
from app.votes.rounds import lock_round, require_round_manager
from app.votes.tally import InPersonRow

MAX_COUNT = 100_000


@dataclass(frozen=True)
class CountComparison:
    proposal_id: int
    first: InPersonCount | None
    second: InPersonCount | None

    @property
    def agreed(self) -> bool:
        if self.first is None or self.second is None:
            return False
        return (self.first.yes, self.first.no, self.first.abstain) == (
            self.second.yes, self.second.no, self.second.abstain)


def enter_counts(
    session: Session, actor: User, membership: Participation | None, voting_round: VotingRound, *,
    counts: dict[int, tuple[int, int, int]], now: dt.datetime,
) -> VotingRound:
    """Record (or correct) this secretary's figures for each proposal of the open round.

    Without double entry there is one set of figures; with it, the first secretary fills
    slot 1 and a different secretary slot 2, and the round closes only when both agree.
    """
    require_round_manager(actor, membership, voting_round.conference_id)
    voting_round = lock_round(session, voting_round)
    if voting_round.state != RoundState.OPEN:
        raise ConflictError(_l("A contagem presencial é registrada com a rodada aberta."))
    items = set(session.scalars(sa.select(RoundItem.proposal_id).where(RoundItem.round_id == voting_round.id)))
    for proposal_id, figures in counts.items():
        if proposal_id not in items:
            raise ValidationError(_l("Uma das propostas não está nesta rodada."))
        if any(n < 0 or n > MAX_COUNT for n in figures):
            raise ValidationError(_l("As contagens são números inteiros de 0 a %(max)d.", max=MAX_COUNT))
        if voting_round.kind == RoundKind.PRIORITY and (figures[1] or figures[2]):
            raise ValidationError(_l("Na priorização só se conta quantas vezes cada proposta foi escolhida."))
    existing = {(c.proposal_id, c.entered_by_id): c for c in session.scalars(
        sa.select(InPersonCount).where(InPersonCount.round_id == voting_round.id))}
    slots_taken: dict[int, set[int]] = {}
    for (pid, _user), count in existing.items():
        slots_taken.setdefault(pid, set()).add(count.slot)
    for proposal_id, (yes, no, abstain) in counts.items():
        mine = existing.get((proposal_id, actor.id))
        if mine is None:
            taken = slots_taken.get(proposal_id, set())
            free = [slot for slot in ((1, 2) if voting_round.double_entry else (1,)) if slot not in taken]
            if not free:
                if not voting_round.double_entry:
                    # Single entry: the figures are the secretariat's, whoever corrects them.
                    mine = next(c for (pid, _u), c in existing.items() if pid == proposal_id)
                    mine.entered_by_id = actor.id
                else:
                    raise ConflictError(_l("As duas contagens desta proposta já foram digitadas; quem digitou pode corrigir a sua."))
            else:
                mine = InPersonCount(round_id=voting_round.id, proposal_id=proposal_id, slot=free[0],
                                     entered_by_id=actor.id)
                session.add(mine)
                slots_taken.setdefault(proposal_id, set()).add(free[0])
        mine.yes, mine.no, mine.abstain, mine.entered_at = yes, no, abstain, now
    session.flush()
    audit(session, actor, "round.in_person_counts", voting_round, now, voting_round.conference_id,
          counts={str(pid): list(fig) for pid, fig in sorted(counts.items())})
    return voting_round


def compare_counts(session: Session, voting_round: VotingRound) -> list[CountComparison]:
    items = list(session.scalars(sa.select(RoundItem.proposal_id).where(RoundItem.round_id == voting_round.id)
                                 .order_by(RoundItem.position)))
    entries: dict[tuple[int, int], InPersonCount] = {(c.proposal_id, c.slot): c for c in session.scalars(
        sa.select(InPersonCount).where(InPersonCount.round_id == voting_round.id))}
    return [CountComparison(pid, entries.get((pid, 1)), entries.get((pid, 2))) for pid in items]


def agreed_in_person_counts(session: Session, voting_round: VotingRound) -> list[InPersonRow]:
    """The figures the tally uses; with double entry, refuses while any pair is missing or differs."""
    comparisons = compare_counts(session, voting_round)
    rows: list[InPersonRow] = []
    pending: list[int] = []
    for comparison in comparisons:
        first = comparison.first
        if first is None:
            if voting_round.double_entry and comparison.second is not None:
                pending.append(comparison.proposal_id)
            continue
        if voting_round.double_entry and not comparison.agreed:
            pending.append(comparison.proposal_id)
            continue
        rows.append(InPersonRow(comparison.proposal_id, first.yes, first.no, first.abstain))
    if pending:
        raise ConflictError(_l(
            "A contagem presencial em dupla conferência está incompleta ou diverge em %(n)d proposta(s). "
            "Confira a comparação lado a lado antes de encerrar.", n=len(pending)))
    return rows
