"""Fixtures: the app (schema created once), a per-test transaction rolled back at the
end (views' commits become savepoint releases), the test client, query counting."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from config import TestConfig
from tests import factories
from tests.db_setup import one_rolled_back_connection, remove_sqlite_file, test_database_url


def reset_schema() -> None:
    db.session.remove()
    db.drop_all()
    db.create_all()


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    url = test_database_url()
    application = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with application.app_context():
        reset_schema()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    remove_sqlite_file(url)


@pytest.fixture
def session(app: Flask) -> Iterator[sa.orm.Session]:
    """A session inside a transaction that is rolled back after the test."""
    with one_rolled_back_connection(app):
        yield db.session


class RequestScopedClient(FlaskClient):
    """Each request runs in its own app context, as in production: a fresh ``flask.g`` and
    its own database session (bound to the test's connection, so its commit releases a
    savepoint and a view that forgets to commit loses its changes, as it would for real).

    Without this, requests would reuse the test's app context: Flask-Login's cached user,
    the locale, the CSRF token and the session's identity map would leak between requests
    and between clients. After each request the test's own session is expired, so it reads
    what the request committed.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        db.session.flush()  # the test's pending rows are visible to the request
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


def new_client(app: Flask) -> RequestScopedClient:
    return RequestScopedClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def client(app: Flask, session) -> FlaskClient:  # type: ignore[no-untyped-def]
    return new_client(app)


@pytest.fixture
def runner(app: Flask, session):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


def login(client: FlaskClient, user) -> None:  # type: ignore[no-untyped-def]
    """Log a user in without going through the form (the form has its own tests)."""
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


@pytest.fixture
def login_as(client: FlaskClient):  # type: ignore[no-untyped-def]
    def _login(user):  # type: ignore[no-untyped-def]
        login(client, user)
        return client

    return _login


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        word = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if word not in ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"):
            self.statements.append(statement)


@pytest.fixture
def count_queries(session):  # type: ignore[no-untyped-def]
    """``with count_queries() as counter: ...`` then ``counter.count``."""

    @contextlib.contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        bound = db.engine  # the test's connection (see the session fixture)
        engine = bound.engine if isinstance(bound, sa.engine.Connection) else bound
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)

    return _count


@pytest.fixture
def make(session):  # type: ignore[no-untyped-def]
    """The factories bound to the test's session: ``make.user()``, ``make.conference()``…"""
    return factories.Factories(session)
