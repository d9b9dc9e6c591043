"""The debate: commenting, replying, editing, removing, reporting, hiding and restoring."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from app.conferences.phases import Phase
from app.db import utcnow
from app.proposals.constants import ProposalState, Stance
from app.proposals.models import Comment, CommentReport
from tests.views.helpers import field_error, flashes, login, text


def purl(world, proposal) -> str:  # type: ignore[no-untyped-def]
    return f"/conferencias/{world.slug}/propostas/{proposal.code}"


def curl(world, proposal, path: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/conferencias/{world.slug}/propostas/{proposal.code}/comentarios/{path}"


def count_comments(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(sa.select(sa.func.count()).select_from(Comment))


# --- posting ----------------------------------------------------------------------------------

def test_post_comment_and_redirect_to_it(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    login(client, world.other_user)
    response = client.post(curl(world, p), data={"body": "Concordo, **muito**.", "stance": "a_favor"})
    assert response.status_code == 302
    comment = session.scalars(sa.select(Comment)).one()
    assert response.headers["Location"].endswith(f"{purl(world, p)}#comentario-{comment.id}")
    assert (comment.body, comment.stance, comment.depth) == ("Concordo, **muito**.", Stance.A_FAVOR, 1)
    page = text(client.get(purl(world, p)))
    assert "Comentário publicado." in flashes(page)
    assert "<strong>muito</strong>" in page and "A favor: 1" in page


def test_post_comment_without_stance(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    login(client, world.other_user)
    assert client.post(curl(world, p), data={"body": "Sem posição"}).status_code == 302
    assert session.scalars(sa.select(Comment)).one().stance is None


def test_post_requires_login_and_participation(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    response = client.post(curl(world, p), data={"body": "Anônimo"})
    assert response.status_code == 302 and "/entrar" in response.headers["Location"]
    login(client, world.outsider)
    response = client.post(curl(world, p), data={"body": "De fora"})
    assert response.status_code == 403
    assert "inscrição" in text(response)
    login(client, world.secretary_user)  # a secretary without a segment has no voice in the debate
    assert client.post(curl(world, p), data={"body": "Secretaria"}).status_code == 403
    assert count_comments(session) == 0


def test_post_refused_on_withdrawn_merged_or_closed_phase(client, world, pm, session):
    withdrawn = pm.proposal(world.conference, world.author, state=ProposalState.WITHDRAWN)
    target = pm.proposal(world.conference, None)
    merged = pm.proposal(world.conference, world.author, state=ProposalState.MERGED, merged_into=target)
    login(client, world.other_user)
    for proposal in (withdrawn, merged):
        response = client.post(curl(world, proposal), data={"body": "Tarde demais"})
        assert response.status_code == 403
        assert "retirada ou aglutinada" in text(response)
    world.conference.phase = Phase.VOTING
    response = client.post(curl(world, target), data={"body": "Na votação"})
    assert response.status_code == 403
    assert "O debate não está aberto nesta fase" in text(response)
    assert count_comments(session) == 0


def test_empty_comment_is_422_on_the_proposal_page(client, world, pm, session):
    p = pm.proposal(world.conference, world.author, title="Página da proposta")
    login(client, world.other_user)
    response = client.post(curl(world, p), data={"body": "   ", "stance": "contra"})
    assert response.status_code == 422
    page = text(response)
    assert "Página da proposta" in page
    assert field_error(page, "comentario-texto") == "Este campo é obrigatório."
    assert 'aria-describedby="comentario-texto-hint comentario-texto-error"' in page
    assert re.search(r'<input checked id="comentario-posicao-2" name="stance" type="radio" value="contra">', page)
    assert count_comments(session) == 0


def test_over_long_comment_keeps_the_text(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    login(client, world.other_user)
    typed = "palavra " * 700
    response = client.post(curl(world, p), data={"body": typed})
    assert response.status_code == 422
    page = text(response)
    assert field_error(page, "comentario-texto") == "Use no máximo 5000 caracteres."
    assert typed.strip() in page
    assert count_comments(session) == 0


def test_bad_stance_is_refused_with_message(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    login(client, world.other_user)
    response = client.post(curl(world, p), data={"body": "Texto", "stance": "talvez"})
    assert response.status_code == 422
    assert field_error(text(response), "comentario-posicao") == "Escolha a favor, contra ou neutro."
    assert count_comments(session) == 0


def test_reply_form_opens_under_the_comment(client, world, pm):
    p = pm.proposal(world.conference, world.author)
    root = pm.comment(p, world.author)
    login(client, world.other_user)
    page = text(client.get(f"{purl(world, p)}?responder={root.id}"))
    block = page[page.index(f'id="comentario-{root.id}"'):]
    assert f'id="responder-{root.id}"' in block
    assert f'<input type="hidden" name="parent_id" value="{root.id}">' in block
    assert 'for="resposta-texto"' in block
    page = text(client.get(f"{purl(world, p)}?responder=abc"))
    assert 'id="resposta-texto"' not in page


def test_reply_nests_and_caps_at_depth_4(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    chain = pm.chain(p, world.author)
    login(client, world.other_user)
    response = client.post(curl(world, p), data={"body": "Resposta", "parent_id": str(chain[-1].id)})
    assert response.status_code == 302
    reply = session.scalars(sa.select(Comment).order_by(Comment.id.desc())).first()
    assert reply.depth == 4 and reply.parent_id == chain[2].id and reply.thread_id == chain[0].id
    assert response.headers["Location"].endswith(f"#comentario-{reply.id}")
    page = text(client.get(purl(world, p)))
    assert page.count('class="thread thread--replies"') == 3


def test_reply_with_error_reopens_the_reply_form_with_the_text(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    root = pm.comment(p, world.author)
    login(client, world.other_user)
    typed = "x" * 5001
    response = client.post(curl(world, p), data={"body": typed, "parent_id": str(root.id), "stance": "neutro"})
    assert response.status_code == 422
    page = text(response)
    block = page[page.index(f'id="responder-{root.id}"'):]
    assert field_error(block, "resposta-texto") == "Use no máximo 5000 caracteres."
    assert typed in block
    assert 'id="resposta-posicao-3" name="stance" type="radio" value="neutro"' in block
    assert count_comments(session) == 1


def test_reply_to_comment_of_another_proposal_is_refused(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    other = pm.proposal(world.conference, world.author)
    foreign = pm.comment(other, world.author)
    login(client, world.other_user)
    response = client.post(curl(world, p), data={"body": "Resposta perdida", "parent_id": str(foreign.id)})
    assert response.status_code == 422
    page = text(response)
    assert "Só é possível responder a comentários desta mesma proposta." in page
    assert "Resposta perdida" in page
    response = client.post(curl(world, p), data={"body": "Sem pai", "parent_id": "abc"})
    assert response.status_code == 422
    assert "Não encontramos o comentário que você quer responder." in text(response)
    assert count_comments(session) == 1


# --- rendering of the thread ----------------------------------------------------------------

def test_thread_shows_removed_hidden_pending_and_edited(client, world, pm):
    p = pm.proposal(world.conference, world.author)
    now = utcnow()
    removed = pm.comment(p, world.other, "", deleted_at=now)
    pm.comment(p, world.author, "Resposta ao removido", parent=removed)
    pm.comment(p, world.other, "Ofensa", hidden_at=now, hidden_reason="ataque pessoal", hidden_by_id=world.secretary_user.id)
    pm.comment(p, world.other, "Denunciado", hidden_at=now, hidden_reason="aguardando revisão da moderação",
               hidden_pending_review=True)
    pm.comment(p, world.other, "Corrigido", edited_at=now, stance=Stance.CONTRA)
    page = text(client.get(purl(world, p)))
    assert "comentário removido" in page and "Resposta ao removido" in page
    assert "ocultado pela moderação: ataque pessoal" in page and "Ofensa" not in page
    assert "aguardando revisão da moderação" in page and "Denunciado" not in page
    assert "(editado)" in page and "Corrigido" in page
    assert "2 comentários" in page and "Contra: 1" in page  # removed and hidden ones are not counted


def test_comment_actions_follow_permissions(client, world, pm):
    p = pm.proposal(world.conference, world.author)
    mine = pm.comment(p, world.other)
    old = pm.comment(p, world.other, created_at=utcnow() - dt.timedelta(minutes=20))
    edit_mine, edit_old = curl(world, p, f"{mine.id}/editar"), curl(world, p, f"{old.id}/editar")
    report_mine = curl(world, p, f"{mine.id}/denunciar")
    page = text(client.get(purl(world, p)))
    assert "Responder" not in page and edit_mine not in page and report_mine not in page
    login(client, world.other_user)
    page = text(client.get(purl(world, p)))
    assert edit_mine in page and edit_old not in page and report_mine not in page
    assert curl(world, p, f"{old.id}/remover") in page
    login(client, world.author_user)
    page = text(client.get(purl(world, p)))
    assert report_mine in page and edit_mine not in page and "Responder" in page
    login(client, world.secretary_user)
    page = text(client.get(purl(world, p)))
    assert curl(world, p, f"{mine.id}/ocultar") in page


# --- editing and removing -----------------------------------------------------------------------

def test_edit_comment_within_15_minutes(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    c = pm.comment(p, world.other, "Primeira versão", stance=Stance.CONTRA)
    login(client, world.other_user)
    page = text(client.get(curl(world, p, f"{c.id}/editar")))
    assert "Primeira versão" in page and 'checked id="stance-2"' in page
    response = client.post(curl(world, p, f"{c.id}/editar"), data={"body": "", "stance": "contra"})
    assert response.status_code == 422
    assert field_error(text(response), "body") == "Este campo é obrigatório."
    response = client.post(curl(world, p, f"{c.id}/editar"), data={"body": "Segunda versão", "stance": "a_favor"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#comentario-{c.id}")
    session.refresh(c)
    assert (c.body, c.stance) == ("Segunda versão", Stance.A_FAVOR) and c.edited_at is not None


def test_edit_comment_refused(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    c = pm.comment(p, world.other, "Original")
    old = pm.comment(p, world.other, "Antigo", created_at=utcnow() - dt.timedelta(minutes=16))
    assert client.get(curl(world, p, f"{c.id}/editar")).status_code == 302
    login(client, world.author_user)
    assert client.get(curl(world, p, f"{c.id}/editar")).status_code == 403
    assert client.post(curl(world, p, f"{c.id}/editar"), data={"body": "Invadido"}).status_code == 403
    login(client, world.other_user)
    response = client.get(curl(world, p, f"{old.id}/editar"))
    assert response.status_code == 403 and "15 minutos" in text(response)
    session.refresh(c)
    assert c.body == "Original"


def test_comment_of_another_proposal_or_conference_is_404(client, world, pm, make):
    p = pm.proposal(world.conference, world.author)
    other = pm.proposal(world.conference, world.author)
    foreign = pm.comment(other, world.other)
    elsewhere = make.conference(phase=Phase.DEBATE)
    far = pm.comment(pm.proposal(elsewhere, make.participation(elsewhere)), make.participation(elsewhere))
    login(client, world.other_user)
    for comment in (foreign, far):
        assert client.get(curl(world, p, f"{comment.id}/editar")).status_code == 404
        assert client.post(curl(world, p, f"{comment.id}/remover")).status_code == 404
        assert client.get(curl(world, p, f"{comment.id}/denunciar")).status_code == 404
    login(client, world.secretary_user)
    assert client.post(curl(world, p, f"{foreign.id}/ocultar"), data={"reason": "x"}).status_code == 404
    assert client.post(curl(world, p, f"{foreign.id}/restaurar")).status_code == 404
    assert client.get(curl(world, p, "999999/editar")).status_code == 404


def test_remove_comment_keeps_replies(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    c = pm.comment(p, world.other, "Vou apagar")
    pm.comment(p, world.author, "Resposta que fica", parent=c)
    login(client, world.author_user)
    assert client.post(curl(world, p, f"{c.id}/remover")).status_code == 403
    login(client, world.other_user)
    response = client.post(curl(world, p, f"{c.id}/remover"))
    assert response.status_code == 302
    session.refresh(c)
    assert c.deleted_at is not None
    page = text(client.get(purl(world, p)))
    assert "Vou apagar" not in page and "comentário removido" in page and "Resposta que fica" in page
    assert client.post(curl(world, p, f"{c.id}/remover")).status_code == 403  # already removed


# --- reports and moderation -----------------------------------------------------------------------

def test_report_and_auto_hide(client, world, pm, make, session):
    p = pm.proposal(world.conference, world.author)
    c = pm.comment(p, world.other, "Comentário ruim")
    assert client.get(curl(world, p, f"{c.id}/denunciar")).status_code == 302
    login(client, world.other_user)
    assert client.get(curl(world, p, f"{c.id}/denunciar")).status_code == 403  # own comment
    login(client, world.author_user)
    response = client.post(curl(world, p, f"{c.id}/denunciar"), data={"reason": ""})
    assert response.status_code == 422
    assert field_error(text(response), "reason") == "Este campo é obrigatório."
    assert client.post(curl(world, p, f"{c.id}/denunciar"), data={"reason": "Ofensivo"}).status_code == 302
    response = client.post(curl(world, p, f"{c.id}/denunciar"), data={"reason": "De novo"})
    assert response.status_code == 422
    assert "Você já denunciou este comentário." in text(response)
    for _ in range(2):
        login(client, make.user())  # anyone logged in may report
        assert client.post(curl(world, p, f"{c.id}/denunciar"), data={"reason": "Ruim"}).status_code == 302
    session.refresh(c)
    assert c.hidden_at is not None and c.hidden_pending_review
    page = text(client.get(purl(world, p)))
    assert "Comentário ruim" not in page and "aguardando revisão da moderação" in page


def test_secretary_hides_and_restores(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    c = pm.comment(p, world.other, "Fora do tema")
    login(client, world.author_user)
    assert client.post(curl(world, p, f"{c.id}/ocultar"), data={"reason": "x"}).status_code == 403
    assert client.post(curl(world, p, f"{c.id}/restaurar")).status_code == 403
    login(client, world.secretary_user)
    page = text(client.get(curl(world, p, f"{c.id}/ocultar")))
    assert "Fora do tema" in page and 'for="reason"' in page
    response = client.post(curl(world, p, f"{c.id}/ocultar"), data={"reason": ""})
    assert response.status_code == 422
    response = client.post(curl(world, p, f"{c.id}/ocultar"), data={"reason": "fora do tema da proposta"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#comentario-{c.id}")
    page = text(client.get(purl(world, p)))
    assert "ocultado pela moderação: fora do tema da proposta" in page
    assert curl(world, p, f"{c.id}/restaurar") in page
    assert client.post(curl(world, p, f"{c.id}/restaurar")).status_code == 302
    session.refresh(c)
    assert c.hidden_at is None
    assert "Fora do tema" in text(client.get(purl(world, p)))


def test_hide_returns_to_a_safe_next(client, world, pm):
    p = pm.proposal(world.conference, world.author)
    c = pm.comment(p, world.other)
    login(client, world.secretary_user)
    response = client.post(curl(world, p, f"{c.id}/ocultar"), data={"reason": "spam", "next": "https://mal.example/"})
    assert response.status_code == 302 and "mal.example" not in response.headers["Location"]
    response = client.post(curl(world, p, f"{c.id}/restaurar"),
                           data={"next": f"/conferencias/{world.slug}/gestao/moderacao/"})
    assert response.headers["Location"].endswith("/gestao/moderacao/")


def test_moderation_queue(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    c = pm.comment(p, world.other, "Denunciado uma vez")
    pm.comment(p, world.other, "Sem denúncia")
    session.add(CommentReport(comment_id=c.id, reporter_id=world.author_user.id, reason="Xingamento",
                              created_at=utcnow()))
    queue = f"/conferencias/{world.slug}/gestao/moderacao/"
    assert client.get(queue).status_code == 302
    login(client, world.author_user)
    assert client.get(queue).status_code == 403
    login(client, world.secretary_user)
    page = text(client.get(queue))
    assert "Denunciado uma vez" in page and "Sem denúncia" not in page
    assert "1 denúncia" in page and "Xingamento" in page
    assert f'for="motivo-{c.id}"' in page and f'id="motivo-{c.id}"' in page
    assert curl(world, p, f"{c.id}/restaurar") in page
    response = client.post(curl(world, p, f"{c.id}/restaurar"), data={"next": queue})
    assert response.status_code == 302
    assert "Nenhum comentário aguardando revisão." in text(client.get(queue))


def test_moderation_link_in_secretary_menu(client, world):
    login(client, world.secretary_user)
    page = text(client.get(f"/conferencias/{world.slug}/gestao/"))
    assert f'href="/conferencias/{world.slug}/gestao/moderacao/"' in page
