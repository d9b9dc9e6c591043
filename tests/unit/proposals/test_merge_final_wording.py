"""Aglutinação (merging proposals) and the final wording (redação final)."""

import pytest
import sqlalchemy as sa

from app.conferences.phases import Phase
from app.errors import ConflictError, PermissionDenied, PhaseError, ValidationError
from app.proposals import services
from app.proposals.constants import ProposalState, VersionKind
from app.proposals.models import Proposal
from tests.unit.proposals.conftest import BODY, data, events, later, row_counts, versions_of

MERGED_BODY = "Garantir equipes completas nos CRAS e transporte para as visitas domiciliares."


def _merge(world, ids, membership=None, actor=None, conference=None, **values):
    membership = membership if membership is not None else world.secretary
    actor = actor if actor is not None else membership.user
    params = {"eixo_id": world.eixo(1).id, "sphere": "municipal", "title": "Equipes e transporte para os CRAS",
              "body": MERGED_BODY, "justification": None, "now": later(days=1), **values}
    return services.merge_proposals(world.session, actor, membership, conference or world.conference,
                                    proposal_ids=ids, **params)


def _final(world, proposal, text="Redação final aprovada em plenária.", membership=None):
    membership = membership if membership is not None else world.secretary
    return services.set_final_wording(world.session, membership.user, membership, proposal,
                                      final_wording=text, now=later(days=2))


def _snapshot(session, proposals):
    session.flush()
    return [(p.state, p.merged_into_id, p.version) for p in proposals]


@pytest.fixture
def pair(world):
    return [world.submit(world.participant()), world.submit(world.participant(), eixo=2, sphere="estadual")]


# --- merging ----------------------------------------------------------------------------------

def test_merging_two_proposals_creates_a_new_one_without_author(session, world, pair):
    a, b = pair
    merged = _merge(world, [b.id, a.id])
    assert merged.author_id is None
    assert merged.state == ProposalState.SUBMITTED
    assert (merged.code, merged.conference_id) == ("E1-M-02", world.conference.id)
    assert (merged.title, merged.body) == ("Equipes e transporte para os CRAS", MERGED_BODY)
    [first] = versions_of(session, merged)
    assert (first.kind, first.note, first.edited_by_id) == (VersionKind.MERGED, "E1-M-01, E2-E-01",
                                                            world.secretary.user_id)
    for source in (a, b):
        assert source.state == ProposalState.MERGED and source.is_merged
        assert source.merged_into_id == merged.id and source.merged_into is merged
        assert source.version == 2 and source.updated_at == later(days=1)
        last = versions_of(session, source)[-1]
        assert (last.number, last.kind, last.note) == (2, VersionKind.MERGED, "E1-M-02")
        assert last.edited_by_id == world.secretary.user_id
    [event] = events(session, "proposal.merged")
    assert (event.subject_id, event.actor_id) == (merged.id, world.secretary.user_id)
    assert data(event) == {"code": "E1-M-02", "sources": ["E1-M-01", "E2-E-01"]}


def test_merging_three_proposals(session, world, pair):
    third = world.submit(world.participant(), eixo=3, sphere="federal")
    merged = _merge(world, [p.id for p in (*pair, third)], eixo_id=world.eixo(3).id, sphere="federal")
    assert merged.code == "E3-F-02"
    sources = session.scalars(sa.select(Proposal).where(Proposal.merged_into_id == merged.id)
                              .order_by(Proposal.code)).all()
    assert [p.code for p in sources] == ["E1-M-01", "E2-E-01", "E3-F-01"]
    assert data(events(session, "proposal.merged")[0])["sources"] == ["E1-M-01", "E2-E-01", "E3-F-01"]


@pytest.mark.parametrize("ids", ["one", "same_twice", "none"])
def test_merging_needs_two_distinct_proposals(session, world, pair, ids):
    a = pair[0]
    chosen = {"one": [a.id], "same_twice": [a.id, a.id], "none": []}[ids]
    rows = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        _merge(world, chosen)
    assert caught.value.field == "proposal_ids"
    assert row_counts(session) == rows
    assert a.state == ProposalState.SUBMITTED


@pytest.mark.parametrize("stranger", ["other_conference", "unknown_id"])
def test_a_proposal_of_another_conference_is_refused_and_nothing_changes(session, world, make, pair, stranger):
    if stranger == "other_conference":
        other = make.conference(proposals_per_participant=0)
        foreign = world.submit(make.participation(other), conference=other)
        extra_id, watched = foreign.id, [*pair, foreign]
    else:
        extra_id, watched = 10_000_000, list(pair)
    before = _snapshot(session, watched)
    rows = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        _merge(world, [pair[0].id, pair[1].id, extra_id])
    assert caught.value.field == "proposal_ids"
    assert _snapshot(session, watched) == before
    assert row_counts(session) == rows


@pytest.mark.parametrize("state", [ProposalState.WITHDRAWN, ProposalState.IN_VOTE, ProposalState.APPROVED,
                                   ProposalState.MERGED])
def test_a_proposal_not_in_debate_is_refused_and_nothing_changes(session, world, pair, state):
    world.force_state(pair[1], state)
    before = _snapshot(session, pair)
    rows = row_counts(session)
    with pytest.raises(ConflictError) as caught:
        _merge(world, [p.id for p in pair])
    assert str(caught.value.message) == "Só propostas em debate podem ser aglutinadas: E2-E-01."
    assert _snapshot(session, pair) == before
    assert row_counts(session) == rows


def test_bad_text_of_the_new_proposal_changes_nothing(session, world, pair):
    before = _snapshot(session, pair)
    rows = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        _merge(world, [p.id for p in pair], title="")
    assert caught.value.field == "title"
    assert _snapshot(session, pair) == before
    assert row_counts(session) == rows


@pytest.mark.parametrize("who", ["author", "delegate", "secretary_of_another_conference"])
def test_only_the_secretariat_merges(session, world, make, pair, who):
    membership = {
        "author": world.author,
        "delegate": make.delegate(world.conference),
        "secretary_of_another_conference": make.secretary(make.conference()),
    }[who]
    rows = row_counts(session)
    with pytest.raises(PermissionDenied):
        _merge(world, [p.id for p in pair], membership=membership)
    assert row_counts(session) == rows


@pytest.mark.parametrize("phase", [Phase.PREPARATION, Phase.REPORT_PUBLISHED])
def test_merging_in_a_closed_phase_is_a_phase_error(session, world, pair, phase):
    world.set_phase(phase)
    rows = row_counts(session)
    with pytest.raises(PhaseError):
        _merge(world, [p.id for p in pair])
    assert row_counts(session) == rows


# --- final wording ----------------------------------------------------------------------------

@pytest.mark.parametrize("state", [ProposalState.SUBMITTED, ProposalState.IN_VOTE, ProposalState.APPROVED])
def test_secretary_sets_the_final_wording(session, world, state):
    proposal = world.submit()
    world.force_state(proposal, state)
    _final(world, proposal, text="  Redação final aprovada em plenária.  ")
    assert proposal.final_wording == "Redação final aprovada em plenária."
    assert (proposal.body, proposal.version, proposal.updated_at) == (BODY, 2, later(days=2))
    last = versions_of(session, proposal)[-1]
    assert (last.number, last.kind) == (2, VersionKind.FINAL_WORDING)
    assert (last.final_wording, last.body) == ("Redação final aprovada em plenária.", BODY)
    assert last.edited_by_id == world.secretary.user_id
    [event] = events(session, "proposal.final_wording_set")
    assert data(event) == {"code": "E1-M-01", "version": 2}


def test_changing_the_final_wording_adds_a_version_and_the_same_text_does_not(session, world):
    proposal = world.submit()
    _final(world, proposal, text="Primeira redação.")
    _final(world, proposal, text="Segunda redação.")
    rows = row_counts(session)
    _final(world, proposal, text=" Segunda redação. ")
    assert row_counts(session) == rows
    assert [(v.kind, v.final_wording) for v in versions_of(session, proposal)] == [
        (VersionKind.CREATED, None), (VersionKind.FINAL_WORDING, "Primeira redação."),
        (VersionKind.FINAL_WORDING, "Segunda redação.")]


@pytest.mark.parametrize("state", [ProposalState.WITHDRAWN, ProposalState.MERGED, ProposalState.REJECTED])
def test_no_final_wording_for_withdrawn_merged_or_rejected(session, world, state):
    proposal = world.submit()
    world.force_state(proposal, state)
    rows = row_counts(session)
    with pytest.raises(ConflictError) as caught:
        _final(world, proposal)
    assert str(caught.value.message) == "Propostas retiradas, aglutinadas ou rejeitadas não têm redação final."
    assert proposal.final_wording is None
    assert row_counts(session) == rows


@pytest.mark.parametrize("text", ["", "   ", None, "x" * 10_001])
def test_bad_final_wording_names_the_field(session, world, text):
    proposal = world.submit()
    rows = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        _final(world, proposal, text=text)
    assert caught.value.field == "final_wording"
    assert proposal.final_wording is None
    assert row_counts(session) == rows


@pytest.mark.parametrize("who", ["author", "delegate"])
def test_participants_do_not_set_the_final_wording(session, world, make, who):
    proposal = world.submit()
    membership = world.author if who == "author" else make.delegate(world.conference)
    with pytest.raises(PermissionDenied):
        _final(world, proposal, membership=membership)
    assert proposal.final_wording is None and proposal.version == 1


def test_final_wording_in_a_closed_phase_is_a_phase_error(session, world):
    proposal = world.submit()
    world.set_phase(Phase.REPORT_PUBLISHED)
    with pytest.raises(PhaseError):
        _final(world, proposal)
    assert proposal.final_wording is None
