"""Pure figures derived from participant counts (no session, no Flask)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.conferences.constants import CIVIL_SOCIETY, Segment


@dataclass(frozen=True)
class Parity:
    """Paridade among delegates: governo on one side, the three civil-society segments on the other."""

    governo: int
    sociedade_civil: int

    @property
    def total(self) -> int:
        return self.governo + self.sociedade_civil

    @property
    def balanced(self) -> bool:
        return self.governo == self.sociedade_civil

    @property
    def difference(self) -> int:
        """Positive: civil society has more delegates; negative: governo has more."""
        return self.sociedade_civil - self.governo

    def share(self, side: str) -> float:
        if self.total == 0:
            return 0.0
        return (self.governo if side == "governo" else self.sociedade_civil) / self.total


def parity(delegates_by_segment: Mapping[str, int]) -> Parity:
    return Parity(
        governo=delegates_by_segment.get(Segment.GOVERNO.value, 0),
        sociedade_civil=sum(delegates_by_segment.get(s.value, 0) for s in CIVIL_SOCIETY),
    )
