"""Shared pieces of the benchmarks: a dedicated database, timing, memory."""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from config import Config

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/plenaria_bench")
SQLITE_URL = os.environ.get("BENCH_SQLITE_URL", "sqlite:////tmp/plenaria-bench.db")


class BenchConfig(Config):
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = True


def fresh_database(url: str) -> None:
    """An empty database at ``url`` (dropped and recreated on PostgreSQL, deleted on SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{parsed.database}{suffix}")
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


def bench_app(url: str, *, create: bool = True) -> Flask:
    app = create_app(BenchConfig, SQLALCHEMY_DATABASE_URI=url)
    if create:
        with app.app_context():
            db.create_all()
    return app


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), times


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
