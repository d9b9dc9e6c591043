"""Starting and stopping gunicorn servers for the benchmarks, and reading their memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess  # noqa: S404 - starts gunicorn with a fixed argument list
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


@contextmanager
def gunicorn(app_spec: str, *, workers: int = 2, env: dict[str, str] | None = None, port: int | None = None):
    """Yield (port, process) for `gunicorn app_spec` serving on 127.0.0.1."""
    port = port or free_port()
    environment = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [GUNICORN, "--no-control-socket", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
         "--log-level", "warning", app_spec],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port)
        yield port, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def worker_pids(master_pid: int) -> list[int]:
    """The live children of a gunicorn master (zombies excluded), read from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # (the command name may hold spaces and parentheses)
        if int(fields[1]) == master_pid and fields[0] != "Z":
            pids.append(int(entry.name))
    return sorted(pids)


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the peak resident set size of a live process."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def workers_peak_rss_mb(master_pid: int) -> float:
    return max((peak_rss_mb(pid) for pid in worker_pids(master_pid)), default=0.0)
