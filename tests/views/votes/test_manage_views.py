"""Secretariat pages: who may use them, preparing a round, opening, the live panel, late
delegates, in-person counts with double entry, and the closing."""

import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.conferences.constants import MajorityRule
from app.proposals.constants import ProposalState
from app.votes.constants import RoundState
from app.votes.models import InPersonCount, RoundElector, RoundItem, VotingRound
from tests.views.helpers import field_error, flashes, tag, text
from tests.views.votes.conftest import login, stored

# (method, path suffix under /gestao/votacoes, needs a round)
ROUTES = [
    ("GET", "", False), ("GET", "nova", False), ("POST", "nova", False),
    ("GET", "editar", True), ("POST", "editar", True), ("GET", "propostas", True), ("POST", "propostas", True),
    ("POST", "abrir", True), ("POST", "excluir", True), ("GET", "painel", True), ("POST", "eleitorado", True),
    ("GET", "contagem", True), ("POST", "contagem", True), ("GET", "encerrar", True), ("POST", "encerrar", True),
]


def checked(page, name, value):
    """Whether the radio or checkbox ``name``/``value`` is rendered checked (any attribute order)."""
    for start in re.findall(r"<input\b[^>]*>", page):
        if f'name="{name}"' in start and f'value="{value}"' in start:
            return re.search(r"\bchecked\b", start) is not None
    raise AssertionError(f"no input {name}={value}")


def manage_url(plenary, voting_round, suffix, needs_round):
    if not needs_round:
        return plenary.url(None, suffix, manage=True)
    return plenary.url(voting_round, suffix, manage=True)


@pytest.fixture
def draft(plenary):
    return plenary.prepare(plenary.proposals(2), title="Rascunho")


@pytest.mark.parametrize(("method", "suffix", "needs_round"), ROUTES)
def test_secretariat_routes_refuse_everyone_but_this_conferences_secretaries(
        client, plenary, draft, session, method, suffix, needs_round):
    url = manage_url(plenary, draft, suffix, needs_round)
    before = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    response = client.open(url, method=method, data={})
    assert response.status_code == 302 and "/entrar?next=" in response.headers["Location"]
    for person in (plenary.participant, plenary.delegates[0], plenary.observer, plenary.outsider):
        login(client, person)
        assert client.open(url, method=method, data={"confirm": "y"}).status_code == 403, person
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
    assert session.get(VotingRound, draft.id).state == RoundState.DRAFT


@pytest.mark.parametrize(("method", "suffix"), [(m, s) for m, s, needs in ROUTES if needs])
def test_a_round_id_of_another_conference_is_404_for_its_secretary(client, plenary, draft, method, suffix):
    foreign = plenary.make.secretary(plenary.other)
    login(client, foreign)
    url = f"/conferencias/{plenary.other.slug}/gestao/votacoes/{draft.id}/{suffix}"
    assert client.open(url, method=method, data={}).status_code == 404


def test_create_shows_every_setting_with_the_conference_defaults(client, plenary):
    plenary.conference.majority_rule = MajorityRule.TWO_THIRDS
    plenary.conference.quorum_percent = 40
    login(client, plenary.secretary)
    page = text(client.get(plenary.url(None, "nova", manage=True)))
    assert "novalidate" in page
    for name in ("title", "kind", "secret", "allow_change", "double_entry", "majority_rule", "quorum_percent",
                 "max_choices", "forward_count"):
        assert f'name="{name}"' in page, name
    assert checked(page, "majority_rule", "two_thirds") and not checked(page, "majority_rule", "simple")
    assert 'value="40"' in (tag(page, id="quorum_percent") or "")
    assert checked(page, "kind", "deliberation")
    for ident in ("title", "secret", "allow_change", "double_entry", "quorum_percent", "max_choices", "forward_count"):
        assert f'<label for="{ident}">' in page, ident


def test_create_refusals_come_back_on_the_field_with_what_was_typed(client, plenary, session):
    login(client, plenary.secretary)
    data = {"title": "Prioridades estaduais", "kind": "priority", "majority_rule": "simple", "quorum_percent": "50",
            "forward_count": "3", "max_choices": ""}
    response = client.post(plenary.url(None, "nova", manage=True), data=data)
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "max_choices") == "Diga quantas propostas cada delegado pode escolher."
    assert 'value="Prioridades estaduais"' in (tag(page, id="title") or "")
    assert 'value="3"' in (tag(page, id="forward_count") or "")
    assert checked(page, "kind", "priority")
    response = client.post(plenary.url(None, "nova", manage=True),
                           data={**data, "max_choices": "2", "secret": "y", "allow_change": "y"})
    assert response.status_code == 422
    assert "o voto não pode ser trocado" in field_error(text(response), "allow_change")
    response = client.post(plenary.url(None, "nova", manage=True), data={**data, "quorum_percent": "abc"})
    assert response.status_code == 422 and field_error(text(response), "quorum_percent")
    assert session.scalar(sa.select(sa.func.count()).select_from(VotingRound)) == 0
    response = client.post(plenary.url(None, "nova", manage=True), data={**data, "max_choices": "2"})
    assert response.status_code == 302
    created = session.scalars(sa.select(VotingRound)).one()
    assert (created.kind, created.max_choices, created.forward_count) == ("priority", 2, 3)
    assert response.headers["Location"].endswith(f"/gestao/votacoes/{created.id}/propostas")


def test_edit_a_draft_and_not_an_open_round(client, plenary, draft, session):
    login(client, plenary.secretary)
    page = text(client.get(plenary.url(draft, "editar", manage=True)))
    assert 'value="Rascunho"' in (tag(page, id="title") or "")
    response = client.post(plenary.url(draft, "editar", manage=True),
                           data={"title": "", "majority_rule": "absolute", "quorum_percent": "30"})
    assert response.status_code == 422 and field_error(text(response), "title") == "Este campo é obrigatório."
    response = client.post(plenary.url(draft, "editar", manage=True),
                           data={"title": "Eixo 2", "majority_rule": "absolute", "quorum_percent": "30",
                                 "double_entry": "y"})
    assert response.status_code == 302
    session.refresh(draft)
    assert (draft.title, draft.majority_rule, draft.quorum_percent, draft.double_entry) == ("Eixo 2", "absolute", 30, True)
    opened = plenary.start(plenary.proposals(1), title="Aberta")
    response = client.get(plenary.url(opened, "editar", manage=True))
    assert response.status_code == 302
    assert "Só rodadas em preparação podem ser alteradas." in flashes(text(client.get(response.headers["Location"])))


def test_pick_proposals_with_filters_checkboxes_and_select_all_filtered(client, plenary, session):
    eixo1 = plenary.proposals(2, eixo=1)
    eixo2 = plenary.proposals(3, eixo=2)
    estadual = plenary.proposals(1, eixo=2, sphere="estadual")
    plenary.proposals(1, eixo=2, state=ProposalState.APPROVED)  # not eligible for a deliberation
    voting_round = plenary.create(title="Seleção")
    login(client, plenary.secretary)
    url = plenary.url(voting_round, "propostas", manage=True)

    def items():
        return set(session.scalars(sa.select(RoundItem.proposal_id).where(RoundItem.round_id == voting_round.id)))

    page = text(client.get(url))
    assert page.count('type="checkbox" name="proposal_ids"') == 6
    response = client.post(url, data={"proposal_ids": [str(eixo1[0].id)], "acao": "salvar"})
    assert response.status_code == 302 and items() == {eixo1[0].id}
    # Filtered to eixo 2, municipal: "select all filtered" adds exactly those, keeps eixo 1's.
    response = client.post(url + "?eixo=2&esfera=municipal", data={"acao": "todas"})
    assert response.status_code == 302 and response.headers["Location"].endswith("?eixo=2&esfera=municipal")
    assert items() == {eixo1[0].id} | {p.id for p in eixo2}
    page = text(client.get(url + "?eixo=2&esfera=municipal"))
    assert page.count('type="checkbox" name="proposal_ids"') == 3 and page.count(" checked>") == 3
    # Unticking one on the filtered screen removes only it.
    response = client.post(url + "?eixo=2", data={"proposal_ids": [str(eixo2[0].id), str(estadual[0].id)],
                                                  "acao": "salvar"})
    assert items() == {eixo1[0].id, eixo2[0].id, estadual[0].id}
    session.expire_all()
    assert session.get(type(eixo2[1]), eixo2[1].id).state == ProposalState.SUBMITTED
    assert session.get(type(eixo2[0]), eixo2[0].id).state == ProposalState.IN_VOTE


def test_picking_a_proposal_of_another_round_is_refused_on_the_field(client, plenary, session):
    proposals = plenary.proposals(2)
    plenary.prepare(proposals[:1], title="Outra")
    voting_round = plenary.create(title="Esta")
    login(client, plenary.secretary)
    page = text(client.get(plenary.url(voting_round, "propostas", manage=True)))
    assert "já está na rodada “Outra”" in page
    response = client.post(plenary.url(voting_round, "propostas", manage=True),
                           data={"proposal_ids": [str(p.id) for p in proposals], "acao": "salvar"})
    assert response.status_code == 422
    page = text(response)
    assert "já estão em outra rodada não encerrada" in field_error(page, "proposal_ids")
    assert f'value="{proposals[1].id}" id="proposta-{proposals[1].id}" checked' in page


def test_open_delete_and_refusals_are_flashed(client, plenary, draft, session):
    login(client, plenary.secretary)
    empty = plenary.create(title="Vazia")
    empty_id, open_url, delete_url = empty.id, plenary.url(empty, "abrir", manage=True), plenary.url(
        empty, "excluir", manage=True)
    response = client.post(open_url)
    assert response.status_code == 302
    assert "Inclua pelo menos uma proposta" in " ".join(flashes(text(client.get(response.headers["Location"]))))
    response = client.post(delete_url)
    assert response.status_code == 302 and session.get(VotingRound, empty_id) is None
    response = client.post(plenary.url(draft, "abrir", manage=True))
    assert response.headers["Location"].endswith(f"/gestao/votacoes/{draft.id}/painel")
    assert session.get(VotingRound, draft.id).state == RoundState.OPEN
    electorate = session.scalar(sa.select(sa.func.count()).select_from(RoundElector)
                                .where(RoundElector.round_id == draft.id))
    assert electorate == len(plenary.delegates)
    response = client.post(plenary.url(draft, "excluir", manage=True))
    assert "Só rodadas em preparação podem ser excluídas." in flashes(text(client.get(response.headers["Location"])))
    page = text(client.get(plenary.url(None, "", manage=True)))
    assert "Rascunho" in page and "Painel" in page


def test_panel_shows_turnout_never_choices_refreshes_without_js_and_adds_late_delegates(client, plenary, session):
    proposals = plenary.proposals(2)
    voting_round = plenary.start(proposals)
    plenary.vote(plenary.delegates[0], voting_round, {proposals[0]: "yes", proposals[1]: "no"})
    plenary.vote(plenary.delegates[1], voting_round, {proposals[0]: "yes"})
    late = plenary.make.delegate(plenary.conference)
    login(client, plenary.secretary)
    page = text(client.get(plenary.url(voting_round, "painel", manage=True)))
    # With JavaScript the figures update in place; without it, only the <noscript> reload applies.
    assert 'data-auto-refresh="15"' in page
    assert '<noscript><meta http-equiv="refresh" content="15"></noscript>' in page
    assert "?auto=0" in page and "Parar a atualização automática" in page
    assert re.search(r"<strong>2</strong> de <strong>5</strong>\s*delegados do eleitorado já votaram", page)
    assert "(40%)" in page
    assert "Sim" not in page.split('id="conteudo"')[1]  # no choices anywhere on the panel
    assert late.user.display_name in page and "Incluir no eleitorado" in page
    still = text(client.get(plenary.url(voting_round, "painel", manage=True) + "?auto=0"))
    assert 'http-equiv="refresh"' not in still and "Ligar a atualização automática" in still
    response = client.post(plenary.url(voting_round, "eleitorado", manage=True), data={"participation_id": late.id})
    assert response.status_code == 302
    assert session.get(RoundElector, (voting_round.id, late.id)).added_late
    page = text(client.get(response.headers["Location"]))
    assert f"{late.user.display_name} foi incluído(a) no eleitorado desta rodada." in flashes(page)
    assert "Nenhum delegado presente fora do eleitorado." in page
    response = client.post(plenary.url(voting_round, "eleitorado", manage=True),
                           data={"participation_id": plenary.outsider.id})
    assert response.status_code == 404


def test_in_person_counts_single_entry_round_trip_and_422(client, plenary, session):
    proposals = plenary.proposals(2)
    voting_round = plenary.start(proposals)
    login(client, plenary.secretary)
    url = plenary.url(voting_round, "contagem", manage=True)
    page = text(client.get(url))
    assert page.count('type="number"') == 6
    assert '<label for="rows-0-yes" class="sr-only">Sim, proposta' in page
    data = {"rows-0-proposal_id": proposals[0].id, "rows-0-yes": "3", "rows-0-no": "1", "rows-0-abstain": "",
            "rows-1-proposal_id": proposals[1].id, "rows-1-yes": "-2", "rows-1-no": "", "rows-1-abstain": ""}
    response = client.post(url, data=data)
    assert response.status_code == 422
    page = text(response)
    assert 'value="3"' in (tag(page, id="rows-0-yes") or "") and 'value="-2"' in (tag(page, id="rows-1-yes") or "")
    assert "Use um número igual ou maior que zero." in page
    response = client.post(url, data={**data, "rows-1-yes": ""})
    assert response.status_code == 302
    saved = session.scalars(sa.select(InPersonCount).where(InPersonCount.round_id == voting_round.id)).all()
    assert [(c.proposal_id, c.yes, c.no, c.abstain) for c in saved] == [(proposals[0].id, 3, 1, 0)]
    page = text(client.get(url))
    assert 'value="3"' in (tag(page, id="rows-0-yes") or "")


def test_double_entry_mismatch_is_shown_side_by_side_and_closing_is_refused(client, plenary, session):
    proposals = plenary.proposals(2)
    voting_round = plenary.start(proposals, double_entry=True)
    plenary.count(voting_round, {proposals[0]: (2, 1, 0), proposals[1]: (1, 0, 0)})
    plenary.count(voting_round, {proposals[0]: (2, 1, 0), proposals[1]: (0, 1, 0)}, secretary=plenary.second_secretary)
    login(client, plenary.second_secretary)
    page = text(client.get(plenary.url(voting_round, "contagem", manage=True)))
    rows = re.findall(r'<tr class="(match|mismatch|pending)">\s*<th scope="row">(E1-M-\d+)</th>\s*<td>(.*?)</td>\s*'
                      r'<td>(.*?)</td>\s*<td>(.*?)</td>', page, re.S)
    assert [(r[0], r[1]) for r in rows] == [("match", proposals[0].code), ("mismatch", proposals[1].code)]
    assert "Sim 1 · Não 0 · Abstenção 0" in rows[1][2] and "Sim 0 · Não 1 · Abstenção 0" in rows[1][3]
    assert "(sua)" in rows[1][3] and "confere" in rows[0][4] and "diverge" in rows[1][4]
    assert 'value="0"' in (tag(page, id="rows-1-yes") or "")  # the second secretary's own figures
    confirm = text(client.get(plenary.url(voting_round, "encerrar", manage=True)))
    assert "tem certeza?" in confirm and "não fecha em 1 proposta" in confirm
    response = client.post(plenary.url(voting_round, "encerrar", manage=True), data={"confirm": "y"})
    assert response.status_code == 422
    assert "diverge em 1 proposta(s)" in text(response)
    assert session.get(VotingRound, voting_round.id).state == RoundState.OPEN


def test_closing_needs_the_confirmation_then_publishes_and_is_idempotent(client, plenary, session):
    proposals = plenary.proposals(1)
    voting_round = plenary.start(proposals)
    plenary.vote(plenary.delegates[0], voting_round, {proposals[0]: "yes"})
    login(client, plenary.secretary)
    url = plenary.url(voting_round, "encerrar", manage=True)
    response = client.post(url, data={})
    assert response.status_code == 422
    assert field_error(text(response), "confirm") == "Marque a confirmação para encerrar a rodada."
    assert session.get(VotingRound, voting_round.id).state == RoundState.OPEN
    response = client.post(url, data={"confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/resultado")
    assert session.get(VotingRound, voting_round.id).state == RoundState.CLOSED
    assert stored(session, voting_round)["ballots"] == 1
    again = client.post(url, data={"confirm": "y"})
    assert again.status_code == 302 and again.headers["Location"].endswith("/resultado")
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "round.closed")) == 1
