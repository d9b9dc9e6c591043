"""The debate: posting, threaded replies, editing within 15 minutes, deleting."""

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.conferences.constants import Credential
from app.conferences.phases import Phase
from app.errors import ConflictError, PermissionDenied, PhaseError, ValidationError
from app.proposals import comments
from app.proposals.constants import ProposalState, Stance
from app.proposals.models import Comment
from tests.unit.proposals.conftest import NOW, count, data, events, later, row_counts


@pytest.fixture
def proposal(world):
    return world.submit()


@pytest.fixture
def speaker(world):
    return world.participant(credential=Credential.DELEGADO)


def _edit(world, comment, membership, *, body="Texto corrigido.", stance=None, now=None):
    return comments.edit_comment(world.session, membership.user, membership, comment, body=body, stance=stance,
                                 now=now or later(minutes=5))


# --- posting ----------------------------------------------------------------------------------

@pytest.mark.parametrize("credential", list(Credential))
def test_every_participant_has_voice(session, world, proposal, credential):
    membership = world.participant(credential=credential)
    comment = world.comment(membership, proposal, body="  Concordo com a proposta.  ", stance="a_favor")
    assert (comment.proposal_id, comment.author_id) == (proposal.id, membership.id)
    assert comment.body == "Concordo com a proposta."
    assert comment.stance == Stance.A_FAVOR
    assert (comment.depth, comment.parent_id, comment.thread_id) == (1, None, comment.id)
    assert comment.created_at == NOW and comment.edited_at is None and comment.deleted_at is None
    assert count(session, Comment) == 1


@pytest.mark.parametrize("who", ["secretary_without_segment", "no_membership", "none_actor", "anonymous",
                                 "member_of_another_conference"])
def test_people_without_voice_in_this_conference_may_not_comment(session, world, make, proposal, who):
    membership, actor = {
        "secretary_without_segment": (world.secretary, world.secretary.user),
        "no_membership": (None, make.user()),
        "none_actor": (None, None),
        "anonymous": (None, AnonymousUserMixin()),
        "member_of_another_conference": (make.participation(make.conference()), None),
    }[who]
    actor = actor if actor is not None or membership is None else membership.user
    rows = row_counts(session)
    with pytest.raises(PermissionDenied) as caught:
        comments.post_comment(session, actor, membership, proposal, body="Oi", now=NOW)
    assert str(caught.value.message) == "Só participantes inscritos na conferência podem comentar."
    assert row_counts(session) == rows


@pytest.mark.parametrize("phase, allowed", [(p, p in (Phase.PROPOSALS, Phase.DEBATE)) for p in Phase])
def test_comments_are_open_only_in_the_debate_phases(session, world, proposal, speaker, phase, allowed):
    world.set_phase(phase)
    if allowed:
        assert world.comment(speaker, proposal).id
        return
    rows = row_counts(session)
    with pytest.raises(PhaseError) as caught:
        world.comment(speaker, proposal)
    assert str(caught.value.message) == "O debate não está aberto nesta fase da conferência."
    assert row_counts(session) == rows


@pytest.mark.parametrize("state", [ProposalState.WITHDRAWN, ProposalState.MERGED])
def test_withdrawn_or_merged_proposals_are_closed_for_debate(session, world, proposal, speaker, state):
    world.force_state(proposal, state)
    rows = row_counts(session)
    with pytest.raises(ConflictError) as caught:
        world.comment(speaker, proposal)
    assert not isinstance(caught.value, PhaseError)
    assert str(caught.value.message) == "O debate desta proposta está encerrado (ela foi retirada ou aglutinada)."
    assert row_counts(session) == rows


@pytest.mark.parametrize("stance, stored", [
    (None, None), ("", None), ("a_favor", Stance.A_FAVOR), ("contra", Stance.CONTRA), ("neutro", Stance.NEUTRO),
    (Stance.CONTRA, Stance.CONTRA),
])
def test_stance_is_optional(world, proposal, speaker, stance, stored):
    assert world.comment(speaker, proposal, stance=stance).stance == stored


@pytest.mark.parametrize("stance", ["sim", "A_FAVOR", "favor", "a favor", "abstencao"])
def test_unknown_stance_names_the_field(session, world, proposal, speaker, stance):
    with pytest.raises(ValidationError) as caught:
        world.comment(speaker, proposal, stance=stance)
    assert caught.value.field == "stance"
    assert count(session, Comment) == 0


@pytest.mark.parametrize("body, ok", [("", False), (" \n ", False), (None, False), ("x" * 5_001, False),
                                      ("x" * 5_000, True), ("ok", True)])
def test_comment_body_is_required_and_limited(session, world, proposal, speaker, body, ok):
    if ok:
        assert world.comment(speaker, proposal, body=body).body == body
        return
    with pytest.raises(ValidationError) as caught:
        world.comment(speaker, proposal, body=body)
    assert caught.value.field == "body"
    assert count(session, Comment) == 0


# --- threads ----------------------------------------------------------------------------------

def test_replies_nest_to_depth_four_and_then_attach_beside(session, world, proposal, speaker):
    root = world.comment(speaker, proposal, body="raiz")
    chain = [root]
    for n in range(3):
        chain.append(world.comment(world.participant(), proposal, body=f"nível {n + 2}", parent=chain[-1]))
    assert [c.depth for c in chain] == [1, 2, 3, 4]
    assert [c.parent_id for c in chain] == [None, chain[0].id, chain[1].id, chain[2].id]
    beside = world.comment(speaker, proposal, body="resposta ao nível 4", parent=chain[3])
    again = world.comment(speaker, proposal, body="resposta à resposta", parent=beside)
    for reply in (beside, again):
        assert reply.depth == 4
        assert reply.parent_id == chain[2].id
    depths = session.scalars(sa.select(Comment.depth).where(Comment.proposal_id == proposal.id)).all()
    assert max(depths) == 4
    thread_ids = session.scalars(sa.select(Comment.thread_id).where(Comment.proposal_id == proposal.id)).all()
    assert set(thread_ids) == {root.id}


def test_each_thread_keeps_its_own_root(world, proposal, speaker):
    first = world.comment(speaker, proposal, body="primeira")
    second = world.comment(speaker, proposal, body="segunda")
    reply = world.comment(speaker, proposal, parent=second)
    deeper = world.comment(speaker, proposal, parent=reply)
    assert (second.thread_id, reply.thread_id, deeper.thread_id) == (second.id, second.id, second.id)
    assert first.thread_id == first.id != second.id


@pytest.mark.parametrize("parent", ["of_another_proposal", "unknown"])
def test_reply_to_a_comment_elsewhere_is_refused_and_writes_nothing(session, world, proposal, speaker, parent):
    other = world.submit(world.participant(), title="Outra proposta")
    foreign = world.comment(speaker, other, body="lá")
    parent_id = foreign.id if parent == "of_another_proposal" else foreign.id + 1000
    rows = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        comments.post_comment(session, speaker.user, speaker, proposal, body="cá", parent_id=parent_id, now=NOW)
    assert caught.value.field == "parent_id"
    assert row_counts(session) == rows
    assert count(session, Comment, Comment.proposal_id == proposal.id) == 0


# --- editing ----------------------------------------------------------------------------------

@pytest.mark.parametrize("elapsed, allowed", [
    ({"minutes": 0}, True), ({"minutes": 5}, True), ({"minutes": 15}, True),
    ({"minutes": 15, "seconds": 1}, False), ({"hours": 2}, False),
])
def test_author_edits_within_fifteen_minutes(session, world, proposal, speaker, elapsed, allowed):
    comment = world.comment(speaker, proposal, body="Texto original.", stance="contra")
    when = later(**elapsed)
    if allowed:
        _edit(world, comment, speaker, body=" Texto corrigido. ", stance="neutro", now=when)
        assert (comment.body, comment.stance, comment.edited_at) == ("Texto corrigido.", Stance.NEUTRO, when)
        return
    with pytest.raises(ConflictError) as caught:
        _edit(world, comment, speaker, now=when)
    assert str(caught.value.message) == "Comentários só podem ser editados nos primeiros 15 minutos."
    assert (comment.body, comment.stance, comment.edited_at) == ("Texto original.", Stance.CONTRA, None)


def test_edit_survives_a_reload_from_the_database(session, world, proposal, speaker):
    comment = world.comment(speaker, proposal, body="Texto original.")
    session.expire_all()
    _edit(world, session.get(type(comment), comment.id), speaker, now=later(minutes=14))
    session.expire_all()
    stored = session.get(Comment, comment.id)
    assert stored.body == "Texto corrigido." and stored.edited_at == later(minutes=14)


def test_edit_without_change_is_not_marked(world, proposal, speaker):
    comment = world.comment(speaker, proposal, body="Igual.", stance="a_favor")
    _edit(world, comment, speaker, body=" Igual. ", stance="a_favor")
    assert comment.edited_at is None


def test_edit_can_clear_the_stance(world, proposal, speaker):
    comment = world.comment(speaker, proposal, body="Igual.", stance="a_favor")
    _edit(world, comment, speaker, body="Igual.", stance=None)
    assert comment.stance is None and comment.edited_at == later(minutes=5)


@pytest.mark.parametrize("values, field", [({"body": ""}, "body"), ({"body": "x" * 5_001}, "body"),
                                           ({"stance": "talvez"}, "stance")])
def test_bad_edit_names_the_field(world, proposal, speaker, values, field):
    comment = world.comment(speaker, proposal, body="Texto original.")
    with pytest.raises(ValidationError) as caught:
        _edit(world, comment, speaker, **values)
    assert caught.value.field == field
    assert comment.body == "Texto original." and comment.edited_at is None


@pytest.mark.parametrize("who", ["other_participant", "secretary"])
def test_others_do_not_edit_a_comment(world, proposal, speaker, who):
    comment = world.comment(speaker, proposal, body="Texto original.")
    membership = world.participant() if who == "other_participant" else world.secretary
    with pytest.raises(PermissionDenied) as caught:
        _edit(world, comment, membership)
    assert str(caught.value.message) == "Só quem escreveu o comentário pode editá-lo."
    assert comment.body == "Texto original."


def test_a_deleted_comment_is_not_edited(world, proposal, speaker):
    comment = world.comment(speaker, proposal)
    comments.delete_comment(world.session, speaker.user, speaker, comment, now=later(minutes=1))
    with pytest.raises(ConflictError):
        _edit(world, comment, speaker, now=later(minutes=2))
    assert comment.body == "" and comment.edited_at is None


# --- deleting ---------------------------------------------------------------------------------

def test_delete_is_soft_and_keeps_the_replies(session, world, proposal, speaker):
    comment = world.comment(speaker, proposal, body="Sou contra.", stance="contra")
    replies = [world.comment(world.participant(), proposal, parent=comment) for _ in range(2)]
    comments.delete_comment(session, speaker.user, speaker, comment, now=later(days=3))
    session.expire_all()
    stored = session.get(Comment, comment.id)
    assert (stored.body, stored.stance, stored.deleted_at) == ("", None, later(days=3))
    assert stored.is_deleted and stored.author_id == speaker.id
    assert [r.parent_id for r in replies] == [comment.id, comment.id]
    assert count(session, Comment, Comment.proposal_id == proposal.id) == 3
    [event] = events(session, "comment.deleted")
    assert (event.subject_type, event.subject_id) == ("comments", comment.id)
    assert (event.actor_id, event.conference_id) == (speaker.user_id, world.conference.id)
    assert data(event) == {}


@pytest.mark.parametrize("who", ["other_participant", "secretary"])
def test_others_do_not_delete_a_comment(session, world, proposal, speaker, who):
    comment = world.comment(speaker, proposal, body="Fica.")
    membership = world.participant() if who == "other_participant" else world.secretary
    rows = row_counts(session)
    with pytest.raises(PermissionDenied):
        comments.delete_comment(session, membership.user, membership, comment, now=later(minutes=1))
    assert comment.body == "Fica." and comment.deleted_at is None
    assert row_counts(session) == rows


def test_a_comment_is_not_deleted_twice(session, world, proposal, speaker):
    comment = world.comment(speaker, proposal)
    comments.delete_comment(session, speaker.user, speaker, comment, now=later(minutes=1))
    rows = row_counts(session)
    with pytest.raises(ConflictError):
        comments.delete_comment(session, speaker.user, speaker, comment, now=later(minutes=2))
    assert comment.deleted_at == later(minutes=1)
    assert row_counts(session) == rows
