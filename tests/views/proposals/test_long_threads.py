"""A thread of many replies: the debate page shows its first replies and a link to the whole
thread (?fio=<root id>), which has its own view, its way back, and its own place for replies."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.proposals.models import Comment
from app.proposals.views.proposals import REPLIES_SHOWN
from tests.views.helpers import login, text
from tests.views.proposals.test_comments import curl, purl
from tests.views.proposals.test_query_counts import _queries


def _long_thread(pm, proposal, author, replies: int) -> tuple[Comment, list[Comment]]:
    root = pm.comment(proposal, author, "Raiz do fio longo")
    return root, [pm.comment(proposal, author, f"Resposta {n}", parent=root) for n in range(1, replies + 1)]


def shown_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li class="comment" id="comentario-(\d+)"', page)]


def test_debate_page_shows_the_first_replies_and_links_to_the_whole_thread(client, world, pm):
    p = pm.proposal(world.conference, world.author)
    root, replies = _long_thread(pm, p, world.other, REPLIES_SHOWN + 5)
    short = pm.comment(p, world.author, "Outro fio")
    pm.comment(p, world.other, "Resposta curta", parent=short)
    page = text(client.get(purl(world, p)))
    assert shown_ids(page) == [root.id] + [r.id for r in replies[:REPLIES_SHOWN]] + [short.id, short.id + 1]
    link = f'href="{purl(world, p)}?fio={root.id}#comentario-{root.id}"'
    assert link in page and "Ver o fio inteiro (mais 5 respostas)" in page
    assert page.count("Ver o fio inteiro") == 1  # the short thread is whole already

    whole = text(client.get(f"{purl(world, p)}?fio={root.id}"))
    assert shown_ids(whole) == [root.id] + [r.id for r in replies]
    assert "Você está vendo um fio do debate com todas as respostas." in whole
    assert f'href="{purl(world, p)}#comentario-{root.id}">Voltar ao debate completo' in whole
    assert "Ver o fio inteiro" not in whole


@pytest.mark.parametrize("fio", ["reply", "other", "999999999", "99999999999999999999999"])
def test_a_thread_not_of_this_proposal_is_404(client, world, pm, fio):
    p, other = pm.proposal(world.conference, world.author), pm.proposal(world.conference, world.author)
    root = pm.comment(p, world.author)
    reply = pm.comment(p, world.other, parent=root)
    foreign = pm.comment(other, world.author)
    value = {"reply": reply.id, "other": foreign.id}.get(fio, fio)
    assert client.get(f"{purl(world, p)}?fio={value}").status_code == 404


def test_a_thread_value_that_is_not_a_number_shows_the_debate(client, world, pm):
    p = pm.proposal(world.conference, world.author)
    root = pm.comment(p, world.author)
    response = client.get(f"{purl(world, p)}?fio=abc")
    assert response.status_code == 200 and shown_ids(text(response)) == [root.id]


def test_a_late_reply_lands_on_the_whole_thread_and_the_form_keeps_the_thread(client, world, pm, session):
    p = pm.proposal(world.conference, world.author)
    root, replies = _long_thread(pm, p, world.other, REPLIES_SHOWN + 2)
    login(client, world.author_user)
    last = replies[-1]
    opened = text(client.get(f"{purl(world, p)}?fio={root.id}&responder={last.id}"))
    assert f'action="{curl(world, p)}?fio={root.id}"' in opened  # the reply form posts back to the thread
    response = client.post(f"{curl(world, p)}?fio={root.id}", data={"body": "Mais uma", "parent_id": str(last.id)})
    new = session.scalars(sa.select(Comment).order_by(Comment.id.desc())).first()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?fio={root.id}#comentario-{new.id}")
    # An early reply stays on the debate page.
    response = client.post(curl(world, p), data={"body": "Outro fio"})
    new = session.scalars(sa.select(Comment).order_by(Comment.id.desc())).first()
    assert response.headers["Location"].endswith(f"{purl(world, p)}#comentario-{new.id}")
    # An error re-renders the thread view with the typed text.
    again = client.post(f"{curl(world, p)}?fio={root.id}", data={"body": "", "parent_id": str(last.id)})
    assert again.status_code == 422 and "Você está vendo um fio do debate" in text(again)


def test_queries_of_the_thread_view_do_not_grow_with_the_thread(client, world, pm, count_queries):
    p = pm.proposal(world.conference, world.author)
    small, _ = _long_thread(pm, p, world.other, 2)
    big, _ = _long_thread(pm, p, world.other, 120)
    assert _queries(client, count_queries, f"{purl(world, p)}?fio={small.id}") == \
        _queries(client, count_queries, f"{purl(world, p)}?fio={big.id}")
