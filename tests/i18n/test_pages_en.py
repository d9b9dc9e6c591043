"""Main pages rendered in English (the `lang=en` cookie) show no Portuguese UI text.

Each page is rendered twice: in pt-BR (the default) the sample strings must be there, so
that their absence in English means something; in English they must be gone, and so must
every longer pt-BR msgid of the catalogue.
"""

from __future__ import annotations

import html
import re

import pytest
from flask import url_for

from app.conferences.phases import Phase
from tests.i18n import scan

# A few pt-BR msgids each page shows, and what English must show instead.
PAGES = {
    "home": (
        ["Conferências de Assistência Social", "Próximas e em andamento", "Ir para o conteúdo", "Menu principal",
         "Alto contraste", "Entrar"],
        ["Social-Assistance Conferences", "Upcoming and ongoing", "Go to content", "Main menu", "High contrast",
         "Log in"],
    ),
    "conference": (
        ["Sobre a conferência", "Eixos temáticos", "Propostas e debate", "Fase atual:", "Entre para participar",
         "Ainda não há propostas."],
        ["About the conference", "Thematic axes", "Proposals and debate", "Current phase:", "Log in to take part",
         "There are no proposals yet."],
    ),
    "proposals": (
        ["Filtrar e buscar", "Mais recentes primeiro", "Palavras no código, título ou texto"],
        ["Filter and search", "Newest first", "Words in the code, title or text"],
    ),
    "rounds": (
        ["Nenhuma rodada de votação foi aberta ainda."],
        ["No voting round has been opened yet."],
    ),
    "login": (
        ["Senha", "Ainda não tem conta?", "Crie uma conta"],
        ["Password", "Don't have an account yet?", "Create an account"],
    ),
}

TAGS = re.compile(r"<[^>]*>")


def page_text(body: str) -> str:
    """What a reader sees or hears: text and the text attributes, without markup."""
    attributes = re.findall(r'\b(?:alt|title|aria-label|placeholder|content)="([^"]*)"', body)
    text = TAGS.sub(" ", re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.DOTALL))
    return " ".join(html.unescape(" ".join([text, *attributes])).split())


@pytest.fixture(scope="module")
def portuguese_msgids() -> list[str]:
    """The catalogue's pt-BR msgids that would betray an untranslated page: several words,
    no placeholder, and different from their English."""
    catalogue = scan.read_catalogue()
    return sorted(m.id for m in catalogue
                  if isinstance(m.id, str) and m.id != m.string and "%" not in m.id
                  and len(m.id) >= 12 and " " in m.id)


@pytest.fixture
def urls(app, make):
    conference = make.conference(phase=Phase.DEBATE)
    with app.test_request_context():
        return {
            "home": url_for("main.index"),
            "conference": url_for("conferences.detail", slug=conference.slug),
            "proposals": url_for("proposals.index", slug=conference.slug),
            "rounds": url_for("rounds.index", slug=conference.slug),
            "login": url_for("auth.login"),
        }


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_in_portuguese_by_default(client, urls, name):
    response = client.get(urls[name])
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<html lang="pt-BR"' in body
    text = page_text(body)
    missing = [s for s in PAGES[name][0] if s not in text]
    assert not missing, f"{name}: the sample strings are no longer on the page, update PAGES: {missing}"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_in_english_has_no_portuguese_ui_text(client, urls, portuguese_msgids, name):
    client.set_cookie("lang", "en")
    response = client.get(urls[name])
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<html lang="en"' in body
    text = page_text(body)
    portuguese, english = PAGES[name]
    left = [s for s in portuguese if s in text]
    assert not left, f"{name} in English still shows: {left} (is messages.mo current? `make translations`)"
    absent = [s for s in english if s not in text]
    assert not absent, f"{name} in English lacks: {absent}"
    untranslated = [m for m in portuguese_msgids if m in text]
    assert not untranslated, f"{name} in English shows pt-BR msgids: {untranslated}"
