"""Helpers of the voting unit tests: a conference in its voting phase with a secretary and
checked-in delegates, shortcuts to the round services, and the frozen results. Every test
that touches the database also checks, on its way out, that the audit chain verifies."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.conferences.constants import Segment
from app.conferences.models import Conference, Participation
from app.conferences.phases import Phase
from app.proposals.constants import ProposalState
from app.proposals.models import Proposal
from app.votes import ballots, closing, counts, rounds
from app.votes.models import Ballot, RoundResult, SegmentResult, Vote, VotingRound
from tests.unit.shared import _audit_chain_stays_valid, count  # noqa: F401 - the fixture is on for these tests

NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)
FIVE_SEGMENTS = (Segment.USUARIO, Segment.USUARIO, Segment.TRABALHADOR, Segment.ENTIDADE, Segment.GOVERNO)
_codes = itertools.count(1)


def later(**delta: float) -> dt.datetime:
    return NOW + dt.timedelta(**delta)


def events(session, action: str | None = None, subject_id: int | None = None) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    stmt = sa.select(AuditEvent).order_by(AuditEvent.seq)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    if subject_id is not None:
        stmt = stmt.where(AuditEvent.subject_id == subject_id)
    return list(session.scalars(stmt))


def data(event: AuditEvent) -> dict[str, Any]:
    return json.loads(event.data)


def add_proposal(session, conference: Conference, *, state: ProposalState = ProposalState.SUBMITTED,  # type: ignore[no-untyped-def]
                 eixo: int = 1, sphere: str = "municipal") -> Proposal:
    """A proposal written straight to the table (the proposals area has its own tests)."""
    n = next(_codes)
    eixo_row = conference.eixos[eixo - 1]
    proposal = Proposal(conference_id=conference.id, eixo_id=eixo_row.id, sphere=sphere, sequence=n,
                        code=f"E{eixo}-M-{n:03d}", title=f"Proposta {n}", body="Texto da proposta.",
                        state=state, search_text="")
    session.add(proposal)
    session.flush()
    return proposal


class Plenary:
    """A conference in the voting phase with a secretary and checked-in delegates."""

    def __init__(self, session, make, *, phase: Phase = Phase.VOTING,  # type: ignore[no-untyped-def]
                 segments: Sequence[Segment] = FIVE_SEGMENTS, **conference_values: Any) -> None:
        self.session = session
        self.make = make
        self.conference = make.conference(phase=phase, **conference_values)
        self.secretary = make.secretary(self.conference)
        self.delegates = [make.delegate(self.conference, segment=s) for s in segments]

    # --- building ----------------------------------------------------------------------
    def proposals(self, n: int, state: ProposalState = ProposalState.SUBMITTED, **kw: Any) -> list[Proposal]:
        return [add_proposal(self.session, self.conference, state=state, **kw) for _ in range(n)]

    def create(self, *, title: str = "Rodada do eixo 1", kind: str = "deliberation", **settings: Any) -> VotingRound:
        return rounds.create_round(self.session, self.secretary.user, self.secretary, self.conference,
                                   title=title, kind=kind, now=NOW, **settings)

    def set_proposals(self, voting_round: VotingRound, proposals: Iterable[Proposal | int]) -> VotingRound:
        ids = [p if isinstance(p, int) else p.id for p in proposals]
        return rounds.set_round_proposals(self.session, self.secretary.user, self.secretary, voting_round,
                                          proposal_ids=ids, now=NOW)

    def prepare(self, proposals: Iterable[Proposal], **settings: Any) -> VotingRound:
        voting_round = self.create(**settings)
        return self.set_proposals(voting_round, proposals)

    def open(self, voting_round: VotingRound, now: dt.datetime = NOW) -> VotingRound:
        return rounds.open_round(self.session, self.secretary.user, self.secretary, voting_round, now=now)

    def start(self, proposals: Iterable[Proposal], **settings: Any) -> VotingRound:
        return self.open(self.prepare(proposals, **settings))

    # --- voting and closing -----------------------------------------------------------
    def vote(self, delegate: Participation, voting_round: VotingRound, choices: Mapping[Any, str],
             now: dt.datetime = NOW) -> Ballot:
        ids = {(k if isinstance(k, int) else k.id): v for k, v in choices.items()}
        return ballots.cast_ballot(self.session, delegate.user, delegate, voting_round, choices=ids, now=now)

    def count(self, voting_round: VotingRound, figures: Mapping[Any, tuple[int, int, int]],
              secretary: Participation | None = None, now: dt.datetime = NOW) -> VotingRound:
        secretary = secretary or self.secretary
        ids = {(k if isinstance(k, int) else k.id): v for k, v in figures.items()}
        return counts.enter_counts(self.session, secretary.user, secretary, voting_round, counts=ids, now=now)

    def close(self, voting_round: VotingRound, secretary: Participation | None = None,
              now: dt.datetime = NOW) -> VotingRound:
        secretary = secretary or self.secretary
        return closing.close_round(self.session, secretary.user, secretary, voting_round, now=now)

    # --- reading ------------------------------------------------------------------------
    def results(self, voting_round: VotingRound) -> dict[int, RoundResult]:
        return {r.proposal_id: r for r in self.session.scalars(
            sa.select(RoundResult).where(RoundResult.round_id == voting_round.id))}

    def segment_results(self, voting_round: VotingRound) -> dict[tuple[int, str], tuple[int, int, int]]:
        return {(r.proposal_id, r.segment.value): (r.yes, r.no, r.abstain) for r in self.session.scalars(
            sa.select(SegmentResult).where(SegmentResult.round_id == voting_round.id))}

    def votes(self, voting_round: VotingRound) -> list[Vote]:
        return list(self.session.scalars(sa.select(Vote).where(Vote.round_id == voting_round.id)
                                         .order_by(Vote.id)))

    def state_of(self, proposal: Proposal) -> ProposalState:
        self.session.expire(proposal, ["state"])
        return proposal.state


@pytest.fixture
def plenary(session, make) -> Plenary:  # type: ignore[no-untyped-def]
    return Plenary(session, make)
