"""Error pages, security headers, CSRF, login rate limiting, cookies and CSP-clean pages."""

import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app import create_app
from app.auth import passwords
from app.conferences.phases import Phase
from app.errors import ConflictError, PermissionDenied
from app.extensions import db, limiter
from config import ProductionConfig, TestConfig
from tests.factories import PASSWORD
from tests.views.helpers import attr, html_element, login, new_client, tag, text


@pytest.fixture
def client(app, session):
    return new_client(app)  # a fresh flask.g per request (see tests/views/helpers.py)


# --- error pages ------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, status, title", [
    ("GET", "/nao-existe", 404, "Página não encontrada"),
    ("GET", "/conferencias/nao-existe", 404, "Página não encontrada"),
    ("GET", "/sair", 405, "Método não permitido"),
    ("POST", "/busca", 405, "Método não permitido"),
])
def test_friendly_html_error_pages(client, method, path, status, title):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = text(response)
    assert f"<h1>{title}</h1>" in page
    assert f"Código do erro: {status}" in page
    assert 'href="/"' in page and attr(html_element(page), "lang") == "pt-BR"
    assert "Traceback" not in page and "werkzeug" not in page.lower()


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nao-existe")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert response.get_json()["error"]["status"] == 404


def test_too_large_a_request_is_413(client):
    response = client.post("/entrar", data={"email": "x" * (3 * 1024 * 1024), "password": "y"})
    assert response.status_code == 413
    assert "<h1>Arquivo grande demais</h1>" in text(response)


@pytest.fixture
def crashing_app(app):
    """An app that does not propagate exceptions (TESTING off), with routes that fail."""
    broken = create_app(TestConfig, TESTING=False, SQLALCHEMY_DATABASE_URI="sqlite://")

    @broken.route("/quebra")
    def _boom():
        raise RuntimeError("segredo interno")

    @broken.route("/banco")
    def _db_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    @broken.route("/recusa")
    def _refused():
        raise PermissionDenied("Só a secretaria pode.")

    @broken.route("/api/v1/conflito")
    def _conflict():
        raise ConflictError("Já mudou.")

    yield broken
    with broken.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path, status, title, message", [
    ("/quebra", 500, "Erro interno", "Algo deu errado do nosso lado."),
    ("/banco", 503, "Serviço indisponível no momento", "O banco de dados não respondeu."),
    ("/recusa", 403, "Acesso negado", "Só a secretaria pode."),
])
def test_unhandled_errors_are_friendly_and_leak_nothing(crashing_app, path, status, title, message):
    response = crashing_app.test_client().get(path)
    assert response.status_code == status
    page = text(response)
    assert f"<h1>{title}</h1>" in page and message in page
    assert "segredo interno" not in page and "Traceback" not in page and "connection refused" not in page
    if status == 503:
        assert response.headers["Retry-After"] == "5"


def test_domain_errors_under_api_are_json(crashing_app):
    response = crashing_app.test_client().get("/api/v1/conflito")
    assert response.status_code == 409
    assert response.get_json() == {"error": {"status": 409, "title": "Não foi possível concluir",
                                             "message": "Já mudou."}}


# --- security headers -------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/entrar", "/api/v1/conferences", "/nao-existe", "/static/css/plenaria.css"])
def test_security_headers_everywhere(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # only in production


def test_pages_obey_the_csp_and_use_no_cdn(client, make, session):
    conference = make.conference(phase=Phase.PROPOSALS)
    session.commit()
    for path in ("/", "/entrar", "/cadastro", f"/conferencias/{conference.slug}", "/privacidade",
                 "/acessibilidade", "/busca?q=x", "/nao-existe"):
        page = text(client.get(path))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path  # no inline script
        assert not re.search(r"\sstyle=", page) and "<style" not in page, path  # no inline style
        assert not re.search(r"\son[a-z]+=", page), path  # no inline event handlers
        assets = re.findall(r'<(?:script|img)\b[^>]*\bsrc="([^"]+)"', page) + re.findall(
            r'<link\b(?=[^>]*\brel="(?:stylesheet|icon)")[^>]*\bhref="([^"]+)"', page)
        assert assets, path
        for url in assets:
            assert url.startswith("/") and not url.startswith("//"), (path, url)


# --- CSRF -------------------------------------------------------------------------------

@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def token_from(page: str) -> str:
    value = attr(tag(page, name="csrf_token"), "value")
    assert value, "no csrf_token in the page"
    return value


CSRF_MESSAGE = "O formulário expirou ou veio de outro site. Recarregue a página e envie de novo."


@pytest.mark.parametrize("path, data", [
    ("/entrar", {"email": "ana@exemplo.org", "password": PASSWORD}),
    ("/cadastro", {"display_name": "X", "email": "x@exemplo.org", "password": "12345678",
                   "password_confirm": "12345678", "accept_privacy": "y"}),
])
def test_post_without_token_is_refused_with_a_friendly_400(client, session, csrf_on, path, data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    page = text(response)
    assert "<h1>Pedido inválido</h1>" in page and CSRF_MESSAGE in page
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]
    assert client.post(path, data=dict(data, csrf_token="forjado")).status_code == 400


def test_display_preferences_want_a_token_only_from_a_logged_in_visitor(client, make, session, csrf_on, login_as):
    """Anonymous: only display cookies change (and pages open no session); logged in: the
    language is saved on the account, so a forged post is refused like any other form."""
    assert client.post("/preferencias", data={"contraste": "1"}).status_code == 302
    user = make.user("Ana", "ana@exemplo.org")
    session.commit()
    response = login_as(user).post("/preferencias", data={"lang": "en"})
    assert response.status_code == 400 and CSRF_MESSAGE in text(response)
    assert not any(c.startswith("lang=") for c in response.headers.getlist("Set-Cookie"))
    session.expire_all()
    assert user.locale != "en"


def test_the_page_token_is_accepted(client, make, session, csrf_on):
    make.user("Ana", "ana@exemplo.org")
    session.commit()
    page = text(client.get("/entrar"))
    response = client.post("/entrar", data={"email": "ana@exemplo.org", "password": PASSWORD,
                                            "csrf_token": token_from(page)})
    assert response.status_code == 302
    page = text(client.get("/conta"))
    assert client.post("/preferencias", data={"lang": "en", "csrf_token": token_from(page)}).status_code == 302


def test_management_posts_need_the_token_and_write_nothing(client, make, session, csrf_on):
    conference = make.conference(phase=Phase.PREPARATION)
    secretary = make.secretary(conference)
    session.commit()
    login(client, secretary.user)
    response = client.post(f"/conferencias/{conference.slug}/gestao/fase", data={"expected": "preparation"})
    assert response.status_code == 400 and CSRF_MESSAGE in text(response)
    session.expire_all()
    assert conference.phase == Phase.PREPARATION
    page = text(client.get(f"/conferencias/{conference.slug}/gestao/"))
    data = {"expected": "preparation", "csrf_token": token_from(page)}
    assert client.post(f"/conferencias/{conference.slug}/gestao/fase", data=data).status_code == 302
    session.expire_all()
    assert conference.phase == Phase.PROPOSALS


def test_another_session_token_is_refused(app, client, session, csrf_on):
    stranger = new_client(app)
    foreign_token = token_from(text(stranger.get("/entrar")))
    text(client.get("/entrar"))
    response = client.post("/entrar", data={"email": "a@b.org", "password": "x", "csrf_token": foreign_token})
    assert response.status_code == 400


# --- rate limiting ----------------------------------------------------------------------

@contextmanager
def limited_app(app, **limits):
    """A second app with the limiter on, sharing the test's database connection.

    Flask-Limiter 4 reads RATELIMIT_ENABLED once, in init_app (TestConfig switches it off, so
    the test app never registers its hooks); the limiter object is global, so it is switched
    off and emptied again afterwards.
    """
    shared = db._app_engines[app][None]  # the session fixture's connection
    limited = create_app(TestConfig, RATELIMIT_ENABLED=True, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         **limits)
    engines = db._app_engines[limited]
    own_engine = engines[None]
    engines[None] = shared
    limiter.reset()
    try:
        yield limited
    finally:
        limiter.reset()
        limiter.enabled = False
        engines[None] = own_engine
        own_engine.dispose()


@pytest.fixture
def ana(make, session):
    user = make.user("Ana", "ana@exemplo.org")
    make.user("Beto", "beto@exemplo.org")
    session.commit()
    return user


WRONG = "errada-123"


def attempt(client, email="ana@exemplo.org", password=WRONG, addr="127.0.0.1"):
    return client.post("/entrar", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": addr})


def assert_429(response):
    assert response.status_code == 429
    page = text(response)
    assert "<h1>Muitas tentativas</h1>" in page
    assert "Aguarde alguns minutos e tente de novo." in page
    assert int(response.headers["Retry-After"]) > 0


def test_login_is_limited_per_account(app, session, ana):
    with limited_app(app, LOGIN_LIMIT_PER_ACCOUNT="3 per minute", LOGIN_LIMIT_PER_ADDRESS="100 per minute") as limited:
        client = limited.test_client()
        assert [attempt(client).status_code for _ in range(3)] == [422, 422, 422]
        assert_429(attempt(client))
        assert_429(attempt(client, email=" ANA@exemplo.org", password=PASSWORD))  # same account, any spelling
        assert_429(attempt(client, addr="10.0.0.9"))  # from another address too
        assert attempt(client, email="beto@exemplo.org").status_code == 422  # other accounts are not blocked
        assert [client.get("/entrar").status_code for _ in range(5)] == [200] * 5  # reading the form is free


def test_login_is_limited_per_address(app, session, ana):
    with limited_app(app, LOGIN_LIMIT_PER_ACCOUNT="100 per minute", LOGIN_LIMIT_PER_ADDRESS="4 per minute") as limited:
        client = limited.test_client()
        statuses = [attempt(client, email=f"p{i}@exemplo.org").status_code for i in range(4)]
        assert statuses == [422] * 4
        assert_429(attempt(client, email="ana@exemplo.org", password=PASSWORD))
        assert attempt(client, email="ana@exemplo.org", password=PASSWORD, addr="10.0.0.2").status_code == 302


def test_registration_is_limited(app, session):
    with limited_app(app, REGISTER_LIMIT="2 per minute") as limited:
        client = limited.test_client()
        bad = {"display_name": "X", "email": "x@exemplo.org", "password": "curta", "password_confirm": "curta"}
        assert [client.post("/cadastro", data=bad).status_code for _ in range(2)] == [422, 422]
        assert_429(client.post("/cadastro", data=bad))


def test_the_test_app_itself_is_not_limited_after_a_limited_test(client, session, ana):
    with limited_app(client.application, LOGIN_LIMIT_PER_ACCOUNT="1 per minute"):
        pass
    assert [attempt(client).status_code for _ in range(5)] == [422] * 5


# --- cookies and production settings ----------------------------------------------------

def test_session_cookie_is_httponly_and_samesite_lax(client, session, ana):
    response = client.post("/entrar", data={"email": "ana@exemplo.org", "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development and tests


@pytest.fixture
def production_app(app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "um-segredo-de-producao")
    monkeypatch.setenv("DATABASE_URL", "postgresql://example/plenaria")
    prod = create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://", RATELIMIT_STORAGE_URI="memory://")
    yield prod
    limiter.reset()
    limiter.enabled = False
    passwords.configure(fast=True)  # ProductionConfig set the slow parameters globally
    with prod.app_context():
        db.engine.dispose()


def test_production_cookies_are_secure_and_hsts_is_sent(production_app):
    response = production_app.test_client().get("/entrar")  # the CSRF token opens a session
    assert response.status_code == 200
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    refused = production_app.test_client().post("/entrar", data={"email": "a@b.org", "password": "x"})
    assert refused.status_code == 400  # CSRF is on outside tests


def test_production_needs_secret_key_and_database_url(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app(ProductionConfig)


def test_passwords_are_hashed_with_argon2id(client, session):
    client.post("/cadastro", data={"display_name": "Hash", "email": "hash@exemplo.org", "password": "senha-boa-123",
                                   "password_confirm": "senha-boa-123", "accept_privacy": "y"})
    from app.auth.models import User

    stored = session.scalar(sa.select(User.password_hash).where(User.email == "hash@exemplo.org"))
    assert stored.startswith("$argon2id$") and "senha-boa-123" not in stored


@pytest.mark.parametrize(("method", "url", "data"), [
    ("get", "/busca?q=a%00b", None),
    ("get", "/conferencias/x%00y", None),
    ("get", "/api/v1/conferences/x%00", None),
    ("post", "/cadastro", {"display_name": "Ana\x00", "email": "ana@exemplo.org", "password": "senha-boa-1",
                           "password_confirm": "senha-boa-1", "accept_privacy": "y"}),
])
def test_nul_bytes_are_refused_with_a_clear_400_and_nothing_is_written(client, session, method, url, data):
    from app.auth.models import User

    before = session.scalar(sa.select(sa.func.count()).select_from(User))
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 400
    assert "caractere nulo" in text(response)
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == before
