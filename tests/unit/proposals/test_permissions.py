"""The permission predicates as tables of actor × state × phase (pure: no database)."""

import datetime as dt
from types import SimpleNamespace as NS

import pytest
from flask_login import AnonymousUserMixin

from app.conferences.constants import Credential, Role, Segment
from app.conferences.phases import Phase
from app.proposals import permissions as perm
from app.proposals.constants import ProposalState

CONF, ELSEWHERE = 10, 20
AT = dt.datetime(2026, 9, 26, 12, 0, tzinfo=dt.UTC)
S = ProposalState


def _user(uid, admin=False):
    return NS(id=uid, is_authenticated=True, is_admin=admin)


def _member(mid, uid, segment=Segment.USUARIO, role=Role.PARTICIPANT, credential=Credential.PENDING,
            conference_id=CONF):
    return NS(id=mid, user_id=uid, conference_id=conference_id, segment=segment, role=role, credential=credential)


ACTORS = {  # name → (user, membership)
    "author": (_user(1), _member(101, 1)),
    "participant": (_user(2), _member(102, 2, credential=Credential.DELEGADO)),
    "observer": (_user(3), _member(103, 3, segment=Segment.GOVERNO, credential=Credential.OBSERVADOR)),
    "guest": (_user(4), _member(104, 4, credential=Credential.CONVIDADO)),
    "secretary": (_user(5), _member(105, 5, segment=None, role=Role.SECRETARY)),
    "secretary_with_segment": (_user(6), _member(106, 6, segment=Segment.TRABALHADOR, role=Role.SECRETARY)),
    "admin": (_user(7, admin=True), None),
    "outsider": (_user(8), None),
    "participant_elsewhere": (_user(9), _member(109, 9, conference_id=ELSEWHERE)),
    "secretary_elsewhere": (_user(10), _member(110, 10, segment=None, role=Role.SECRETARY, conference_id=ELSEWHERE)),
    "someone_elses_membership": (_user(11), _member(102, 2, credential=Credential.DELEGADO)),
    "anonymous": (AnonymousUserMixin(), None),
    "nobody": (None, None),
}
VOICE = {"author", "participant", "observer", "guest", "secretary_with_segment"}
MANAGERS = {"secretary", "secretary_with_segment", "admin"}


def _conference(phase):
    return NS(id=CONF, phase=phase)


def _proposal(state=S.SUBMITTED, phase=Phase.DEBATE, author_id=101):
    return NS(id=1, conference_id=CONF, conference=_conference(phase), state=state, author_id=author_id)


def _comment(author_id=101, created_at=AT, deleted=False, hidden=False):
    return NS(id=1, author_id=author_id, created_at=created_at,
              deleted_at=AT if deleted else None, hidden_at=AT if hidden else None)


def _state_phase_table(states, phases):
    return [(s, p, s in states and p in phases) for s in ProposalState for p in Phase]


# --- submitting -------------------------------------------------------------------------------

@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("phase", list(Phase))
def test_can_submit_proposal(actor, phase):
    user, membership = ACTORS[actor]
    expected = actor in VOICE and phase == Phase.PROPOSALS
    assert perm.can_submit_proposal(user, _conference(phase), membership) is expected


# --- the author's edit and withdrawal ---------------------------------------------------------

@pytest.mark.parametrize("actor", list(ACTORS))
def test_can_edit_proposal_by_actor(actor):
    user, membership = ACTORS[actor]
    assert perm.can_edit_proposal(user, _proposal(), membership) is (actor == "author")


@pytest.mark.parametrize("state, phase, expected",
                         _state_phase_table({S.SUBMITTED}, {Phase.PROPOSALS, Phase.DEBATE}))
def test_can_edit_proposal_by_state_and_phase(state, phase, expected):
    user, membership = ACTORS["author"]
    assert perm.can_edit_proposal(user, _proposal(state, phase), membership) is expected


@pytest.mark.parametrize("actor", list(ACTORS))
def test_can_withdraw_proposal_by_actor(actor):
    user, membership = ACTORS[actor]
    assert perm.can_withdraw_proposal(user, _proposal(), membership) is (actor == "author")


@pytest.mark.parametrize("state, phase, expected",
                         _state_phase_table({S.SUBMITTED}, {Phase.PROPOSALS, Phase.DEBATE, Phase.VOTING}))
def test_can_withdraw_proposal_by_state_and_phase(state, phase, expected):
    user, membership = ACTORS["author"]
    assert perm.can_withdraw_proposal(user, _proposal(state, phase), membership) is expected


@pytest.mark.parametrize("membership, proposal_author, expected", [
    (None, 101, False), (_member(101, 1), 101, True), (_member(102, 2), 101, False),
    (_member(101, 1), None, False),  # an aglutinação has no author
])
def test_is_author(membership, proposal_author, expected):
    assert perm.is_author(membership, _proposal(author_id=proposal_author)) is expected


# --- the secretariat --------------------------------------------------------------------------

@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("phase", list(Phase))
def test_can_systematize(actor, phase):
    user, membership = ACTORS[actor]
    expected = actor in MANAGERS and phase in {Phase.PROPOSALS, Phase.DEBATE, Phase.VOTING, Phase.CLOSED}
    assert perm.can_systematize(user, _conference(phase), membership) is expected


@pytest.mark.parametrize("actor", list(ACTORS))
def test_can_moderate_this_conference(actor):
    user, membership = ACTORS[actor]
    assert perm.can_moderate(user, membership, CONF) is (actor in MANAGERS)


@pytest.mark.parametrize("actor", list(ACTORS))
def test_can_moderate_without_a_conference_only_asks_for_a_secretary(actor):
    user, membership = ACTORS[actor]
    assert perm.can_moderate(user, membership) is (actor in MANAGERS | {"secretary_elsewhere"})


# --- the debate -------------------------------------------------------------------------------

@pytest.mark.parametrize("state, phase, expected", _state_phase_table(
    {S.DRAFT, S.SUBMITTED, S.IN_VOTE, S.APPROVED, S.REJECTED}, {Phase.PROPOSALS, Phase.DEBATE}))
def test_debate_open(state, phase, expected):
    assert perm.debate_open(_proposal(state, phase)) is expected


@pytest.mark.parametrize("actor", list(ACTORS))
def test_can_comment_by_actor(actor):
    user, membership = ACTORS[actor]
    assert perm.can_comment(user, _proposal(), membership) is (actor in VOICE)


@pytest.mark.parametrize("state, phase, expected", _state_phase_table(
    {S.SUBMITTED, S.IN_VOTE, S.APPROVED, S.REJECTED, S.DRAFT}, {Phase.PROPOSALS, Phase.DEBATE}))
def test_can_comment_by_state_and_phase(state, phase, expected):
    user, membership = ACTORS["observer"]
    assert perm.can_comment(user, _proposal(state, phase), membership) is expected


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("minutes, deleted, hidden, in_time", [
    (0, False, False, True), (15, False, False, True), (15.01, False, False, False), (600, False, False, False),
    (1, True, False, False), (1, False, True, False),
])
def test_can_edit_comment(actor, minutes, deleted, hidden, in_time):
    user, membership = ACTORS[actor]
    comment = _comment(deleted=deleted, hidden=hidden)
    expected = actor == "author" and in_time
    assert perm.can_edit_comment(user, comment, membership, AT + dt.timedelta(minutes=minutes)) is expected


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("deleted, hidden", [(False, False), (True, False), (False, True)])
def test_can_delete_comment(actor, deleted, hidden):
    user, membership = ACTORS[actor]
    expected = actor == "author" and not deleted  # a hidden comment may still be removed by its author
    assert perm.can_delete_comment(user, _comment(deleted=deleted, hidden=hidden), membership) is expected


@pytest.mark.parametrize("actor", list(ACTORS))
@pytest.mark.parametrize("deleted, hidden", [(False, False), (True, False), (False, True)])
def test_can_report_comment(actor, deleted, hidden):
    user, membership = ACTORS[actor]
    logged_in = actor not in {"anonymous", "nobody"}
    expected = logged_in and actor != "author" and not deleted and not hidden
    assert perm.can_report_comment(user, _comment(deleted=deleted, hidden=hidden), membership) is expected
