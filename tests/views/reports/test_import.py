"""Importing municipal reports into a state conference: preview, mapping, provenance,
idempotence, refusals (nothing written), and by URL."""

from __future__ import annotations

import http.server
import io
import json
import threading

import pytest
import sqlalchemy as sa

from app.conferences.constants import ConferenceSphere
from app.conferences.phases import Phase
from app.proposals.models import Proposal
from app.reports.build import build_report
from app.reports.render import to_json
from tests.unit.reports.rows import ConferenceRow, EixoRow, proposal, report_input, result, round_row
from tests.views.helpers import attr, field_error, flashes, tag, text
from tests.views.reports.conftest import login

ORIGIN_URL = "https://municipio.example/conferencias/viii-vila-origem"


def municipal_report(*, version: int | None = 1, origin_url: str = ORIGIN_URL) -> str:
    conference = ConferenceRow(
        slug="viii-vila-origem", title="VIII Conferência Municipal de Vila Origem", edition=8, sphere="municipal",
        municipio="Vila Origem", uf="SP", ibge_code="3500000", porte="pequeno_i", theme="Tema", venue="CRAS",
        starts_at=report_input().conference.starts_at, ends_at=report_input().conference.ends_at,
        timezone="America/Sao_Paulo", url=origin_url)
    eixos = (EixoRow(1, 1, "Eixo de teste 1", None, None, None), EixoRow(2, 2, "Gestão municipal", None, None, None))
    props = [
        proposal(1, "E1-E-01", sphere="estadual", final_wording="Cofinanciamento regular do estado."),
        proposal(2, "E1-E-02", sphere="estadual"),
        proposal(3, "E2-E-01", sphere="estadual", eixo_id=2),
        proposal(4, "E1-F-01", sphere="federal", final_wording="Reajuste anual do piso federal."),
        proposal(5, "E1-M-01"),
    ]
    r1 = round_row(1)
    data = report_input(props, rounds=[r1], results=[result(1, p.id) for p in props], conference=conference,
                        eixos=eixos, version=version)
    return to_json(build_report(data))


@pytest.fixture
def state(make):  # type: ignore[no-untyped-def]
    conference = make.conference(phase=Phase.PROPOSALS, eixos=3, sphere=ConferenceSphere.ESTADUAL, municipio=None,
                                 ibge_code=None)
    secretary = make.user("Secretária Estadual")
    make.secretary(conference, secretary)
    return conference, secretary


def urls(conference) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    base = f"/conferencias/{conference.slug}/gestao/relatorio/importar/"
    return base, base + "confirmar"


def count(session, conference) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(sa.select(sa.func.count()).select_from(Proposal).where(
        Proposal.conference_id == conference.id))


def upload(browser, conference, body: str | bytes, name: str = "relatorio.json"):  # type: ignore[no-untyped-def]
    raw = body.encode() if isinstance(body, str) else body
    return browser.post(urls(conference)[0], data={"file": (io.BytesIO(raw), name)},
                        content_type="multipart/form-data")


def hidden_report(page: str) -> str:
    value = attr(tag(page, name="report_text"), "value")
    assert value, "no report in the confirmation form"
    return value


def test_good_file_preview_confirm_and_provenance(client, state, session):
    conference, secretary = state
    browser = login(client, secretary)
    assert browser.get(urls(conference)[0]).status_code == 200
    preview = upload(browser, conference, municipal_report())
    page = text(preview)
    assert preview.status_code == 200
    assert "Prévia: relatório de VIII Conferência Municipal de Vila Origem" in page
    assert "E1-E-01" in page and "E2-E-01" in page and "E1-F-01" in page and "E1-M-01" not in page
    assert "(só se incluir as federais)" in page
    eixo1, eixo2, _ = conference.eixos
    # Same title → suggested; a different title → the secretary chooses.
    assert f'<option selected value="{eixo1.id}">' in page or f'value="{eixo1.id}" selected' in page
    assert count(session, conference) == 0

    missing = browser.post(urls(conference)[1], data={"report_text": hidden_report(page), "eixo_1": str(eixo1.id)})
    assert missing.status_code == 422
    assert field_error(text(missing), "eixo_2") == "Escolha o eixo desta conferência."
    assert count(session, conference) == 0

    done = browser.post(urls(conference)[1], data={"report_text": hidden_report(page), "eixo_1": str(eixo1.id),
                                                   "eixo_2": str(eixo2.id)})
    assert done.status_code == 302
    created = session.scalars(sa.select(Proposal).where(Proposal.conference_id == conference.id)
                              .order_by(Proposal.origin_code)).all()
    assert [(p.origin_code, p.eixo_id, p.sphere.value) for p in created] == [
        ("E1-E-01", eixo1.id, "estadual"), ("E1-E-02", eixo1.id, "estadual"), ("E2-E-01", eixo2.id, "estadual")]
    first = created[0]
    assert first.origin_conference == "VIII Conferência Municipal de Vila Origem"
    assert first.origin_url == ORIGIN_URL and first.body == "Cofinanciamento regular do estado."

    detail = text(browser.get(f"/conferencias/{conference.slug}/propostas/{first.code}"))
    assert "Recebida de" in detail and f'href="{ORIGIN_URL}"' in detail and "(código E1-E-01)" in detail

    # The same file again: everything is marked as imported, and confirming adds nothing.
    again = text(upload(browser, conference, municipal_report()))
    assert again.count("Já importada</span>") == 3 and again.count("Nova</span>") == 1  # the federal one
    repeat = browser.post(urls(conference)[1], data={"report_text": hidden_report(again), "eixo_1": str(eixo1.id),
                                                     "eixo_2": str(eixo2.id)})
    assert repeat.status_code == 302
    assert any("Nada a importar" in f for f in flashes(text(browser.get(urls(conference)[0]))))
    assert count(session, conference) == 3


def test_federal_deliberations_on_request(client, state, session):
    conference, secretary = state
    browser = login(client, secretary)
    page = text(upload(browser, conference, municipal_report()))
    eixo1, eixo2, _ = conference.eixos
    done = browser.post(urls(conference)[1], data={
        "report_text": hidden_report(page), "eixo_1": str(eixo1.id), "eixo_2": str(eixo2.id), "include_optional": "y"})
    assert done.status_code == 302
    spheres = sorted(p.sphere.value for p in session.scalars(
        sa.select(Proposal).where(Proposal.conference_id == conference.id)))
    assert spheres == ["estadual", "estadual", "estadual", "federal"]


@pytest.mark.parametrize(("body", "reason"), [
    ("{not json", "não é um JSON válido"),
    (json.dumps({"schema": "outro/1", "status": "published"}), "plenaria.report/1"),
    ("[]", "plenaria.report/1"),
    (municipal_report(version=None), "rascunho"),
    (municipal_report(origin_url="javascript:alert(1)"), "não é um endereço http"),
    (json.dumps({"schema": "plenaria.report/1", "status": "published", "conference": {"title": "x", "url": "https://a"},
                 "forwarded": {"estadual": [{"code": "E1", "title": "t"}]}}), "formato inesperado"),
    ("Açaí".encode("latin-1"), "UTF-8"),
])
def test_bad_files_are_refused_with_the_reason(client, state, session, body, reason):
    conference, secretary = state
    response = upload(login(client, secretary), conference, body)
    assert response.status_code == 422
    assert reason in (field_error(text(response), "file") or "")
    assert tag(text(response), name="report_text") is None
    assert count(session, conference) == 0


def test_no_file_and_no_url(client, state):
    conference, secretary = state
    response = login(client, secretary).post(urls(conference)[0], data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and field_error(text(response), "file")


def test_tampered_confirmation_writes_nothing(client, state, session):
    conference, secretary = state
    response = login(client, secretary).post(urls(conference)[1], data={"report_text": "{}", "eixo_1": "1"})
    assert response.status_code == 302
    assert any("Nada foi importado" in f for f in flashes(text(client.get(urls(conference)[0]))))
    assert count(session, conference) == 0


def test_phase_refusal_is_shown(client, state, session):
    conference, secretary = state
    conference.phase = Phase.VOTING
    browser = login(client, secretary)
    page = text(upload(browser, conference, municipal_report()))
    assert "só podem ser importados antes da votação" in page
    eixo1, eixo2, _ = conference.eixos
    refused = browser.post(urls(conference)[1], data={"report_text": hidden_report(page), "eixo_1": str(eixo1.id),
                                                      "eixo_2": str(eixo2.id)})
    assert refused.status_code == 422 and count(session, conference) == 0


def test_municipal_conferences_do_not_import(client, make):
    conference = make.conference()
    secretary = make.user()
    make.secretary(conference, secretary)
    page = login(client, secretary).get(urls(conference)[0])
    assert "Conferências municipais não recebem relatórios" in text(page)


class _Report(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def report_server():  # type: ignore[no-untyped-def]
    handler = type("Handler", (_Report,), {"body": municipal_report().encode()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/relatorio/v1.json"
    server.shutdown()
    server.server_close()


def test_import_by_url(client, state, app, monkeypatch, report_server):
    conference, secretary = state
    browser = login(client, secretary)
    refused = browser.post(urls(conference)[0], data={"url": report_server}, content_type="multipart/form-data")
    assert refused.status_code == 422 and "rede interna" in field_error(text(refused), "url")

    monkeypatch.setitem(app.config, "REPORT_IMPORT_ALLOW_PRIVATE_URLS", True)
    preview = browser.post(urls(conference)[0], data={"url": report_server}, content_type="multipart/form-data")
    assert preview.status_code == 200
    assert "Prévia: relatório de VIII Conferência Municipal de Vila Origem" in text(preview)
    assert json.loads(hidden_report(text(preview)))["conference"]["url"] == ORIGIN_URL


def test_url_and_file_together_are_refused(client, state):
    conference, secretary = state
    response = login(client, secretary).post(urls(conference)[0], data={
        "url": "https://a.example/r.json", "file": (io.BytesIO(b"{}"), "r.json")}, content_type="multipart/form-data")
    assert response.status_code == 422 and field_error(text(response), "url")
