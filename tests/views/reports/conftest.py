"""Fixtures of the report view tests: a committing client (see tests/views/proposals),
the fixed scenario of tests/unit/reports/scenario.py and a published municipal report JSON."""

from __future__ import annotations

import pytest

from tests.unit.reports import scenario as scenario_module


@pytest.fixture
def scenario(session, make):  # type: ignore[no-untyped-def]
    """The closed VIII conference of Vila Teste, nothing published yet."""
    return scenario_module.build(session, make)


def login(client, user):  # type: ignore[no-untyped-def]
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    return client
