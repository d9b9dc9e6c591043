"""Fixtures of the security tests: the seeded world (tests/security/world.py), built once per
module inside a transaction that is rolled back at the end, and a way to send one request
against that world and undo whatever it wrote (a savepoint around each request).

The other fixtures (``app``, ``session``, ``client``, ``make``…) come from tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app import create_app
from app.auth import passwords
from app.conferences.models import Conference
from app.conferences.phases import Phase
from app.extensions import db, limiter
from config import ProductionConfig
from tests.db_setup import one_rolled_back_connection
from tests.security import world as world_module
from tests.security.world import ANON, World


class IsolatedClient(FlaskClient):
    """Each request in its own app context (a fresh flask.g and database session), as in
    production, without touching the test's own session."""

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.application.app_context():
            return super().open(*args, **kwargs)


@dataclass
class Seeded:
    """The world and the connection every request of the module shares."""

    app: Flask
    connection: sa.Connection
    world: World

    def client(self, actor: str = ANON) -> FlaskClient:
        client = IsolatedClient(self.app, self.app.response_class, use_cookies=True)
        token = self.world.token(actor)
        if token is not None:
            with client.session_transaction() as sess:
                sess["_user_id"] = token
                sess["_fresh"] = True
        return client

    @contextlib.contextmanager
    def undone(self, phase: Phase | None = None) -> Iterator[None]:
        """Whatever happens inside is rolled back; ``phase`` puts conference A in that phase."""
        db.session.remove()
        nested = self.connection.begin_nested()
        try:
            if phase is not None:
                self.connection.execute(sa.update(Conference).where(Conference.id == self.world.a.conference_id)
                                        .values(phase=phase))
            yield
        finally:
            db.session.remove()
            nested.rollback()

    def request(self, actor: str, method: str, url: str, *, phase: Phase | None = None,
                **kwargs: Any) -> TestResponse:
        """One request by ``actor``, undone afterwards; the body is read before the rollback."""
        with self.undone(phase):
            response = self.client(actor).open(url, method=method, **kwargs)
            response.get_data()
            response.close()
        return response

    def fingerprint(self) -> str:
        return fingerprint(self.connection)


def fingerprint(connection: sa.Connection) -> str:
    """A hash of every row of every table: equal before and after means nothing was written."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        rows = connection.execute(sa.select(table)).all()
        digest.update(table.name.encode())
        for row in sorted(repr(tuple(r)) for r in rows):
            digest.update(row.encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def seeded(app: Flask) -> Iterator[Seeded]:
    """The world, built once for the module; like tests/conftest.py's ``session`` fixture,
    every session (the builder's and each request's) is bound to one connection whose
    outer transaction is rolled back at the end."""
    with one_rolled_back_connection(app) as connection:
        built = world_module.build(db.session)
        db.session.remove()
        yield Seeded(app=app, connection=connection, world=built)


@pytest.fixture
def production_app(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "um-segredo-de-producao-para-testes")
    monkeypatch.setenv("DATABASE_URL", "postgresql://example/plenaria")
    prod = create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://", RATELIMIT_STORAGE_URI="memory://")
    with prod.app_context():
        db.create_all()
    yield prod
    limiter.reset()
    limiter.enabled = False
    passwords.configure(fast=True)  # ProductionConfig set the slow parameters globally
    with prod.app_context():
        db.session.remove()
        db.engine.dispose()
