"""Reports (denúncias), automatic hiding after N reports, and the secretary's moderation."""

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from app.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from app.proposals import comments
from app.proposals.comments import PENDING_REVIEW_REASON
from app.proposals.models import CommentReport
from tests.unit.proposals.conftest import count, data, events, later, row_counts


@pytest.fixture
def speaker(world):
    return world.participant()


@pytest.fixture
def comment(world, speaker):
    return world.comment(speaker, world.submit(), body="Comentário polêmico.", stance="contra")


def _report(world, comment, membership=None, actor=None, reason="Ofensivo", now=None):
    if actor is None:
        membership = membership if membership is not None else world.participant()
        actor = membership.user
    return comments.report_comment(world.session, actor, membership, comment, reason=reason,
                                   now=now or later(minutes=30))


def _hide(world, comment, membership=None, actor=None, reason="Linguagem ofensiva"):
    membership = membership if membership is not None else world.secretary
    actor = actor if actor is not None else membership.user
    return comments.hide_comment(world.session, actor, membership, comment, reason=reason, now=later(hours=2))


def _restore(world, comment, membership=None):
    membership = membership if membership is not None else world.secretary
    return comments.restore_comment(world.session, membership.user, membership, comment, now=later(hours=3))


def _open_reports(session, comment):
    return count(session, CommentReport, CommentReport.comment_id == comment.id, CommentReport.resolved_at.is_(None))


# --- reports ----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["participant", "logged_in_without_membership", "secretary"])
def test_anyone_logged_in_reports(session, world, make, comment, who):
    membership, actor = {
        "participant": (world.participant(), None),
        "logged_in_without_membership": (None, make.user()),
        "secretary": (world.secretary, world.secretary.user),
    }[who]
    actor = actor or membership.user
    report = comments.report_comment(session, actor, membership, comment, reason="  Ofensivo  ", now=later(hours=1))
    assert (report.comment_id, report.reporter_id, report.reason) == (comment.id, actor.id, "Ofensivo")
    assert (report.created_at, report.resolved_at) == (later(hours=1), None)
    assert comment.hidden_at is None


def test_one_report_per_user_per_comment(session, world, comment):
    reporter = world.participant()
    _report(world, comment, reporter)
    rows = row_counts(session)
    with pytest.raises(ConflictError) as caught:
        _report(world, comment, reporter, reason="De novo")
    assert str(caught.value.message) == "Você já denunciou este comentário. A moderação vai analisar."
    assert row_counts(session) == rows
    assert session.scalars(sa.select(CommentReport.reason)).all() == ["Ofensivo"]
    _report(world, comment)  # the session is still usable, and others still report
    assert _open_reports(session, comment) == 2


@pytest.mark.parametrize("who", ["author", "anonymous"])
def test_author_and_anonymous_do_not_report(session, world, comment, speaker, who):
    rows = row_counts(session)
    with pytest.raises(PermissionDenied):
        if who == "author":
            _report(world, comment, speaker)
        else:
            _report(world, comment, actor=AnonymousUserMixin())
    assert row_counts(session) == rows


def test_a_deleted_comment_is_not_reported(session, world, comment, speaker):
    comments.delete_comment(session, speaker.user, speaker, comment, now=later(minutes=1))
    with pytest.raises(PermissionDenied):
        _report(world, comment)
    assert count(session, CommentReport) == 0


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 501])
def test_report_needs_a_reason_of_at_most_500(session, world, comment, reason):
    with pytest.raises(ValidationError) as caught:
        _report(world, comment, reason=reason)
    assert caught.value.field == "reason"
    assert count(session, CommentReport) == 0


@pytest.mark.parametrize("threshold", [None, 1, 2, 5])
def test_after_n_reports_the_comment_is_hidden_pending_review(session, world, comment, threshold):
    if threshold is not None:
        world.conference.reports_to_hide = threshold
        session.flush()
    n = threshold or 3  # the default rule
    reporters = [world.participant() for _ in range(n)]
    for reporter in reporters[:-1]:
        _report(world, comment, reporter)
        assert comment.hidden_at is None and not comment.hidden_pending_review
    assert events(session, "comment.hidden_by_reports") == []
    _report(world, comment, reporters[-1], now=later(hours=1))
    assert comment.hidden_at == later(hours=1) and comment.is_hidden
    assert comment.hidden_pending_review
    assert comment.hidden_reason == PENDING_REVIEW_REASON
    assert comment.hidden_by_id is None
    assert comment.body == "Comentário polêmico."  # kept for the review
    [event] = events(session, "comment.hidden_by_reports")
    assert (event.subject_type, event.subject_id) == ("comments", comment.id)
    assert event.actor_id == reporters[-1].user_id
    assert data(event) == {"reports": n}


def test_a_hidden_comment_takes_no_more_reports_and_no_edits(session, world, comment, speaker):
    world.conference.reports_to_hide = 1
    _report(world, comment)
    with pytest.raises(PermissionDenied):
        _report(world, comment)
    with pytest.raises(ConflictError):
        comments.edit_comment(session, speaker.user, speaker, comment, body="Outro", stance=None,
                              now=later(minutes=1))
    assert count(session, CommentReport) == 1 and comment.body == "Comentário polêmico."


# --- hiding by the secretary ------------------------------------------------------------------

def test_secretary_hides_with_a_public_reason_and_resolves_the_reports(session, world, comment):
    _report(world, comment)
    _report(world, comment)
    _hide(world, comment, reason="  Linguagem ofensiva  ")
    assert comment.hidden_at == later(hours=2)
    assert (comment.hidden_reason, comment.hidden_by_id) == ("Linguagem ofensiva", world.secretary.user_id)
    assert not comment.hidden_pending_review
    assert _open_reports(session, comment) == 0
    resolved = session.scalars(sa.select(CommentReport.resolved_at)).all()
    assert resolved == [later(hours=2)] * 2
    [event] = events(session, "comment.hidden")
    assert (event.subject_id, event.actor_id) == (comment.id, world.secretary.user_id)
    assert data(event) == {"reason": "Linguagem ofensiva", "reports_resolved": 2}


def test_hiding_a_comment_pending_review_confirms_it(session, world, comment):
    world.conference.reports_to_hide = 1
    _report(world, comment)
    _hide(world, comment, reason="Discurso de ódio")
    assert (comment.hidden_reason, comment.hidden_pending_review) == ("Discurso de ódio", False)
    assert comment.hidden_by_id == world.secretary.user_id
    assert data(events(session, "comment.hidden")[0])["reports_resolved"] == 1


def test_an_admin_hides_without_membership(session, world, make, comment):
    admin = make.user(admin=True)
    comments.hide_comment(session, admin, None, comment, reason="Spam", now=later(hours=2))
    assert comment.hidden_by_id == admin.id


@pytest.mark.parametrize("reason", ["", "  ", "x" * 501])
def test_hiding_needs_a_reason(session, world, comment, reason):
    rows = row_counts(session)
    with pytest.raises(ValidationError) as caught:
        _hide(world, comment, reason=reason)
    assert caught.value.field == "reason"
    assert (comment.hidden_at, comment.hidden_reason, comment.hidden_by_id) == (None, None, None)
    assert row_counts(session) == rows


def test_a_deleted_comment_is_not_hidden(session, world, comment, speaker):
    comments.delete_comment(session, speaker.user, speaker, comment, now=later(minutes=1))
    with pytest.raises(ConflictError):
        _hide(world, comment)
    assert comment.hidden_at is None


@pytest.mark.parametrize("action", ["hide", "restore"])
@pytest.mark.parametrize("who", ["author", "delegate", "no_membership", "secretary_of_another_conference"])
def test_only_the_secretariat_moderates(session, world, make, comment, speaker, action, who):
    world.conference.reports_to_hide = 1
    _report(world, comment)  # something to restore
    membership, actor = {
        "author": (speaker, None),
        "delegate": (make.delegate(world.conference), None),
        "no_membership": (None, make.user()),
        "secretary_of_another_conference": (make.secretary(make.conference()), None),
    }[who]
    actor = actor or membership.user
    hidden_before = (comment.hidden_at, comment.hidden_reason, comment.hidden_pending_review)
    rows = row_counts(session)
    with pytest.raises(PermissionDenied) as caught:
        if action == "hide":
            comments.hide_comment(session, actor, membership, comment, reason="Spam", now=later(hours=2))
        else:
            comments.restore_comment(session, actor, membership, comment, now=later(hours=2))
    assert str(caught.value.message) == "Só a secretaria da conferência modera os debates."
    assert (comment.hidden_at, comment.hidden_reason, comment.hidden_pending_review) == hidden_before
    assert _open_reports(session, comment) == 1
    assert row_counts(session) == rows


# --- restoring --------------------------------------------------------------------------------

def test_restore_a_comment_hidden_by_the_secretary(session, world, comment):
    _hide(world, comment)
    _restore(world, comment)
    assert (comment.hidden_at, comment.hidden_by_id, comment.hidden_reason) == (None, None, None)
    assert not comment.hidden_pending_review and not comment.is_hidden
    [event] = events(session, "comment.restored")
    assert (event.subject_id, event.actor_id) == (comment.id, world.secretary.user_id)
    assert data(event) == {"reports_resolved": 0}


def test_restore_a_comment_hidden_by_reports_resolves_them(session, world, comment):
    world.conference.reports_to_hide = 2
    _report(world, comment)
    _report(world, comment)
    assert comment.hidden_pending_review
    _restore(world, comment)
    assert comment.hidden_at is None and not comment.hidden_pending_review and comment.hidden_reason is None
    assert _open_reports(session, comment) == 0
    assert data(events(session, "comment.restored")[0]) == {"reports_resolved": 2}
    # New reports count from zero again.
    _report(world, comment)
    assert comment.hidden_at is None
    _report(world, comment)
    assert comment.hidden_pending_review


def test_reviewing_a_visible_reported_comment_keeps_it_and_resolves_the_reports(session, world, comment):
    _report(world, comment)
    _report(world, comment)
    _restore(world, comment)
    assert comment.hidden_at is None
    assert _open_reports(session, comment) == 0
    [event] = events(session, "comment.restored")
    assert data(event) == {"reports_resolved": 2}


def test_restoring_with_nothing_to_review_is_not_found(session, world, comment):
    rows = row_counts(session)
    with pytest.raises(NotFoundError) as caught:
        _restore(world, comment)
    assert str(caught.value.message) == "Não há nada a revisar neste comentário."
    assert row_counts(session) == rows



def test_a_new_report_after_a_resolved_one_reopens_it(session, world, comment):
    reporter = world.participant()
    _report(world, comment, reporter)
    _restore(world, comment)
    report = _report(world, comment, reporter, reason="De novo", now=later(hours=4))
    assert (report.reason, report.resolved_at, report.created_at) == ("De novo", None, later(hours=4))
    assert count(session, CommentReport, CommentReport.comment_id == comment.id) == 1
    assert _open_reports(session, comment) == 1


def test_deleting_a_reported_comment_takes_it_out_of_the_queue(session, world, speaker, comment):
    from app.proposals.queries import moderation_queue

    _report(world, comment)
    assert [item.comment.id for item in moderation_queue(session, world.conference.id)] == [comment.id]
    comments.delete_comment(session, speaker.user, speaker, comment, now=later(hours=1))
    assert moderation_queue(session, world.conference.id) == []
    assert _open_reports(session, comment) == 0
