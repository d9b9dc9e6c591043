"""The data sizes the benchmarks generate (DESIGN.md and suas-domain.md §6)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    participants: int
    delegates: int
    proposals: int
    comments: int
    rounds: int
    proposals_per_round: int  # votes = rounds × delegates × proposals_per_round


SIZES = {
    "municipal": Size("municipal", participants=60, delegates=30, proposals=30, comments=300, rounds=2,
                      proposals_per_round=10),
    "capital": Size("capital", participants=1500, delegates=600, proposals=300, comments=10_000, rounds=10,
                    proposals_per_round=20),
    "state": Size("state", participants=1300, delegates=400, proposals=500, comments=20_000, rounds=10,
                  proposals_per_round=25),
    "national": Size("national", participants=3000, delegates=2000, proposals=2000, comments=100_000, rounds=20,
                     proposals_per_round=25),
}
QUICK = {
    "municipal": SIZES["municipal"],
    "national": Size("national-quick", participants=600, delegates=400, proposals=400, comments=10_000, rounds=5,
                     proposals_per_round=20),
}
