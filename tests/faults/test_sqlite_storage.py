"""SQLite read-only or on a full disk: a clear error page, nothing half-written.

Issue 8. The app runs with the development configuration (TESTING off: the error handlers
act as in production) against an SQLite file that
- is opened read-only (`mode=ro`: as root, file permissions would not stop a write),
- cannot grow (`PRAGMA max_page_count` at the current size: SQLITE_FULL, "database or
  disk is full", exactly what a full disk gives),
- fails with SQLITE_FULL half-way through a request (after the proposal and its version
  were inserted, at the audit event; after the ballot, at its votes), or at the COMMIT
  itself (where a real full disk usually shows: WAL frames are written at commit).
Each time: a 503 page with the message, no traceback, and the database byte-for-byte what
it was (a full SQL dump compared). Afterwards the same app writes again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.conferences.phases import Phase
from app.errors import STORAGE_MESSAGE
from app.extensions import db
from app.votes import rounds as round_services
from config import DevelopmentConfig, TestConfig
from tests import factories
from tests.conftest import login
from tests.db_setup import remove_sqlite_file
from tests.faults.conftest import report
from tests.faults.support import NOW

pytestmark = pytest.mark.faults


def sqlite_full(message: str = "database or disk is full") -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = 13  # type: ignore[attr-defined]
    error.sqlite_errorname = "SQLITE_FULL"  # type: ignore[attr-defined]
    return error


class FullAtCommit(sqlite3.Connection):
    """A connection whose COMMIT fails as on a full disk while ``armed``."""

    armed = False

    def commit(self) -> None:
        if FullAtCommit.armed:
            raise sqlite_full()
        super().commit()


@dataclass
class World:
    path: Path
    proposals_slug: str
    eixo_id: int
    author_id: int          # user id of a participant of the proposals conference
    voting_slug: str
    round_id: int
    proposal_ids: list[int]
    delegate_id: int        # user id of a delegate in the round's electorate


@pytest.fixture
def world(tmp_path) -> Iterator[World]:  # type: ignore[no-untyped-def]
    path = tmp_path / "plenaria.db"
    url = f"sqlite:///{path}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        db.create_all()
        make = factories.Factories(db.session)
        open_for_proposals = make.conference(phase=Phase.PROPOSALS)
        author = make.participation(open_for_proposals)
        voting = make.conference(phase=Phase.VOTING)
        secretary = make.secretary(voting)
        delegate = make.delegate(voting)
        from app.proposals.constants import ProposalState
        from app.proposals.models import Proposal

        items = [Proposal(conference_id=voting.id, eixo_id=voting.eixos[0].id, sphere="municipal", sequence=n,
                          code=f"E1-M-{n:02d}", title=f"Proposta {n}", body="Texto.",
                          state=ProposalState.SUBMITTED, search_text="") for n in (1, 2, 3)]
        db.session.add_all(items)
        db.session.flush()
        voting_round = round_services.create_round(db.session, secretary.user, secretary, voting, title="Rodada",
                                                   kind="deliberation", now=NOW)
        round_services.set_round_proposals(db.session, secretary.user, secretary, voting_round,
                                           proposal_ids=[p.id for p in items], now=NOW)
        round_services.open_round(db.session, secretary.user, secretary, voting_round, now=NOW)
        built = World(path, open_for_proposals.slug, open_for_proposals.eixos[0].id, author.user_id, voting.slug,
                      voting_round.id, [p.id for p in items], delegate.user_id)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    yield built
    remove_sqlite_file(url)


def serving_app(url: str, **options: Any) -> Flask:
    """The app as deployed (development config: TESTING off), CSRF off for the test client."""
    return create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False,
                      PASSWORD_HASH_FAST=True, SECRET_KEY="faults",
                      SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, **options})


def as_user(app: Flask, user_id: int):  # type: ignore[no-untyped-def]
    from app.auth.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        client = app.test_client()
        login(client, user)
        db.session.remove()
    return client


def dump(path: Path) -> list[str]:
    """Every row of every table, as SQL (read through a read-only connection)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def submit(client, world: World, body: str = "Ampliar o horário do CRAS.") -> Any:  # type: ignore[no-untyped-def]
    return client.post(f"/conferencias/{world.proposals_slug}/propostas/nova", data={
        "eixo_id": str(world.eixo_id), "sphere": "municipal", "title": "Mais equipes no CRAS", "body": body,
        "justification": ""})


def vote(client, world: World) -> Any:  # type: ignore[no-untyped-def]
    return client.post(f"/conferencias/{world.voting_slug}/votacoes/{world.round_id}/votar",
                       data={f"p-{pid}": "yes" for pid in world.proposal_ids})


def assert_storage_error_page(response) -> None:  # type: ignore[no-untyped-def]
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:500]
    assert "<h1>Serviço indisponível no momento</h1>" in page
    assert str(STORAGE_MESSAGE) in page
    assert response.headers["Retry-After"]
    assert "Traceback" not in page and "sqlite" not in page.lower() and "INSERT" not in page


def count(world: World, table: str) -> int:
    conn = sqlite3.connect(f"file:{world.path}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
    finally:
        conn.close()


def test_read_only_database_reads_still_work_and_writes_get_a_clear_page(world):
    before = dump(world.path)
    app = serving_app(f"sqlite:///file:{world.path}?mode=ro&uri=true")
    reader = app.test_client()
    assert reader.get(f"/conferencias/{world.proposals_slug}").status_code == 200
    assert reader.get(f"/conferencias/{world.voting_slug}/votacoes/{world.round_id}").status_code == 200
    assert_storage_error_page(submit(as_user(app, world.author_id), world))
    assert_storage_error_page(vote(as_user(app, world.delegate_id), world))
    with app.app_context():
        db.engine.dispose()
    assert dump(world.path) == before
    report("[sqlite] read-only database (mode=ro): reads 200; proposal and ballot posts 503 with the message; "
           "database unchanged (full dump compared)")


def test_full_disk_refuses_the_write_with_a_clear_page_and_writes_nothing(world):
    before = dump(world.path)
    app = serving_app(f"sqlite:///{world.path}")
    with app.app_context():
        @sa.event.listens_for(db.engine, "connect")
        def _cannot_grow(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count={pages}")
            cursor.close()

        db.engine.dispose()
    # A proposal of some pages: the database would have to grow to hold it.
    assert_storage_error_page(submit(as_user(app, world.author_id), world, body="Texto longo. " * 690))
    with app.app_context():
        db.engine.dispose()
    assert dump(world.path) == before
    report("[sqlite] disk full (max_page_count at the current size): proposal post 503 with the message; "
           "database unchanged")


@pytest.mark.parametrize("fails_at, action", [
    ("INSERT INTO audit_events", "submit"),   # after the proposal and its first version
    ("INSERT INTO votes", "vote"),            # after the round voter and the ballot
])
def test_disk_full_half_way_through_a_request_leaves_nothing(world, fails_at, action):
    before = dump(world.path)
    app = serving_app(f"sqlite:///{world.path}")
    seen: list[str] = []
    armed = [True]
    with app.app_context():
        def _full(cursor, statement, parameters, context):  # type: ignore[no-untyped-def]
            seen.append(statement.split("(")[0].strip())
            if armed[0] and statement.startswith(fails_at):
                raise sqlite_full()
            return False

        sa.event.listen(db.engine, "do_execute", _full)
        sa.event.listen(db.engine, "do_executemany", _full)

    if action == "submit":
        client = as_user(app, world.author_id)
        response = submit(client, world)
    else:
        client = as_user(app, world.delegate_id)
        response = vote(client, world)
    assert_storage_error_page(response)
    assert fails_at in seen and seen.index(fails_at) > 0, seen
    written_before = [s for s in seen[:seen.index(fails_at)] if s.startswith("INSERT")]
    assert written_before, "the fault should hit after the request had written something"
    assert dump(world.path) == before
    # The disk has room again: the same request goes through, whole.
    armed[0] = False
    again = submit(as_user(app, world.author_id), world) if action == "submit" else vote(
        as_user(app, world.delegate_id), world)
    assert again.status_code == 302
    if action == "submit":
        assert (count(world, "proposals"), count(world, "proposal_versions")) == (4, 1)  # 3 seeded + 1, 1 version
    else:
        assert (count(world, "ballots"), count(world, "votes"), count(world, "round_voters")) == (1, 3, 1)
    with app.app_context():
        db.engine.dispose()
    report(f"[sqlite] SQLITE_FULL at '{fails_at}' after {', '.join(written_before)}: 503, nothing written; "
           "after the disk has room the same post succeeds")


def test_disk_full_at_commit_leaves_nothing(world):
    before = dump(world.path)
    app = serving_app(f"sqlite:///{world.path}", connect_args={"factory": FullAtCommit})
    FullAtCommit.armed = True
    try:
        assert_storage_error_page(submit(as_user(app, world.author_id), world))
        assert_storage_error_page(vote(as_user(app, world.delegate_id), world))
    finally:
        FullAtCommit.armed = False
    assert dump(world.path) == before
    assert submit(as_user(app, world.author_id), world).status_code == 302
    assert vote(as_user(app, world.delegate_id), world).status_code == 302
    with app.app_context():
        db.engine.dispose()
    report("[sqlite] SQLITE_FULL at COMMIT: proposal and ballot posts 503, nothing written; then both succeed")
