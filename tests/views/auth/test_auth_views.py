import json
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.auth.models import REMOVED_NAME, User
from app.conferences.constants import Segment
from tests.factories import PASSWORD
from tests.views.helpers import attr, field_error, flashes, login, new_client, tag, text

GOOD = {"display_name": "Maria Aparecida", "email": "maria@exemplo.org", "password": "senha-boa-123",
        "password_confirm": "senha-boa-123", "accept_privacy": "y"}


def users(session):
    return session.scalar(sa.select(sa.func.count()).select_from(User))


def logged_in(client) -> bool:
    response = client.get("/conta")
    return response.status_code == 200


# --- register ---------------------------------------------------------------------------

def test_register_page_has_labelled_fields(client):
    page = text(client.get("/cadastro"))
    for field in ("display_name", "email", "password", "password_confirm", "accept_privacy"):
        assert f'<label for="{field}"' in page
    assert 'autocomplete="new-password"' in page


def test_register_creates_the_account_and_logs_in(client, session):
    response = client.post("/cadastro", data=dict(GOOD, email="  Maria@Exemplo.ORG "))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = session.scalars(sa.select(User)).one()
    assert (user.email, user.display_name) == ("maria@exemplo.org", "Maria Aparecida")
    assert user.password_hash.startswith("$argon2")
    page = text(client.get("/conta"))
    assert "maria@exemplo.org" in page  # the owner sees their e-mail


def test_short_password_keeps_what_was_typed_except_passwords(client, session):
    response = client.post("/cadastro", data=dict(GOOD, password="curta", password_confirm="curta"))
    assert response.status_code == 422
    page = text(response)
    assert attr(tag(page, id="display_name"), "value") == "Maria Aparecida"
    assert attr(tag(page, id="email"), "value") == "maria@exemplo.org"
    assert "curta" not in page
    assert attr(tag(page, id="password"), "value") in (None, "")
    assert attr(tag(page, id="password_confirm"), "value") in (None, "")
    assert field_error(page, "password") == "A senha precisa ter entre 8 e 128 caracteres."
    assert attr(tag(page, id="password"), "aria-describedby") == "password-hint password-error"
    assert attr(tag(page, id="password"), "aria-invalid") == "true"
    assert 'href="#password"' in page  # the error summary links to the field
    assert users(session) == 0


@pytest.mark.parametrize("change, field, message", [
    ({"password_confirm": "outra-senha-1"}, "password_confirm", "As duas senhas não são iguais."),
    ({"accept_privacy": ""}, "accept_privacy", "Para criar a conta, é preciso aceitar o aviso de privacidade."),
    ({"email": "sem-arroba"}, "email", "Informe um e-mail válido, como nome@exemplo.com.br."),
    ({"display_name": ""}, "display_name", "Este campo é obrigatório."),
    ({"password": "x" * 129, "password_confirm": "x" * 129}, "password",
     "A senha precisa ter entre 8 e 128 caracteres."),
])
def test_register_errors_are_shown_beside_their_field(client, session, change, field, message):
    response = client.post("/cadastro", data=dict(GOOD, **change))
    assert response.status_code == 422
    assert field_error(text(response), field) == message
    assert users(session) == 0


@pytest.mark.parametrize("email", ["maria@exemplo.org", "MARIA@exemplo.org", " maria@EXEMPLO.org "])
def test_duplicate_email_on_register(client, session, make, email):
    make.user("Primeira", "maria@exemplo.org")
    session.commit()
    response = client.post("/cadastro", data=dict(GOOD, email=email))
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "email") == "Já existe uma conta com este e-mail."
    assert attr(tag(page, id="display_name"), "value") == "Maria Aparecida"
    assert users(session) == 1
    assert not logged_in(client)


def test_register_claims_an_imported_account(client, session, make):
    imported = make.user("Da planilha", "joana@exemplo.org", password=None)
    session.commit()
    response = client.post("/cadastro", data=dict(GOOD, email="joana@exemplo.org", display_name="Joana"))
    assert response.status_code == 302
    session.expire_all()
    assert users(session) == 1
    assert session.get(User, imported.id).display_name == "Joana"


@pytest.mark.parametrize("target, expected", [
    ("/conferencias/x", "/conferencias/x"), ("//evil.com", "/"), ("https://evil.com", "/"),
])
def test_register_next_is_never_an_open_redirect(client, target, expected):
    response = client.post("/cadastro?next=" + target, data=GOOD)
    assert response.headers["Location"] == expected


# --- login ------------------------------------------------------------------------------

@pytest.fixture
def ana(make, session):
    user = make.user("Ana", "ana@exemplo.org")
    session.commit()
    return user


def test_login_with_the_right_password(client, ana):
    response = client.post("/entrar", data={"email": " ANA@exemplo.org", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Você entrou como Ana." in flashes(text(client.get("/")))
    assert logged_in(client)


@pytest.mark.parametrize("email, password", [("ana@exemplo.org", "errada-123"), ("ninguem@exemplo.org", PASSWORD)])
def test_login_failure_says_the_same_thing_and_opens_no_session(client, ana, email, password):
    response = client.post("/entrar", data={"email": email, "password": password})
    assert response.status_code == 422
    page = text(response)
    assert "E-mail ou senha incorretos." in page
    assert attr(tag(page, id="email"), "value") == email
    assert password not in page
    assert not logged_in(client)


@pytest.mark.parametrize("target, expected", [
    ("/conferencias/viii", "/conferencias/viii"),
    ("/conta?aba=dados", "/conta?aba=dados"),
    ("//evil.com", "/"),
    ("https://evil.com", "/"),
    ("http://evil.com/conta", "/"),
    ("/\\evil.com", "/"),
    ("\\\\evil.com", "/"),
    ("javascript:alert(1)", "/"),
    ("/\t/evil.com", "/"),
    ("", "/"),
])
def test_login_next_is_never_an_open_redirect(client, ana, target, expected):
    response = client.post("/entrar", data={"email": "ana@exemplo.org", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_page_carries_next_in_a_hidden_field(client):
    page = text(client.get("/entrar?next=/conferencias/x/participar"))
    assert attr(tag(page, id="next"), "value") == "/conferencias/x/participar"


@pytest.mark.parametrize("path", ["/conta", "/conta/senha", "/conta/excluir", "/conta/meus-dados.json"])
def test_account_pages_need_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/entrar" and parse_qs(location.query)["next"] == [path]


# --- logout and other sessions ----------------------------------------------------------

def _two_clients(app, user):
    first, second = new_client(app), new_client(app)
    login(first, user)
    login(second, user)
    assert logged_in(first) and logged_in(second)
    return first, second


def test_logout_ends_every_session(app, session, ana):
    first, second = _two_clients(app, ana)
    response = first.post("/sair")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not logged_in(first)
    assert not logged_in(second)


def test_logout_is_a_post(client):
    assert client.get("/sair").status_code == 405


def test_password_change_keeps_this_session_and_ends_the_others(app, session, ana):
    first, second = _two_clients(app, ana)
    response = first.post("/conta/senha", data={"current_password": PASSWORD, "new_password": "nova-senha-99",
                                                "new_password_confirm": "nova-senha-99"})
    assert response.status_code == 302
    assert logged_in(first)
    assert not logged_in(second)
    third = new_client(app)
    assert third.post("/entrar", data={"email": "ana@exemplo.org", "password": PASSWORD}).status_code == 422
    assert third.post("/entrar", data={"email": "ana@exemplo.org", "password": "nova-senha-99"}).status_code == 302


@pytest.mark.parametrize("data, field, message", [
    ({"current_password": "errada-123", "new_password": "nova-senha-99", "new_password_confirm": "nova-senha-99"},
     "current_password", "A senha atual não confere."),
    ({"current_password": PASSWORD, "new_password": "curta", "new_password_confirm": "curta"},
     "new_password", "A senha precisa ter entre 8 e 128 caracteres."),
    ({"current_password": PASSWORD, "new_password": "nova-senha-99", "new_password_confirm": "outra-senha-99"},
     "new_password_confirm", "As duas senhas não são iguais."),
])
def test_password_change_errors(login_as, session, ana, data, field, message):
    client = login_as(ana)
    response = client.post("/conta/senha", data=data)
    assert response.status_code == 422
    assert field_error(text(response), field) == message
    session.expire_all()
    assert session.get(User, ana.id).session_version == 1


def test_logout_everywhere_keeps_only_this_session(app, session, ana):
    first, second = _two_clients(app, ana)
    assert first.post("/conta/sair-de-todos").status_code == 302
    assert logged_in(first) and not logged_in(second)


# --- profile, export, deletion ----------------------------------------------------------

def test_profile_update(login_as, session, ana):
    client = login_as(ana)
    assert client.post("/conta", data={"display_name": " Ana Maria "}).status_code == 302
    session.expire_all()
    assert session.get(User, ana.id).display_name == "Ana Maria"
    response = client.post("/conta", data={"display_name": ""})
    assert response.status_code == 422
    assert field_error(text(response), "display_name") == "Este campo é obrigatório."


def test_export_downloads_own_data_only(login_as, session, make, ana):
    other = make.user("Beto Vizinho", "beto@exemplo.org")
    conference = make.conference()
    make.participation(conference, ana, segment=Segment.TRABALHADOR)
    make.participation(conference, other, segment=Segment.GOVERNO, organisation="Prefeitura de Beto")
    session.commit()
    response = login_as(ana).get("/conta/meus-dados.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="plenaria-meus-dados.json"'
    body = text(response)
    data = json.loads(body)
    assert data["account"]["email"] == "ana@exemplo.org"
    assert [p["conference"] for p in data["participations"]] == [conference.slug]
    assert "beto@exemplo.org" not in body and "Beto Vizinho" not in body and "Prefeitura de Beto" not in body


def test_delete_account(login_as, session, make, ana):
    participation = make.participation(make.conference(), ana)
    session.commit()
    client = login_as(ana)
    response = client.post("/conta/excluir", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    session.expire_all()
    user = session.get(User, ana.id)
    assert (user.email, user.display_name, user.password_hash) == (None, REMOVED_NAME, None)
    assert user.deleted_at is not None
    assert participation.user_id == ana.id
    assert not logged_in(client)
    again = client.post("/entrar", data={"email": "ana@exemplo.org", "password": PASSWORD})
    assert again.status_code == 422


@pytest.mark.parametrize("data, field, message", [
    ({"password": "errada-123", "confirm": "y"}, "password", "A senha não confere."),
    ({"password": PASSWORD}, "confirm", "Marque a caixa para confirmar a exclusão."),
])
def test_delete_account_refusals(login_as, session, ana, data, field, message):
    client = login_as(ana)
    response = client.post("/conta/excluir", data=data)
    assert response.status_code == 422
    assert field_error(text(response), field) == message
    session.expire_all()
    assert session.get(User, ana.id).email == "ana@exemplo.org"
    assert logged_in(client)
