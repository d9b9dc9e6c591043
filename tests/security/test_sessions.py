"""Sessions: a new one at login, the others ended by logout, a password change and "sair de
todos os dispositivos", the idle timeout, the production cookie, and public pages that open no
session at all (docs/security.md, section 9)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time

import pytest
from itsdangerous.timed import TimestampSigner

from app.auth import passwords
from app.extensions import db
from tests.factories import PASSWORD
from tests.security.test_headers import HTTPS, ROOT
from tests.security.world import ANON, SECRETARY

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
