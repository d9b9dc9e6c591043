"""The pages the six journeys do not reach, scanned with axe in pt-BR and English: the public
notices, search, the error page, published ballots, a proposal's history, and the
secretariat's other pages. No serious or critical violation anywhere."""

from __future__ import annotations

import pytest

from tests.browser.helpers import SECRETARY, login
from tests.browser.journeys import SP_SLUG, VIII_SLUG, XI_SLUG

pytestmark = pytest.mark.browser
LANGS = pytest.mark.parametrize("lang", ["pt_BR", "en"], ids=["pt-BR", "en"])

PUBLIC = (
    ("/acessibilidade", 200),
    ("/privacidade", 200),
    ("/busca?q=assistência", 200),
    ("/pagina-que-nao-existe", 404),
    (f"/conferencias/{VIII_SLUG}", 200),
    (f"/conferencias/{VIII_SLUG}/relatorio/versoes", 200),
    (f"/conferencias/{VIII_SLUG}/propostas/?situacao=approved&ordem=codigo", 200),
    (f"/conferencias/{XI_SLUG}/votacoes/", 200),
    (f"/conferencias/{XI_SLUG}/propostas/E1-M-01/historico", 200),
)
SECRETARIAT = (
    "/conta",
    f"/conferencias/{XI_SLUG}/gestao/editar",
    f"/conferencias/{XI_SLUG}/gestao/eixos",
    f"/conferencias/{XI_SLUG}/gestao/regras",
    f"/conferencias/{XI_SLUG}/gestao/inscricoes/importar",
    f"/conferencias/{SP_SLUG}/gestao/moderacao/",
    f"/conferencias/{VIII_SLUG}/gestao/relatorio/",
)


@LANGS
def test_the_other_pages_have_no_serious_violation(contexts, a11y, lang):
    page = contexts.page(lang)
    for path, status in PUBLIC:
        response = page.goto(path)
        assert response.status == status, f"{path}: {response.status}"
        a11y(page, "visita")
    page.goto(f"/conferencias/{VIII_SLUG}/votacoes/")
    page.locator("main a[href$='/resultado']").first.click()
    page.locator("main a[href$='/cedulas']").first.click()
    page.wait_for_url("**/cedulas")
    a11y(page, "cédulas publicadas")

    login(page, SECRETARY)
    for path in SECRETARIAT:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        a11y(page, "secretaria")
    page.goto(f"/conferencias/{XI_SLUG}/gestao/votacoes/")
    open_round = page.locator("main a[href$='/contagem']").first.get_attribute("href")
    for suffix in ("/contagem", "/painel?auto=0"):
        page.goto(open_round.removesuffix("/contagem") + suffix)
        a11y(page, "rodada aberta (secretaria)")
