"""Submitting a proposal: codes, the per-participant limit, who may submit, validation."""

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.conferences.constants import Credential, Role, Segment
from app.conferences.models import Eixo
from app.conferences.phases import Phase
from app.conferences.services import move_eixo
from app.errors import PermissionDenied, PhaseError, ValidationError
from app.proposals import services
from app.proposals.constants import ProposalSphere, ProposalState, VersionKind
from app.proposals.models import Proposal
from tests.unit.proposals.conftest import BODY, NOW, count, data, events, later, row_counts, versions_of


def _submit_raw(world, membership, actor=None, **values):
    params = {"eixo_id": world.eixo(1).id, "sphere": "municipal", "title": "Ampliar o CRAS", "body": BODY,
              "justification": None, "now": NOW, **values}
    actor = actor if actor is not None else (membership.user if membership is not None else world.make.user())
    return services.submit_proposal(world.session, actor, membership, world.conference, **params)


# --- codes ----------------------------------------------------------------------------------

def test_codes_follow_eixo_sphere_and_a_sequence_per_pair(world):
    plan = [(1, "municipal"), (1, "municipal"), (1, "estadual"), (2, "municipal"), (1, "federal"),
            (3, "estadual"), (1, "municipal"), (2, "municipal")]
    made = [world.submit(world.participant(), eixo=e, sphere=s) for e, s in plan]
    assert [p.code for p in made] == [
        "E1-M-01", "E1-M-02", "E1-E-01", "E2-M-01", "E1-F-01", "E3-E-01", "E1-M-03", "E2-M-02"]
    assert [p.sequence for p in made] == [1, 2, 1, 1, 1, 1, 3, 2]
    assert [p.sphere for p in made][:3] == [ProposalSphere.MUNICIPAL] * 2 + [ProposalSphere.ESTADUAL]


@pytest.mark.parametrize("sphere, letter", [("municipal", "M"), ("estadual", "E"), ("federal", "F")])
def test_sphere_letter_in_the_code(world, sphere, letter):
    assert world.submit(eixo=2, sphere=sphere).code == f"E2-{letter}-01"


def test_sequences_are_per_conference(world, make):
    other = make.conference(proposals_per_participant=0)
    first = world.submit()
    theirs = world.submit(make.participation(other), conference=other)
    assert first.code == theirs.code == "E1-M-01"


def test_codes_stay_stable_and_unique_after_eixos_are_moved(world, session):
    a1 = world.submit(eixo=1)
    a2 = world.submit(eixo=1)
    b1 = world.submit(eixo=2)
    eixo_a, eixo_b = world.eixo(1), world.eixo(2)
    secretary = world.secretary
    move_eixo(session, secretary.user, secretary, eixo_b, direction=-1, now=NOW)
    assert (eixo_b.number, eixo_a.number) == (1, 2)
    session.expire_all()
    assert [p.code for p in (a1, a2, b1)] == ["E1-M-01", "E1-M-02", "E2-M-01"]

    new_b = world.submit(eixo=1)  # eixo B, now number 1: E1-M-02 is taken by eixo A
    new_a = world.submit(eixo=2)  # eixo A, now number 2
    assert new_b.eixo_id == eixo_b.id and new_a.eixo_id == eixo_a.id
    assert new_b.code.startswith("E1-M-") and new_a.code.startswith("E2-M-")
    codes = session.scalars(sa.select(Proposal.code).where(Proposal.conference_id == world.conference.id)).all()
    assert len(codes) == len(set(codes)) == 5
    assert new_b.code == "E1-M-03" and new_a.code == "E2-M-03"


def test_codes_stay_unique_when_numbers_are_set_directly(world, session):
    for number in (1, 2, 3):
        world.submit(eixo=number)
        world.submit(eixo=number)
    e1, e2, e3 = world.eixo(1), world.eixo(2), world.eixo(3)
    e1.number = 9
    session.flush()
    e3.number = 1
    session.flush()
    e2.number = 3  # now: old 3 → 1, old 2 → 3, old 1 → 9
    session.flush()
    made = [world.submit(eixo=n) for n in (1, 3, 9, 1, 3, 9)]
    assert [p.code[:5] for p in made] == ["E1-M-", "E3-M-", "E9-M-"] * 2
    rows = session.execute(sa.select(Proposal.code, Proposal.eixo_id, Proposal.sphere, Proposal.sequence)
                           .where(Proposal.conference_id == world.conference.id)).all()
    assert len({r.code for r in rows}) == len(rows) == 12
    assert len({(r.eixo_id, r.sphere, r.sequence) for r in rows}) == 12


# --- the per-participant limit ----------------------------------------------------------------

@pytest.mark.parametrize("limit, before, allowed", [
    (1, 0, True), (1, 1, False), (2, 1, True), (2, 2, False), (3, 3, False), (0, 6, True),
])
def test_per_participant_limit(session, make, world, limit, before, allowed):
    world.conference.proposals_per_participant = limit
    session.flush()
    for _ in range(before):
        world.submit()
    if allowed:
        assert world.submit().state == ProposalState.SUBMITTED
        assert count(session, Proposal) == before + 1
        return
    rows = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        world.submit()
    assert str(caught.value.message) == (
        f"Você já enviou {limit} propostas, o máximo permitido por participante nesta conferência.")
    assert row_counts(session) == rows


def test_limit_is_per_participant(session, world):
    world.conference.proposals_per_participant = 1
    world.submit()
    assert world.submit(world.participant()).code == "E1-M-02"


def test_withdrawn_proposals_do_not_count_towards_the_limit(session, world):
    world.conference.proposals_per_participant = 1
    first = world.submit()
    services.withdraw_proposal(session, world.author.user, world.author, first, reason="Duplicada", now=later(minutes=1))
    second = world.submit(now=later(minutes=2))
    assert second.state == ProposalState.SUBMITTED
    with pytest.raises(ValidationError):
        world.submit(now=later(minutes=3))


# --- who may submit ---------------------------------------------------------------------------

@pytest.mark.parametrize("credential", list(Credential))
@pytest.mark.parametrize("segment", [Segment.USUARIO, Segment.GOVERNO])
def test_every_participant_with_a_segment_may_submit(world, credential, segment):
    membership = world.participant(segment=segment, credential=credential)
    proposal = world.submit(membership)
    assert proposal.author_id == membership.id
    assert proposal.state == ProposalState.SUBMITTED


def test_a_secretary_who_also_joined_with_a_segment_may_submit(world, make):
    membership = make.participation(world.conference, segment=Segment.TRABALHADOR, role=Role.SECRETARY)
    assert world.submit(membership).author_id == membership.id


@pytest.mark.parametrize("who", ["secretary", "no_membership", "admin_without_membership", "anonymous"])
def test_people_without_a_segment_may_not_submit(session, world, make, who):
    membership, actor = {
        "secretary": (world.secretary, world.secretary.user),
        "no_membership": (None, make.user()),
        "admin_without_membership": (None, make.user(admin=True)),
        "anonymous": (None, AnonymousUserMixin()),
    }[who]
    rows = row_counts(session)
    with pytest.raises(PermissionDenied) as caught:
        _submit_raw(world, membership, actor=actor)
    assert str(caught.value.message) == "Só participantes inscritos na conferência enviam propostas."
    assert row_counts(session) == rows


def test_a_membership_of_another_conference_does_not_count(session, world, make):
    elsewhere = make.participation(make.conference())
    rows = row_counts(session)
    with pytest.raises(PermissionDenied):
        _submit_raw(world, elsewhere)
    assert row_counts(session) == rows


@pytest.mark.parametrize("phase", [p for p in Phase if p != Phase.PROPOSALS])
def test_submitting_outside_the_proposals_phase_is_refused(session, world, phase):
    world.set_phase(phase)
    rows = row_counts(session)
    with pytest.raises(PhaseError) as caught:
        world.submit()
    assert str(caught.value.message) == "O envio de propostas não está aberto nesta fase da conferência."
    assert caught.value.status == 409
    assert row_counts(session) == rows


# --- validation -------------------------------------------------------------------------------

def _other_conference_eixo(world):
    other = world.make.conference()
    return world.session.scalars(sa.select(Eixo.id).where(Eixo.conference_id == other.id)).first()


@pytest.mark.parametrize("case, field", [
    ("unknown_eixo", "eixo_id"),
    ("eixo_of_another_conference", "eixo_id"),
    ("no_eixo", "eixo_id"),
    ("sphere_regional", "sphere"),
    ("sphere_empty", "sphere"),
    ("sphere_none", "sphere"),
    ("sphere_letter", "sphere"),
    ("title_empty", "title"),
    ("title_blank", "title"),
    ("title_too_short", "title"),
    ("title_too_long", "title"),
    ("body_empty", "body"),
    ("body_blank", "body"),
    ("body_too_long", "body"),
    ("justification_too_long", "justification"),
])
def test_bad_input_names_the_field_and_writes_nothing(session, world, case, field):
    values = {
        "unknown_eixo": {"eixo_id": 987654},
        "eixo_of_another_conference": {"eixo_id": _other_conference_eixo(world)},
        "no_eixo": {"eixo_id": None},
        "sphere_regional": {"sphere": "regional"},
        "sphere_empty": {"sphere": ""},
        "sphere_none": {"sphere": None},
        "sphere_letter": {"sphere": "M"},
        "title_empty": {"title": ""},
        "title_blank": {"title": "   \n "},
        "title_too_short": {"title": "ab"},
        "title_too_long": {"title": "x" * 201},
        "body_empty": {"body": ""},
        "body_blank": {"body": " \t "},
        "body_too_long": {"body": "x" * 10_001},
        "justification_too_long": {"justification": "x" * 5_001},
    }[case]
    rows = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        _submit_raw(world, world.author, **values)
    assert caught.value.field == field
    assert str(caught.value.message)
    assert row_counts(session) == rows


def test_texts_at_their_maximum_are_accepted_and_stripped(world):
    proposal = world.submit(title="  " + "t" * 200 + "  ", body="b" * 10_000, justification="j" * 5_000)
    assert proposal.title == "t" * 200
    assert len(proposal.body) == 10_000 and len(proposal.justification) == 5_000


def test_blank_justification_is_stored_as_none(world):
    assert world.submit(justification="   ").justification is None


# --- what a submission writes -----------------------------------------------------------------

def test_submission_writes_the_first_version_and_an_audit_event(session, world):
    proposal = world.submit(title="Ampliar o CRAS", justification="Há fila de espera.")
    assert proposal.version == 1
    assert proposal.created_at == proposal.updated_at == NOW
    [version] = versions_of(session, proposal)
    assert (version.number, version.kind, version.note) == (1, VersionKind.CREATED, None)
    assert (version.title, version.body, version.justification) == ("Ampliar o CRAS", BODY, "Há fila de espera.")
    assert version.edited_by_id == world.author.user_id
    assert version.edited_at == NOW
    [event] = events(session)
    assert event.action == "proposal.submitted"
    assert (event.subject_type, event.subject_id) == ("proposals", proposal.id)
    assert event.actor_id == world.author.user_id
    assert event.conference_id == world.conference.id
    assert data(event) == {"code": "E1-M-01"}


def test_search_text_is_folded(world):
    proposal = world.submit(title="Educação PERMANENTE", body="Formação dos trabalhadores do SUAS",
                            justification="Atenção à Saúde")
    assert proposal.search_text == "e1-m-01 educacao permanente formacao dos trabalhadores do suas atencao a saude"
