"""Secretary pages of the report: access, the draft, settling ties, publishing."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.conferences.phases import Phase
from app.proposals.constants import ProposalState
from app.reports.models import ProposalSettlement, PublishedReport
from tests.unit.reports import scenario as sc
from tests.views.helpers import field_error, flashes, text
from tests.views.reports.conftest import login

DRAFT = f"/conferencias/{sc.SLUG}/gestao/relatorio/"
PUBLISH = DRAFT + "publicar"
PUBLIC = f"/conferencias/{sc.SLUG}/relatorio"


def settle_url(code: str) -> str:
    return f"{DRAFT}pendencias/{code}/nao-deliberada"


def published_count(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(sa.select(sa.func.count()).select_from(PublishedReport))


@pytest.fixture
def open_tie(session, make):  # type: ignore[no-untyped-def]
    return sc.build(session, make, settle_tie=False)


ROUTES = [("get", DRAFT), ("get", DRAFT + "rascunho.json"), ("get", DRAFT + "rascunho.csv"), ("post", PUBLISH),
          ("post", settle_url("E1-M-03")), ("get", DRAFT + "importar/"), ("post", DRAFT + "importar/confirmar")]


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_secretariat_routes_refuse_others(client, open_tie, make, session, method, url):
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and "/entrar" in anonymous.headers["Location"]
    participant = open_tie.people["ana"][0]
    assert getattr(login(client, participant), method)(url).status_code == 403
    other = make.conference()
    other_secretary = make.user()
    make.secretary(other, other_secretary)
    assert getattr(login(client, other_secretary), method)(url).status_code == 403
    assert published_count(session) == 0
    assert session.get(ProposalSettlement, open_tie.proposals["van"].id) is None


def test_draft_page_lists_the_tie_with_its_form(client, open_tie):
    page = login(client, open_tie.secretary).get(DRAFT)
    assert page.status_code == 200
    html = text(page)
    assert "RASCUNHO" in html and "Pendências (1)" in html
    assert "E1-M-03: empate na rodada" in html
    assert f'action="{settle_url("E1-M-03")}"' in html
    assert 'id="nd-E1-M-03-reason"' in html
    # The report itself, in order.
    order = [html.index(heading) for heading in ("1. Informações gerais", "2. Participação",
             "3. Deliberações aprovadas", "4. Propostas encaminhadas", "5. Anexo", "6. Rodadas de votação",
             "7. Integridade")]
    assert order == sorted(order)
    assert "Garantir equipe de referência completa em todos os CRAS" in html
    assert "Pequeno porte I" in html and "VIII" in html and "3501103" in html
    assert 'media="print"' in html and "report-print.css" in html
    assert "flask audit verify" in html


def test_publication_refused_while_unresolved_then_allowed_after_settling(client, open_tie, session):
    browser = login(client, open_tie.secretary)
    refused = browser.post(PUBLISH, data={})
    assert refused.status_code == 422
    assert "pendência" in text(refused) and published_count(session) == 0

    empty = browser.post(settle_url("E1-M-03"), data={"nd-E1-M-03-reason": "  "})
    assert empty.status_code == 422
    assert field_error(text(empty), "nd-E1-M-03-reason") == "Este campo é obrigatório."

    settled = browser.post(settle_url("E1-M-03"), data={"nd-E1-M-03-reason": sc.TIE_REASON})
    assert settled.status_code == 302 and settled.headers["Location"].endswith("#pendencias")
    assert session.get(ProposalSettlement, open_tie.proposals["van"].id).reason == sc.TIE_REASON
    again = browser.post(settle_url("E1-M-03"), data={"nd-E1-M-03-reason": "De novo."})
    assert again.status_code == 422 and "já foi registrada" in text(again)

    draft = browser.get(DRAFT)
    assert "Pendências (0)" in text(draft) and "Nenhuma pendência" in text(draft)
    published = browser.post(PUBLISH, data={})
    assert published.status_code == 302 and published.headers["Location"].endswith(f"{PUBLIC}/v1")
    assert published_count(session) == 1
    session.refresh(open_tie.conference)
    assert open_tie.conference.phase == Phase.REPORT_PUBLISHED
    page = browser.get(PUBLIC + "/v1")
    assert page.status_code == 200 and "Relatório publicado: versão 1" in " ".join(flashes(text(page)))


def test_settling_an_item_that_is_not_a_tie_is_refused(client, open_tie):
    response = login(client, open_tie.secretary).post(settle_url("E1-M-01"), data={"nd-E1-M-01-reason": "x"})
    assert response.status_code == 422 and "empate ou sem quórum" in text(response)
    assert login(client, open_tie.secretary).post(settle_url("E9-M-99"), data={}).status_code == 404


def test_publication_refused_before_the_conference_is_closed(client, session, make):
    s = sc.build(session, make, close=False)
    browser = login(client, s.secretary)
    page = browser.get(DRAFT)
    assert "depois que a conferência for encerrada" in text(page)
    assert "Preparar uma nova rodada de votação" not in text(page)  # nothing pending
    refused = browser.post(PUBLISH, data={})
    assert refused.status_code == 422 and "depois que a conferência for encerrada" in text(refused)
    assert published_count(session) == 0


def test_new_round_link_while_voting(client, session, make):
    s = sc.build(session, make, settle_tie=False, close=False)
    html = text(login(client, s.secretary).get(DRAFT))
    assert "Preparar uma nova rodada de votação" in html
    assert f"/conferencias/{sc.SLUG}/gestao/votacoes/nova" in html


def test_draft_downloads(client, scenario):
    browser = login(client, scenario.secretary)
    as_json = browser.get(DRAFT + "rascunho.json")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    assert as_json.headers["Cache-Control"] == "no-store"
    report = json.loads(as_json.data)
    assert report["status"] == "draft" and report["version"] is None
    as_csv = browser.get(DRAFT + "rascunho.csv")
    assert as_csv.content_type == "text/csv; charset=utf-8"
    assert as_csv.get_data(as_text=True).splitlines()[0].startswith("codigo,eixo,")
    assert "attachment" in as_csv.headers["Content-Disposition"]
    as_pdf = browser.get(DRAFT + "rascunho.pdf")
    assert as_pdf.status_code == 200 and as_pdf.data.startswith(b"%PDF")


def test_second_version_needs_a_note(client, scenario, session):
    browser = login(client, scenario.secretary)
    assert browser.post(PUBLISH, data={}).status_code == 302
    page = browser.get(DRAFT)
    assert "Publicar relatório (versão 2)" in text(page) and 'id="note"' in text(page)
    refused = browser.post(PUBLISH, data={"note": ""})
    assert refused.status_code == 422
    assert field_error(text(refused), "note") == "Diga o que esta nova versão corrige."
    assert published_count(session) == 1


def test_nav_and_conference_page_link_to_the_report(client, scenario):
    browser = login(client, scenario.secretary)
    assert f'href="{DRAFT}"' in text(browser.get(f"/conferencias/{sc.SLUG}/gestao/"))
    assert f'href="{DRAFT}"' in text(browser.get(f"/conferencias/{sc.SLUG}"))
    browser.post(PUBLISH, data={})
    client.get("/")  # any page; then as the public
    with client.session_transaction() as sess:
        sess.clear()
    assert f'href="{PUBLIC}"' in text(client.get(f"/conferencias/{sc.SLUG}"))


def test_tie_after_the_round_is_settled_in_the_draft_appendix(client, scenario):
    html = text(login(client, scenario.secretary).get(DRAFT))
    assert sc.TIE_REASON in html
    assert scenario.proposals["van"].state == ProposalState.IN_VOTE
