"""Casting ballots: who may, what a ballot may hold, named and secret storage, changes, receipts."""

from __future__ import annotations

import random
import re

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.conferences import participation as participation_services
from app.conferences.constants import Credential
from app.errors import ConflictError, PermissionDenied, ValidationError
from app.votes import ballots, queries, rounds
from app.votes.constants import Choice
from app.votes.models import Ballot, RoundVoter, Vote
from tests.unit.votes.conftest import FIVE_SEGMENTS, NOW, Plenary, count, later

RECEIPT = re.compile(r"^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$")


def stored(session, voting_round) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {name: count(session, model, model.round_id == voting_round.id)
            for name, model in (("ballots", Ballot), ("votes", Vote), ("voters", RoundVoter))}


@pytest.fixture
def three(plenary):  # type: ignore[no-untyped-def]
    return plenary.proposals(3)


# --- a named ballot ------------------------------------------------------------------------------

def test_a_named_ballot_records_voter_time_segment_and_votes(session, plenary, three):
    p1, p2, p3 = three
    r = plenary.start(three)
    delegate = plenary.delegates[2]  # trabalhador
    ballot = plenary.vote(delegate, r, {p1: "yes", p2: "abstain", p3: ""}, now=later(minutes=2))
    assert (ballot.voter_id, ballot.cast_at, ballot.changed_at) == (delegate.id, later(minutes=2), None)
    assert ballot.segment.value == "trabalhador"
    assert RECEIPT.match(ballot.receipt)
    votes = plenary.votes(r)
    assert [(v.proposal_id, v.choice, v.voter_id, v.ballot_id, v.segment.value) for v in votes] == [
        (p1.id, Choice.YES, delegate.id, ballot.id, "trabalhador"),
        (p2.id, Choice.ABSTAIN, delegate.id, ballot.id, "trabalhador"),
    ]  # the blank p3 is simply not voted
    assert queries.has_voted(session, r.id, delegate.id)
    assert stored(session, r) == {"ballots": 1, "votes": 2, "voters": 1}


def test_receipts_are_random_unique_and_not_derived_from_the_voter(session, make):
    world = Plenary(session, make, segments=FIVE_SEGMENTS * 4)
    p1, p2 = world.proposals(2)
    first = world.start([p1])
    second = world.start([p2], title="Segunda")
    receipts_first = [world.vote(d, first, {p1: "yes"}).receipt for d in world.delegates]
    receipts_second = [world.vote(d, second, {p2: "yes"}).receipt for d in world.delegates]
    everything = receipts_first + receipts_second
    assert all(RECEIPT.match(r) for r in everything)
    # the same choices give 20 different codes, and the same delegate another code in another round
    assert len(set(everything)) == len(everything) == 40


def test_a_receipt_depends_on_the_random_source_only(session, plenary, three, monkeypatch):
    """Replay the same random draws for another delegate in another round: same code. So
    the code carries nothing about who voted, where or what."""
    first = plenary.start(three[:1])
    second = plenary.start(three[1:2], title="Segunda", secret=True)
    monkeypatch.setattr(ballots.secrets, "choice", random.Random(7).choice)
    undo = session.begin_nested()  # receipts are unique: forget the first ballot before the replay
    a = plenary.vote(plenary.delegates[0], first, {three[0]: "yes"}).receipt
    undo.rollback()
    monkeypatch.setattr(ballots.secrets, "choice", random.Random(7).choice)
    b = plenary.vote(plenary.delegates[4], second, {three[1]: "no"}).receipt
    assert a == b and RECEIPT.match(a)


def test_new_receipt_draws_from_the_unambiguous_alphabet():
    codes = {ballots.new_receipt() for _ in range(2000)}
    assert len(codes) == 2000
    letters = set("".join(codes).replace("-", ""))
    assert letters <= set(ballots.RECEIPT_ALPHABET)
    assert not letters & set("01IO")
    assert len(letters) == len(ballots.RECEIPT_ALPHABET)  # every symbol turns up: not a fixed pattern


# --- what a ballot may hold ----------------------------------------------------------------

@pytest.mark.parametrize("choices", [{}, {"p1": ""}, {"p1": "", "p2": None}])
def test_a_blank_ballot_is_refused_and_nothing_is_stored(session, plenary, three, choices):
    r = plenary.start(three)
    ids = {three[int(k[1]) - 1].id: v for k, v in choices.items()}
    with pytest.raises(ValidationError, match="branco"):
        ballots.cast_ballot(session, plenary.delegates[0].user, plenary.delegates[0], r, choices=ids, now=NOW)
    assert stored(session, r) == {"ballots": 0, "votes": 0, "voters": 0}


def test_a_choice_for_a_proposal_not_in_the_round_is_refused(session, plenary, three):
    p1, p2, p3 = three
    r = plenary.start([p1, p2])
    for outside in (p3.id, 10**9):
        with pytest.raises(ValidationError):
            plenary.vote(plenary.delegates[0], r, {p1: "yes", outside: "no"})
    assert stored(session, r) == {"ballots": 0, "votes": 0, "voters": 0}


@pytest.mark.parametrize("choice", ["selected", "talvez", "YES"])
def test_deliberation_choices_are_sim_nao_abstencao(session, plenary, three, choice):
    r = plenary.start(three)
    with pytest.raises(ValidationError):
        plenary.vote(plenary.delegates[0], r, {three[0]: choice})
    assert stored(session, r)["ballots"] == 0


@pytest.mark.parametrize("choice", ["yes", "no", "abstain"])
def test_priority_choices_are_selections_only(session, plenary, choice):
    approved = plenary.proposals(2, state="approved")
    r = plenary.start(approved, kind="priority", max_choices=2, forward_count=1)
    with pytest.raises(ValidationError):
        plenary.vote(plenary.delegates[0], r, {approved[0]: choice})
    assert stored(session, r)["ballots"] == 0


def test_priority_up_to_k_choices(session, plenary):
    approved = plenary.proposals(4, state="approved")
    r = plenary.start(approved, kind="priority", max_choices=2, forward_count=1)
    with pytest.raises(ValidationError, match="2"):
        plenary.vote(plenary.delegates[0], r, dict.fromkeys(approved[:3], "selected"))
    assert stored(session, r) == {"ballots": 0, "votes": 0, "voters": 0}
    plenary.vote(plenary.delegates[0], r, {approved[0]: "selected", approved[1]: "selected", approved[2]: ""})
    plenary.vote(plenary.delegates[1], r, {approved[3]: "selected"})
    assert sorted((v.proposal_id, v.choice) for v in plenary.votes(r)) == sorted(
        [(approved[0].id, Choice.SELECTED), (approved[1].id, Choice.SELECTED), (approved[3].id, Choice.SELECTED)])


# --- who may vote ------------------------------------------------------------------------------

def test_refusals_store_nothing(session, make, plenary, three):
    conference = plenary.conference
    r = plenary.start(three)
    observer = make.participation(conference, credential=Credential.OBSERVADOR, checked_in=True)
    guest = make.participation(conference, credential=Credential.CONVIDADO, checked_in=True)
    late = make.delegate(conference)  # checked in after the opening
    outsider = make.delegate(Plenary(session, make).conference)
    secretary = plenary.secretary
    for membership in (observer, guest, late, outsider, secretary):
        with pytest.raises(PermissionDenied):
            plenary.vote(membership, r, {three[0]: "yes"})
    with pytest.raises(PermissionDenied):  # no membership at all
        ballots.cast_ballot(session, make.user(), None, r, choices={three[0].id: "yes"}, now=NOW)
    assert stored(session, r) == {"ballots": 0, "votes": 0, "voters": 0}


def test_an_anonymous_user_is_refused(session, plenary, three):
    from flask_login import AnonymousUserMixin

    r = plenary.start(three)
    with pytest.raises(PermissionDenied, match="Entre"):
        ballots.cast_ballot(session, AnonymousUserMixin(), plenary.delegates[0], r, choices={three[0].id: "yes"},
                            now=NOW)
    assert stored(session, r)["ballots"] == 0


def test_a_ballot_needs_the_voters_own_membership(session, make, plenary, three):
    r = plenary.start(three)
    intruder: User = make.user()
    with pytest.raises(PermissionDenied):
        ballots.cast_ballot(session, intruder, plenary.delegates[0], r, choices={three[0].id: "yes"}, now=NOW)
    assert stored(session, r)["ballots"] == 0
    assert not queries.has_voted(session, r.id, plenary.delegates[0].id)


def test_a_late_delegate_votes_once_added(session, make, plenary, three):
    r = plenary.start(three)
    late = make.delegate(plenary.conference)
    with pytest.raises(PermissionDenied):
        plenary.vote(late, r, {three[0]: "no"})
    rounds.add_late_delegate(session, plenary.secretary.user, plenary.secretary, r, late, now=NOW)
    assert plenary.vote(late, r, {three[0]: "no"}).voter_id == late.id


def test_a_delegate_whose_credential_is_withdrawn_no_longer_votes(session, plenary, three):
    r = plenary.start(three)
    delegate = plenary.delegates[0]
    participation_services.accredit(session, plenary.secretary.user, plenary.secretary, delegate,
                                    credential=Credential.OBSERVADOR, now=NOW)
    with pytest.raises(PermissionDenied, match="Observadores"):
        plenary.vote(delegate, r, {three[0]: "yes"})
    assert stored(session, r)["ballots"] == 0


def test_draft_and_closed_rounds_take_no_ballot(session, plenary, three):
    r = plenary.prepare(three)
    with pytest.raises(ballots.VotingClosedError, match="aberta"):
        plenary.vote(plenary.delegates[0], r, {three[0]: "yes"})
    plenary.open(r)
    plenary.vote(plenary.delegates[0], r, {three[0]: "yes"})
    plenary.close(r)
    with pytest.raises(ballots.VotingClosedError, match="encerrada"):
        plenary.vote(plenary.delegates[1], r, {three[0]: "yes"})
    assert stored(session, r) == {"ballots": 1, "votes": 1, "voters": 1}
    assert issubclass(ballots.VotingClosedError, ConflictError)


# --- once voted ---------------------------------------------------------------------------------

def test_a_second_ballot_is_refused_when_changes_are_not_allowed(session, plenary, three):
    r = plenary.start(three)
    delegate = plenary.delegates[0]
    first = plenary.vote(delegate, r, {three[0]: "yes", three[1]: "no"})
    with pytest.raises(ConflictError, match="já votou"):
        plenary.vote(delegate, r, {three[0]: "no"})
    assert [(v.proposal_id, v.choice) for v in plenary.votes(r)] == [(three[0].id, Choice.YES),
                                                                     (three[1].id, Choice.NO)]
    assert queries.my_ballot(session, r.id, delegate.id).receipt == first.receipt


def test_allow_change_replaces_the_votes_and_keeps_the_receipt(session, plenary, three):
    p1, p2, p3 = three
    r = plenary.start(three, allow_change=True)
    delegate, other = plenary.delegates[0], plenary.delegates[1]
    first = plenary.vote(delegate, r, {p1: "yes", p2: "no"})
    plenary.vote(other, r, {p1: "no"})
    receipt = first.receipt
    second = plenary.vote(delegate, r, {p2: "yes", p3: "abstain"}, now=later(minutes=4))
    assert second.id == first.id and second.receipt == receipt
    assert (second.cast_at, second.changed_at) == (NOW, later(minutes=4))
    mine = sorted((v.proposal_id, v.choice) for v in plenary.votes(r) if v.voter_id == delegate.id)
    assert mine == [(p2.id, Choice.YES), (p3.id, Choice.ABSTAIN)]  # p1 is no longer voted
    assert stored(session, r) == {"ballots": 2, "votes": 3, "voters": 2}
    published = queries.ballot_by_receipt(session, r.id, receipt.lower())
    assert published.choices == {p2.code: "yes", p3.code: "abstain"}
    # a change is validated like a first ballot
    with pytest.raises(ValidationError):
        plenary.vote(delegate, r, {p1: ""})
    assert sorted((v.proposal_id, v.choice) for v in plenary.votes(r) if v.voter_id == delegate.id) == mine


# --- secret ballots ------------------------------------------------------------------------------

def test_a_secret_ballot_carries_no_voter_and_no_time(session, plenary, three):
    p1, p2, _ = three
    r = plenary.start(three, secret=True)
    delegate = plenary.delegates[3]
    ballot = plenary.vote(delegate, r, {p1: "no", p2: "yes"}, now=later(minutes=7))
    assert (ballot.voter_id, ballot.cast_at, ballot.changed_at) == (None, None, None)
    assert ballot.segment.value == "entidade"  # the segment is kept for the breakdown
    assert all(v.voter_id is None for v in plenary.votes(r)) and len(plenary.votes(r)) == 2
    assert count(session, Ballot, Ballot.voter_id.is_not(None)) == 0
    # only the RoundVoter row says that this delegate voted, and it has no link to the ballot
    voters = session.execute(sa.select(RoundVoter).where(RoundVoter.round_id == r.id)).scalars().all()
    assert [(v.participation_id,) for v in voters] == [(delegate.id,)]
    assert set(RoundVoter.__table__.columns.keys()) == {"round_id", "participation_id"}
    assert queries.my_ballot(session, r.id, delegate.id) is None
    assert queries.has_voted(session, r.id, delegate.id)


def test_a_secret_ballot_cannot_be_cast_twice(session, plenary, three):
    r = plenary.start(three, secret=True)
    delegate = plenary.delegates[0]
    plenary.vote(delegate, r, {three[0]: "yes"})
    with pytest.raises(ConflictError):
        plenary.vote(delegate, r, {three[0]: "no"})
    assert stored(session, r) == {"ballots": 1, "votes": 1, "voters": 1}
    assert [v.choice for v in plenary.votes(r)] == [Choice.YES]
