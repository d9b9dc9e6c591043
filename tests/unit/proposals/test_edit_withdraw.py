"""The author's edits and withdrawal, and the secretary's sistematização."""

import pytest
from flask_login import AnonymousUserMixin

from app.conferences.phases import Phase
from app.errors import ConflictError, PermissionDenied, PhaseError, ValidationError
from app.proposals import services
from app.proposals.constants import ProposalState, VersionKind
from tests.unit.proposals.conftest import BODY, NOW, data, events, later, row_counts, versions_of

NEW_BODY = "Garantir equipe de referência completa em todos os CRAS e no CREAS."


def _edit(world, proposal, membership=None, actor=None, now=None, **values):
    membership = membership if membership is not None else world.author
    actor = actor if actor is not None else membership.user
    params = {"title": proposal.title, "body": NEW_BODY, "justification": proposal.justification, **values}
    return services.edit_proposal(world.session, actor, membership, proposal, now=now or later(hours=1), **params)


def _systematize(world, proposal, membership=None, actor=None, **values):
    membership = membership if membership is not None else world.secretary
    actor = actor if actor is not None else membership.user
    params = {"title": "Ampliar o CRAS (sistematizada)", "body": NEW_BODY, "justification": None, **values}
    return services.systematize_proposal(world.session, actor, membership, proposal, now=later(hours=2), **params)


def _withdraw(world, proposal, membership=None, reason="Foi contemplada por outra proposta.", now=None):
    membership = membership if membership is not None else world.author
    return services.withdraw_proposal(world.session, membership.user, membership, proposal, reason=reason,
                                      now=now or later(hours=3))


# --- edit by the author ---------------------------------------------------------------------

@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.DEBATE])
def test_author_edits_in_the_phases_that_allow_it(session, world, phase):
    proposal = world.submit()
    world.set_phase(phase)
    _edit(world, proposal, title="Ampliar os CRAS", justification="Fila de espera")
    assert (proposal.title, proposal.body, proposal.justification) == ("Ampliar os CRAS", NEW_BODY, "Fila de espera")
    assert proposal.version == 2 and proposal.updated_at == later(hours=1)
    assert proposal.search_text.startswith("e1-m-01 ampliar os cras garantir")
    first, second = versions_of(session, proposal)
    assert (first.kind, first.body) == (VersionKind.CREATED, BODY)
    assert (second.number, second.kind, second.body) == (2, VersionKind.EDITED, NEW_BODY)
    assert second.edited_by_id == world.author.user_id and second.edited_at == later(hours=1)
    [event] = events(session, "proposal.edited")
    assert data(event) == {"code": "E1-M-01", "version": 2}
    assert event.actor_id == world.author.user_id


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.VOTING, Phase.CLOSED, Phase.REPORT_PUBLISHED])
def test_author_edit_outside_those_phases_is_a_phase_error(session, world, phase):
    proposal = world.submit()
    world.set_phase(phase)
    rows = row_counts(session)
    with pytest.raises(PhaseError) as caught:
        _edit(world, proposal)
    assert str(caught.value.message) == "Nesta fase da conferência as propostas não podem mais ser editadas."
    assert proposal.body == BODY and proposal.version == 1
    assert row_counts(session) == rows


@pytest.mark.parametrize("state", [ProposalState.IN_VOTE, ProposalState.APPROVED, ProposalState.REJECTED,
                                   ProposalState.WITHDRAWN, ProposalState.MERGED])
def test_author_edit_of_a_proposal_out_of_debate_is_a_conflict(session, world, state):
    proposal = world.submit()
    world.force_state(proposal, state)
    rows = row_counts(session)
    with pytest.raises(ConflictError) as caught:
        _edit(world, proposal)
    assert not isinstance(caught.value, PhaseError)
    assert "não pode mais ser editada" in str(caught.value.message)
    assert proposal.body == BODY and proposal.state == state
    assert row_counts(session) == rows


@pytest.mark.parametrize("who", ["other_participant", "secretary", "no_membership", "anonymous"])
def test_only_the_author_edits(session, world, make, who):
    proposal = world.submit()
    membership, actor = {
        "other_participant": (world.participant(), None),
        "secretary": (world.secretary, None),
        "no_membership": (None, make.user()),
        "anonymous": (None, AnonymousUserMixin()),
    }[who]
    actor = actor or membership.user
    rows = row_counts(session)
    with pytest.raises(PermissionDenied) as caught:
        services.edit_proposal(session, actor, membership, proposal, title="Outro título", body="Outro texto",
                               justification=None, now=later(hours=1))
    assert str(caught.value.message) == "Só quem escreveu a proposta pode editá-la."
    assert proposal.title == "Ampliar o CRAS"
    assert row_counts(session) == rows


def test_edit_without_change_writes_no_version(session, world):
    proposal = world.submit(justification="Fila")
    rows = row_counts(session)
    _edit(world, proposal, title="  Ampliar o CRAS ", body=BODY + "\n", justification=" Fila ")
    assert proposal.version == 1 and proposal.updated_at == NOW
    assert row_counts(session) == rows


@pytest.mark.parametrize("values, field", [
    ({"title": ""}, "title"), ({"title": "x" * 201}, "title"), ({"body": " "}, "body"),
    ({"body": "x" * 10_001}, "body"), ({"justification": "x" * 5_001}, "justification"),
])
def test_bad_edit_names_the_field_and_changes_nothing(session, world, values, field):
    proposal = world.submit()
    rows = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        _edit(world, proposal, **values)
    assert caught.value.field == field
    assert (proposal.title, proposal.body, proposal.version) == ("Ampliar o CRAS", BODY, 1)
    assert row_counts(session) == rows


# --- sistematização by the secretary ----------------------------------------------------------

@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.DEBATE, Phase.VOTING, Phase.CLOSED])
def test_secretary_systematizes_under_their_own_name(session, world, phase):
    proposal = world.submit()
    world.set_phase(phase)
    _systematize(world, proposal)
    assert proposal.title == "Ampliar o CRAS (sistematizada)" and proposal.body == NEW_BODY
    assert proposal.author_id == world.author.id
    last = versions_of(session, proposal)[-1]
    assert (last.number, last.kind) == (2, VersionKind.SYSTEMATIZED)
    assert last.edited_by_id == world.secretary.user_id != world.author.user_id
    [event] = events(session, "proposal.systematized")
    assert event.actor_id == world.secretary.user_id
    assert data(event) == {"code": "E1-M-01", "version": 2}


def test_an_admin_systematizes_without_membership(session, world, make):
    admin = make.user(admin=True)
    proposal = world.submit()
    services.systematize_proposal(session, admin, None, proposal, title="Título revisto", body=NEW_BODY,
                                  justification=None, now=later(hours=2))
    assert versions_of(session, proposal)[-1].edited_by_id == admin.id


@pytest.mark.parametrize("who", ["author", "delegate", "secretary_of_another_conference"])
def test_only_the_secretariat_systematizes(session, world, make, who):
    proposal = world.submit()
    membership = {
        "author": world.author,
        "delegate": make.delegate(world.conference),
        "secretary_of_another_conference": make.secretary(make.conference()),
    }[who]
    rows = row_counts(session)
    with pytest.raises(PermissionDenied) as caught:
        _systematize(world, proposal, membership=membership)
    assert str(caught.value.message) == "Só a secretaria da conferência pode fazer isso."
    assert proposal.title == "Ampliar o CRAS"
    assert row_counts(session) == rows


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.REPORT_PUBLISHED])
def test_systematizing_in_a_closed_phase_is_a_phase_error(session, world, phase):
    proposal = world.submit()
    world.set_phase(phase)
    with pytest.raises(PhaseError):
        _systematize(world, proposal)
    assert proposal.version == 1


@pytest.mark.parametrize("state", [ProposalState.IN_VOTE, ProposalState.APPROVED, ProposalState.WITHDRAWN,
                                   ProposalState.MERGED])
def test_only_proposals_in_debate_are_systematized(session, world, state):
    proposal = world.submit()
    world.force_state(proposal, state)
    with pytest.raises(ConflictError):
        _systematize(world, proposal)
    assert proposal.title == "Ampliar o CRAS" and proposal.version == 1


# --- withdrawal -------------------------------------------------------------------------------

@pytest.mark.parametrize("phase", [Phase.PROPOSALS, Phase.DEBATE, Phase.VOTING])
def test_author_withdraws_with_a_reason(session, world, phase):
    proposal = world.submit()
    world.set_phase(phase)
    _withdraw(world, proposal, reason="  Foi contemplada por outra proposta.  ")
    assert proposal.state == ProposalState.WITHDRAWN and proposal.is_withdrawn
    assert proposal.withdrawn_reason == "Foi contemplada por outra proposta."
    assert proposal.version == 2 and proposal.updated_at == later(hours=3)
    last = versions_of(session, proposal)[-1]
    assert (last.kind, last.note, last.body) == (VersionKind.WITHDRAWN, "Foi contemplada por outra proposta.", BODY)
    assert last.edited_by_id == world.author.user_id
    [event] = events(session, "proposal.withdrawn")
    assert (event.subject_id, event.actor_id, data(event)) == (proposal.id, world.author.user_id, {"code": "E1-M-01"})


@pytest.mark.parametrize("reason, ok", [("", False), ("   ", False), (None, False), ("x" * 501, False),
                                        ("x" * 500, True), ("Duplicada", True)])
def test_withdrawal_reason_is_required_and_at_most_500(session, world, reason, ok):
    proposal = world.submit()
    if ok:
        _withdraw(world, proposal, reason=reason)
        assert proposal.withdrawn_reason == reason
        return
    rows = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        _withdraw(world, proposal, reason=reason)
    assert caught.value.field == "reason"
    assert proposal.state == ProposalState.SUBMITTED and proposal.withdrawn_reason is None
    assert row_counts(session) == rows


def test_a_proposal_is_not_withdrawn_twice(session, world):
    proposal = world.submit()
    _withdraw(world, proposal)
    rows = row_counts(session)
    with pytest.raises(ConflictError) as caught:
        _withdraw(world, proposal, reason="De novo", now=later(hours=4))
    assert str(caught.value.message) == "Esta proposta não pode mais ser retirada."
    assert proposal.withdrawn_reason == "Foi contemplada por outra proposta." and proposal.version == 2
    assert row_counts(session) == rows


@pytest.mark.parametrize("state", [ProposalState.IN_VOTE, ProposalState.APPROVED, ProposalState.REJECTED,
                                   ProposalState.MERGED])
def test_proposals_out_of_debate_are_not_withdrawn(session, world, state):
    proposal = world.submit()
    world.force_state(proposal, state)
    with pytest.raises(ConflictError):
        _withdraw(world, proposal)
    assert proposal.state == state


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.CLOSED, Phase.REPORT_PUBLISHED])
def test_withdrawal_outside_its_phases_is_a_phase_error(session, world, phase):
    proposal = world.submit()
    world.set_phase(phase)
    with pytest.raises(PhaseError) as caught:
        _withdraw(world, proposal)
    assert str(caught.value.message) == "Nesta fase da conferência as propostas não podem ser retiradas."
    assert proposal.state == ProposalState.SUBMITTED


@pytest.mark.parametrize("who", ["other_participant", "secretary"])
def test_only_the_author_withdraws(session, world, who):
    proposal = world.submit()
    membership = world.participant() if who == "other_participant" else world.secretary
    rows = row_counts(session)
    with pytest.raises(PermissionDenied) as caught:
        _withdraw(world, proposal, membership=membership)
    assert str(caught.value.message) == "Só quem escreveu a proposta pode retirá-la."
    assert proposal.state == ProposalState.SUBMITTED
    assert row_counts(session) == rows
