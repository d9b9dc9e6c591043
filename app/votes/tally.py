"""The tally of a voting round: a pure function over plain rows.

No Flask, no session, no clock. The closing service feeds it the SQL aggregates of the
stored votes and the agreed in-person counts, and stores what it returns.

Rules (DESIGN.md, CNAS practice), applied to online + in-person figures:
- quorum: the round's turnout (online ballots + the largest in-person total among its
  proposals) must reach ceil(quorum% × electorate); otherwise every item is NO_QUORUM.
- simple: approved when sim > não; rejected when não > sim; abstentions do not count.
- absolute: approved when sim > half of all votes cast (sim + não + abstenção).
- two_thirds: approved when sim ≥ 2/3 of (sim + não), with at least one sim or não.
- a tie (sim = não, including an item nobody answered or everybody abstained on) is TIE
  under every rule, never silently approved or rejected; otherwise not approved is
  REJECTED.
- priority rounds: each item's score is its selections (online + in person); items are
  ranked by score (competition ranking: 1, 2, 2, 4). The best ``forward_count`` items with
  a score above zero are FORWARDED; when items tied on the score at the cut-off would not
  all fit, those tied items are TIE (flagged for the secretary), never picked arbitrarily.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.conferences.constants import MajorityRule
from app.votes.constants import Choice, Outcome, RoundKind


@dataclass(frozen=True)
class CountRow:
    """``count`` online votes of ``choice`` on ``proposal_id`` from ``segment``."""

    proposal_id: int
    segment: str
    choice: str
    count: int


@dataclass(frozen=True)
class InPersonRow:
    proposal_id: int
    yes: int
    no: int
    abstain: int

    @property
    def total(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class Rules:
    kind: RoundKind
    majority_rule: MajorityRule
    quorum_percent: int
    electorate: int
    forward_count: int | None = None


@dataclass
class Figures:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    def add(self, choice: str, count: int) -> None:
        if choice in (Choice.YES, Choice.SELECTED):
            self.yes += count
        elif choice == Choice.NO:
            self.no += count
        elif choice == Choice.ABSTAIN:
            self.abstain += count
        else:
            raise ValueError(f"unknown choice {choice!r}")

    def as_tuple(self) -> tuple[int, int, int]:
        return (self.yes, self.no, self.abstain)


@dataclass(frozen=True)
class ItemTally:
    proposal_id: int
    online: tuple[int, int, int]
    in_person: tuple[int, int, int]
    by_segment: dict[str, tuple[int, int, int]]
    outcome: Outcome
    rank: int | None = None
    forwarded: bool = False

    @property
    def total(self) -> tuple[int, int, int]:
        return (self.online[0] + self.in_person[0], self.online[1] + self.in_person[1],
                self.online[2] + self.in_person[2])


@dataclass(frozen=True)
class RoundTally:
    electorate: int
    voters_online: int
    voters_in_person: int
    quorum_needed: int
    quorum_met: bool
    items: tuple[ItemTally, ...] = field(default_factory=tuple)

    @property
    def turnout(self) -> int:
        return self.voters_online + self.voters_in_person


def quorum_needed(quorum_percent: int, electorate: int) -> int:
    """Integer arithmetic: ceil(percent × electorate / 100) without float rounding."""
    return -(-quorum_percent * electorate // 100)


def decide(yes: int, no: int, abstain: int, rule: MajorityRule) -> Outcome:
    """The outcome of one deliberation item under a majority rule (quorum met)."""
    if rule == MajorityRule.SIMPLE:
        approved = yes > no
    elif rule == MajorityRule.ABSOLUTE:
        approved = 2 * yes > yes + no + abstain
    elif rule == MajorityRule.TWO_THIRDS:
        approved = yes + no > 0 and 3 * yes >= 2 * (yes + no)
    else:  # pragma: no cover - the enum is closed
        raise ValueError(rule)
    if approved:
        return Outcome.APPROVED
    if yes == no:
        return Outcome.TIE
    return Outcome.REJECTED


def rank_priority(scores: dict[int, int], forward_count: int) -> dict[int, tuple[int, Outcome]]:
    """Competition ranking by score and the forwarding decision at the cut-off."""
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    ranks: dict[int, int] = {}
    previous_score: int | None = None
    rank = 0
    for position, (proposal_id, score) in enumerate(ordered, start=1):
        if score != previous_score:
            rank, previous_score = position, score
        ranks[proposal_id] = rank
    decided: dict[int, tuple[int, Outcome]] = {}
    for proposal_id, score in ordered:
        rank = ranks[proposal_id]
        tied_with = sum(1 for s in scores.values() if s == score)
        last_position = rank + tied_with - 1  # the lowest position this score group occupies
        if score <= 0 or rank > forward_count:
            outcome = Outcome.NOT_FORWARDED
        elif last_position <= forward_count:
            outcome = Outcome.FORWARDED
        else:
            outcome = Outcome.TIE  # the group straddles the cut-off
        decided[proposal_id] = (rank, outcome)
    return decided


def tally_round(
    rows: Iterable[CountRow],
    rules: Rules,
    *,
    proposal_ids: Sequence[int],
    voters_online: int,
    in_person: Iterable[InPersonRow] = (),
) -> RoundTally:
    online: dict[int, Figures] = {pid: Figures() for pid in proposal_ids}
    segments: dict[int, dict[str, Figures]] = {pid: {} for pid in proposal_ids}
    for row in rows:
        if row.proposal_id not in online:
            raise ValueError(f"vote for proposal {row.proposal_id}, which is not in the round")
        online[row.proposal_id].add(row.choice, row.count)
        segments[row.proposal_id].setdefault(row.segment, Figures()).add(row.choice, row.count)
    counted = {pid: InPersonRow(pid, 0, 0, 0) for pid in proposal_ids}
    for entry in in_person:
        if entry.proposal_id not in counted:
            raise ValueError(f"in-person count for proposal {entry.proposal_id}, which is not in the round")
        counted[entry.proposal_id] = entry
    voters_in_person = max((entry.total for entry in counted.values()), default=0)
    needed = quorum_needed(rules.quorum_percent, rules.electorate)
    met = voters_online + voters_in_person >= needed

    totals = {pid: (online[pid].yes + counted[pid].yes, online[pid].no + counted[pid].no,
                    online[pid].abstain + counted[pid].abstain) for pid in proposal_ids}
    decisions: dict[int, tuple[int | None, Outcome]] = {}
    if rules.kind == RoundKind.PRIORITY:
        ranked = rank_priority({pid: totals[pid][0] for pid in proposal_ids}, rules.forward_count or 0)
        decisions = {pid: (rank, outcome if met else Outcome.NO_QUORUM) for pid, (rank, outcome) in ranked.items()}
    else:
        for pid in proposal_ids:
            decisions[pid] = (None, decide(*totals[pid], rules.majority_rule) if met else Outcome.NO_QUORUM)

    items = tuple(
        ItemTally(
            proposal_id=pid,
            online=online[pid].as_tuple(),
            in_person=(counted[pid].yes, counted[pid].no, counted[pid].abstain),
            by_segment={seg: fig.as_tuple() for seg, fig in sorted(segments[pid].items())},
            outcome=decisions[pid][1],
            rank=decisions[pid][0],
            forwarded=decisions[pid][1] == Outcome.FORWARDED,
        )
        for pid in proposal_ids
    )
    return RoundTally(rules.electorate, voters_online, voters_in_person, needed, met, items)


def digest(tally: RoundTally, codes: dict[int, str]) -> str:
    """A SHA-256 over the frozen figures, recorded in the audit log at closing."""
    payload = {
        "electorate": tally.electorate,
        "voters_online": tally.voters_online,
        "voters_in_person": tally.voters_in_person,
        "quorum_needed": tally.quorum_needed,
        "quorum_met": tally.quorum_met,
        "items": [
            {"proposal": codes.get(item.proposal_id, str(item.proposal_id)), "online": item.online,
             "in_person": item.in_person, "by_segment": item.by_segment, "outcome": item.outcome.value,
             "rank": item.rank, "forwarded": item.forwarded}
            for item in sorted(tally.items, key=lambda i: codes.get(i.proposal_id, str(i.proposal_id)))
        ],
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def share(part: int, whole: int) -> float:
    return 0.0 if whole == 0 else part / whole


def percent_of_electorate(voters: int, electorate: int) -> float:
    return math.floor(1000 * share(voters, electorate)) / 1000
