"""Results and published ballots: public once closed, nowhere before; privacy of small
segments in secret rounds; the priority ranking; query counts that do not grow."""

import re

import pytest

from app.conferences.constants import Segment
from app.votes.models import Ballot
from tests.views.helpers import text
from tests.views.votes.conftest import login, receipts_in


@pytest.fixture
def decided(plenary):
    """A closed named deliberation round: one approved, one rejected, one tie, with in-person counts."""
    proposals = plenary.proposals(3)
    voting_round = plenary.start(proposals, title="Eixo 1: municipais")
    a, b, c = proposals
    plan = [{a: "yes", b: "no", c: "yes"}, {a: "yes", b: "no", c: "no"}, {a: "yes", b: "yes", c: "abstain"},
            {a: "no", b: "no"}]
    for delegate, choices in zip(plenary.delegates, plan, strict=False):
        plenary.vote(delegate, voting_round, choices)
    plenary.count(voting_round, {a: (1, 0, 0), b: (0, 1, 0)})
    plenary.close(voting_round)
    return voting_round, proposals


def test_results_page_shows_online_in_person_totals_turnout_quorum_rule_and_outcome(client, plenary, decided):
    voting_round, (a, b, c) = decided
    response = client.get(plenary.url(voting_round, "resultado"))
    assert response.status_code == 200
    page = text(response)
    assert "<title>Resultado: Eixo 1: municipais" in page
    assert "5 de 5 delegados do eleitorado (100,0%)" in page  # 4 online + 1 in person
    assert "4 pela plataforma e 1 na contagem presencial" in page
    assert "quórum atingido" in page
    assert "Maioria simples" in page
    article = re.search(rf'<article class="card result" id="resultado-{a.id}".*?</article>', page, re.S).group(0)
    rows = re.findall(r'<tr><th scope="row">(Sim|Não|Abstenção)</th><td class="num">(\d+)</td>'
                      r'<td class="num">(\d+)</td><td class="num">(\d+)</td></tr>', article)
    assert rows == [("Sim", "3", "1", "4"), ("Não", "1", "0", "1"), ("Abstenção", "0", "0", "0")]
    assert "Aprovada" in article
    assert "Rejeitada" in page and "Empate" in page
    # The chart: an image with a title and a description carrying the figures, text labels.
    svg = re.search(r'<svg class="chart" role="img" aria-labelledby="grafico-(\d+)-t grafico-\1-d".*?</svg>',
                    article, re.S).group(0)
    assert "<title id=" in svg and "Sim: 4; Não: 1; Abstenção: 0." in svg
    assert '<text x="0" y="20" class="chart__label">Sim</text>' in svg
    assert 'style="' not in page
    # Named round, 2+ voters per segment not required: the breakdown is shown.
    assert "menos de 5 votantes" not in page


def test_results_and_ballots_are_404_while_the_round_is_open_even_for_secretaries(client, plenary):
    proposals = plenary.proposals(1)
    voting_round = plenary.start(proposals)
    plenary.vote(plenary.delegates[0], voting_round, {proposals[0]: "yes"})
    for who in (None, plenary.delegates[0], plenary.secretary):
        if who is not None:
            login(client, who)
        assert client.get(plenary.url(voting_round, "resultado")).status_code == 404
        assert client.get(plenary.url(voting_round, "cedulas")).status_code == 404


def test_no_figure_of_an_open_round_in_the_list_round_page_or_conference_page(client, plenary):
    proposals = plenary.proposals(2)
    voting_round = plenary.start(proposals, title="Rodada aberta")
    for delegate in plenary.delegates[:3]:
        plenary.vote(delegate, voting_round, {proposals[0]: "yes", proposals[1]: "no"})
    login(client, plenary.secretary)
    pages = [text(client.get(plenary.url())), text(client.get(plenary.url(voting_round))),
             text(client.get(f"/conferencias/{plenary.slug}"))]
    for page in pages:
        assert "Rodada aberta" in page
        assert "/resultado" not in page and "Sim:" not in page and "Resultado:" not in page
        assert "3 de 5" not in page and "votaram" not in page
        assert receipts_in(page) == []
    title = re.search(r"<title>(.*?)</title>", pages[1], re.S).group(1)
    assert title.startswith("Rodada aberta · Votações")


def test_published_ballots_list_receipts_and_choices_without_voters_and_find_one(client, plenary, decided, session):
    voting_round, (a, b, c) = decided
    receipts = sorted(b.receipt for b in session.query(Ballot).filter_by(round_id=voting_round.id))
    page = text(client.get(plenary.url(voting_round, "cedulas")))
    assert "4 cédulas publicadas." in page
    table = re.search(r'<table class="ballots">.*?</table>', page, re.S).group(0)
    assert receipts_in(table) == receipts  # ordered by receipt code
    assert all(d.user.display_name not in page for d in plenary.delegates)
    cells = re.findall(r"<td>(.*?)</td>", table, re.S)
    choices = sorted(re.sub(r"<[^>]+>", "", cell) for cell in cells)
    assert choices == sorted([f"{a.code}: Sim; {b.code}: Não; {c.code}: Sim", f"{a.code}: Sim; {b.code}: Não; {c.code}: Não",
                              f"{a.code}: Sim; {b.code}: Sim; {c.code}: Abstenção", f"{a.code}: Não; {b.code}: Não"])
    found = text(client.get(plenary.url(voting_round, "cedulas"), query_string={"comprovante": receipts[0].lower()}))
    assert f"Cédula {receipts[0]} encontrada." in found
    missing = text(client.get(plenary.url(voting_round, "cedulas"), query_string={"comprovante": "ZZZZZ-ZZZZZ-ZZZZZ"}))
    assert "Nenhuma cédula com o código ZZZZZ-ZZZZZ-ZZZZZ" in missing


def _segment_rows(page: str) -> dict[str, str]:
    table = re.search(r"Votos pela plataforma, por segmento</caption>(.*?)</table>", page, re.S).group(1)
    return dict(re.findall(r'<tr><th scope="row">(\w+)</th>\s*(.*?)</tr>', table, re.S))


def test_secret_round_never_lets_a_small_segment_be_recovered_by_subtraction(client, plenary, make):
    # Five usuários and one trabalhador vote. Showing the usuários would reveal the lone
    # trabalhador's vote (total minus usuários), so the usuários are hidden too.
    extra = [make.delegate(plenary.conference, segment=Segment.USUARIO) for _ in range(3)]
    usuarios = [d for d in plenary.delegates if d.segment == Segment.USUARIO] + extra
    proposals = plenary.proposals(1)
    voting_round = plenary.start(proposals, secret=True)
    for delegate in usuarios[:5]:
        plenary.vote(delegate, voting_round, {proposals[0]: "yes"})
    trabalhador = next(d for d in plenary.delegates if d.segment == Segment.TRABALHADOR)
    plenary.vote(trabalhador, voting_round, {proposals[0]: "no"})
    plenary.close(voting_round)
    rows = _segment_rows(text(client.get(plenary.url(voting_round, "resultado"))))
    assert "oculto para proteger o sigilo dos segmentos menores" in rows["Usuários"]
    for segment in ("Trabalhadores", "Entidades", "Governo"):
        assert "menos de 5 votantes" in rows[segment]
    response = client.get(f"/api/v1/conferences/{plenary.slug}/rounds/{voting_round.id}")
    by_segment = response.get_json()["results"]["items"][0]["by_segment"]
    assert by_segment == {"usuario": None, "trabalhador": None, "entidade": None, "governo": None}


def test_secret_round_shows_segments_when_the_hidden_group_is_large_enough(client, plenary, make):
    # Five usuários shown; three trabalhadores and two entidades hidden together (5 voters).
    conference = plenary.conference
    usuarios = [d for d in plenary.delegates if d.segment == Segment.USUARIO]
    usuarios += [make.delegate(conference, segment=Segment.USUARIO) for _ in range(5 - len(usuarios))]
    trabalhadores = [make.delegate(conference, segment=Segment.TRABALHADOR) for _ in range(3)]
    entidades = [make.delegate(conference, segment=Segment.ENTIDADE) for _ in range(2)]
    proposals = plenary.proposals(1)
    voting_round = plenary.start(proposals, secret=True)
    for delegate in usuarios:
        plenary.vote(delegate, voting_round, {proposals[0]: "yes"})
    for delegate in trabalhadores + entidades:
        plenary.vote(delegate, voting_round, {proposals[0]: "no"})
    plenary.close(voting_round)
    rows = _segment_rows(text(client.get(plenary.url(voting_round, "resultado"))))
    assert re.sub(r"\s+", "", rows["Usuários"]) == '<tdclass="num">5</td><tdclass="num">0</td><tdclass="num">0</td>'
    for segment in ("Trabalhadores", "Entidades"):
        assert "menos de 5 votantes" in rows[segment]
    response = client.get(f"/api/v1/conferences/{plenary.slug}/rounds/{voting_round.id}")
    by_segment = response.get_json()["results"]["items"][0]["by_segment"]
    assert by_segment["usuario"] == {"yes": 5, "no": 0, "abstain": 0}
    assert by_segment["trabalhador"] is None and by_segment["entidade"] is None


def test_priority_round_shows_the_ranking_ties_and_what_is_forwarded(client, plenary):
    proposals = plenary.proposals(4, state="approved")
    p1, p2, p3, p4 = proposals
    voting_round = plenary.start(proposals, kind="priority", max_choices=2, forward_count=2, title="Prioridades")
    picks = [(p1, p2), (p1, p3), (p1, p4), (p2, p3), (p4,)]
    for delegate, chosen in zip(plenary.delegates, picks, strict=True):
        plenary.vote(delegate, voting_round, dict.fromkeys(chosen, "selected"))
    plenary.close(voting_round)  # p1: 3; p2, p3, p4: 2 each → a tie at the cut-off
    page = text(client.get(plenary.url(voting_round, "resultado")))
    ranking = re.search(r"<caption[^>]*>Classificação das propostas</caption>(.*?)</table>", page, re.S).group(1)
    rows = re.findall(r'<td class="num">(\d)(.*?)</td>\s*<th scope="row"><a [^>]*>(E1-M-\d+)</a>.*?'
                      r'<td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>\s*<td>(.*?)</td>',
                      ranking, re.S)
    assert [(r[0], r[2], r[5]) for r in rows] == [("1", p1.code, "3"), ("2", p2.code, "2"), ("2", p3.code, "2"),
                                                  ("2", p4.code, "2")]
    assert "empatada" not in rows[0][1] and all("empatada" in r[1] for r in rows[1:])
    assert "Encaminhada" in rows[0][6]
    assert all("Empate" in r[6] for r in rows[1:])
    assert "a secretaria decide" in page
    assert 'aria-labelledby="grafico-ranking-t grafico-ranking-d"' in page


def _closed_round_with(plenary, n_proposals):
    proposals = plenary.proposals(n_proposals)
    voting_round = plenary.start(proposals, title=f"Rodada de {n_proposals}")
    for delegate in plenary.delegates[:4]:
        plenary.vote(delegate, voting_round, {p: ("yes", "no", "abstain")[i % 3] for i, p in enumerate(proposals)})
    plenary.count(voting_round, {proposals[0]: (1, 0, 0)})
    return plenary.close(voting_round)


def test_results_page_query_count_does_not_grow_with_proposals(client, plenary, count_queries):
    small = _closed_round_with(plenary, 3)
    large = _closed_round_with(plenary, 60)
    client.get(plenary.url(small, "resultado"))  # warm up
    measured = []
    for voting_round in (small, large):
        with count_queries() as counter:
            response = client.get(plenary.url(voting_round, "resultado"))
        assert response.status_code == 200
        measured.append(counter.count)
    assert measured[0] == measured[1], measured
    assert text(response).count('<article class="card result"') == 60


def test_ballots_page_query_count_does_not_grow_with_ballots(client, plenary, make, count_queries):
    counts = []
    for n in (5, 200):
        voters = list(plenary.delegates) if n == 5 else [make.delegate(plenary.conference) for _ in range(n)]
        proposals = plenary.proposals(3)
        voting_round = plenary.start(proposals, title=f"{n} cédulas")
        for voter in voters[:n]:
            plenary.vote(voter, voting_round, {proposals[0]: "yes", proposals[1]: "no"})
        plenary.close(voting_round)
        client.get(plenary.url(voting_round, "cedulas"))
        with count_queries() as counter:
            response = client.get(plenary.url(voting_round, "cedulas"), query_string={"page": 2 if n > 50 else 1})
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert "200 cédulas publicadas." in text(response) and "Página 2 de 4" in text(response)


def test_anonymous_results_are_cacheable_and_revalidate_with_304(client, plenary, decided, login_as):
    voting_round, _ = decided
    url = plenary.url(voting_round, "resultado")
    first = client.get(url)
    assert first.status_code == 200 and first.headers.getlist("Set-Cookie") == []
    assert {"public", "max-age=60"} <= {part.strip() for part in first.headers["Cache-Control"].split(",")}
    assert {"Cookie", "Accept-Language"} <= set(first.vary)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # A logged-in visitor's page may differ (secretary links) and is never stored.
    mine = login_as(plenary.secretary.user).get(url, headers={"If-None-Match": etag})
    assert mine.status_code == 200 and mine.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in mine.headers


def test_anonymous_results_are_rendered_once_a_minute_per_worker(client, plenary, decided, login_as, app,
                                                                 monkeypatch, count_queries):
    from app.votes.shared_pages import SharedPages

    monkeypatch.setitem(app.config, "RESULTS_CACHE_SECONDS", 60)
    monkeypatch.setitem(app.extensions, "plenaria.shared_pages", SharedPages())
    voting_round, _ = decided
    url = plenary.url(voting_round, "resultado")
    with count_queries() as first:
        page = client.get(url).get_data(as_text=True)
    with count_queries() as again:
        assert client.get(url).get_data(as_text=True) == page
    assert again.count < first.count  # the frozen figures were not read again
    # Another language or display preference is another page; a logged-in visitor is never served it.
    client.set_cookie("lang", "en")
    english = client.get(url).get_data(as_text=True)
    assert english != page and 'lang="en"' in english
    client.delete_cookie("lang")
    mine = login_as(plenary.secretary.user).get(url).get_data(as_text=True)
    assert mine != page and plenary.secretary.user.display_name in mine  # their own menu, never the shared page
