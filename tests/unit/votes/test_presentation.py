"""The small-segment rule and the bar geometry (pure functions)."""

from __future__ import annotations

import pytest

from app.conferences.constants import Segment
from app.votes.constants import SEGMENT_PRIVACY_MIN
from app.votes.presentation import Bar, bars, segment_breakdown, visible_segments

FIGURES = {"usuario": (4, 1, 0), "trabalhador": (1, 1, 1), "entidade": (2, 0, 0), "governo": (0, 3, 2)}
TURNOUT = {"usuario": (8, 5), "trabalhador": (4, 3), "entidade": (2, 2), "governo": (6, 5)}


def test_the_privacy_threshold_is_five():
    assert SEGMENT_PRIVACY_MIN == 5


def test_a_named_round_shows_every_segment():
    out = segment_breakdown(False, FIGURES, TURNOUT)
    assert out == {
        "usuario": {"yes": 4, "no": 1, "abstain": 0}, "trabalhador": {"yes": 1, "no": 1, "abstain": 1},
        "entidade": {"yes": 2, "no": 0, "abstain": 0}, "governo": {"yes": 0, "no": 3, "abstain": 2},
    }


def test_a_secret_round_hides_segments_with_fewer_than_five_voters():
    out = segment_breakdown(True, FIGURES, TURNOUT)
    assert out["usuario"] == {"yes": 4, "no": 1, "abstain": 0}      # exactly 5 voters: shown
    assert out["governo"] == {"yes": 0, "no": 3, "abstain": 2}
    assert out["trabalhador"] is None                                 # 3 voters
    assert out["entidade"] is None                                    # 2 voters


@pytest.mark.parametrize(("voters", "shown"), [(0, False), (1, False), (4, False), (5, True), (40, True)])
def test_the_threshold_in_a_secret_round(voters, shown):
    out = segment_breakdown(True, {"usuario": (voters, 0, 0)}, {"usuario": (50, voters)})
    assert (out["usuario"] is not None) is shown
    assert segment_breakdown(False, {"usuario": (voters, 0, 0)}, {"usuario": (50, voters)})["usuario"] == {
        "yes": voters, "no": 0, "abstain": 0}


def test_the_threshold_counts_voters_not_the_electorate_nor_the_answers():
    # 9 in the electorate but 4 voted; their 4 answers on this proposal do not make it 5
    out = segment_breakdown(True, {"usuario": (2, 2, 0)}, {"usuario": (9, 4)})
    assert out["usuario"] is None
    # 5 voted but only 1 answered this proposal: shown (the threshold is about the round)
    out = segment_breakdown(True, {"usuario": (1, 0, 0)}, {"usuario": (9, 5)})
    assert out["usuario"] == {"yes": 1, "no": 0, "abstain": 0}


def test_every_segment_is_present_with_zeros_when_visible():
    out = segment_breakdown(False, {}, {})
    assert list(out) == [s.value for s in Segment]
    assert all(v == {"yes": 0, "no": 0, "abstain": 0} for v in out.values())
    assert all(v is None for v in segment_breakdown(True, {}, {}).values())


def test_visible_segments():
    assert visible_segments(False, {}) == {s.value: True for s in Segment}
    assert visible_segments(True, TURNOUT) == {"usuario": True, "trabalhador": False, "entidade": False,
                                               "governo": True}


# --- bars ----------------------------------------------------------------------------------------

def test_bars_are_relative_to_the_largest_value():
    out = bars([("Sim", 6, "yes"), ("Não", 3, "no"), ("Abstenção", 0, "abstain")])
    assert out == [Bar("Sim", 6, 100.0, "yes"), Bar("Não", 3, 50.0, "no"), Bar("Abstenção", 0, 0.0, "abstain")]


def test_bars_with_a_fixed_scale_and_rounding():
    out = bars([("Sim", 1, "yes"), ("Não", 2, "no")], scale=3)
    assert [b.width for b in out] == [33.33, 66.67]
    assert [b.value for b in out] == [1, 2]


@pytest.mark.parametrize("values", [[("Sim", 0, "yes"), ("Não", 0, "no")], []])
def test_bars_without_votes_have_no_width(values):
    assert [b.width for b in bars(values)] == [0.0] * len(values)
    assert [b.width for b in bars(values, scale=0)] == [0.0] * len(values)


def test_bars_keep_labels_and_order():
    out = bars([("b", 1, "x"), ("a", 4, "y")])
    assert [(b.label, b.css) for b in out] == [("b", "x"), ("a", "y")]
    assert [b.width for b in out] == [25.0, 100.0]


@pytest.mark.parametrize(("voters", "expected"), [
    # one small segment alone would be recovered by subtraction: the next smallest hides too
    ({"usuario": 5, "trabalhador": 1}, {"usuario": "protects_others", "trabalhador": "few_voters"}),
    ({"usuario": 9, "trabalhador": 6, "entidade": 2, "governo": 8},
     {"usuario": None, "trabalhador": "protects_others", "entidade": "few_voters", "governo": None}),
    # two small segments together reach 5 voters: nothing else needs hiding
    ({"usuario": 5, "trabalhador": 3, "entidade": 2, "governo": 7},
     {"usuario": None, "trabalhador": "few_voters", "entidade": "few_voters", "governo": None}),
    # two small segments under 5 together: the smallest shown one joins them
    ({"usuario": 6, "trabalhador": 2, "entidade": 1, "governo": 9},
     {"usuario": "protects_others", "trabalhador": "few_voters", "entidade": "few_voters", "governo": None}),
    # a segment with nobody voting reveals nothing and protects nobody
    ({"usuario": 9, "trabalhador": 6, "entidade": 0, "governo": 8},
     {"usuario": None, "trabalhador": None, "entidade": "few_voters", "governo": None}),
])
def test_hidden_segments_complementary_suppression(voters, expected):
    from app.votes.presentation import hidden_segments

    turnout = {segment: (n, n) for segment, n in voters.items()}
    reasons = hidden_segments(True, turnout)
    full = {"usuario": "few_voters", "trabalhador": "few_voters", "entidade": "few_voters", "governo": "few_voters"}
    full.update(expected)
    assert reasons == full
    assert hidden_segments(False, turnout) == dict.fromkeys(full)
