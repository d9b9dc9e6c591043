import io
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.auth.models import User
from app.conferences.constants import Credential, Segment
from app.conferences.models import Participation
from app.conferences.phases import Phase
from tests.views.helpers import attr, field_error, flashes, tag, text


@pytest.fixture
def sec(make, session):
    conf = make.conference(slug="conf-lista", phase=Phase.VOTING)
    membership = make.secretary(conf)
    people = SimpleNamespace(
        ana=make.participation(conf, make.user("Ana Usuária", "ana@exemplo.org"), segment=Segment.USUARIO,
                               credential=Credential.DELEGADO, checked_in=True),
        beto=make.participation(conf, make.user("Beto Trabalhador", "beto@exemplo.org"),
                                segment=Segment.TRABALHADOR),
        cida=make.participation(conf, make.user("Cida Entidade", "cida@exemplo.org"), segment=Segment.ENTIDADE,
                                organisation="Lar São Vicente", credential=Credential.OBSERVADOR),
        davi=make.participation(conf, make.user("Davi Governo", "davi@exemplo.org"), segment=Segment.GOVERNO,
                                organisation="Prefeitura", credential=Credential.DELEGADO),
    )
    stranger = make.participation(make.conference(), make.user("Estranho", "estranho@exemplo.org"))
    session.commit()
    return SimpleNamespace(conf=conf, user=membership.user, people=people, stranger=stranger,
                           base=f"/conferencias/{conf.slug}/gestao/inscricoes")


def names(page):
    return re.findall(r'<label for="sel-\d+">([^<]+)</label>', page)


def events(session):
    return session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)).all()


def counts(session):
    return (session.scalar(sa.select(sa.func.count()).select_from(User)),
            session.scalar(sa.select(sa.func.count()).select_from(Participation)),
            session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)))


# --- the list ---------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("", ["Ana Usuária", "Beto Trabalhador", "Cida Entidade", "Davi Governo"]),
    ("?segmento=entidade", ["Cida Entidade"]),
    ("?credencial=delegado", ["Ana Usuária", "Davi Governo"]),
    ("?credencial=pending", ["Beto Trabalhador"]),
    ("?presenca=sim", ["Ana Usuária"]),
    ("?presenca=nao", ["Beto Trabalhador", "Cida Entidade", "Davi Governo"]),
    ("?q=vicente", ["Cida Entidade"]),
    ("?q=BETO", ["Beto Trabalhador"]),
    ("?segmento=governo&credencial=delegado", ["Davi Governo"]),
    ("?segmento=inexistente", ["Ana Usuária", "Beto Trabalhador", "Cida Entidade", "Davi Governo"]),
])
def test_filters(login_as, sec, query, expected):
    page = text(login_as(sec.user).get(sec.base + "/" + query))
    assert names(page) == expected
    assert f"{len(expected)} inscriç" in page


def test_the_list_shows_no_email_address(login_as, sec):
    page = text(login_as(sec.user).get(sec.base + "/"))
    assert "@" not in page


@pytest.mark.parametrize("n", [60])
def test_list_query_count_does_not_grow(login_as, make, session, count_queries, n):
    admin = make.user(admin=True)
    client = login_as(admin)
    counts_ = []
    for size in (5, n):
        conf = make.conference()
        for i in range(size):
            make.participation(conf, segment=list(Segment)[i % 4], checked_in=i % 3 == 0)
        session.commit()
        session.expire_all()
        with count_queries() as counter:
            page = text(client.get(f"/conferencias/{conf.slug}/gestao/inscricoes/"))
        assert len(names(page)) == min(size, 50)
        counts_.append(counter.count)
    assert counts_[0] == counts_[1]


def test_pagination_keeps_the_filters(login_as, make, session):
    conf = make.conference()
    secretary = make.secretary(conf)
    for i in range(55):
        make.participation(conf, make.user(f"Pessoa {i:02d}"), segment=Segment.USUARIO)
    session.commit()
    client = login_as(secretary.user)
    page = text(client.get(f"/conferencias/{conf.slug}/gestao/inscricoes/?segmento=usuario"))
    assert "Página 1 de 2" in page
    assert re.search(r'href="[^"]*segmento=usuario[^"]*page=2|href="[^"]*page=2[^"]*segmento=usuario', page)
    second = text(client.get(f"/conferencias/{conf.slug}/gestao/inscricoes/?segmento=usuario&page=2"))
    assert names(second) == [f"Pessoa {i:02d}" for i in range(50, 55)]


# --- one by one -------------------------------------------------------------------------

def test_set_credential_returns_to_the_filtered_list(login_as, session, sec):
    back = sec.base + "/?segmento=trabalhador"
    response = login_as(sec.user).post(sec.base + f"/{sec.people.beto.id}/credencial",
                                       data={"credential": "delegado", "back": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    session.expire_all()
    assert session.get(Participation, sec.people.beto.id).credential == Credential.DELEGADO
    [event] = events(session)
    assert (event.action, event.subject_id) == ("participation.accredited", sec.people.beto.id)


@pytest.mark.parametrize("back", ["https://evil.com/", "//evil.com", "/conferencias/outra/gestao/inscricoes/"])
def test_back_never_leaves_the_list(login_as, sec, back):
    response = login_as(sec.user).post(sec.base + f"/{sec.people.beto.id}/presenca", data={"present": "1", "back": back})
    assert response.headers["Location"] == sec.base + "/"


def test_invalid_credential_changes_nothing(login_as, session, sec):
    client = login_as(sec.user)
    assert client.post(sec.base + f"/{sec.people.beto.id}/credencial", data={"credential": "rei"}).status_code == 302
    assert "Escolha uma credencial válida." in flashes(text(client.get(sec.base + "/")))
    session.expire_all()
    assert session.get(Participation, sec.people.beto.id).credential == Credential.PENDING
    assert events(session) == []


@pytest.mark.parametrize("route", ["credencial", "presenca"])
def test_a_participation_of_another_conference_is_404(login_as, session, sec, route):
    response = login_as(sec.user).post(sec.base + f"/{sec.stranger.id}/{route}",
                                       data={"credential": "delegado", "present": "1"})
    assert response.status_code == 404
    session.expire_all()
    stranger = session.get(Participation, sec.stranger.id)
    assert (stranger.credential, stranger.checked_in_at) == (Credential.PENDING, None)


def test_check_in_and_undo(login_as, session, sec):
    client = login_as(sec.user)
    beto = sec.people.beto
    client.post(sec.base + f"/{beto.id}/presenca", data={"present": "1"})
    page = text(client.get(sec.base + "/?presenca=sim"))
    assert "Presença de Beto Trabalhador registrada." in flashes(page)
    assert names(page) == ["Ana Usuária", "Beto Trabalhador"]
    client.post(sec.base + f"/{beto.id}/presenca", data={"present": "0"})
    session.expire_all()
    assert session.get(Participation, beto.id).checked_in_at is None
    assert [e.action for e in events(session)] == ["participation.checked_in", "participation.check_in_undone"]


def test_refusal_by_phase_is_flashed(login_as, make, session):
    conf = make.conference(phase=Phase.CLOSED)
    secretary = make.secretary(conf)
    person = make.participation(conf)
    session.commit()
    client = login_as(secretary.user)
    base = f"/conferencias/{conf.slug}/gestao/inscricoes"
    client.post(base + f"/{person.id}/credencial", data={"credential": "delegado"})
    assert "O credenciamento não é possível nesta fase da conferência." in flashes(text(client.get(base + "/")))
    assert events(session) == []


# --- bulk -------------------------------------------------------------------------------

@pytest.mark.parametrize("action, check", [
    ("delegado", lambda p: p.credential == Credential.DELEGADO),
    ("pending", lambda p: p.credential == Credential.PENDING),
    ("check_in", lambda p: p.checked_in_at is not None),
    ("undo_check_in", lambda p: p.checked_in_at is None),
])
def test_bulk_actions(login_as, session, sec, action, check):
    ids = [sec.people.ana.id, sec.people.cida.id]
    client = login_as(sec.user)
    response = client.post(sec.base + "/lote", data={"ids": ids, "action": action})
    assert response.status_code == 302
    assert "2 inscrições atualizadas." in flashes(text(client.get(sec.base + "/")))
    session.expire_all()
    assert all(check(session.get(Participation, i)) for i in ids)
    assert verify_chain(session).ok


def test_bulk_with_a_foreign_id_writes_nothing(login_as, session, sec):
    client = login_as(sec.user)
    before = counts(session)
    ids = [sec.people.beto.id, sec.stranger.id]
    response = client.post(sec.base + "/lote", data={"ids": ids, "action": "delegado"})
    assert response.status_code == 302
    assert "A seleção contém inscrições que não são desta conferência." in flashes(text(client.get(sec.base + "/")))
    session.expire_all()
    assert counts(session) == before
    assert [session.get(Participation, i).credential for i in ids] == [Credential.PENDING, Credential.PENDING]


@pytest.mark.parametrize("data", [{"action": "delegado"}, {"ids": ["abc"], "action": "delegado"},
                                  {"ids": ["1"], "action": "apagar"}])
def test_bulk_with_a_bad_form_writes_nothing(login_as, session, sec, data):
    client = login_as(sec.user)
    before = counts(session)
    assert client.post(sec.base + "/lote", data=data).status_code == 302
    assert flashes(text(client.get(sec.base + "/")))[0] in (
        "Escolha uma ação e selecione pelo menos uma pessoa.", "Selecione pelo menos uma pessoa.")
    assert counts(session) == before


# --- CSV import -------------------------------------------------------------------------

GOOD_CSV = ("Nome;E-mail;Segmento;Organização;Credencial\r\n"
            "Conceição Araújo;conceicao@exemplo.org;Usuária;;delegada\r\n"
            "Inês Brandão;ines@exemplo.org;governo;Secretaria de Assistência;\r\n")
BAD_CSV = ("nome,e-mail,segmento,organização,credencial\n"
           "Boa Pessoa,boa@exemplo.org,usuario,,\n"
           ",semnome@exemplo.org,usuario,,\n"
           "Entidade Sem Nome,ent@exemplo.org,entidade,,\n"
           "Ana de Novo,ana@exemplo.org,usuario,,\n")


def upload(client, base, content: bytes, filename="lista.csv"):
    return client.post(base + "/importar", data={"file": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data")


def test_preview_of_a_good_latin1_file_writes_nothing(login_as, session, sec):
    before = counts(session)
    response = upload(login_as(sec.user), sec.base, GOOD_CSV.encode("cp1252"))
    assert response.status_code == 200
    page = text(response)
    assert "2 linhas prontas para importar." in page
    assert "<td>Conceição Araújo</td><td>conceicao@exemplo.org</td>" in page
    assert "Delegado(a): voz e voto" in page
    assert attr(tag(page, id="csv_text"), "value").replace("\r\n", "\n") == GOOD_CSV.replace("\r\n", "\n")
    assert "Confirmar e importar" in page
    assert counts(session) == before


def test_preview_lists_each_bad_row_with_its_reason(login_as, session, sec):
    before = counts(session)
    page = text(upload(login_as(sec.user), sec.base, BAD_CSV.encode()))
    assert "3 linhas têm problemas." in page
    rows = {}
    for row in page.split("<tr>")[1:]:
        problem = re.search(r'<td class="num">(\d+)</td>.*<span class="badge badge--bad">Problema</span>([^<]+)</td>',
                            row, re.S)
        if problem:
            rows[problem.group(1)] = problem.group(2).strip()
    assert rows == {"3": "falta o nome", "4": "falta a entidade ou órgão representado",
                    "5": "já está inscrito(a) nesta conferência"}
    assert "Confirmar e importar" not in page
    assert counts(session) == before


def test_confirm_writes_every_row(login_as, session, sec):
    client = login_as(sec.user)
    page = text(upload(client, sec.base, GOOD_CSV.encode("utf-8-sig")))
    csv_text = attr(tag(page, id="csv_text"), "value")
    users_before = counts(session)[0]
    response = client.post(sec.base + "/importar/confirmar", data={"csv_text": csv_text})
    assert response.status_code == 302 and response.headers["Location"] == sec.base + "/"
    assert "2 participantes importados." in flashes(text(client.get(sec.base + "/")))
    session.expire_all()
    assert counts(session)[0] == users_before + 2
    ines = session.scalars(sa.select(Participation).join(User).where(User.email == "ines@exemplo.org")).one()
    assert (ines.segment, ines.organisation, ines.credential) == (
        Segment.GOVERNO, "Secretaria de Assistência", Credential.PENDING)
    assert [e.action for e in events(session)] == ["participants.imported"]


def test_confirm_with_a_bad_file_writes_nothing(login_as, session, sec):
    client = login_as(sec.user)
    before = counts(session)
    response = client.post(sec.base + "/importar/confirmar", data={"csv_text": BAD_CSV})
    assert response.status_code == 302 and response.headers["Location"] == sec.base + "/importar"
    assert any("nada foi importado" in f for f in flashes(text(client.get(sec.base + "/"))))
    assert counts(session) == before


@pytest.mark.parametrize("content, filename, message", [
    (b"", "", "Escolha um arquivo CSV."),
    (b"nome,e-mail,segmento\n", "planilha.xlsx", "O arquivo precisa ser uma planilha salva como CSV (.csv)."),
    (b"PK\x03\x04\x00\x00", "planilha.csv", "O arquivo não parece ser uma planilha CSV (tem conteúdo binário)."),
])
def test_upload_errors_are_shown_on_the_file_field(login_as, session, sec, content, filename, message):
    response = upload(login_as(sec.user), sec.base, content, filename)
    assert response.status_code == 422
    assert field_error(text(response), "file") == message


def test_a_file_without_the_required_columns(login_as, sec):
    page = text(upload(login_as(sec.user), sec.base, b"coluna1,coluna2\na,b\n"))
    assert "O cabeçalho precisa ter as colunas nome, e-mail e segmento" in page
    assert "Confirmar e importar" not in page
