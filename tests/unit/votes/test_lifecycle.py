"""End-to-end through the voting services: prepare, open, vote, count in person, close."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.audit.services import verify_chain
from app.conferences.constants import Credential, Segment
from app.conferences.phases import Phase
from app.errors import ConflictError, PermissionDenied
from app.proposals.constants import ProposalState
from app.proposals.models import Proposal
from app.votes import ballots, closing, counts, rounds
from app.votes.constants import Outcome, RoundState
from app.votes.models import RoundElector, RoundResult, Vote

NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)


def _proposal(session, conference, n, state=ProposalState.SUBMITTED):
    eixo = conference.eixos[0]
    p = Proposal(conference_id=conference.id, eixo_id=eixo.id, sphere="municipal", sequence=n, code=f"E1-M-{n:02d}",
                 title=f"Proposta {n}", body="Texto", state=state, search_text="")
    session.add(p)
    session.flush()
    return p


@pytest.fixture
def plenary(session, make):
    conference = make.conference(phase=Phase.VOTING)
    secretary = make.secretary(conference)
    delegates = [make.delegate(conference, segment=s) for s in
                 (Segment.USUARIO, Segment.USUARIO, Segment.TRABALHADOR, Segment.GOVERNO, Segment.GOVERNO)]
    absent = make.delegate(conference, checked_in=False)
    observer = make.participation(conference, credential=Credential.OBSERVADOR, checked_in=True)
    proposals = [_proposal(session, conference, n) for n in (1, 2, 3)]
    return conference, secretary, delegates, absent, observer, proposals


def test_full_deliberation_round(session, plenary):
    conference, secretary, delegates, absent, observer, proposals = plenary
    sec_user = secretary.user
    r = rounds.create_round(session, sec_user, secretary, conference, title="Eixo 1", kind="deliberation", now=NOW)
    rounds.set_round_proposals(session, sec_user, secretary, r, proposal_ids=[p.id for p in proposals], now=NOW)
    assert {p.state for p in proposals} == {ProposalState.IN_VOTE}
    rounds.open_round(session, sec_user, secretary, r, now=NOW)
    electorate = set(session.scalars(sa.select(RoundElector.participation_id).where(RoundElector.round_id == r.id)))
    assert electorate == {d.id for d in delegates}  # absent and observer excluded

    p1, p2, p3 = (p.id for p in proposals)
    plan = [{p1: "yes", p2: "no", p3: "yes"}, {p1: "yes", p2: "no"}, {p1: "no", p2: "yes", p3: "no"},
            {p1: "yes", p3: "abstain"}]
    receipts = set()
    for delegate, choices in zip(delegates, plan, strict=False):
        ballot = ballots.cast_ballot(session, delegate.user, delegate, r, choices=choices, now=NOW)
        receipts.add(ballot.receipt)
    assert len(receipts) == 4
    with pytest.raises(ConflictError):
        ballots.cast_ballot(session, delegates[0].user, delegates[0], r, choices={p1: "no"}, now=NOW)
    with pytest.raises(PermissionDenied):
        ballots.cast_ballot(session, observer.user, observer, r, choices={p1: "no"}, now=NOW)
    with pytest.raises(PermissionDenied):
        ballots.cast_ballot(session, absent.user, absent, r, choices={p1: "no"}, now=NOW)

    counts.enter_counts(session, sec_user, secretary, r, counts={p2: (0, 0, 1)}, now=NOW)
    closing.close_round(session, sec_user, secretary, r, now=NOW)
    assert r.state == RoundState.CLOSED and r.quorum_met
    results = {x.proposal_id: x for x in session.scalars(sa.select(RoundResult).where(RoundResult.round_id == r.id))}
    assert (results[p1].yes, results[p1].no, results[p1].outcome) == (3, 1, Outcome.APPROVED)
    assert (results[p2].yes, results[p2].no, results[p2].in_person_abstain, results[p2].outcome) == (1, 2, 1, Outcome.REJECTED)
    assert (results[p3].yes, results[p3].no, results[p3].abstain, results[p3].outcome) == (1, 1, 1, Outcome.TIE)
    session.expire_all()
    states = {p.id: p.state for p in session.scalars(sa.select(Proposal))}
    assert states[p1] == ProposalState.APPROVED and states[p2] == ProposalState.REJECTED
    assert states[p3] == ProposalState.IN_VOTE

    # Idempotent close, and no vote after it.
    digest = r.results_digest
    closing.close_round(session, sec_user, secretary, r, now=NOW + dt.timedelta(minutes=1))
    assert r.results_digest == digest
    with pytest.raises(ballots.VotingClosedError):
        ballots.cast_ballot(session, delegates[4].user, delegates[4], r, choices={p1: "yes"}, now=NOW)
    assert session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.round_id == r.id)) == 10
    assert verify_chain(session).ok


def test_secret_round_stores_no_voter(session, plenary):
    conference, secretary, delegates, *_rest, proposals = plenary
    r = rounds.create_round(session, secretary.user, secretary, conference, title="Secreta", kind="deliberation",
                            secret=True, now=NOW)
    rounds.set_round_proposals(session, secretary.user, secretary, r, proposal_ids=[proposals[0].id], now=NOW)
    rounds.open_round(session, secretary.user, secretary, r, now=NOW)
    ballot = ballots.cast_ballot(session, delegates[0].user, delegates[0], r, choices={proposals[0].id: "yes"}, now=NOW)
    assert ballot.voter_id is None and ballot.cast_at is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.voter_id.is_not(None))) == 0


def test_round_cannot_open_without_electorate(session, make):
    conference = make.conference(phase=Phase.VOTING)
    secretary = make.secretary(conference)
    make.delegate(conference, checked_in=False)
    p = _proposal(session, conference, 1)
    r = rounds.create_round(session, secretary.user, secretary, conference, title="Vazia", kind="deliberation", now=NOW)
    rounds.set_round_proposals(session, secretary.user, secretary, r, proposal_ids=[p.id], now=NOW)
    with pytest.raises(ConflictError):
        rounds.open_round(session, secretary.user, secretary, r, now=NOW)
    assert r.state == RoundState.DRAFT
