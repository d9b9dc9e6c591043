"""Downloading a report by URL: schemes, private addresses, size cap, redirects, errors."""

from __future__ import annotations

import contextlib
import http.server
import threading
import time
from collections.abc import Iterator

import pytest

from app.errors import ValidationError
from app.reports.fetch import check_url, fetch_report, is_public_address

BODY = '{"schema": "plenaria.report/1"}'


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path == "/report.json":
            self._send(200, BODY.encode())
        elif self.path == "/big.json":
            self._send(200, b"x" * 2048)
        elif self.path == "/big-unannounced.json":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * 2048)
        elif self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        elif self.path == "/to-report":
            self.send_response(302)
            self.send_header("Location", "/report.json")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/slow.json":
            time.sleep(1.5)
            self._send(200, BODY.encode())
        elif self.path == "/latin1.json":
            self._send(200, "{\"a\": \"ação\"}".encode("latin-1"))
        else:
            self._send(404, b"not found")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the timeout test) breaks the pipe: expected


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with local_server() as url:
        yield url


def reason(exc: pytest.ExceptionInfo) -> str:
    assert exc.value.field == "url"
    return str(exc.value.message)


@pytest.mark.parametrize("url", ["ftp://example.org/r.json", "file:///etc/passwd", "javascript:alert(1)",
                                 "example.org/r.json", "http://", "https://user:pw@example.org/r.json", ""])
def test_only_plain_http_and_https_urls(url):
    with pytest.raises(ValidationError):
        check_url(url)


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("192.168.0.10", False), ("172.16.5.4", False), ("169.254.169.254", False), ("::1", False),
    ("fe80::1%eth0", False), ("fc00::1", False), ("0.0.0.0", False),  # noqa: S104 - a value under test ("::ffff:127.0.0.1", False),
    ("224.0.0.1", False), ("100.64.0.1", False), ("not-an-ip", False),
])
def test_public_addresses(address, public):
    assert is_public_address(address) is public


def test_fetches_from_an_allowed_local_server(base):
    assert fetch_report(base + "/report.json", allow_private=True) == BODY


def test_follows_http_redirects(base):
    assert fetch_report(base + "/to-report", allow_private=True) == BODY


def test_refuses_loopback_when_private_addresses_are_not_allowed(base):
    with pytest.raises(ValidationError) as exc:
        fetch_report(base + "/report.json")
    assert "rede interna" in reason(exc)


def test_refuses_a_name_that_resolves_to_loopback(base):
    port = base.rsplit(":", 1)[1]
    with pytest.raises(ValidationError) as exc:
        fetch_report(f"http://localhost:{port}/report.json")
    assert "rede interna" in reason(exc)


def test_size_cap(base):
    with pytest.raises(ValidationError) as exc:
        fetch_report(base + "/big.json", allow_private=True, max_bytes=1024)
    assert "5 MB" in reason(exc)
    with pytest.raises(ValidationError):
        fetch_report(base + "/big-unannounced.json", allow_private=True, max_bytes=1024)


def test_refuses_redirects_to_other_schemes(base):
    with pytest.raises(ValidationError) as exc:
        fetch_report(base + "/to-file", allow_private=True)
    assert "http" in reason(exc)


def test_redirect_loops_end(base):
    with pytest.raises(ValidationError):
        fetch_report(base + "/loop", allow_private=True)


def test_http_errors_are_explained(base):
    with pytest.raises(ValidationError) as exc:
        fetch_report(base + "/missing.json", allow_private=True)
    assert "404" in reason(exc)


def test_timeout(base):
    with pytest.raises(ValidationError) as exc:
        fetch_report(base + "/slow.json", allow_private=True, timeout=0.3)
    assert "demorou" in reason(exc)


def test_text_must_be_utf8(base):
    with pytest.raises(ValidationError) as exc:
        fetch_report(base + "/latin1.json", allow_private=True)
    assert "UTF-8" in reason(exc)


def test_unreachable_host():
    with pytest.raises(ValidationError):
        fetch_report("http://127.0.0.1:9/report.json", allow_private=True, timeout=2)
