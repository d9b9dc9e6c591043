"""Who may vote, manage and see results: pure predicates over plain objects."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.conferences.constants import Credential, Role, Segment
from app.votes import permissions
from app.votes.constants import RoundState


def user(authenticated: bool = True, admin: bool = False) -> SimpleNamespace:
    return SimpleNamespace(id=1, is_authenticated=authenticated, is_admin=admin)


def member(credential: Credential = Credential.DELEGADO, segment: Segment | None = Segment.USUARIO,
           role: Role = Role.PARTICIPANT) -> SimpleNamespace:
    return SimpleNamespace(id=10, user_id=1, conference_id=1, credential=credential, segment=segment, role=role)


def voting_round(state: RoundState = RoundState.OPEN) -> SimpleNamespace:
    return SimpleNamespace(state=state)


@pytest.mark.parametrize(("case", "who", "membership", "state", "in_electorate", "message"), [
    ("anonymous", user(authenticated=False), member(), RoundState.OPEN, True, "Entre"),
    ("no user", None, member(), RoundState.OPEN, True, "Entre"),
    ("closed", user(), member(), RoundState.CLOSED, True, "encerrada"),
    ("draft", user(), member(), RoundState.DRAFT, True, "ainda não foi aberta"),
    ("non-participant", user(), None, RoundState.OPEN, False, "Só delegados credenciados"),
    ("secretary without segment", user(), member(segment=None, role=Role.SECRETARY), RoundState.OPEN, False,
     "Só delegados credenciados"),
    ("pending", user(), member(Credential.PENDING), RoundState.OPEN, False, "ainda não foi credenciada"),
    ("observer", user(), member(Credential.OBSERVADOR), RoundState.OPEN, True, "Observadores"),
    ("guest", user(), member(Credential.CONVIDADO), RoundState.OPEN, True, "convidados"),
    ("delegate outside the electorate", user(), member(), RoundState.OPEN, False, "não estava presente"),
    ("delegate inside", user(), member(), RoundState.OPEN, True, None),
    ("admin delegate inside", user(admin=True), member(), RoundState.OPEN, True, None),
    ("admin without membership", user(admin=True), None, RoundState.OPEN, False, "Só delegados credenciados"),
])
def test_vote_refusal(case, who, membership, state, in_electorate, message):
    refusal = permissions.vote_refusal(who, membership, voting_round(state), in_electorate)
    if message is None:
        assert refusal is None, case
        assert permissions.can_vote(who, membership, voting_round(state), in_electorate)
    else:
        assert refusal is not None and message in str(refusal), (case, str(refusal))
        assert not permissions.can_vote(who, membership, voting_round(state), in_electorate)


def test_a_closed_round_says_closed_before_anything_else():
    # even for an observer outside the electorate, the reason is that voting is over
    refusal = permissions.vote_refusal(user(), member(Credential.OBSERVADOR), voting_round(RoundState.CLOSED), False)
    assert "encerrada" in str(refusal)


@pytest.mark.parametrize(("who", "membership", "allowed"), [
    (user(), member(segment=None, role=Role.SECRETARY), True),
    (user(), member(role=Role.SECRETARY), True),              # a secretary who also joined as participant
    (user(admin=True), None, True),
    (user(), member(), False),                                # a delegate
    (user(), None, False),
    (user(authenticated=False), member(role=Role.SECRETARY), False),
    (None, None, False),
])
def test_can_manage_rounds(who, membership, allowed):
    assert permissions.can_manage_rounds(who, membership) is allowed


@pytest.mark.parametrize(("state", "visible"), [(RoundState.DRAFT, False), (RoundState.OPEN, False),
                                                (RoundState.CLOSED, True)])
def test_results_exist_only_once_closed(state, visible):
    assert permissions.can_see_results(voting_round(state)) is visible


@pytest.mark.parametrize(("state", "who", "membership", "visible"), [
    (RoundState.DRAFT, user(), member(), False),
    (RoundState.DRAFT, None, None, False),
    (RoundState.DRAFT, user(), member(segment=None, role=Role.SECRETARY), True),
    (RoundState.DRAFT, user(admin=True), None, True),
    (RoundState.OPEN, None, None, True),
    (RoundState.CLOSED, None, None, True),
])
def test_drafts_are_seen_by_the_secretariat_only(state, who, membership, visible):
    assert permissions.can_see_round(who, membership, voting_round(state)) is visible
