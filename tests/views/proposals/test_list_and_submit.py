"""Proposal pages: the list and its filters, submitting a proposal, the conference page's section."""

from __future__ import annotations

import sqlalchemy as sa

from app.conferences.constants import Segment
from app.proposals.constants import ProposalSphere, ProposalState
from app.proposals.models import Proposal
from tests.views.helpers import field_error, login, tag, text


def url(world, path: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/conferencias/{world.slug}/propostas/{path}"


def codes_in(page: str) -> list[str]:
    import re

    return re.findall(r'<span class="code">([^<]+)</span>', page)


# --- list -----------------------------------------------------------------------------------

def test_list_shows_each_proposal_with_author_counts_and_merge_link(client, world, pm):
    target = pm.proposal(world.conference, None, title="Aglutinação do CRAS")
    pm.proposal(world.conference, world.other, title="Fonte", state=ProposalState.MERGED, merged_into=target)
    mine = pm.proposal(world.conference, world.author, eixo=2, sphere=ProposalSphere.FEDERAL, title="Mais CRAS")
    pm.comment(mine, world.other, stance="a_favor")
    pm.comment(mine, world.other, stance="contra")

    page = text(client.get(url(world)))
    assert "3 propostas encontradas." in page
    assert "Ana Autora" in page and "Usuário(a)" in page
    assert "Beto Debatedor" in page and "Trabalhador(a) do SUAS" in page
    assert "Secretaria (aglutinação)" in page
    assert f'Aglutinada em <a href="/conferencias/{world.slug}/propostas/{target.code}">{target.code}</a>' in page
    assert "2 comentários" in page and "A favor: 1" in page and "Contra: 1" in page
    assert "E2-F-01" in codes_in(page)


def test_list_filters(client, world, pm):
    pm.proposal(world.conference, world.author, eixo=1, sphere=ProposalSphere.MUNICIPAL, title="Ônibus para o CRAS")
    pm.proposal(world.conference, world.other, eixo=2, sphere=ProposalSphere.ESTADUAL, title="Concurso público")
    pm.proposal(world.conference, world.other, eixo=3, sphere=ProposalSphere.FEDERAL, title="Cofinanciamento",
                state=ProposalState.WITHDRAWN)

    assert codes_in(text(client.get(url(world, "?eixo=2")))) == ["E2-E-01"]
    assert codes_in(text(client.get(url(world, "?esfera=federal")))) == ["E3-F-01"]
    assert codes_in(text(client.get(url(world, "?situacao=withdrawn")))) == ["E3-F-01"]
    assert codes_in(text(client.get(url(world, "?segmento=usuario")))) == ["E1-M-01"]
    assert codes_in(text(client.get(url(world, "?q=onibus")))) == ["E1-M-01"]  # accents ignored
    assert codes_in(text(client.get(url(world, "?ordem=codigo")))) == ["E1-M-01", "E2-E-01", "E3-F-01"]


def test_list_ignores_bad_filter_values(client, world, pm):
    pm.proposal(world.conference, world.author)
    for query in ("?eixo=abc", "?eixo=99", "?eixo=-1", "?eixo=%C2%B2", "?eixo=1e3", "?esfera=lunar", "?situacao=draft%27", "?segmento=x",
                  "?ordem=aleatoria", "?page=0", "?page=abc", "?page=999999999999", "?q=" + "%25" * 300):
        response = client.get(url(world, query))
        assert response.status_code == 200, query
    assert codes_in(text(client.get(url(world, "?eixo=abc&esfera=lunar")))) == ["E1-M-01"]


def test_list_is_paginated_by_20(client, world, pm):
    pm.bulk_proposals(world.conference, world.author, 45)
    first = text(client.get(url(world)))
    assert len(codes_in(first)) == 20
    assert "Página 1 de 3" in first
    assert len(codes_in(text(client.get(url(world, "?page=3"))))) == 5


def test_list_of_unknown_conference_is_404(client):
    assert client.get("/conferencias/nao-existe/propostas/").status_code == 404


def test_most_debated_first(client, world, pm):
    quiet = pm.proposal(world.conference, world.author, title="Quieta")
    busy = pm.proposal(world.conference, world.author, title="Debatida")
    for _ in range(3):
        pm.comment(busy, world.other)
    pm.comment(quiet, world.other)
    assert codes_in(text(client.get(url(world, "?ordem=mais-debatidas")))) == [busy.code, quiet.code]


# --- submitting -----------------------------------------------------------------------------

def test_submit_requires_login(client, proposals_world):
    response = client.get(url(proposals_world, "nova"))
    assert response.status_code == 302 and "/entrar" in response.headers["Location"]
    assert client.post(url(proposals_world, "nova"), data={}).status_code == 302


def test_submit_tells_non_participant_to_join(client, proposals_world):
    login(client, proposals_world.outsider)
    response = client.get(url(proposals_world, "nova"))
    assert response.status_code == 403
    page = text(response)
    assert "primeiro faça sua inscrição" in page
    assert f"/conferencias/{proposals_world.slug}/participar" in page


def test_submit_closed_phase_is_403_with_explanation(client, world):
    login(client, world.author_user)
    response = client.get(url(world, "nova"))
    assert response.status_code == 403
    assert "O envio de propostas não está aberto" in text(response)


def test_submit_form_and_success(client, proposals_world, session):
    w = proposals_world
    login(client, w.author_user)
    page = text(client.get(url(w, "nova")))
    assert 'novalidate' in page and "**negrito**" in page
    assert 'for="eixo_id"' in page and 'for="title"' in page and 'for="body"' in page
    eixo2 = w.conference.eixos[1]
    response = client.post(url(w, "nova"), data={
        "eixo_id": str(eixo2.id), "sphere": "estadual", "title": "Mais equipes no CREAS",
        "body": "Contratar **duas** equipes.", "justification": "Fila de espera longa."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(w, "E2-E-01"))
    proposal = session.scalars(sa.select(Proposal).where(Proposal.conference_id == w.conference.id)).one()
    assert (proposal.code, proposal.author_id, proposal.justification) == ("E2-E-01", w.author.id, "Fila de espera longa.")


def test_submit_empty_form_is_422_with_errors_on_fields(client, proposals_world, session):
    login(client, proposals_world.author_user)
    response = client.post(url(proposals_world, "nova"), data={"title": "", "body": ""})
    assert response.status_code == 422
    page = text(response)
    for field_id in ("eixo_id", "sphere", "title", "body"):
        assert field_error(page, field_id) == "Este campo é obrigatório.", field_id
    assert 'aria-invalid="true"' in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Proposal)) == 0


def test_submit_unknown_eixo_or_sphere_keeps_typed_text(client, proposals_world, make, session):
    w = proposals_world
    other_conference = make.conference()
    login(client, w.author_user)
    data = {"eixo_id": str(other_conference.eixos[0].id), "sphere": "municipal", "title": "Título digitado",
            "body": "Corpo digitado <b>com html</b>", "justification": "Justificativa digitada"}
    response = client.post(url(w, "nova"), data=data)
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "eixo_id") == "Escolha um dos eixos desta conferência."
    assert 'value="Título digitado"' in page
    assert "Corpo digitado &lt;b&gt;com html&lt;/b&gt;" in page
    assert "Justificativa digitada" in page

    response = client.post(url(w, "nova"), data=dict(data, eixo_id=str(w.conference.eixos[0].id), sphere="lunar"))
    assert response.status_code == 422
    assert field_error(text(response), "sphere") == "Escolha a esfera: municipal, estadual ou federal."
    response = client.post(url(w, "nova"), data=dict(data, eixo_id="abc"))
    assert response.status_code == 422
    assert session.scalar(sa.select(sa.func.count()).select_from(Proposal)) == 0


def test_submit_over_long_and_short_title(client, proposals_world):
    w = proposals_world
    login(client, w.author_user)
    base = {"eixo_id": str(w.conference.eixos[0].id), "sphere": "municipal", "body": "Texto"}
    response = client.post(url(w, "nova"), data=dict(base, title="x" * 201))
    assert response.status_code == 422
    assert field_error(text(response), "title") == "Use no máximo 200 caracteres."
    response = client.post(url(w, "nova"), data=dict(base, title="ab"))
    assert response.status_code == 422
    assert field_error(text(response), "title") == "Escreva um título com pelo menos 3 caracteres."


def test_submit_per_participant_limit(client, proposals_world, pm, session):
    w = proposals_world
    w.conference.proposals_per_participant = 2
    pm.proposal(w.conference, w.author)
    pm.proposal(w.conference, w.author)
    login(client, w.author_user)
    response = client.post(url(w, "nova"), data={
        "eixo_id": str(w.conference.eixos[0].id), "sphere": "municipal", "title": "Terceira proposta",
        "body": "Texto da terceira"})
    assert response.status_code == 422
    page = text(response)
    assert "Você já enviou 2 propostas, o máximo permitido por participante nesta conferência." in page
    assert 'value="Terceira proposta"' in page and "Texto da terceira" in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Proposal)) == 2



def test_segment_filter_uses_author_segment(client, world, pm, make):
    gov = make.participation(world.conference, segment=Segment.GOVERNO)
    pm.proposal(world.conference, gov, title="Do governo")
    pm.proposal(world.conference, world.author, title="Da usuária")
    page = text(client.get(url(world, "?segmento=governo")))
    assert "Do governo" in page and "Da usuária" not in page


def test_new_form_eixo_select_has_this_conference_eixos(client, proposals_world):
    login(client, proposals_world.author_user)
    page = text(client.get(url(proposals_world, "nova")))
    assert tag(page, id="eixo_id") is not None
    for eixo in proposals_world.conference.eixos:
        assert f'<option value="{eixo.id}">Eixo {eixo.number}: {eixo.title}</option>' in page


def test_conference_page_links_to_proposals_with_counts(client, proposals_world, pm):
    w = proposals_world
    pm.proposal(w.conference, w.author)
    pm.proposal(w.conference, w.author, state=ProposalState.WITHDRAWN)
    page = text(client.get(f"/conferencias/{w.slug}"))
    assert "2 propostas." in page
    assert f'href="/conferencias/{w.slug}/propostas/?situacao=withdrawn">Retirada: 1</a>' in page
    login(client, w.author_user)
    assert f'href="/conferencias/{w.slug}/propostas/nova"' in text(client.get(f"/conferencias/{w.slug}"))
