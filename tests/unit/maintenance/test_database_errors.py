"""Which database failures become the 503 page (app/errors.py), and that the page is drawn
without touching the database: a failed request's rollback expires the visitor's account,
and reading it again inside the error handler would fail a second time (a bare 500).

The real faults (a killed worker, a PostgreSQL restart, a read-only or full SQLite) are in
tests/faults/; these are the fast checks of the mapping."""

from __future__ import annotations

import datetime as dt
import sqlite3

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, InternalError, OperationalError

from app import create_app
from app.errors import STORAGE, STORAGE_MESSAGE, UNAVAILABLE, database_trouble
from app.extensions import db
from config import DevelopmentConfig
from tests.conftest import login
from tests.db_setup import remove_sqlite_file


def sqlite_error(cls: type[Exception], message: str, name: str) -> Exception:
    error = cls(message)
    error.sqlite_errorname = name  # type: ignore[attr-defined]
    return error


def pg_error(cls: type[Exception], sqlstate: str) -> Exception:
    error = cls("server says no")
    error.sqlstate = sqlstate  # type: ignore[attr-defined]  # psycopg sets it from the server's answer
    return error


@pytest.mark.parametrize("error, expected", [
    (OperationalError("INSERT", {}, sqlite_error(sqlite3.OperationalError, "attempt to write a readonly database",
                                                 "SQLITE_READONLY")), STORAGE),
    (OperationalError("INSERT", {}, sqlite_error(sqlite3.OperationalError, "database or disk is full",
                                                 "SQLITE_FULL")), STORAGE),
    (OperationalError("COMMIT", {}, sqlite_error(sqlite3.OperationalError, "disk I/O error", "SQLITE_IOERR_WRITE")),
     STORAGE),
    (OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full")), STORAGE),  # no code
    (OperationalError("BEGIN", {}, sqlite_error(sqlite3.OperationalError, "database is locked", "SQLITE_BUSY")),
     UNAVAILABLE),
    (OperationalError("SELECT", {}, sqlite_error(sqlite3.OperationalError, "no such table: x", "SQLITE_ERROR")),
     None),  # a missing migration is a bug, not an outage
    (OperationalError("SELECT 1", {}, Exception("connection refused")), UNAVAILABLE),
    (OperationalError("SELECT", {}, pg_error(psycopg.OperationalError, "57P01")), UNAVAILABLE),  # admin shutdown
    (OperationalError("INSERT", {}, pg_error(psycopg.errors.DiskFull, "53100")), STORAGE),
    (InternalError("INSERT", {}, pg_error(psycopg.errors.ReadOnlySqlTransaction, "25006")), STORAGE),
    (InterfaceError("SELECT", {}, psycopg.InterfaceError("the connection is closed")), UNAVAILABLE),
    (IntegrityError("INSERT", {}, pg_error(psycopg.errors.UniqueViolation, "23505")), None),
])
def test_database_trouble(error: DBAPIError, expected):
    assert database_trouble(error) == expected


@pytest.fixture
def fragile(tmp_path):  # type: ignore[no-untyped-def]
    """The app (TESTING off) with routes that fail as a database does once the visitor's
    account is loaded, and a record of every statement sent after the failure."""
    url = f"sqlite:///{tmp_path / 'fragile.db'}"
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False,
                     RATELIMIT_ENABLED=False, PASSWORD_HASH_FAST=True, SECRET_KEY="fragile")
    after_failure: list[str] = []
    failed = [False]

    def failing(error: Exception):  # type: ignore[no-untyped-def]
        def view():  # type: ignore[no-untyped-def]
            from flask_login import current_user

            assert current_user.is_authenticated and current_user.display_name  # loaded
            failed[0] = True
            raise error
        return view

    full = sqlite_error(sqlite3.OperationalError, "database or disk is full", "SQLITE_FULL")
    app.add_url_rule("/cheio", "full", failing(OperationalError("INSERT", {}, full)))
    app.add_url_rule("/fora", "down", failing(OperationalError("SELECT", {}, Exception("server closed the connection"))))
    app.add_url_rule("/api/v1/fora", "api_down", failing(OperationalError("SELECT", {}, Exception("gone"))))
    app.add_url_rule("/bug", "bug", failing(IntegrityError("INSERT", {}, Exception("duplicate key"))))
    with app.app_context():
        db.create_all()
        from app.auth.models import User

        user = User(display_name="Rita Fragil", email="rita@exemplo.org", password_hash=None,
                    created_at=dt.datetime.now(dt.UTC))
        db.session.add(user)
        db.session.commit()
        client = app.test_client()
        login(client, user)
        db.session.remove()

        @sa.event.listens_for(db.engine, "before_cursor_execute")
        def _record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            if failed[0]:
                after_failure.append(statement)

    yield client, after_failure, failed
    with app.app_context():
        db.engine.dispose()
    remove_sqlite_file(url)


@pytest.mark.parametrize("path, status, message, retry_after", [
    ("/cheio", 503, str(STORAGE_MESSAGE), "60"),
    ("/fora", 503, "O banco de dados não respondeu. Nada foi gravado; tente de novo em instantes.", "5"),
    ("/bug", 500, "Algo deu errado do nosso lado.", None),
])
def test_the_error_page_does_not_ask_the_failed_database_again(fragile, path, status, message, retry_after):
    client, after_failure, failed = fragile
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert failed[0] and response.status_code == status, page[:300]
    assert message in page and "Traceback" not in page and "duplicate key" not in page
    assert response.headers.get("Retry-After") == retry_after
    assert after_failure == [], after_failure
    # The visitor is still logged in on the next page: only the error page was drawn anonymously.
    failed[0] = False
    assert "Rita Fragil" in client.get("/").get_data(as_text=True)


def test_under_the_api_the_failure_is_json(fragile):
    client, _after_failure, _failed = fragile
    response = client.get("/api/v1/fora")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["status"] == 503
