"""The privacy notice, /privacidade (issue 8): who is responsible, what is kept, for how
long (the retention period configured, PRIVACY_RETENTION_DAYS, in plain words), the rights
and how to exercise them."""

from __future__ import annotations

import html
import re

import pytest


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    body = response.get_data(as_text=True)
    main = body[body.index("<h1>"):]
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", main).split()))


def test_the_notice_says_who_what_how_long_and_the_rights(client, app):
    response = client.get("/privacidade")
    assert response.status_code == 200
    text = page_text(response)
    for heading in ("Quem é responsável", "O que guardamos", "Para quê", "Por quanto tempo", "Seus direitos"):
        assert heading in text
    assert app.config["PRIVACY_CONTACT"] in text
    days = app.config["PRIVACY_RETENTION_DAYS"]
    assert f"o prazo de guarda definido pelo conselho, de {days} dias após a publicação" in text
    assert "Participante removido" in text and "nomes dos delegados eleitos" in text
    assert "Não pedimos CPF, NIS" in text
    for right in ("Baixar meus dados", "Corrigir seu nome", "Excluir sua conta", "encarregado de dados", "ANPD"):
        assert right in text


@pytest.mark.parametrize("days, words", [(730, "de 730 dias após a publicação"), (1, "de 1 dia após a publicação")])
def test_the_retention_period_comes_from_the_configuration(client, app, monkeypatch, days, words):
    monkeypatch.setitem(app.config, "PRIVACY_RETENTION_DAYS", days)
    assert words in page_text(client.get("/privacidade"))


def test_the_notice_in_english(client, app):
    client.set_cookie("lang", "en")
    text = page_text(client.get("/privacidade"))
    days = app.config["PRIVACY_RETENTION_DAYS"]
    assert f"for the retention period set by the council: {days} days after publication" in text
