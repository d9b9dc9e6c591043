"""The journeys of issue 6, written once and run by several tests: in pt-BR and in English,
with and without JavaScript. Selectors rely on addresses, ids and the data (titles, codes,
names), never on UI text, so that the same steps work in both languages.

Every page reached and every change of a page (errors shown, a reply form opened, a flash
message, the ballot after voting) goes through ``a11y`` (axe, no serious/critical violation).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.browser.helpers import SECRETARY, demo_email, flash_text, login, no_horizontal_scroll, tr

SP_SLUG = "conferencia-estadual-sao-paulo-demo"
XI_SLUG = "xi-conferencia-alvares-florence-2025"
VIII_SLUG = "viii-conferencia-alvares-florence-2019"
# The comment of the São Paulo demo's debate that the newcomer answers (app/demo/sp_state.py).
DEBATE_COMMENT = "No nosso município o SCFV atende 120 crianças"
CODE_RE = re.compile(r"^E\d+-[MEF]-\d{2,}$")


def go(page: Any, locator: Any) -> Any:
    """Click something that loads a new page; returns the response of that navigation."""
    with page.expect_navigation(wait_until="load") as navigation:
        locator.click()
    return navigation.value


def submit(page: Any, button: Any) -> Any:
    return go(page, button)


def expect_flash(page: Any, kind: str = "success") -> str:
    flashes = page.locator(f".flashes .flash--{kind}")
    assert flashes.count() >= 1, f"esperava uma mensagem {kind} em {page.url}; mensagens: {flash_text(page)!r}"
    return flashes.first.inner_text()


def expect_errors(page: Any, response: Any, *field_ids: str) -> None:
    """A form came back with its error summary, each field marked and described by its error."""
    assert response is None or response.status == 422, f"esperava 422, veio {response and response.status}"
    summary = page.locator("#erros")
    assert summary.is_visible(), f"sem resumo de erros em {page.url}"
    for field_id in field_ids:
        summary_link = summary.locator(f"a[href='#{field_id}']")
        assert summary_link.count() >= 1, f"o resumo não aponta para #{field_id}"
        control = page.locator(f"#{field_id}")
        if control.evaluate("e => e.tagName") != "FIELDSET":
            assert control.get_attribute("aria-invalid") == "true", f"#{field_id} sem aria-invalid"
        described = control.get_attribute("aria-describedby") or ""
        assert f"{field_id}-error" in described.split(), f"#{field_id} não é descrito pelo seu erro ({described!r})"


# ---- journey 1: a newcomer registers, joins, proposes and replies ---------------------------------

@dataclass
class Newcomer:
    name: str
    email: str
    password: str
    proposal_title: str
    reply: str
    code: str = ""


def new_person(tag: str) -> Newcomer:
    token = uuid.uuid4().hex[:8]
    return Newcomer(
        name=f"Joana {tag} {token}", email=f"joana.{tag}.{token}@exemplo.com.br", password="uma-senha-boa-123",
        proposal_title=f"Fila preferencial no CRAS para idosos ({token})",
        reply=f"Concordo: aqui o SCFV também está lotado ({token}).",
    )


def newcomer_journey(contexts: Any, a11y: Any, *, lang: str = "pt_BR", js: bool = True, tag: str = "web") -> Newcomer:
    person = new_person(tag)
    page = contexts.page(lang, js=js)
    page.goto("/")
    a11y(page, "início")

    # Register: first with nothing filled in (errors tied to the fields), then properly.
    go(page, page.locator("#menu a[href='/cadastro']"))
    a11y(page, "cadastro")
    response = submit(page, page.locator("main form.stack button[type=submit]"))
    expect_errors(page, response, "display_name", "email", "password", "accept_privacy")
    a11y(page, "cadastro com erros")
    page.fill("#display_name", person.name)
    page.fill("#email", person.email)
    page.fill("#password", person.password)
    page.fill("#password_confirm", person.password)
    page.check("#accept_privacy")
    submit(page, page.locator("main form.stack button[type=submit]"))
    expect_flash(page)
    assert page.locator("form[action$='/sair']").count() == 1
    a11y(page, "conta criada")

    # Join the São Paulo demo conference as usuário.
    go(page, page.locator(f"main a[href='/conferencias/{SP_SLUG}']").first)
    a11y(page, "conferência")
    go(page, page.locator(f"main a[href='/conferencias/{SP_SLUG}/participar']"))
    a11y(page, "inscrição")
    response = submit(page, page.locator("main form.stack button[type=submit]"))
    expect_errors(page, response, "segment")
    a11y(page, "inscrição com erros")
    page.check("input[name=segment][value=usuario]")
    submit(page, page.locator("main form.stack button[type=submit]"))
    expect_flash(page)
    assert page.locator("main .actions .badge--ok").count() == 1, "a inscrição não aparece na página"
    a11y(page, "inscrito")

    # Submit a proposal: first empty, then filled in.
    go(page, page.locator(f"main a[href='/conferencias/{SP_SLUG}/propostas/nova']").first)
    a11y(page, "nova proposta")
    response = submit(page, page.locator("main form.stack button[type=submit]"))
    expect_errors(page, response, "eixo_id", "sphere", "title", "body")
    a11y(page, "nova proposta com erros")
    page.select_option("#eixo_id", index=1)
    page.check("input[name=sphere][value=estadual]")
    page.fill("#title", person.proposal_title)
    page.fill("#body", "Que os CRAS tenham **fila preferencial** e cadeiras na espera.\n\n- idosos\n- gestantes")
    page.fill("#justification", "Muita gente espera em pé por horas.")
    submit(page, page.locator("main form.stack button[type=submit]"))
    message = expect_flash(page)
    person.code = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert CODE_RE.match(person.code), f"código inesperado: {person.code}"
    assert person.code in message
    assert page.locator("h1").inner_text().strip() == person.proposal_title
    assert person.code in page.locator(".proposal__code").inner_text()
    a11y(page, "proposta enviada")

    # The list has it, with its code.
    go(page, page.locator(f"nav .breadcrumb a[href='/conferencias/{SP_SLUG}/propostas/']"))
    a11y(page, "lista de propostas")
    listed = page.locator(f"main a[href='/conferencias/{SP_SLUG}/propostas/{person.code}']")
    assert listed.count() >= 1, f"{person.code} não está na lista"
    assert person.code in page.locator("main").inner_text()

    # Reply to a comment of the debate.
    debated = page.locator(f"main a[href^='/conferencias/{SP_SLUG}/propostas/E']",
                           has_text="proteção básica").first
    go(page, debated)
    a11y(page, "proposta com debate")
    root = page.locator("li.comment", has=page.locator(".comment__body", has_text=DEBATE_COMMENT)).first
    root_id = root.get_attribute("id")
    go(page, root.locator(":scope > article .comment__actions a[href*='responder=']"))
    number = root_id.split("-")[-1]
    form = page.locator(f"#responder-{number}")
    assert form.is_visible(), "o formulário de resposta não abriu sob o comentário"
    assert page.locator(f"#{root_id} #responder-{number}").count() == 1, "o formulário não está sob o comentário"
    a11y(page, "formulário de resposta aberto")
    response = submit(page, form.locator("button[type=submit]"))
    assert response.status == 422
    assert page.locator(f"#responder-{number} #erros").is_visible()
    a11y(page, "resposta com erros")
    form = page.locator(f"#responder-{number}")
    form.locator("textarea[name=body]").fill(person.reply)
    form.locator("input[name=stance][value=a_favor]").check()
    submit(page, form.locator("button[type=submit]"))
    expect_flash(page)
    a11y(page, "resposta publicada")
    nested = page.locator(f"#{root_id} > ol.thread--replies > li.comment", has_text=person.reply)
    assert nested.count() == 1, "a resposta não aparece aninhada sob o comentário"
    assert person.name in nested.inner_text()
    page.context.close()
    return person


# ---- journey 2: accreditation, a round, three delegates, a late vote, the results ------------------

@dataclass
class RoundPlan:
    """What one run of journey 2 uses: its own pending people and its own proposals."""

    tag: str
    pending: tuple[str, str]  # (e-mail, name) of two pending registrations, by name
    pending_names: tuple[str, str]
    codes: tuple[str, str]

    @property
    def title(self) -> str:
        return f"Rodada do navegador ({self.tag})"


def round_plan(seed: dict[str, Any], variant: str) -> RoundPlan:
    extra = seed["xi"]["extra_pending"]
    codes = seed["xi"]["extra_codes"]
    plans = {
        "pt_BR": RoundPlan("pt_BR", (demo_email("marcia.usuaria"), demo_email("igor.usuario")),
                           ("Márcia Regina Alves", "Igor Santana"), ("E3-E-01", "E4-M-01")),
        "en": RoundPlan("en", (demo_email("camila.trabalhadora"), demo_email("ong.esperanca")),
                        ("Camila Freitas", "Otávio Lima"), ("E5-F-01", codes[0])),
        "nojs": RoundPlan("nojs", (extra[0]["email"], extra[1]["email"]),
                          (extra[0]["name"], extra[1]["name"]), (codes[1], codes[2])),
    }
    return plans[variant]


def participants_url(query: str = "") -> str:
    return f"/conferencias/{XI_SLUG}/gestao/inscricoes/" + (f"?{query}" if query else "")


def accredit_and_check_in(page: Any, a11y: Any, plan: RoundPlan) -> None:
    """The first person one row at a time (credential, then presence); the second in bulk."""
    first, second = plan.pending_names
    # Pending registrations, filtered with the form.
    page.select_option("#f-credencial", "pending")
    submit(page, page.locator("main form.card button[type=submit]"))
    a11y(page, "inscrições aguardando credenciamento")
    table = page.locator("main table")
    for name in plan.pending_names:
        assert table.locator("tr", has_text=name).count() == 1, f"{name} não está entre as inscrições pendentes"

    # One row: search by name so that the row stays on screen after each change.
    page.fill("#f-q", first)
    page.select_option("#f-credencial", "")
    submit(page, page.locator("main form.card button[type=submit]"))
    row = page.locator("main table tbody tr", has_text=first)
    row.locator("select[name=credential]").select_option("delegado")
    submit(page, row.locator("form[action$='/credencial'] button[type=submit]"))
    expect_flash(page)
    a11y(page, "credencial salva")
    row = page.locator("main table tbody tr", has_text=first)
    assert row.locator("select[name=credential]").input_value() == "delegado"
    submit(page, row.locator("form[action$='/presenca'] button[type=submit]"))
    expect_flash(page)
    a11y(page, "presença registrada")
    assert page.locator("main table tbody tr", has_text=first).locator(".badge--ok").count() == 1

    # In bulk: select, accredit as delegate; select again, check in.
    page.goto(participants_url(urlencode({"q": second})))
    row = page.locator("main table tbody tr", has_text=second)
    row.locator("input[name=ids]").check()
    page.select_option("#acao-lote", "delegado")
    submit(page, page.locator("button[form=lote]"))
    expect_flash(page)
    row = page.locator("main table tbody tr", has_text=second)
    row.locator("input[name=ids]").check()
    page.select_option("#acao-lote", "check_in")
    submit(page, page.locator("button[form=lote]"))
    expect_flash(page)
    a11y(page, "credenciamento em lote")
    row = page.locator("main table tbody tr", has_text=second)
    assert row.locator("select[name=credential]").input_value() == "delegado"
    assert row.locator(".badge--ok").count() == 1


def prepare_and_open_round(page: Any, a11y: Any, plan: RoundPlan, js: bool) -> None:
    go(page, page.locator(f"nav.actions a[href='/conferencias/{XI_SLUG}/gestao/votacoes/']"))
    a11y(page, "votações (secretaria)")
    go(page, page.locator(f"main a[href='/conferencias/{XI_SLUG}/gestao/votacoes/nova']"))
    a11y(page, "nova rodada")
    page.fill("#quorum_percent", "")
    response = submit(page, page.locator("main form.stack button[type=submit]"))
    expect_errors(page, response, "title", "quorum_percent")
    a11y(page, "nova rodada com erros")
    page.fill("#title", plan.title)
    page.check("#allow_change")
    page.fill("#quorum_percent", "10")
    submit(page, page.locator("main form.stack button[type=submit]"))
    expect_flash(page)
    a11y(page, "escolher propostas")
    for code in plan.codes:
        choice = page.locator(".choice--proposal", has=page.locator("label strong", has_text=re.compile(f"^{code}$")))
        assert choice.count() == 1, f"{code} não pode entrar na rodada"
        choice.locator("input[type=checkbox]").check()
    submit(page, page.locator("main button[name=acao][value=salvar]"))
    expect_flash(page)
    a11y(page, "propostas escolhidas")
    for code in plan.codes:
        choice = page.locator(".choice--proposal", has=page.locator("label strong", has_text=re.compile(f"^{code}$")))
        assert choice.locator("input[type=checkbox]").is_checked()
    page.goto(f"/conferencias/{XI_SLUG}/gestao/votacoes/")
    row = page.locator("main table tbody tr", has=page.locator("th a", has_text=plan.title))
    submit(page, row.locator("form[action$='/abrir'] button[type=submit]"))
    expect_flash(page)
    assert "/painel" in page.url
    # With JavaScript the figures update in place (no reload); without it the page reloads
    # itself through a <noscript> refresh. Either way the visitor can turn it off.
    assert page.locator("head meta[http-equiv=refresh]").count() == (0 if js else 1)
    stop = page.locator("[data-auto-refresh] a[href$='auto=0']")
    assert stop.is_visible(), "o controle que desliga a atualização automática aparece sempre"
    a11y(page, "painel da rodada aberta")


def open_ballot(page: Any, a11y: Any, plan: RoundPlan) -> None:
    page.goto(f"/conferencias/{XI_SLUG}")
    go(page, page.locator("main a[href*='/votacoes/']", has_text=plan.title))
    assert page.locator("form.ballot").count() == 1, f"sem cédula em {page.url}"
    a11y(page, "cédula")


def mark(page: Any, code: str, choice: str) -> None:
    item = page.locator("fieldset.ballot-item", has=page.locator("legend", has_text=code))
    item.locator(f"input[type=radio][value='{choice}']").check()


def vote(page: Any, a11y: Any, plan: RoundPlan, choices: dict[str, str]) -> None:
    for code, choice in choices.items():
        mark(page, code, choice)
    submit(page, page.locator("form.ballot button[type=submit]"))
    expect_flash(page)
    assert "/comprovante/" in page.url
    a11y(page, "comprovante do voto")


def secretary_round_journey(contexts: Any, a11y: Any, seed: dict[str, Any], *, variant: str,
                            lang: str = "pt_BR", js: bool = True) -> None:
    plan = round_plan(seed, variant)
    p1, p2 = plan.codes

    secretary = contexts.page(lang, js=js)
    login(secretary, SECRETARY, a11y)
    a11y(secretary, "secretaria entrou")
    secretary.goto(f"/conferencias/{XI_SLUG}")
    go(secretary, secretary.locator(f"main a[href='/conferencias/{XI_SLUG}/gestao/']"))
    a11y(secretary, "painel da secretaria")
    go(secretary, secretary.locator(f"nav.actions a[href='{participants_url()}']"))
    a11y(secretary, "inscrições")
    accredit_and_check_in(secretary, a11y, plan)
    prepare_and_open_round(secretary, a11y, plan, js)

    # Three delegates, each in a browser context of their own; the second on a phone.
    first = contexts.page(lang, js=js)
    login(first, plan.pending[0])
    open_ballot(first, a11y, plan)
    response = submit(first, first.locator("form.ballot button[type=submit]"))  # nothing marked
    assert response.status == 422 and first.locator("#erros").is_visible(), "cédula em branco aceita"
    a11y(first, "cédula em branco recusada")
    vote(first, a11y, plan, {p1: "yes", p2: "no"})

    phone = contexts.page(lang, js=js, phone=True)
    login(phone, plan.pending[1])
    open_ballot(phone, a11y, plan)
    width, inner = no_horizontal_scroll(phone)
    assert inner == 360 and width <= inner, f"cédula rola na horizontal no celular: {width} > {inner}"
    vote(phone, a11y, plan, {p1: "yes", p2: "abstain"})

    late = contexts.page(lang, js=js)
    login(late, demo_email("maria.usuaria"))
    open_ballot(late, a11y, plan)
    vote(late, a11y, plan, {p1: "no", p2: "no"})
    open_ballot(late, a11y, plan)  # allow_change: the ballot again, with her choices, loaded before the close
    assert late.locator("form.ballot .notice--ok, main .notice--ok").count() >= 1
    a11y(late, "cédula depois de votar")

    # The secretary closes the round, after the confirmation step.
    go(secretary, secretary.locator("main a[href$='/encerrar']").first)
    a11y(secretary, "encerrar: tem certeza?")
    response = submit(secretary, secretary.locator("main form.stack button[type=submit]"))
    expect_errors(secretary, response, "confirm")
    a11y(secretary, "encerrar sem confirmar")
    secretary.check("#confirm")
    submit(secretary, secretary.locator("main form.stack button[type=submit]"))
    expect_flash(secretary)
    assert "/resultado" in secretary.url
    a11y(secretary, "rodada encerrada")

    # The late vote: the ballot loaded before the close is sent after it.
    mark(late, p1, "yes")
    response = submit(late, late.locator("form.ballot button[type=submit]"))
    assert response.status == 409
    refusal = late.locator("main [role=alert]").inner_text()
    expected = tr(lang, "Votação encerrada: seu voto não foi registrado.")
    assert expected in refusal, f"{refusal!r} não diz {expected!r}"
    if lang == "pt_BR":
        assert "Votação encerrada" in refusal
    a11y(late, "voto depois do encerramento recusado")

    # A visitor sees the results: the chart and the table, with the figures of the three ballots.
    visitor = contexts.page(lang, js=js)
    visitor.goto(f"/conferencias/{XI_SLUG}")
    a11y(visitor, "conferência (visitante)")
    go(visitor, visitor.locator("main a[href$='/resultado']", has_text=plan.title))
    a11y(visitor, "resultado")
    check_results(visitor, plan, {p1: (2, 1, 0), p2: (0, 2, 1)}, voters=3)


def check_results(page: Any, plan: RoundPlan, expected: dict[str, tuple[int, int, int]], voters: int) -> None:
    assert plan.title in page.locator("h1").inner_text()
    turnout = page.locator("dl.facts dd").first.inner_text()
    assert re.match(rf"^{voters}\D", turnout), f"comparecimento: {turnout!r}"
    summary = page.locator("main table").first
    for code, figures in expected.items():
        cells = summary.locator("tbody tr", has=page.locator("th", has_text=code)).locator("td.num")
        assert tuple(int(c) for c in cells.all_inner_texts()) == figures, f"{code}: {cells.all_inner_texts()}"
        result = page.locator("article.result", has=page.locator("h3", has_text=code))
        chart = result.locator("svg.chart[role=img]")
        assert chart.count() == 1, f"{code}: sem gráfico"
        labelled = chart.get_attribute("aria-labelledby").split()
        desc = result.locator(f"desc#{labelled[1]}").text_content()
        assert result.locator(f"title#{labelled[0]}").text_content().strip()
        assert [int(n) for n in re.findall(r"\d+", desc)] == list(figures), f"{code}: descrição do gráfico {desc!r}"
        values = [int(re.match(r"\d+", t).group()) for t in chart.locator("text.chart__value").all_text_contents()]
        assert values == list(figures), f"{code}: valores do gráfico {values}"
        rows = result.locator("table").first.locator("tbody tr")
        totals = [int(rows.nth(i).locator("td.num").last.inner_text()) for i in range(3)]
        assert totals == list(figures), f"{code}: tabela da proposta {totals}"
