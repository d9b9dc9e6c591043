"""Closing a round: frozen results, proposal states, audit digest, idempotence, no recount."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.conferences.constants import Segment
from app.errors import ConflictError, PermissionDenied
from app.proposals.constants import ProposalState
from app.votes import closing, queries, rounds
from app.votes.constants import Choice, Outcome, RoundState
from app.votes.models import RoundResult, SegmentResult, SegmentTurnout, Vote
from app.votes.tally import digest
from tests.unit.votes.conftest import NOW, Plenary, count, data, events, later


@pytest.fixture
def voted(session, plenary):  # type: ignore[no-untyped-def]
    """Five delegates (2 usuário, trabalhador, entidade, governo) and four proposals:
    p1 approved 3 × 1, p2 rejected 1 × 3, p3 tie 2 × 2, p4 all abstentions."""
    proposals = plenary.proposals(4)
    p1, p2, p3, p4 = proposals
    r = plenary.start(proposals)
    plan = [
        {p1: "yes", p2: "no", p3: "yes", p4: "abstain"},
        {p1: "yes", p2: "no", p3: "no", p4: "abstain"},
        {p1: "yes", p2: "yes", p3: "yes"},
        {p1: "no", p2: "no", p3: "no", p4: "abstain"},
    ]
    for delegate, choices in zip(plenary.delegates, plan, strict=False):
        plenary.vote(delegate, r, choices)
    return r, proposals


def test_close_freezes_results_per_proposal_and_segment(session, plenary, voted):
    r, (p1, p2, p3, p4) = voted
    plenary.close(r, now=later(minutes=30))
    assert (r.state, r.closed_at, r.closed_by_id) == (RoundState.CLOSED, later(minutes=30), plenary.secretary.user_id)
    assert (r.electorate_size, r.voters_online, r.voters_in_person, r.quorum_needed, r.quorum_met) == (5, 4, 0, 3, True)
    results = plenary.results(r)
    assert {pid: (x.yes, x.no, x.abstain, x.outcome) for pid, x in results.items()} == {
        p1.id: (3, 1, 0, Outcome.APPROVED), p2.id: (1, 3, 0, Outcome.REJECTED),
        p3.id: (2, 2, 0, Outcome.TIE), p4.id: (0, 0, 3, Outcome.TIE)}
    assert all(x.rank is None and not x.forwarded for x in results.values())
    segments = plenary.segment_results(r)
    assert segments[(p1.id, "usuario")] == (2, 0, 0)
    assert segments[(p1.id, "trabalhador")] == (1, 0, 0)
    assert segments[(p1.id, "entidade")] == (0, 1, 0)
    assert (p1.id, "governo") not in segments  # the governo delegate did not vote
    assert (p4.id, "trabalhador") not in segments  # left blank
    turnout = {t.segment: (t.electorate, t.voters) for t in session.scalars(
        sa.select(SegmentTurnout).where(SegmentTurnout.round_id == r.id))}
    assert turnout == {Segment.USUARIO: (2, 2), Segment.TRABALHADOR: (1, 1), Segment.ENTIDADE: (1, 1),
                       Segment.GOVERNO: (1, 0)}


def test_proposal_states_follow_the_outcome(session, plenary, voted):
    r, (p1, p2, p3, p4) = voted
    plenary.close(r)
    assert [plenary.state_of(p) for p in (p1, p2, p3, p4)] == [
        ProposalState.APPROVED, ProposalState.REJECTED, ProposalState.IN_VOTE, ProposalState.IN_VOTE]


def test_no_quorum_leaves_every_proposal_in_vote(session, plenary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1, p2], quorum_percent=50)  # 5 electors: 3 needed
    plenary.vote(plenary.delegates[0], r, {p1: "yes", p2: "no"})
    plenary.vote(plenary.delegates[1], r, {p1: "yes", p2: "no"})
    plenary.close(r)
    assert (r.quorum_needed, r.quorum_met, r.voters_online) == (3, False, 2)
    assert {x.outcome for x in plenary.results(r).values()} == {Outcome.NO_QUORUM}
    assert [plenary.state_of(p) for p in (p1, p2)] == [ProposalState.IN_VOTE] * 2
    assert data(events(session, "round.closed")[0])["quorum_met"] is False


def test_in_person_voters_reach_the_quorum(session, plenary):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1], quorum_percent=50)
    plenary.vote(plenary.delegates[0], r, {p1: "yes"})
    plenary.count(r, {p1: (1, 0, 1)})
    plenary.close(r)
    assert (r.voters_online, r.voters_in_person, r.turnout, r.quorum_met) == (1, 2, 3, True)
    assert plenary.results(r)[p1.id].outcome == Outcome.APPROVED


def test_the_round_uses_its_majority_rule(session, plenary):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1], majority_rule="absolute")
    for delegate, choice in zip(plenary.delegates, ["yes", "yes", "no", "abstain", "abstain"], strict=True):
        plenary.vote(delegate, r, {p1: choice})
    plenary.close(r)  # simple would approve 2 × 1; absolute needs more than 5 / 2
    assert plenary.results(r)[p1.id].outcome == Outcome.REJECTED
    assert plenary.state_of(p1) == ProposalState.REJECTED


def test_close_is_audited_with_the_digest(session, plenary, voted):
    r, (p1, p2, p3, p4) = voted
    plenary.close(r)
    [event] = events(session, "round.closed", r.id)
    assert len(r.results_digest) == 64
    assert data(event) == {
        "digest": r.results_digest, "electorate": 5, "voters_online": 4, "voters_in_person": 0, "quorum_met": True,
        "outcomes": {p1.code: "approved", p2.code: "rejected", p3.code: "tie", p4.code: "tie"},
    }
    tally, codes = closing.compute_tally(session, r)  # recomputing now gives the same digest
    assert digest(tally, codes) == r.results_digest


def test_close_is_idempotent(session, plenary, voted, make):
    r, proposals = voted
    plenary.close(r, now=later(minutes=1))
    frozen = {pid: (x.yes, x.no, x.abstain, x.outcome) for pid, x in plenary.results(r).items()}
    first_digest = r.results_digest
    other = make.secretary(plenary.conference)
    again = plenary.close(r, secretary=other, now=later(minutes=9))
    assert again.results_digest == first_digest
    assert (r.closed_at, r.closed_by_id) == (later(minutes=1), plenary.secretary.user_id)
    assert count(session, RoundResult, RoundResult.round_id == r.id) == len(proposals)
    assert {pid: (x.yes, x.no, x.abstain, x.outcome) for pid, x in plenary.results(r).items()} == frozen
    assert len(events(session, "round.closed")) == 1


def test_a_closed_round_is_never_recomputed(session, plenary, voted):
    r, (p1, *_rest) = voted
    plenary.close(r)
    digest_before = r.results_digest
    # tamper with a stored vote and add one behind the services' back
    session.execute(sa.update(Vote).where(Vote.round_id == r.id, Vote.proposal_id == p1.id)
                    .values(choice=Choice.NO))
    session.expire_all()
    plenary.close(r)  # a second close does not recount
    frozen = queries.frozen_results(session, r)
    by_id = {x.proposal_id: x for x in frozen.results}
    assert (by_id[p1.id].yes, by_id[p1.id].no, by_id[p1.id].outcome) == (3, 1, Outcome.APPROVED)
    assert frozen.by_segment[p1.id]["usuario"] == (2, 0, 0)
    assert r.results_digest == digest_before
    assert plenary.state_of(p1) == ProposalState.APPROVED


def test_in_person_total_over_the_electorate_is_refused(session, plenary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1, p2])  # 5 electors
    plenary.vote(plenary.delegates[0], r, {p1: "yes"})
    plenary.vote(plenary.delegates[1], r, {p1: "yes"})
    plenary.count(r, {p2: (2, 1, 1)})  # 2 online + 4 in person = 6 > 5
    with pytest.raises(ConflictError, match="eleitorado"):
        plenary.close(r)
    assert r.state == RoundState.OPEN
    assert count(session, RoundResult, RoundResult.round_id == r.id) == 0
    assert count(session, SegmentResult, SegmentResult.round_id == r.id) == 0
    assert events(session, "round.closed") == []
    plenary.count(r, {p2: (2, 1, 0)})  # exactly the electorate: accepted
    plenary.close(r)
    assert (r.voters_online, r.voters_in_person, r.state) == (2, 3, RoundState.CLOSED)


def test_a_draft_round_does_not_close(session, plenary):
    r = plenary.prepare(plenary.proposals(1))
    with pytest.raises(ConflictError):
        plenary.close(r)
    assert r.state == RoundState.DRAFT and events(session, "round.closed") == []


def test_only_the_secretariat_closes(session, make, plenary, voted):
    r, _ = voted
    for membership in (plenary.delegates[0], Plenary(session, make).secretary):
        with pytest.raises(PermissionDenied):
            closing.close_round(session, membership.user, membership, r, now=NOW)
    assert r.state == RoundState.OPEN


def test_a_closed_priority_round_ranks_and_forwards(session, make):
    world = Plenary(session, make)
    approved = world.proposals(4, state=ProposalState.APPROVED)
    a, b, c, d = approved
    r = world.start(approved, kind="priority", max_choices=2, forward_count=2)
    plan = [{a: "selected", b: "selected"}, {a: "selected", c: "selected"}, {a: "selected", b: "selected"},
            {c: "selected"}, {d: "selected", c: "selected"}]
    for delegate, choices in zip(world.delegates, plan, strict=True):
        world.vote(delegate, r, choices)
    world.close(r)
    results = world.results(r)
    # a: 3, c: 3, b: 2, d: 1 → a and c share rank 1 and both fit in the two places
    assert {p.id: (results[p.id].yes, results[p.id].rank, results[p.id].outcome, results[p.id].forwarded)
            for p in approved} == {
        a.id: (3, 1, Outcome.FORWARDED, True), c.id: (3, 1, Outcome.FORWARDED, True),
        b.id: (2, 3, Outcome.NOT_FORWARDED, False), d.id: (1, 4, Outcome.NOT_FORWARDED, False)}
    assert [world.state_of(p) for p in approved] == [ProposalState.APPROVED] * 4  # priority moves no state
    ordered = [x.proposal_id for x in queries.frozen_results(session, r).results]
    assert ordered[:2] in ([a.id, c.id], [c.id, a.id]) and ordered[2:] == [b.id, d.id]


def test_a_priority_tie_at_the_cut_off_is_flagged(session, make):
    world = Plenary(session, make)
    approved = world.proposals(3, state=ProposalState.APPROVED)
    a, b, c = approved
    r = world.start(approved, kind="priority", max_choices=1, forward_count=1)
    for delegate, choice in zip(world.delegates, [a, b, a, b, c], strict=True):
        world.vote(delegate, r, {choice: "selected"})
    world.close(r)
    results = world.results(r)
    assert [(results[p.id].rank, results[p.id].outcome, results[p.id].forwarded) for p in approved] == [
        (1, Outcome.TIE, False), (1, Outcome.TIE, False), (3, Outcome.NOT_FORWARDED, False)]
    assert data(events(session, "round.closed")[0])["outcomes"] == {a.code: "tie", b.code: "tie",
                                                                    c.code: "not_forwarded"}


def test_the_secret_round_freezes_the_same_figures(session, plenary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1, p2], secret=True)
    for delegate, choice in zip(plenary.delegates, ["yes", "yes", "no", "abstain", "yes"], strict=True):
        plenary.vote(delegate, r, {p1: choice, p2: "no"})
    plenary.close(r)
    results = plenary.results(r)
    assert (results[p1.id].yes, results[p1.id].no, results[p1.id].abstain) == (3, 1, 1)
    assert (results[p2.id].no, results[p2.id].outcome) == (5, Outcome.REJECTED)
    assert plenary.segment_results(r)[(p1.id, "usuario")] == (2, 0, 0)
    assert r.voters_online == 5


def test_every_step_of_a_round_is_audited_in_order(session, plenary):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1])
    late = plenary.make.delegate(plenary.conference)
    rounds.add_late_delegate(session, plenary.secretary.user, plenary.secretary, r, late, now=NOW)
    plenary.vote(plenary.delegates[0], r, {p1: "yes"})
    plenary.count(r, {p1: (1, 0, 0)})
    plenary.close(r)
    actions = [e.action for e in events(session) if e.subject_type == "voting_rounds" and e.subject_id == r.id]
    assert actions == ["round.created", "round.proposals_set", "round.opened", "round.elector_added",
                       "round.in_person_counts", "round.closed"]
