"""`flask backup create` and `flask backup restore`, on SQLite and PostgreSQL.

Issue 8: the audit chain verified after restore; a round trip gives an identical report
JSON. Also: a corrupted backup file is refused with a clear error and the database left
as it was; a backup whose audit chain was tampered with is reported (the broken event
named, exit code non-zero).

The data is the demo (`flask demo`: three conferences, one with its report published),
built once per database with the migrations (`flask db upgrade`), as an operator would."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.audit.services import verify_chain
from app.conferences.models import Conference
from app.extensions import db
from app.reports.models import PublishedReport
from app.reports.render import to_json
from app.reports.services import draft_report
from config import DevelopmentConfig
from tests.db_setup import remove_sqlite_file
from tests.faults.conftest import report
from tests.faults.postgres_cluster import drop_postgres_database, fresh_postgres_database

pytestmark = [
    pytest.mark.faults,
    # migrations/env.py (Flask-Migrate's template) still calls the deprecated get_engine().
    pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning"),
]

GENERATED_AT = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@dataclass
class Demo:
    backend: str
    app: Flask
    url: str
    folder: Path
    pristine: Path            # a backup of the demo, taken by the first test
    state: dict[str, Any]     # what the pristine database holds

    def cli(self, *args: str) -> Any:
        return cli(self.app, *args)


def cli(app: Flask, *args: str) -> Any:
    """`flask <args>` in-process, in an app context of its own as the `flask` command gives."""
    with app.app_context():
        try:
            return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)
        finally:
            db.session.remove()


def snapshot(app: Flask) -> dict[str, Any]:
    """Every conference's draft report JSON (fixed generation time), every published
    version's stored JSON and PDF digest, the audit chain, and each table's row count."""
    with app.app_context(), app.test_request_context("/", base_url="http://127.0.0.1:5000"):
        session = db.session
        conferences = session.scalars(sa.select(Conference).order_by(Conference.slug)).all()
        drafts = {c.slug: to_json(draft_report(session, c, now=GENERATED_AT)) for c in conferences}
        published = [
            (p.conference_id, p.version, p.content, p.content_sha256, hashlib.sha256(p.pdf or b"").hexdigest())
            for p in session.scalars(sa.select(PublishedReport).order_by(PublishedReport.id))
        ]
        chain = verify_chain(session)
        counts = {table.name: session.scalar(sa.select(sa.func.count()).select_from(table))
                  for table in db.metadata.sorted_tables}
        session.remove()
    return {"drafts": drafts, "published": published, "chain": (chain.ok, chain.events, chain.last_hash),
            "counts": counts}


def run_sql(app: Flask, *statements: str) -> None:
    with app.app_context():
        with db.engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
        db.session.remove()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Demo]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp(f"backup-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'plenaria.db'}"
    else:
        url = fresh_postgres_database(request.getfixturevalue("pg_cluster").base_url(), "faults_backup")
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, PASSWORD_HASH_FAST=True)
    built = Demo(request.param, app, url, folder, folder / "pristine.backup", {})
    upgrade = built.cli("db", "upgrade")
    assert upgrade.exit_code == 0, upgrade.output
    loaded = built.cli("demo")
    assert loaded.exit_code == 0, loaded.output
    built.state = snapshot(app)
    assert built.state["chain"][0] and built.state["published"], "the demo should publish a report"
    made = built.cli("backup", "create", str(built.pristine))
    assert made.exit_code == 0, made.output
    assert "audit chain" in made.output and "intact" in made.output
    yield built
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if request.param == "sqlite":
        remove_sqlite_file(url)
    else:
        drop_postgres_database(url)


def destroy(demo: Demo) -> None:
    """Lose the data: the file deleted (SQLite), every table dropped (PostgreSQL)."""
    with demo.app.app_context():
        db.session.remove()
        db.engine.dispose()
        if demo.backend == "sqlite":
            remove_sqlite_file(demo.url)
        else:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()


def test_round_trip_gives_identical_reports_and_a_verified_chain(demo: Demo):
    # Changes after the backup, then the loss of everything.
    run_sql(demo.app, "UPDATE conferences SET title = 'Alterada depois do backup'",
            "DELETE FROM comment_reports")
    assert snapshot(demo.app)["drafts"] != demo.state["drafts"]
    destroy(demo)
    restored = demo.cli("backup", "restore", str(demo.pristine), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "audit chain intact" in restored.output
    verified = demo.cli("audit", "verify")
    assert verified.exit_code == 0, verified.output
    after = snapshot(demo.app)
    assert after["drafts"] == demo.state["drafts"]          # byte-identical report JSON
    assert after["published"] == demo.state["published"]    # stored versions: JSON and PDF
    assert after == demo.state
    # The restored database takes new writes (sequences restored too).
    run_sql(demo.app, "INSERT INTO users (display_name, email, password_hash, locale, is_admin, session_version, "
                      "created_at) VALUES ('Nova', 'nova@exemplo.org', NULL, 'pt_BR', false, 1, CURRENT_TIMESTAMP)")
    run_sql(demo.app, "DELETE FROM users WHERE email = 'nova@exemplo.org'")
    report(f"[{demo.backend}] backup round trip: {len(after['drafts'])} draft report JSONs and "
           f"{len(after['published'])} published version(s) byte-identical after restore; audit chain "
           f"{after['chain'][1]} events intact (`flask audit verify` exit 0)")


def corrupt_copies(demo: Demo) -> dict[str, Path]:
    good = demo.pristine.read_bytes()
    garbage = demo.folder / "garbage.backup"
    garbage.write_bytes(b"this is not a backup\n" * 200)
    truncated = demo.folder / "truncated.backup"
    truncated.write_bytes(good[: len(good) // 2])
    flipped = demo.folder / "flipped.backup"
    middle = bytearray(good)
    for offset in range(len(middle) // 2, len(middle) // 2 + 4096):
        middle[offset] ^= 0xFF
    flipped.write_bytes(bytes(middle))
    empty = demo.folder / "empty.backup"
    empty.write_bytes(b"")
    return {"garbage": garbage, "truncated": truncated, "flipped": flipped, "empty": empty}


def test_a_corrupted_backup_is_refused_and_the_database_left_as_it_was(demo: Demo):
    restored = demo.cli("backup", "restore", str(demo.pristine), "--yes")
    assert restored.exit_code == 0, restored.output
    run_sql(demo.app, "UPDATE conferences SET theme = 'Tema mudado depois do backup'")
    current = snapshot(demo.app)
    outcomes = []
    for name, path in corrupt_copies(demo).items():
        result = demo.cli("backup", "restore", str(path), "--yes")
        assert result.exit_code != 0, (name, result.output)
        assert "Error:" in result.output and "Traceback" not in result.output, result.output
        assert snapshot(demo.app) == current, f"{name}: the database changed"
        said = " ".join(result.output.replace(str(path), "<file>").split())
        outcomes.append(f"{name} ({said[:110]})")
    report(f"[{demo.backend}] corrupted backups refused, database unchanged: " + "; ".join(outcomes))


def test_a_backup_with_a_tampered_audit_chain_is_reported(demo: Demo):
    restored = demo.cli("backup", "restore", str(demo.pristine), "--yes")
    assert restored.exit_code == 0, restored.output
    # Someone alters a stored event, then a backup is taken: the backup says so.
    run_sql(demo.app, "UPDATE audit_events SET data = '{\"forjado\":true}' WHERE seq = 7")
    tampered = demo.folder / "tampered.backup"
    made = demo.cli("backup", "create", str(tampered))
    assert made.exit_code == 0 and "BROKEN at event 7" in made.output, made.output
    # The live database is repaired; restoring the tampered backup names the broken event.
    assert demo.cli("backup", "restore", str(demo.pristine), "--yes").exit_code == 0
    result = demo.cli("backup", "restore", str(tampered), "--yes")
    assert result.exit_code != 0
    assert "BROKEN at event 7" in result.output and "content altered" in result.output, result.output
    verified = demo.cli("audit", "verify")
    assert verified.exit_code == 1 and "BROKEN at event 7" in verified.output
    assert demo.cli("backup", "restore", str(demo.pristine), "--yes").exit_code == 0
    assert snapshot(demo.app) == demo.state
    report(f"[{demo.backend}] tampered backup: restore exits {result.exit_code}: "
           f"{result.output.strip().splitlines()[-1][:120]}")


def test_a_copy_of_the_backup_file_restores_elsewhere(demo: Demo, tmp_path):
    """The backup is self-contained: restoring it into another, empty database works."""
    if demo.backend == "sqlite":
        other_url = f"sqlite:///{tmp_path / 'other.db'}"
    else:
        base = sa.engine.make_url(demo.url)
        other_url = fresh_postgres_database(base.set(database="postgres").render_as_string(False),
                                            "faults_backup_other")
    copy = tmp_path / "copy.backup"
    shutil.copyfile(demo.pristine, copy)
    other = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=other_url, PASSWORD_HASH_FAST=True)
    result = cli(other, "backup", "restore", str(copy), "--yes")
    assert result.exit_code == 0, result.output
    assert snapshot(other) == demo.state
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
    if demo.backend == "postgresql":
        drop_postgres_database(other_url)
