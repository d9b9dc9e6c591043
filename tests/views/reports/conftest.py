"""Fixtures of the report view tests: a committing client (see tests/views/proposals),
the fixed scenario of tests/unit/reports/scenario.py and a published municipal report JSON."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.unit.reports import scenario as scenario_module
from tests.views.helpers import IsolatedClient


class CommittingClient(IsolatedClient):
    """Commits what the test wrote before each request, as a real request would find it.

    The commit only releases a savepoint: the test's outer transaction still rolls back.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app, session):  # type: ignore[no-untyped-def]
    return CommittingClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def scenario(session, make):  # type: ignore[no-untyped-def]
    """The closed VIII conference of Vila Teste, nothing published yet."""
    return scenario_module.build(session, make)


def login(client, user):  # type: ignore[no-untyped-def]
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return client
