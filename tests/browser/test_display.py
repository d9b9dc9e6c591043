"""Journey 6: the site's own high-contrast and font-size buttons (up to 200%) on the main pages,
and reflow at 320 CSS pixels without horizontal scrolling (WCAG 1.4.10), in pt-BR and English.
Screenshots go to test-artifacts/screenshots/ (README.md, "Browser tests and screenshots")."""

from __future__ import annotations

import pytest

from tests.browser.helpers import demo_email, login, no_horizontal_scroll, screenshot
from tests.browser.journeys import SP_SLUG, VIII_SLUG, XI_SLUG, go

pytestmark = pytest.mark.browser
LANGS = pytest.mark.parametrize("lang", ["pt_BR", "en"], ids=["pt-BR", "en"])
XI_OPEN_ROUND = "Plenária final – eixos 1 e 2"  # the demo's open round (app/demo/alvares_2025.py)

# The main pages a visitor reaches without an account; then the ballot, as a demo delegate.
PUBLIC_PAGES = (
    ("inicio", "/"),
    ("conferencia", f"/conferencias/{SP_SLUG}"),
    ("propostas", f"/conferencias/{SP_SLUG}/propostas/"),
    ("proposta-com-debate", f"/conferencias/{SP_SLUG}/propostas/E5-E-01"),
    ("resultado", None),  # the first closed round of the VIII conference, found from its page
    ("relatorio", f"/conferencias/{VIII_SLUG}/relatorio"),
    ("cadastro", "/cadastro"),
    ("entrar", "/entrar"),
)


def visit(page, name: str, path: str | None) -> None:
    if path is None:
        page.goto(f"/conferencias/{VIII_SLUG}")
        go(page, page.locator("main a[href$='/resultado']").first)
    else:
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"


def open_ballot(page) -> None:
    login(page, demo_email("maria.usuaria"))
    page.goto(f"/conferencias/{XI_SLUG}")
    go(page, page.locator("main a[href*='/votacoes/']", has_text=XI_OPEN_ROUND))
    assert page.locator("form.ballot").count() == 1


def each_main_page(page):
    for name, path in PUBLIC_PAGES:
        visit(page, name, path)
        yield name
    open_ballot(page)
    yield "cedula"


def html_classes(page) -> list[str]:
    return (page.locator("html").get_attribute("class") or "").split()


@LANGS
def test_high_contrast_and_200_percent_text_with_the_sites_buttons(contexts, a11y, lang):
    page = contexts.page(lang, viewport={"width": 1280, "height": 900})
    page.goto("/")
    go(page, page.locator("form.prefs button[name=contraste]"))
    assert "hc" in html_classes(page)
    assert page.locator("form.prefs button[name=contraste]").get_attribute("aria-pressed") == "true"
    a11y(page, "alto contraste ligado")
    for _ in range(5):  # 100 → 125 → 150 → 175 → 200, and once more: it stays at 200
        go(page, page.locator("form.prefs button[name=fonte][value=mais]"))
    assert "fs-200" in html_classes(page)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    a11y(page, "letra 200%")

    for name in each_main_page(page):
        classes = html_classes(page)
        assert "hc" in classes and "fs-200" in classes, f"{name}: preferências perdidas ({classes})"
        colours = page.evaluate("() => [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]")
        assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"], f"{name}: {colours}"
        width, inner = no_horizontal_scroll(page)
        assert width <= inner, f"{name}: rolagem horizontal com letra a 200% ({width} > {inner})"
        a11y(page, f"alto contraste e letra 200%: {name}")
        screenshot(page, f"{lang}-alto-contraste-200-{name}")

    # Both buttons undo what they did.
    go(page, page.locator("form.prefs button[name=fonte][value=normal]"))
    go(page, page.locator("form.prefs button[name=contraste]"))
    classes = html_classes(page)
    assert "hc" not in classes and "fs-100" in classes
    assert page.locator("form.prefs button[name=contraste]").get_attribute("aria-pressed") == "false"


@LANGS
def test_320_pixels_wide_without_horizontal_scrolling(contexts, a11y, lang):
    page = contexts.page(lang, viewport={"width": 320, "height": 640})
    for name in each_main_page(page):
        width, inner = no_horizontal_scroll(page)
        assert inner == 320
        assert width <= inner, f"{name}: a página rola na horizontal a 320 px ({width} > {inner})"
        a11y(page, f"320 px: {name}")
        screenshot(page, f"{lang}-320px-{name}")
