"""Server time and query count of the main pages, measured in-process (no HTTP), so that
municipal and national sizes can be compared page by page."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask

from app.auth.models import User
from app.extensions import db
from bench.generate import Generated


@dataclass
class PageTiming:
    name: str
    path: str
    status: int
    median_ms: float
    queries: int
    bytes: int


def _count_queries(app: Flask):  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    return statements, lambda: sa.event.remove(engine, "before_cursor_execute", listener)


def measure(app: Flask, path: str, *, user_email: str | None = None, repeat: int = 5, name: str = "") -> PageTiming:
    client = app.test_client()
    if user_email:
        with app.app_context():
            user = db.session.scalars(sa.select(User).where(User.email == user_email)).one()
            token = user.get_id()
        with client.session_transaction() as sess:
            sess["_user_id"], sess["_fresh"] = token, True
    response = client.get(path)  # warm-up (template compilation, statement cache)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
    statements, stop = _count_queries(app)
    try:
        client.get(path)
    finally:
        stop()
    return PageTiming(name, path, response.status_code, round(1000 * statistics.median(times), 1), len(statements),
                      len(response.data))


def page_set(generated: Generated, results_round: int) -> list[tuple[str, str, str | None]]:
    slug = generated.slug
    return [
        ("conference page", f"/conferencias/{slug}", None),
        ("proposal list", f"/conferencias/{slug}/propostas/", None),
        ("proposal with its debate", f"/conferencias/{slug}/propostas/{generated.reader_proposal}", None),
        ("results of the largest round", f"/conferencias/{slug}/votacoes/{results_round}/resultado", None),
        ("report (draft, secretary)", f"/conferencias/{slug}/gestao/relatorio/", generated.secretary_email),
    ]


def measure_all(app: Flask, generated: Generated, results_round: int) -> list[PageTiming]:
    """Each page rendered for real: the minute's cache of anonymous results pages is off here
    (with it, the repeats would time a dictionary lookup); the readers' step runs with it on."""
    cache = app.config.get("RESULTS_CACHE_SECONDS", 0)
    app.config["RESULTS_CACHE_SECONDS"] = 0
    try:
        return [measure(app, path, user_email=user, name=name) for name, path, user in page_set(generated, results_round)]
    finally:
        app.config["RESULTS_CACHE_SECONDS"] = cache
