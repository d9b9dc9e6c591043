"""Security headers on every kind of response (HSTS in production only), pages that obey the
CSP (a crawl of the seeded world), logged-in pages the browser must not store, and
/.well-known/security.txt. Sessions are in test_sessions.py.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app import create_app
from app.auth import passwords
from app.extensions import db
from config import DevelopmentConfig, TestConfig
from tests.security.access_table import ROWS
from tests.security.test_access_matrix import url_for_row
from tests.security.world import ADMIN, ANON, DELEGATE, OBSERVER, SECRETARY

ROOT = Path(__file__).resolve().parents[2]
HTTPS = "https://plenaria.example"
EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def check_headers(response, *, hsts: bool = False) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives == EXPECTED_CSP, csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("X-Frame-Options") == "DENY"
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin"
    policy = headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy, policy
    if hsts:
        assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    else:
        assert "Strict-Transport-Security" not in headers


INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "a style= attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style\b", re.I),
    "an inline event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "a javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}


def inline_code(page: str) -> list[str]:
    return [name for name, pattern in INLINE.items() if pattern.search(page)]


def assets_are_local(page: str) -> list[str]:
    urls = re.findall(r'<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc="([^"]+)"', page) + re.findall(
        r'<link\b(?=[^>]*\brel="(?:stylesheet|icon|preload|modulepreload|manifest)")[^>]*\bhref="([^"]+)"', page)
    return [u for u in urls if not u.startswith("/") or u.startswith("//")]


# --- a crawl of the seeded world ---------------------------------------------------------------

CRAWL_LIMIT = 220  # pages per actor; the links of filters and pages multiply quickly


def seeds(seeded, actor: str) -> list[tuple[str, object]]:
    """Every GET page of the matrix (with its phase), then whatever they link to."""
    found = [("/", None)]
    for row in ROWS:
        cells = row.methods.get("GET")
        if cells is not None and not row.endpoint.startswith("static"):
            found.append((url_for_row(seeded.app, seeded.world.a, row), row.phase))
    return found


def links(page: str) -> list[str]:
    out = []
    for href in re.findall(r'<a\b[^>]*\bhref="([^"]+)"', page):
        href = href.replace("&amp;", "&").split("#", 1)[0]
        if not href.startswith("/") or href.startswith("//") or href.startswith("/static/"):
            continue
        if urlsplit(href).path.endswith(".pdf"):
            continue  # rendering PDFs is slow; their headers are checked below
        out.append(href)
    return out


@pytest.mark.parametrize("actor", [ANON, DELEGATE, OBSERVER, SECRETARY, ADMIN])
def test_a_crawl_of_the_world_finds_no_inline_code_and_every_header(seeded, actor):
    queue = deque(seeds(seeded, actor))
    seen: set[str] = set()
    problems: list[str] = []
    html_pages = 0
    while queue and len(seen) < CRAWL_LIMIT:
        url, phase = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = seeded.request(actor, "GET", url, phase=phase)  # type: ignore[arg-type]
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        try:
            check_headers(response)
        except AssertionError as error:
            problems.append(f"{url}: headers: {error}")
        if response.mimetype != "text/html":
            continue
        html_pages += 1
        page = response.get_data(as_text=True)
        problems += [f"{url}: {what}" for what in inline_code(page)]
        problems += [f"{url}: asset from elsewhere: {u}" for u in assets_are_local(page)]
        queue.extend((link, phase) for link in links(page) if link not in seen)
    assert not problems, "\n".join(problems[:40])
    print(f"\ncrawl as {actor}: {len(seen)} addresses, {html_pages} HTML pages")
    assert html_pages > 60, html_pages


# --- headers on every kind of response -----------------------------------------------------------

def responses_of_every_kind(seeded) -> dict[str, object]:
    a = seeded.world.a
    big = {"email": "x" * (3 * 1024 * 1024), "password": "y"}
    return {
        "HTML page": seeded.request(ANON, "GET", f"/conferencias/{a.slug}"),
        "JSON (API)": seeded.request(ANON, "GET", f"/api/v1/conferences/{a.slug}"),
        "304 (API, cached)": seeded.request(ANON, "GET", f"/api/v1/conferences/{a.slug}/report/1",
                                            headers={"If-None-Match": "*"}),
        "static CSS": seeded.request(ANON, "GET", "/static/css/plenaria.css"),
        "CSV download": seeded.request(ANON, "GET", f"/conferencias/{a.slug}/relatorio/v1.csv"),
        "JSON download": seeded.request(ANON, "GET", f"/conferencias/{a.slug}/relatorio/v1.json"),
        "redirect": seeded.request(ANON, "GET", f"/conferencias/{a.slug}/gestao/"),
        "403 page": seeded.request(DELEGATE, "GET", f"/conferencias/{a.slug}/gestao/"),
        "404 page": seeded.request(ANON, "GET", "/nao-existe"),
        "404 JSON": seeded.request(ANON, "GET", "/api/v1/conferences/nao-existe"),
        "405 page": seeded.request(ANON, "GET", "/sair"),
        "400 (NUL byte)": seeded.request(ANON, "GET", "/busca?q=%00"),
        "413 page": seeded.request(ANON, "POST", "/entrar", data=big),
        "422 form": seeded.request(ANON, "POST", "/entrar", data={}),
    }


def test_every_kind_of_response_has_the_headers(seeded):
    for kind, response in responses_of_every_kind(seeded).items():
        try:
            check_headers(response)
        except AssertionError as error:
            raise AssertionError(f"{kind}: {error}") from None
    # 429 pages and JSON errors are checked in test_rate_limits.py's app; their headers too:
    from tests.security.test_rate_limits import limited_app

    with seeded.undone(), limited_app(seeded.app, seeded.connection, API_LIMIT="1 per minute",
                                      LOGIN_LIMIT_PER_ADDRESS="1 per minute") as limited:
        client = limited.test_client()
        client.get("/api/v1/conferences")
        client.post("/entrar", data={})
        for response in (client.get("/api/v1/conferences"), client.post("/entrar", data={})):
            assert response.status_code == 429
            check_headers(response)


def test_unhandled_errors_have_the_headers_too():
    broken = create_app(TestConfig, TESTING=False, SQLALCHEMY_DATABASE_URI="sqlite://")

    @broken.route("/quebra")
    def _boom():
        raise RuntimeError("falha interna")

    response = broken.test_client().get("/quebra")
    assert response.status_code == 500
    check_headers(response)
    with broken.app_context():
        db.engine.dispose()


def test_hsts_is_sent_in_production_on_every_kind_of_response(production_app):
    client = production_app.test_client()
    for path in ("/", "/api/v1/conferences", "/static/css/plenaria.css", "/nao-existe", "/api/v1/x"):
        with client.get(path, base_url=HTTPS) as response:
            check_headers(response, hsts=True)


@pytest.mark.parametrize("config", [DevelopmentConfig, TestConfig])
def test_hsts_is_absent_outside_production(config):
    other = create_app(config, SQLALCHEMY_DATABASE_URI="sqlite://", RATELIMIT_ENABLED=False)
    passwords.configure(fast=True)  # DevelopmentConfig set the slow parameters globally
    with other.test_client().get("/static/css/plenaria.css") as response:
        check_headers(response)
    with other.app_context():
        db.engine.dispose()


# --- where to report a vulnerability --------------------------------------------------------------

def test_security_txt_names_the_contact(seeded, monkeypatch):
    response = seeded.request(ANON, "GET", "/.well-known/security.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    fields = dict(line.split(": ", 1) for line in response.get_data(as_text=True).splitlines())
    assert fields["Contact"] == "mailto:" + seeded.app.config["PRIVACY_CONTACT"]  # the default
    expires = dt.datetime.fromisoformat(fields["Expires"].replace("Z", "+00:00"))
    assert dt.timedelta(days=30) < expires - dt.datetime.now(dt.UTC) < dt.timedelta(days=366)
    assert fields["Preferred-Languages"] == "pt-BR, en"
    check_headers(response)
    monkeypatch.setitem(seeded.app.config, "SECURITY_CONTACT", "seguranca@prefeitura.example")
    monkeypatch.setitem(seeded.app.config, "PUBLIC_URL", "https://plenaria.prefeitura.example/")
    text = seeded.request(ANON, "GET", "/.well-known/security.txt").get_data(as_text=True)
    assert "Contact: mailto:seguranca@prefeitura.example\n" in text
    assert "Canonical: https://plenaria.prefeitura.example/.well-known/security.txt\n" in text


def test_logged_in_pages_are_not_stored_by_the_browser(seeded):
    """A CRAS computer is shared: after logging out, the back button must not show the pages."""
    a = seeded.world.a
    for path in ("/conta", f"/conferencias/{a.slug}/gestao/inscricoes/", f"/conferencias/{a.slug}", "/"):
        response = seeded.request(SECRETARY, "GET", path)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store", path
    assert "Cache-Control" not in seeded.request(ANON, "GET", f"/conferencias/{a.slug}").headers
    # Files with their own cache policy keep it (a published version never changes).
    download = seeded.request(SECRETARY, "GET", f"/conferencias/{a.slug}/relatorio/v1.csv")
    assert "immutable" in download.headers["Cache-Control"]
