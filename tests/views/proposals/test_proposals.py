"""Proposal pages: the proposal page, editing, withdrawing, sistematização, final wording,
history and aglutinação."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.conferences.phases import Phase
from app.proposals.constants import ProposalState, VersionKind
from app.proposals.models import ProposalVersion
from tests.views.helpers import field_error, login, text


def url(world, path: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/conferencias/{world.slug}/propostas/{path}"


def test_detail_shows_proposal(client, world, pm):
    p = pm.proposal(world.conference, world.author, title="Transporte", body="Texto **forte**",
                    justification="Porque _sim_")
    response = client.get(url(world, p.code))
    assert response.status_code == 200
    page = text(response)
    assert "<h1 id=\"titulo\">Transporte</h1>" in page
    assert "<strong>forte</strong>" in page and "<em>sim</em>" in page
    assert "Ana Autora" in page and "Usuário(a)" in page
    assert "Ver o histórico de mudanças" in page and "1 versão." in page
    assert "Ainda não há comentários." in page


def test_detail_code_is_case_insensitive_and_unknown_is_404(client, world, pm):
    p = pm.proposal(world.conference, world.author)
    assert client.get(url(world, p.code.lower())).status_code == 200
    assert client.get(url(world, "E9-M-99")).status_code == 404


def test_code_of_another_conference_is_404(client, world, pm, make):
    other = make.conference()
    p = pm.proposal(other, make.participation(other))
    pm.proposal(world.conference, world.author)  # the same code exists here: still the right one
    assert client.get(url(world, "E1-M-02")).status_code == 404
    assert client.get(f"/conferencias/{other.slug}/propostas/{p.code}").status_code == 200


def test_detail_merge_links_and_withdrawn_reason(client, world, pm):
    target = pm.proposal(world.conference, None, title="Nova")
    a = pm.proposal(world.conference, world.author, state=ProposalState.MERGED, merged_into=target)
    b = pm.proposal(world.conference, world.other, state=ProposalState.MERGED, merged_into=target)
    gone = pm.proposal(world.conference, world.author, state=ProposalState.WITHDRAWN)
    gone.withdrawn_reason = "Repetida"
    page = text(client.get(url(world, a.code)))
    assert f'href="/conferencias/{world.slug}/propostas/{target.code}"' in page
    assert "Esta proposta foi aglutinada em" in page
    assert "O debate desta proposta está encerrado" in page
    page = text(client.get(url(world, target.code)))
    assert "Esta proposta é a aglutinação de:" in page and a.code in page and b.code in page
    assert "Secretaria (aglutinação)" in page
    page = text(client.get(url(world, gone.code)))
    assert "Esta proposta foi retirada" in page and "Repetida" in page


def test_detail_final_wording_highlighted(client, world, pm):
    p = pm.proposal(world.conference, world.author, state=ProposalState.APPROVED)
    p.final_wording = "Texto **final**"
    page = text(client.get(url(world, p.code)))
    assert 'class="final-wording"' in page and "<strong>final</strong>" in page


def test_action_links_follow_permissions(client, world, pm):
    p = pm.proposal(world.conference, world.author)
    edit, withdraw, final = (f'href="{url(world, p.code)}/editar"', f'href="{url(world, p.code)}/retirar"',
                             f'href="{url(world, p.code)}/redacao-final"')
    page = text(client.get(url(world, p.code)))
    assert edit not in page and withdraw not in page and final not in page
    login(client, world.author_user)
    page = text(client.get(url(world, p.code)))
    assert edit in page and withdraw in page and final not in page
    login(client, world.other_user)
    page = text(client.get(url(world, p.code)))
    assert edit not in page and withdraw not in page
    login(client, world.secretary_user)
    page = text(client.get(url(world, p.code)))
    assert edit in page and "Sistematizar" in page and final in page and withdraw not in page


def test_debate_explains_why_one_cannot_comment(client, world, pm, make):
    p = pm.proposal(world.conference, world.author)
    page = text(client.get(url(world, p.code)))
    assert "entre na sua conta" in page and 'id="comentario-texto"' not in page
    login(client, world.outsider)
    page = text(client.get(url(world, p.code)))
    assert f"/conferencias/{world.slug}/participar" in page and 'id="comentario-texto"' not in page
    login(client, world.other_user)
    assert 'id="comentario-texto"' in text(client.get(url(world, p.code)))
    world.conference.phase = Phase.VOTING
    page = text(client.get(url(world, p.code)))
    assert "O debate não está aberto nesta fase" in page and 'id="comentario-texto"' not in page


# --- editing, sistematização, withdrawing, final wording -------------------------------------

def test_edit_requires_login_and_permission(client, world, pm):
    p = pm.proposal(world.conference, world.author)
    assert client.get(url(world, f"{p.code}/editar")).status_code == 302
    login(client, world.other_user)
    assert client.get(url(world, f"{p.code}/editar")).status_code == 403
    assert client.post(url(world, f"{p.code}/editar"), data={"title": "Invasão", "body": "x"}).status_code == 403
    assert p.title != "Invasão"
    login(client, world.outsider)
    assert client.get(url(world, f"{p.code}/editar")).status_code == 403


def test_author_edits_and_history_records_it(client, world, pm, session):
    p = pm.proposal(world.conference, world.author, title="Antes", body="um dois três")
    login(client, world.author_user)
    page = text(client.get(url(world, f"{p.code}/editar")))
    assert 'value="Antes"' in page and "Editar a proposta" in page
    response = client.post(url(world, f"{p.code}/editar"), data={"title": "Depois", "body": "um quatro três"})
    assert response.status_code == 302
    session.refresh(p)
    assert (p.title, p.version) == ("Depois", 2)
    history = text(client.get(url(world, f"{p.code}/historico")))
    assert "Texto editado pelo autor" in history
    assert '<del><span class="sr-only">[removido: </span>dois' in history
    assert '<ins><span class="sr-only">[incluído: </span>quatro' in history
    assert "por Ana Autora" in history


def test_edit_with_errors_is_422_and_keeps_text(client, world, pm, session):
    p = pm.proposal(world.conference, world.author, title="Antes")
    login(client, world.author_user)
    response = client.post(url(world, f"{p.code}/editar"), data={"title": "Novo título", "body": ""})
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "body") == "Este campo é obrigatório."
    assert 'value="Novo título"' in page
    session.refresh(p)
    assert p.title == "Antes"


def test_edit_refused_when_in_vote(client, world, pm):
    p = pm.proposal(world.conference, world.author, state=ProposalState.IN_VOTE)
    login(client, world.author_user)
    assert client.get(url(world, f"{p.code}/editar")).status_code == 403


def test_secretary_systematizes(client, world, pm, session):
    p = pm.proposal(world.conference, world.author, title="Texto com erro")
    login(client, world.secretary_user)
    page = text(client.get(url(world, f"{p.code}/editar")))
    assert "Sistematizar a proposta" in page
    assert client.post(url(world, f"{p.code}/editar"), data={"title": "Texto sem erro", "body": "Corpo"}).status_code == 302
    version = session.scalars(sa.select(ProposalVersion).where(ProposalVersion.proposal_id == p.id)
                              .order_by(ProposalVersion.number.desc())).first()
    assert version.kind == VersionKind.SYSTEMATIZED and version.edited_by_id == world.secretary_user.id
    assert "por Sônia Secretária" in text(client.get(url(world, f"{p.code}/historico")))


def test_withdraw(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    login(client, world.other_user)
    assert client.get(url(world, f"{p.code}/retirar")).status_code == 403
    login(client, world.author_user)
    response = client.post(url(world, f"{p.code}/retirar"), data={"reason": "  "})
    assert response.status_code == 422
    assert field_error(text(response), "reason") == "Este campo é obrigatório."
    response = client.post(url(world, f"{p.code}/retirar"), data={"reason": "Foi atendida pela prefeitura"})
    assert response.status_code == 302
    session.refresh(p)
    assert p.state == ProposalState.WITHDRAWN and p.withdrawn_reason == "Foi atendida pela prefeitura"
    assert client.get(url(world, f"{p.code}/retirar")).status_code == 403  # only once


def test_final_wording(client, world, pm, session):
    p = pm.proposal(world.conference, world.author, state=ProposalState.APPROVED, body="Corpo")
    login(client, world.author_user)
    assert client.get(url(world, f"{p.code}/redacao-final")).status_code == 403
    login(client, world.secretary_user)
    page = text(client.get(url(world, f"{p.code}/redacao-final")))
    assert "Corpo" in page
    response = client.post(url(world, f"{p.code}/redacao-final"), data={"final_wording": ""})
    assert response.status_code == 422
    assert client.post(url(world, f"{p.code}/redacao-final"), data={"final_wording": "Final"}).status_code == 302
    session.refresh(p)
    assert p.final_wording == "Final"
    gone = pm.proposal(world.conference, world.author, state=ProposalState.WITHDRAWN)
    assert client.get(url(world, f"{gone.code}/redacao-final")).status_code == 403


def test_history_of_unknown_is_404_and_public(client, world, pm):
    p = pm.proposal(world.conference, world.author)
    assert client.get(url(world, f"{p.code}/historico")).status_code == 200
    assert client.get(url(world, "E7-M-01/historico")).status_code == 404


# --- aglutinação ----------------------------------------------------------------------------

def test_merge_requires_secretary(client, world):
    assert client.get(url(world, "aglutinar")).status_code == 302
    login(client, world.author_user)
    assert client.get(url(world, "aglutinar")).status_code == 403


def test_merge_proposals(client, world, pm, session):
    a = pm.proposal(world.conference, world.author, title="CRAS volante")
    b = pm.proposal(world.conference, world.other, title="CRAS itinerante")
    gone = pm.proposal(world.conference, world.other, title="Retirada", state=ProposalState.WITHDRAWN)
    login(client, world.secretary_user)
    page = text(client.get(url(world, "aglutinar")))
    assert f'id="aglutinar-{a.id}"' in page and f'id="aglutinar-{b.id}"' in page
    assert f'id="aglutinar-{gone.id}"' not in page
    form = {"eixo_id": str(world.conference.eixos[0].id), "sphere": "municipal", "title": "CRAS que vai até as pessoas",
            "body": "Unir as duas."}

    response = client.post(url(world, "aglutinar"), data=dict(form, proposal_ids=[str(a.id)]))
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "proposal_ids") == "Escolha pelo menos duas propostas para aglutinar."
    assert f'value="{a.id}" id="aglutinar-{a.id}" checked' in page and 'value="CRAS que vai até as pessoas"' in page

    response = client.post(url(world, "aglutinar"), data=dict(form, proposal_ids=[str(a.id), "abc"]))
    assert response.status_code == 422

    response = client.post(url(world, "aglutinar"), data=dict(form, proposal_ids=[str(a.id), str(b.id)]))
    assert response.status_code == 302
    session.refresh(a)
    merged = a.merged_into
    assert merged is not None and merged.author_id is None and merged.title == "CRAS que vai até as pessoas"
    assert response.headers["Location"].endswith(url(world, merged.code))


def test_created_at_shown_in_conference_timezone(client, world, pm):
    p = pm.proposal(world.conference, world.author, created_at=dt.datetime(2019, 9, 26, 15, 30, tzinfo=dt.UTC))
    assert "26/09/2019 12h30" in text(client.get(url(world, p.code)))
