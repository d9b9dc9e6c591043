"""Read queries: listing filters and sorts, debate counts, thread pages, moderation queue."""

import pytest

from app.conferences.constants import Segment
from app.proposals import comments, queries
from app.proposals.constants import ProposalSphere, ProposalState
from app.proposals.queries import ProposalFilter, Sort
from tests.unit.proposals.conftest import NOW, later

CATALOGUE = [  # key, eixo, sphere, author segment, title, hours after NOW
    ("educacao", 1, "municipal", Segment.USUARIO, "Educação permanente no SUAS", 0),
    ("transporte", 1, "estadual", Segment.TRABALHADOR, "Transporte para visitas domiciliares", 1),
    ("percent", 2, "municipal", Segment.USUARIO, "Reajuste de 50% no cofinanciamento", 2),
    ("quinhentos", 2, "federal", Segment.GOVERNO, "Meta de 500 famílias atendidas", 3),
    ("underscore", 3, "estadual", Segment.ENTIDADE, "Código cras_volante no cadastro", 4),
    ("volante", 3, "municipal", Segment.USUARIO, "Código crasXvolante no cadastro", 5),
]


@pytest.fixture
def catalogue(world):
    made = {}
    for key, eixo, sphere, segment, title, hours in CATALOGUE:
        made[key] = world.submit(world.participant(segment=segment), eixo=eixo, sphere=sphere, title=title,
                                 body="Texto da proposta.", now=later(hours=hours))
    world.force_state(made["quinhentos"], ProposalState.WITHDRAWN)
    return made


def _listed(session, world, **flt):
    return [p.code for p in session.scalars(queries.proposals_query(world.conference.id, ProposalFilter(**flt)))]


def _keys(catalogue, *keys):
    return {catalogue[k].code for k in keys}


@pytest.mark.parametrize("flt, keys", [
    ({}, ["educacao", "transporte", "percent", "quinhentos", "underscore", "volante"]),
    ({"eixo": 1}, ["educacao", "transporte"]),
    ({"eixo": 2}, ["percent", "quinhentos"]),
    ({"eixo": 9}, []),
    ({"sphere": ProposalSphere.MUNICIPAL}, ["educacao", "percent", "volante"]),
    ({"sphere": ProposalSphere.FEDERAL}, ["quinhentos"]),
    ({"state": ProposalState.WITHDRAWN}, ["quinhentos"]),
    ({"state": ProposalState.SUBMITTED}, ["educacao", "transporte", "percent", "underscore", "volante"]),
    ({"state": ProposalState.APPROVED}, []),
    ({"segment": Segment.USUARIO}, ["educacao", "percent", "volante"]),
    ({"segment": Segment.GOVERNO}, ["quinhentos"]),
    ({"eixo": 3, "sphere": ProposalSphere.MUNICIPAL}, ["volante"]),
    ({"eixo": 1, "segment": Segment.TRABALHADOR, "state": ProposalState.SUBMITTED}, ["transporte"]),
])
def test_filters(session, world, catalogue, flt, keys):
    assert set(_listed(session, world, **flt)) == _keys(catalogue, *keys)


@pytest.mark.parametrize("text, keys", [
    ("educacao", ["educacao"]),
    ("EDUCAÇÃO", ["educacao"]),
    ("Educação", ["educacao"]),
    ("  permanente   educacao ", ["educacao"]),
    ("familias", ["quinhentos"]),
    ("codigo volante", ["underscore", "volante"]),
    ("e1-m-01", ["educacao"]),
    ("50%", ["percent"]),
    ("%", ["percent"]),
    ("cras_volante", ["underscore"]),
    ("_", ["underscore"]),
    ("500", ["quinhentos"]),
    ("inexistente", []),
    ("", ["educacao", "transporte", "percent", "quinhentos", "underscore", "volante"]),
])
def test_text_search_ignores_accents_and_case_and_takes_wildcards_literally(session, world, catalogue, text, keys):
    assert set(_listed(session, world, text=text)) == _keys(catalogue, *keys)


def test_text_search_sees_edits(session, world, catalogue):
    from app.proposals import services

    p = catalogue["transporte"]
    services.edit_proposal(session, p.author.user, p.author, p, title="Transporte e alimentação",
                           body=p.body, justification=None, now=later(days=1))
    assert _listed(session, world, text="alimentacao") == [p.code]


def test_drafts_and_other_conferences_are_not_listed(session, world, make, catalogue):
    world.force_state(catalogue["educacao"], ProposalState.DRAFT)
    other = make.conference(proposals_per_participant=0)
    world.submit(make.participation(other), conference=other, title="Educação em outra conferência")
    listed = _listed(session, world, text="educacao")
    assert listed == []
    assert len(_listed(session, world)) == 5


def test_sort_newest_first(session, world, catalogue):
    expected = [catalogue[k].code for k in reversed([row[0] for row in CATALOGUE])]
    assert _listed(session, world, sort=Sort.NEWEST) == expected


def test_sort_by_code(session, world, catalogue):
    codes = _listed(session, world, sort=Sort.CODE)
    assert codes == sorted(codes)
    assert codes[:2] == ["E1-E-01", "E1-M-01"]


def test_sort_most_debated_counts_only_visible_comments(session, world, catalogue):
    a, b = catalogue["educacao"], catalogue["transporte"]
    speaker = world.participant()
    for _ in range(2):
        world.comment(speaker, b)
    visible = world.comment(speaker, a)
    deleted = world.comment(speaker, a)
    hidden = world.comment(speaker, a)
    hidden_too = world.comment(speaker, a)
    comments.delete_comment(session, speaker.user, speaker, deleted, now=later(minutes=1))
    sec = world.secretary
    comments.hide_comment(session, sec.user, sec, hidden, reason="Spam", now=later(minutes=2))
    comments.hide_comment(session, sec.user, sec, hidden_too, reason="Spam", now=later(minutes=2))
    assert visible.id
    listed = _listed(session, world, sort=Sort.MOST_DEBATED)
    # b: 2 visible; a: 1 visible (of 4); then the rest, newest first.
    newest_rest = [catalogue[k].code for k in ("volante", "underscore", "quinhentos", "percent")]
    assert listed == [b.code, a.code, *newest_rest]


# --- debate counts ----------------------------------------------------------------------------

def test_debate_stats_count_visible_comments_and_stances_in_one_query(session, world, catalogue, count_queries):
    a, b, c = catalogue["educacao"], catalogue["transporte"], catalogue["percent"]
    speaker = world.participant()
    for stance in ("a_favor", "contra", "neutro", None, "a_favor"):
        world.comment(speaker, a, stance=stance)
    deleted = world.comment(speaker, a, stance="a_favor")
    hidden = world.comment(speaker, a, stance="contra")
    pending = world.comment(speaker, a, stance="contra")
    comments.delete_comment(session, speaker.user, speaker, deleted, now=later(minutes=1))
    comments.hide_comment(session, world.secretary.user, world.secretary, hidden, reason="Spam", now=later(minutes=2))
    world.conference.reports_to_hide = 1
    comments.report_comment(session, world.participant().user, None, pending, reason="Ofensivo", now=later(minutes=3))
    assert pending.hidden_pending_review
    world.comment(speaker, b, stance="contra")
    world.comment(speaker, b, stance="contra", parent=world.comment(speaker, b))
    session.flush()

    with count_queries() as counter:
        stats = queries.debate_stats(session, [a.id, b.id, c.id])
    assert counter.count == 1
    assert (stats[a.id].comments, stats[a.id].stances) == (5, {"a_favor": 2, "contra": 1, "neutro": 1})
    assert (stats[b.id].comments, stats[b.id].stances) == (3, {"a_favor": 0, "contra": 2, "neutro": 0})
    assert (stats[c.id].comments, stats[c.id].stances) == (0, {"a_favor": 0, "contra": 0, "neutro": 0})


def test_debate_stats_of_nothing_asks_nothing(session, count_queries):
    with count_queries() as counter:
        assert queries.debate_stats(session, []) == {}
    assert counter.count == 0


# --- thread pages -----------------------------------------------------------------------------

def _deep_thread(world, speaker, proposal, root_body):
    root = world.comment(speaker, proposal, body=root_body)
    chain = [root]
    for _ in range(4):  # the last one attaches beside the depth-4 reply
        chain.append(world.comment(speaker, proposal, parent=chain[-1]))
    return chain


def test_thread_page_gives_fifty_roots_with_all_their_descendants(session, world):
    proposal = world.submit()
    other = world.submit(title="Outra proposta")
    speaker = world.participant()
    first = _deep_thread(world, speaker, proposal, "raiz 1")
    roots = [first[0]] + [world.comment(speaker, proposal, body=f"raiz {n}") for n in range(2, 51)]
    last = _deep_thread(world, speaker, proposal, "raiz 51")
    world.comment(speaker, other, parent=world.comment(speaker, other))

    page1 = queries.thread_page(session, proposal.id, 1)
    assert (page1.page, page1.pages, page1.total_threads) == (1, 2, 51)
    assert [c.id for c in page1.roots] == [r.id for r in roots]
    assert [c.id for c in page1.children[first[0].id]] == [first[1].id]
    assert [c.id for c in page1.children[first[2].id]] == [first[3].id, first[4].id]
    assert sum(len(v) for v in page1.children.values()) == 4
    assert last[0].id not in {c.id for c in page1.roots}

    page2 = queries.thread_page(session, proposal.id, 2)
    assert [c.id for c in page2.roots] == [last[0].id]
    assert sorted(c.id for kids in page2.children.values() for c in kids) == [c.id for c in last[1:]]


@pytest.mark.parametrize("asked, given", [(0, 1), (-3, 1), (2, 2), (3, 2), (999, 2)])
def test_thread_page_clamps(session, world, asked, given):
    proposal = world.submit()
    speaker = world.participant()
    for _ in range(3):
        world.comment(speaker, proposal)
    page = queries.thread_page(session, proposal.id, asked, per_page=2)
    assert (page.page, page.pages, page.total_threads) == (given, 2, 3)
    assert len(page.roots) == (2 if given == 1 else 1)


def test_thread_page_of_an_empty_debate(session, world):
    page = queries.thread_page(session, world.submit().id, 5)
    assert (page.page, page.pages, page.total_threads, page.roots, page.children) == (1, 1, 0, [], {})


def test_thread_page_query_count_does_not_grow(session, world, count_queries):
    small, big = world.submit(), world.submit(title="Muito debatida")
    speakers = [world.participant() for _ in range(3)]
    world.comment(speakers[0], small)
    for n in range(12):
        _deep_thread(world, speakers[n % 3], big, f"raiz {n}")
    session.expire_all()
    with count_queries() as few:
        page = queries.thread_page(session, small.id, 1)
        [c.author.user.public_name for c in page.roots]
    session.expire_all()
    with count_queries() as many:
        page = queries.thread_page(session, big.id, 1)
        names = [c.author.user.public_name for c in page.roots]
        names += [c.author.user.public_name for kids in page.children.values() for c in kids]
    assert len(names) == 60
    assert many.count == few.count


def test_thread_page_shows_the_first_replies_of_each_thread_and_counts_the_rest(session, world, count_queries):
    proposal = world.submit()
    speaker = world.participant()
    chain = _deep_thread(world, speaker, proposal, "fio fundo")  # root, 3 nested replies, 1 beside
    flat = world.comment(speaker, proposal, body="fio raso")
    replies = [world.comment(speaker, proposal, parent=flat) for _ in range(2)]
    session.expire_all()
    with count_queries() as counter:
        page = queries.thread_page(session, proposal.id, 1, replies_shown=2)
    assert counter.count == 3
    assert [c.id for c in page.roots] == [chain[0].id, flat.id]
    assert page.children[chain[0].id] == [chain[1]] and page.children[chain[1].id] == [chain[2]]
    assert chain[3].id not in {c.id for kids in page.children.values() for c in kids}
    assert page.children[flat.id] == replies
    assert page.more == {chain[0].id: 2}
    assert queries.thread_page(session, proposal.id, 1).more == {}  # no cap asked: everything


def test_whole_thread_and_the_place_of_a_comment(session, world):
    proposal, other = world.submit(), world.submit(title="Outra")
    speaker = world.participant()
    roots = [world.comment(speaker, proposal, body=f"raiz {n}") for n in range(3)]
    replies = [world.comment(speaker, proposal, parent=roots[2]) for _ in range(4)]
    thread = queries.whole_thread(session, proposal.id, roots[2].id, per_page=2)
    assert thread is not None and thread.thread == roots[2].id and thread.page == 2
    assert thread.roots == [roots[2]] and thread.children[roots[2].id] == replies
    assert thread.link_args == {"fio": roots[2].id}
    assert queries.whole_thread(session, proposal.id, replies[0].id) is None  # a reply is no thread
    assert queries.whole_thread(session, other.id, roots[0].id) is None  # another proposal's
    assert queries.place_in_debate(session, roots[0], per_page=2) == {"debate": None}
    assert queries.place_in_debate(session, replies[1], per_page=2, replies_shown=2) == {"debate": 2}
    assert queries.place_in_debate(session, replies[2], per_page=2, replies_shown=2) == {"fio": roots[2].id}
    assert queries.place_in_debate(session, replies[3], per_page=2) == {"debate": 2}


# --- moderation queue -------------------------------------------------------------------------

def test_moderation_queue_most_reported_first_with_reasons(session, world, make):
    proposal = world.submit()
    speaker = world.participant()
    c1, c2, c3, c4, c5, quiet = (world.comment(speaker, proposal, body=f"c{n}") for n in range(1, 7))
    people = [world.participant() for _ in range(4)]

    def report(comment, *who_reason):
        for who, reason in who_reason:
            comments.report_comment(session, who.user, who, comment, reason=reason, now=later(minutes=5))

    report(c2, (people[0], "spam"))
    report(c1, (people[0], "ofensivo"), (people[1], "ódio"), (people[2], "mentira"))  # hidden pending review
    report(c3, (people[1], "fora do tema"), (people[0], "repetido"))
    report(c4, (people[3], "spam"))
    report(c5, (people[3], "spam"))
    sec = world.secretary
    comments.hide_comment(session, sec.user, sec, c4, reason="Spam", now=later(hours=1))
    comments.restore_comment(session, sec.user, sec, c5, now=later(hours=1))
    other = make.conference()
    elsewhere = make.participation(other)
    foreign = comments.post_comment(session, elsewhere.user, elsewhere,
                                    world.submit(make.participation(other), conference=other), body="x", now=NOW)
    comments.report_comment(session, people[0].user, None, foreign, reason="spam", now=NOW)

    queue = queries.moderation_queue(session, world.conference.id)
    assert [(item.comment.id, item.open_reports) for item in queue] == [(c1.id, 3), (c3.id, 2), (c2.id, 1)]
    assert queue[0].reasons == ["ofensivo", "ódio", "mentira"]
    assert queue[0].comment.hidden_pending_review
    assert queue[1].reasons == ["fora do tema", "repetido"]
    assert quiet.id not in {item.comment.id for item in queue}


def test_moderation_queue_ties_keep_the_oldest_comment_first(session, world):
    proposal = world.submit()
    speaker = world.participant()
    first, second = world.comment(speaker, proposal), world.comment(speaker, proposal)
    for comment in (second, first):
        who = world.participant()
        comments.report_comment(session, who.user, who, comment, reason="spam", now=NOW)
    assert [item.comment.id for item in queries.moderation_queue(session, world.conference.id)] == [
        first.id, second.id]


# --- one proposal -----------------------------------------------------------------------------

@pytest.mark.parametrize("code, found", [("E1-M-01", True), ("e1-m-01", True), ("E1-m-01", True),
                                         ("E1-M-1", False), ("E9-M-01", False), ("", False)])
def test_get_proposal_is_scoped_and_case_insensitive(session, world, make, code, found):
    mine = world.submit()
    other = make.conference(proposals_per_participant=0)
    theirs = world.submit(make.participation(other), conference=other)
    assert theirs.code == mine.code
    result = queries.get_proposal(session, world.conference.id, code)
    assert (result is mine) if found else (result is None)


def test_get_proposal_of_another_conference_is_not_found(session, world, make):
    other = make.conference(proposals_per_participant=0)
    world.submit(make.participation(other), conference=other, eixo=2)
    assert queries.get_proposal(session, world.conference.id, "E2-M-01") is None


def test_versions_and_merged_sources_in_order(session, world):
    from app.proposals import services

    a, b = world.submit(), world.submit(world.participant())
    services.edit_proposal(session, a.author.user, a.author, a, title="Novo título", body=a.body,
                           justification=None, now=later(minutes=1))
    sec = world.secretary
    merged = services.merge_proposals(session, sec.user, sec, world.conference, proposal_ids=[b.id, a.id],
                                      eixo_id=world.eixo(1).id, sphere="municipal", title="Aglutinada",
                                      body="Texto", justification=None, now=later(minutes=2))
    assert [(v.number, v.kind.value) for v in queries.versions(session, a.id)] == [
        (1, "created"), (2, "edited"), (3, "merged")]
    assert [p.code for p in queries.merged_sources(session, merged.id)] == ["E1-M-01", "E1-M-02"]
