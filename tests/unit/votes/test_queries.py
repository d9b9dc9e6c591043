"""Read-only queries: nothing of an open round's results, published ballots, turnout."""

from __future__ import annotations

from app.votes import queries
from tests.unit.votes.conftest import Plenary


def test_nothing_of_an_open_round_is_returned_as_results(session, plenary):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1])
    plenary.vote(plenary.delegates[0], r, {p1: "yes"})
    frozen = queries.frozen_results(session, r)
    assert (frozen.results, frozen.by_segment, frozen.segment_turnout) == ([], {}, {})
    assert queries.results_for_rounds(session, [r.id]) == {}
    plenary.close(r)
    frozen = queries.frozen_results(session, r)
    assert [(x.proposal_id, x.yes) for x in frozen.results] == [(p1.id, 1)]
    assert frozen.segment_turnout == {"usuario": (2, 1), "trabalhador": (1, 0), "entidade": (1, 0),
                                      "governo": (1, 0)}
    assert [x.proposal_id for x in queries.results_for_rounds(session, [r.id])[r.id]] == [p1.id]


def test_turnout_counts_voters_only(session, plenary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1, p2], secret=True)
    assert queries.turnout(session, r.id) == queries.Turnout(5, 0)
    plenary.vote(plenary.delegates[0], r, {p1: "yes", p2: "no"})
    plenary.vote(plenary.delegates[1], r, {p1: "no"})
    assert queries.turnout(session, r.id) == queries.Turnout(5, 2)


def test_published_ballots_carry_receipts_and_choices_only(session, plenary):
    p1, p2 = plenary.proposals(2)
    r = plenary.start([p1, p2])
    cast = {plenary.vote(d, r, {p1: c, p2: "abstain"}).receipt: c
            for d, c in zip(plenary.delegates, ["yes", "no", "yes"], strict=False)}
    plenary.close(r)
    page, total = queries.ballots_page(session, r.id, 1, per_page=2)
    rest, _ = queries.ballots_page(session, r.id, 2, per_page=2)
    assert total == 3 and len(page) == 2 and len(rest) == 1
    published = page + rest
    assert [b.receipt for b in published] == sorted(cast)
    assert {b.receipt: b.choices for b in published} == {
        receipt: {p1.code: choice, p2.code: "abstain"} for receipt, choice in cast.items()}
    assert set(vars(published[0])) == {"receipt", "choices"}
    some = next(iter(cast))
    assert queries.ballot_by_receipt(session, r.id, f"  {some.lower()} ").choices[p1.code] == cast[some]
    assert queries.ballot_by_receipt(session, r.id, "AAAAA-AAAAA-AAAAA") is None


def test_my_ballot_in_a_named_round(session, plenary):
    p1 = plenary.proposals(1)[0]
    r = plenary.start([p1])
    delegate = plenary.delegates[0]
    assert queries.my_ballot(session, r.id, delegate.id) is None
    receipt = plenary.vote(delegate, r, {p1: "no"}).receipt
    mine = queries.my_ballot(session, r.id, delegate.id)
    assert (mine.receipt, mine.choices) == (receipt, {p1.code: "no"})


def test_late_delegates_are_the_checked_in_ones_outside_the_electorate(session, make, plenary):
    r = plenary.start(plenary.proposals(1))
    assert queries.late_delegates(session, r) == []
    late = make.delegate(plenary.conference)
    make.delegate(plenary.conference, checked_in=False)
    make.delegate(Plenary(session, make).conference)
    assert [p.id for p in queries.late_delegates(session, r)] == [late.id]


def test_get_round_is_scoped_to_its_conference(session, make, plenary):
    r = plenary.create()
    other = Plenary(session, make)
    assert queries.get_round(session, plenary.conference.id, r.id) is r
    assert queries.get_round(session, other.conference.id, r.id) is None


def test_list_rounds_hides_drafts_unless_asked(session, plenary):
    draft = plenary.create(title="Rascunho")
    opened = plenary.start(plenary.proposals(1), title="Aberta")
    assert [x.id for x in queries.list_rounds(session, plenary.conference.id, include_drafts=False)] == [opened.id]
    assert {x.id for x in queries.list_rounds(session, plenary.conference.id, include_drafts=True)} == {
        draft.id, opened.id}
