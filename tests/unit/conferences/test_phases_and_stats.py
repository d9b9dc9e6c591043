import pytest
from flask_login import AnonymousUserMixin

from app.conferences import permissions, queries
from app.conferences.constants import Credential, Segment
from app.conferences.phases import ACTION_REFUSALS, ALLOWED, ORDER, Action, Phase, allows, next_phase
from app.conferences.stats import parity

P = Phase
# The contract, written out once more by hand: changing phases.ALLOWED must change this table.
EXPECTED = {
    Action.JOIN: {P.PREPARATION, P.PROPOSALS, P.DEBATE, P.VOTING},
    Action.SUBMIT_PROPOSAL: {P.PROPOSALS},
    Action.EDIT_OWN_PROPOSAL: {P.PROPOSALS, P.DEBATE},
    Action.WITHDRAW_PROPOSAL: {P.PROPOSALS, P.DEBATE, P.VOTING},
    Action.COMMENT: {P.PROPOSALS, P.DEBATE},
    Action.SYSTEMATIZE: {P.PROPOSALS, P.DEBATE, P.VOTING, P.CLOSED},
    Action.ACCREDIT: {P.PREPARATION, P.PROPOSALS, P.DEBATE, P.VOTING},
    Action.CHECK_IN: {P.PREPARATION, P.PROPOSALS, P.DEBATE, P.VOTING},
    Action.IMPORT_PARTICIPANTS: {P.PREPARATION, P.PROPOSALS, P.DEBATE, P.VOTING},
    Action.PREPARE_ROUND: {P.DEBATE, P.VOTING},
    Action.OPEN_ROUND: {P.VOTING},
    Action.PUBLISH_REPORT: {P.CLOSED, P.REPORT_PUBLISHED},
    Action.IMPORT_REPORT: {P.PREPARATION, P.PROPOSALS, P.DEBATE},
}


def test_every_action_has_a_rule_and_a_refusal_message():
    assert set(ALLOWED) == set(Action) == set(EXPECTED)
    assert set(ACTION_REFUSALS) == set(Action)
    assert all(str(message).strip() for message in ACTION_REFUSALS.values())


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("phase", list(Phase))
def test_allowed_table(action, phase):
    assert allows(phase, action) is (phase in EXPECTED[action])


def test_phase_order_and_next_phase():
    assert ORDER == (P.PREPARATION, P.PROPOSALS, P.DEBATE, P.VOTING, P.CLOSED, P.REPORT_PUBLISHED)
    assert [next_phase(p) for p in ORDER] == [P.PROPOSALS, P.DEBATE, P.VOTING, P.CLOSED, None, None]


# --- parity -----------------------------------------------------------------------------

@pytest.mark.parametrize("delegates, governo, civil, balanced, difference, share_governo", [
    ({}, 0, 0, True, 0, 0.0),
    ({"governo": 3, "usuario": 1, "trabalhador": 1, "entidade": 1}, 3, 3, True, 0, 0.5),
    ({"governo": 1, "usuario": 4}, 1, 4, False, 3, 0.2),
    ({"governo": 5, "entidade": 1}, 5, 1, False, -4, 5 / 6),
    ({"usuario": 2, "trabalhador": 2}, 0, 4, False, 4, 0.0),
])
def test_parity(delegates, governo, civil, balanced, difference, share_governo):
    result = parity(delegates)
    assert (result.governo, result.sociedade_civil, result.total) == (governo, civil, governo + civil)
    assert result.balanced is balanced
    assert result.difference == difference
    assert result.share("governo") == pytest.approx(share_governo)
    assert result.share("sociedade_civil") == pytest.approx(0.0 if result.total == 0 else 1 - share_governo)


# --- counts (SQL GROUP BY) --------------------------------------------------------------

def test_participant_counts_by_segment_credential_and_presence(session, make):
    conference = make.conference()
    layout = [
        (Segment.USUARIO, Credential.DELEGADO, True), (Segment.USUARIO, Credential.DELEGADO, False),
        (Segment.USUARIO, Credential.PENDING, False), (Segment.TRABALHADOR, Credential.OBSERVADOR, True),
        (Segment.ENTIDADE, Credential.CONVIDADO, False), (Segment.GOVERNO, Credential.DELEGADO, True),
        (Segment.GOVERNO, Credential.DELEGADO, True),
    ]
    for segment, credential, present in layout:
        make.participation(conference, segment=segment, credential=credential, checked_in=present)
    make.secretary(conference)  # no segment: not counted
    make.participation(make.conference(), segment=Segment.USUARIO)  # another conference
    counts = queries.participant_counts(session, conference.id)
    assert counts.by_segment == {"usuario": 3, "trabalhador": 1, "entidade": 1, "governo": 2}
    assert counts.by_credential == {"pending": 1, "delegado": 4, "observador": 1, "convidado": 1}
    assert counts.total == 7
    assert counts.matrix == {("usuario", "delegado"): 2, ("usuario", "pending"): 1, ("trabalhador", "observador"): 1,
                             ("entidade", "convidado"): 1, ("governo", "delegado"): 2}
    assert counts.checked_in_total == 4
    assert counts.delegates_by_segment() == {"usuario": 2, "trabalhador": 0, "entidade": 0, "governo": 2}
    assert counts.checked_in_delegates_by_segment() == {"usuario": 1, "trabalhador": 0, "entidade": 0, "governo": 2}
    assert parity(counts.delegates_by_segment()).balanced
    assert queries.participant_counts_for(session, [conference.id]) == {conference.id: 7}


def test_counts_of_an_empty_conference_are_zero_filled(session, make):
    counts = queries.participant_counts(session, make.conference().id)
    assert counts.by_segment == {"usuario": 0, "trabalhador": 0, "entidade": 0, "governo": 0}
    assert counts.by_credential == {"pending": 0, "delegado": 0, "observador": 0, "convidado": 0}
    assert counts.total == 0


# --- permission predicates --------------------------------------------------------------

class FakeUser:
    def __init__(self, admin=False):
        self.is_authenticated = True
        self.is_admin = admin


class FakeMembership:
    def __init__(self, role="participant", segment="usuario", credential="pending"):
        self.role, self.segment, self.credential = role, segment, credential


class FakeConference:
    def __init__(self, phase):
        self.phase = phase


ANON = AnonymousUserMixin()


@pytest.mark.parametrize("user, membership, expected", [
    (ANON, None, False),
    (None, None, False),
    (FakeUser(), None, False),
    (FakeUser(), FakeMembership(), False),
    (FakeUser(), FakeMembership(credential="delegado"), False),
    (FakeUser(), FakeMembership(role="secretary", segment=None), True),
    (FakeUser(admin=True), None, True),
    (ANON, FakeMembership(role="secretary"), False),
])
def test_can_manage_conference(user, membership, expected):
    assert permissions.can_manage_conference(user, membership) is expected


@pytest.mark.parametrize("user, phase, membership, expected", [
    (ANON, P.PROPOSALS, None, False),
    (FakeUser(), P.PROPOSALS, None, True),
    (FakeUser(), P.CLOSED, None, False),
    (FakeUser(), P.PREPARATION, FakeMembership(), False),
    (FakeUser(), P.VOTING, FakeMembership(role="secretary", segment=None), True),
    (FakeUser(), P.REPORT_PUBLISHED, FakeMembership(role="secretary", segment=None), False),
])
def test_can_join_conference(user, phase, membership, expected):
    assert permissions.can_join_conference(user, FakeConference(phase), membership) is expected


@pytest.mark.parametrize("membership, participant, delegate", [
    (None, False, False),
    (FakeMembership(role="secretary", segment=None, credential="delegado"), False, False),
    (FakeMembership(credential="observador"), True, False),
    (FakeMembership(credential="delegado"), True, True),
])
def test_participant_and_delegate_predicates(membership, participant, delegate):
    assert permissions.is_participant(membership) is participant
    assert permissions.is_delegate(membership) is delegate


def test_only_admins_create_conferences_and_name_secretaries():
    for user, expected in ((ANON, False), (FakeUser(), False), (FakeUser(admin=True), True)):
        assert permissions.can_create_conference(user) is expected
        assert permissions.can_name_secretaries(user) is expected
