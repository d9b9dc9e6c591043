"""The proposal page and the list page issue a fixed number of queries, whatever the size of
the debate or of the list (the counts are printed with ``-s``)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.proposals.models import Proposal
from tests.views.helpers import login, text


def _queries(client, count_queries, path: str) -> int:  # type: ignore[no-untyped-def]
    client.get(path)  # warm-up: nothing cached at the first request may differ
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


@pytest.mark.parametrize("who", ["anonymous", "participant", "secretary"])
def test_proposal_page_queries_do_not_grow_with_the_debate(who, client, world, pm, count_queries):
    small = pm.proposal(world.conference, world.author)
    pm.chain(small, world.other)  # a thread four levels deep
    pm.comment(small, world.author)  # and one more: 5 comments
    big = pm.proposal(world.conference, world.author)
    assert pm.bulk_chains(big, world.other, threads=500, depth=4) == 2000
    if who == "participant":
        login(client, world.other_user)
    elif who == "secretary":
        login(client, world.secretary_user)
    base = f"/conferencias/{world.slug}/propostas"

    few = _queries(client, count_queries, f"{base}/{small.code}")
    many = _queries(client, count_queries, f"{base}/{big.code}")
    last_page = _queries(client, count_queries, f"{base}/{big.code}?debate=10")
    print(f"\nproposal page ({who}): 5 comments → {few} queries; 2,000 comments → {many} queries")
    assert few == many == last_page

    page = text(client.get(f"{base}/{big.code}"))
    assert page.count('class="comment"') == 80  # 20 threads of 4 on the first page
    assert "Página 1 de 25 do debate" in page
    assert "2000 comentários" in page or "2.000 comentários" in page


@pytest.mark.parametrize("who", ["anonymous", "participant"])
def test_list_page_queries_do_not_grow_with_the_list(who, client, world, make, pm, count_queries):
    pm.bulk_proposals(world.conference, [world.author, world.other], 10)
    big = make.conference(phase=world.conference.phase)
    big_authors = [make.participation(big) for _ in range(5)]
    pm.bulk_proposals(big, big_authors, 1000)
    for proposal in pm.session.scalars(sa.select(Proposal).order_by(Proposal.id).limit(30)):
        pm.comment(proposal, world.other if proposal.conference_id == world.conference.id else big_authors[0])
    if who == "participant":
        login(client, world.other_user)

    few = _queries(client, count_queries, f"/conferencias/{world.slug}/propostas/")
    many = _queries(client, count_queries, f"/conferencias/{big.slug}/propostas/")
    sorted_many = _queries(client, count_queries, f"/conferencias/{big.slug}/propostas/?ordem=mais-debatidas&page=7")
    print(f"\nlist page ({who}): 10 proposals → {few} queries; 1,000 proposals → {many} queries")
    assert few == many == sorted_many
    assert "1000 propostas encontradas." in text(client.get(f"/conferencias/{big.slug}/propostas/"))
