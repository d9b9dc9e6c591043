"""Results as people read them: pure functions shared by the HTML pages and the API.

The small-segment rule lives here: in a secret round, per-segment figures are shown
only for segments with at least SEGMENT_PRIVACY_MIN voters, so a small segment's vote
cannot be read off the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.conferences.constants import Segment
from app.votes.constants import SEGMENT_PRIVACY_MIN


def visible_segments(secret: bool, segment_turnout: Mapping[str, tuple[int, int]]) -> dict[str, bool]:
    """Segment → whether its figures may be shown."""
    return {
        s.value: (not secret) or segment_turnout.get(s.value, (0, 0))[1] >= SEGMENT_PRIVACY_MIN
        for s in Segment
    }


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
