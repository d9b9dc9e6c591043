"""A throwaway PostgreSQL cluster for the fault tests (initdb in a temporary folder, a free port),
so that restarting it never touches the machine's own server, and databases made and dropped on it."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from bench.servers import free_port  # the benchmarks start gunicorn the same way

# --- a throwaway PostgreSQL cluster -------------------------------------------------------

def postgres_bindir() -> Path | None:
    wanted = os.environ.get("PG_BINDIR")
    if wanted:
        return Path(wanted)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class ThrowawayPostgres:
    """initdb into a temporary folder and serve it on a free port (trust authentication, no
    fsync: nothing here outlives the test session). As root the binaries run as postgres."""

    def __init__(self) -> None:
        bindir = postgres_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL server binaries not found (set PG_BINDIR)")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="plenaria-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()

    def _run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr}\n{log[-2000:]}")
        return result

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")
        self._pg_ctl("start")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=on -c full_page_writes=off -c max_connections=120")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options,
                  *extra, action)

    def restart(self) -> None:
        """A fast restart: sessions are terminated, open transactions rolled back."""
        self._pg_ctl("restart", "-m", "fast")

    def outage(self, seconds: float, while_down: Callable[[], None] | None = None) -> None:
        """Stopped (fast), down for ``seconds`` (running ``while_down`` meanwhile), started
        again: a restart that takes a while."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", "fast", "stop")
        started = time.monotonic()
        try:
            if while_down is not None:
                while_down()
        finally:
            time.sleep(max(0.0, seconds - (time.monotonic() - started)))
            self._pg_ctl("start")

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "30", "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def base_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


def fresh_postgres_database(base_url: str, name: str) -> str:
    """Drop and create ``name`` on the server of ``base_url``; return its URL."""
    url = sa.engine.make_url(base_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url_text: str) -> None:
    url = sa.engine.make_url(url_text)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    except sa.exc.OperationalError:
        pass  # the server is already gone
    admin.dispose()
