"""`flask demo` builds the three demo conferences through the services, and a second run
adds nothing. Loaded once into a database of its own (real commits, as `make run` does)."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app import create_app
from app.audit.services import verify_chain
from app.conferences.models import Conference, Participation
from app.extensions import db
from app.proposals.models import Comment, Proposal
from app.reports.models import PublishedReport
from app.votes.constants import RoundState
from app.votes.models import VotingRound
from config import TestConfig
from tests.db_setup import remove_sqlite_file
from tests.db_setup import test_database_url as database_url_for

VIII = "viii-conferencia-alvares-florence-2019"
XI = "xi-conferencia-alvares-florence-2025"
STATE = "conferencia-estadual-sao-paulo-demo"


@pytest.fixture(scope="module")
def demo_app():
    url = database_url_for("demo")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, PASSWORD_HASH_FAST=True)
    with app.app_context():
        db.drop_all()
        db.create_all()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo", "--if-empty"])
    yield app, first.output, second.output
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    remove_sqlite_file(url)


def _count(model, *where) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_accounts_are_printed_and_a_second_run_adds_nothing(demo_app):
    app, first, second = demo_app
    assert "secretaria@demo.plenaria.org.br" in first and "plenaria2019" in first
    assert "não foi carregada de novo" in second
    with app.app_context():
        assert _count(Conference) == 3


def test_viii_conference_of_2019_reads_as_the_issues_describe(demo_app):
    app, *_ = demo_app
    with app.app_context():
        viii = db.session.scalars(sa.select(Conference).where(Conference.slug == VIII)).one()
        assert (viii.phase.value, [e.title for e in viii.eixos]) == ("report_published", [
            "A Assistência Social como direito do povo", "Financiamento público", "Participação social"])
        local = viii.starts_at.astimezone(viii.tz)
        assert (local.day, local.month, local.year, local.hour, local.minute) == (26, 9, 2019, 12, 30)
        assert "CRAS" in viii.venue
        people = _count(Participation, Participation.conference_id == viii.id, Participation.segment.is_not(None))
        assert 35 <= people <= 45
        proposals = db.session.scalars(sa.select(Proposal).where(Proposal.conference_id == viii.id)).all()
        assert len(proposals) >= 15
        states = {p.state.value for p in proposals}
        assert {"approved", "rejected", "withdrawn", "merged"} <= states
        assert {p.sphere.value for p in proposals} == {"municipal", "estadual", "federal"}
        ids = [p.id for p in proposals]
        assert _count(Comment, Comment.proposal_id.in_(ids), Comment.depth >= 3) >= 1
        assert _count(Comment, Comment.proposal_id.in_(ids), Comment.hidden_at.is_not(None)) >= 1
        rounds = db.session.scalars(sa.select(VotingRound).where(VotingRound.conference_id == viii.id)).all()
        assert {r.kind.value for r in rounds} == {"deliberation", "priority"}
        assert all(r.state == RoundState.CLOSED for r in rounds)
        report = db.session.scalars(sa.select(PublishedReport).where(PublishedReport.conference_id == viii.id)).one()
        content = json.loads(report.content)
        assert report.version == 1 and report.pdf and report.pdf.startswith(b"%PDF")
        assert content["unresolved"] == [] and content["deliberations"]
        assert verify_chain(db.session).ok


def test_xi_conference_is_voting_with_an_open_round_and_the_state_conference_imported_the_report(demo_app):
    app, *_ = demo_app
    with app.app_context():
        xi = db.session.scalars(sa.select(Conference).where(Conference.slug == XI)).one()
        assert xi.phase.value == "voting" and len(xi.eixos) == 5
        assert _count(VotingRound, VotingRound.conference_id == xi.id, VotingRound.state == RoundState.OPEN) == 1
        state = db.session.scalars(sa.select(Conference).where(Conference.slug == STATE)).one()
        imported = db.session.scalars(sa.select(Proposal).where(
            Proposal.conference_id == state.id, Proposal.origin_code.is_not(None))).all()
        assert imported and all(p.sphere.value == "estadual" for p in imported)
        assert {p.origin_conference for p in imported} == {
            "VIII Conferência Municipal de Assistência Social de Alvares Florence"}


def test_the_api_returns_the_demo_conference_with_its_eixos_and_counts(demo_app):
    app, *_ = demo_app
    body = app.test_client().get(f"/api/v1/conferences/{VIII}").get_json()
    assert [e["number"] for e in body["eixos"]] == [1, 2, 3]
    assert sum(body["participants"]["by_segment"].values()) == sum(body["participants"]["by_credential"].values())
    assert body["participants"]["by_credential"]["delegado"] == 16
