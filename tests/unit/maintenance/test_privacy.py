"""`flask privacy purge <conference>` (issue 8, "Privacy (LGPD)").

It anonymises the participants' personal data once the report is published and the
retention period (PRIVACY_RETENTION_DAYS) has passed, and keeps the aggregates and the
public acts. The conference is tests/unit/reports/scenario.py's (built through the
services, report published on 2019-10-01), with comments and a comment report added; one
of its participants also takes part in another conference, so her account stays open and
only her participation here is anonymised."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.auth.models import REMOVED_NAME, User
from app.conferences.constants import Role
from app.conferences.models import Participation
from app.conferences.queries import participant_counts
from app.maintenance.privacy import PurgeRefused, purge_conference
from app.proposals.models import Comment, CommentReport, Proposal, ProposalVersion
from app.reports.models import PublishedReport
from app.reports.render import to_json
from app.reports.services import draft_report
from app.votes.models import Ballot, RoundResult, SegmentResult, Vote, VotingRound
from tests.unit.reports import scenario

GENERATED_AT = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


def flask(app, session, *args: str) -> Any:  # type: ignore[no-untyped-def]
    """`flask <args>` in an app context of its own, as from a shell: its session (bound to
    the test's connection) commits or rolls back only what the command did."""
    session.flush()
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
    session.expire_all()
    return result


def surname(key: str) -> str:
    """A name that appears nowhere else on a page."""
    return f"{key.capitalize()} Tavares-{key}"


def build(session, make, *, publish: bool = True) -> scenario.Scenario:  # type: ignore[no-untyped-def]
    s = scenario.build(session, make)
    for key, (user, _member) in s.people.items():
        user.display_name = surname(key)
    ana_user, ana = s.people["ana"]
    bia_user, bia = s.people["bia"]
    caio_user, _ = s.people["caio"]
    at = scenario.at(-60 * 24 * 6)
    for author, body in ((ana, "Concordo, e falta psicólogo."), (bia, "Discordo do prazo.")):
        comment = Comment(proposal_id=s.proposals["cras"].id, depth=1, author_id=author.id, body=body, created_at=at)
        session.add(comment)
        session.flush()
        comment.thread_id = comment.id
    session.flush()
    bia_comment = session.scalars(sa.select(Comment).where(Comment.author_id == bia.id)).one()
    session.add(CommentReport(comment_id=bia_comment.id, reporter_id=caio_user.id, reason="Ofensivo.", created_at=at))
    # Ana takes part in another conference too: her account must stay open.
    make.participation(make.conference(), ana_user)
    if publish:
        s.publish()
    session.flush()
    return s


def rounds_of(s: scenario.Scenario) -> Any:
    return sa.select(VotingRound.id).where(VotingRound.conference_id == s.conference.id)


def personal_state(session, s: scenario.Scenario) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Everything the purge may change, read afresh."""
    session.expire_all()
    cid = s.conference.id
    return {
        "participations": sorted(session.execute(sa.select(
            Participation.id, Participation.anonymized_at, Participation.checked_in_at
        ).where(Participation.conference_id == cid)).all()),
        "users": sorted(session.execute(sa.select(
            User.id, User.email, User.display_name, User.password_hash, User.deleted_at, User.session_version
        )).all()),
        "ballots": sorted(session.execute(sa.select(Ballot.id, Ballot.voter_id, Ballot.cast_at, Ballot.changed_at)
                                          .where(Ballot.round_id.in_(rounds_of(s)))).all()),
        "votes": sorted(session.execute(sa.select(Vote.id, Vote.voter_id).where(Vote.round_id.in_(rounds_of(s)))).all()),
        "reports": session.scalar(sa.select(sa.func.count()).select_from(CommentReport)),
        "editors": sorted(session.execute(sa.select(ProposalVersion.id, ProposalVersion.edited_by_id)).all()),
        "audit": session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
    }


def aggregates(session, s: scenario.Scenario) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What must survive the purge unchanged: counts, results, receipts and the report."""
    session.expire_all()
    counts = participant_counts(session, s.conference.id)
    rounds = rounds_of(s)
    return {
        "matrix": counts.matrix, "checked_in": counts.checked_in, "by_segment": counts.by_segment,
        "receipts": sorted(session.scalars(sa.select(Ballot.receipt).where(Ballot.round_id.in_(rounds)))),
        "ballot_segments": sorted(session.execute(sa.select(Ballot.receipt, Ballot.segment)
                                                  .where(Ballot.round_id.in_(rounds))).all()),
        "votes": sorted(session.execute(sa.select(Vote.ballot_id, Vote.proposal_id, Vote.segment, Vote.choice)
                                        .where(Vote.round_id.in_(rounds))).all()),
        "results": sorted(session.execute(sa.select(RoundResult.round_id, RoundResult.proposal_id, RoundResult.yes,
                                                    RoundResult.no, RoundResult.abstain, RoundResult.outcome)
                                          .where(RoundResult.round_id.in_(rounds))).all()),
        "segment_results": session.scalar(sa.select(sa.func.count()).select_from(SegmentResult)
                                          .where(SegmentResult.round_id.in_(rounds))),
        "digests": sorted(session.execute(sa.select(VotingRound.id, VotingRound.results_digest)
                                          .where(VotingRound.conference_id == s.conference.id)).all()),
        "published": [(p.version, p.content, p.content_sha256) for p in session.scalars(
            sa.select(PublishedReport).where(PublishedReport.conference_id == s.conference.id)
            .order_by(PublishedReport.version))],
        "draft": _draft_without_chain_head(session, s),
    }


def _draft_without_chain_head(session, s: scenario.Scenario) -> str:  # type: ignore[no-untyped-def]
    """The draft report's JSON (fixed generation time) but for the chain head it cites,
    which the purge's own audit event moves on."""
    report = draft_report(session, s.conference, now=GENERATED_AT, url=scenario.URL)
    del report["integrity"]["audit_last_seq"], report["integrity"]["audit_last_hash"]
    return to_json(report)


# --- refusals -----------------------------------------------------------------------------

def test_refused_while_the_report_is_not_published(session, make, app):
    s = build(session, make, publish=False)
    before = personal_state(session, s)
    result = flask(app, session, "privacy", "purge", s.conference.slug)
    assert result.exit_code == 1
    assert "not purged: the conference's report has not been published" in result.output
    assert personal_state(session, s) == before


def test_refused_before_the_retention_period_passes(session, make, app, monkeypatch):
    s = build(session, make)
    before = personal_state(session, s)
    # Published on 2019-10-01: 20 years of retention end in 2039.
    monkeypatch.setitem(app.config, "PRIVACY_RETENTION_DAYS", 365 * 20)
    result = flask(app, session, "privacy", "purge", s.conference.slug)
    assert result.exit_code == 1
    assert "not purged: the retention period ends on 2039-09-26 (7300 days after the report's publication)" \
        in result.output
    result = flask(app, session, "privacy", "purge", s.conference.slug, "--retention-days", "9000")
    assert result.exit_code == 1 and "ends on 2044" in result.output
    assert personal_state(session, s) == before


def test_the_retention_period_is_counted_from_the_first_publication(session, make):
    s = build(session, make)
    published = scenario.GENERATED_AT
    s.publish(when=published + dt.timedelta(days=200), note="Correção de um código.")  # version 2
    with pytest.raises(PurgeRefused, match="retention period ends"):
        purge_conference(session, s.conference, retention_days=365,
                         now=published + dt.timedelta(days=365) - dt.timedelta(seconds=1))
    result = purge_conference(session, s.conference, retention_days=365, now=published + dt.timedelta(days=365))
    assert result.participations == len(scenario.PEOPLE) and not result.dry_run


def test_unknown_conference_is_a_clear_error(session, app):
    result = flask(app, session, "privacy", "purge", "nao-existe")
    assert result.exit_code == 1
    assert "no conference with slug 'nao-existe'" in result.output


def test_dry_run_says_what_would_change_and_writes_nothing(session, make, app):
    s = build(session, make)
    before = personal_state(session, s)
    result = flask(app, session, "privacy", "purge", s.conference.slug, "--dry-run")
    assert result.exit_code == 0, result.output
    # 11 participants; 10 accounts (Ana stays: she takes part elsewhere); 5 + 5 named ballots; 1 comment report.
    assert result.output.strip() == ("11 participations would be anonymised, 10 accounts closed, 10 named ballots "
                                     "unlinked from their voters, 1 comment reports deleted.")
    assert personal_state(session, s) == before


# --- the purge ----------------------------------------------------------------------------

@pytest.fixture
def purged(session, make, app):  # type: ignore[no-untyped-def]
    s = build(session, make)
    s.before = aggregates(session, s)  # type: ignore[attr-defined]
    s.before_state = personal_state(session, s)  # type: ignore[attr-defined]
    result = flask(app, session, "privacy", "purge", s.conference.slug)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("11 participations were anonymised, 10 accounts closed, 10 named ballots "
                                     "unlinked from their voters, 1 comment reports deleted.")
    session.expire_all()
    return s


def test_participations_are_anonymised_and_presence_kept_as_a_count(session, purged):
    s = purged
    rows = session.scalars(sa.select(Participation).where(Participation.conference_id == s.conference.id)).all()
    participants = [p for p in rows if p.role != Role.SECRETARY]
    assert len(participants) == len(scenario.PEOPLE)
    assert all(p.anonymized_at is not None and p.public_name == REMOVED_NAME for p in participants)
    assert all(p.checked_in_at in (None, s.conference.starts_at) for p in participants)
    secretary = next(p for p in rows if p.role == Role.SECRETARY)
    assert secretary.anonymized_at is None and secretary.public_name == "Sônia Secretária"


def test_aggregates_results_receipts_and_published_report_unchanged(session, purged):
    after = aggregates(session, purged)
    for key, value in purged.before.items():
        assert after[key] == value, key


def test_named_ballots_are_unlinked_from_their_voters(session, purged):
    rounds = rounds_of(purged)
    assert purged.before_state["ballots"] and any(voter for _, voter, _, _ in purged.before_state["ballots"])
    assert session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                          .where(Ballot.round_id.in_(rounds), Ballot.voter_id.is_not(None))) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Ballot)
                          .where(Ballot.round_id.in_(rounds), Ballot.cast_at.is_not(None))) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Vote)
                          .where(Vote.round_id.in_(rounds), Vote.voter_id.is_not(None))) == 0


def test_comment_reports_are_deleted(session, purged):
    assert purged.before_state["reports"] == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(CommentReport)) == 0


def test_accounts_with_nothing_left_are_closed_others_kept(session, purged):
    users = {u.id: u for u in session.scalars(sa.select(User))}
    ana = users[purged.people["ana"][0].id]
    assert ana.deleted_at is None and ana.email and ana.display_name == surname("ana")
    for key, (user, _member) in purged.people.items():
        if key == "ana":
            continue
        closed = users[user.id]
        assert closed.deleted_at is not None, key
        assert (closed.email, closed.display_name, closed.password_hash) == (None, REMOVED_NAME, None)
    assert users[purged.secretary.id].deleted_at is None and users[purged.secretary.id].email
    assert users[purged.admin.id].deleted_at is None


def test_an_audit_event_is_written_and_the_chain_is_intact(session, purged):
    event = session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (event.action, event.subject_type, event.subject_id, event.conference_id, event.actor_id) == (
        "privacy.purged", "conferences", purged.conference.id, purged.conference.id, None)
    assert '"participations":11' in event.data and '"accounts":10' in event.data
    assert verify_chain(session).ok


def test_a_second_purge_finds_nothing_left(session, purged, app):
    result = flask(app, session, "privacy", "purge", purged.conference.slug)
    assert result.exit_code == 0
    assert result.output.startswith("0 participations were anonymised, 0 accounts closed")


def _names_on(page: str) -> set[str]:
    return set(re.findall(r"[A-Z][a-z]+ Tavares-[a-z]+", page))


def test_contributions_show_participante_removido_in_the_api(session, purged, client):
    slug = purged.conference.slug
    for key in ("cras", "taxa", "sede"):  # Ana's (account still open), Bia's and Dora's (closed)
        code = purged.proposals[key].code
        data = client.get(f"/api/v1/conferences/{slug}/proposals/{code}").get_json()
        assert data["author"]["name"] == REMOVED_NAME, key
        assert {c["author"]["name"] for c in data["comments"]} <= {REMOVED_NAME}
        # The history keeps who acted, as a role: the author's own versions are the removed participant's.
        by = [h["by"] for h in data["history"]]
        assert by[0] == REMOVED_NAME, (key, by)
        assert not _names_on(str(data)), key
    listing = client.get(f"/api/v1/conferences/{slug}/proposals?per_page=100").get_data(as_text=True)
    assert not _names_on(listing)
    assert REMOVED_NAME in listing


def test_contributions_of_a_closed_account_show_participante_removido_on_the_pages(session, purged, client):
    slug = purged.conference.slug
    page = client.get(f"/conferencias/{slug}/propostas/{purged.proposals['taxa'].code}").get_data(as_text=True)
    assert REMOVED_NAME in page and not _names_on(page)


def test_contributions_of_an_open_account_show_participante_removido_on_the_pages(session, purged, client):
    slug = purged.conference.slug
    page = client.get(f"/conferencias/{slug}/propostas/{purged.proposals['cras'].code}").get_data(as_text=True)
    assert REMOVED_NAME in page
    assert not _names_on(page), _names_on(page)


def test_proposals_of_the_conference_keep_their_text(session, purged):
    texts = dict(session.execute(sa.select(Proposal.code, Proposal.body)
                                 .where(Proposal.conference_id == purged.conference.id)).all())
    assert texts[purged.proposals["cras"].code] == "Garantir equipe de referência completa no CRAS."


def test_a_purged_authors_own_versions_are_not_credited_to_the_secretariat(session, purged, client):
    slug = purged.conference.slug
    code = purged.proposals["sede"].code  # created and withdrawn by Dora
    history = page_text(client.get(f"/conferencias/{slug}/propostas/{code}/historico"))
    detail = page_text(client.get(f"/conferencias/{slug}/propostas/{code}"))
    assert "por Secretaria" not in history and "por Secretaria" not in detail
    assert f"por {REMOVED_NAME}" in history


def test_the_secretariat_lists_purged_participants_without_their_names(session, purged, client):
    from tests.conftest import login

    login(client, purged.secretary)
    page = page_text(client.get(f"/conferencias/{purged.conference.slug}/gestao/inscricoes/"))
    assert REMOVED_NAME in page
    assert not _names_on(page), _names_on(page)


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    import html

    assert response.status_code == 200, response.status_code
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()))
