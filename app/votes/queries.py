"""Read-only queries of voting rounds; nothing here shows an open round's results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager, joinedload

from app.conferences.constants import Credential
from app.conferences.models import Conference, Participation
from app.proposals.models import Proposal
from app.votes.constants import RoundState
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


def list_rounds(session: Session, conference_id: int, *, include_drafts: bool) -> list[VotingRound]:
    stmt = sa.select(VotingRound).where(VotingRound.conference_id == conference_id)
    if not include_drafts:
        stmt = stmt.where(VotingRound.state != RoundState.DRAFT)
    return list(session.scalars(stmt.order_by(VotingRound.created_at.desc(), VotingRound.id.desc())))


def get_round(session: Session, conference_id: int, round_id: int) -> VotingRound | None:
    """A round of *this* conference; an id of another conference is not found."""
    return session.scalars(
        sa.select(VotingRound).where(VotingRound.id == round_id, VotingRound.conference_id == conference_id)
    ).first()


def get_round_by_slug(session: Session, slug: str, round_id: int) -> VotingRound | None:
    """A round and its conference in one query, by the conference's slug (other conferences'
    round ids are not found)."""
    return session.scalars(
        sa.select(VotingRound).join(VotingRound.conference)
        .where(Conference.slug == slug, VotingRound.id == round_id)
        .options(contains_eager(VotingRound.conference))
    ).first()


def round_proposals(session: Session, round_id: int) -> list[Proposal]:
    return list(session.scalars(
        sa.select(Proposal).join(RoundItem, RoundItem.proposal_id == Proposal.id)
        .where(RoundItem.round_id == round_id).options(joinedload(Proposal.eixo)).order_by(RoundItem.position)
    ))


@dataclass(frozen=True)
class Turnout:
    electorate: int
    voters: int


def turnout(session: Session, round_id: int) -> Turnout:
    """How many of the electorate have voted: counts only, never who voted what."""
    electorate = session.scalar(sa.select(sa.func.count()).select_from(RoundElector)
                                .where(RoundElector.round_id == round_id)) or 0
    voters = session.scalar(sa.select(sa.func.count()).select_from(RoundVoter)
                            .where(RoundVoter.round_id == round_id)) or 0
    return Turnout(electorate, voters)


def late_delegates(session: Session, voting_round: VotingRound) -> list[Participation]:
    """Delegates checked in now who are not in the round's electorate."""
    in_round = sa.select(RoundElector.participation_id).where(RoundElector.round_id == voting_round.id)
    return list(session.scalars(
        sa.select(Participation)
        .where(Participation.conference_id == voting_round.conference_id,
               Participation.credential == Credential.DELEGADO, Participation.checked_in_at.is_not(None),
               Participation.id.not_in(in_round))
        .options(joinedload(Participation.user)).order_by(Participation.id)
    ))


def rounds_holding(
    session: Session, conference_id: int, *, exclude_round: int, proposal_ids: Sequence[int] | None = None,
) -> dict[int, tuple[int, str]]:
    """Proposal id → (id, title) of the other round not closed yet that holds it (a proposal
    votes in one round at a time)."""
    stmt = (
        sa.select(RoundItem.proposal_id, VotingRound.id, VotingRound.title)
        .join(VotingRound, VotingRound.id == RoundItem.round_id)
        .where(VotingRound.conference_id == conference_id, VotingRound.id != exclude_round,
               VotingRound.state != RoundState.CLOSED)
    )
    if proposal_ids is not None:
        stmt = stmt.where(RoundItem.proposal_id.in_(proposal_ids))
    return {pid: (rid, title) for pid, rid, title in session.execute(stmt)}


SegmentFigures = dict[int, dict[str, tuple[int, int, int]]]  # proposal → segment → (yes, no, abstain)
SegmentTurnoutFigures = dict[str, tuple[int, int]]  # segment → (electorate, voters)


def frozen_segment_data(
    session: Session, round_ids: Sequence[int],
) -> tuple[dict[int, SegmentFigures], dict[int, SegmentTurnoutFigures]]:
    """Frozen per-segment figures and turnout of several closed rounds (two queries)."""
    by_segment: dict[int, SegmentFigures] = {rid: {} for rid in round_ids}
    turnout: dict[int, SegmentTurnoutFigures] = {rid: {} for rid in round_ids}
    if not round_ids:
        return by_segment, turnout
    for row in session.scalars(sa.select(SegmentResult).where(SegmentResult.round_id.in_(round_ids))):
        by_segment[row.round_id].setdefault(row.proposal_id, {})[row.segment.value] = (row.yes, row.no, row.abstain)
    for t in session.scalars(sa.select(SegmentTurnout).where(SegmentTurnout.round_id.in_(round_ids))):
        turnout[t.round_id][t.segment.value] = (t.electorate, t.voters)
    return by_segment, turnout


@dataclass
class FrozenResults:
    results: list[RoundResult]
    by_segment: SegmentFigures
    segment_turnout: SegmentTurnoutFigures


def frozen_results(session: Session, voting_round: VotingRound) -> FrozenResults:
    """The results stored at closing (three queries); empty for a round not closed."""
    if voting_round.state != RoundState.CLOSED:
        return FrozenResults([], {}, {})
    results = list(session.scalars(
        sa.select(RoundResult).join(RoundItem, sa.and_(RoundItem.round_id == RoundResult.round_id,
                                                       RoundItem.proposal_id == RoundResult.proposal_id))
        .where(RoundResult.round_id == voting_round.id)
        .options(joinedload(RoundResult.proposal).joinedload(Proposal.eixo))
        .order_by(sa.func.coalesce(RoundResult.rank, 0), RoundItem.position)
    ))
    by_segment, turnout = frozen_segment_data(session, [voting_round.id])
    return FrozenResults(results, by_segment[voting_round.id], turnout[voting_round.id])


@dataclass
class PublishedBallot:
    receipt: str
    choices: dict[str, str]  # proposal code → choice


def _with_choices(session: Session, ballots: list[Ballot]) -> list[PublishedBallot]:
    if not ballots:
        return []
    votes = session.execute(
        sa.select(Vote.ballot_id, Proposal.code, Vote.choice).join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.ballot_id.in_([b.id for b in ballots])).order_by(Proposal.code)
    ).all()
    choices: dict[int, dict[str, str]] = {}
    for ballot_id, code, choice in votes:
        choices.setdefault(ballot_id, {})[code] = choice.value
    return [PublishedBallot(b.receipt, choices.get(b.id, {})) for b in ballots]


def ballots_page(session: Session, round_id: int, page: int, per_page: int = 100) -> tuple[list[PublishedBallot], int]:
    """Published ballots (receipt and choices, no voter), ordered by receipt. Two queries."""
    total = session.scalar(sa.select(sa.func.count()).select_from(Ballot).where(Ballot.round_id == round_id)) or 0
    ballots = list(session.scalars(
        sa.select(Ballot).where(Ballot.round_id == round_id).order_by(Ballot.receipt)
        .limit(per_page).offset((max(page, 1) - 1) * per_page)
    ))
    return _with_choices(session, ballots), total


def ballot_by_receipt(session: Session, round_id: int, receipt: str) -> PublishedBallot | None:
    ballot = session.scalars(sa.select(Ballot).where(Ballot.round_id == round_id,
                                                     Ballot.receipt == receipt.strip().upper())).first()
    return _with_choices(session, [ballot])[0] if ballot else None


def my_ballot(session: Session, round_id: int, membership_id: int) -> PublishedBallot | None:
    """A delegate's own ballot in a named round (secret ballots carry no voter)."""
    ballot = session.scalars(sa.select(Ballot).where(Ballot.round_id == round_id,
                                                     Ballot.voter_id == membership_id)).first()
    return _with_choices(session, [ballot])[0] if ballot else None


def has_voted(session: Session, round_id: int, membership_id: int) -> bool:
    return session.get(RoundVoter, (round_id, membership_id)) is not None


def results_for_rounds(session: Session, round_ids: list[int]) -> dict[int, list[RoundResult]]:
    """Frozen results of several closed rounds in one query (API lists, report)."""
    if not round_ids:
        return {}
    rows = session.scalars(
        sa.select(RoundResult).join(VotingRound, VotingRound.id == RoundResult.round_id)
        .where(RoundResult.round_id.in_(round_ids), VotingRound.state == RoundState.CLOSED)
        .options(joinedload(RoundResult.proposal)).order_by(RoundResult.round_id, RoundResult.proposal_id)
    )
    grouped: dict[int, list[RoundResult]] = {}
    for row in rows:
        grouped.setdefault(row.round_id, []).append(row)
    return grouped
