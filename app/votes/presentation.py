"""Results as people read them: pure functions shared by the HTML pages and the API.

The small-segment rule lives here: in a secret round, per-segment figures are shown
only for segments with at least SEGMENT_PRIVACY_MIN voters, and never in a way that lets
the hidden ones be recovered by subtraction (see hidden_segments).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.conferences.constants import Segment
from app.votes.constants import SEGMENT_PRIVACY_MIN

FEW_VOTERS = "few_voters"
PROTECTS_OTHERS = "protects_others"


def hidden_segments(secret: bool, segment_turnout: Mapping[str, tuple[int, int]]) -> dict[str, str | None]:
    """Segment → why its figures are hidden in this round (None: shown).

    In a secret round a segment with fewer than SEGMENT_PRIVACY_MIN voters is hidden. The
    round's totals stay public, so hiding one segment alone would let anyone recover it by
    subtraction; the next smallest segments are then hidden too until the hidden group holds
    at least two segments and SEGMENT_PRIVACY_MIN voters (complementary suppression).
    """
    reasons: dict[str, str | None] = {s.value: None for s in Segment}
    if not secret:
        return reasons
    voters = {s.value: segment_turnout.get(s.value, (0, 0))[1] for s in Segment}
    for segment, n in voters.items():
        if n < SEGMENT_PRIVACY_MIN:
            reasons[segment] = FEW_VOTERS

    def exposed() -> bool:
        group = [s for s, why in reasons.items() if why and voters[s] > 0]
        return bool(group) and (len(group) < 2 or sum(voters[s] for s in group) < SEGMENT_PRIVACY_MIN)

    while exposed():
        shown = sorted((n, s) for s, n in voters.items() if reasons[s] is None and n > 0)
        if not shown:
            break
        reasons[shown[0][1]] = PROTECTS_OTHERS
    return reasons


def visible_segments(secret: bool, segment_turnout: Mapping[str, tuple[int, int]]) -> dict[str, bool]:
    return {segment: why is None for segment, why in hidden_segments(secret, segment_turnout).items()}


def segment_breakdown(
    secret: bool,
    figures: Mapping[str, tuple[int, int, int]],
    segment_turnout: Mapping[str, tuple[int, int]],
) -> dict[str, dict[str, int] | None]:
    """Per-segment yes/no/abstain for one proposal; None where privacy hides it."""
    visible = visible_segments(secret, segment_turnout)
    out: dict[str, dict[str, int] | None] = {}
    for segment in Segment:
        if not visible[segment.value]:
            out[segment.value] = None
            continue
        yes, no, abstain = figures.get(segment.value, (0, 0, 0))
        out[segment.value] = {"yes": yes, "no": no, "abstain": abstain}
    return out


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float  # 0..100, share of the largest value in the chart
    css: str


def bars(values: list[tuple[str, int, str]], scale: int | None = None) -> list[Bar]:
    """Bar geometry for a server-rendered SVG chart (the table beside it has the numbers)."""
    top = scale if scale is not None else max((v for _, v, _ in values), default=0)
    return [Bar(label, value, 0.0 if top == 0 else round(100 * value / top, 2), css) for label, value, css in values]
