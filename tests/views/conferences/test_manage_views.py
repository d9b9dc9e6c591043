"""Secretary pages. The first part checks who may reach EVERY management route (manage.*,
participants.*, admin.*); the table must list each route of the URL map."""

import datetime as dt
import io
import json
import re
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.auth.models import User
from app.conferences.constants import Credential, MajorityRule, Segment
from app.conferences.models import Conference, Eixo, Participation
from app.conferences.phases import Phase
from tests.views.helpers import attr, conference_form, field_error, flashes, tag, text

CSV = "nome,e-mail,segmento\nNova Pessoa,nova@exemplo.org,usuario\n"
RULES = {"majority_rule": "absolute", "quorum_percent": "60", "proposals_per_participant": "2",
         "reports_to_hide": "3"}


@pytest.fixture
def world(make, session):
    conf = make.conference(phase=Phase.PREPARATION)
    other = make.conference()
    w = SimpleNamespace(
        conf=conf, other=other, secretary=make.secretary(conf),
        participant=make.participation(conf, segment=Segment.USUARIO, credential=Credential.DELEGADO),
        foreign_secretary=make.secretary(other), admin=make.user("Admin", admin=True),
        candidate=make.user("Candidata", "candidata@exemplo.org"),
    )
    session.commit()
    return w


# (endpoint, method, url values, form data) built from the world
ROUTES = {
    ("manage.dashboard", "GET"): lambda w: ({}, None),
    ("manage.edit", "GET"): lambda w: ({}, None),
    ("manage.edit", "POST"): lambda w: ({}, conference_form(slug=w.conf.slug, title="Título novo")),
    ("manage.eixos", "GET"): lambda w: ({}, None),
    ("manage.eixos", "POST"): lambda w: ({}, {"title": "Eixo novo", "description": ""}),
    ("manage.edit_eixo", "GET"): lambda w: ({"eixo_id": w.conf.eixos[0].id}, None),
    ("manage.edit_eixo", "POST"): lambda w: ({"eixo_id": w.conf.eixos[0].id}, {"title": "Renomeado"}),
    ("manage.move_eixo", "POST"): lambda w: ({"eixo_id": w.conf.eixos[0].id}, {"direction": "down"}),
    ("manage.rules", "GET"): lambda w: ({}, None),
    ("manage.rules", "POST"): lambda w: ({}, RULES),
    ("manage.advance_phase", "POST"): lambda w: ({}, {"expected": "preparation"}),
    ("participants.index", "GET"): lambda w: ({}, None),
    ("participants.set_credential", "POST"): lambda w: ({"participation_id": w.participant.id},
                                                         {"credential": "observador"}),
    ("participants.set_presence", "POST"): lambda w: ({"participation_id": w.participant.id}, {"present": "1"}),
    ("participants.bulk", "POST"): lambda w: ({}, {"ids": [w.participant.id], "action": "check_in"}),
    ("participants.import_csv", "GET"): lambda w: ({}, None),
    ("participants.import_csv", "POST"): lambda w: ({}, {"file": (io.BytesIO(CSV.encode()), "lista.csv")}),
    ("participants.import_confirm", "POST"): lambda w: ({}, {"csv_text": CSV}),
    ("admin.index", "GET"): lambda w: ({}, None),
    ("admin.new_conference", "GET"): lambda w: ({}, None),
    ("admin.new_conference", "POST"): lambda w: ({}, conference_form(slug="nova-conferencia")),
    ("admin.secretaries", "GET"): lambda w: ({}, None),
    ("admin.secretaries", "POST"): lambda w: ({}, {"email": "candidata@exemplo.org"}),
    ("admin.remove_secretary", "POST"): lambda w: ({"participation_id": w.secretary.id}, None),
}
WHO = ["anonymous", "participant", "foreign_secretary", "secretary", "admin"]


def test_the_table_lists_every_management_route(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in ("manage", "participants", "admin")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == set(ROUTES)


def written(session):
    """Everything a management route can change, as comparable values."""
    session.expire_all()
    return (
        session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
        session.execute(sa.select(Conference.slug, Conference.title, Conference.phase, Conference.majority_rule)
                        .order_by(Conference.id)).all(),
        session.execute(sa.select(Eixo.id, Eixo.number, Eixo.title).order_by(Eixo.id)).all(),
        session.execute(sa.select(Participation.id, Participation.role, Participation.credential,
                                  Participation.checked_in_at).order_by(Participation.id)).all(),
        session.scalar(sa.select(sa.func.count()).select_from(User)),
    )


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("endpoint, method", list(ROUTES))
def test_who_may_use_each_management_route(app, client, login_as, session, world, endpoint, method, who):
    values, data = ROUTES[(endpoint, method)](world)
    if not endpoint.startswith("admin.") or endpoint == "admin.secretaries" or endpoint == "admin.remove_secretary":
        values = {"slug": world.conf.slug, **values}
    url = app.url_map.bind("localhost").build(endpoint, values, method=method)
    user = {"anonymous": None, "participant": world.participant.user, "foreign_secretary": world.foreign_secretary.user,
            "secretary": world.secretary.user, "admin": world.admin}[who]
    if user is not None:
        login_as(user)
    before = written(session)
    response = client.open(url, method=method, data=data)
    allowed = who == "admin" or (who == "secretary" and not endpoint.startswith("admin."))
    if who == "anonymous":
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/entrar" and parse_qs(location.query)["next"] == [url]
    elif not allowed:
        assert response.status_code == 403
        assert "Acesso negado" in text(response)
    else:
        assert response.status_code in (200, 302), text(response)[:500]
        if response.status_code == 302:
            assert not response.headers["Location"].startswith("/entrar")
        if method == "POST" and endpoint != "participants.import_csv":
            assert written(session) != before  # the allowed request did change something
        return
    assert written(session) == before  # a refused request writes nothing


# --- dashboard --------------------------------------------------------------------------

def test_dashboard_counts_parity_and_presence(login_as, make, session):
    conf = make.conference()
    secretary = make.secretary(conf)
    for segment, n in ((Segment.USUARIO, 2), (Segment.TRABALHADOR, 1), (Segment.GOVERNO, 1)):
        for _ in range(n):
            make.participation(conf, segment=segment, credential=Credential.DELEGADO, checked_in=True)
    make.participation(conf, make.user("Chegou Agora"), segment=Segment.ENTIDADE, checked_in=True)
    make.participation(conf, segment=Segment.ENTIDADE, credential=Credential.OBSERVADOR)
    session.commit()
    page = text(login_as(secretary.user).get(f"/conferencias/{conf.slug}/gestao/"))
    governo = re.search(r"<dt>Governo</dt><dd>(\d+)</dd>", page).group(1)
    civil = re.search(r"<dt>Sociedade civil</dt><dd>(\d+)", page).group(1)
    assert (governo, civil) == ("1", "3")
    assert "Faltam 2 delegados do governo para a paridade." in page
    assert "5 pessoas com presença registrada." in page
    assert "<td>Chegou Agora</td>" in page
    assert "Próxima fase: Debate." in page  # the factory's conference is in the proposals phase
    assert attr(tag(page, name="expected"), "value") == "proposals"


@pytest.mark.parametrize("n", [60])
def test_dashboard_query_count_does_not_grow(login_as, make, session, count_queries, n):
    counts = []
    admin = make.user(admin=True)
    client = login_as(admin)
    for size in (5, n):
        conf = make.conference()
        for i in range(size):
            make.participation(conf, segment=list(Segment)[i % 4], credential=Credential.DELEGADO, checked_in=True)
        session.commit()
        session.expire_all()
        with count_queries() as counter:
            assert client.get(f"/conferencias/{conf.slug}/gestao/").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


# --- editing the conference -------------------------------------------------------------

@pytest.fixture
def sec(make, session):
    conf = make.conference(slug="minha-conferencia", phase=Phase.PREPARATION)
    membership = make.secretary(conf)
    make.conference(slug="ja-existe")
    session.commit()
    return SimpleNamespace(conf=conf, user=membership.user, base=f"/conferencias/{conf.slug}/gestao")


def test_edit_form_shows_local_times(login_as, sec):
    sec.conf.starts_at = dt.datetime(2019, 9, 26, 15, 30, tzinfo=dt.UTC)
    page = text(login_as(sec.user).get(sec.base + "/editar"))
    assert attr(tag(page, id="starts_at"), "value") == "2019-09-26T12:30"
    assert attr(tag(page, id="slug"), "value") == "minha-conferencia"


def test_edit_saves_converts_times_and_audits_changed_fields(login_as, session, sec):
    response = login_as(sec.user).post(sec.base + "/editar", data=conference_form(slug="novo-endereco", venue="Ginásio"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/conferencias/novo-endereco/gestao/"
    session.expire_all()
    conf = session.get(Conference, sec.conf.id)
    assert (conf.slug, conf.venue) == ("novo-endereco", "Ginásio")
    assert conf.starts_at == dt.datetime(2019, 9, 26, 15, 30, tzinfo=dt.UTC)
    event = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "conference.updated")).one()
    assert {"slug", "venue", "starts_at", "title"} <= set(json.loads(event.data)["fields"])


@pytest.mark.parametrize("change, field, message", [
    ({"slug": "ja-existe"}, "slug", "Já existe uma conferência com este endereço (slug)."),
    ({"slug": "Com Espaço"}, "slug",
     "Use só letras minúsculas sem acento, números e hifens, como viii-conferencia-2019."),
    ({"ends_at": "2019-09-26T11:00"}, "ends_at", "O término precisa ser depois do início."),
    ({"ibge_code": "123"}, "ibge_code", "O código IBGE do município tem 7 dígitos."),
    ({"edition": "0"}, "edition", "Use um número de 1 a 200."),
    ({"title": ""}, "title", "Este campo é obrigatório."),
])
def test_edit_errors_keep_what_was_typed(login_as, session, sec, change, field, message):
    data = conference_form(**{"slug": "minha-conferencia", "venue": "Salão Paroquial", **change})
    response = login_as(sec.user).post(sec.base + "/editar", data=data)
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, field) == message
    assert attr(tag(page, id="venue"), "value") == "Salão Paroquial"
    session.expire_all()
    assert session.get(Conference, sec.conf.id).venue == "CRAS"
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


# --- eixos ------------------------------------------------------------------------------

def eixo_titles(session, conf):
    session.expire_all()
    return session.scalars(sa.select(Eixo.title).where(Eixo.conference_id == conf.id).order_by(Eixo.number)).all()


def test_add_edit_and_reorder_eixos(login_as, session, sec):
    client = login_as(sec.user)
    assert client.post(sec.base + "/eixos", data={"title": "Participação social"}).status_code == 302
    assert eixo_titles(session, sec.conf)[-1] == "Participação social"
    first = sec.conf.eixos[0]
    assert client.post(sec.base + f"/eixos/{first.id}/editar", data={"title": "Direito do povo"}).status_code == 302
    assert client.post(sec.base + f"/eixos/{first.id}/mover", data={"direction": "down"}).status_code == 302
    assert eixo_titles(session, sec.conf) == ["Eixo de teste 2", "Direito do povo", "Eixo de teste 3",
                                              "Participação social"]
    client.post(sec.base + f"/eixos/{first.id}/mover", data={"direction": "up"})
    assert eixo_titles(session, sec.conf)[:2] == ["Direito do povo", "Eixo de teste 2"]
    actions = session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions == ["eixo.created", "eixo.updated", "eixo.moved", "eixo.moved"]
    assert verify_chain(session).ok


def test_eixo_errors_and_foreign_eixos(login_as, make, session, sec):
    client = login_as(sec.user)
    response = client.post(sec.base + "/eixos", data={"title": "", "description": "Descrição digitada"})
    assert response.status_code == 422
    assert field_error(text(response), "title") == "Este campo é obrigatório."
    assert "Descrição digitada</textarea>" in text(response)
    foreign = make.conference().eixos[0]
    session.commit()
    assert client.get(sec.base + f"/eixos/{foreign.id}/editar").status_code == 404
    assert client.post(sec.base + f"/eixos/{foreign.id}/editar", data={"title": "x"}).status_code == 404
    assert client.post(sec.base + f"/eixos/{foreign.id}/mover", data={"direction": "up"}).status_code == 404
    assert eixo_titles(session, foreign.conference)[0] == "Eixo de teste 1"


# --- rules ------------------------------------------------------------------------------

def caps_data(conf, **per_eixo):
    data = dict(RULES)
    for i, eixo in enumerate(conf.eixos):
        data[f"caps-{i}-eixo_id"] = str(eixo.id)
        for name, value in per_eixo.get(str(eixo.number), {}).items():
            data[f"caps-{i}-{name}"] = value
    return data


def test_rules_page_and_saving_caps(login_as, session, sec):
    client = login_as(sec.user)
    page = text(client.get(sec.base + "/regras"))
    assert attr(tag(page, id="quorum_percent"), "value") == "50"
    assert all(attr(tag(page, id=f"caps-{i}-eixo_id"), "value") == str(e.id) for i, e in enumerate(sec.conf.eixos))
    response = client.post(sec.base + "/regras", data=caps_data(sec.conf, **{"2": {"cap_estadual": "4"}}))
    assert response.status_code == 302
    session.expire_all()
    conf = session.get(Conference, sec.conf.id)
    assert (conf.majority_rule, conf.quorum_percent, conf.proposals_per_participant) == (MajorityRule.ABSOLUTE, 60, 2)
    assert [(e.cap_municipal, e.cap_estadual) for e in conf.eixos] == [(None, None), (None, 4), (None, None)]


def test_zero_is_a_valid_quorum_and_means_no_proposal_limit(login_as, session, sec):
    """The form says "0 para não limitar": zero must not be taken for an empty field."""
    data = dict(caps_data(sec.conf), quorum_percent="0", proposals_per_participant="0")
    response = login_as(sec.user).post(sec.base + "/regras", data=data)
    assert response.status_code == 302, field_error(text(response), "proposals_per_participant")
    session.expire_all()
    conf = session.get(Conference, sec.conf.id)
    assert (conf.quorum_percent, conf.proposals_per_participant) == (0, 0)


@pytest.mark.parametrize("change, field, message", [
    ({"quorum_percent": "150"}, "quorum_percent", "Use um número de 0 a 100."),
    ({"majority_rule": "sorteio"}, "majority_rule", None),
    ({"caps-0-cap_municipal": "-2"}, None, "Use um número igual ou maior que zero."),
])
def test_rules_errors(login_as, session, sec, change, field, message):
    response = login_as(sec.user).post(sec.base + "/regras", data=dict(caps_data(sec.conf), **change))
    assert response.status_code == 422
    if field:
        assert field_error(text(response), field)
    if message:
        assert message in text(response)
    session.expire_all()
    assert session.get(Conference, sec.conf.id).quorum_percent == 50


def test_rules_with_an_eixo_of_another_conference_change_nothing(login_as, make, session, sec):
    foreign = make.conference().eixos[0]
    session.commit()
    data = dict(caps_data(sec.conf), **{"caps-0-eixo_id": str(foreign.id), "caps-0-cap_municipal": "1"})
    response = login_as(sec.user).post(sec.base + "/regras", data=data)
    assert response.status_code == 422
    assert "Eixo desconhecido nesta conferência." in text(response)
    session.expire_all()
    assert session.get(Eixo, foreign.id).cap_municipal is None
    assert session.get(Conference, sec.conf.id).quorum_percent == 50


# --- phase ------------------------------------------------------------------------------

def test_advance_phase_and_stale_clicks(login_as, session, sec):
    client = login_as(sec.user)
    assert client.post(sec.base + "/fase", data={"expected": "preparation"}).status_code == 302
    assert "A conferência passou para a fase: Envio de propostas." in flashes(text(client.get(sec.base + "/")))
    response = client.post(sec.base + "/fase", data={"expected": "preparation"})  # a second, stale click
    assert response.status_code == 302
    page = text(client.get(sec.base + "/"))
    assert "A fase já foi alterada por outra pessoa. Confira a fase atual." in flashes(page)
    session.expire_all()
    assert session.get(Conference, sec.conf.id).phase == Phase.PROPOSALS
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


@pytest.mark.parametrize("data", [{}, {"expected": "fim-do-mundo"}])
def test_advance_phase_with_a_bad_form_is_400(login_as, session, sec, data):
    assert login_as(sec.user).post(sec.base + "/fase", data=data).status_code == 400
    session.expire_all()
    assert session.get(Conference, sec.conf.id).phase == Phase.PREPARATION
