import datetime as dt
import json

import pytest
import sqlalchemy as sa

from app.auth import services
from app.auth.models import REMOVED_NAME, User
from app.auth.passwords import verify_password
from app.conferences.constants import Credential, Segment
from app.errors import ValidationError
from tests.factories import PASSWORD

NOW = dt.datetime(2026, 3, 10, 14, 0, tzinfo=dt.UTC)


GOOD_PASSWORD = "senha-boa-123"


def _register(session, email="maria@exemplo.org", password=GOOD_PASSWORD, name="Maria"):
    return services.register_user(session, display_name=name, email=email, password=password, now=NOW)


def _users(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(User))


# --- registration -----------------------------------------------------------------------

def test_register_creates_a_hashed_account_with_a_normalised_email(session):
    user = _register(session, email="  Maria.Silva@Exemplo.ORG ", name="  Maria  ")
    assert user.id is not None
    assert user.email == "maria.silva@exemplo.org"
    assert user.display_name == "Maria"
    assert user.password_hash.startswith("$argon2id$")
    assert "senha-boa-123" not in user.password_hash
    assert verify_password(user.password_hash, "senha-boa-123")
    assert user.created_at == NOW
    assert user.session_version == 1 and not user.is_admin and user.deleted_at is None


@pytest.mark.parametrize("second", [
    "maria@exemplo.org", "MARIA@EXEMPLO.ORG", "  maria@exemplo.org  ", "Maria@Exemplo.Org\t",
])
def test_duplicate_email_in_any_case_or_whitespace_is_refused(session, second):
    _register(session)
    with pytest.raises(ValidationError) as caught:
        _register(session, email=second, name="Outra")
    assert caught.value.field == "email"
    assert str(caught.value.message) == "Já existe uma conta com este e-mail."
    assert _users(session) == 1


@pytest.mark.parametrize("password, ok", [
    ("1234567", False), ("", False), ("12345678", True), ("x" * 128, True), ("x" * 129, False),
])
def test_password_length_rules(session, password, ok):
    if ok:
        assert _register(session, password=password).id
        return
    with pytest.raises(ValidationError) as caught:
        _register(session, password=password)
    assert caught.value.field == "password"
    assert _users(session) == 0


@pytest.mark.parametrize("email", ["sem-arroba", "a@b", "a @b.org", "@exemplo.org", "", "x" * 250 + "@a.org"])
def test_malformed_email_is_refused(session, email):
    with pytest.raises(ValidationError) as caught:
        _register(session, email=email)
    assert caught.value.field == "email"
    assert _users(session) == 0


def test_blank_display_name_is_refused(session):
    with pytest.raises(ValidationError) as caught:
        _register(session, name="   ")
    assert caught.value.field == "display_name"


def test_registering_claims_an_imported_account_without_password(session, make):
    imported = make.user("Nome da planilha", "joana@exemplo.org", password=None)
    claimed = _register(session, email="Joana@Exemplo.org", name="Joana", password="minha-senha-9")
    assert claimed.id == imported.id
    assert claimed.display_name == "Joana"
    assert verify_password(claimed.password_hash, "minha-senha-9")
    assert _users(session) == 1


def test_an_account_with_a_password_cannot_be_claimed(session, make):
    owner = make.user("Dona", "dona@exemplo.org")
    with pytest.raises(ValidationError):
        _register(session, email="dona@exemplo.org", password="outra-senha-1")
    session.refresh(owner)
    assert owner.display_name == "Dona" and verify_password(owner.password_hash, PASSWORD)


def test_email_of_a_deleted_account_starts_a_new_separate_account(session):
    """Deletion erases the e-mail (LGPD), so nothing ties it to the old account any more."""
    old = _register(session)
    services.delete_account(session, old, password="senha-boa-123", now=NOW)
    new = _register(session, password="nova-senha-123", name="Maria de novo")
    assert new.id != old.id
    assert old.email is None and old.display_name == REMOVED_NAME
    assert services.authenticate(session, email="maria@exemplo.org", password="nova-senha-123") == new


# --- authentication ---------------------------------------------------------------------

@pytest.mark.parametrize("email, password, found", [
    ("ana@exemplo.org", PASSWORD, True),
    ("  ANA@exemplo.org ", PASSWORD, True),
    ("ana@exemplo.org", PASSWORD.upper(), False),
    ("ana@exemplo.org", "", False),
    ("ninguem@exemplo.org", PASSWORD, False),
])
def test_authenticate(session, make, email, password, found):
    user = make.user("Ana", "ana@exemplo.org")
    assert services.authenticate(session, email=email, password=password) == (user if found else None)


def test_imported_account_without_password_cannot_log_in(session, make):
    make.user("Importada", "importada@exemplo.org", password=None)
    assert services.authenticate(session, email="importada@exemplo.org", password="") is None
    assert services.authenticate(session, email="importada@exemplo.org", password="qualquer-coisa") is None


# --- password and sessions --------------------------------------------------------------

def test_change_password_bumps_the_session_version(session, make):
    user = make.user()
    old_id = user.get_id()
    services.change_password(session, user, current=PASSWORD, new="nova-senha-forte")
    assert user.session_version == 2
    assert user.get_id() != old_id
    assert services.authenticate(session, email=user.email, password="nova-senha-forte") == user
    assert services.authenticate(session, email=user.email, password=PASSWORD) is None


@pytest.mark.parametrize("current, new, field", [
    ("errada-123", "nova-senha-forte", "current_password"),
    (PASSWORD, "curta", "new_password"),
    (PASSWORD, "y" * 129, "new_password"),
])
def test_change_password_refusals_change_nothing(session, make, current, new, field):
    user = make.user()
    with pytest.raises(ValidationError) as caught:
        services.change_password(session, user, current=current, new=new)
    assert caught.value.field == field
    assert user.session_version == 1
    assert verify_password(user.password_hash, PASSWORD)


def test_end_all_sessions(session, make):
    user = make.user()
    services.end_all_sessions(session, user)
    services.end_all_sessions(session, user)
    session.expire_all()
    assert session.get(User, user.id).session_version == 3


def test_update_profile_strips_and_refuses_blank(session, make):
    user = make.user("Antigo")
    services.update_profile(session, user, display_name="  Novo Nome ", locale="en")
    assert (user.display_name, user.locale) == ("Novo Nome", "en")
    with pytest.raises(ValidationError) as caught:
        services.update_profile(session, user, display_name=" ")
    assert caught.value.field == "display_name"
    assert user.display_name == "Novo Nome"


# --- deletion and export ----------------------------------------------------------------

def test_delete_account_anonymises_and_keeps_participations(session, make):
    user = make.user("Fulana", "fulana@exemplo.org", admin=True)
    participation = make.participation(make.conference(), user)
    services.delete_account(session, user, password=PASSWORD, now=NOW)
    session.expire_all()
    user = session.get(User, user.id)
    assert user.email is None
    assert user.display_name == REMOVED_NAME == "Participante removido"
    assert user.public_name == REMOVED_NAME
    assert user.password_hash is None
    assert user.deleted_at == NOW
    assert not user.is_admin and not user.is_active
    assert user.session_version == 2
    assert participation.user_id == user.id  # contributions stay, attributed to the removed participant
    assert services.authenticate(session, email="fulana@exemplo.org", password=PASSWORD) is None
    assert services.get_user_by_email(session, "fulana@exemplo.org") is None


def test_delete_account_with_wrong_password_changes_nothing(session, make):
    user = make.user("Fulana", "fulana@exemplo.org")
    with pytest.raises(ValidationError) as caught:
        services.delete_account(session, user, password="errada-123", now=NOW)
    assert caught.value.field == "password"
    session.expire_all()
    user = session.get(User, user.id)
    assert (user.email, user.display_name, user.deleted_at) == ("fulana@exemplo.org", "Fulana", None)


def test_export_has_own_data_and_no_one_elses(session, make):
    me = make.user("Eu Mesma", "eu@exemplo.org")
    other = make.user("Outra Pessoa", "outra@exemplo.org")
    conference = make.conference()
    make.participation(conference, me, segment=Segment.ENTIDADE, organisation="Associação Vida",
                       credential=Credential.DELEGADO)
    make.participation(conference, other, segment=Segment.GOVERNO, organisation="Prefeitura")
    data = services.export_personal_data(session, me, now=NOW)
    assert data["format"] == "plenaria.personal-data/1"
    assert data["generated_at"] == NOW.isoformat()
    assert data["account"]["email"] == "eu@exemplo.org"
    assert data["account"]["display_name"] == "Eu Mesma"
    encoded = json.dumps(data, ensure_ascii=False)  # serialisable as it is
    assert "outra@exemplo.org" not in encoded and "Outra Pessoa" not in encoded
    assert "Prefeitura" not in encoded
    assert data["participations"] == [{
        "conference": conference.slug, "conference_title": conference.title, "segment": "entidade",
        "organisation": "Associação Vida", "credential": "delegado", "role": "participant",
        "checked_in_at": None, "created_at": data["participations"][0]["created_at"],
    }]


def test_set_admin(session, make):
    user = make.user()
    services.set_admin(session, user, is_admin=True)
    assert user.is_admin
    services.set_admin(session, user, is_admin=False)
    assert not user.is_admin
