import datetime as dt
import json

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.conferences.constants import ConferenceSphere, Porte, Role, Segment
from app.conferences.models import Conference, Participation
from app.conferences.phases import Phase
from tests.views.helpers import attr, conference_form, field_error, flashes, tag, text


@pytest.fixture
def admin(make, session):
    user = make.user("Admin", admin=True)
    session.commit()
    return user


def conferences(session):
    session.expire_all()
    return session.scalars(sa.select(Conference).order_by(Conference.id)).all()


def test_admin_index_lists_conferences_with_their_links(login_as, make, session, admin):
    conf = make.conference(title="Conferência de Jales")
    session.commit()
    page = text(login_as(admin).get("/admin/"))
    assert "Conferência de Jales" in page
    assert f'href="/admin/conferencias/{conf.slug}/secretaria"' in page
    assert f'href="/conferencias/{conf.slug}/gestao/"' in page


def test_the_menu_shows_administration_to_admins_only(login_as, make, session, admin):
    assert 'href="/admin/"' in text(login_as(admin).get("/"))
    other = make.user()
    session.commit()
    assert 'href="/admin/"' not in text(login_as(other).get("/"))


# --- creating a conference --------------------------------------------------------------

def test_new_conference_form_defaults_to_sao_paulo_time(login_as, admin):
    page = text(login_as(admin).get("/admin/conferencias/nova"))
    assert '<option selected value="America/Sao_Paulo">' in page or \
        '<option value="America/Sao_Paulo" selected>' in page


def test_creating_a_conference(login_as, session, admin):
    response = login_as(admin).post("/admin/conferencias/nova", data=conference_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/conferencias/viii-conferencia-2019/secretaria"
    [conf] = conferences(session)
    assert (conf.slug, conf.edition, conf.sphere, conf.uf, conf.ibge_code, conf.porte, conf.phase) == (
        "viii-conferencia-2019", 8, ConferenceSphere.MUNICIPAL, "SP", "3501103", Porte.PEQUENO_I, Phase.PREPARATION)
    assert conf.starts_at == dt.datetime(2019, 9, 26, 15, 30, tzinfo=dt.UTC)  # 12h30 in São Paulo
    assert conf.ends_at == dt.datetime(2019, 9, 26, 20, 30, tzinfo=dt.UTC)
    [event] = session.scalars(sa.select(AuditEvent)).all()
    assert (event.action, event.actor_id, json.loads(event.data)) == (
        "conference.created", admin.id, {"slug": "viii-conferencia-2019"})


def test_a_state_conference_without_town_in_another_timezone(login_as, session, admin):
    data = conference_form(slug="conferencia-estadual-am", sphere="estadual", municipio="", ibge_code="", porte="",
                           uf="AM", timezone="America/Manaus")
    assert login_as(admin).post("/admin/conferencias/nova", data=data).status_code == 302
    [conf] = conferences(session)
    assert (conf.municipio, conf.ibge_code, conf.porte, conf.timezone) == (None, None, None, "America/Manaus")
    assert conf.starts_at == dt.datetime(2019, 9, 26, 16, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize("change, field, message", [
    ({"slug": "Conferência 2019"}, "slug",
     "Use só letras minúsculas sem acento, números e hifens, como viii-conferencia-2019."),
    ({"ends_at": "2019-09-25T12:30"}, "ends_at", "O término precisa ser depois do início."),
    ({"ibge_code": "35011"}, "ibge_code", "O código IBGE do município tem 7 dígitos."),
    ({"starts_at": "26/09/2019 12:30"}, "starts_at", None),
    ({"uf": "XX"}, "uf", None),
    ({"theme": ""}, "theme", "Este campo é obrigatório."),
])
def test_creation_errors_keep_what_was_typed(login_as, session, admin, change, field, message):
    response = login_as(admin).post("/admin/conferencias/nova",
                                    data=conference_form(**dict({"title": "Título digitado"}, **change)))
    assert response.status_code == 422
    page = text(response)
    error = field_error(page, field)
    assert error if message is None else error == message
    assert attr(tag(page, id="title"), "value") == "Título digitado"
    assert "Um espaço de mobilização.</textarea>" in page
    assert conferences(session) == []


def test_duplicate_slug_is_shown_on_the_slug_field(login_as, make, session, admin):
    make.conference(slug="viii-conferencia-2019")
    session.commit()
    response = login_as(admin).post("/admin/conferencias/nova", data=conference_form(title="Outra"))
    assert response.status_code == 422
    assert field_error(text(response), "slug") == "Já existe uma conferência com este endereço (slug)."
    assert len(conferences(session)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


# --- secretaries ------------------------------------------------------------------------

@pytest.fixture
def conf(make, session):
    conference = make.conference(slug="conf-secretaria")
    session.commit()
    return conference


def secretaries(session, conference):
    session.expire_all()
    return session.execute(sa.select(Participation.user_id, Participation.role, Participation.segment)
                           .where(Participation.conference_id == conference.id)
                           .order_by(Participation.id)).all()


def test_naming_a_secretary_gives_access_to_the_panel(app, login_as, make, session, admin, conf):
    person = make.user("Rosa Secretária", "rosa@exemplo.org")
    session.commit()
    client = login_as(admin)
    response = client.post("/admin/conferencias/conf-secretaria/secretaria", data={"email": " ROSA@exemplo.org "})
    assert response.status_code == 302
    page = text(client.get("/admin/conferencias/conf-secretaria/secretaria"))
    assert "Pessoa adicionada à secretaria." in flashes(page)
    assert "Rosa Secretária" in page and "rosa@exemplo.org" not in page
    assert secretaries(session, conf) == [(person.id, Role.SECRETARY, None)]
    assert login_as(person).get("/conferencias/conf-secretaria/gestao/").status_code == 200


@pytest.mark.parametrize("email, message", [
    ("ninguem@exemplo.org", "Não há conta com este e-mail. A pessoa precisa se cadastrar antes."),
    ("", "Este campo é obrigatório."),
])
def test_naming_errors(login_as, session, admin, conf, email, message):
    response = login_as(admin).post("/admin/conferencias/conf-secretaria/secretaria", data={"email": email})
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "email") == message
    assert attr(tag(page, id="email"), "value") in (email, None)
    assert secretaries(session, conf) == []


def test_naming_twice_is_refused(login_as, make, session, admin, conf):
    existing = make.secretary(conf)
    session.commit()
    response = login_as(admin).post("/admin/conferencias/conf-secretaria/secretaria",
                                    data={"email": existing.user.email})
    assert response.status_code == 422
    assert field_error(text(response), "email") == "Esta pessoa já faz parte da secretaria."


def test_removing_secretaries(login_as, make, session, admin, conf):
    only = make.secretary(conf)
    joined = make.participation(conf, segment=Segment.GOVERNO, role=Role.SECRETARY)
    session.commit()
    only_user, joined_user = only.user, joined.user_id
    client = login_as(admin)
    for participation_id in (only.id, joined.id):
        response = client.post(f"/admin/conferencias/conf-secretaria/secretaria/{participation_id}/remover")
        assert response.status_code == 302
    assert secretaries(session, conf) == [(joined_user, Role.PARTICIPANT, Segment.GOVERNO)]
    assert [e.action for e in session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq))] == [
        "secretary.removed", "secretary.removed"]
    assert verify_chain(session).ok
    assert login_as(only_user).get("/conferencias/conf-secretaria/gestao/").status_code == 403


@pytest.mark.parametrize("target", ["participant", "foreign", "unknown"])
def test_removing_someone_who_is_not_a_secretary_here_is_404(login_as, make, session, admin, conf, target):
    participant = make.participation(conf)
    foreign = make.secretary(make.conference())
    session.commit()
    pid = {"participant": participant.id, "foreign": foreign.id, "unknown": 999_999}[target]
    response = login_as(admin).post(f"/admin/conferencias/conf-secretaria/secretaria/{pid}/remover")
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Participation, foreign.id).role == Role.SECRETARY
    assert session.get(Participation, participant.id).role == Role.PARTICIPANT


def test_admin_pages_of_an_unknown_conference_are_404(login_as, admin):
    client = login_as(admin)
    assert client.get("/admin/conferencias/nada/secretaria").status_code == 404
    assert client.get("/conferencias/nada/gestao/").status_code == 404
