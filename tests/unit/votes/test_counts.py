"""In-person counts (contagem por crachá): single entry, double entry, corrections."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.errors import ConflictError, PermissionDenied, ValidationError
from app.votes import closing, counts
from app.votes.constants import RoundState
from app.votes.models import InPersonCount, RoundResult
from app.votes.tally import InPersonRow
from tests.unit.votes.conftest import NOW, count, data, events, later


@pytest.fixture
def second_secretary(make, plenary):  # type: ignore[no-untyped-def]
    return make.secretary(plenary.conference)


@pytest.fixture
def third_secretary(make, plenary):  # type: ignore[no-untyped-def]
    return make.secretary(plenary.conference)


def entries(session, voting_round) -> dict[tuple[int, int], tuple[int, int, int, int]]:  # type: ignore[no-untyped-def]
    """(proposal, slot) → (yes, no, abstain, entered_by)."""
    return {(c.proposal_id, c.slot): (c.yes, c.no, c.abstain, c.entered_by_id) for c in session.scalars(
        sa.select(InPersonCount).where(InPersonCount.round_id == voting_round.id))}


def test_single_entry_is_used_by_the_tally_and_audited(session, plenary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1, p2])
    plenary.count(r, {p1: (2, 1, 0)}, now=later(minutes=1))
    sec = plenary.secretary.user_id
    assert entries(session, r) == {(p1.id, 1): (2, 1, 0, sec)}
    assert counts.agreed_in_person_counts(session, r) == [InPersonRow(p1.id, 2, 1, 0)]
    [event] = events(session, "round.in_person_counts", r.id)
    assert data(event) == {"counts": {str(p1.id): [2, 1, 0]}}
    plenary.close(r)
    result = plenary.results(r)[p1.id]
    assert (result.in_person_yes, result.in_person_no, result.in_person_abstain) == (2, 1, 0)
    assert (result.yes, result.no, result.abstain) == (0, 0, 0)
    assert (result.total_yes, result.total_no) == (2, 1)
    assert r.voters_in_person == 3


def test_single_entry_may_be_corrected_by_any_secretary(session, plenary, second_secretary):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1])
    plenary.count(r, {p1: (2, 1, 0)})
    plenary.count(r, {p1: (3, 1, 0)})  # the same secretary corrects
    assert entries(session, r) == {(p1.id, 1): (3, 1, 0, plenary.secretary.user_id)}
    plenary.count(r, {p1: (4, 0, 0)}, secretary=second_secretary)  # another one corrects the same figures
    assert entries(session, r) == {(p1.id, 1): (4, 0, 0, second_secretary.user_id)}
    assert len(events(session, "round.in_person_counts", r.id)) == 3


def test_double_entry_needs_two_secretaries_who_agree(session, plenary, second_secretary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1, p2], double_entry=True)
    plenary.count(r, {p1: (2, 1, 0), p2: (0, 0, 3)})
    with pytest.raises(ConflictError, match="dupla conferência"):
        counts.agreed_in_person_counts(session, r)
    with pytest.raises(ConflictError, match="dupla conferência"):  # only one entry yet: cannot close
        plenary.close(r)
    plenary.count(r, {p1: (2, 1, 0), p2: (0, 0, 3)}, secretary=second_secretary)
    assert entries(session, r) == {
        (p1.id, 1): (2, 1, 0, plenary.secretary.user_id), (p2.id, 1): (0, 0, 3, plenary.secretary.user_id),
        (p1.id, 2): (2, 1, 0, second_secretary.user_id), (p2.id, 2): (0, 0, 3, second_secretary.user_id),
    }
    comparison = counts.compare_counts(session, r)
    assert [(c.proposal_id, c.agreed) for c in comparison] == [(p1.id, True), (p2.id, True)]
    plenary.close(r)
    assert [(x.in_person_yes, x.in_person_no, x.in_person_abstain) for x in plenary.results(r).values()] in (
        [(2, 1, 0), (0, 0, 3)], [(0, 0, 3), (2, 1, 0)])


def test_a_mismatch_blocks_closing_and_is_shown_side_by_side(session, plenary, second_secretary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1, p2], double_entry=True)
    plenary.count(r, {p1: (2, 1, 0), p2: (1, 1, 1)})
    plenary.count(r, {p1: (2, 1, 0), p2: (1, 2, 1)}, secretary=second_secretary)
    comparison = {c.proposal_id: c for c in counts.compare_counts(session, r)}
    assert comparison[p1.id].agreed and not comparison[p2.id].agreed
    mismatch = comparison[p2.id]
    assert (mismatch.first.no, mismatch.second.no) == (1, 2)
    with pytest.raises(ConflictError) as caught:
        plenary.close(r)
    assert "1 proposta" in str(caught.value)
    assert r.state == RoundState.OPEN and r.closed_at is None
    assert count(session, RoundResult, RoundResult.round_id == r.id) == 0
    assert events(session, "round.closed") == []
    # the second secretary corrects their own slot; now they agree and the round closes
    plenary.count(r, {p2: (1, 1, 1)}, secretary=second_secretary)
    assert all(c.agreed for c in counts.compare_counts(session, r))
    plenary.close(r)
    assert r.state == RoundState.CLOSED
    assert plenary.results(r)[p2.id].in_person_no == 1


def test_a_third_secretary_is_refused_in_double_entry(session, plenary, second_secretary, third_secretary):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1], double_entry=True)
    plenary.count(r, {p1: (1, 0, 0)})
    plenary.count(r, {p1: (1, 0, 0)}, secretary=second_secretary)
    with pytest.raises(ConflictError, match="duas contagens"):
        plenary.count(r, {p1: (9, 9, 9)}, secretary=third_secretary)
    assert {slot: fig[:3] for (_, slot), fig in entries(session, r).items()} == {1: (1, 0, 0), 2: (1, 0, 0)}
    assert len(events(session, "round.in_person_counts")) == 2


def test_in_double_entry_each_secretary_corrects_only_their_own_slot(session, plenary, second_secretary):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1], double_entry=True)
    plenary.count(r, {p1: (5, 0, 0)})
    plenary.count(r, {p1: (4, 0, 0)})  # the first secretary again: still slot 1, no slot 2 taken
    assert entries(session, r) == {(p1.id, 1): (4, 0, 0, plenary.secretary.user_id)}
    with pytest.raises(ConflictError):
        counts.agreed_in_person_counts(session, r)
    plenary.count(r, {p1: (4, 0, 0)}, secretary=second_secretary)
    assert counts.agreed_in_person_counts(session, r) == [InPersonRow(p1.id, 4, 0, 0)]


def test_double_entry_proposals_without_any_count_do_not_block(session, plenary, second_secretary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1, p2], double_entry=True)
    plenary.count(r, {p1: (1, 0, 0)})
    plenary.count(r, {p1: (1, 0, 0)}, secretary=second_secretary)
    assert counts.agreed_in_person_counts(session, r) == [InPersonRow(p1.id, 1, 0, 0)]


@pytest.mark.parametrize("figures", [(-1, 0, 0), (0, -2, 0), (0, 0, counts.MAX_COUNT + 1)])
def test_counts_must_be_in_range(session, plenary, figures):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1])
    with pytest.raises(ValidationError):
        plenary.count(r, {p1: figures})
    assert entries(session, r) == {}


def test_counts_are_for_the_rounds_proposals(session, plenary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1])
    with pytest.raises(ValidationError):
        plenary.count(r, {p1: (1, 0, 0), p2: (1, 0, 0)})
    assert entries(session, r) == {}  # nothing half-written


def test_priority_counts_are_selections_only(session, plenary):
    approved = plenary.proposals(2, state="approved")
    r = plenary.start(approved, kind="priority", max_choices=1, forward_count=1)
    for figures in ((1, 1, 0), (1, 0, 1)):
        with pytest.raises(ValidationError, match="priorização"):
            plenary.count(r, {approved[0]: figures})
    plenary.count(r, {approved[0]: (3, 0, 0)})
    plenary.close(r)
    result = plenary.results(r)[approved[0].id]
    assert (result.in_person_yes, result.rank, result.forwarded) == (3, 1, True)


@pytest.mark.parametrize("stage", ["draft", "closed"])
def test_counts_are_entered_while_the_round_is_open(session, plenary, stage):
    p1 = plenary.proposals(1)[0]
    r = plenary.prepare([p1])
    if stage == "closed":
        plenary.open(r)
        plenary.close(r)
    with pytest.raises(ConflictError):
        plenary.count(r, {p1: (1, 0, 0)})
    assert entries(session, r) == {}


def test_only_the_secretariat_enters_counts(session, plenary):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1])
    delegate = plenary.delegates[0]
    with pytest.raises(PermissionDenied):
        counts.enter_counts(session, delegate.user, delegate, r, counts={p1.id: (1, 0, 0)}, now=NOW)
    assert entries(session, r) == {}


def test_closing_recomputes_the_agreement_under_the_lock(session, plenary, second_secretary):
    """compute_tally reads the counts itself: a stale comparison shown earlier does not matter."""
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1], double_entry=True)
    plenary.count(r, {p1: (1, 0, 0)})
    plenary.count(r, {p1: (1, 0, 0)}, secretary=second_secretary)
    assert all(c.agreed for c in counts.compare_counts(session, r))
    plenary.count(r, {p1: (2, 0, 0)}, secretary=second_secretary)
    with pytest.raises(ConflictError):
        closing.close_round(session, plenary.secretary.user, plenary.secretary, r, now=NOW)
    assert r.state == RoundState.OPEN
