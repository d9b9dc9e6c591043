"""Security headers on every kind of response, pages that obey the CSP (a crawl of the seeded
world), and sessions: a new session on login (no fixation), revocation of the other sessions
on logout, password change and "sair de todos os dispositivos", the idle timeout, and the
production cookie.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from itsdangerous.timed import TimestampSigner

from app import create_app
from app.auth import passwords
from app.extensions import db, limiter
from config import DevelopmentConfig, ProductionConfig, TestConfig
from tests.factories import PASSWORD
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


@pytest.fixture
def production_app(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "um-segredo-de-producao-para-testes")
    monkeypatch.setenv("DATABASE_URL", "postgresql://example/plenaria")
    prod = create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://", RATELIMIT_STORAGE_URI="memory://")
    with prod.app_context():
        db.create_all()
    yield prod
    limiter.reset()
    limiter.enabled = False
    passwords.configure(fast=True)  # ProductionConfig set the slow parameters globally
    with prod.app_context():
        db.session.remove()
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


# --- sessions ------------------------------------------------------------------------------------

def session_cookie(client, name: str = "session") -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie is not None else None


def decoded(app, value: str) -> dict:
    return dict(app.session_interface.get_signing_serializer(app).loads(value))


def form_login(client, email: str, password: str = PASSWORD):
    return client.post("/entrar", data={"email": email, "password": password})


def logged_in(client) -> bool:
    response = client.get("/conta")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_login_starts_a_new_session_and_a_planted_one_does_not_survive(seeded):
    app, email = seeded.app, seeded.world.a.emails["delegate"]
    with seeded.undone():
        victim = seeded.client()
        with victim.session_transaction() as sess:  # the attacker fixes the victim's session
            sess["planted"] = "pelo-atacante"
            sess["lang"] = "en"
        fixed = session_cookie(victim)
        assert fixed is not None
        attacker = seeded.client()
        attacker.set_cookie("session", fixed)

        assert form_login(victim, email).status_code == 302
        fresh = session_cookie(victim)
        assert fresh is not None and fresh != fixed
        data = decoded(app, fresh)
        assert "planted" not in data and data.get("lang") == "en"  # only the language choice is kept
        assert data["_user_id"] == seeded.world.a.tokens["delegate"]
        assert logged_in(victim)
        assert not logged_in(attacker)  # the fixed cookie is still anonymous


@pytest.mark.parametrize("action", ["logout", "password", "everywhere"])
def test_logout_password_change_and_logout_everywhere_end_the_other_sessions(seeded, action):
    email = seeded.world.a.emails["delegate"]
    with seeded.undone():
        phone, laptop = seeded.client(), seeded.client()
        assert form_login(phone, email).status_code == 302
        assert form_login(laptop, email).status_code == 302
        stolen = seeded.client()  # a copy of the phone's cookie, taken before the action
        stolen.set_cookie("session", session_cookie(phone))
        assert logged_in(phone) and logged_in(laptop) and logged_in(stolen)
        if action == "logout":
            assert phone.post("/sair").status_code == 302
        elif action == "password":
            response = phone.post("/conta/senha", data={"current_password": PASSWORD, "new_password": "nova-senha-123",
                                                        "new_password_confirm": "nova-senha-123"})
            assert response.status_code == 302
        else:
            assert phone.post("/conta/sair-de-todos").status_code == 302
        assert not logged_in(laptop)
        assert not logged_in(stolen)
        assert logged_in(phone) == (action != "logout")  # the device that asked stays in, but after logout


@pytest.fixture
def signed_at(monkeypatch):
    """Sign session cookies as if it were ``seconds`` ago (itsdangerous reads time.time())."""

    def _at(seconds_ago: int) -> None:
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds_ago)

    yield _at
    monkeypatch.undo()


def test_an_idle_session_expires(seeded, signed_at):
    lifetime = seeded.app.permanent_session_lifetime
    assert lifetime == dt.timedelta(minutes=120)  # SESSION_IDLE_MINUTES' default
    email = seeded.world.a.emails["delegate"]
    with seeded.undone():
        idle, active = seeded.client(), seeded.client()
        signed_at(int(lifetime.total_seconds()) + 60)  # logged in, then idle a minute past the limit
        assert form_login(idle, email).status_code == 302
        signed_at(int(lifetime.total_seconds()) - 60)  # a minute before the limit
        assert form_login(active, email).status_code == 302
        signed_at(0)
        assert not logged_in(idle)
        before = session_cookie(active)
        assert logged_in(active)
        assert session_cookie(active) != before  # every request renews the idle timer


def test_the_idle_timeout_follows_the_setting(seeded, monkeypatch, signed_at):
    monkeypatch.setitem(seeded.app.config, "PERMANENT_SESSION_LIFETIME", dt.timedelta(minutes=10))
    email = seeded.world.a.emails["delegate"]
    with seeded.undone():
        client = seeded.client()
        signed_at(11 * 60)
        response = form_login(client, email)
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
        expires = re.search(r"Expires=([^;]+)", cookie)
        assert expires, cookie  # a permanent session: the browser drops it after the idle time too
        signed_at(0)
        assert not logged_in(client)


def test_session_idle_minutes_sets_the_lifetime():
    code = "from config import Config; print(int(Config.PERMANENT_SESSION_LIFETIME.total_seconds()))"
    env = dict(os.environ, SESSION_IDLE_MINUTES="15")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(15 * 60)


def test_the_production_cookie_is_host_only_secure_httponly_lax(production_app):
    from app.auth.models import User

    with production_app.app_context():
        db.session.add(User(display_name="Ana", email="ana@exemplo.org", password_hash=passwords.hash_password(PASSWORD),
                            created_at=dt.datetime.now(dt.UTC)))
        db.session.commit()
    client = production_app.test_client()
    page = client.get("/entrar", base_url=HTTPS).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    data = {"email": "ana@exemplo.org", "password": PASSWORD, "csrf_token": token.group(1)}
    # Over HTTPS, Flask-WTF also wants a same-site Referer: a form posted from elsewhere is refused.
    assert client.post("/entrar", base_url=HTTPS, data=data, headers={"Referer": "https://outro.example/"}
                       ).status_code == 400
    response = client.post("/entrar", base_url=HTTPS, data=data, headers={"Referer": HTTPS + "/entrar"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("session=") for c in cookies)
    cookie = next(c for c in cookies if c.startswith("__Host-session="))
    attributes = [part.strip() for part in cookie.split(";")[1:]]
    names = {a.split("=", 1)[0].lower() for a in attributes}
    assert {"secure", "httponly", "path", "samesite"} <= names
    assert "Path=/" in attributes and "SameSite=Lax" in attributes
    assert "domain" not in names  # __Host-: bound to the exact host
    assert client.get("/conta", base_url=HTTPS).status_code == 200


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


def test_reading_public_pages_anonymously_opens_no_session(seeded):
    """A reader gets no session cookie (so public pages can be cached and a million readers
    leave nothing on the server); the display-preferences form on every page carries no token."""
    a = seeded.world.a
    paths = ["/", f"/conferencias/{a.slug}", f"/conferencias/{a.slug}/propostas/",
             f"/conferencias/{a.slug}/propostas/{a.proposals['debated']}",
             f"/conferencias/{a.slug}/votacoes/{a.rounds['closed']}/resultado",
             f"/conferencias/{a.slug}/votacoes/{a.rounds['closed']}/cedulas",
             f"/conferencias/{a.slug}/relatorio", "/privacidade", "/busca?q=proposta"]
    for path in paths:
        response = seeded.request(ANON, "GET", path)
        assert response.status_code == 200, path
        assert not response.headers.getlist("Set-Cookie"), path
        assert 'name="csrf_token"' not in response.get_data(as_text=True), path
    page = seeded.request(SECRETARY, "GET", "/").get_data(as_text=True)
    assert re.search(r'class="prefs"[^>]*>\s*<input type="hidden" name="csrf_token"', page)


def test_display_preferences_need_a_token_only_with_an_account(production_app):
    from app.auth.models import User

    client = production_app.test_client()
    anonymous = client.post("/preferencias", base_url=HTTPS, data={"lang": "en"},
                            headers={"Referer": HTTPS + "/"})
    assert anonymous.status_code == 302
    assert any(c.startswith("lang=en;") for c in anonymous.headers.getlist("Set-Cookie"))
    with production_app.app_context():
        user = User(display_name="Ana", email="ana@exemplo.org", password_hash=passwords.hash_password(PASSWORD),
                    created_at=dt.datetime.now(dt.UTC))
        db.session.add(user)
        db.session.commit()
        token = user.get_id()
    with client.session_transaction(base_url=HTTPS) as sess:
        sess["_user_id"], sess["_fresh"] = token, True
    referer = {"Referer": HTTPS + "/"}
    forged = client.post("/preferencias", base_url=HTTPS, data={"lang": "en"}, headers=referer)
    assert forged.status_code == 400  # a logged-in change of language is saved on the account

    def saved_locale() -> str | None:
        with production_app.app_context():
            return db.session.get(User, int(token.split(":")[0])).locale

    assert saved_locale() != "en"
    page = client.get("/", base_url=HTTPS).get_data(as_text=True)
    csrf = re.search(r'class="prefs"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page)
    assert csrf, "the logged-in page has no token in the preferences form"
    posted = client.post("/preferencias", base_url=HTTPS, data={"lang": "en", "csrf_token": csrf.group(1)},
                         headers=referer)
    assert posted.status_code == 302 and saved_locale() == "en"
