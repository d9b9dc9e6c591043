"""The concurrency tests commit for real, from several threads and processes, so they
cannot use the rolled-back ``session`` fixture: they get their own app and database
(``test_database_url("concurrency")``: a per-worker SQLite file or PostgreSQL database),
with the schema created once, and seed their data through the services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.db_setup import remove_sqlite_file, test_database_url


@pytest.fixture(scope="package")
def live_app() -> Iterator[Flask]:
    url = test_database_url("concurrency")
    # Enough connections for every thread of a test to hold one at once (the race is the
    # point), and few enough for two xdist workers to share PostgreSQL's default 100.
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url,
                     SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "pool_size": 8, "max_overflow": 24,
                                                "pool_timeout": 60})
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    remove_sqlite_file(url)


@pytest.fixture
def database_url(live_app: Flask) -> str:
    return live_app.config["SQLALCHEMY_DATABASE_URI"]
