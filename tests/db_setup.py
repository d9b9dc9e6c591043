"""Where the test suite's database lives: a temporary SQLite file by default, or the
PostgreSQL database named by TEST_DATABASE_URL (one database per xdist worker)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url

from app.extensions import db
from config import normalise_database_url


def worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def test_database_url(tag: str = "") -> str:
    base = os.environ.get("TEST_DATABASE_URL", "")
    suffix = worker_suffix() + (f"_{tag}" if tag else "")
    if not base or base.startswith("sqlite"):
        folder = os.environ.get("PLENARIA_TEST_TMP") or tempfile.gettempdir()
        return f"sqlite:///{os.path.join(folder, f'plenaria-test-{os.getpid()}-{suffix}.db')}"
    url = make_url(normalise_database_url(base))
    name = f"{url.database}_{suffix}"
    ensure_postgres_database(url, name)
    return url.set(database=name).render_as_string(hide_password=False)


def ensure_postgres_database(url, name: str) -> None:  # type: ignore[no-untyped-def]
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()


def is_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


def remove_sqlite_file(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path + suffix)


@contextlib.contextmanager
def one_rolled_back_connection(app: Flask) -> Iterator[sa.Connection]:
    """Bind every session of the block (the test's own and each request's) to one connection
    whose outer transaction is rolled back at the end; their commits release savepoints, so
    nothing outlives the block."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        engines = db._app_engines[app]
        original = engines[None]
        engines[None] = connection  # type: ignore[assignment]
        db.session.remove()
        db.session.configure(join_transaction_mode="create_savepoint")
        try:
            yield connection
        finally:
            db.session.remove()
            engines[None] = original
            outer.rollback()
            connection.close()
