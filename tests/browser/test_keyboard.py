"""Journey 4: journey 1 again with the keyboard only (Tab, Shift+Tab, Enter, Space, arrows and
the eMAG access keys). Every control used is reached with Tab, the focus is visible at every
stop, and Tab cycles through a page and comes back (no keyboard trap)."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import (
    assert_focus_visible,
    assert_no_keyboard_trap,
    focus_within,
    focused,
    press_access_key,
    tab,
    tab_to,
)
from tests.browser.journeys import DEBATE_COMMENT, SP_SLUG, expect_flash, new_person

pytestmark = pytest.mark.browser
ACCESS_KEYS = (("1", "conteudo"), ("2", "menu"), ("3", "q"), ("4", "rodape"))


def enter(page, key: str = "Enter"):
    """Activate the focused control with the keyboard and wait for the page it loads."""
    with page.expect_navigation(wait_until="load") as navigation:
        page.keyboard.press(key)
    return navigation.value


def type_into(page, field_id: str, text: str) -> None:
    state = tab_to(page, lambda s: s["id"] == field_id)
    assert state["id"] == field_id
    page.keyboard.type(text)


def submit_button(form_action: str | None = None):
    def matches(state) -> bool:
        return (state["tag"] == "button" and state["inMain"] and state["type"] == "submit"
                and (form_action is None or state["form"] == form_action))
    return matches


def test_access_keys_skip_links_and_no_keyboard_trap(contexts, a11y):
    page = contexts.page()
    for path in ("/", "/cadastro", f"/conferencias/{SP_SLUG}/propostas/E5-E-01"):
        page.goto(path)
        a11y(page, "atalhos")
        first = tab(page)
        assert first["href"] == "#conteudo", f"o primeiro Tab não leva ao atalho do conteúdo: {first}"
        for key, target in ACCESS_KEYS:
            press_access_key(page, key)
            state = assert_focus_visible(page, f"depois de Alt+{key}")
            assert state["id"] == target, f"Alt+{key} levou o foco a {state}, não a #{target}"
            assert page.url.endswith(f"#{target}")
        press_access_key(page, "1")
        assert focus_within(page, "main")
        tab(page)
        assert focus_within(page, "main"), "depois de Alt+1, o Tab não continua no conteúdo"
        page.goto(path)
        forward = assert_no_keyboard_trap(page)
        page.goto(path)
        backward = assert_no_keyboard_trap(page, shift=True)
        assert forward == backward > 10


def test_newcomer_journey_with_the_keyboard_only(contexts, a11y):
    person = new_person("teclado")
    page = contexts.page()
    page.goto("/")
    a11y(page, "início")

    # The menu by its access key, then "Criar conta".
    press_access_key(page, "2")
    tab_to(page, lambda s: s["href"] == "/cadastro")
    enter(page)
    a11y(page, "cadastro")

    # Sent empty with Enter: the error summary takes the focus; its first link leads to the field.
    tab_to(page, submit_button())
    enter(page)
    a11y(page, "cadastro com erros")
    summary = assert_focus_visible(page, "no resumo de erros")
    assert summary["id"] == "erros", f"o foco não foi para o resumo de erros: {summary}"
    link = tab(page)
    assert link["href"] == "#display_name"
    page.keyboard.press("Enter")
    assert assert_focus_visible(page)["id"] == "display_name", "o link do erro não leva ao campo"
    page.keyboard.type(person.name)
    type_into(page, "email", person.email)
    back = tab(page, shift=True)  # Shift+Tab returns to the previous field
    assert back["id"] == "display_name" and back["value"] == person.name
    tab(page)
    type_into(page, "password", person.password)
    type_into(page, "password_confirm", person.password)
    tab_to(page, lambda s: s["id"] == "accept_privacy")
    page.keyboard.press("Space")
    assert focused(page)["checked"], "Espaço não marcou a caixa do aviso de privacidade"
    tab_to(page, submit_button())
    enter(page)
    expect_flash(page)
    a11y(page, "conta criada")

    # The conference, "Quero participar", the segment with Space.
    tab_to(page, lambda s: s["href"] == f"/conferencias/{SP_SLUG}")
    enter(page)
    a11y(page, "conferência")
    tab_to(page, lambda s: s["href"] == f"/conferencias/{SP_SLUG}/participar")
    enter(page)
    a11y(page, "inscrição")
    radio = tab_to(page, lambda s: s["name"] == "segment")
    while radio["value"] != "usuario":
        page.keyboard.press("ArrowDown")
        radio = focused(page)
    page.keyboard.press("Space")
    assert focused(page)["checked"]
    tab_to(page, submit_button())
    enter(page)
    expect_flash(page)
    a11y(page, "inscrito")

    # A proposal: the eixo with the arrow keys, the sphere with the arrows, the texts typed.
    tab_to(page, lambda s: s["href"] == f"/conferencias/{SP_SLUG}/propostas/nova")
    enter(page)
    a11y(page, "nova proposta")
    tab_to(page, lambda s: s["id"] == "eixo_id")
    page.keyboard.press("ArrowDown")
    assert focused(page)["value"], "a seta não escolheu um eixo"
    radio = tab_to(page, lambda s: s["name"] == "sphere")
    while radio["value"] != "estadual":
        page.keyboard.press("ArrowDown")
        radio = focused(page)
    assert radio["checked"]
    type_into(page, "title", person.proposal_title)
    type_into(page, "body", "Que os CRAS tenham fila preferencial e cadeiras na espera.")
    type_into(page, "justification", "Muita gente espera em pé.")
    tab_to(page, submit_button())
    enter(page)
    message = expect_flash(page)
    code = page.url.rsplit("/", 1)[-1]
    assert re.match(r"^E\d+-E-\d{2}$", code) and code in message
    a11y(page, "proposta enviada")

    # The list (breadcrumb), the debated proposal, "Responder" under the comment.
    tab_to(page, lambda s: s["href"] == f"/conferencias/{SP_SLUG}/propostas/")
    enter(page)
    a11y(page, "lista de propostas")
    assert page.locator(f"main a[href='/conferencias/{SP_SLUG}/propostas/{code}']").count() >= 1
    tab_to(page, lambda s: s["href"].startswith(f"/conferencias/{SP_SLUG}/propostas/E")
           and "proteção básica" in s["label"])
    enter(page)
    a11y(page, "proposta com debate")
    root = page.locator("li.comment", has=page.locator(".comment__body", has_text=DEBATE_COMMENT)).first
    number = root.get_attribute("id").split("-")[-1]
    tab_to(page, lambda s: f"responder={number}" in s["href"])
    enter(page)
    a11y(page, "formulário de resposta aberto")
    reply = tab(page)  # the next Tab lands in the reply form that just opened
    assert reply["name"] == "body" and focus_within(page, f"#responder-{number}"), f"o Tab foi para {reply}"
    page.keyboard.type(person.reply)
    radio = tab_to(page, lambda s: s["name"] == "stance")
    while radio["value"] != "a_favor":
        page.keyboard.press("ArrowDown")
        radio = focused(page)
    tab_to(page, submit_button())
    assert focus_within(page, f"#responder-{number}")
    enter(page)
    expect_flash(page)
    a11y(page, "resposta publicada")
    nested = page.locator(f"#comentario-{number} > ol.thread--replies > li.comment", has_text=person.reply)
    assert nested.count() == 1
