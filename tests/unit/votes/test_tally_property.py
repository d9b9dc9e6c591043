"""Property tests: random electorates and ballots, cast through the services, closed, and
the frozen results checked against an independent recount of the stored rows and against
the ballots that were generated. Plus the pure tally against an independent oracle."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.audit.models import AuditEvent
from app.conferences.constants import MajorityRule, Segment
from app.errors import ConflictError, ValidationError
from app.proposals.constants import ProposalState
from app.votes.constants import Outcome, RoundKind, RoundState
from app.votes.models import Ballot, RoundElector, RoundResult, RoundVoter, SegmentResult, SegmentTurnout, Vote
from app.votes.tally import CountRow, InPersonRow, Rules, tally_round
from tests.unit.votes.conftest import Plenary, data, later

DB_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --- an oracle written apart from app/votes/tally.py -------------------------------------------

def oracle_decision(yes: int, no: int, abstain: int, rule: MajorityRule) -> Outcome:
    if rule == MajorityRule.SIMPLE:
        approved = yes > no
    elif rule == MajorityRule.ABSOLUTE:
        cast = yes + no + abstain
        approved = cast > 0 and Fraction(yes, cast) > Fraction(1, 2)
    else:
        decisive = yes + no
        approved = decisive > 0 and Fraction(yes, decisive) >= Fraction(2, 3)
    if approved:
        return Outcome.APPROVED
    return Outcome.TIE if yes == no else Outcome.REJECTED


def oracle_ranking(scores: dict[int, int], forward: int) -> dict[int, tuple[int, Outcome]]:
    out = {}
    for pid, score in scores.items():
        rank = 1 + sum(1 for other in scores.values() if other > score)
        group = sum(1 for other in scores.values() if other == score)
        if score == 0 or rank > forward:
            outcome = Outcome.NOT_FORWARDED
        elif rank + group - 1 <= forward:
            outcome = Outcome.FORWARDED
        else:
            outcome = Outcome.TIE
        out[pid] = (rank, outcome)
    return out


def oracle_quorum(percent: int, electorate: int) -> int:
    return math.ceil(Fraction(percent * electorate, 100))


# --- scenarios ---------------------------------------------------------------------------------

@dataclass
class Scenario:
    kind: RoundKind
    proposals: int
    secret: bool
    allow_change: bool
    rule: MajorityRule
    quorum: int
    max_choices: int | None
    forward: int | None
    segments: list[Segment]
    attempts: list[list[list[str]]]          # per elector: the ballots they try, in order ("" = blank)
    in_person: list[tuple[int, int, int]] | None


@st.composite
def scenarios(draw) -> Scenario:  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(list(RoundKind)))
    n = draw(st.integers(1, 4))
    secret = draw(st.booleans())
    allow_change = not secret and draw(st.booleans())
    segments = draw(st.lists(st.sampled_from(list(Segment)), min_size=1, max_size=12))
    if kind == RoundKind.DELIBERATION:
        ballot = st.lists(st.sampled_from(["yes", "no", "abstain", ""]), min_size=n, max_size=n)
        max_choices = forward = None
    else:
        ballot = st.lists(st.sampled_from(["selected", "", ""]), min_size=n, max_size=n)
        max_choices, forward = draw(st.integers(1, n)), draw(st.integers(1, n))
    attempts = draw(st.lists(st.lists(ballot, max_size=2), min_size=len(segments), max_size=len(segments)))
    small = st.integers(0, 3)
    figures = st.tuples(small, small, small) if kind == RoundKind.DELIBERATION else st.tuples(
        small, st.just(0), st.just(0))
    in_person = draw(st.none() | st.lists(figures, min_size=n, max_size=n))
    return Scenario(kind, n, secret, allow_change, draw(st.sampled_from(list(MajorityRule))),
                    draw(st.sampled_from([0, 1, 33, 50, 67, 100]) | st.integers(0, 100)), max_choices, forward,
                    segments, attempts, in_person)


def run_scenario(session, make, sc: Scenario) -> None:  # type: ignore[no-untyped-def]
    world = Plenary(session, make, segments=sc.segments)
    state = ProposalState.APPROVED if sc.kind == RoundKind.PRIORITY else ProposalState.SUBMITTED
    proposals = world.proposals(sc.proposals, state=state)
    pids = [p.id for p in proposals]
    r = world.start(proposals, kind=sc.kind.value, secret=sc.secret, allow_change=sc.allow_change,
                    majority_rule=sc.rule.value, quorum_percent=sc.quorum, max_choices=sc.max_choices,
                    forward_count=sc.forward)

    # Cast every attempt and keep our own model of what must have been stored.
    accepted: dict[int, dict[int, str]] = {}   # elector index → final choices
    receipts: dict[int, str] = {}
    for index, (delegate, tries) in enumerate(zip(world.delegates, sc.attempts, strict=True)):
        for attempt, raw in enumerate(tries):
            choices = dict(zip(pids, raw, strict=True))
            filled = {pid: c for pid, c in choices.items() if c}
            blank = not filled
            too_many = sc.kind == RoundKind.PRIORITY and len(filled) > (sc.max_choices or 0)
            again = index in accepted
            try:
                ballot = world.vote(delegate, r, choices, now=later(seconds=10 * index + attempt))
            except ValidationError:
                assert blank or too_many
                continue
            except ConflictError:
                assert again and not sc.allow_change and not blank and not too_many
                continue
            assert not blank and not too_many and (not again or sc.allow_change)
            if again:
                assert ballot.receipt == receipts[index]  # a change keeps the receipt
            receipts[index] = ballot.receipt
            accepted[index] = filled

    if sc.in_person is not None:
        world.count(r, dict(zip(pids, sc.in_person, strict=True)))
    room = dict(zip(pids, sc.in_person or [(0, 0, 0)] * len(pids), strict=True))
    largest_room = max(sum(f) for f in room.values())
    electorate = len(sc.segments)
    if len(accepted) + largest_room > electorate:
        try:
            world.close(r)
        except ConflictError:
            pass
        else:
            raise AssertionError("an in-person count above the electorate was accepted")
        assert r.state == RoundState.OPEN
        assert session.scalar(sa.select(sa.func.count()).select_from(RoundResult)
                              .where(RoundResult.round_id == r.id)) == 0
        world.count(r, dict.fromkeys(pids, (0, 0, 0)))
        room = dict.fromkeys(pids, (0, 0, 0))
        largest_room = 0
    world.close(r)
    session.expire_all()

    # --- an independent recount of the stored rows (Python, not SQL aggregation) ---
    votes = list(session.scalars(sa.select(Vote).where(Vote.round_id == r.id)))
    ballot_rows = list(session.scalars(sa.select(Ballot).where(Ballot.round_id == r.id)))
    voter_rows = set(session.scalars(sa.select(RoundVoter.participation_id).where(RoundVoter.round_id == r.id)))
    recount: dict[int, Counter] = {pid: Counter() for pid in pids}
    by_segment: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for vote in votes:
        recount[vote.proposal_id][vote.choice.value] += 1
        by_segment[(vote.proposal_id, vote.segment.value)][vote.choice.value] += 1

    # … equals what was generated
    expected: dict[int, Counter] = {pid: Counter() for pid in pids}
    for filled in accepted.values():
        for pid, choice in filled.items():
            expected[pid][choice] += 1
    assert recount == expected
    assert voter_rows == {world.delegates[i].id for i in accepted}
    assert sorted(b.receipt for b in ballot_rows) == sorted(receipts[i] for i in accepted)
    assert len({v.ballot_id for v in votes}) == len(ballot_rows)  # no ballot without votes
    if sc.secret:
        assert all(b.voter_id is None and b.cast_at is None for b in ballot_rows)
        assert all(v.voter_id is None for v in votes)
    else:
        owner = {b.id: b.voter_id for b in ballot_rows}
        assert all(v.voter_id == owner[v.ballot_id] for v in votes)
        assert set(owner.values()) == voter_rows

    # --- the frozen rows equal the recount ---
    yes_key = "selected" if sc.kind == RoundKind.PRIORITY else "yes"
    results = {x.proposal_id: x for x in session.scalars(sa.select(RoundResult).where(RoundResult.round_id == r.id))}
    assert set(results) == set(pids)
    for pid in pids:
        frozen = results[pid]
        assert (frozen.yes, frozen.no, frozen.abstain) == (recount[pid][yes_key], recount[pid]["no"],
                                                          recount[pid]["abstain"])
        assert (frozen.in_person_yes, frozen.in_person_no, frozen.in_person_abstain) == room[pid]
    segments = {(x.proposal_id, x.segment.value): (x.yes, x.no, x.abstain) for x in session.scalars(
        sa.select(SegmentResult).where(SegmentResult.round_id == r.id))}
    assert segments == {key: (c[yes_key], c["no"], c["abstain"]) for key, c in by_segment.items()}
    turnout = {t.segment.value: (t.electorate, t.voters) for t in session.scalars(
        sa.select(SegmentTurnout).where(SegmentTurnout.round_id == r.id))}
    electors_by_segment = Counter(s.value for s in sc.segments)
    voters_by_segment = Counter(sc.segments[i].value for i in accepted)
    assert turnout == {s: (electors_by_segment[s], voters_by_segment[s])
                       for s in set(electors_by_segment) | set(voters_by_segment)}

    # --- the round's figures and the outcomes, by the oracle ---
    assert session.scalar(sa.select(sa.func.count()).select_from(RoundElector)
                          .where(RoundElector.round_id == r.id)) == electorate
    needed = oracle_quorum(sc.quorum, electorate)
    met = len(accepted) + largest_room >= needed
    assert (r.state, r.electorate_size, r.voters_online, r.voters_in_person, r.quorum_needed, r.quorum_met) == (
        RoundState.CLOSED, electorate, len(accepted), largest_room, needed, met)
    totals = {pid: (results[pid].total_yes, results[pid].total_no, results[pid].total_abstain) for pid in pids}
    if sc.kind == RoundKind.PRIORITY:
        ranking = oracle_ranking({pid: totals[pid][0] for pid in pids}, sc.forward or 0)
        for pid in pids:
            rank, outcome = ranking[pid]
            assert results[pid].rank == rank
            assert results[pid].outcome == (outcome if met else Outcome.NO_QUORUM)
            assert results[pid].forwarded == (met and outcome == Outcome.FORWARDED)
            assert world.state_of(session.get(type(proposals[0]), pid)) == ProposalState.APPROVED
    else:
        for pid, proposal in zip(pids, proposals, strict=True):
            outcome = oracle_decision(*totals[pid], sc.rule) if met else Outcome.NO_QUORUM
            assert (results[pid].outcome, results[pid].rank, results[pid].forwarded) == (outcome, None, False)
            state = {Outcome.APPROVED: ProposalState.APPROVED, Outcome.REJECTED: ProposalState.REJECTED}.get(
                outcome, ProposalState.IN_VOTE)
            assert world.state_of(proposal) == state
    [event] = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "round.closed",
                                                          AuditEvent.subject_id == r.id))
    assert data(event)["digest"] == r.results_digest


@DB_SETTINGS
@given(sc=scenarios())
def test_frozen_results_equal_a_recount_of_the_stored_ballots(session, make, sc):
    savepoint = session.begin_nested()  # each example starts from an empty conference and leaves nothing
    try:
        run_scenario(session, make, sc)
    finally:
        savepoint.rollback()
        session.expunge_all()  # rows loaded inside the savepoint are gone: forget their objects too


# --- the pure tally against the oracle --------------------------------------------------------

@st.composite
def tally_inputs(draw):  # type: ignore[no-untyped-def]
    pids = list(range(1, draw(st.integers(1, 6)) + 1))
    kind = draw(st.sampled_from(list(RoundKind)))
    choices = ["selected"] if kind == RoundKind.PRIORITY else ["yes", "no", "abstain"]
    rows = draw(st.lists(st.builds(CountRow, st.sampled_from(pids), st.sampled_from([s.value for s in Segment]),
                                   st.sampled_from(choices), st.integers(1, 30)), max_size=20))
    room = draw(st.dictionaries(st.sampled_from(pids), st.tuples(
        st.integers(0, 20), st.integers(0, 20) if kind == RoundKind.DELIBERATION else st.just(0),
        st.integers(0, 20) if kind == RoundKind.DELIBERATION else st.just(0))))
    rules = Rules(kind, draw(st.sampled_from(list(MajorityRule))), draw(st.integers(0, 100)),
                  draw(st.integers(0, 200)), draw(st.integers(1, 6)) if kind == RoundKind.PRIORITY else None)
    return pids, rows, [InPersonRow(pid, *fig) for pid, fig in room.items()], rules, draw(st.integers(0, 200))


@settings(max_examples=300, deadline=None)
@given(inputs=tally_inputs())
def test_the_pure_tally_agrees_with_the_oracle(inputs):
    pids, rows, room, rules, voters = inputs
    tally = tally_round(rows, rules, proposal_ids=pids, voters_online=voters, in_person=room)
    online: dict[int, list[int]] = {pid: [0, 0, 0] for pid in pids}
    for row in rows:
        online[row.proposal_id][{"yes": 0, "selected": 0, "no": 1, "abstain": 2}[row.choice]] += row.count
    in_room = dict.fromkeys(pids, (0, 0, 0)) | {x.proposal_id: (x.yes, x.no, x.abstain) for x in room}
    largest = max(sum(f) for f in in_room.values())
    needed = oracle_quorum(rules.quorum_percent, rules.electorate)
    met = voters + largest >= needed
    assert (tally.voters_in_person, tally.quorum_needed, tally.quorum_met) == (largest, needed, met)
    assert [i.proposal_id for i in tally.items] == pids
    totals = {pid: tuple(a + b for a, b in zip(online[pid], in_room[pid], strict=True)) for pid in pids}
    ranking = oracle_ranking({pid: totals[pid][0] for pid in pids}, rules.forward_count or 0)
    for item in tally.items:
        assert item.online == tuple(online[item.proposal_id]) and item.in_person == in_room[item.proposal_id]
        assert tuple(map(sum, zip(*item.by_segment.values(), strict=True))) in (tuple(online[item.proposal_id]), ())
        if rules.kind == RoundKind.PRIORITY:
            rank, outcome = ranking[item.proposal_id]
            assert (item.rank, item.outcome) == (rank, outcome if met else Outcome.NO_QUORUM)
        else:
            expected = oracle_decision(*totals[item.proposal_id], rules.majority_rule) if met else Outcome.NO_QUORUM
            assert (item.rank, item.outcome) == (None, expected)
        assert item.forwarded == (item.outcome == Outcome.FORWARDED)
