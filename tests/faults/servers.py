"""A real gunicorn serving the app for the fault tests, and how to find the worker that is inside
a write transaction right now (SQLite's WAL lock, or a PostgreSQL backend holding locks)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests
import sqlalchemy as sa

from bench.servers import free_port, worker_pids  # the benchmarks start gunicorn the same way

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


# --- gunicorn -----------------------------------------------------------------------------

class Gunicorn:
    """`gunicorn -w N 'app:create_app()'` on a free port, with the development config (CSRF
    on, as in production) pointed at ``database_url``, rate limits off (one address is
    voting for everybody)."""

    def __init__(self, database_url: str, log_path: Path, *, workers: int = 2) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.workers_count = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ, "PYTHONPATH": str(ROOT), "PLENARIA_CONFIG": "development",
            "DATABASE_URL": self.database_url, "SECRET_KEY": "faults-" + os.urandom(8).hex(),
            "RATELIMIT_ENABLED": "false",
        }
        env.pop("TEST_DATABASE_URL", None)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [GUNICORN, "--no-control-socket", "-w", str(self.workers_count), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--graceful-timeout", "5", "--log-level", "info", "app:create_app()"],
            cwd=ROOT, env=env, stdout=self._log, stderr=self._log,
        )
        try:
            self._wait_until_serving()
        except BaseException:
            self.stop()  # never leave a server behind
            raise

    def _wait_until_serving(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log()[-3000:]}")
            try:
                if requests.get(self.base + "/", timeout=10).status_code == 200 and \
                        len(self.workers()) == self.workers_count:
                    return
            except requests.RequestException:  # not listening yet, or a worker still booting
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer: {self.log()[-3000:]}")

    def workers(self) -> list[int]:
        assert self.process is not None
        return worker_pids(self.process.pid)

    def kill_worker(self, pid: int | None = None) -> int:
        """SIGKILL a worker (by default the first, whatever it is doing); the master starts another."""
        pid = pid or self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_for_workers(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.workers()) < self.workers_count:
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


def sqlite_writer(database_path: str, pids: list[int]) -> int | None:
    """The process holding SQLite's WAL write lock (a POSIX lock on byte 120 of the -shm
    file, taken by BEGIN IMMEDIATE until COMMIT or ROLLBACK): the one inside a write
    transaction right now."""
    try:
        inode = os.stat(database_path + "-shm").st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) >= 8 and parts[1] == "POSIX" and parts[3] == "WRITE" and parts[6] == "120" \
                and int(parts[5].rsplit(":", 1)[1]) == inode and int(parts[4]) in pids:
            return int(parts[4])
    return None


def _local_ports(pid: int) -> set[int]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    except OSError:
        return set()
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


class PostgresWriters:
    """Catches a worker in the middle of a ballot on PostgreSQL: while this holds a SHARE
    lock on the votes table, a ballot that has inserted its round voter and ballot rows
    waits at the insert of its votes (its transaction open, half a ballot written on the
    server). Which worker it is comes from the waiting backend's client port, matched to
    the worker's sockets."""

    WAITING = ("SELECT client_port FROM pg_stat_activity WHERE datname = current_database() "
               "AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL")

    def __init__(self, database_url: str) -> None:
        self.engine = sa.create_engine(database_url)
        self.ports: dict[int, set[int]] = {}

    def worker_of(self, ports: set[int], pids: list[int]) -> int | None:
        for _ in range(2):
            for pid in pids:
                if self.ports.get(pid, set()) & ports:
                    return pid
            self.ports = {pid: _local_ports(pid) for pid in pids}  # a new worker or connection
        return None

    def kill_one_mid_ballot(self, server: Gunicorn, timeout: float = 20) -> int | None:
        with self.engine.connect() as holder, self.engine.connect() as watcher:
            locking = holder.begin()
            holder.exec_driver_sql("LOCK TABLE votes IN SHARE MODE")
            try:
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    ports = set(watcher.execute(sa.text(self.WAITING)).scalars())
                    watcher.rollback()  # a fresh pg_stat_activity snapshot each time
                    pid = self.worker_of(ports, server.workers()) if ports else None
                    if pid is not None:
                        return server.kill_worker(pid)
                    time.sleep(0.005)
                return None
            finally:
                locking.rollback()  # the other ballots go on

    def dispose(self) -> None:
        self.engine.dispose()
