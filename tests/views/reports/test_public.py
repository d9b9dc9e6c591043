"""Public report pages, downloads and API: frozen versions, caching, 404 before publication."""

from __future__ import annotations

import json
import shutil
import subprocess

import sqlalchemy as sa

from app.extensions import db
from app.reports.render import to_csv
from tests.environment import unavailable
from tests.unit.reports import scenario as sc
from tests.views.helpers import text
from tests.views.reports.conftest import login

PUBLIC = f"/conferencias/{sc.SLUG}/relatorio"
API = f"/api/v1/conferences/{sc.SLUG}/report"
PUBLISH = f"/conferencias/{sc.SLUG}/gestao/relatorio/publicar"
YEAR = 365 * 24 * 3600


def publish(client, scenario, **data):  # type: ignore[no-untyped-def]
    response = login(client, scenario.secretary).post(PUBLISH, data=data)
    assert response.status_code == 302, text(response)
    with client.session_transaction() as sess:
        sess.clear()
    return response


def test_before_publication_everything_is_404(client, scenario):
    page = client.get(PUBLIC)
    assert page.status_code == 404 and "ainda não foi publicado" in text(page)
    assert "Ver o rascunho" not in text(page)
    for url in (PUBLIC + "/v1", PUBLIC + "/v1.json", PUBLIC + "/v1.pdf", PUBLIC + "/ultima.csv"):
        assert client.get(url).status_code == 404, url
    assert client.get(PUBLIC + "/versoes").status_code == 404
    api = client.get(API)
    assert api.status_code == 404 and api.is_json and api.json["error"]["status"] == 404
    assert client.get(API + "/1").status_code == 404
    secretary_view = login(client, scenario.secretary).get(PUBLIC)
    assert secretary_view.status_code == 404 and "Ver o rascunho" in text(secretary_view)


def test_unknown_conference(client, session):
    assert client.get("/conferencias/nao-existe/relatorio").status_code == 404
    assert client.get("/api/v1/conferences/nao-existe/report").json["error"]["status"] == 404


def test_published_page_and_downloads(client, scenario):
    publish(client, scenario)
    page = client.get(PUBLIC)
    assert page.status_code == 200
    html = text(page)
    assert sc.TITLE in html and "Versão 1, publicada em" in html and "RASCUNHO" not in html
    for fmt in ("pdf", "csv", "json"):
        assert f'href="{PUBLIC}/v1.{fmt}"' in html
    stored = client.get(PUBLIC + "/v1.json")
    assert stored.status_code == 200 and stored.headers["Content-Type"] == "application/json"
    report = json.loads(stored.data)
    assert report["status"] == "published" and report["version"] == 1 and report["unresolved"] == []
    assert client.get(PUBLIC + "/v1.csv").get_data(as_text=True) == to_csv(report)
    assert client.get(API).data == stored.data == client.get(API + "/1").data
    assert client.get(PUBLIC + "/v1").status_code == 200
    assert client.get(PUBLIC + "/v2").status_code == 404
    assert report["integrity"]["audit_last_hash"] in html


def test_cache_headers_and_304(client, scenario):
    publish(client, scenario)
    for url in (PUBLIC + "/v1.json", PUBLIC + "/v1.csv", PUBLIC + "/v1.pdf", API + "/1"):
        first = client.get(url)
        etag = first.headers["ETag"]
        assert first.status_code == 200 and etag.strip('"').endswith(("-json", "-csv", "-pdf"))
        assert "immutable" in first.headers["Cache-Control"] and f"max-age={YEAR}" in first.headers["Cache-Control"]
        assert "public" in first.headers["Cache-Control"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", url
        assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    for url in (PUBLIC + "/ultima.json", API):
        latest = client.get(url)
        assert "max-age=300" in latest.headers["Cache-Control"] and "immutable" not in latest.headers["Cache-Control"]
        assert client.get(url, headers={"If-None-Match": latest.headers["ETag"]}).status_code == 304
    etags = {client.get(PUBLIC + f"/v1.{fmt}").headers["ETag"] for fmt in ("json", "csv", "pdf")}
    assert len(etags) == 3


def test_a_published_version_never_changes(client, scenario, session):
    publish(client, scenario)
    before = {fmt: client.get(PUBLIC + f"/v1.{fmt}").data for fmt in ("json", "csv", "pdf")}
    before_api = client.get(API + "/1").data
    cras = scenario.proposals["cras"]
    cras.final_wording = "Redação corrigida depois da publicação."
    db.session.commit()

    after = {fmt: client.get(PUBLIC + f"/v1.{fmt}").data for fmt in ("json", "csv", "pdf")}
    assert after == before and client.get(API + "/1").data == before_api
    assert "Redação corrigida" not in text(client.get(PUBLIC + "/v1"))

    publish(client, scenario, note="Corrige a redação final da E1-M-01.")
    v2 = json.loads(client.get(PUBLIC + "/v2.json").data)
    assert v2["version"] == 2 and any(d["text"] == "Redação corrigida depois da publicação."
                                      for d in v2["deliberations"])
    assert client.get(PUBLIC + "/v1.json").data == before["json"]
    assert json.loads(client.get(API).data)["version"] == 2
    assert client.get(API + "/1").data == before_api
    old = text(client.get(PUBLIC + "/v1"))
    assert "Há uma versão mais recente" in old
    versions = text(client.get(PUBLIC + "/versoes"))
    assert "Corrige a redação final da E1-M-01." in versions and "Primeira versão" in versions
    from app.reports.models import PublishedReport

    shas = session.scalars(sa.select(PublishedReport.content_sha256).order_by(PublishedReport.version)).all()
    assert len(shas) == 2 and all(sha in versions for sha in shas)


def _pdftotext(data: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "relatorio.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_pdf_text(client, scenario, tmp_path):
    publish(client, scenario)
    response = client.get(PUBLIC + "/v1.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert 'filename="relatorio-' in response.headers["Content-Disposition"]
    content = " ".join(_pdftotext(response.data, tmp_path).split())
    assert "VIII Conferência Municipal de Assistência Social de Vila Teste" in content
    assert "página 1 de" in content and "página 2 de" in content
    assert "Garantir equipe de referência completa em todos os CRAS, conforme a NOB-RH/SUAS." in content
    assert "Sumário" in content and "1. Informações gerais" in content
    assert "Pequeno porte I" in content and sc.TIE_REASON in content
    assert "RASCUNHO" not in content


def test_draft_pdf_is_marked(client, scenario, tmp_path):
    response = login(client, scenario.secretary).get(f"/conferencias/{sc.SLUG}/gestao/relatorio/rascunho.pdf")
    content = _pdftotext(response.data, tmp_path)
    assert "RASCUNHO" in content and "Rascunho gerado em" in content


def test_public_url_setting_is_the_conference_address(client, scenario, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://plenaria.exemplo.gov.br/")
    publish(client, scenario)
    report = json.loads(client.get(PUBLIC + "/v1.json").data)
    assert report["conference"]["url"] == f"https://plenaria.exemplo.gov.br/conferencias/{sc.SLUG}"
