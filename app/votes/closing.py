"""Closing a round: one atomic, idempotent step that freezes the results.

Under the round's row lock (votes take a shared lock on the same row, so a close waits
for the ballots being written and no ballot is written after it), the stored votes are
counted by SQL aggregation, the pure tally decides, and the figures are stored. A closed
round is never recomputed.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.models import Participation
from app.conferences.services import audit
from app.errors import ConflictError
from app.proposals.constants import ProposalState
from app.proposals.models import Proposal
from app.votes.constants import Outcome, RoundKind, RoundState
from app.votes.counts import agreed_in_person_counts
from app.votes.models import (
    Ballot,
    RoundElector,
    RoundItem,
    RoundResult,
    RoundVoter,
    SegmentResult,
    SegmentTurnout,
    Vote,
    VotingRound,
)
from app.votes.rounds import lock_round, require_round_manager
from app.votes.tally import CountRow, RoundTally, Rules, digest, tally_round


def count_rows(session: Session, round_id: int) -> list[CountRow]:
    rows = session.execute(
        sa.select(Vote.proposal_id, Vote.segment, Vote.choice, sa.func.count())
        .where(Vote.round_id == round_id)
        .group_by(Vote.proposal_id, Vote.segment, Vote.choice)
    ).all()
    return [CountRow(pid, segment.value, choice.value, n) for pid, segment, choice, n in rows]


def compute_tally(session: Session, voting_round: VotingRound) -> tuple[RoundTally, dict[int, str]]:
    items = session.execute(
        sa.select(RoundItem.proposal_id, Proposal.code).join(Proposal, Proposal.id == RoundItem.proposal_id)
        .where(RoundItem.round_id == voting_round.id).order_by(RoundItem.position)
    ).all()
    codes = {pid: code for pid, code in items}
    electorate = session.scalar(sa.select(sa.func.count()).select_from(RoundElector)
                                .where(RoundElector.round_id == voting_round.id)) or 0
    voters = session.scalar(sa.select(sa.func.count()).select_from(RoundVoter)
                            .where(RoundVoter.round_id == voting_round.id)) or 0
    in_person = agreed_in_person_counts(session, voting_round)
    rules = Rules(voting_round.kind, voting_round.majority_rule, voting_round.quorum_percent, electorate,
                  voting_round.forward_count)
    tally = tally_round(count_rows(session, voting_round.id), rules, proposal_ids=list(codes),
                        voters_online=voters, in_person=in_person)
    if tally.voters_online + tally.voters_in_person > electorate:
        raise ConflictError(_l(
            "A contagem presencial somada aos votos online passa do tamanho do eleitorado (%(n)d). Confira a contagem.",
            n=electorate))
    return tally, codes


def _store(session: Session, voting_round: VotingRound, tally: RoundTally) -> None:
    for item in tally.items:
        session.add(RoundResult(
            round_id=voting_round.id, proposal_id=item.proposal_id,
            yes=item.online[0], no=item.online[1], abstain=item.online[2],
            in_person_yes=item.in_person[0], in_person_no=item.in_person[1], in_person_abstain=item.in_person[2],
            outcome=item.outcome, rank=item.rank, forwarded=item.forwarded,
        ))
        for segment, (yes, no, abstain) in item.by_segment.items():
            session.add(SegmentResult(round_id=voting_round.id, proposal_id=item.proposal_id, segment=segment,
                                      yes=yes, no=no, abstain=abstain))
    electorate = dict(session.execute(
        sa.select(RoundElector.segment, sa.func.count()).where(RoundElector.round_id == voting_round.id)
        .group_by(RoundElector.segment)).all())
    voters = dict(session.execute(
        sa.select(Ballot.segment, sa.func.count()).where(Ballot.round_id == voting_round.id)
        .group_by(Ballot.segment)).all())
    for segment in sorted(set(electorate) | set(voters)):
        session.add(SegmentTurnout(round_id=voting_round.id, segment=segment,
                                   electorate=electorate.get(segment, 0), voters=voters.get(segment, 0)))


def _apply_outcomes(session: Session, voting_round: VotingRound, tally: RoundTally) -> None:
    """Deliberations move proposals to approved or rejected; ties and no-quorum stay in vote."""
    if voting_round.kind != RoundKind.DELIBERATION:
        return
    for outcome, state in ((Outcome.APPROVED, ProposalState.APPROVED), (Outcome.REJECTED, ProposalState.REJECTED)):
        ids = [item.proposal_id for item in tally.items if item.outcome == outcome]
        if ids:
            session.execute(sa.update(Proposal).where(Proposal.id.in_(ids)).values(state=state))


def close_round(
    session: Session, actor: User, membership: Participation | None, voting_round: VotingRound, *, now: dt.datetime,
) -> VotingRound:
    require_round_manager(actor, membership)
    voting_round = lock_round(session, voting_round)
    if voting_round.state == RoundState.CLOSED:
        return voting_round  # idempotent: the first close froze the results
    if voting_round.state != RoundState.OPEN:
        raise ConflictError(_l("Só rodadas abertas podem ser encerradas."))
    tally, codes = compute_tally(session, voting_round)
    _store(session, voting_round, tally)
    _apply_outcomes(session, voting_round, tally)
    voting_round.state = RoundState.CLOSED
    voting_round.closed_at = now
    voting_round.closed_by_id = actor.id
    voting_round.electorate_size = tally.electorate
    voting_round.voters_online = tally.voters_online
    voting_round.voters_in_person = tally.voters_in_person
    voting_round.quorum_needed = tally.quorum_needed
    voting_round.quorum_met = tally.quorum_met
    voting_round.results_digest = digest(tally, codes)
    session.flush()
    audit(session, actor, "round.closed", voting_round, now, voting_round.conference_id,
          digest=voting_round.results_digest, electorate=tally.electorate, voters_online=tally.voters_online,
          voters_in_person=tally.voters_in_person, quorum_met=tally.quorum_met,
          outcomes={codes[i.proposal_id]: i.outcome.value for i in tally.items})
    return voting_round
