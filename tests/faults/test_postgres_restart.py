"""PostgreSQL restarted during a vote burst (a throwaway cluster, never the machine's own).

Issue 8: requests fail cleanly (503 with a message to try again, never a 500 or a
traceback), no acknowledged vote is lost, and the app recovers without a restart (the
pool's pre-ping replaces the connections the restart killed)."""

from __future__ import annotations

import random
import threading
import time

import pytest
import requests

from tests.faults.conftest import report
from tests.faults.postgres_cluster import drop_postgres_database, fresh_postgres_database
from tests.faults.servers import Gunicorn
from tests.faults.support import ballot_tasks, chain_ok, check_ballots, run_burst, seed_plenary

pytestmark = pytest.mark.faults

DELEGATES = 32
ROUNDS = 3
PROPOSALS = 4
OBSERVERS = 4     # voice, no vote: every ballot they try is refused
THREADS = 8


def test_postgres_restart_mid_burst_fails_cleanly_and_recovers(pg_cluster, tmp_path):
    url = fresh_postgres_database(pg_cluster.base_url(), "faults_restart")
    plenary = seed_plenary(url, delegates=DELEGATES, rounds=ROUNDS, proposals=PROPOSALS, observers=OBSERVERS)
    per_delegate = ballot_tasks(plenary, random.Random(5432))
    total = sum(len(tasks) for tasks in per_delegate)
    server = Gunicorn(url, tmp_path / "gunicorn.log", workers=2)
    server.start()
    restarts: list[float] = []
    lock = threading.Lock()
    while_down: list[requests.Response] = []

    def look_while_down() -> None:
        """Pages and the API while the database is down: 503, a message, no traceback."""
        while_down.append(requests.get(f"{server.base}/conferencias/{plenary.slug}", timeout=30))
        while_down.append(requests.get(f"{server.base}/api/v1/conferences/{plenary.slug}", timeout=30))

    def maybe_restart(finished: int) -> None:
        """At a third of the burst `pg_ctl restart -m fast`; at two thirds a stop, 1.5 s
        down, and a start (a restart that takes a while: connections refused meanwhile)."""
        with lock:
            started = time.monotonic()
            if not restarts and finished >= total // 3:
                pg_cluster.restart()
            elif len(restarts) == 1 and finished >= 2 * total // 3:
                pg_cluster.outage(1.5, look_while_down)
            else:
                return
            restarts.append(time.monotonic() - started)

    try:
        workers_before = server.workers()
        tasks = run_burst(server, plenary, per_delegate, threads=THREADS, on_progress=maybe_restart)
        # Recovered without restarting the app: same workers, pages and votes work again.
        assert server.workers() == workers_before
        for _ in range(4):
            assert requests.get(f"{server.base}/conferencias/{plenary.slug}", timeout=30).status_code == 200
        log = server.log()
    finally:
        server.stop()

    assert len(restarts) == 2, "the burst ended before the restarts"
    unavailable = [a for t in tasks for a in t.attempts if a.status == 503]
    assert unavailable, "no request met the database down"
    for attempt in unavailable:
        assert attempt.excerpt == "O banco de dados não respondeu. Nada foi gravado; tente de novo em instantes.", attempt
        assert attempt.retry_after == "5"
    page, api = while_down
    assert page.status_code == 503 and "tente de novo em instantes" in page.text and "Traceback" not in page.text
    assert api.status_code == 503 and api.json()["error"]["status"] == 503 and api.headers["Retry-After"] == "5"
    tally = check_ballots(url, plenary, tasks, allowed_statuses={302, 403, 409, 503})
    assert tally.stored == len(plenary.delegates) * ROUNDS
    assert "Traceback" not in log and "Error handling request" not in log
    assert chain_ok(url)
    drop_postgres_database(url)
    report(f"[postgresql] restarted mid-burst (pg_ctl restart -m fast: {restarts[0]:.1f}s; then stop, 1.5 s down, "
           f"start: {restarts[1]:.1f}s), app not restarted: {tally.line()}")
