"""The round page, the ballot, the receipt: who may vote, what is stored, what is refused."""

import re

import pytest

from app.votes.models import Ballot
from tests.views.helpers import flashes, text
from tests.views.votes.conftest import login, receipts_in, stored


@pytest.fixture
def open_round(plenary):
    proposals = plenary.proposals(3)
    return plenary.start(proposals, title="Eixo 1: municipais"), proposals


def ballot_data(proposals, *choices):
    return {f"p-{p.id}": c for p, c in zip(proposals, choices, strict=True)}


def test_delegate_in_the_electorate_gets_the_whole_ballot_on_one_page(client, plenary, open_round):
    voting_round, proposals = open_round
    login(client, plenary.delegates[0])
    response = client.get(plenary.url(voting_round))
    assert response.status_code == 200
    page = text(response)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert f'action="{plenary.url(voting_round, "votar")}"' in page and "novalidate" in page
    for p in proposals:
        fieldset = re.search(rf'<fieldset class="ballot-item" id="p-{p.id}">(.*?)</fieldset>', page, re.S)
        assert fieldset, p.code
        block = fieldset.group(1)
        assert p.code in block and p.title in block and "<details" in block
        for value in ("yes", "no", "abstain", ""):
            ident = f"p-{p.id}-{value or 'branco'}"
            assert f'name="p-{p.id}" value="{value}" id="{ident}"' in block
            assert f'<label for="{ident}">' in block
        assert f'value="" id="p-{p.id}-branco" checked' in block  # blank by default
    assert "Enviar meu voto" in page
    assert 'style="' not in page and "<script>" not in page


def test_a_vote_is_stored_and_the_receipt_shows_choices_and_code(client, plenary, open_round, session):
    voting_round, proposals = open_round
    login(client, plenary.delegates[0])
    response = client.post(plenary.url(voting_round, "votar"), data=ballot_data(proposals, "yes", "no", ""))
    assert response.status_code == 302
    ballot = session.query(Ballot).filter_by(round_id=voting_round.id).one()
    assert response.headers["Location"].endswith(f"/comprovante/{ballot.receipt}")
    assert stored(session, voting_round) == {"ballots": 1, "votes": 2, "voters": 1, "counts": 0}
    receipt = client.get(response.headers["Location"])
    assert receipt.status_code == 200 and receipt.headers["Cache-Control"] == "no-store"
    page = text(receipt)
    assert "Seu voto foi registrado." in flashes(page)
    assert ballot.receipt in page and "Guarde este código" in page
    rows = dict(re.findall(r'<th scope="row">(E1-M-\d+) <span class="muted">.*?</span></th>\s*<td>(.*?)</td>', page))
    assert rows == {proposals[0].code: "Sim", proposals[1].code: "Não", proposals[2].code: "Não votou"}


def test_a_voter_who_cannot_change_sees_you_have_voted_and_the_receipt_link(client, plenary, open_round):
    voting_round, proposals = open_round
    ballot = plenary.vote(plenary.delegates[0], voting_round, {proposals[0]: "yes"})
    login(client, plenary.delegates[0])
    page = text(client.get(plenary.url(voting_round)))
    assert "Você já votou nesta rodada." in page
    assert f"/comprovante/{ballot.receipt}" in page
    assert 'class="ballot"' not in page


def test_change_of_vote_prefills_the_current_choices_and_replaces_them(client, plenary, session):
    proposals = plenary.proposals(2)
    voting_round = plenary.start(proposals, allow_change=True)
    first = plenary.vote(plenary.delegates[0], voting_round, {proposals[0]: "yes", proposals[1]: "abstain"})
    login(client, plenary.delegates[0])
    response = client.get(plenary.url(voting_round))
    assert response.headers["Cache-Control"] == "private, no-store"
    page = text(response)
    assert f'value="yes" id="p-{proposals[0].id}-yes" checked' in page
    assert f'value="abstain" id="p-{proposals[1].id}-abstain" checked' in page
    assert "Trocar meu voto" in page
    response = client.post(plenary.url(voting_round, "votar"), data=ballot_data(proposals, "no", ""))
    assert response.status_code == 302 and response.headers["Location"].endswith(first.receipt)
    assert stored(session, voting_round)["votes"] == 1
    page = text(client.get(plenary.url(voting_round)))
    assert f'value="no" id="p-{proposals[0].id}-no" checked' in page


def test_a_blank_ballot_comes_back_with_422_and_what_was_marked(client, plenary, open_round, session):
    voting_round, proposals = open_round
    login(client, plenary.delegates[0])
    response = client.post(plenary.url(voting_round, "votar"), data=ballot_data(proposals, "", "", ""))
    assert response.status_code == 422
    assert "Sua cédula está em branco" in text(response)
    assert stored(session, voting_round)["ballots"] == 0


def test_priority_ballot_offers_k_checkboxes_and_keeps_the_marks_on_error(client, plenary, session):
    proposals = plenary.proposals(4, state="approved")
    voting_round = plenary.start(proposals, kind="priority", max_choices=2, forward_count=1)
    login(client, plenary.delegates[0])
    page = text(client.get(plenary.url(voting_round)))
    assert "Escolha até 2 propostas" in page
    assert page.count('type="checkbox" name="escolhas"') == 4
    response = client.post(plenary.url(voting_round, "votar"),
                           data={"escolhas": [str(p.id) for p in proposals[:3]]})
    assert response.status_code == 422
    page = text(response)
    assert "Escolha no máximo 2 propostas." in page
    assert all(f'value="{p.id}" id="escolha-{p.id}" checked' in page for p in proposals[:3])
    assert stored(session, voting_round)["ballots"] == 0
    response = client.post(plenary.url(voting_round, "votar"), data={"escolhas": [str(proposals[1].id)]})
    assert response.status_code == 302
    assert stored(session, voting_round)["votes"] == 1


@pytest.mark.parametrize("who", ["observer", "guest", "absent", "participant", "secretary", "anonymous"])
def test_people_outside_the_electorate_are_refused_with_403_and_an_explanation(client, plenary, open_round,
                                                                                 session, who):
    voting_round, proposals = open_round
    person = {"observer": plenary.observer, "guest": plenary.guest, "absent": plenary.absent,
              "participant": plenary.participant, "secretary": plenary.secretary}.get(who)
    if person is not None:
        login(client, person)
    expected = {
        "observer": "Observadores e convidados têm voz, mas não votam.",
        "guest": "Observadores e convidados têm voz, mas não votam.",
        "absent": "Você não estava presente quando a rodada foi aberta.",
        "participant": "Sua inscrição ainda não foi credenciada.",
        "secretary": "Só delegados credenciados desta conferência votam.",
        "anonymous": "Entre com a sua conta de delegado(a) para votar.",
    }[who]
    page = text(client.get(plenary.url(voting_round)))
    assert expected in page and 'class="ballot"' not in page
    response = client.post(plenary.url(voting_round, "votar"), data=ballot_data(proposals, "yes", "yes", "yes"))
    assert response.status_code == 403
    assert expected in text(response)
    if who == "anonymous":
        assert "/entrar?next=" in text(response)
    assert stored(session, voting_round) == {"ballots": 0, "votes": 0, "voters": 0, "counts": 0}


def test_a_late_delegate_added_by_the_secretariat_may_vote(client, plenary, open_round, session):
    """Late delegates join the electorate through the secretariat (audited), then vote."""
    voting_round, proposals = open_round
    late = plenary.make.delegate(plenary.conference)
    plenary.add_late(voting_round, late)
    login(client, late)
    response = client.post(plenary.url(voting_round, "votar"), data=ballot_data(proposals, "yes", "", ""))
    assert response.status_code == 302
    assert stored(session, voting_round)["voters"] == 1


def test_a_vote_after_closing_is_refused_with_409_and_nothing_is_stored(client, plenary, open_round, session):
    voting_round, proposals = open_round
    plenary.vote(plenary.delegates[1], voting_round, {proposals[0]: "no"})
    plenary.close(voting_round)
    before = stored(session, voting_round)
    login(client, plenary.delegates[0])
    response = client.post(plenary.url(voting_round, "votar"), data=ballot_data(proposals, "yes", "yes", "yes"))
    assert response.status_code == 409
    assert "Votação encerrada: seu voto não foi registrado." in text(response)
    assert stored(session, voting_round) == before


def test_a_second_ballot_where_change_is_not_allowed_is_a_409(client, plenary, open_round, session):
    voting_round, proposals = open_round
    plenary.vote(plenary.delegates[0], voting_round, {proposals[0]: "yes"})
    login(client, plenary.delegates[0])
    response = client.post(plenary.url(voting_round, "votar"), data=ballot_data(proposals, "no", "no", "no"))
    assert response.status_code == 409
    assert "não pode ser trocado" in text(response)
    assert stored(session, voting_round)["votes"] == 1


def test_secret_round_receipt_is_shown_once_and_not_linked_to_the_voter(client, plenary, session):
    proposals = plenary.proposals(1)
    voting_round = plenary.start(proposals, secret=True)
    login(client, plenary.delegates[0])
    response = client.post(plenary.url(voting_round, "votar"), data={f"p-{proposals[0].id}": "yes"})
    assert response.status_code == 302
    receipt = response.headers["Location"].rsplit("/", 1)[1]
    assert "Votação secreta" in text(client.get(response.headers["Location"]))
    page = text(client.get(plenary.url(voting_round)))
    assert "Você já votou nesta rodada." in page and receipt not in page
    assert receipts_in(page) == []


def test_unknown_receipt_and_draft_rounds_are_404_for_the_public(client, plenary, open_round):
    voting_round, _proposals = open_round
    assert client.get(plenary.url(voting_round, "comprovante/AAAAA-BBBBB-CCCCC")).status_code == 404
    draft = plenary.prepare(plenary.proposals(1), title="Rascunho")
    assert client.get(plenary.url(draft)).status_code == 404
    login(client, plenary.delegates[0])
    assert client.get(plenary.url(draft)).status_code == 404
    assert client.post(plenary.url(draft, "votar"), data={}).status_code == 404
    login(client, plenary.secretary)
    assert "Esta rodada está em preparação" in text(client.get(plenary.url(draft)))


def test_a_round_id_of_another_conference_is_404(client, plenary, open_round):
    voting_round, _proposals = open_round
    other_url = f"/conferencias/{plenary.other.slug}/votacoes/{voting_round.id}"
    login(client, plenary.delegates[0])
    for suffix in ("", "/resultado", "/cedulas"):
        assert client.get(other_url + suffix).status_code == 404
    assert client.post(other_url + "/votar", data={}).status_code == 404


def test_round_list_shows_drafts_only_to_secretaries_and_results_links_only_when_closed(client, plenary):
    proposals = plenary.proposals(3)
    plenary.prepare(proposals[:1], title="Em preparação")
    still_open = plenary.start(proposals[1:2], title="Aberta agora")
    closed = plenary.start(proposals[2:], title="Já encerrada")
    plenary.close(closed)
    for who in (None, plenary.delegates[0]):
        if who is not None:
            login(client, who)
        page = text(client.get(plenary.url()))
        assert "Aberta agora" in page and "Já encerrada" in page and "Em preparação" not in page
        assert plenary.url(closed, "resultado") in page
        assert plenary.url(still_open, "resultado") not in page and "Ir para a cédula" in page
        assert "Eleitorado: 5 delegados" in page
    login(client, plenary.secretary)
    page = text(client.get(plenary.url()))
    assert "Em preparação" in page and "Preparar uma rodada" in page
