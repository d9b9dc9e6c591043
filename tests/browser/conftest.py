"""Real-browser journeys: the app served by gunicorn over a file-backed SQLite database,
driven by the system Chromium through Playwright, with axe checking every page.

- No Chromium: the whole folder is skipped with a clear reason, except under CI=true,
  where a missing browser is an error (these tests must never be skipped in CI).
- One server per pytest-xdist worker. The database (migrated, `flask demo`, then the
  journeys' extra data from tests/browser/seed.py) is built once per run and copied.
- Never `playwright install`: the browser is /usr/bin/chromium (or `chromium` on PATH).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser import helpers
from tests.environment import unavailable

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
MISSING_CHROMIUM = "Chromium não encontrado: instale o pacote chromium para rodar os testes de navegador"
SERVER_START_SECONDS = 60


def find_chromium() -> str | None:
    """/usr/bin/chromium (Debian's package), else `chromium` on PATH; PLENARIA_CHROMIUM names
    another executable (a path that does not exist counts as no browser)."""
    override = os.environ.get("PLENARIA_CHROMIUM")
    candidates = [override] if override else ["/usr/bin/chromium", shutil.which("chromium"),
                                              shutil.which("chromium-browser")]
    return next((c for c in candidates if c and os.path.exists(c)), None)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test of this folder is a browser test, even one that forgets its module mark."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def chromium_path() -> str:
    """Skip the folder without a Chromium; under CI=true, fail instead."""
    path = find_chromium()
    if path is None:
        unavailable(MISSING_CHROMIUM)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium_path: str) -> dict[str, Any]:
    """pytest-playwright launches this instead of a downloaded browser."""
    return {"executable_path": chromium_path, "headless": True, "args": CHROMIUM_ARGS}


# ---- the live server ---------------------------------------------------------------------

def _tool(name: str) -> str:
    local = BIN / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def _server_env(db_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_DATABASE", "PLENARIA_", "FLASK_"))}
    env.update({
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": "browser-tests-not-secret",
        "RATELIMIT_ENABLED": "false",
        "PLENARIA_CONFIG": "development",
        "FLASK_APP": "app:create_app",
        "PYTHONPATH": str(ROOT),
    })
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} falhou ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _build_database(folder: Path) -> None:
    """Migrate, load the demo and the journeys' extra data into folder/template.db."""
    db_path = folder / "template.db"
    env = _server_env(db_path)
    _run([_tool("flask"), "db", "upgrade"], env)
    _run([sys.executable, "-m", "tests.browser.seed", str(folder / "seed.json")], env)  # `flask demo` + extras
    (folder / "ready").write_text("ok")


def _template_database(tmp_path_factory: pytest.TempPathFactory, worker: str) -> Path:
    """Built once per run: xdist workers share the parent of their base temp folders."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker != "master" else base
    folder = shared / "plenaria-browser-template"
    folder.mkdir(exist_ok=True)
    with open(shared / "plenaria-browser-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not (folder / "ready").exists():
                _build_database(folder)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn saiu com {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn não respondeu em {SERVER_START_SECONDS}s:\n{log.read_text()[-4000:]}")


@dataclass
class LiveServer:
    url: str
    seed: dict[str, Any]
    db_path: Path
    log: Path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[LiveServer]:
    template = _template_database(tmp_path_factory, worker_id)
    folder = tmp_path_factory.mktemp("live")
    db_path = folder / "plenaria.db"
    for suffix in ("", "-wal"):
        if (template / f"template.db{suffix}").exists():
            shutil.copyfile(template / f"template.db{suffix}", folder / f"plenaria.db{suffix}")
    seed = json.loads((template / "seed.json").read_text(encoding="utf-8"))
    log = folder / "gunicorn.log"
    for _attempt in range(3):  # a free port can be taken between finding it and binding it
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with open(log, "wb") as out:
            process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [_tool("gunicorn"), "--no-control-socket", "-w", "2", "-b", f"127.0.0.1:{port}",
                 "--timeout", "60", "app:create_app()"],
                cwd=ROOT, env=_server_env(db_path), stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_until_serving(url, process, log)
            break
        except RuntimeError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait(10)
            if _attempt == 2:
                raise
    try:
        yield LiveServer(url=url, seed=seed, db_path=db_path, log=log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-playwright (pytest-base-url) resolves page.goto('/…') against the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def seed(live_server: LiveServer) -> dict[str, Any]:
    return live_server.seed


# ---- browser contexts and the accessibility scan ----------------------------------------------

@dataclass
class ContextFactory:
    """Opens browser contexts for one test: language cookie, viewport, JavaScript on or off."""

    browser: Any
    base_url: str
    scanner: helpers.A11yScanner
    opened: list[Any] = field(default_factory=list)

    def __call__(self, lang: str = "pt_BR", *, js: bool = True, phone: bool = False, **kwargs: Any) -> Any:
        options: dict[str, Any] = {"base_url": self.base_url, "java_script_enabled": js, "locale": "pt-BR"}
        if phone:
            options.update(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True,
                           device_scale_factor=2)
        options.update(kwargs)
        context = self.browser.new_context(**options)
        context.set_default_timeout(20_000)
        context.set_default_navigation_timeout(30_000)
        if lang != "pt_BR":
            context.add_cookies([{"name": "lang", "value": lang, "url": self.base_url}])
        self.scanner.register(context, lang=lang, js=js)
        self.opened.append(context)
        return context

    def page(self, lang: str = "pt_BR", **kwargs: Any) -> Any:
        return self(lang, **kwargs).new_page()

    def close(self) -> None:
        for context in self.opened:
            with contextlib.suppress(Exception):
                context.close()
        self.opened.clear()


@pytest.fixture(scope="session")
def scanner(browser: Any, base_url: str) -> Iterator[helpers.A11yScanner]:
    scanner = helpers.A11yScanner(browser)
    yield scanner
    scanner.close()


@pytest.fixture
def contexts(browser: Any, base_url: str, scanner: helpers.A11yScanner) -> Iterator[ContextFactory]:
    factory = ContextFactory(browser=browser, base_url=base_url, scanner=scanner)
    yield factory
    factory.close()


@pytest.fixture
def a11y(scanner: helpers.A11yScanner, request: pytest.FixtureRequest) -> Callable[..., None]:
    """``a11y(page, "what just happened")``: axe on the page as it is now; fails on serious/critical."""
    def check(page: Any, step: str = "") -> None:
        scanner.check(page, step=step, test=request.node.nodeid)
    return check


# ---- the scan report (numbers for docs/accessibility.md) -------------------------------------

def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    worker = getattr(session.config, "workerinput", {}).get("workerid", "master")
    helpers.write_report(worker)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if _is_worker(config):
        return
    summary = helpers.merge_reports()
    if summary is None:
        return
    terminalreporter.write_sep("-", "acessibilidade (axe)")
    for line in helpers.summary_lines(summary):
        terminalreporter.write_line(line)
