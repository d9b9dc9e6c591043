"""Fault-injection tests (killed gunicorn workers, a PostgreSQL restart, a read-only or full
SQLite, backups and restores). They start real servers and take a minute or two, so the
default run leaves them out (deselected): `make test-faults` runs them (`pytest -m faults tests/faults`), and
.ci/run does so in a step of its own.

PostgreSQL variants run on a throwaway cluster started for the session (initdb in a
temporary folder, a free port), never on the machine's own server, which other suites use
at the same time and which one of these tests restarts."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.db_setup import remove_sqlite_file
from tests.environment import unavailable
from tests.faults.postgres_cluster import (
    ThrowawayPostgres,
    drop_postgres_database,
    fresh_postgres_database,
    postgres_bindir,
)

SUMMARY: list[str] = []
HERE = os.path.dirname(__file__)


def faults_selected(config: pytest.Config) -> bool:
    if os.environ.get("PLENARIA_FAULTS") == "1":
        return True
    expression = (config.getoption("markexpr", "") or "").replace(" ", "")
    return "faults" in expression and "notfaults" not in expression


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if faults_selected(config):
        return
    # Deselected, not skipped: the default run leaves them out on purpose (`make test-faults`
    # runs them), and a skip in CI would read as a test that could not run.
    kept, left_out = [], []
    for item in items:
        (left_out if str(item.fspath).startswith(HERE) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if SUMMARY:
        terminalreporter.section("fault scenarios")
        for line in SUMMARY:
            terminalreporter.write_line(line)


def report(line: str) -> None:
    SUMMARY.append(line)
    print(line)  # noqa: T201 - also in the captured output of the test


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayPostgres]:
    if postgres_bindir() is None:
        unavailable("PostgreSQL server binaries not found (set PG_BINDIR)")
    cluster = ThrowawayPostgres()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh, empty database: an SQLite file, or a database on the throwaway cluster."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'plenaria.db'}"
        yield url
        remove_sqlite_file(url)
        return
    cluster = request.getfixturevalue("pg_cluster")
    name = "faults_" + request.node.name.split("[")[0].removeprefix("test_")[:40]
    url = fresh_postgres_database(cluster.base_url(), name)
    yield url
    drop_postgres_database(url)
