import datetime as dt
import json

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.auth.models import User
from app.conferences import csv_import
from app.conferences.constants import Credential, Role, Segment
from app.conferences.models import Participation
from app.conferences.phases import Phase
from app.errors import PermissionDenied, PhaseError, ValidationError

NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)

GOOD = (
    "nome,e-mail,segmento,organização,credencial\n"
    "Maria Aparecida,Maria@Exemplo.org,usuário,,delegada\n"
    "João Batista,joao@exemplo.org,Trabalhador,CRAS Centro,observador\n"
    "Associação Vida,contato@vida.org.br,entidade,Associação Vida,\n"
    "Paula Prefeitura,paula@prefeitura.sp.gov.br,Poder Público,Secretaria Municipal,convidado\n"
)


def counts(session):
    users = session.scalar(sa.select(sa.func.count()).select_from(User))
    participations = session.scalar(sa.select(sa.func.count()).select_from(Participation))
    audits = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    return users, participations, audits


@pytest.fixture
def conf(make):
    return make.conference(phase=Phase.PREPARATION)


@pytest.fixture
def sec(make, conf):
    membership = make.secretary(conf)
    return membership.user, membership


# --- decoding ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    GOOD.encode("utf-8"),
    b"\xef\xbb\xbf" + GOOD.encode("utf-8"),
    GOOD.encode("cp1252"),
    GOOD.replace("\n", "\r\n").encode("latin-1"),
])
def test_decode_upload_handles_utf8_bom_and_latin1(raw):
    assert csv_import.decode_upload(raw).replace("\r\n", "\n") == GOOD


def test_decode_upload_refuses_binary_files():
    with pytest.raises(ValidationError) as caught:
        csv_import.decode_upload(b"PK\x03\x04\x00\x00binary")
    assert caught.value.field == "file"


# --- parsing ----------------------------------------------------------------------------

def test_good_utf8_comma_file(session, conf):
    preview = csv_import.preview_import(session, conf, GOOD)
    assert preview.ok and preview.file_errors == [] and preview.bad_rows == []
    assert [(r.line, r.name, r.email, r.segment, r.organisation, r.credential) for r in preview.rows] == [
        (2, "Maria Aparecida", "maria@exemplo.org", Segment.USUARIO, None, Credential.DELEGADO),
        (3, "João Batista", "joao@exemplo.org", Segment.TRABALHADOR, "CRAS Centro", Credential.OBSERVADOR),
        (4, "Associação Vida", "contato@vida.org.br", Segment.ENTIDADE, "Associação Vida", Credential.PENDING),
        (5, "Paula Prefeitura", "paula@prefeitura.sp.gov.br", Segment.GOVERNO, "Secretaria Municipal",
         Credential.CONVIDADO),
    ]


def test_latin1_semicolon_file_with_accents(session, conf):
    raw = ("Nome;E-mail;Segmento;Organização;Credencial\r\n"
           "Conceição Araújo;conceicao@exemplo.org;Usuária;;Delegada\r\n"
           "Sebastião Gonçalves;sebastiao@exemplo.org;entidade;Associação São Vicente, Lar e Família;\r\n"
           "Inês Brandão;ines@exemplo.org;governo;Secretaria de Assistência, Trabalho e Renda;observadora\r\n"
           ).encode("cp1252")
    preview = csv_import.preview_import(session, conf, csv_import.decode_upload(raw))
    assert preview.ok, [(r.line, r.errors) for r in preview.rows]
    assert [(r.name, r.segment, r.organisation, r.credential) for r in preview.rows] == [
        ("Conceição Araújo", Segment.USUARIO, None, Credential.DELEGADO),
        ("Sebastião Gonçalves", Segment.ENTIDADE, "Associação São Vicente, Lar e Família", Credential.PENDING),
        ("Inês Brandão", Segment.GOVERNO, "Secretaria de Assistência, Trabalho e Renda", Credential.OBSERVADOR),
    ]


def test_bom_does_not_hide_the_first_column(session, conf):
    text = csv_import.decode_upload(("\ufeff" + GOOD).encode("utf-8"))
    preview = csv_import.preview_import(session, conf, text)
    assert preview.ok and preview.rows[0].name == "Maria Aparecida"


@pytest.mark.parametrize("header", [
    "nome,e-mail,segmento,organização,credencial",
    "Nome Completo,E-mail,Segmento,Entidade,Credenciamento",
    "NOME,Correio Eletrônico,SEGMENTO,Órgão,CREDENCIAL",
    "name,email,segment,organisation,credential",
    "Name,E-mail,Segment,Organization,Credential",
])
def test_header_aliases_in_portuguese_and_english(session, conf, header):
    text = header + "\nAna,ana@exemplo.org,governo,Prefeitura,delegado\n"
    [row] = csv_import.preview_import(session, conf, text).rows
    assert (row.name, row.email, row.segment, row.organisation, row.credential, row.errors) == (
        "Ana", "ana@exemplo.org", Segment.GOVERNO, "Prefeitura", Credential.DELEGADO, [])


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing(session, conf):
    text = "segmento;e-mail;nome\nusuario;ana@exemplo.org;Ana\n"
    [row] = csv_import.preview_import(session, conf, text).rows
    assert (row.name, row.segment, row.organisation, row.credential, row.errors) == (
        "Ana", Segment.USUARIO, None, Credential.PENDING, [])


@pytest.mark.parametrize("text", ["", "nome,segmento\nAna,usuario\n", "a,b,c\n1,2,3\n"])
def test_a_header_without_the_required_columns_is_a_file_error(session, conf, text):
    preview = csv_import.preview_import(session, conf, text)
    assert not preview.ok and preview.rows == []
    assert "nome, e-mail e segmento" in str(preview.file_errors[0])


def test_a_file_without_rows_is_a_file_error(session, conf):
    preview = csv_import.preview_import(session, conf, "nome,e-mail,segmento\n\n  \n")
    assert not preview.ok
    assert [str(e) for e in preview.file_errors] == ["O arquivo não tem nenhuma linha de participante."]


@pytest.mark.parametrize("row, reason", [
    (",ana@exemplo.org,usuario,,", "falta o nome"),
    ("Ana,,usuario,,", "falta o e-mail"),
    ("Ana,ana.exemplo.org,usuario,,", "e-mail inválido"),
    ("Ana,ana@exemplo,usuario,,", "e-mail inválido"),
    ("Ana,ana@exemplo.org,cidadão,,", "segmento desconhecido (use usuário, trabalhador, entidade ou governo)"),
    ("Ana,ana@exemplo.org,,,", "segmento desconhecido (use usuário, trabalhador, entidade ou governo)"),
    ("Ana,ana@exemplo.org,entidade,,", "falta a entidade ou órgão representado"),
    ("Ana,ana@exemplo.org,governo, ,", "falta a entidade ou órgão representado"),
    ("Ana,ana@exemplo.org,usuario,,chefe", "credencial desconhecida (use delegado, observador, convidado ou deixe em branco)"),
    ("A" * 121 + ",ana@exemplo.org,usuario,,", "nome com mais de 120 caracteres"),
    ("Ana,ana@exemplo.org,entidade," + "O" * 201 + ",", "entidade ou órgão com mais de 200 caracteres"),
])
def test_each_kind_of_bad_row_is_named(session, conf, row, reason):
    text = "nome,e-mail,segmento,organização,credencial\nBeto,beto@exemplo.org,usuario,,\n" + row + "\n"
    preview = csv_import.preview_import(session, conf, text)
    assert not preview.ok
    assert [(r.line, [str(e) for e in r.errors]) for r in preview.bad_rows] == [(3, [reason])]


def test_an_email_repeated_in_the_file_names_the_first_line(session, conf):
    text = "nome,e-mail,segmento\nAna,ana@exemplo.org,usuario\nBeto,beto@exemplo.org,usuario\nAna 2,ANA@exemplo.org ,usuario\n"
    preview = csv_import.preview_import(session, conf, text)
    assert [(r.line, [str(e) for e in r.errors]) for r in preview.bad_rows] == [
        (4, ["e-mail repetido (já aparece na linha 2)"])]


def test_line_numbers_follow_the_file_even_after_blank_lines(session, conf):
    text = "nome,e-mail,segmento\nAna,ana@exemplo.org,usuario\n\n,,\nBeto,beto-sem-arroba,usuario\n"
    preview = csv_import.preview_import(session, conf, text)
    assert [(r.line, r.name) for r in preview.rows] == [(2, "Ana"), (5, "Beto")]
    assert [r.line for r in preview.bad_rows] == [5]


def test_someone_already_joined_is_a_bad_row_and_an_existing_account_is_linked(session, make, conf):
    make.participation(conf, make.user("Já Inscrita", "ja@exemplo.org"))
    make.user("Tem Conta", "conta@exemplo.org")
    text = "nome,e-mail,segmento\nJá Inscrita,JA@exemplo.org,usuario\nTem Conta,conta@exemplo.org,usuario\n"
    first, second = csv_import.preview_import(session, conf, text).rows
    assert [str(e) for e in first.errors] == ["já está inscrito(a) nesta conferência"]
    assert second.errors == [] and second.existing_account


def test_too_many_rows_is_a_file_error(session, conf, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_ROWS", 3)
    text = "nome,e-mail,segmento\n" + "".join(f"P{i},p{i}@exemplo.org,usuario\n" for i in range(4))
    preview = csv_import.preview_import(session, conf, text)
    assert not preview.ok and preview.rows == [] and "mais de 3 linhas" in str(preview.file_errors[0])


def test_preview_writes_nothing(session, conf):
    before = counts(session)
    csv_import.preview_import(session, conf, GOOD)
    assert counts(session) == before


# --- applying ---------------------------------------------------------------------------

def test_apply_writes_every_row_and_one_audit_event(session, make, conf, sec):
    user, membership = sec
    existing = make.user("Maria da Conta", "maria@exemplo.org")
    users_before = counts(session)[0]
    preview = csv_import.apply_import(session, user, membership, conf, text=GOOD, now=NOW)
    assert len(preview.rows) == 4
    assert counts(session)[0] == users_before + 3  # Maria already had an account
    rows = session.execute(
        sa.select(User.email, User.display_name, User.password_hash, Participation.segment,
                  Participation.organisation, Participation.credential, Participation.role)
        .join(Participation, Participation.user_id == User.id)
        .where(Participation.conference_id == conf.id, Participation.segment.is_not(None))
        .order_by(User.email)).all()
    assert [tuple(r) for r in rows] == [
        ("contato@vida.org.br", "Associação Vida", None, Segment.ENTIDADE, "Associação Vida", Credential.PENDING,
         Role.PARTICIPANT),
        ("joao@exemplo.org", "João Batista", None, Segment.TRABALHADOR, "CRAS Centro", Credential.OBSERVADOR,
         Role.PARTICIPANT),
        ("maria@exemplo.org", "Maria da Conta", existing.password_hash, Segment.USUARIO, None, Credential.DELEGADO,
         Role.PARTICIPANT),
        ("paula@prefeitura.sp.gov.br", "Paula Prefeitura", None, Segment.GOVERNO, "Secretaria Municipal",
         Credential.CONVIDADO, Role.PARTICIPANT),
    ]
    [event] = session.scalars(sa.select(AuditEvent)).all()
    assert (event.action, event.actor_id, event.conference_id) == ("participants.imported", user.id, conf.id)
    assert json.loads(event.data) == {"rows": 4, "new_accounts": 3}
    assert verify_chain(session).ok


def test_one_bad_row_and_nothing_is_written(session, conf, sec):
    user, membership = sec
    before = counts(session)
    bad = GOOD + "Sem Segmento,sem@exemplo.org,,,\n"
    with pytest.raises(ValidationError) as caught:
        csv_import.apply_import(session, user, membership, conf, text=bad, now=NOW)
    assert caught.value.field == "file"
    assert counts(session) == before
    assert session.scalar(sa.select(User).where(User.email == "joao@exemplo.org")) is None


def test_a_secretary_in_the_file_gets_a_segment_and_stays_secretary(session, conf, sec):
    user, membership = sec
    text = f"nome,e-mail,segmento,organização\nSecretária,{user.email},governo,Prefeitura\n"
    csv_import.apply_import(session, user, membership, conf, text=text, now=NOW)
    assert (membership.role, membership.segment, membership.organisation) == (
        Role.SECRETARY, Segment.GOVERNO, "Prefeitura")
    assert session.scalar(sa.select(sa.func.count()).select_from(Participation)
                          .where(Participation.conference_id == conf.id)) == 1


def test_apply_is_for_managers_of_this_conference_while_registration_is_open(session, make, conf):
    participant = make.participation(conf)
    foreign = make.secretary(make.conference())
    before = counts(session)
    for actor, membership in ((participant.user, participant), (foreign.user, foreign)):
        with pytest.raises(PermissionDenied):
            csv_import.apply_import(session, actor, membership, conf, text=GOOD, now=NOW)
    closed = make.conference(phase=Phase.CLOSED)
    secretary = make.secretary(closed)
    with pytest.raises(PhaseError):
        csv_import.apply_import(session, secretary.user, secretary, closed, text=GOOD, now=NOW)
    assert counts(session)[0] == before[0] + 1  # only the closed conference's secretary was made
