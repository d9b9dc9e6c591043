"""A gunicorn worker killed (SIGKILL) in the middle of a vote burst.

Issue 8: every acknowledged vote is stored and no ballot is half-stored (a ballot is one
transaction). The killed worker's request dies with its connection; the master starts a
new worker and the burst goes on; a delegate whose request died posts again, and is either
acknowledged or told that the vote was already registered (the commit had happened)."""

from __future__ import annotations

import os
import random
import signal
import threading
import time

import pytest
import sqlalchemy as sa

from tests.faults.conftest import report
from tests.faults.servers import Gunicorn, PostgresWriters, sqlite_writer
from tests.faults.support import ballot_tasks, chain_ok, check_ballots, run_burst, seed_plenary

pytestmark = pytest.mark.faults

DELEGATES = 32
ROUNDS = 3        # the last one allows changing the vote: a change is a delete and inserts
PROPOSALS = 4
OBSERVERS = 4     # voice, no vote: every ballot they try is refused
THREADS = 8
OPEN_TRANSACTION_LOST = "unexpected EOF on client connection with an open transaction"


def test_worker_killed_mid_burst_loses_no_acknowledged_ballot(database_url, tmp_path, request):
    backend = database_url.split(":", 1)[0].split("+")[0]
    plenary = seed_plenary(database_url, delegates=DELEGATES, rounds=ROUNDS, proposals=PROPOSALS,
                           observers=OBSERVERS)
    per_person = ballot_tasks(plenary, random.Random(8))
    total = sum(len(tasks) for tasks in per_person)
    cluster = request.getfixturevalue("pg_cluster") if backend == "postgresql" else None
    aborted_before = cluster.log.read_text().count(OPEN_TRANSACTION_LOST) if cluster else 0
    server = Gunicorn(database_url, tmp_path / "gunicorn.log", workers=2)
    server.start()
    killed: list[int] = []
    mid_transaction: list[bool] = []
    kill_at = [total // 4, total // 2, (3 * total) // 4]
    lock = threading.Lock()
    probe = PostgresWriters(database_url) if backend == "postgresql" else None
    sqlite_path = sa.engine.make_url(database_url).database or ""

    def kill_a_writer() -> bool:
        """Kill a worker in the middle of its ballot's transaction; returns whether it was.

        PostgreSQL: a lock held on the votes table stops the ballots at the insert of their
        votes (rows already written, uncommitted), and a worker waiting there is killed.
        SQLite: the worker holding the WAL write lock (inside BEGIN IMMEDIATE … COMMIT) is
        frozen with SIGSTOP, checked to hold it still (frozen, it cannot commit), and killed."""
        if probe is not None:
            pid = probe.kill_one_mid_ballot(server)
            if pid is not None:
                killed.append(pid)
                return True
        else:
            deadline = time.monotonic() + 20
            workers = server.workers()
            while time.monotonic() < deadline:
                pid = sqlite_writer(sqlite_path, workers)
                if pid is None:
                    time.sleep(0.0005)  # leave the CPU to the workers
                    continue
                os.kill(pid, signal.SIGSTOP)
                if sqlite_writer(sqlite_path, [pid]) == pid:
                    killed.append(server.kill_worker(pid))
                    return True
                os.kill(pid, signal.SIGCONT)
        killed.append(server.kill_worker())
        return False

    def maybe_kill(finished: int) -> None:
        with lock:
            if len(killed) < len(kill_at) and finished >= kill_at[len(killed)] and server.workers():
                mid_transaction.append(kill_a_writer())

    try:
        tasks = run_burst(server, plenary, per_person, threads=THREADS, on_progress=maybe_kill)
        server.wait_for_workers()
        workers_after = server.workers()
        log = server.log()
    finally:
        server.stop()
        if probe is not None:
            probe.dispose()

    assert len(killed) == 3
    assert not set(killed) & set(workers_after), "a killed worker is still there"
    assert "SIGKILL" in log  # the master saw it
    tally = check_ballots(database_url, plenary, tasks, allowed_statuses={302, 403, 409, "connection error"})
    assert tally.stored == len(plenary.delegates) * ROUNDS
    assert "Traceback" not in log
    assert chain_ok(database_url)
    assert all(mid_transaction), "a kill did not catch a worker inside its write transaction"
    cut = tally.statuses["connection error"]
    assert cut >= len(killed), "each kill should cut the killed worker's request"
    evidence = ""
    if cluster is not None:
        aborted = cluster.log.read_text().count(OPEN_TRANSACTION_LOST) - aborted_before
        assert aborted >= len(killed), "each killed ballot transaction is rolled back by the server"
        evidence = f"; the server logged {aborted} x '{OPEN_TRANSACTION_LOST}'"
    how = ("waiting, half a ballot written, behind a lock held on the votes table" if cluster is not None else
           "holding the WAL write lock: frozen with SIGSTOP and checked first")
    report(f"[{backend}] gunicorn -w 2, {len(killed)} workers SIGKILLed mid-burst, each inside its ballot's "
           f"transaction ({how}), {cut} requests cut{evidence}: {tally.line()}")
