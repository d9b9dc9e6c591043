"""Journey 3 of issue 6: the secretary publishes the report; a visitor downloads the PDF (its
text has the conference title) and the CSV."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from typing import Any

from tests.browser.helpers import SECRETARY, login
from tests.browser.journeys import expect_flash, go, submit

# ---- journey 3: the secretary publishes the report; a visitor downloads the PDF and the CSV --------

CSV_HEADER = ("codigo,eixo,titulo_do_eixo,esfera,titulo,redacao_final,sim,nao,abstencao,sim_presencial,"
              "nao_presencial,abstencao_presencial,rodada,encaminhada,origem")


def download(page: Any, link: Any, folder: Any) -> Any:
    with page.expect_download() as info:
        link.click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def report_journey(contexts: Any, a11y: Any, seed: dict[str, Any], tmp_path: Any, *, lang: str) -> None:
    conference = seed["reports"][lang]
    slug, title = conference["slug"], conference["title"]

    visitor = contexts.page(lang)
    response = visitor.goto(f"/conferencias/{slug}/relatorio")
    assert response.status == 404  # not published yet: a page that says so
    a11y(visitor, "relatório ainda não publicado")

    secretary = contexts.page(lang)
    login(secretary, SECRETARY)
    secretary.goto(f"/conferencias/{slug}")
    a11y(secretary, "conferência encerrada (secretaria)")
    go(secretary, secretary.locator(f"main a[href='/conferencias/{slug}/gestao/relatorio/']").first)
    a11y(secretary, "rascunho do relatório")
    assert secretary.locator(".pending-list").count() == 0, "o rascunho tem pendências"
    submit(secretary, secretary.locator(f"form[action='/conferencias/{slug}/gestao/relatorio/publicar'] button"))
    expect_flash(secretary)
    assert secretary.url.endswith(f"/conferencias/{slug}/relatorio/v1")
    a11y(secretary, "relatório publicado")

    visitor.goto(f"/conferencias/{slug}")
    a11y(visitor, "conferência com relatório publicado")
    go(visitor, visitor.locator(f"main a[href='/conferencias/{slug}/relatorio']"))
    a11y(visitor, "relatório (visitante)")
    assert visitor.locator("h1").inner_text().strip() == title
    go(visitor, visitor.locator(f"a[href='/conferencias/{slug}/relatorio/versoes']"))
    a11y(visitor, "versões do relatório")
    visitor.go_back()

    pdf = download(visitor, visitor.locator(f"a[href='/conferencias/{slug}/relatorio/v1.pdf']"), tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF"), "o arquivo baixado não é um PDF"
    pdftotext = "/usr/bin/pdftotext" if os.path.exists("/usr/bin/pdftotext") else "pdftotext"
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    assert title in " ".join(text.split()), "o título da conferência não está no texto do PDF"

    table = download(visitor, visitor.locator(f"a[href='/conferencias/{slug}/relatorio/v1.csv']"), tmp_path)
    content = table.read_text(encoding="utf-8-sig")
    assert content.splitlines()[0] == CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [row["codigo"] for row in rows] == conference["deliberations"], "uma linha por deliberação"
    assert all(row["sim"] and int(row["sim"]) > int(row["nao"]) for row in rows)
