"""Votes racing each other and the closing, on real commits from threads and processes.

DESIGN.md: one vote per delegate per proposal per round, whatever the concurrency; a vote
arriving after closing is refused with a clear message; a vote acknowledged to the voter is
never lost. Two secretaries closing at once: one close, one result set."""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.conferences.models import Participation
from app.errors import ConflictError
from app.extensions import db
from app.votes import counts
from app.votes.ballots import VotingClosedError
from app.votes.constants import RoundState
from app.votes.models import Ballot, InPersonCount, RoundResult, RoundVoter, SegmentResult, Vote, VotingRound
from tests.unit.votes.concurrency import workers
from tests.unit.votes.concurrency.workers import Outcome, attempt, cast, close, seed

pytestmark = pytest.mark.concurrency
CHOICES = ("yes", "no", "abstain")


def run_threads(targets: list[Callable[[], Any]]) -> None:
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker is stuck (deadlock?)"


def no_errors(outcomes: list[Outcome]) -> None:
    errors = [o for o in outcomes if o.kind == "error"]
    assert not errors, "\n".join(o.trace for o in errors)


def snapshot(app: Flask, round_id: int) -> dict[str, Any]:
    """What the database holds for the round, read in a fresh session."""
    with app.app_context():
        s = db.session
        voting_round = s.get(VotingRound, round_id)
        out = {
            "state": voting_round.state, "voters_online": voting_round.voters_online,
            "digest": voting_round.results_digest,
            "ballots": {b.receipt: b.voter_id for b in s.scalars(sa.select(Ballot).where(Ballot.round_id == round_id))},
            "voters": set(s.scalars(sa.select(RoundVoter.participation_id).where(RoundVoter.round_id == round_id))),
            "votes": [(v.ballot_id, v.proposal_id, v.voter_id, v.choice.value)
                      for v in s.scalars(sa.select(Vote).where(Vote.round_id == round_id))],
            "vote_segments": {(v.proposal_id, v.segment.value)
                              for v in s.scalars(sa.select(Vote).where(Vote.round_id == round_id))},
            "receipt_of_ballot": dict(s.execute(sa.select(Ballot.id, Ballot.receipt)
                                                .where(Ballot.round_id == round_id)).all()),
            "results": {r.proposal_id: (r.yes, r.no, r.abstain) for r in s.scalars(
                sa.select(RoundResult).where(RoundResult.round_id == round_id))},
            "segment_rows": s.scalar(sa.select(sa.func.count()).select_from(SegmentResult)
                                     .where(SegmentResult.round_id == round_id)),
            "closed_events": s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                      .where(AuditEvent.action == "round.closed", AuditEvent.subject_id == round_id)),
            "chain_ok": verify_chain(s).ok,
        }
        s.remove()
        return out


def recount(votes: list[tuple[int, int, int | None, str]], proposals: list[int]) -> dict[int, tuple[int, int, int]]:
    counter = Counter((proposal_id, choice) for _, proposal_id, _, choice in votes)
    return {pid: (counter[(pid, "yes")], counter[(pid, "no")], counter[(pid, "abstain")]) for pid in proposals}


# --- (a) the same ballot from 8 threads ---------------------------------------------------------

@pytest.mark.parametrize("mode", ["named", "secret", "named_allow_change"])
def test_the_same_ballot_from_eight_threads_is_stored_once(live_app, mode):
    settings = {"secret": mode == "secret", "allow_change": mode == "named_allow_change"}
    world = seed(live_app, delegates=3, proposals=3, **settings)
    voter, round_id = world.delegates[0], world.rounds[0]
    choices = dict(zip(world.proposals, CHOICES, strict=True))
    barrier = threading.Barrier(8)
    outcomes: list[Outcome] = []

    def submit() -> None:
        barrier.wait(timeout=30)
        outcomes.append(attempt(live_app, cast(voter, round_id, choices)))

    run_threads([submit] * 8)
    no_errors(outcomes)
    accepted = [o for o in outcomes if o.kind == "ok"]
    refused = [o for o in outcomes if o.kind == "refused"]
    assert len(accepted) + len(refused) == 8
    assert all(isinstance(o.error, ConflictError) for o in refused), refused
    if mode == "named_allow_change":
        assert accepted  # the first one, and any that came after it as a (same) change
        assert len({o.value for o in accepted}) == 1  # a change keeps the receipt
    else:
        assert len(accepted) == 1, outcomes
    state = snapshot(live_app, round_id)
    assert list(state["ballots"]) == [accepted[0].value]
    assert state["voters"] == {voter}
    assert sorted((pid, choice) for _, pid, _, choice in state["votes"]) == sorted(choices.items())
    assert all(v[2] == (None if settings["secret"] else voter) for v in state["votes"])
    assert state["chain_ok"]
    print(f"\n[a/{mode}] accepted={len(accepted)} refused={len(refused)} "
          f"({Counter(type(o.error).__name__ for o in refused)})")


def test_changes_racing_each_other_leave_one_whole_ballot(live_app):
    """allow_change: eight different changes of one delegate at once end as exactly one of
    them, whole: never a mixture of two ballots, never a lost or doubled vote."""
    world = seed(live_app, delegates=2, proposals=3, allow_change=True)
    voter, round_id, proposals = world.delegates[0], world.rounds[0], world.proposals
    first = attempt(live_app, cast(voter, round_id, dict.fromkeys(proposals, "abstain")))
    assert first.kind == "ok"
    plans = [{pid: CHOICES[(n + i) % 3] if (n + i) % 4 else "" for i, pid in enumerate(proposals)} for n in range(8)]
    plans = [plan if any(plan.values()) else {**plan, proposals[0]: "yes"} for plan in plans]
    barrier = threading.Barrier(8)
    outcomes: list[Outcome] = []

    def change(plan: dict[int, str]) -> Callable[[], None]:
        def run() -> None:
            barrier.wait(timeout=30)
            outcomes.append(attempt(live_app, cast(voter, round_id, plan)))
        return run

    run_threads([change(plan) for plan in plans])
    no_errors(outcomes)
    assert all(o.kind == "ok" and o.value == first.value for o in outcomes), outcomes  # same receipt
    state = snapshot(live_app, round_id)
    assert list(state["ballots"]) == [first.value] and state["voters"] == {voter}
    stored = {pid: choice for _, pid, _, choice in state["votes"]}
    assert len(stored) == len(state["votes"])
    assert stored in [{pid: c for pid, c in plan.items() if c} for plan in plans]


# --- (a') the same ballot from several processes ----------------------------------------------

def test_the_same_ballot_from_several_processes_is_stored_once(live_app, database_url):
    world = seed(live_app, delegates=2, proposals=2)
    voter, round_id = world.delegates[0], world.rounds[0]
    choices = dict(zip(world.proposals, ("yes", "no"), strict=True))
    processes = 3
    # forkserver: children fork from a clean single-threaded server that has imported the
    # app once (fork from pytest's threads is unsafe; spawn re-imports everything per child)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.unit.votes.concurrency.workers"])
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    children = [ctx.Process(target=workers.cast_in_process,
                            args=(database_url, voter, round_id, choices, barrier, results)) for _ in range(processes)]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    errors = [o for o in outcomes if o[0] == "error"]
    assert not errors, "\n".join(o[5] for o in errors)
    accepted = [o for o in outcomes if o[0] == "ok"]
    refused = [o for o in outcomes if o[0] == "refused"]
    assert len(accepted) == 1 and len(refused) == processes - 1, outcomes
    assert all(o[2] == "ConflictError" and o[3] for o in refused), refused
    state = snapshot(live_app, round_id)
    assert list(state["ballots"]) == [accepted[0][1]] and state["voters"] == {voter}
    assert sorted((pid, choice) for _, pid, _, choice in state["votes"]) == sorted(choices.items())
    print(f"\n[a/processes] accepted=1 refused={len(refused)}")


# --- (b) voters racing the close --------------------------------------------------------------

@pytest.mark.parametrize("secret", [False, True], ids=["named", "secret"])
def test_votes_racing_the_close_are_counted_or_refused_never_lost(live_app, secret):
    racers, latecomers = 24, 3
    world = seed(live_app, delegates=racers + latecomers, proposals=3, secret=secret)
    round_id, secretary, proposals = world.rounds[0], world.secretaries[0], world.proposals
    rng = random.Random(20261125)
    # each ballot answers the first proposal and may leave the others blank
    plans = {d: {pid: rng.choice((*CHOICES, "")) if i else rng.choice(CHOICES) for i, pid in enumerate(proposals)}
             for d in world.delegates}
    answered = {d: {pid: c for pid, c in plan.items() if c} for d, plan in plans.items()}
    delays = {d: rng.uniform(0, 0.6) for d in world.delegates[:racers]}
    outcomes: dict[int, Outcome] = {}
    close_outcome: list[Outcome] = []
    finished: dict[int, float] = {}
    timing: dict[str, float] = {}
    lock = threading.Lock()
    start, half_in, closed = threading.Event(), threading.Event(), threading.Event()

    def racer(delegate: int) -> Callable[[], None]:
        def run() -> None:
            start.wait(timeout=30)
            time.sleep(delays[delegate])
            outcome = attempt(live_app, cast(delegate, round_id, plans[delegate]))
            with lock:
                outcomes[delegate] = outcome
                finished[delegate] = time.monotonic()
                if sum(o.kind == "ok" for o in outcomes.values()) >= racers // 2:
                    half_in.set()
        return run

    def latecomer(delegate: int) -> Callable[[], None]:
        def run() -> None:
            closed.wait(timeout=60)
            outcomes[delegate] = attempt(live_app, cast(delegate, round_id, plans[delegate]))
        return run

    def closer() -> None:
        start.wait(timeout=30)
        half_in.wait(timeout=60)
        timing["close_asked"] = time.monotonic()
        close_outcome.append(attempt(live_app, close(secretary, round_id)))
        timing["close_done"] = time.monotonic()
        closed.set()

    targets = [racer(d) for d in world.delegates[:racers]] + [latecomer(d) for d in world.delegates[racers:]]
    targets.append(closer)
    threading.Timer(0.05, start.set).start()
    run_threads(targets)

    no_errors(list(outcomes.values()) + close_outcome)
    assert close_outcome[0].kind == "ok", close_outcome
    acknowledged = {d: o.value for d, o in outcomes.items() if o.kind == "ok"}
    refused = {d: o for d, o in outcomes.items() if o.kind == "refused"}
    assert len(acknowledged) + len(refused) == racers + latecomers
    assert all(isinstance(o.error, VotingClosedError) for o in refused.values()), refused
    assert "encerrada" in str(next(iter(refused.values())).error)
    assert set(world.delegates[racers:]) <= set(refused)  # after the close: always refused
    assert len(acknowledged) >= racers // 2

    state = snapshot(live_app, round_id)
    assert state["state"] == RoundState.CLOSED
    # every acknowledged ballot is stored, nothing else is
    assert set(state["ballots"]) == set(acknowledged.values())
    assert state["voters"] == set(acknowledged)
    assert state["voters_online"] == len(acknowledged)
    expected_votes = Counter((pid, c) for d in acknowledged for pid, c in answered[d].items())
    assert Counter((pid, c) for _, pid, _, c in state["votes"]) == expected_votes
    if secret:
        assert all(voter is None for voter in state["ballots"].values())
        assert all(v[2] is None for v in state["votes"])
    else:
        assert {v[2] for v in state["votes"]} == set(acknowledged)  # no vote row of a refused voter
        by_receipt = {}
        for ballot_id, pid, _voter, choice in state["votes"]:
            by_receipt.setdefault(state["receipt_of_ballot"][ballot_id], {})[pid] = choice
        assert by_receipt == {acknowledged[d]: answered[d] for d in acknowledged}  # each ballot as cast
    # the frozen results are exactly the stored votes (and so the acknowledged ballots)
    assert state["results"] == recount(state["votes"], proposals)
    assert state["closed_events"] == 1 and state["chain_ok"]
    racing_refused = len(refused) - latecomers
    during = sum(1 for d in acknowledged if timing["close_asked"] < finished[d] <= timing["close_done"])
    print(f"\n[b/{'secret' if secret else 'named'}] acknowledged={len(acknowledged)} "
          f"(of which {during} while the close was waiting) refused while racing={racing_refused} "
          f"refused after close={latecomers}; close took {1000 * (timing['close_done'] - timing['close_asked']):.0f} ms")


# --- (c) two secretaries closing at once ------------------------------------------------------

def test_two_secretaries_closing_at_once_close_once(live_app):
    world = seed(live_app, delegates=6, proposals=3, rounds_=3, secretaries=2)
    per_round = 3
    # some votes in each round, committed before the race
    for index, round_id in enumerate(world.rounds):
        items = world.proposals[index * per_round:(index + 1) * per_round]
        for n, delegate in enumerate(world.delegates):
            outcome = attempt(live_app, cast(delegate, round_id, {pid: CHOICES[(n + i) % 3]
                                                                  for i, pid in enumerate(items)}))
            assert outcome.kind == "ok", outcome
    for round_id in world.rounds:
        barrier = threading.Barrier(2)
        outcomes: list[Outcome] = []

        def closing_secretary(secretary: int, round_id: int = round_id, barrier: threading.Barrier = barrier,
                              outcomes: list[Outcome] = outcomes) -> Callable[[], None]:
            def run() -> None:
                barrier.wait(timeout=30)
                outcomes.append(attempt(live_app, close(secretary, round_id)))
            return run

        run_threads([closing_secretary(s) for s in world.secretaries])
        no_errors(outcomes)
        # the second close waits for the first and then finds the round closed: no error, same digest
        assert [o.kind for o in outcomes] == ["ok", "ok"], outcomes
        state = snapshot(live_app, round_id)
        assert {o.value for o in outcomes} == {state["digest"]}
        assert len(state["results"]) == per_round and state["closed_events"] == 1
        assert state["segment_rows"] == len(state["vote_segments"]) > 0
        assert state["results"] == recount(state["votes"], list(state["results"]))
        assert state["chain_ok"]


# --- (d) two secretaries entering the double-entry counts at once ------------------------------

def test_two_secretaries_counting_at_once_fill_both_slots(live_app):
    world = seed(live_app, delegates=4, proposals=2, secretaries=2, double_entry=True)
    round_id, proposals = world.rounds[0], world.proposals
    figures = dict.fromkeys(proposals, (2, 1, 0))
    barrier = threading.Barrier(2)
    outcomes: list[Outcome] = []

    def enter(secretary: int) -> Callable[[], None]:
        def action(session):  # type: ignore[no-untyped-def]
            membership = session.get(Participation, secretary)
            voting_round = session.get(VotingRound, round_id)
            counts.enter_counts(session, membership.user, membership, voting_round, counts=figures, now=workers.NOW)

        def run() -> None:
            barrier.wait(timeout=30)
            outcomes.append(attempt(live_app, action))
        return run

    run_threads([enter(s) for s in world.secretaries])
    no_errors(outcomes)
    assert [o.kind for o in outcomes] == ["ok", "ok"], outcomes
    with live_app.app_context():
        rows = db.session.execute(sa.select(InPersonCount.proposal_id, InPersonCount.slot, InPersonCount.entered_by_id)
                                  .where(InPersonCount.round_id == round_id)).all()
        secretaries_users = {db.session.get(Participation, s).user_id for s in world.secretaries}
        db.session.remove()
    assert sorted((pid, slot) for pid, slot, _ in rows) == sorted((pid, slot) for pid in proposals for slot in (1, 2))
    for pid in proposals:
        assert {user for p, _, user in rows if p == pid} == secretaries_users  # one slot each
    assert attempt(live_app, close(world.secretaries[0], round_id)).kind == "ok"
    state = snapshot(live_app, round_id)
    assert state["state"] == RoundState.CLOSED and state["chain_ok"]
