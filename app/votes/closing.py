"""Closing a round: one atomic, idempotent step that freezes the results.

Under the round's row lock (votes take a shared lock on the same row, so a close waits
for the ballots being written and no ballot is written after it), the stored votes are
counted by SQL aggregation, the pure tally decides, and the figures are stored. A closed
round is never recomputed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.auth.models import User
from app.conferences.constants import Segment
from app.conferences.models import Participation
from app.conferences.services import audit
from app.errors import ConflictError
from app.proposals.constants import ProposalState
from app.proposals.models import Proposal
from app.votes.constants import Choice, Outcome, RoundKind, RoundState
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
from app.votes.tally import CountRow, InPersonRow, RoundTally, Rules, digest, tally_round


def aggregate_segments(session: Session, round_id: int) -> list[tuple[int, Segment, int, int, int]]:
    """One pass over the round's votes: (proposal, segment, yes, no, abstain) per group.

    A plain SELECT, so that PostgreSQL may run it with parallel workers (it never does for
    INSERT … SELECT); the few thousand rows it returns are then stored in bulk.
    """
    rows = session.execute(
        sa.select(
            Vote.proposal_id, Vote.segment,
            sa.func.count().filter(Vote.choice.in_((Choice.YES, Choice.SELECTED))),
            sa.func.count().filter(Vote.choice == Choice.NO),
            sa.func.count().filter(Vote.choice == Choice.ABSTAIN),
        )
        .where(Vote.round_id == round_id)
        .group_by(Vote.proposal_id, Vote.segment)
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def count_rows(session: Session, round_id: int) -> list[CountRow]:
    """The frozen per-segment figures of a closed round, as the pure tally reads them."""
    rows = session.execute(
        sa.select(SegmentResult.proposal_id, SegmentResult.segment, SegmentResult.yes, SegmentResult.no,
                  SegmentResult.abstain).where(SegmentResult.round_id == round_id)
    ).all()
    return as_count_rows(rows)


def as_count_rows(rows) -> list[CountRow]:  # type: ignore[no-untyped-def]
    return [
        CountRow(pid, segment.value, choice, n)
        for pid, segment, yes, no, abstain in rows
        for choice, n in (("yes", yes), ("no", no), ("abstain", abstain))
        if n
    ]


@dataclass(frozen=True)
class Inputs:
    """What the tally needs besides the per-segment rows, all read before anything is written."""

    codes: dict[int, str]
    electorate: int
    voters_online: int
    in_person: list[InPersonRow]


def read_inputs(session: Session, voting_round: VotingRound) -> Inputs:
    """Read and check the counts; refuses (nothing written yet) when they cannot be tallied."""
    items = session.execute(
        sa.select(RoundItem.proposal_id, Proposal.code).join(Proposal, Proposal.id == RoundItem.proposal_id)
        .where(RoundItem.round_id == voting_round.id).order_by(RoundItem.position)
    ).all()
    electorate = session.scalar(sa.select(sa.func.count()).select_from(RoundElector)
                                .where(RoundElector.round_id == voting_round.id)) or 0
    voters = session.scalar(sa.select(sa.func.count()).select_from(RoundVoter)
                            .where(RoundVoter.round_id == voting_round.id)) or 0
    in_person = agreed_in_person_counts(session, voting_round)
    if voters + max((row.total for row in in_person), default=0) > electorate:
        raise ConflictError(_l(
            "A contagem presencial somada aos votos online passa do tamanho do eleitorado (%(n)d). Confira a contagem.",
            n=electorate))
    return Inputs(dict(items), electorate, voters, in_person)


def compute_tally(
    session: Session, voting_round: VotingRound, inputs: Inputs | None = None,
    rows: list[CountRow] | None = None,
) -> tuple[RoundTally, dict[int, str]]:
    """The pure tally; by default over the frozen per-segment rows of a closed round."""
    inputs = inputs or read_inputs(session, voting_round)
    rules = Rules(voting_round.kind, voting_round.majority_rule, voting_round.quorum_percent, inputs.electorate,
                  voting_round.forward_count)
    tally = tally_round(count_rows(session, voting_round.id) if rows is None else rows, rules,
                        proposal_ids=list(inputs.codes), voters_online=inputs.voters_online,
                        in_person=inputs.in_person)
    return tally, inputs.codes


def _store(session: Session, voting_round: VotingRound, tally: RoundTally,
           segments: list[tuple[int, Segment, int, int, int]]) -> None:
    """Frozen result rows, written in bulk (no ORM unit of work for thousands of rows)."""
    if segments:
        session.execute(sa.insert(SegmentResult.__table__), [
            {"round_id": voting_round.id, "proposal_id": pid, "segment": segment, "yes": yes, "no": no,
             "abstain": abstain}
            for pid, segment, yes, no, abstain in segments
        ])
    session.execute(sa.insert(RoundResult), [
        {"round_id": voting_round.id, "proposal_id": item.proposal_id,
         "yes": item.online[0], "no": item.online[1], "abstain": item.online[2],
         "in_person_yes": item.in_person[0], "in_person_no": item.in_person[1],
         "in_person_abstain": item.in_person[2], "outcome": item.outcome, "rank": item.rank,
         "forwarded": item.forwarded}
        for item in tally.items
    ])
    electorate = dict(session.execute(
        sa.select(RoundElector.segment, sa.func.count()).where(RoundElector.round_id == voting_round.id)
        .group_by(RoundElector.segment)).all())
    voters = dict(session.execute(
        sa.select(Ballot.segment, sa.func.count()).where(Ballot.round_id == voting_round.id)
        .group_by(Ballot.segment)).all())
    turnout = [{"round_id": voting_round.id, "segment": segment, "electorate": electorate.get(segment, 0),
                "voters": voters.get(segment, 0)} for segment in sorted(set(electorate) | set(voters))]
    if turnout:
        session.execute(sa.insert(SegmentTurnout), turnout)


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
    require_round_manager(actor, membership, voting_round.conference_id)
    voting_round = lock_round(session, voting_round)
    if voting_round.state == RoundState.CLOSED:
        return voting_round  # idempotent: the first close froze the results
    if voting_round.state != RoundState.OPEN:
        raise ConflictError(_l("Só rodadas abertas podem ser encerradas."))
    inputs = read_inputs(session, voting_round)  # refuses before anything is written
    segments = aggregate_segments(session, voting_round.id)
    tally, codes = compute_tally(session, voting_round, inputs, as_count_rows(segments))
    _store(session, voting_round, tally, segments)
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
