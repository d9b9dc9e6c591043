"""The pure tally: majority rules, quorum, in-person counts, priority ranking, digest.

No database, no Flask: plain rows in, a RoundTally out."""

from __future__ import annotations

import dataclasses
import random

import pytest

from app.conferences.constants import MajorityRule
from app.votes.constants import Outcome, RoundKind
from app.votes.tally import (
    CountRow,
    InPersonRow,
    ItemTally,
    RoundTally,
    Rules,
    decide,
    digest,
    percent_of_electorate,
    quorum_needed,
    rank_priority,
    share,
    tally_round,
)

A, T, D, R = Outcome.APPROVED, Outcome.TIE, Outcome.REJECTED, Outcome.NO_QUORUM
F, NF = Outcome.FORWARDED, Outcome.NOT_FORWARDED
SIMPLE, ABSOLUTE, TWO_THIRDS = MajorityRule.SIMPLE, MajorityRule.ABSOLUTE, MajorityRule.TWO_THIRDS


def rows_for(pid: int, yes: int = 0, no: int = 0, abstain: int = 0, segment: str = "usuario") -> list[CountRow]:
    return [CountRow(pid, segment, choice, n) for choice, n in (("yes", yes), ("no", no), ("abstain", abstain)) if n]


def deliberation(rule: MajorityRule = SIMPLE, quorum: int = 0, electorate: int = 100) -> Rules:
    return Rules(RoundKind.DELIBERATION, rule, quorum, electorate)


def priority(forward: int, quorum: int = 0, electorate: int = 100) -> Rules:
    return Rules(RoundKind.PRIORITY, SIMPLE, quorum, electorate, forward)


# --- decide: one table per rule ----------------------------------------------------------------

@pytest.mark.parametrize(("yes", "no", "abstain", "expected"), [
    (1, 0, 0, A),
    (0, 1, 0, D),
    (5, 4, 0, A),
    (4, 5, 0, D),
    (3, 3, 0, T),
    (3, 3, 9, T),          # abstentions do not count…
    (2, 1, 50, A),         # …not even when they are the majority
    (1, 2, 50, D),
    (0, 0, 7, T),          # all abstentions
    (0, 0, 0, T),          # nobody answered
])
def test_simple_majority(yes, no, abstain, expected):
    assert decide(yes, no, abstain, SIMPLE) == expected


@pytest.mark.parametrize(("yes", "no", "abstain", "expected"), [
    (5, 3, 1, A),          # 5 > 9/2
    (5, 3, 2, D),          # 5 = 10/2: not more than half; abstentions make the difference
    (5, 3, 3, D),          # simple would approve; absolute rejects
    (6, 0, 6, D),          # exactly half is not enough
    (7, 0, 6, A),
    (1, 0, 0, A),
    (3, 3, 0, T),
    (3, 3, 1, T),          # sim = não is a tie under every rule
    (0, 0, 4, T),          # all abstentions
    (0, 0, 0, T),
    (2, 5, 0, D),
])
def test_absolute_majority(yes, no, abstain, expected):
    assert decide(yes, no, abstain, ABSOLUTE) == expected


@pytest.mark.parametrize(("yes", "no", "abstain", "expected"), [
    (2, 1, 0, A),          # exactly 2/3
    (20, 10, 0, A),        # exactly 2/3
    (4, 2, 10, A),         # exactly 2/3, abstentions ignored
    (66, 34, 0, D),        # 0.66 < 2/3
    (67, 33, 0, A),
    (3, 2, 0, D),          # 0.6
    (199, 100, 0, D),      # 0.6655…
    (200, 100, 0, A),
    (1, 0, 0, A),
    (1, 1, 0, T),
    (5, 5, 3, T),
    (0, 0, 5, T),          # all abstentions: no sim or não at all
    (0, 0, 0, T),
    (0, 3, 0, D),
])
def test_two_thirds_majority(yes, no, abstain, expected):
    assert decide(yes, no, abstain, TWO_THIRDS) == expected


@pytest.mark.parametrize("rule", list(MajorityRule))
@pytest.mark.parametrize("figures", [(0, 0, 0), (2, 2, 0), (7, 7, 3), (0, 0, 11)])
def test_a_tie_is_never_approved_or_rejected(rule, figures):
    assert decide(*figures, rule) == T


# --- quorum ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("percent", "electorate", "needed"), [
    (50, 7, 4),            # 3.5 → 4
    (50, 8, 4),
    (50, 1, 1),
    (0, 7, 0),
    (100, 7, 7),
    (33, 3, 1),            # 0.99 → 1
    (66, 3, 2),            # 1.98 → 2
    (67, 3, 3),            # 2.01 → 3
    (10, 2999, 300),       # 299.9 → 300
    (1, 1, 1),
    (50, 0, 0),
])
def test_quorum_is_the_integer_ceiling(percent, electorate, needed):
    assert quorum_needed(percent, electorate) == needed


@pytest.mark.parametrize(("voters", "met"), [(4, True), (3, False), (7, True), (0, False)])
def test_quorum_just_met_and_just_missed(voters, met):
    tally = tally_round(rows_for(1, yes=voters), deliberation(quorum=50, electorate=7), proposal_ids=[1],
                        voters_online=voters)
    assert tally.quorum_needed == 4
    assert tally.quorum_met is met
    assert tally.items[0].outcome == (A if met else R)


def test_without_quorum_every_item_is_no_quorum_whatever_the_votes():
    rows = rows_for(1, yes=3) + rows_for(2, no=3) + rows_for(3, yes=1, no=1)
    tally = tally_round(rows, deliberation(quorum=50, electorate=10), proposal_ids=[1, 2, 3], voters_online=3)
    assert not tally.quorum_met
    assert [i.outcome for i in tally.items] == [R, R, R]
    assert tally.items[0].online == (3, 0, 0)  # the figures are still kept


def test_in_person_voters_complete_the_quorum():
    rules = deliberation(quorum=50, electorate=10)
    online_only = tally_round(rows_for(1, yes=3), rules, proposal_ids=[1], voters_online=3)
    assert not online_only.quorum_met
    with_room = tally_round(rows_for(1, yes=3), rules, proposal_ids=[1], voters_online=3,
                            in_person=[InPersonRow(1, 1, 1, 0)])
    assert with_room.voters_in_person == 2 and with_room.turnout == 5
    assert with_room.quorum_met and with_room.items[0].outcome == A


def test_zero_quorum_with_no_votes_at_all_is_a_tie():
    tally = tally_round([], deliberation(quorum=0, electorate=5), proposal_ids=[1, 2], voters_online=0)
    assert tally.quorum_met and tally.quorum_needed == 0
    assert [(i.online, i.in_person, i.by_segment, i.outcome) for i in tally.items] == [
        ((0, 0, 0), (0, 0, 0), {}, T), ((0, 0, 0), (0, 0, 0), {}, T)]


def test_no_votes_at_all_misses_any_positive_quorum():
    tally = tally_round([], deliberation(quorum=1, electorate=5), proposal_ids=[1], voters_online=0)
    assert (tally.quorum_needed, tally.quorum_met, tally.items[0].outcome) == (1, False, R)


# --- figures: online, in person, segments, turnout -------------------------------------------------

@pytest.mark.parametrize(("rule", "online", "room", "expected"), [
    (SIMPLE, (2, 3, 0), (2, 0, 0), A),        # 4 × 3: the room turns it
    (SIMPLE, (3, 2, 0), (0, 2, 0), D),
    (SIMPLE, (3, 2, 0), (0, 1, 0), T),        # 3 × 3
    (ABSOLUTE, (5, 3, 0), (0, 0, 2), D),      # in-person abstentions count in the absolute rule
    (ABSOLUTE, (5, 3, 0), (0, 0, 1), A),
    (TWO_THIRDS, (3, 2, 0), (1, 0, 9), A),    # 4 of 6 sim or não: exactly two thirds
    (TWO_THIRDS, (3, 2, 0), (0, 1, 0), T),    # 3 × 3
    (TWO_THIRDS, (3, 1, 0), (0, 1, 0), D),    # 3 of 5: 60%
])
def test_in_person_counts_are_added_to_online_figures(rule, online, room, expected):
    rows = rows_for(1, *online)
    tally = tally_round(rows, deliberation(rule), proposal_ids=[1], voters_online=sum(online),
                        in_person=[InPersonRow(1, *room)])
    item = tally.items[0]
    assert item.online == online and item.in_person == room
    assert item.total == tuple(a + b for a, b in zip(online, room, strict=True))
    assert item.outcome == expected


def test_two_thirds_counts_in_person_sim_and_nao():
    # online 3 × 2 is 60%; one more sim in the room makes 4 of 6: exactly two thirds.
    tally = tally_round(rows_for(1, 3, 2), deliberation(TWO_THIRDS), proposal_ids=[1], voters_online=5,
                        in_person=[InPersonRow(1, 1, 0, 9)])
    assert tally.items[0].total == (4, 2, 9)
    assert tally.items[0].outcome == A
    online_only = tally_round(rows_for(1, 3, 2), deliberation(TWO_THIRDS), proposal_ids=[1], voters_online=5)
    assert online_only.items[0].outcome == D


def test_turnout_is_online_voters_plus_the_largest_in_person_total():
    room = [InPersonRow(1, 3, 1, 0), InPersonRow(2, 1, 1, 4), InPersonRow(3, 0, 0, 2)]
    tally = tally_round([], deliberation(), proposal_ids=[1, 2, 3], voters_online=9, in_person=room)
    assert tally.voters_online == 9
    assert tally.voters_in_person == 6  # proposal 2: 1 + 1 + 4
    assert tally.turnout == 15


def test_items_without_in_person_counts_get_zeros():
    tally = tally_round(rows_for(1, 1) + rows_for(2, 0, 1), deliberation(), proposal_ids=[1, 2], voters_online=2,
                        in_person=[InPersonRow(2, 0, 0, 1)])
    assert tally.items[0].in_person == (0, 0, 0)
    assert tally.items[1].in_person == (0, 0, 1)
    assert tally.voters_in_person == 1


def test_rows_are_summed_per_proposal_and_per_segment():
    rows = [
        CountRow(1, "usuario", "yes", 3), CountRow(1, "usuario", "no", 1), CountRow(1, "governo", "yes", 2),
        CountRow(1, "governo", "abstain", 4), CountRow(2, "trabalhador", "no", 5),
        CountRow(1, "usuario", "yes", 1),  # a second row for the same key is added, not replaced
    ]
    tally = tally_round(rows, deliberation(), proposal_ids=[1, 2], voters_online=15)
    first, second = tally.items
    assert first.online == (6, 1, 4)
    assert first.by_segment == {"governo": (2, 0, 4), "usuario": (4, 1, 0)}
    assert list(first.by_segment) == ["governo", "usuario"]  # sorted: the digest depends on it
    assert second.by_segment == {"trabalhador": (0, 5, 0)}
    assert second.outcome == D


def test_items_keep_the_order_of_the_round():
    tally = tally_round([], deliberation(), proposal_ids=[30, 10, 20], voters_online=0)
    assert [i.proposal_id for i in tally.items] == [30, 10, 20]
    assert all(i.rank is None and not i.forwarded for i in tally.items)


def test_a_vote_for_a_proposal_not_in_the_round_is_an_error():
    with pytest.raises(ValueError, match="not in the round"):
        tally_round(rows_for(1, 1) + rows_for(99, 1), deliberation(), proposal_ids=[1], voters_online=1)


def test_an_in_person_count_for_a_proposal_not_in_the_round_is_an_error():
    with pytest.raises(ValueError, match="not in the round"):
        tally_round([], deliberation(), proposal_ids=[1], voters_online=0, in_person=[InPersonRow(2, 1, 0, 0)])


def test_an_unknown_choice_is_an_error():
    with pytest.raises(ValueError, match="unknown choice"):
        tally_round([CountRow(1, "usuario", "talvez", 1)], deliberation(), proposal_ids=[1], voters_online=1)


# --- priority ranking --------------------------------------------------------------------------

@pytest.mark.parametrize(("scores", "forward", "expected"), [
    # competition ranking 1, 2, 2, 4; the tie straddles the cut-off (2 places, 3 candidates)
    ({1: 5, 2: 3, 3: 3, 4: 1}, 2, {1: (1, F), 2: (2, T), 3: (2, T), 4: (4, NF)}),
    # the same scores with room for the whole tied group: all forwarded
    ({1: 5, 2: 3, 3: 3, 4: 1}, 3, {1: (1, F), 2: (2, F), 3: (2, F), 4: (4, NF)}),
    # a tie above the cut-off: both forwarded, the next one too
    ({1: 5, 2: 5, 3: 3, 4: 1}, 3, {1: (1, F), 2: (1, F), 3: (3, F), 4: (4, NF)}),
    ({1: 5, 2: 5, 3: 3, 4: 1}, 2, {1: (1, F), 2: (1, F), 3: (3, NF), 4: (4, NF)}),
    # a tie at the top larger than the places
    ({1: 4, 2: 4, 3: 4}, 2, {1: (1, T), 2: (1, T), 3: (1, T)}),
    ({1: 4, 2: 4, 3: 4}, 1, {1: (1, T), 2: (1, T), 3: (1, T)}),
    # zero is never forwarded, even with room to spare
    ({1: 2, 2: 0, 3: 0}, 3, {1: (1, F), 2: (2, NF), 3: (2, NF)}),
    ({1: 0, 2: 0}, 2, {1: (1, NF), 2: (1, NF)}),
    # zeros tied at the cut-off are not a tie to settle: they are simply not forwarded
    ({1: 3, 2: 0, 3: 0}, 2, {1: (1, F), 2: (2, NF), 3: (2, NF)}),
    # more places than proposals
    ({1: 1, 2: 2}, 5, {1: (2, F), 2: (1, F)}),
    # ranking 1, 2, 2, 2, 5, 6, 6
    ({1: 9, 2: 7, 3: 7, 4: 7, 5: 3, 6: 1, 7: 1}, 4,
     {1: (1, F), 2: (2, F), 3: (2, F), 4: (2, F), 5: (5, NF), 6: (6, NF), 7: (6, NF)}),
    ({1: 9, 2: 7, 3: 7, 4: 7, 5: 3, 6: 1, 7: 1}, 6,
     {1: (1, F), 2: (2, F), 3: (2, F), 4: (2, F), 5: (5, F), 6: (6, T), 7: (6, T)}),
    ({}, 3, {}),
])
def test_rank_priority(scores, forward, expected):
    assert rank_priority(scores, forward) == expected


def test_priority_tally_sums_online_and_in_person_selections():
    rows = [CountRow(1, "usuario", "selected", 4), CountRow(2, "usuario", "selected", 3),
            CountRow(2, "governo", "selected", 1), CountRow(3, "usuario", "selected", 2)]
    tally = tally_round(rows, priority(forward=1), proposal_ids=[1, 2, 3], voters_online=6,
                        in_person=[InPersonRow(3, 3, 0, 0)])
    by_id = {i.proposal_id: i for i in tally.items}
    assert by_id[1].online == (4, 0, 0) and by_id[2].online == (4, 0, 0) and by_id[3].total == (5, 0, 0)
    assert (by_id[3].rank, by_id[3].outcome, by_id[3].forwarded) == (1, F, True)
    assert (by_id[1].rank, by_id[1].outcome) == (2, NF)
    assert (by_id[2].rank, by_id[2].outcome) == (2, NF)
    assert by_id[2].by_segment == {"governo": (1, 0, 0), "usuario": (3, 0, 0)}
    assert tally.voters_in_person == 3


def test_priority_tie_at_the_cut_off_is_flagged_and_nothing_tied_is_forwarded():
    rows = [CountRow(1, "usuario", "selected", 5), CountRow(2, "usuario", "selected", 3),
            CountRow(3, "usuario", "selected", 3)]
    tally = tally_round(rows, priority(forward=2), proposal_ids=[1, 2, 3], voters_online=6)
    assert [(i.rank, i.outcome, i.forwarded) for i in tally.items] == [(1, F, True), (2, T, False), (2, T, False)]


def test_priority_without_quorum_keeps_the_ranking_but_forwards_nothing():
    rows = [CountRow(1, "usuario", "selected", 2), CountRow(2, "usuario", "selected", 1)]
    tally = tally_round(rows, priority(forward=1, quorum=50, electorate=10), proposal_ids=[1, 2], voters_online=2)
    assert not tally.quorum_met
    assert [(i.rank, i.outcome, i.forwarded) for i in tally.items] == [(1, R, False), (2, R, False)]


def test_priority_ignores_the_majority_rule():
    rows = [CountRow(1, "usuario", "selected", 1)]
    for rule in MajorityRule:
        tally = tally_round(rows, Rules(RoundKind.PRIORITY, rule, 0, 3, 1), proposal_ids=[1, 2], voters_online=1)
        assert [(i.rank, i.outcome) for i in tally.items] == [(1, F), (2, NF)]


# --- digest --------------------------------------------------------------------------------------

def _sample_tally() -> tuple[RoundTally, dict[int, str]]:
    rows = rows_for(1, 3, 1, 0) + rows_for(1, 1, 0, 2, segment="governo") + rows_for(2, 0, 2, 1)
    tally = tally_round(rows, deliberation(quorum=50, electorate=12), proposal_ids=[1, 2], voters_online=7,
                        in_person=[InPersonRow(1, 1, 0, 0)])
    return tally, {1: "E1-M-01", 2: "E1-M-02"}


def test_digest_is_a_stable_sha256():
    tally, codes = _sample_tally()
    first = digest(tally, codes)
    assert len(first) == 64 and int(first, 16) >= 0
    again, _ = _sample_tally()
    assert digest(again, dict(reversed(list(codes.items())))) == first


def test_digest_does_not_depend_on_the_order_of_rows_or_items():
    tally, codes = _sample_tally()
    rows = rows_for(1, 3, 1, 0) + rows_for(1, 1, 0, 2, segment="governo") + rows_for(2, 0, 2, 1)
    random.Random(4).shuffle(rows)
    shuffled = tally_round(rows, deliberation(quorum=50, electorate=12), proposal_ids=[2, 1], voters_online=7,
                           in_person=[InPersonRow(1, 1, 0, 0)])
    assert digest(shuffled, codes) == digest(tally, codes)


def _item_mutations(item: ItemTally) -> list[ItemTally]:
    return [
        dataclasses.replace(item, online=(item.online[0] + 1, *item.online[1:])),
        dataclasses.replace(item, online=(item.online[0], item.online[1] + 1, item.online[2])),
        dataclasses.replace(item, online=(*item.online[:2], item.online[2] + 1)),
        dataclasses.replace(item, in_person=(item.in_person[0] + 1, *item.in_person[1:])),
        dataclasses.replace(item, in_person=(item.in_person[0], item.in_person[1] + 1, item.in_person[2])),
        dataclasses.replace(item, in_person=(*item.in_person[:2], item.in_person[2] + 1)),
        dataclasses.replace(item, by_segment={**item.by_segment, "usuario": (9, 9, 9)}),
        dataclasses.replace(item, by_segment={**item.by_segment, "entidade": (0, 0, 1)}),
        dataclasses.replace(item, outcome=Outcome.REJECTED if item.outcome != Outcome.REJECTED else Outcome.TIE),
        dataclasses.replace(item, rank=7),
        dataclasses.replace(item, forwarded=not item.forwarded),
    ]


def test_digest_changes_with_any_figure():
    tally, codes = _sample_tally()
    base = digest(tally, codes)
    variants = [
        dataclasses.replace(tally, electorate=13),
        dataclasses.replace(tally, voters_online=8),
        dataclasses.replace(tally, voters_in_person=2),
        dataclasses.replace(tally, quorum_needed=5),
        dataclasses.replace(tally, quorum_met=False),
        dataclasses.replace(tally, items=tally.items[:1]),
    ]
    for index in range(len(tally.items)):
        for mutated in _item_mutations(tally.items[index]):
            items = list(tally.items)
            items[index] = mutated
            variants.append(dataclasses.replace(tally, items=tuple(items)))
    digests = [digest(v, codes) for v in variants]
    assert base not in digests
    assert len(set(digests)) == len(digests)
    assert digest(tally, {1: "E1-M-09", 2: "E1-M-02"}) != base  # the proposal codes are covered too


# --- small helpers ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("part", "whole", "expected"), [(0, 0, 0.0), (1, 4, 0.25), (3, 3, 1.0)])
def test_share(part, whole, expected):
    assert share(part, whole) == expected


@pytest.mark.parametrize(("voters", "electorate", "expected"), [(2, 3, 0.666), (1, 3, 0.333), (0, 0, 0.0), (7, 7, 1.0)])
def test_percent_of_electorate_rounds_down(voters, electorate, expected):
    assert percent_of_electorate(voters, electorate) == expected
