"""What the service tests of several areas share: the audit chain checked after every test
that used the database, and a row count. A conftest imports the fixture to turn it on."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from app.audit.services import verify_chain


@pytest.fixture(autouse=True)
def _audit_chain_stays_valid(request):  # type: ignore[no-untyped-def]
    # Ask for the session now, so that it is torn down after this check.
    session = request.getfixturevalue("session") if "session" in request.fixturenames else None
    yield
    if session is not None:
        report = verify_chain(session)
        assert report.ok, report


def count(session, model: Any, *where: Any) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
