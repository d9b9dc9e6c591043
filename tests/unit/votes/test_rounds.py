"""Preparing rounds: settings, phases, the proposals of a round, deleting a draft (opening is in
test_opening.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.conferences.constants import MajorityRule
from app.conferences.phases import Phase
from app.errors import ConflictError, PermissionDenied, PhaseError, ValidationError
from app.proposals.constants import ProposalState
from app.votes import rounds
from app.votes.constants import RoundKind, RoundState
from app.votes.models import RoundElector, RoundItem, VotingRound
from tests.unit.votes.conftest import NOW, Plenary, count, data, events, later


def electorate_of(session, voting_round) -> dict[int, tuple[str, bool]]:  # type: ignore[no-untyped-def]
    return {e.participation_id: (e.segment.value, e.added_late) for e in session.scalars(
        sa.select(RoundElector).where(RoundElector.round_id == voting_round.id))}


def items_of(session, voting_round) -> list[int]:  # type: ignore[no-untyped-def]
    return list(session.scalars(sa.select(RoundItem.proposal_id).where(RoundItem.round_id == voting_round.id)
                                .order_by(RoundItem.position)))


# --- creating: settings -----------------------------------------------------------------------

def test_create_takes_the_conference_defaults_and_is_audited(session, plenary):
    plenary.conference.majority_rule = MajorityRule.TWO_THIRDS
    plenary.conference.quorum_percent = 30
    session.flush()
    r = plenary.create(title="  Eixo 1  ")
    assert (r.title, r.kind, r.state) == ("Eixo 1", RoundKind.DELIBERATION, RoundState.DRAFT)
    assert (r.majority_rule, r.quorum_percent, r.secret, r.allow_change) == (MajorityRule.TWO_THIRDS, 30, False, False)
    assert r.max_choices is None and r.forward_count is None
    assert r.created_by_id == plenary.secretary.user_id and r.created_at == NOW
    [event] = events(session, "round.created", r.id)
    assert data(event) == {"kind": "deliberation", "secret": False}
    assert event.actor_id == plenary.secretary.user_id and event.conference_id == plenary.conference.id


def test_create_with_explicit_settings(plenary):
    r = plenary.create(kind="priority", secret=True, double_entry=True, majority_rule="absolute", quorum_percent=0,
                       max_choices=3, forward_count=2)
    assert (r.kind, r.secret, r.double_entry, r.majority_rule) == (RoundKind.PRIORITY, True, True, MajorityRule.ABSOLUTE)
    assert (r.quorum_percent, r.max_choices, r.forward_count) == (0, 3, 2)


def test_deliberation_rounds_ignore_priority_limits(plenary):
    r = plenary.create(kind="deliberation", max_choices=3, forward_count=2)
    assert r.max_choices is None and r.forward_count is None


@pytest.mark.parametrize(("settings", "field"), [
    ({"kind": "priority"}, "max_choices"),
    ({"kind": "priority", "max_choices": 0, "forward_count": 1}, "max_choices"),
    ({"kind": "priority", "max_choices": 2}, "forward_count"),
    ({"kind": "priority", "max_choices": 2, "forward_count": 0}, "forward_count"),
    ({"secret": True, "allow_change": True}, "allow_change"),
    ({"quorum_percent": -1}, "quorum_percent"),
    ({"quorum_percent": 101}, "quorum_percent"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
])
def test_invalid_settings_are_refused_with_their_field(session, plenary, settings, field):
    with pytest.raises(ValidationError) as caught:
        plenary.create(**settings)
    assert caught.value.field == field
    assert count(session, VotingRound) == 0
    assert events(session, "round.created") == []


@pytest.mark.parametrize("quorum", [0, 100])
def test_quorum_bounds_are_accepted(plenary, quorum):
    assert plenary.create(quorum_percent=quorum).quorum_percent == quorum


@pytest.mark.parametrize(("phase", "allowed"), [
    (Phase.PREPARATION, False), (Phase.PROPOSALS, False), (Phase.DEBATE, True), (Phase.VOTING, True),
    (Phase.CLOSED, False), (Phase.REPORT_PUBLISHED, False),
])
def test_rounds_are_prepared_in_debate_and_voting_only(session, make, phase, allowed):
    world = Plenary(session, make, phase=phase)
    if allowed:
        assert world.create().state == RoundState.DRAFT
    else:
        with pytest.raises(PhaseError):
            world.create()
        assert count(session, VotingRound) == 0


def test_rounds_prepared_in_debate_open_only_in_voting(session, make):
    world = Plenary(session, make, phase=Phase.DEBATE)
    r = world.prepare(world.proposals(1))
    with pytest.raises(PhaseError):
        world.open(r)
    assert r.state == RoundState.DRAFT and count(session, RoundElector) == 0
    world.conference.phase = Phase.VOTING
    session.flush()
    assert world.open(r).state == RoundState.OPEN


def test_preparing_is_refused_once_the_conference_is_closed(session, plenary):
    proposals = plenary.proposals(2)
    r = plenary.prepare(proposals[:1])
    plenary.conference.phase = Phase.CLOSED
    session.flush()
    with pytest.raises(PhaseError):
        plenary.set_proposals(r, proposals)
    with pytest.raises(PhaseError):
        rounds.update_round(session, plenary.secretary.user, plenary.secretary, r, title="Nova", secret=False,
                            allow_change=False, double_entry=False, majority_rule="simple", quorum_percent=50,
                            now=NOW)
    assert items_of(session, r) == [proposals[0].id]
    assert plenary.state_of(proposals[1]) == ProposalState.SUBMITTED


def test_only_the_secretariat_prepares_rounds(session, plenary):
    delegate = plenary.delegates[0]
    with pytest.raises(PermissionDenied):
        rounds.create_round(session, delegate.user, delegate, plenary.conference, title="X", kind="deliberation",
                            now=NOW)
    with pytest.raises(PermissionDenied):
        rounds.create_round(session, delegate.user, None, plenary.conference, title="X", kind="deliberation", now=NOW)
    assert count(session, VotingRound) == 0


def test_an_admin_without_membership_may_prepare(session, make, plenary):
    admin = make.user(admin=True)
    r = rounds.create_round(session, admin, None, plenary.conference, title="Pela administração",
                            kind="deliberation", now=NOW)
    assert r.created_by_id == admin.id


def test_a_secretary_of_another_conference_cannot_manage_this_ones_rounds(session, make, plenary):
    r = plenary.prepare(plenary.proposals(1))
    other = Plenary(session, make)
    outsider = other.secretary
    with pytest.raises(PermissionDenied):
        rounds.create_round(session, outsider.user, outsider, plenary.conference, title="Intrusa",
                            kind="deliberation", now=NOW)
    with pytest.raises(PermissionDenied):
        rounds.open_round(session, outsider.user, outsider, r, now=NOW)
    # nor with someone else's membership of this conference
    with pytest.raises(PermissionDenied):
        rounds.open_round(session, outsider.user, plenary.secretary, r, now=NOW)
    assert r.state == RoundState.DRAFT and count(session, VotingRound) == 1


# --- updating --------------------------------------------------------------------------------

def test_update_a_draft_round(session, plenary):
    r = plenary.create(kind="priority", max_choices=2, forward_count=1)
    rounds.update_round(session, plenary.secretary.user, plenary.secretary, r, title="Prioridades", secret=True,
                        allow_change=False, double_entry=True, majority_rule="two_thirds", quorum_percent=10,
                        max_choices=3, forward_count=2, now=later(minutes=1))
    assert (r.title, r.secret, r.double_entry, r.majority_rule) == ("Prioridades", True, True, MajorityRule.TWO_THIRDS)
    assert (r.quorum_percent, r.max_choices, r.forward_count) == (10, 3, 2)
    assert len(events(session, "round.updated", r.id)) == 1


def test_update_checks_the_settings_and_the_state(session, plenary):
    r = plenary.create()
    kwargs = {"title": "T", "secret": True, "allow_change": True, "double_entry": False, "majority_rule": "simple",
                  "quorum_percent": 50, "now": NOW}
    with pytest.raises(ValidationError):
        rounds.update_round(session, plenary.secretary.user, plenary.secretary, r, **kwargs)
    assert not r.secret
    plenary.set_proposals(r, plenary.proposals(1))
    plenary.open(r)
    kwargs["allow_change"] = False
    with pytest.raises(ConflictError):
        rounds.update_round(session, plenary.secretary.user, plenary.secretary, r, **kwargs)
    assert not r.secret and events(session, "round.updated") == []


# --- the proposals of a round ----------------------------------------------------------------

def test_set_round_proposals_orders_by_code_and_marks_them_in_vote(session, plenary):
    p1, p2, p3 = plenary.proposals(3)
    r = plenary.create()
    plenary.set_proposals(r, [p3, p1, p3])  # duplicates collapse
    assert items_of(session, r) == [p1.id, p3.id]
    assert [plenary.state_of(p) for p in (p1, p2, p3)] == [ProposalState.IN_VOTE, ProposalState.SUBMITTED,
                                                         ProposalState.IN_VOTE]
    plenary.set_proposals(r, [p2, p3])  # replaces the choice; p1 goes back to debate
    assert items_of(session, r) == [p2.id, p3.id]
    assert [plenary.state_of(p) for p in (p1, p2, p3)] == [ProposalState.SUBMITTED, ProposalState.IN_VOTE,
                                                         ProposalState.IN_VOTE]
    audited = [data(e)["proposals"] for e in events(session, "round.proposals_set", r.id)]
    assert audited == [[p1.code, p3.code], [p2.code, p3.code]]


def test_set_round_proposals_to_nothing_empties_the_round(session, plenary):
    p1 = plenary.proposals(1)[0]
    r = plenary.prepare([p1])
    plenary.set_proposals(r, [])
    assert items_of(session, r) == []
    assert plenary.state_of(p1) == ProposalState.SUBMITTED


def test_proposals_of_another_conference_are_refused(session, make, plenary):
    mine = plenary.proposals(1)[0]
    other = Plenary(session, make)
    theirs = other.proposals(1)[0]
    r = plenary.create()
    with pytest.raises(ValidationError) as caught:
        plenary.set_proposals(r, [mine, theirs])
    assert caught.value.field == "proposal_ids"
    with pytest.raises(ValidationError):
        plenary.set_proposals(r, [mine.id, 10**9])  # made up
    assert items_of(session, r) == []
    assert plenary.state_of(mine) == ProposalState.SUBMITTED and other.state_of(theirs) == ProposalState.SUBMITTED


@pytest.mark.parametrize(("kind", "state", "accepted"), [
    ("deliberation", ProposalState.SUBMITTED, True),
    ("deliberation", ProposalState.IN_VOTE, True),
    ("deliberation", ProposalState.APPROVED, False),
    ("deliberation", ProposalState.REJECTED, False),
    ("deliberation", ProposalState.WITHDRAWN, False),
    ("deliberation", ProposalState.DRAFT, False),
    ("priority", ProposalState.APPROVED, True),
    ("priority", ProposalState.SUBMITTED, False),
    ("priority", ProposalState.IN_VOTE, False),
    ("priority", ProposalState.REJECTED, False),
])
def test_which_proposal_states_each_kind_takes(session, plenary, kind, state, accepted):
    proposal = plenary.proposals(1, state=state)[0]
    settings = {"max_choices": 1, "forward_count": 1} if kind == "priority" else {}
    r = plenary.create(kind=kind, **settings)
    if accepted:
        plenary.set_proposals(r, [proposal])
        assert items_of(session, r) == [proposal.id]
    else:
        with pytest.raises(ValidationError) as caught:
            plenary.set_proposals(r, [proposal])
        assert proposal.code in str(caught.value)
        assert items_of(session, r) == []


def test_priority_rounds_leave_the_approved_states_alone(session, plenary):
    approved = plenary.proposals(2, state=ProposalState.APPROVED)
    r = plenary.prepare(approved, kind="priority", max_choices=1, forward_count=1)
    assert [plenary.state_of(p) for p in approved] == [ProposalState.APPROVED] * 2
    rounds.delete_round(session, plenary.secretary.user, plenary.secretary, r, now=NOW)
    assert [plenary.state_of(p) for p in approved] == [ProposalState.APPROVED] * 2


@pytest.mark.parametrize("other_state", ["draft", "open"])
def test_a_proposal_in_another_round_not_closed_is_refused(session, plenary, other_state):
    p1, p2 = plenary.proposals(2)
    first = plenary.prepare([p1])
    if other_state == "open":
        plenary.open(first)
    second = plenary.create(title="Outra")
    with pytest.raises(ValidationError) as caught:
        plenary.set_proposals(second, [p1, p2])
    assert p1.code in str(caught.value) and p2.code not in str(caught.value)
    assert items_of(session, second) == []
    if other_state == "draft":  # resetting the same round with its own proposal is not "another round"
        plenary.set_proposals(first, [p1])
        assert items_of(session, first) == [p1.id]


def test_a_proposal_of_a_closed_round_may_vote_again(session, plenary):
    p1 = plenary.proposals(1)[0]
    first = plenary.start([p1])
    plenary.close(first)  # no votes: a tie, the proposal stays in vote
    assert plenary.state_of(p1) == ProposalState.IN_VOTE
    second = plenary.prepare([p1], title="Desempate")
    assert items_of(session, second) == [p1.id]


def test_only_draft_rounds_change_their_proposals(session, plenary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1])
    with pytest.raises(ConflictError):
        plenary.set_proposals(r, [p1, p2])
    assert items_of(session, r) == [p1.id] and plenary.state_of(p2) == ProposalState.SUBMITTED


# --- deleting a draft -------------------------------------------------------------------------

def test_deleting_a_draft_restores_the_proposals(session, plenary):
    p1, p2 = plenary.proposals(2)
    r = plenary.prepare([p1, p2])
    round_id = r.id
    rounds.delete_round(session, plenary.secretary.user, plenary.secretary, r, now=NOW)
    assert session.get(VotingRound, round_id) is None
    assert count(session, RoundItem, RoundItem.round_id == round_id) == 0
    assert [plenary.state_of(p) for p in (p1, p2)] == [ProposalState.SUBMITTED] * 2
    [event] = events(session, "round.deleted", round_id)
    assert data(event) == {"title": r.title}


def test_deleting_a_draft_keeps_unresolved_proposals_in_vote(session, plenary):
    """A tie leaves a proposal in vote; a second (draft) round that is then deleted must
    not send it back to debate as if it had never been voted."""
    tied, fresh = plenary.proposals(2)
    first = plenary.start([tied])
    plenary.close(first)
    assert plenary.state_of(tied) == ProposalState.IN_VOTE
    second = plenary.prepare([tied, fresh], title="Desempate")
    plenary.set_proposals(second, [fresh])  # removing it from the draft keeps it in vote
    assert plenary.state_of(tied) == ProposalState.IN_VOTE
    plenary.set_proposals(second, [tied, fresh])
    rounds.delete_round(session, plenary.secretary.user, plenary.secretary, second, now=NOW)
    assert plenary.state_of(tied) == ProposalState.IN_VOTE
    assert plenary.state_of(fresh) == ProposalState.SUBMITTED


@pytest.mark.parametrize("stage", ["open", "closed"])
def test_only_drafts_are_deleted(session, plenary, stage):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1])
    if stage == "closed":
        plenary.close(r)
    with pytest.raises(ConflictError):
        rounds.delete_round(session, plenary.secretary.user, plenary.secretary, r, now=NOW)
    assert session.get(VotingRound, r.id) is not None and events(session, "round.deleted") == []
